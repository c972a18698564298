package coding

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"qcode/coding/agreement"
	"qcode/corpus"
)

// applyAs applies a code by path for coder on a segment (a span when given).
func applyAs(t *testing.T, s *Store, coder string, seg SegRef, path string, span ...int) {
	t.Helper()
	var sp Span
	if len(span) == 2 {
		sp = Span{span[0], span[1]}
	}
	if _, err := s.Apply(coder, seg, code(t, s, path), sp); err != nil {
		t.Fatalf("apply %s for %s: %v", path, coder, err)
	}
}

func value(t *testing.T, v agreement.Value) float64 {
	t.Helper()
	f, ok := v.Float()
	if !ok {
		t.Fatalf("undefined value")
	}
	return f
}

const (
	workload = "Barriers/Workload and time"
	travel   = "Barriers/Travel and distance"
	career   = "Motivations/Career progression"
)

// teamProject is the survey coded by alice and bob:
//
//	R001 career: alice, bob
//	R002 workload: alice, bob
//	R005 workload: alice; travel: bob
func teamProject(t *testing.T) (*Store, []SegRef) {
	t.Helper()
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s1")
	applyAs(t, s, "alice", refs[0], career)
	applyAs(t, s, "bob", refs[0], career)
	applyAs(t, s, "alice", refs[1], workload)
	applyAs(t, s, "bob", refs[1], workload)
	applyAs(t, s, "alice", refs[4], workload)
	applyAs(t, s, "bob", refs[4], travel)
	return s, refs
}

func findCode(t *testing.T, a Agreement, path string) CodeAgreement {
	t.Helper()
	for _, c := range a.Codes {
		if c.Path == path {
			return c
		}
	}
	t.Fatalf("no %s in agreement", path)
	return CodeAgreement{}
}

