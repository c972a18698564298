package coding_test

import (
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
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if res, err = s.Agreement(coding.AgreeQuery{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if len(res.Coders) != 8 || res.Units != 1_000_000 {
		b.Fatalf("compared %d coders over %d units", len(res.Coders), res.Units)
	}
	per := time.Since(start) / time.Duration(b.N)
	codingtest.Budget(b, "agreement, 8 coders × 47 pq codes over 1,000,000 segments", per, 2*time.Second)
	b.Logf("overall: %+v (percent %s, Fleiss %s, alpha %s)", res.Overall.Pairs, res.Overall.PercentAgreement, res.Overall.FleissKappa, res.Overall.KrippendorffAlpha)
}
