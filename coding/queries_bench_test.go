package coding_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"qcode/coding"
	"qcode/coding/codingtest"
)

// benchMedian runs fn on the full project (1,000,000 segments, 5,000,000
// codings, 8 coders) and prints its median beside budget. The first run,
// which reads the file into the page cache, is not counted (as for the
// report: a query is asked of a project that is open and in use).
func benchMedian(b *testing.B, what string, budget time.Duration, fn func(s *coding.Store) error) {
	s, err := coding.OpenReadOnly(codingtest.Project(b, codingtest.Full))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := fn(s); err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < max(b.N, 5); i++ {
		start := time.Now()
		if err := fn(s); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	codingtest.Budget(b, what, times[len(times)/2], budget)
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "ms/median")
}

// BenchmarkCooccur5M is `qcode cooccur` over every code (parents
// included) and coding (budget ≤ 1 s).
func BenchmarkCooccur5M(b *testing.B) {
	for _, c := range []struct {
		what string
		q    coding.CooccurQuery
	}{
		{"cooccur, segments, every code", coding.CooccurQuery{}},
		{"cooccur --unit case", coding.CooccurQuery{Unit: coding.UnitCase}},
		{"cooccur --coder consensus", coding.CooccurQuery{Coders: []string{coding.Consensus}}},
		{"cooccur --where role=PQ lead", coding.CooccurQuery{Where: coding.SegmentQuery{Attrs: []coding.Attribute{{Name: "role", Value: "PQ lead"}}}}},
	} {
		b.Run(c.what, func(b *testing.B) {
			var pairs int
			benchMedian(b, c.what+" over 5,000,000 codings (median)", time.Second, func(s *coding.Store) error {
				t, err := s.Cooccur(c.q)
				pairs = len(t.Pairs)
				return err
			})
			b.ReportMetric(float64(pairs), "pairs")
		})
	}
}

// BenchmarkMatrix5M is `qcode matrix` against an attribute, the sources
// and the cases (200,000 of them) (budget ≤ 1 s).
func BenchmarkMatrix5M(b *testing.B) {
	for _, c := range []struct {
		what string
		q    coding.MatrixQuery
	}{
		{"matrix --cols role", coding.MatrixQuery{Cols: "role"}},
		{"matrix --cols role --count cases", coding.MatrixQuery{Cols: "role", Count: coding.CountCases}},
		{"matrix --cols sources", coding.MatrixQuery{Cols: coding.MatrixSources}},
		{"matrix --cols cases", coding.MatrixQuery{Cols: coding.MatrixCases}},
		{"matrix --cols cases --count cases", coding.MatrixQuery{Cols: coding.MatrixCases, Count: coding.CountCases}},
		{"matrix --cols role --coder consensus", coding.MatrixQuery{Cols: "role", Coders: []string{coding.Consensus}}},
	} {
		b.Run(c.what, func(b *testing.B) {
			benchMedian(b, c.what+" over 5,000,000 codings (median)", time.Second, func(s *coding.Store) error {
				_, err := s.Matrix(c.q)
				return err
			})
		})
	}
}

// suggestShape is the project the suggestion budgets speak of: one
// coder's 100,000 codings, one per answer.
var suggestShape = codingtest.Shape{Segments: 100_000, Codings: 100_000, Coders: 1}

// BenchmarkSuggest100K trains the suggester on 100,000 codings (budget
// ≤ 2 s) and scores segments with it (budget ≤ 1 ms each), and finds the
// segments most like one among 100,000 (no budget: asked from a command).
func BenchmarkSuggest100K(b *testing.B) {
	s, err := coding.OpenReadOnly(codingtest.Project(b, suggestShape))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	coder := codingtest.Coder(0)
	var g *coding.Suggester
	var times []time.Duration
	for i := 0; i < 6; i++ { // the first run reads the file into the page cache
		start := time.Now()
		if g, err = s.TrainSuggester(coder); err != nil {
			b.Fatal(err)
		}
		if i > 0 {
			times = append(times, time.Since(start))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	codingtest.Budget(b, fmt.Sprintf("suggest: train on %d codings (median)", g.Codings()), times[len(times)/2], 2*time.Second)

	refs, err := s.SegmentRefs(coding.SegmentQuery{})
	if err != nil {
		b.Fatal(err)
	}
	refs = refs[:2000]
	start := time.Now()
	if _, err := g.Suggest(s, refs, 3); err != nil {
		b.Fatal(err)
	}
	per := time.Since(start) / time.Duration(len(refs))
	codingtest.Budget(b, fmt.Sprintf("suggest: score a segment (mean of %d)", len(refs)), per, time.Millisecond)

	// Following one action: the segment forgotten and learnt again.
	start = time.Now()
	for _, ref := range refs[:200] {
		if err := g.Learn(s, []coding.SegRef{ref}); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("suggest: learn a coded segment again after an action (mean of 200): %s (no budget)", (time.Since(start) / 200).Round(time.Microsecond))

	var sim []time.Duration
	for i := 0; i < 3; i++ {
		start := time.Now()
		if _, err := s.Similar(refs[i], 10); err != nil {
			b.Fatal(err)
		}
		sim = append(sim, time.Since(start))
	}
	sort.Slice(sim, func(i, j int) bool { return sim[i] < sim[j] })
	b.Logf("similar: the 10 segments most like one, among 100,000 of its source (median): %s (no budget; asked from a command)", sim[1].Round(time.Millisecond))
}
