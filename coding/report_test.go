package coding

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"qcode/corpus"
)

// The report's counts are checked against a second computation that knows
// nothing of the store: it reads the fixture's CSV files into plain maps
// and counts with the rules of DESIGN.md written out directly.

// fixture is a project described by plain tables.
type fixture struct {
	segments []fixSegment                 // in import order
	cases    map[string]map[string]string // case → attributes
	sources  map[string]map[string]string // source → attributes
	codings  []fixCoding                  // rows of the codings CSV
	csv      []byte                       // the codings CSV itself
	order    []string                     // source names in import order
	attrs    map[string]map[string]string // segment ID → its own attributes
	groups   map[string]bool              // paths of code groups (levels are decided together)
}

type fixSegment struct {
	source, id, caseName, text string
}

type fixCoding struct {
	segment, code, coder string
}

// merged is a segment's attribute as DESIGN.md says: segment, else case,
// else source.
func (f *fixture) merged(seg *fixSegment, name string) string {
	if v := f.attrs[seg.id][name]; v != "" {
		return v
	}
	if v := f.cases[seg.caseName][name]; v != "" {
		return v
	}
	return f.sources[seg.source][name]
}

// loadFixture reads testdata/report: segments.csv, cases.csv, codings.csv.
func loadFixture(t *testing.T) *fixture {
	t.Helper()
	read := func(name string) [][]string {
		b, err := os.ReadFile(filepath.Join("testdata", "report", name))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows[1:]
	}
	f := &fixture{cases: map[string]map[string]string{}, attrs: map[string]map[string]string{},
		sources: map[string]map[string]string{"survey": {"method": "survey"}, "interviews": {"method": "interview"}}}
	for _, r := range read("segments.csv") {
		f.segments = append(f.segments, fixSegment{source: r[0], id: r[1], caseName: r[2], text: r[5]})
		f.attrs[r[1]] = map[string]string{"question_id": r[3], "authority": r[4]}
	}
	for _, r := range read("cases.csv") {
		f.cases[r[0]] = map[string]string{"role": r[1], "authority": r[2]}
	}
	b, err := os.ReadFile(filepath.Join("testdata", "report", "codings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	f.csv = b
	for _, r := range read("codings.csv") {
		f.codings = append(f.codings, fixCoding{r[0], r[1], r[2]})
	}
	f.order = []string{"survey", "interviews"}
	return f
}

// randomFixture makes a larger fixture: many segments, cases with and
// without attributes, segments without a case, codings at every level of
// the pq codebook by several coders, spans and repeats.
func randomFixture(seed uint64, paths []string) *fixture {
	rng := rand.New(rand.NewPCG(seed, 1))
	f := &fixture{cases: map[string]map[string]string{}, attrs: map[string]map[string]string{},
		sources: map[string]map[string]string{"a": {"method": "survey"}, "b": {"method": "interview", "region": "north"}}}
	f.order = []string{"a", "b"}
	roles := []string{"Social worker", "PQ lead", "Manager"}
	for i := 0; i < 40; i++ {
		attrs := map[string]string{}
		if rng.IntN(4) > 0 {
			attrs["role"] = roles[rng.IntN(len(roles))]
		}
		if rng.IntN(3) > 0 {
			attrs["authority"] = fmt.Sprintf("LA%d", rng.IntN(7))
		}
		f.cases[fmt.Sprintf("C%d", i)] = attrs
	}
	for i := 0; i < 300; i++ {
		seg := fixSegment{source: f.order[rng.IntN(2)], id: fmt.Sprintf("X%d", i), text: "some answer text here"}
		if rng.IntN(5) > 0 {
			seg.caseName = fmt.Sprintf("C%d", rng.IntN(40))
		}
		attrs := map[string]string{}
		if rng.IntN(4) > 0 {
			attrs["question_id"] = fmt.Sprintf("Q%d", 1+rng.IntN(12))
		}
		if rng.IntN(8) == 0 {
			attrs["authority"] = fmt.Sprintf("LA%d", rng.IntN(7))
		}
		if rng.IntN(10) == 0 {
			attrs["region"] = "south"
		}
		f.attrs[seg.id] = attrs
		f.segments = append(f.segments, seg)
	}
	coders := []string{"alice", "bob", "carol", Consensus}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"segment", "code", "coder", "start", "end"})
	for i := 0; i < 1500; i++ {
		seg := f.segments[rng.IntN(len(f.segments))]
		code := paths[rng.IntN(len(paths))]
		// Kirkpatrick levels replace each other per coder and segment; keep
		// the fixture free of replacements so that every row stays.
		if strings.HasPrefix(code, "Kirkpatrick/") {
			code = "Kirkpatrick"
		}
		coder := coders[rng.IntN(len(coders))]
		start, end := "", ""
		if rng.IntN(3) == 0 {
			s := rng.IntN(10)
			start, end = strconv.Itoa(s), strconv.Itoa(s+1+rng.IntN(8))
		}
		f.codings = append(f.codings, fixCoding{seg.id, code, coder})
		w.Write([]string{seg.id, code, coder, start, end})
	}
	w.Flush()
	f.csv = b.Bytes()
	return f
}

