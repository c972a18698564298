package coding

import (
	"fmt"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// TestNameParts: how an ID splits into a prefix and a trailing number.
func TestNameParts(t *testing.T) {
	for _, tt := range []struct {
		id     string
		prefix string
		n      uint64
		digits int
		ok     bool
	}{
		{"R12", "R", 12, 2, true},
		{"A0000007", "A", 7, 7, true},
		{"fg2#3", "fg2#", 3, 1, true},
		{"2024", "", 2024, 4, true},
		{"S01-Q11", "S01-Q", 11, 2, true},
		{"intro", "", 0, 0, false},
		{"R1234567890123456789", "", 0, 0, false}, // 19 digits: one by one
	} {
		prefix, n, digits, ok := nameParts(tt.id)
		if ok != tt.ok || (ok && (prefix != tt.prefix || n != tt.n || digits != tt.digits)) {
			t.Errorf("nameParts(%q) = %q %d %d %v, want %q %d %d %v", tt.id, prefix, n, digits, ok, tt.prefix, tt.n, tt.digits, tt.ok)
		}
	}
}

// TestSegmentNamesAsRuns: numbered IDs are kept as runs, others one by
// one, and every ID finds its segments, one per source that has it —
// two exports numbering R1… the same way, zero-padded and unpadded
// numbers, a run cut at maxNameRun, numbers that skip, IDs with no number.
// Removing a source (undo of its import) leaves the other's names whole.
func TestSegmentNamesAsRuns(t *testing.T) {
	s, _ := newProject(t)
	ids := map[string][]string{}
	source := func(name string, idOf func(i int) string, n int) {
		src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: "h-" + name}
		for i := range n {
			id := idOf(i)
			src.Segments = append(src.Segments, corpus.Segment{ID: id, Text: "t"})
			ids[name] = append(ids[name], id)
		}
		if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	source("a", func(i int) string { return fmt.Sprintf("R%d", i+1) }, 5000) // R1…R9, R10…R99 …: runs by digits, cut at 4,096
	source("b", func(i int) string { return fmt.Sprintf("R%d", i+1) }, 300)
	source("c", func(i int) string { return fmt.Sprintf("R%04d", i*2) }, 50) // zero-padded, skipping: runs of one
	source("d", func(i int) string { return [...]string{"intro", "R7", "outro", "R8", "R9"}[i] }, 5)
	var entries int
	want := map[string][]SegRef{}
	err := s.view(func(tx *bolt.Tx) error {
		entries = tx.Bucket(bktSegName).Stats().KeyN
		for _, src := range []string{"a", "b", "c", "d"} {
			srcID, _ := findSource(tx, src)
			refs := recs(tx).segmentsOf(&srcID)
			for i, id := range ids[src] {
				want[id] = append(want[id], refs[i])
			}
		}
		for id, refs := range want {
			slices.Sort(refs)
			if got := recs(tx).segmentsNamed(id); !slices.Equal(got, refs) {
				t.Errorf("segmentsNamed(%q) = %v, want %v", id, got, refs)
			}
		}
		for _, id := range []string{"R0", "R5001", "R0001", "intro2", "R01"} {
			if got := recs(tx).segmentsNamed(id); got != nil {
				t.Errorf("segmentsNamed(%q) = %v, want none", id, got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// a: R1–R9, R10–R99, R100–R999, R1000–R5000 cut at 4,096 (R1000–R5000
	// is 4,001 names: one run); b: 3 runs; c: 50 one by one; d: intro,
	// outro, R7, R8–R9 (R7 follows intro, not a number: its own entry).
	if entries != 4+3+50+4 {
		t.Errorf("%d segname entries, want 61", entries)
	}
	if _, err := s.Undo("lead"); err != nil { // d goes
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); err != nil { // c goes
		t.Fatal(err)
	}
	s.view(func(tx *bolt.Tx) error {
		if got := recs(tx).segmentsNamed("R7"); len(got) != 2 {
			t.Errorf("R7 after c and d went: %v, want a's and b's", got)
		}
		if got := recs(tx).segmentsNamed("R0002"); got != nil {
			t.Errorf("R0002 after c went: %v", got)
		}
		return nil
	})
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
}

// TestLongNameRunIsCut: a run holds at most maxNameRun names, so a lookup
// seeks no further back than that.
func TestLongNameRunIsCut(t *testing.T) {
	var b nameRunBuilder
	for i := range maxNameRun + 10 {
		b.add(fmt.Sprintf("A%06d", i), SegRef(i+1))
	}
	b.end()
	if len(b.recs) != 2 {
		t.Fatalf("%d entries, want 2", len(b.recs))
	}
}
