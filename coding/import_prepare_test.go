package coding

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// TestRepeatedID: the ID two of an import's segments share, or none. In
// (length, bytes) order every ID is strictly greater than the one before,
// so by transitivity greater than all before it, and none can repeat: the
// fast path needs no sort. Out of order, the sort finds the repeat.
func TestRepeatedID(t *testing.T) {
	for _, tt := range []struct {
		ids  []string
		want string
		ok   bool
	}{
		{[]string{"R1", "R2", "R9", "R10", "R11", "R100"}, "", false}, // in order
		{[]string{"R1", "R1"}, "R1", true},                            // equal is not in order
		{[]string{"R1", "R2", "R1"}, "R1", true},                      // a repeat after the order breaks
		{[]string{"R10", "R9", "R10"}, "R10", true},
		{[]string{"b", "a", "c"}, "", false}, // out of order, no repeat
		{[]string{"a", "bb", "b"}, "", false},
		{[]string{"x"}, "", false},
		{[]string{"ab", "b", "ab"}, "ab", true},
		{[]string{"a\xff", "b", "a\xff"}, "a\xff", true},
	} {
		var segs []corpus.Segment
		for _, id := range tt.ids {
			segs = append(segs, corpus.Segment{ID: id})
		}
		if got, ok := repeatedID(segs); got != tt.want || ok != tt.ok {
			t.Errorf("repeatedID(%q) = %q %v, want %q %v", tt.ids, got, ok, tt.want, tt.ok)
		}
	}
	// Random lists from few letters: the answer is a repeat exactly when a
	// map finds one.
	r := rand.New(rand.NewPCG(15, 7))
	for range 2000 {
		var segs []corpus.Segment
		counts := map[string]int{}
		for range 1 + r.IntN(6) {
			id := strings.Repeat("ab"[r.IntN(2):][:1], 1+r.IntN(2)) + fmt.Sprint(r.IntN(3))
			segs = append(segs, corpus.Segment{ID: id})
			counts[id]++
		}
		got, ok := repeatedID(segs)
		repeats := slices.ContainsFunc(segs, func(s corpus.Segment) bool { return counts[s.ID] > 1 })
		if ok != repeats || (ok && counts[got] < 2) {
			t.Fatalf("repeatedID(%v) = %q %v; repeats: %v", segs, got, ok, repeats)
		}
	}
}

// TestImportFailingMidwayWaitsForItsPreparation: an import that fails in
// its main loop (an invalid text at the first segment, while the other
// goroutine is still making the chunks and names of 60,000) returns only
// once that goroutine is done: when it returns no goroutine is in
// prepareImport (it returns before it hands its work over, and the failed
// import waits for that). With the wait taken away, the goroutine is still
// cutting chunks when the import returns and this fails. The caller may
// then change the source (under -race). Nothing of the import is left.
func TestImportFailingMidwayWaitsForItsPreparation(t *testing.T) {
	s, _ := newProject(t)
	src := &corpus.Source{Name: "big", File: "big.csv", Format: "csv", Hash: "h-big"}
	for i := range 60000 {
		src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("R%d", i+1), Text: "an answer of some length"})
	}
	src.Segments[0].Text = "bad \xff"
	for range 3 {
		if _, err := s.ImportSource("lead", src, ImportOptions{}); err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
			t.Fatalf("import = %v, want invalid UTF-8", err)
		}
		buf := make([]byte, 1<<20)
		if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "coding.prepareImport(") {
			t.Fatalf("a failed import returned while its preparation runs:\n%s", stacks)
		}
		for i := range src.Segments {
			src.Segments[i].ID, src.Segments[i].Text = src.Segments[i].ID+"x", src.Segments[i].Text+"!"
		}
		src.Segments[0].Text = "bad \xff"
	}
	s.view(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bktSegments, bktSegName, bktTexts, bktSources} {
			if n := tx.Bucket(b).Stats().KeyN; n != 0 {
				t.Errorf("bucket %s holds %d keys after the failed imports", b, n)
			}
		}
		return nil
	})
}

// TestImportBuffersOutgrown: segment records longer than the 32 bytes a
// segment the record buffer is sized for (IDs of 70 bytes, attributes),
// so the buffer is outgrown again and again while bbolt holds what was cut
// from it: every record and text reads back as written after the commit
// and a reopen.
func TestImportBuffersOutgrown(t *testing.T) {
	s, path := newProject(t)
	src := &corpus.Source{Name: "long", File: "long.csv", Format: "csv", Hash: "h-long"}
	id := func(i int) string { return fmt.Sprintf("%s-%d", strings.Repeat("q", 64), i) }
	for i := range 5000 {
		src.Segments = append(src.Segments, corpus.Segment{ID: id(i), Case: fmt.Sprintf("P%d", i/7), Text: fmt.Sprintf("text %d", i),
			Attributes: []corpus.Attribute{{Name: "question", Value: fmt.Sprintf("Q%d", i%5)}, {Name: "wave", Value: "2"}}})
	}
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s, path)
	err = s.view(func(tx *bolt.Tx) error {
		rs := recs(tx)
		src, err := findSource(tx, "long")
		if err != nil {
			return err
		}
		refs := rs.segmentsOf(&src)
		if len(refs) != 5000 {
			return fmt.Errorf("%d segments", len(refs))
		}
		for i, ref := range refs {
			r, err := rs.segment(ref)
			if err != nil {
				return err
			}
			if r.id != id(i) || r.ordinal != i+1 || r.source != src.ID || len(r.attrs) != 2 || r.caseID == 0 {
				return fmt.Errorf("segment %d reads %q ordinal %d source %d, %d attributes", i, r.id, r.ordinal, r.source, len(r.attrs))
			}
			if got := string(rs.text(ref)); got != fmt.Sprintf("text %d", i) {
				return fmt.Errorf("segment %d's text reads %q", i, got)
			}
			if got := rs.segmentsNamed(id(i)); !slices.Equal(got, []SegRef{ref}) {
				return fmt.Errorf("%s names %v", id(i), got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
