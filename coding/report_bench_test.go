package coding_test

import (
	"sort"
	"testing"
	"time"

	"qcode/coding"
	"qcode/coding/codingtest"
)

// benchReport times Store.Report on the full project (1,000,000 segments,
// 5,000,000 codings, 8 coders) and prints the median beside its budget.
// The first run, which pays for reading the file into the page cache, is
// not counted: a report is asked of a project that is open and in use.
func benchReport(b *testing.B, what string, q coding.ReportQuery, budget time.Duration) {
	s, err := coding.Open(codingtest.Project(b, codingtest.Full))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	first, err := s.Report(q)
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < max(b.N, 5); i++ {
		start := time.Now()
		r, err := s.Report(q)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		if r.SegmentsTotal != first.SegmentsTotal {
			b.Fatalf("report changed between runs")
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	codingtest.Budget(b, what, times[len(times)/2], budget)
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "ms/report")
}

// BenchmarkReport5M is `qcode report` over every code and coding (budget
// ≤ 500 ms).
func BenchmarkReport5M(b *testing.B) {
	benchReport(b, "report over 5,000,000 codings (median)", coding.ReportQuery{}, 500*time.Millisecond)
}

// BenchmarkCrosstab5M is `qcode report --by role` (budget ≤ 1 s).
func BenchmarkCrosstab5M(b *testing.B) {
	benchReport(b, "report --by role over 5,000,000 codings (median)", coding.ReportQuery{By: "role"}, time.Second)
}

// BenchmarkCrosstabUnit5M is `qcode report --by role --unit authority`:
// the study's "authorities per level" counted per group (budget ≤ 1 s, as
// a crosstab).
func BenchmarkCrosstabUnit5M(b *testing.B) {
	benchReport(b, "report --by role --unit authority over 5,000,000 codings (median)",
		coding.ReportQuery{By: "role", Unit: "authority"}, time.Second)
}

// BenchmarkReportCoder5M is `qcode report --coder coder1`: one coder's
// codings, the rest skipped during the walk.
func BenchmarkReportCoder5M(b *testing.B) {
	benchReport(b, "report --coder coder1 over 5,000,000 codings (median)",
		coding.ReportQuery{Coders: []string{codingtest.Coder(0)}}, 500*time.Millisecond)
}

// BenchmarkReportConsensus5M is `qcode report --coder consensus`: consensus
// derived from all 8 coders' codings (budget ≤ 500 ms, as any report).
func BenchmarkReportConsensus5M(b *testing.B) {
	benchReport(b, "report --coder consensus over 5,000,000 codings (median)",
		coding.ReportQuery{Coders: []string{coding.Consensus}}, 500*time.Millisecond)
}
