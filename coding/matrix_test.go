package coding

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestMatrixFixtureByHand pins numbers worked out by hand from
// testdata/report (its codings are listed above TestCooccurFixtureByHand).
// Roles: R1 and R3 are social workers, R2 a senior practitioner, Jane Smith
// and Ali Khan learning leads; R4 (no row in cases.csv), S5 and S6 (no
// case) have none.
func TestMatrixFixtureByHand(t *testing.T) {
	s := loadFixture(t).build(t)
	row := func(m Matrix, path string) []int {
		t.Helper()
		for _, r := range m.Codes {
			if r.Path == path {
				return r.Cells
			}
		}
		t.Fatalf("no row %s", path)
		return nil
	}
	m, err := s.Matrix(MatrixQuery{Cols: "ROLE"})
	if err != nil {
		t.Fatal(err)
	}
	// Learning lead: I1–I4 (2 cases); Senior practitioner: S3, S4 (R2);
	// Social worker: S1, S2, S7, S8 (R1, R3); missing: S5, S6, S9, S10
	// (S5, S6, R4).
	wantCols := []MatrixColumn{{"Learning lead", 4, 2}, {"Senior practitioner", 2, 1}, {"Social worker", 4, 2}, {MissingValue, 4, 3}}
	if m.Cols != "role" || !reflect.DeepEqual(m.Columns, wantCols) || m.SegmentsTotal != 14 || m.CasesTotal != 8 {
		t.Errorf("cols %q %+v, totals %d %d", m.Cols, m.Columns, m.SegmentsTotal, m.CasesTotal)
	}
	// Barriers: I4 | S3, S4 | S2 | S6.
	if got := row(m, "Barriers"); !reflect.DeepEqual(got, []int{1, 2, 1, 1}) {
		t.Errorf("Barriers by role %v", got)
	}
	// Kirkpatrick: I1, I2, I3 | – | S7, S8 | S9.
	if got := row(m, "Kirkpatrick"); !reflect.DeepEqual(got, []int{3, 0, 2, 1}) {
		t.Errorf("Kirkpatrick by role %v", got)
	}
	m, err = s.Matrix(MatrixQuery{Cols: "role", Count: CountCases})
	if err != nil {
		t.Fatal(err)
	}
	// In cases: Jane Smith, Ali Khan | – | R3 | R4.
	if got := row(m, "Kirkpatrick"); !reflect.DeepEqual(got, []int{2, 0, 1, 1}) {
		t.Errorf("Kirkpatrick by role, in cases %v", got)
	}
	for _, r := range m.Codes {
		if r.Path == "Kirkpatrick" && (r.Segments != 6 || r.Cases != 4) {
			t.Errorf("Kirkpatrick totals %+v", r)
		}
	}

	m, err = s.Matrix(MatrixQuery{Cols: MatrixSources})
	if err != nil {
		t.Fatal(err)
	}
	if want := []MatrixColumn{{"survey", 10, 6}, {"interviews", 4, 2}}; !reflect.DeepEqual(m.Columns, want) {
		t.Errorf("sources %+v", m.Columns)
	}
	if got := row(m, "Barriers"); !reflect.DeepEqual(got, []int{4, 1}) {
		t.Errorf("Barriers by source %v", got)
	}

	m, err = s.Matrix(MatrixQuery{Cols: MatrixCases, Codes: "Barriers"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range m.Columns {
		names = append(names, c.Value)
	}
	if got := strings.Join(names, ","); got != "Ali Khan,Jane Smith,R1,R2,R3,R4,S5,S6" {
		t.Errorf("case columns %s", got)
	}
	if got := row(m, "Barriers"); !reflect.DeepEqual(got, []int{1, 0, 1, 2, 0, 0, 0, 1}) {
		t.Errorf("Barriers by case %v", got)
	}
	if len(m.Codes) != 11 || m.Codes[0].Path != "Barriers" {
		t.Errorf("--codes Barriers rows: %d, first %s", len(m.Codes), m.Codes[0].Path)
	}

	// Consensus and a filter: the survey's segments only; Barriers on S2
	// (consensus's own decision), S3, S4, S6.
	where, _ := ParseQuery([]string{"source=survey"})
	m, err = s.Matrix(MatrixQuery{Cols: "role", Coders: []string{Consensus}, Where: where})
	if err != nil {
		t.Fatal(err)
	}
	if want := []MatrixColumn{{"Senior practitioner", 2, 1}, {"Social worker", 4, 2}, {MissingValue, 4, 3}}; !reflect.DeepEqual(m.Columns, want) {
		t.Errorf("survey columns %+v", m.Columns)
	}
	if got := row(m, "Barriers"); !reflect.DeepEqual(got, []int{2, 1, 1}) {
		t.Errorf("consensus Barriers by role in the survey %v", got)
	}
	if m.Consensus == nil || m.Consensus.Unsettled != 3 || !reflect.DeepEqual(m.Where, []string{"source=survey"}) {
		t.Errorf("consensus %+v where %q", m.Consensus, m.Where)
	}
}

// plainMatrix computes a matrix from the fixture's tables alone.
func (f *fixture) plainMatrix(paths []string, q MatrixQuery) Matrix {
	count := q.Count
	if count == "" {
		count = CountSegments
	}
	out := Matrix{Rows: "codes", Cols: q.Cols, Count: count, Coders: q.Coders, Where: WhereSpecs(q.Where)}
	byID := map[string]*fixSegment{}
	kept := map[string]bool{}
	caseOf := func(s *fixSegment) string {
		if s.caseName == "" {
			return s.id
		}
		return s.caseName
	}
	colOf := func(s *fixSegment) string {
		switch q.Cols {
		case MatrixCases:
			return caseOf(s)
		case MatrixSources:
			return s.source
		}
		if v := f.merged(s, strings.ToLower(q.Cols)); v != "" {
			return v
		}
		return MissingValue
	}
	colSegs, colCases, cases := map[string]int{}, map[string]map[string]bool{}, map[string]bool{}
	for i := range f.segments {
		s := &f.segments[i]
		byID[s.id] = s
		if !f.whereKeeps(s, q.Where) {
			continue
		}
		kept[s.id] = true
		out.SegmentsTotal++
		cases[caseOf(s)] = true
		c := colOf(s)
		colSegs[c]++
		if colCases[c] == nil {
			colCases[c] = map[string]bool{}
		}
		colCases[c][caseOf(s)] = true
	}
	out.CasesTotal = len(cases)
	for c := range colSegs {
		out.Columns = append(out.Columns, MatrixColumn{Value: c, Segments: colSegs[c], Cases: len(colCases[c])})
	}
	rank := func(v string) int {
		if q.Cols == MatrixSources {
			for i, s := range f.order {
				if s == v {
					return i
				}
			}
		}
		return 0
	}
	sort.Slice(out.Columns, func(i, j int) bool {
		a, b := out.Columns[i].Value, out.Columns[j].Value
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if (a == MissingValue) != (b == MissingValue) {
			return b == MissingValue
		}
		return naturalLess(a, b)
	})
	var inScope []string
	for _, p := range paths {
		if underPrefix(p, q.Codes) {
			inScope = append(inScope, p)
		}
	}
	codings, sum := f.countedCodings(inScope, q.Coders, func(id string) bool { return kept[id] })
	out.Consensus = sum
	for _, p := range inScope {
		row := MatrixRow{Path: p, Name: p[strings.LastIndex(p, "/")+1:], Depth: strings.Count(p, "/"), Cells: make([]int, len(out.Columns))}
		segs := map[string]bool{}
		for _, c := range codings {
			if kept[c.segment] && underPrefix(c.code, p) {
				segs[c.segment] = true
			}
		}
		rowCases := map[string]bool{}
		for i, col := range out.Columns {
			cellCases := map[string]bool{}
			for id := range segs {
				if s := byID[id]; colOf(s) == col.Value {
					row.Cells[i]++
					cellCases[caseOf(s)] = true
				}
			}
			if count == CountCases {
				row.Cells[i] = len(cellCases)
			}
		}
		for id := range segs {
			rowCases[caseOf(byID[id])] = true
		}
		row.Segments, row.Cases = len(segs), len(rowCases)
		out.Codes = append(out.Codes, row)
	}
	return out
}

func checkMatrix(t *testing.T, s *Store, f *fixture, prefixes, cols []string, wheres [][]string) {
	t.Helper()
	paths := f.paths(s)
	for _, codes := range prefixes {
		for _, col := range cols {
			for _, spec := range wheres {
				where, err := ParseQuery(spec)
				if err != nil {
					t.Fatal(err)
				}
				for _, count := range []string{"", CountSegments, CountCases} {
					for _, coders := range [][]string{nil, {"alice"}, {Consensus}, {"alice", "bob"}} {
						q := MatrixQuery{Codes: codes, Cols: col, Count: count, Coders: coders, Where: where}
						got, err := s.Matrix(q)
						if err != nil {
							t.Fatalf("%+v: %v", q, err)
						}
						for i := range got.Codes {
							got.Codes[i].Code = 0
						}
						if want := f.plainMatrix(paths, q); !reflect.DeepEqual(got, want) {
							t.Errorf("matrix %+v differs from the plain count:\n got %+v\nwant %+v", q, got, want)
							return
						}
					}
				}
			}
		}
	}
}

func TestMatrixMatchesPlainCount(t *testing.T) {
	f := loadFixture(t)
	s := f.build(t)
	checkMatrix(t, s, f, []string{"", "Barriers", "Kirkpatrick"},
		[]string{MatrixCases, MatrixSources, "role", "question_id", "authority", "method"},
		[][]string{nil, {"source=interviews"}, {"role=Social worker"}})
}

func TestMatrixMatchesPlainCountRandom(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		s0, _ := newProject(t)
		var paths []string
		for _, c := range s0.Codebook().Codes() {
			paths = append(paths, c.Path)
		}
		f := randomFixture(seed, paths)
		s := f.build(t)
		checkMatrix(t, s, f, []string{"", "Benefits"},
			[]string{MatrixCases, MatrixSources, "role", "region"},
			[][]string{nil, {"source=a"}, {"authority=LA3"}})
	}
}

func TestMatrixErrors(t *testing.T) {
	s := loadFixture(t).build(t)
	for _, c := range []struct {
		q    MatrixQuery
		kind error
	}{
		{MatrixQuery{Cols: "colour"}, ErrNotFound}, // no such attribute: a typo
		{MatrixQuery{Cols: ""}, ErrInvalidInput},
		{MatrixQuery{Cols: "role", Count: "words"}, ErrInvalidInput},
		{MatrixQuery{Cols: "role", Codes: "Nope"}, ErrNotFound},
		{MatrixQuery{Cols: "role", Coders: []string{"zed"}}, ErrNotFound},
		{MatrixQuery{Cols: "role", Coders: []string{Consensus, "alice"}}, ErrInvalidInput},
	} {
		if _, err := s.Matrix(c.q); !errors.Is(err, c.kind) {
			t.Errorf("%+v: %v, want %v", c.q, err, c.kind)
		}
	}
	// attr: names an attribute called like a keyword; none is, so a typo.
	if _, err := s.Matrix(MatrixQuery{Cols: "attr:sources"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("attr:sources: %v", err)
	}
}
