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
