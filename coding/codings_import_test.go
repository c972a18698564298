package coding

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// A large import (past bulkOps, so with full pages and the counting sorts)
// onto a project that already has codings, stars, memos and marks: the
// rows of a segment bind each other (a later row wins; a level of an
// exclusive group replaces the coder's others), rows of different segments
// do not. So the same rows with the segments in another order, each
// segment's rows in the same order, give the same codings; and undo and
// redo are exact.
func TestLargeImportIsOrderFreeAcrossSegmentsAndUndoes(t *testing.T) {
	const n = 1500 // segments
	rng := rand.New(rand.NewPCG(3, 4))
	codes := []string{"Barriers/Workload and time", "Barriers/Travel and distance", "Motivations/Career progression",
		"Kirkpatrick/L1 Reaction", "Kirkpatrick/L2 Learning", "Kirkpatrick/L3 Behaviour", "New/Imported"}
	perSeg := make([][]string, n)
	for i := range perSeg {
		for r := 0; r < 1+rng.IntN(9); r++ {
			seg := fmt.Sprintf("S1-%d", i+1)
			coder := fmt.Sprintf("coder%d", 1+rng.IntN(3))
			if rng.IntN(12) == 0 {
				perSeg[i] = append(perSeg[i], fmt.Sprintf("%s,,%s,,,,", seg, coder))
				continue
			}
			st, en := "", ""
			if rng.IntN(3) == 0 {
				s0 := rng.IntN(4)
				st, en = fmt.Sprint(s0), fmt.Sprint(s0+1+rng.IntN(3))
			}
			star := []string{"", "true", "false"}[rng.IntN(3)]
			memo := []string{"", "", "m", "n"}[rng.IntN(4)]
			perSeg[i] = append(perSeg[i], fmt.Sprintf("%s,%s,%s,%s,%s,%s,%s", seg, codes[rng.IntN(len(codes))], coder, st, en, star, memo))
		}
	}
	// One segment with many passages (more than a scan is kept for), some
	// coded twice.
	for r := 0; r < 120; r++ {
		s0 := rng.IntN(30)
		perSeg[0] = append(perSeg[0], fmt.Sprintf("S1-1,Barriers/Travel and distance,coder2,%d,%d,%s,", s0, s0+1+rng.IntN(3), []string{"", "true"}[rng.IntN(2)]))
	}
	file := func(order []int) string {
		var b strings.Builder
		b.WriteString("segment,code,coder,start,end,starred,memo\n")
		// Segments interleaved: one row of each in turn, as a file
		// written coder by coder would.
		at := make([]int, n)
		for left := true; left; {
			left = false
			for _, i := range order {
				if at[i] < len(perSeg[i]) {
					b.WriteString(perSeg[i][at[i]] + "\n")
					at[i]++
					left = true
				}
			}
		}
		return b.String()
	}
	inOrder := make([]int, n)
	for i := range inOrder {
		inOrder[i] = i
	}
	shuffled := rng.Perm(n)

	var exports []string
	var results []CodingsImport
	for _, order := range [][]int{inOrder, shuffled} {
		s, _ := newProject(t)
		if _, err := s.ImportSource("lead", bigSource("S1", n), ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		k, _ := s.Codebook().Lookup("Kirkpatrick")
		d := k.Details()
		d.Exclusive = true
		if _, err := s.UpdateCode("lead", "Kirkpatrick", d); err != nil {
			t.Fatal(err)
		}
		// What was there before: codings with a star and a memo, a level,
		// review marks.
		if _, err := s.ImportCodings("lead", "before.csv", strings.NewReader("segment,code,coder,start,end,starred,memo\n"+
			"S1-1,Barriers/Workload and time,coder1,,,true,old\n"+
			"S1-2,Kirkpatrick/L1 Reaction,coder2,,,,\n"+
			"S1-3,,coder1,,,,\n"+
			"S1-4,,coder3,,,,\n")); err != nil {
			t.Fatal(err)
		}
		before := dump(s)
		res, err := s.ImportCodings("lead", "c.csv", strings.NewReader(file(order)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Added < bulkOps {
			t.Fatalf("the import added %d codings, want at least %d (a bulk write)", res.Added, bulkOps)
		}
		after := dump(s)
		if err := checkInvariants(s); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		s.ExportCodings(func(r CodingRecord) error { b.WriteString(strings.Join(r.CSV(), ",") + "\n"); return nil })
		exports = append(exports, b.String())
		res.ActionResult = ActionResult{}
		results = append(results, res)
		if _, err := s.Undo("lead"); err != nil {
			t.Fatal(err)
		}
		if got := dump(s); got != before {
			t.Fatalf("undo:\n%s", diffLines(before, got))
		}
		if _, err := s.Redo("lead"); err != nil {
			t.Fatal(err)
		}
		if got := dump(s); got != after {
			t.Fatalf("redo:\n%s", diffLines(after, got))
		}
		if err := checkInvariants(s); err != nil {
			t.Fatal(err)
		}
	}
	if exports[0] != exports[1] {
		t.Errorf("the segments' order changed the codings:\n%s", diffLines(exports[0], exports[1]))
	}
	if fmt.Sprint(results[0]) != fmt.Sprint(results[1]) {
		t.Errorf("the segments' order changed the counts: %+v, %+v", results[0], results[1])
	}
	if results[0].Replaced == 0 || results[0].Updated == 0 || results[0].MarksCleared == 0 || results[0].Marked == 0 || results[0].MarksSkipped == 0 {
		t.Errorf("the file should replace levels, update codings, clear, add and skip marks: %+v", results[0])
	}
}
