package coding_test

import (
	"sort"
	"testing"
	"time"

	"qcode/coding"
	"qcode/coding/codingtest"
)

// BenchmarkAgreement8Coders measures DESIGN.md's agreement budget: 8 coders
// × every pq code over 1,000,000 segments and 5,000,000 codings, ≤ 2 s,
// from opening the read transaction to the last statistic.
func BenchmarkAgreement8Coders(b *testing.B) {
	path := codingtest.Project(b, codingtest.Full)
	s, err := coding.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var res coding.Agreement
	// The first run may read the 2 GB file from disk; the budget is for a
	// project in use (its pages cached), so the median of later runs is
	// compared with it and the first is shown beside it.
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < max(4, b.N); i++ {
		start := time.Now()
		if res, err = s.Agreement(coding.AgreeQuery{Units: coding.UnitsAll}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	if len(res.Coders) != 8 || res.Units != 1_000_000 {
		b.Fatalf("compared %d coders over %d units", len(res.Coders), res.Units)
	}
	first, warm := times[0], times[1:]
	sort.Slice(warm, func(i, j int) bool { return warm[i] < warm[j] })
	codingtest.Budget(b, "agreement, 8 coders × 47 pq codes over 1,000,000 segments (median)", warm[len(warm)/2], 2*time.Second)
	b.Logf("agreement, first run (pages possibly not cached): %s", first.Round(time.Millisecond))
	b.Logf("overall: %+v (percent %s, Fleiss %s, alpha %s)", res.Overall.Pairs, res.Overall.PercentAgreement, res.Overall.FleissKappa, res.Overall.KrippendorffAlpha)

	// The default units (segments every compared coder reviewed) add a
	// walk of each coder's review marks and a mask; the disagreement
	// queue of one code walks each coder's index once more for them.
	// In this fixture no segment has all eight coders' codings, so the
	// pair of the first two coders shows the reviewed units at work.
	for _, coders := range [][]string{nil, res.Coders[:2]} {
		start := time.Now()
		rev, err := s.Agreement(coding.AgreeQuery{Coders: coders})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("agreement of %d coders on the reviewed units (%d of them): %s", len(rev.Coders), rev.Units, time.Since(start).Round(time.Millisecond))
		for _, units := range []coding.UnitScope{coding.UnitsAll, coding.UnitsReviewed} {
			start = time.Now()
			list, err := s.Disagreements(coding.DisagreeQuery{Code: "Barriers/Workload and time", Coders: coders, Units: units})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("disagreements of %d coders on one code, units %s: %d items in %s", len(list.Coders), units, list.Total, time.Since(start).Round(time.Millisecond))
		}
	}
}