// build stores the fixture in a new project through the public API.
func (f *fixture) build(t *testing.T) *Store {
	t.Helper()
	s, _ := newProject(t)
	for _, name := range f.order {
		src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: "h-" + name}
		for _, seg := range f.segments {
			if seg.source != name {
				continue
			}
			var attrs []corpus.Attribute
			for _, k := range sortedKeys(f.attrs[seg.id]) {
				attrs = append(attrs, corpus.Attribute{Name: k, Value: f.attrs[seg.id][k]})
			}
			src.Segments = append(src.Segments, corpus.Segment{ID: seg.id, Case: seg.caseName, Text: seg.text, Attributes: attrs})
		}
		var extra []corpus.Attribute
		for _, k := range sortedKeys(f.sources[name]) {
			extra = append(extra, corpus.Attribute{Name: k, Value: f.sources[name][k]})
		}
		if _, err := s.ImportSource("lead", src, ImportOptions{Attributes: extra}); err != nil {
			t.Fatal(err)
		}
	}
	var cases []corpus.Case
	for _, name := range sortedKeys(f.cases) {
		c := corpus.Case{Name: name}
		for _, k := range sortedKeys(f.cases[name]) {
			c.Attributes = append(c.Attributes, corpus.Attribute{Name: k, Value: f.cases[name][k]})
		}
		cases = append(cases, c)
	}
	if res, err := s.ImportCases("lead", cases); err != nil {
		t.Fatal(err)
	} else if len(res.Unmatched) > 0 {
		t.Logf("cases without segments: %v", res.Unmatched)
	}
	res, err := s.ImportCodings("lead", "codings.csv", bytes.NewReader(f.csv))
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced > 0 || len(res.NewCodes) > 0 {
		t.Fatalf("fixture codings replaced %d levels, created %v", res.Replaced, res.NewCodes)
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// expect computes a report from the fixture's tables alone.
func (f *fixture) expect(paths []string, q ReportQuery) Report {
	inScope := func(s *fixSegment) bool { return q.Source == "" || s.source == q.Source }
	unitOf := func(s *fixSegment) string {
		if q.Unit != "" {
			return f.merged(s, q.Unit)
		}
		if s.caseName == "" {
			return "segment " + s.id
		}
		return "case " + s.caseName
	}
	colOf := func(s *fixSegment) string {
		if v := f.merged(s, q.By); v != "" {
			return v
		}
		return MissingValue
	}
	out := Report{Unit: "case", Source: q.Source, Coders: q.Coders, By: q.By}
	if q.Unit != "" {
		out.Unit = q.Unit
	}
	units := map[string]bool{}
	colSegs, colUnits := map[string]int{}, map[string]map[string]bool{}
	segByID := map[string]*fixSegment{}
	for i := range f.segments {
		s := &f.segments[i]
		segByID[s.id] = s
		if !inScope(s) {
			continue
		}
		out.SegmentsTotal++
		u := unitOf(s)
		if u == "" {
			out.WithoutUnit++
		} else {
			units[u] = true
		}
		if q.By != "" {
			c := colOf(s)
			colSegs[c]++
			if colUnits[c] == nil {
				colUnits[c] = map[string]bool{}
			}
			if u != "" {
				colUnits[c][u] = true
			}
		}
	}
	out.CasesTotal = len(units)
	if q.By != "" {
		for c := range colSegs {
			out.Columns = append(out.Columns, ReportColumn{Value: c, Segments: colSegs[c], Cases: len(colUnits[c])})
		}
		sort.Slice(out.Columns, func(i, j int) bool {
			a, b := out.Columns[i].Value, out.Columns[j].Value
			if (a == MissingValue) != (b == MissingValue) {
				return b == MissingValue
			}
			return naturalLess(a, b)
		})
	}
	codings := f.codings
	if len(q.Coders) == 1 && q.Coders[0] == Consensus {
		var inCodes []string
		for _, p := range paths {
			if q.Codes == "" || p == q.Codes || strings.HasPrefix(p, q.Codes+"/") {
				inCodes = append(inCodes, p)
			}
		}
		var sum ConsensusSummary
		codings, sum = f.consensus(inCodes, func(id string) bool { return inScope(segByID[id]) })
		out.Consensus = &sum
	}
	coderOK := func(c string) bool {
		if q.Coders == nil {
			return true
		}
		for _, x := range q.Coders {
			if x == c {
				return true
			}
		}
		return false
	}
	for _, p := range paths {
		if q.Codes != "" && p != q.Codes && !strings.HasPrefix(p, q.Codes+"/") {
			continue
		}
		segs := map[string]bool{}
		for _, c := range codings {
			if (c.code == p || strings.HasPrefix(c.code, p+"/")) && coderOK(c.coder) && inScope(segByID[c.segment]) {
				segs[c.segment] = true
			}
		}
		row := ReportRow{Path: p, Segments: len(segs)}
		caseSet := map[string]bool{}
		cellSegs, cellUnits := map[string]int{}, map[string]map[string]bool{}
		for id := range segs {
			s := segByID[id]
			u := unitOf(s)
			if u != "" {
				caseSet[u] = true
			}
			if q.By != "" {
				c := colOf(s)
				cellSegs[c]++
				if cellUnits[c] == nil {
					cellUnits[c] = map[string]bool{}
				}
				if u != "" {
					cellUnits[c][u] = true
				}
			}
		}
		row.Cases = len(caseSet)
		row.PercentCases = percent(row.Cases, out.CasesTotal)
		if q.By != "" {
			row.By = map[string]ReportCell{}
			for _, col := range out.Columns {
				n := len(cellUnits[col.Value])
				row.By[col.Value] = ReportCell{Segments: cellSegs[col.Value], Cases: n, PercentCases: percent(n, col.Cases)}
			}
		}
		out.Codes = append(out.Codes, row)
	}
	coded, codedUnits := map[string]bool{}, map[string]bool{}
	for _, c := range codings {
		inCodes := q.Codes == "" || c.code == q.Codes || strings.HasPrefix(c.code, q.Codes+"/")
		if s := segByID[c.segment]; inCodes && coderOK(c.coder) && inScope(s) {
			coded[c.segment] = true
			if u := unitOf(s); u != "" {
				codedUnits[u] = true
			}
		}
	}
	out.SegmentsCoded, out.CasesCoded = len(coded), len(codedUnits)
	return out
}

// item is the path a decision about a code is filed under: its code group
// for a level, else the code itself.
func (f *fixture) item(path string) string {
	if i := strings.LastIndex(path, "/"); i >= 0 && f.groups[path[:i]] {
		return path[:i]
	}
	return path
}

// consensus derives consensus's codings (segment and code) from the
// fixture's rows, with the rule written out plainly: per segment, the
// reviewers are the coders other than consensus who coded it with
// anything; where consensus coded any code of an item, its codings of that
// item stand; elsewhere it has the codes every reviewer applied. It also
// counts, over the items of codes and segments in scope, the items on
// which reviewers differ and how many of those consensus decided.
func (f *fixture) consensus(codes []string, inScope func(string) bool) ([]fixCoding, ConsensusSummary) {
	type pair struct{ segment, code string }
	applied := map[pair]map[string]bool{} // (segment, code) → coders
	reviewers := map[string]map[string]bool{}
	decided := map[pair]bool{} // (segment, item)
	compared := map[string]bool{}
	for _, c := range f.codings {
		p := pair{c.segment, c.code}
		if c.coder == Consensus {
			decided[pair{c.segment, f.item(c.code)}] = true
			continue
		}
		compared[c.coder] = true
		if applied[p] == nil {
			applied[p] = map[string]bool{}
		}
		applied[p][c.coder] = true
		if reviewers[c.segment] == nil {
			reviewers[c.segment] = map[string]bool{}
		}
		reviewers[c.segment][c.coder] = true
	}
	agreed := func(p pair) bool {
		r := reviewers[p.segment]
		if len(r) == 0 {
			return false
		}
		for coder := range r {
			if !applied[p][coder] {
				return false
			}
		}
		return true
	}
	var out []fixCoding
	seen := map[pair]bool{}
	for _, c := range f.codings {
		p := pair{c.segment, c.code}
		if seen[p] {
			continue
		}
		seen[p] = true
		if decided[pair{c.segment, f.item(c.code)}] {
			for _, d := range f.codings {
				if d == (fixCoding{c.segment, c.code, Consensus}) {
					out = append(out, d)
					break
				}
			}
		} else if agreed(p) {
			out = append(out, fixCoding{c.segment, c.code, Consensus})
		}
	}
	sum := ConsensusSummary{Coders: sortedKeys(compared)}
	items := map[string]bool{}
	for _, c := range codes {
		items[f.item(c)] = true
	}
	differ := map[pair]bool{} // (segment, item)
	for p, coders := range applied {
		it := pair{p.segment, f.item(p.code)}
		if items[it.code] && inScope(p.segment) && len(coders) > 0 && !agreed(p) {
			differ[it] = true
		}
	}
	for it := range differ {
		sum.Disagreements++
		if decided[it] {
			sum.Settled++
		}
	}
	sum.Unsettled = sum.Disagreements - sum.Settled
	return out, sum
}

// comparable strips a store report to what the fixture computes.
func comparable(r Report) Report {
	r.Warnings = nil
	for i := range r.Codes {
		r.Codes[i].Code, r.Codes[i].Name, r.Codes[i].Depth, r.Codes[i].Example = 0, "", 0, nil
	}
	return r
}

// reportQueries crosses every option a report has.
func reportQueries(prefixes, bys, units, sources []string) []ReportQuery {
	var out []ReportQuery
	for _, codes := range prefixes {
		for _, by := range bys {
			for _, unit := range units {
				for _, coders := range [][]string{nil, {"alice"}, {Consensus}, {"alice", "bob"}} {
					for _, src := range sources {
						out = append(out, ReportQuery{Codes: codes, By: by, Unit: unit, Coders: coders, Source: src})
					}
				}
			}
		}
	}
	return out
}

func checkReports(t *testing.T, s *Store, f *fixture, queries []ReportQuery) {
	t.Helper()
	var paths []string
	f.groups = map[string]bool{}
	for _, c := range s.Codebook().Codes() {
		paths = append(paths, c.Path)
		if c.Group {
			f.groups[c.Path] = true
		}
	}
	for _, q := range queries {
		got, err := s.Report(q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		want := f.expect(paths, q)
		if g := comparable(got); !reflect.DeepEqual(g, want) {
			t.Errorf("report %+v differs from the plain count:\n got %+v\nwant %+v", q, g, want)
			return
		}
	}
}

func TestReportCountsMatchPlainCount(t *testing.T) {
	f := loadFixture(t)
	s := f.build(t)
	checkReports(t, s, f, reportQueries(
		[]string{"", "Barriers", "Benefits/For the practitioner", "Kirkpatrick"},
		[]string{"", "question_id", "role", "method", "authority"},
		[]string{"", "authority", "role"},
		[]string{"", "survey", "interviews"}))
}

func TestReportCountsMatchPlainCountRandom(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		s0, _ := newProject(t)
		var paths []string
		for _, c := range s0.Codebook().Codes() {
			paths = append(paths, c.Path)
		}
		f := randomFixture(seed, paths)
		s := f.build(t)
		checkReports(t, s, f, reportQueries(
			[]string{"", "Benefits", "Kirkpatrick"},
			[]string{"", "question_id", "role", "region"},
			[]string{"", "authority"},
			[]string{"", "b"}))
	}
}

// TestReportFixtureByHand pins a few numbers worked out by hand, so that a
// shared misreading of the rules cannot pass both computations.
func TestReportFixtureByHand(t *testing.T) {
	s := loadFixture(t).build(t)
	r, err := s.Report(ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// 14 segments; cases R1–R4, Jane Smith, Ali Khan, and S5 and S6 (no
	// case) as their own: 8.
	if r.SegmentsTotal != 14 || r.CasesTotal != 8 {
		t.Errorf("totals %d segments, %d cases; want 14, 8", r.SegmentsTotal, r.CasesTotal)
	}
	row := func(r Report, path string) ReportRow {
		for _, c := range r.Codes {
			if c.Path == path {
				return c
			}
		}
		t.Fatalf("no row %s", path)
		return ReportRow{}
	}
	// Barriers: S2 (four codings: two spans, a sub-code, the theme itself),
	// S3, S4, S6, I4 → 5 segments; cases R1, R2, S6, Ali Khan → 4.
	if b := row(r, "Barriers"); b.Segments != 5 || b.Cases != 4 || b.PercentCases != 50 {
		t.Errorf("Barriers %+v", b)
	}
	// Career progression: S1 coded three times (two coders, one span) → 1.
	if c := row(r, "Motivations/Career progression"); c.Segments != 1 || c.Cases != 1 {
		t.Errorf("Career progression %+v", c)
	}
	// Kirkpatrick counted in authorities: L1 on S8 (R3: Authority B) and I1
	// (Jane Smith: Authority C); L4 on S9 (R4: none) and I3 (Authority D).
	k, err := s.Report(ReportQuery{Codes: "Kirkpatrick", Unit: "authority", Examples: true})
	if err != nil {
		t.Fatal(err)
	}
	// Authorities in scope: A (S1, S2, S4 via R1/R2), B (S3's own, S7, S8), C, D.
	if k.CasesTotal != 4 || k.WithoutUnit != 3 {
		t.Errorf("authorities %d, without %d; want 4, 3", k.CasesTotal, k.WithoutUnit)
	}
	if l1 := row(k, "Kirkpatrick/L1 Reaction"); l1.Cases != 2 || l1.Example == nil || !l1.Example.Starred ||
		l1.Example.Text != "We use happy sheets after every course." {
		t.Errorf("L1 %+v example %+v", l1, l1.Example)
	}
	if l4 := row(k, "Kirkpatrick/L4 Results"); l4.Cases != 1 || l4.Segments != 2 || l4.Example == nil || l4.Example.Starred ||
		l4.Example.Text != "Service users got better advice on their rights." {
		t.Errorf("L4 %+v example %+v", l4, l4.Example)
	}
	if l2 := row(k, "Kirkpatrick/L2 Learning"); l2.Cases != 0 || l2.Example != nil || l2.PercentCases != 0 {
		t.Errorf("L2 %+v", l2)
	}
	// The group's example is a level's starred one.
	if g := row(k, "Kirkpatrick"); g.Example == nil || g.Example.Path != "Kirkpatrick/L1 Reaction" {
		t.Errorf("Kirkpatrick example %+v", g.Example)
	}
	// Consensus: per segment, what every coder who coded it applied, unless
	// consensus decided the item. Barriers: S2 (consensus's own Barriers;
	// alice's workload and bob's release differ), S3 (manager: alice alone
	// reviewed it), S4 (consensus's travel), S6 (funding: bob alone), I4
	// (alice alone) → 5 segments; cases R1, R2, S6, Ali Khan → 4.
	c, err := s.Report(ReportQuery{Coders: []string{Consensus}, By: "role"})
	if err != nil {
		t.Fatal(err)
	}
	if b := row(c, "Barriers"); b.Segments != 5 || b.Cases != 4 || b.By["Senior practitioner"].Segments != 2 ||
		b.By["Senior practitioner"].Cases != 1 || b.By["Social worker"].PercentCases != 50 {
		t.Errorf("consensus Barriers %+v", b)
	}
	// Salary and reward on S1: alice applied it, bob (who coded S1) did not.
	if r := row(c, "Motivations/Salary and reward"); r.Segments != 0 {
		t.Errorf("consensus salary %+v", r)
	}
	// Disagreements: S1 salary, S2 workload, S2 release; none settled.
	if sum := c.Consensus; sum == nil || sum.Disagreements != 3 || sum.Unsettled != 3 || strings.Join(sum.Coders, ",") != "alice,bob" {
		t.Errorf("consensus summary %+v", sum)
	}
	wantCols := []ReportColumn{{"Learning lead", 4, 2}, {"Senior practitioner", 2, 1}, {"Social worker", 4, 2}, {MissingValue, 4, 3}}
	if !reflect.DeepEqual(c.Columns, wantCols) {
		t.Errorf("columns %+v, want %+v", c.Columns, wantCols)
	}
}

func TestReportErrors(t *testing.T) {
	s := loadFixture(t).build(t)
	for _, q := range []ReportQuery{
		{Codes: "Nope"}, {Coders: []string{"zed"}}, {Source: "nowhere"},
	} {
		if _, err := s.Report(q); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
	// An attribute no segment, case or source has is a typo: refuse it,
	// naming the attributes there are.
	for _, q := range []ReportQuery{{By: "colour"}, {Unit: "shoe"}, {By: "Rôle"}} {
		_, err := s.Report(q)
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "(attributes: authority, method, question_id, role)") {
			t.Errorf("%+v: %v", q, err)
		}
	}
	// A name in another case is the same attribute (a sheet's "Role"
	// column answers --by role), headed as it is stored.
	lower, err := s.Report(ReportQuery{By: "role"})
	if err != nil {
		t.Fatal(err)
	}
	upper, err := s.Report(ReportQuery{By: "ROLE"})
	if err != nil {
		t.Fatal(err)
	}
	if upper.By != "role" || !reflect.DeepEqual(upper, lower) {
		t.Errorf("--by ROLE differs from --by role:\n%+v\n%+v", upper, lower)
	}
}

// Before anyone coded, consensus is empty, not an error: it is derived,
// and nothing has been coded to agree on.
func TestReportConsensusBeforeCoding(t *testing.T) {
	s, _ := newProject(t)
	importSurvey(t, s, "s")
	r, err := s.Report(ReportQuery{Coders: []string{Consensus}})
	if err != nil {
		t.Fatal(err)
	}
	if r.SegmentsCoded != 0 || r.Consensus == nil || r.Consensus.Disagreements != 0 || len(r.Consensus.Coders) != 0 {
		t.Errorf("consensus before coding: %+v %+v", r, r.Consensus)
	}
	if _, err := s.Report(ReportQuery{Coders: []string{"alice", Consensus}}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("consensus with another coder: %v", err)
	}
}

func TestNaturalLess(t *testing.T) {
	got := []string{"Q10", "q2", "Q1", "Authority 10", "Authority 9", "Q02", "b", "A"}
	sort.SliceStable(got, func(i, j int) bool { return naturalLess(got[i], got[j]) })
	want := []string{"A", "Authority 9", "Authority 10", "b", "Q1", "q2", "Q02", "Q10"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("natural order %q, want %q", got, want)
	}
}