func TestAgreementByHand(t *testing.T) {
	s, _ := teamProject(t)
	a, err := s.Agreement(AgreeQuery{Units: UnitsAll})
	if err != nil {
		t.Fatal(err)
	}
	// "lead" imported the survey but coded nothing: not compared.
	if strings.Join(a.Coders, ",") != "alice,bob" || a.Units != 5 || a.UnitScope != UnitsAll {
		t.Fatalf("coders %v, units %d %s", a.Coders, a.Units, a.UnitScope)
	}
	if a.Coded["alice"] != 3 || a.Coded["bob"] != 3 {
		t.Errorf("coded %v", a.Coded)
	}
	if len(a.Codes) != s.Codebook().Len() {
		t.Errorf("%d codes listed, want every code (%d)", len(a.Codes), s.Codebook().Len())
	}
	// Workload: alice {R002, R005}, bob {R002} over 5 units: p_o = .8,
	// p_e = .4·.2 + .6·.8 = .56, κ = .24/.44.
	w := findCode(t, a, workload)
	if value(t, w.PercentAgreement) != 80 || math.Abs(value(t, w.CohenKappa)-0.24/0.44) > 1e-12 {
		t.Errorf("workload %+v", w.Metrics)
	}
	if w.Disagreements != 1 || w.Applied["alice"] != 2 || w.Applied["bob"] != 1 || !w.Leaf {
		t.Errorf("workload %+v", w)
	}
	// Barriers (parent): both have a barrier on R002 and R005: perfect.
	b := findCode(t, a, "Barriers")
	if value(t, b.PercentAgreement) != 100 || value(t, b.CohenKappa) != 1 || b.Leaf {
		t.Errorf("barriers %+v", b)
	}
	// A code nobody used: 100% agreement, kappa and alpha undefined.
	r := findCode(t, a, "Barriers/Funding and budget cuts")
	if value(t, r.PercentAgreement) != 100 || r.CohenKappa.OK() || r.FleissKappa.OK() || r.KrippendorffAlpha.OK() {
		t.Errorf("unused code %+v", r.Metrics)
	}
	// Overall pools 40 leaves × 5 units = 200 pairs; 2 differ.
	if a.Overall.Pairs != 200 || a.Overall.Disagreements != 2 || value(t, a.Overall.PercentAgreement) != 99 {
		t.Errorf("overall %+v", a.Overall)
	}
	// Units and use beside the percentages: workload on 2 of 5 units, the
	// overall pairs with a code by anyone: R001 career, R002 workload, R005
	// workload and travel = 4 of 200.
	if w.Units != 5 || w.Used != 2 || a.Overall.Used != 4 {
		t.Errorf("units %d used %d, overall used %d; want 5, 2, 4", w.Units, w.Used, a.Overall.Used)
	}

	// By default the units are the segments both reviewed: R001, R002 and
	// R005, which both coded.
	d, err := s.Agreement(AgreeQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if d.UnitScope != UnitsReviewed || d.Units != 3 || d.Reviewed["alice"] != 3 || d.Reviewed["bob"] != 3 {
		t.Errorf("default units: %s %d, reviewed %v", d.UnitScope, d.Units, d.Reviewed)
	}

	// Units coded: R001, R002, R005.
	c, err := s.Agreement(AgreeQuery{Units: UnitsCoded, Codes: "Barriers"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Units != 3 || c.Codes[0].Path != "Barriers" || len(c.Codes) != 11 {
		t.Fatalf("coded units %d, codes %d (%s)", c.Units, len(c.Codes), c.Codes[0].Path)
	}
	if w := findCode(t, c, workload); math.Abs(value(t, w.PercentAgreement)-200.0/3) > 1e-12 {
		t.Errorf("workload over coded units %+v", w.Metrics)
	}

	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"cohen_kappa":null`, `"units":3`, `"unit_scope":"coded"`, `"overall":{"percent_agreement":`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s: %s", want, js)
		}
	}
	if strings.Contains(string(js), "NaN") {
		t.Errorf("NaN in JSON")
	}
}

func TestAgreementErrors(t *testing.T) {
	s, _ := teamProject(t)
	for _, q := range []AgreeQuery{
		{Coders: []string{"alice"}},
		{Coders: []string{"alice", "alice"}},
		{Coders: []string{"alice", "zoe"}},
		{Units: "some"},
		{Units: UnitsSample},
		{Sample: "nope"},
		{Sample: "nope", Units: UnitsAll},
		{Codes: "No such code"},
		{Source: "nope"},
	} {
		if _, err := s.Agreement(q); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
	if _, err := s.Agreement(AgreeQuery{Coders: []string{"alice"}}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("one coder: %v", err)
	}
	// Consensus is left out by default but can be compared on request.
	refs, _ := s.SegmentRefs(SegmentQuery{})
	applyAs(t, s, Consensus, refs[0], career)
	a, err := s.Agreement(AgreeQuery{})
	if err != nil || strings.Join(a.Coders, ",") != "alice,bob" {
		t.Fatalf("default coders %v, %v", a.Coders, err)
	}
	a, err = s.Agreement(AgreeQuery{Coders: []string{"alice", "bob", Consensus}, Units: UnitsAll})
	if err != nil || a.Codes[0].CohenKappa.OK() || !a.Codes[0].FleissKappa.OK() {
		t.Fatalf("three coders: %+v %v", a.Codes[0], err)
	}
}

// TestAgreementMatchesBruteForce codes a project at random (parents,
// spans, two sources, a consensus coder) and checks every figure against
// the statistics computed from the segments listing by the general nominal
// functions.
func TestAgreementMatchesBruteForce(t *testing.T) {
	s, _ := newProject(t)
	rng := rand.New(rand.NewPCG(7, 8))
	for _, name := range []string{"north", "south"} {
		src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: "h-" + name}
		for i := range 40 {
			src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("%s-%d", name, i), Text: "some answer text here"})
		}
		if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	book := s.Codebook()
	codes := book.Codes()
	refs := mustRefs(t, s, SegmentQuery{})
	coders := []string{"ann", "ben", "cat", Consensus}
	// Lean on a few codes so that kappas are neither 0 nor undefined.
	favourite := []Code{}
	for _, c := range codes {
		if strings.HasPrefix(c.Path, "Barriers") || strings.HasPrefix(c.Path, "Kirkpatrick") {
			favourite = append(favourite, c)
		}
	}
	for _, ref := range refs {
		if rng.IntN(4) == 0 {
			continue // nobody codes it
		}
		for _, coder := range coders {
			for range rng.IntN(3) {
				c := favourite[rng.IntN(len(favourite))]
				if rng.IntN(5) == 0 {
					c = codes[rng.IntN(len(codes))]
				}
				span := Span{}
				if rng.IntN(3) == 0 {
					span = Span{rng.IntN(5), 6 + rng.IntN(5)}
				}
				if _, err := s.Apply(coder, ref, c.ID, span); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// Review marks on some segments a coder left uncoded, and a sample.
	for _, ref := range refs {
		for _, coder := range coders[:3] {
			if rng.IntN(3) == 0 {
				if _, err := s.SetReviewed(coder, ref, true); err != nil && !errors.Is(err, ErrConflict) {
					t.Fatal(err)
				}
			}
		}
	}
	if _, err := s.CreateSample("lead", SampleSpec{Name: "icr", Size: "25%", Seed: 3}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []AgreeQuery{
		{},
		{Units: UnitsAll},
		{Units: UnitsCoded},
		{Codes: "Barriers", Source: "south"},
		{Coders: []string{"ann", "cat"}, Units: UnitsCoded},
		{Coders: []string{"cat", "ann", Consensus}, Codes: "Kirkpatrick", Units: UnitsAll},
		{Coders: []string{"ben", "cat"}},
		{Sample: "icr"},
		{Sample: "icr", Source: "north", Codes: "Barriers"},
	} {
		got, err := s.Agreement(q)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteAgreement(t, s, q, got.Coders)
		if got.Units != want.Units || fmt.Sprint(got.Coded) != fmt.Sprint(want.Coded) || fmt.Sprint(got.Reviewed) != fmt.Sprint(want.Reviewed) {
			t.Fatalf("%+v: units %d coded %v reviewed %v, want %d %v %v", q, got.Units, got.Coded, got.Reviewed, want.Units, want.Coded, want.Reviewed)
		}
		if len(got.Codes) != len(want.Codes) {
			t.Fatalf("%+v: %d codes, want %d", q, len(got.Codes), len(want.Codes))
		}
		for i := range got.Codes {
			sameMetrics(t, fmt.Sprintf("%+v %s", q, got.Codes[i].Path), got.Codes[i].Metrics, want.Codes[i].Metrics)
		}
		sameMetrics(t, fmt.Sprintf("%+v overall", q), got.Overall.Metrics, want.Overall.Metrics)
		if got.Overall.Pairs != want.Overall.Pairs {
			t.Errorf("%+v: pairs %d, want %d", q, got.Overall.Pairs, want.Overall.Pairs)
		}
	}
}

func sameMetrics(t *testing.T, what string, got, want agreement.Metrics) {
	t.Helper()
	pairs := [][2]agreement.Value{{got.PercentAgreement, want.PercentAgreement}, {got.CohenKappa, want.CohenKappa},
		{got.FleissKappa, want.FleissKappa}, {got.KrippendorffAlpha, want.KrippendorffAlpha}}
	for i, p := range pairs {
		g, gok := p[0].Float()
		w, wok := p[1].Float()
		if gok != wok || math.Abs(g-w) > 1e-9 {
			t.Errorf("%s: metric %d = %v, want %v", what, i, p[0], p[1])
		}
	}
}

// bruteAgreement computes Agreement from the segments listing, unit by unit.
func bruteAgreement(t *testing.T, s *Store, q AgreeQuery, coders []string) Agreement {
	t.Helper()
	book := s.Codebook()
	segs, err := s.Segments(SegmentQuery{Source: q.Source})
	if err != nil {
		t.Fatal(err)
	}
	isCoder := map[string]int{}
	for i, c := range coders {
		isCoder[c] = i
	}
	out := Agreement{Units: 0, Coded: map[string]int{}, Reviewed: map[string]int{}}
	for _, c := range coders {
		out.Coded[c], out.Reviewed[c] = 0, 0
	}
	inSample := map[SegRef]bool{}
	if q.Sample != "" {
		sm, err := s.Sample(q.Sample)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range sm.Refs {
			inSample[r] = true
		}
	}
	var units []Segment
	for _, seg := range segs {
		codedBy, reviewedBy := map[string]bool{}, map[string]bool{}
		for _, c := range seg.Codings {
			if _, ok := isCoder[c.CoderName]; ok {
				codedBy[c.CoderName], reviewedBy[c.CoderName] = true, true
			}
		}
		for _, m := range seg.Marks {
			if _, ok := isCoder[m.CoderName]; ok {
				reviewedBy[m.CoderName] = true
			}
		}
		switch {
		case q.Sample != "":
			if !inSample[seg.Ref] {
				continue
			}
			// Reviewed counts the whole sample; the units, the part every
			// coder reviewed.
			for c := range reviewedBy {
				out.Reviewed[c]++
			}
			if len(reviewedBy) < len(coders) {
				continue
			}
			for c := range codedBy {
				out.Coded[c]++
			}
			units = append(units, seg)
			continue
		case q.Units == UnitsCoded:
			if len(codedBy) == 0 {
				continue
			}
		case q.Units == "" || q.Units == UnitsReviewed:
			if len(reviewedBy) < len(coders) {
				continue
			}
		}
		for c := range codedBy {
			out.Coded[c]++
		}
		for c := range reviewedBy {
			out.Reviewed[c]++
		}
		units = append(units, seg)
	}
	out.Units = len(units)
	scope, _ := book.Match(q.Codes)
	var pooled [][]int
	for _, id := range scope {
		sub := map[CodeID]bool{}
		for _, d := range book.Subtree(id) {
			sub[d] = true
		}
		var data [][]int
		for _, seg := range units {
			row := make([]int, len(coders))
			for _, c := range seg.Codings {
				if i, ok := isCoder[c.CoderName]; ok && sub[c.Code] {
					row[i] = 1
				}
			}
			data = append(data, row)
		}
		counts := agreement.Counts(data, 2)
		m := agreement.Metrics{PercentAgreement: agreement.PercentAgreement(counts), FleissKappa: agreement.FleissKappa(counts),
			KrippendorffAlpha: agreement.KrippendorffAlpha(counts)}
		if len(coders) == 2 {
			a, b := make([]int, len(data)), make([]int, len(data))
			for u, row := range data {
				a[u], b[u] = row[0], row[1]
			}
			m.CohenKappa = agreement.CohenKappa(agreement.Contingency(a, b, 2))
		}
		out.Codes = append(out.Codes, CodeAgreement{Path: book.byID[id].Path, Metrics: m})
		if book.IsLeaf(id) {
			pooled = append(pooled, data...)
		}
	}
	counts := agreement.Counts(pooled, 2)
	out.Overall = Overall{Pairs: len(pooled), Metrics: agreement.Metrics{PercentAgreement: agreement.PercentAgreement(counts),
		FleissKappa: agreement.FleissKappa(counts), KrippendorffAlpha: agreement.KrippendorffAlpha(counts)}}
	if len(coders) == 2 {
		a, b := make([]int, len(pooled)), make([]int, len(pooled))
		for u, row := range pooled {
			a[u], b[u] = row[0], row[1]
		}
		out.Overall.CohenKappa = agreement.CohenKappa(agreement.Contingency(a, b, 2))
	}
	return out
}
