package corpus

import (
	"bytes"
	"fmt"
	"testing"
)

// longCSV is a long survey export of n answers, shaped like the real one.
func longCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("response_id,respondent,survey,question_id,question,response\n")
	for i := range n {
		fmt.Fprintf(&b, "R%06d,P%05d,pq_leads,Q%d,\"What further support do you believe that PQ leads need, and why?\","+
			"\"Answer %d: protected study time, backfill for cover, and a manager who asks about it in supervision.\"\n",
			i, i/5, i%12, i)
	}
	return b.Bytes()
}

// The import of a 100,000-row CSV must take at most 2 s all told (DESIGN.md);
// this is its parse.
func BenchmarkReadLongCSV100k(b *testing.B) {
	data := longCSV(100_000)
	opts := Options{TextCol: "response", IDCol: "response_id", CaseCol: "respondent"}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		src, err := Parse("survey.csv", data, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(src.Segments) != 100_000 {
			b.Fatalf("%d segments", len(src.Segments))
		}
	}
}

// A stray cell in column XFD (Excel's last) of a 50,000-answer sheet: read
// as fast as the same sheet without it. Before rows were streamed, padding
// every row to 16,384 cells took 22 s here, and 160,000 rows (a 5.3 MB
// file) ran for minutes.
func BenchmarkReadXLSXStrayXFD(b *testing.B) {
	for _, stray := range []string{"", "XFD2"} {
		name := "clean"
		if stray != "" {
			name = "stray-" + stray
		}
		b.Run(name, func(b *testing.B) {
			data := strayXFD(b, 50_000, stray)
			opts := Options{TextCol: "response", IDCol: "response_id", CaseCol: "respondent"}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				src, err := Parse("survey.xlsx", data, opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(src.Segments) != 50_000 {
					b.Fatalf("%d segments", len(src.Segments))
				}
			}
		})
	}
}
