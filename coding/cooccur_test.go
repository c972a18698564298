package coding

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The co-occurrence table and the code matrix are checked as the report
// is: against a second count made from the fixture's tables in plain maps
// (plainCooccur, plainMatrix), over every option, on the hand fixture and
// on random ones, and by a few numbers worked out by hand.

// TestCooccurFixtureByHand pins numbers worked out by hand from
// testdata/report (see the fixture's codings.csv):
//
//	S1 Career progression (alice, bob), Salary and reward (alice)
//	S2 Workload (alice), Release and backfill (bob), Barriers (consensus)
//	S3 Manager support (alice), Confidence (alice, consensus)
//	S4 Travel (bob, consensus)   S5 Keeping up to date (alice, bob)
//	S6 Funding (bob)             S7 Reflective practice, L3 (alice)
//	S8 L1 (alice, bob)           S9 Accurate advice (consensus), L4 (bob)
//	I1 L1 (alice)  I2 L3 (alice, bob)  I3 L4, Better outcomes (alice)
//	I4 Funding, Workload (alice)
func TestCooccurFixtureByHand(t *testing.T) {
	s := loadFixture(t).build(t)
	pair := func(c Cooccurrence, a, b string) CooccurPair {
		t.Helper()
		for _, p := range c.Pairs {
			if p.A == a && p.B == b {
				return p
			}
			if p.A == b && p.B == a {
				t.Fatalf("pair %s × %s listed as %s × %s: not in codebook order", a, b, p.A, p.B)
			}
		}
		return CooccurPair{}
	}
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-12 }

	c, err := s.Cooccur(CooccurQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Unit != "segment" || c.UnitsTotal != 14 {
		t.Errorf("unit %q over %d; want segment over 14", c.Unit, c.UnitsTotal)
	}
	// Barriers: S2, S3, S4, S6, I4 (5); Benefits: S3, S7, S9, I3 (4);
	// both: S3. Jaccard 1 ÷ (5 + 4 − 1).
	if p := pair(c, "Benefits", "Barriers"); p.Segments != 1 || !near(p.Jaccard, 1.0/8) {
		t.Errorf("Barriers × Benefits %+v", p)
	}
	// Kirkpatrick: S7, S8, S9, I1, I2, I3 (6); with Benefits: S7, S9, I3.
	// 3 ÷ (4 + 6 − 3). The most shared pair, so first.
	if p := pair(c, "Benefits", "Kirkpatrick"); p.Segments != 3 || !near(p.Jaccard, 3.0/7) {
		t.Errorf("Benefits × Kirkpatrick %+v", p)
	}
	if c.Pairs[0].A != "Benefits" || c.Pairs[0].B != "Kirkpatrick" {
		t.Errorf("first pair %+v", c.Pairs[0])
	}
	// Two coders' codes on one segment co-occur when any coder counts:
	// S2's Workload (alice) and Release (bob).
	if p := pair(c, "Barriers/Workload and time", "Barriers/Release and backfill"); p.Segments != 1 || !near(p.Jaccard, 0.5) {
		t.Errorf("Workload × Release %+v", p)
	}
	// Workload: S2, I4; Funding: S6, I4 → 1 ÷ 3.
	if p := pair(c, "Barriers/Workload and time", "Barriers/Funding and budget cuts"); p.Segments != 1 || !near(p.Jaccard, 1.0/3) {
		t.Errorf("Workload × Funding %+v", p)
	}
	// A code is never paired with its ancestor, and Motivations shares
	// no segment with Barriers.
	for _, p := range c.Pairs {
		if strings.HasPrefix(p.B, p.A+"/") || (p.A == "Motivations" && p.B == "Barriers") {
			t.Errorf("pair %+v", p)
		}
	}

	// In cases: R1 (S1, S2), R2 (S3, S4), R3 (S7, S8), R4 (S9, S10), Jane
	// Smith (I1, I2), Ali Khan (I3, I4), and S5 and S6 on their own: 8.
	k, err := s.Cooccur(CooccurQuery{Unit: UnitCase})
	if err != nil {
		t.Fatal(err)
	}
	if k.UnitsTotal != 8 {
		t.Errorf("%d cases; want 8", k.UnitsTotal)
	}
	// R1 raised a motivation (S1) and a barrier (S2).
	if p := pair(k, "Motivations", "Barriers"); p.Cases != 1 || p.Segments != 0 || !near(p.Jaccard, 1.0/5) {
		// Barriers: R1, R2, S6, Ali Khan; Motivations: R1, S5 → 1 ÷ 5.
		t.Errorf("cases Barriers × Motivations %+v", p)
	}
	// Benefits: R2, R3, R4, Ali Khan; both with Barriers: R2, Ali Khan.
	if p := pair(k, "Benefits", "Barriers"); p.Cases != 2 || !near(p.Jaccard, 2.0/6) {
		t.Errorf("cases Barriers × Benefits %+v", p)
	}
	segs, err := s.CooccurringSegments(CooccurQuery{Unit: UnitCase}, "Benefits", "Barriers")
	if err != nil {
		t.Fatal(err)
	}
	if got := segmentIDs(t, s, segs); got != "S3 S4 I3 I4" {
		t.Errorf("segments behind cases Barriers × Benefits: %s", got)
	}
	segs, err = s.CooccurringSegments(CooccurQuery{}, "Benefits", "Kirkpatrick")
	if err != nil {
		t.Fatal(err)
	}
	if got := segmentIDs(t, s, segs); got != "S7 S9 I3" {
		t.Errorf("segments behind Benefits × Kirkpatrick: %s", got)
	}

	// Consensus: Salary on S1 and Workload on S2 are open disagreements,
	// so Career × Salary goes and Workload × Funding is I4 alone:
	// Workload {I4}, Funding {S6, I4} → 1 ÷ 2.
	cons, err := s.Cooccur(CooccurQuery{Coders: []string{Consensus}})
	if err != nil {
		t.Fatal(err)
	}
	if p := pair(cons, "Motivations/Career progression", "Motivations/Salary and reward"); p.Segments != 0 {
		t.Errorf("consensus Career × Salary %+v", p)
	}
	if p := pair(cons, "Barriers/Workload and time", "Barriers/Funding and budget cuts"); p.Segments != 1 || !near(p.Jaccard, 0.5) {
		t.Errorf("consensus Workload × Funding %+v", p)
	}
	if cons.Consensus == nil || cons.Consensus.Unsettled != 3 {
		t.Errorf("consensus summary %+v", cons.Consensus)
	}

	// --where role=Social worker: R1's and R3's segments, S1, S2, S7, S8.
	where, err := ParseQuery([]string{"role=Social worker"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Cooccur(CooccurQuery{Where: where, Leaves: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range w.Pairs {
		got = append(got, fmt.Sprintf("%s × %s %d", p.A, p.B, p.Segments))
	}
	want := []string{
		"Motivations/Career progression × Motivations/Salary and reward 1",
		"Benefits/For the practitioner/Reflective practice × Kirkpatrick/L3 Behaviour 1",
		"Barriers/Workload and time × Barriers/Release and backfill 1",
	}
	if w.UnitsTotal != 4 || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(w.Where, []string{"attr:role=Social worker"}) {
		t.Errorf("where role=Social worker, leaves: %d units, pairs\n%s\nwhere %q", w.UnitsTotal, strings.Join(got, "\n"), w.Where)
	}
}

// segmentIDs names segments by their IDs, space-separated.
func segmentIDs(t *testing.T, s *Store, refs []SegRef) string {
	t.Helper()
	segs, err := s.Load(refs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, seg := range segs {
		ids = append(ids, seg.ID)
	}
	return strings.Join(ids, " ")
}

// whereKeeps tells whether a fixture segment meets the filter terms the
// tests use: source=NAME and attributes (merged, names in any case).
func (f *fixture) whereKeeps(seg *fixSegment, where SegmentQuery) bool {
	for _, term := range where.Terms() {
		switch term.Kind {
		case TermSource:
			if seg.source != term.Value {
				return false
			}
		case TermAttr:
			if f.merged(seg, strings.ToLower(term.Name)) != term.Value {
				return false
			}
		default:
			panic("the plain count knows no filter " + term.Spec())
		}
	}
	return true
}

// countedCodings is the fixture's codings that count for coders (nil
// anyone; {Consensus} consensus as derived by the plain rule), with the
// consensus summary over the codes in scope and the segments kept.
func (f *fixture) countedCodings(inCodes []string, coders []string, keep func(id string) bool) ([]fixCoding, *ConsensusSummary) {
	if len(coders) == 1 && coders[0] == Consensus {
		out, sum := f.consensus(inCodes, keep)
		return out, &sum
	}
	var out []fixCoding
	for _, c := range f.codings {
		if coders == nil || containsString(coders, c.coder) {
			out = append(out, c)
		}
	}
	return out, nil
}

func underPrefix(path, prefix string) bool {
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// plainCooccur computes a co-occurrence table from the fixture's tables
// alone, with the rules written out directly.
func (f *fixture) plainCooccur(paths []string, q CooccurQuery) Cooccurrence {
	unit := q.Unit
	if unit == "" {
		unit = UnitSegment
	}
	out := Cooccurrence{Unit: unit, Coders: q.Coders, Where: WhereSpecs(q.Where), Pairs: []CooccurPair{}, Codes: []CooccurCode{}}
	byID := map[string]*fixSegment{}
	kept := map[string]bool{}
	unitOf := func(s *fixSegment) string {
		if unit == UnitSegment || s.caseName == "" {
			return "segment " + s.id
		}
		return "case " + s.caseName
	}
	units := map[string]bool{}
	for i := range f.segments {
		s := &f.segments[i]
		byID[s.id] = s
		if f.whereKeeps(s, q.Where) {
			kept[s.id] = true
			units[unitOf(s)] = true
		}
	}
	out.UnitsTotal = len(units)
	var inScope []string
	for _, p := range paths {
		if !underPrefix(p, q.Codes) {
			continue
		}
		leaf := true
		for _, o := range paths {
			leaf = leaf && !strings.HasPrefix(o, p+"/")
		}
		if q.Leaves && !leaf {
			continue
		}
		inScope = append(inScope, p)
	}
	codings, sum := f.countedCodings(inScope, q.Coders, func(id string) bool { return kept[id] })
	out.Consensus = sum
	unitsOf := map[string]map[string]bool{}
	for _, p := range inScope {
		unitsOf[p] = map[string]bool{}
		for _, c := range codings {
			if kept[c.segment] && underPrefix(c.code, p) {
				unitsOf[p][unitOf(byID[c.segment])] = true
			}
		}
		cc := CooccurCode{Path: p, Name: p[strings.LastIndex(p, "/")+1:], Depth: strings.Count(p, "/")}
		if unit == UnitCase {
			cc.Cases = len(unitsOf[p])
		} else {
			cc.Segments = len(unitsOf[p])
		}
		out.Codes = append(out.Codes, cc)
	}
	for i, a := range inScope {
		for _, b := range inScope[i+1:] {
			if strings.HasPrefix(b, a+"/") {
				continue
			}
			n := 0
			for u := range unitsOf[a] {
				if unitsOf[b][u] {
					n++
				}
			}
			if n == 0 {
				continue
			}
			p := CooccurPair{A: a, B: b, Jaccard: float64(n) / float64(len(unitsOf[a])+len(unitsOf[b])-n)}
			if unit == UnitCase {
				p.Cases = n
			} else {
				p.Segments = n
			}
			out.Pairs = append(out.Pairs, p)
		}
	}
	sort.SliceStable(out.Pairs, func(i, j int) bool { return out.Pairs[i].Shared() > out.Pairs[j].Shared() })
	return out
}

// comparableCooccur strips a store table to what the plain count computes.
func comparableCooccur(c Cooccurrence) Cooccurrence {
	for i := range c.Pairs {
		c.Pairs[i].CodeA, c.Pairs[i].CodeB = 0, 0
	}
	for i := range c.Codes {
		c.Codes[i].Code = 0
	}
	return c
}

// cooccurQueries crosses every option the table has, with filters the
// fixture's tables can recount.
func cooccurQueries(t *testing.T, prefixes []string, wheres [][]string) []CooccurQuery {
	var out []CooccurQuery
	for _, codes := range prefixes {
		for _, spec := range wheres {
			where, err := ParseQuery(spec)
			if err != nil {
				t.Fatal(err)
			}
			for _, unit := range []string{"", UnitSegment, UnitCase} {
				for _, coders := range [][]string{nil, {"alice"}, {Consensus}, {"alice", "bob"}} {
					for _, leaves := range []bool{false, true} {
						out = append(out, CooccurQuery{Codes: codes, Coders: coders, Where: where, Unit: unit, Leaves: leaves})
					}
				}
			}
		}
	}
	return out
}

func checkCooccur(t *testing.T, s *Store, f *fixture, queries []CooccurQuery) {
	t.Helper()
	paths := f.paths(s)
	for _, q := range queries {
		got, err := s.Cooccur(q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		want := f.plainCooccur(paths, q)
		if q.Unit == "" {
			want.Unit = UnitSegment
		}
		if g := comparableCooccur(got); !reflect.DeepEqual(g, want) {
			t.Errorf("cooccur %+v differs from the plain count:\n got %+v\nwant %+v", q, g, want)
			return
		}
	}
}

// paths lists the codebook's paths in tree order and notes its groups.
func (f *fixture) paths(s *Store) []string {
	var paths []string
	f.groups = map[string]bool{}
	for _, c := range s.Codebook().Codes() {
		paths = append(paths, c.Path)
		if c.Group {
			f.groups[c.Path] = true
		}
	}
	return paths
}

func TestCooccurMatchesPlainCount(t *testing.T) {
	f := loadFixture(t)
	s := f.build(t)
	checkCooccur(t, s, f, cooccurQueries(t,
		[]string{"", "Barriers", "Benefits/For the practitioner", "Kirkpatrick"},
		[][]string{nil, {"source=survey"}, {"ROLE=Social worker"}, {"question_id=Q2", "source=survey"}}))
}

func TestCooccurMatchesPlainCountRandom(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		s0, _ := newProject(t)
		var paths []string
		for _, c := range s0.Codebook().Codes() {
			paths = append(paths, c.Path)
		}
		f := randomFixture(seed, paths)
		s := f.build(t)
		checkCooccur(t, s, f, cooccurQueries(t,
			[]string{"", "Benefits"},
			[][]string{nil, {"source=b"}, {"role=PQ lead"}, {"region=north"}}))
	}
}

func TestCooccurErrors(t *testing.T) {
	s := loadFixture(t).build(t)
	for _, c := range []struct {
		q    CooccurQuery
		kind error
	}{
		{CooccurQuery{Codes: "Nope"}, ErrNotFound},
		{CooccurQuery{Coders: []string{"zed"}}, ErrNotFound},
		{CooccurQuery{Coders: []string{"alice", Consensus}}, ErrInvalidInput},
		{CooccurQuery{Unit: "respondent"}, ErrInvalidInput},
		{CooccurQuery{Where: SegmentQuery{Source: "nowhere"}}, ErrNotFound},
	} {
		if _, err := s.Cooccur(c.q); !errors.Is(err, c.kind) {
			t.Errorf("%+v: %v, want %v", c.q, err, c.kind)
		}
	}
}
