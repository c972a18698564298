package coding

import (
	"errors"
	"fmt"
	"math"
	"os"
	"qcode/coding/codingtest/legacy"
	"slices"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// importNumbered imports a source of n answers with IDs prefix01 … and
// returns their refs.
func importNumbered(t *testing.T, s *Store, name, prefix string, n int) []SegRef {
	t.Helper()
	src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: "hash-" + name}
	for i := range n {
		src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("%s%02d", prefix, i+1),
			Text: fmt.Sprintf("answer %d of %s, long enough for a span", i+1, name)})
	}
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return mustRefs(t, s, SegmentQuery{Source: name})
}

func mark(t *testing.T, s *Store, coder string, seg SegRef) {
	t.Helper()
	if _, err := s.SetReviewed(coder, seg, true); err != nil {
		t.Fatalf("mark %d for %s: %v", seg, coder, err)
	}
}

// reviewedProject is two coders given overlapping parts of ten answers
// S01–S10: alice S01–S06, bob S04–S10, so that both reviewed S04–S06.
//
//	      S01 S02 S03 S04 S05 S06   S07 S08 S09 S10
//	alice  W   W   x   W   x   W,T
//	bob                W   T   W     W   x   W   W
//
// W is Barriers/Workload and time, T Barriers/Travel and distance, x a
// review mark ("reviewed, nothing applies").
func reviewedProject(t *testing.T) (*Store, []SegRef) {
	t.Helper()
	s, _ := newProject(t)
	r := importNumbered(t, s, "fg", "S", 10)
	for _, i := range []int{0, 1, 3, 5} {
		applyAs(t, s, "alice", r[i], workload)
	}
	applyAs(t, s, "alice", r[5], travel)
	mark(t, s, "alice", r[2])
	mark(t, s, "alice", r[4])
	for _, i := range []int{3, 5, 6, 8, 9} {
		applyAs(t, s, "bob", r[i], workload)
	}
	applyAs(t, s, "bob", r[4], travel)
	mark(t, s, "bob", r[7])
	return s, r
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// TestAgreementOnReviewedUnits works the overlap project by hand.
func TestAgreementOnReviewedUnits(t *testing.T) {
	s, r := reviewedProject(t)

	// Every segment: W is 1 for alice on S01 S02 S04 S06 and for bob on
	// S04 S06 S07 S09 S10; they agree on S04 S06 (both 1) and S03 S05 S08
	// (both 0): 5 of 10 = 50 %, counting against them the segments only one
	// of them was given.
	all, err := s.Agreement(AgreeQuery{Units: UnitsAll, Codes: "Barriers"})
	if err != nil {
		t.Fatal(err)
	}
	if w := findCode(t, all, workload); all.Units != 10 || value(t, w.PercentAgreement) != 50 || w.Disagreements != 5 {
		t.Errorf("all units: %d, workload %v, %d differ", all.Units, w.PercentAgreement, w.Disagreements)
	}

	// Default: the segments both reviewed, S04 S05 S06 (S05 through
	// alice's mark). W: alice 1 0 1, bob 1 0 1 → 100 %, κ = 1.
	// T: alice 0 0 1, bob 0 1 0 → agree on S04 only, 33.3 %; each coder
	// has one 1 in three, so p_e = (1/3)(1/3) + (2/3)(2/3) = 5/9 and
	// κ = (1/3 − 5/9)/(1 − 5/9) = −0.5.
	a, err := s.Agreement(AgreeQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if a.UnitScope != UnitsReviewed || a.Units != 3 {
		t.Fatalf("reviewed units: %s %d, want 3", a.UnitScope, a.Units)
	}
	w, tr := findCode(t, a, workload), findCode(t, a, travel)
	if value(t, w.PercentAgreement) != 100 || value(t, w.CohenKappa) != 1 || w.Used != 2 {
		t.Errorf("workload %+v", w)
	}
	if !near(value(t, tr.PercentAgreement), 100.0/3) || !near(value(t, tr.CohenKappa), -0.5) || tr.Used != 2 || tr.Units != 3 {
		t.Errorf("travel %+v", tr)
	}
	// Coded: alice coded S04 S06 of them (S05 she marked), bob all three.
	if a.Coded["alice"] != 2 || a.Coded["bob"] != 3 || a.Reviewed["alice"] != 3 || a.Reviewed["bob"] != 3 {
		t.Errorf("coded %v reviewed %v", a.Coded, a.Reviewed)
	}
	// Overall: the pq codebook's 40 leaf codes × 3 units = 120 pairs, of
	// which travel on S05 and S06 differ: 118/120 = 98.3 %, on pairs of
	// which only 4 carry a code at all (W on S04 S06, T on S05 S06).
	leaves := 0
	for _, c := range a.Codes {
		if c.Leaf {
			leaves++
		}
	}
	if leaves != 40 || a.Overall.Pairs != 120 || a.Overall.Disagreements != 2 || a.Overall.Used != 4 ||
		!near(value(t, a.Overall.PercentAgreement), 100*118.0/120) {
		t.Errorf("overall %+v (%d leaves)", a.Overall, leaves)
	}

	// Without alice's mark on S05 she has not reviewed it: units S04 S06.
	// T: alice 0 1, bob 0 0 → 50 %.
	if _, err := s.SetReviewed("alice", r[4], false); err != nil {
		t.Fatal(err)
	}
	b, _ := s.Agreement(AgreeQuery{})
	if tr := findCode(t, b, travel); b.Units != 2 || value(t, tr.PercentAgreement) != 50 {
		t.Errorf("without the mark: %d units, travel %v", b.Units, tr.PercentAgreement)
	}
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}

	// Units coded: some coder coded S01 S02 S04 S05 S06 S07 S09 S10.
	if c, _ := s.Agreement(AgreeQuery{Units: UnitsCoded}); c.Units != 8 {
		t.Errorf("coded units %d, want 8", c.Units)
	}

	// A sample of S03–S07, of which both reviewed S04–S06 (alice S03–S06,
	// bob S04–S07): three units. A sample segment one of them has not read
	// (S03 for bob, S07 for alice) is no unit: it would count as agreeing
	// on "not coded". W on S04–S06: alice 1 0 1, bob 1 0 1 → 100 %.
	// Reviewed in the sample: alice 4, bob 4 (of 5); coded within the
	// units: alice S04 S06 (2), bob S04 S05 S06 (3).
	var list []SegmentLine
	for i, ref := range r[2:7] {
		list = append(list, SegmentLine{Line: i + 1, ID: segID(t, s, ref)})
	}
	if _, err := s.CreateSample("lead", SampleSpec{Name: "icr", Segments: list}); err != nil {
		t.Fatal(err)
	}
	sm, err := s.Agreement(AgreeQuery{Sample: "icr"})
	if err != nil {
		t.Fatal(err)
	}
	if w := findCode(t, sm, workload); sm.UnitScope != UnitsSample || sm.Sample != "icr" || sm.Units != 3 || sm.SampleSize != 5 || value(t, w.PercentAgreement) != 100 {
		t.Errorf("sample: %s %s %d units, workload %v", sm.UnitScope, sm.Sample, sm.Units, w.PercentAgreement)
	}
	if sm.Reviewed["alice"] != 4 || sm.Reviewed["bob"] != 4 || sm.Coded["alice"] != 2 || sm.Coded["bob"] != 3 {
		t.Errorf("sample reviewed %v coded %v", sm.Reviewed, sm.Coded)
	}

	// The disagreements are those of the same units: by default T on S05
	// and S06; over every segment also W on S01 S02 S07 S09 S10; on the
	// sample, T on S05 S06 (S07's W is bob's alone: alice has not read it).
	items := func(q DisagreeQuery) string {
		t.Helper()
		q.Code = "Barriers"
		l, err := s.Disagreements(q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range l.Items {
			out = append(out, d.Segment+" "+lastPart(d.Path))
		}
		return strings.Join(out, ", ")
	}
	for _, c := range []struct {
		q    DisagreeQuery
		want string
	}{
		{DisagreeQuery{}, "S05 Travel and distance, S06 Travel and distance"},
		{DisagreeQuery{Units: UnitsAll}, "S01 Workload and time, S02 Workload and time, S05 Travel and distance, S06 Travel and distance, " +
			"S07 Workload and time, S09 Workload and time, S10 Workload and time"},
		{DisagreeQuery{Sample: "icr"}, "S05 Travel and distance, S06 Travel and distance"},
	} {
		if got := items(c.q); got != c.want {
			t.Errorf("%+v: %s\nwant %s", c.q, got, c.want)
		}
	}
}

func lastPart(path string) string { return path[strings.LastIndexByte(path, '/')+1:] }

func segID(t *testing.T, s *Store, ref SegRef) string {
	t.Helper()
	segs, err := s.Load([]SegRef{ref}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return segs[0].ID
}

func TestReviewMarks(t *testing.T) {
	s, _ := newProject(t)
	r := importNumbered(t, s, "fg", "S", 4)
	start := state(t, s)

	res, err := s.SetReviewed("alice", r[1], true)
	if err != nil || res.Seq == 0 || !slices.Equal(res.Segments, []SegRef{r[1]}) {
		t.Fatalf("mark: %+v %v", res, err)
	}
	if res, _ := s.SetReviewed("alice", r[1], true); res.Seq != 0 {
		t.Errorf("marking twice changed something: %+v", res)
	}
	segs, _ := s.Load([]SegRef{r[1]}, nil)
	if len(segs[0].Marks) != 1 || segs[0].Marks[0].CoderName != "alice" || segs[0].Marks[0].Time.IsZero() {
		t.Errorf("marks on load: %+v", segs[0].Marks)
	}
	bob, _ := s.CoderID("bob")
	if segs, _ := s.Load([]SegRef{r[1]}, []CoderID{bob}); len(segs[0].Marks) != 0 {
		t.Errorf("bob sees alice's mark (blind coding)")
	}

	// A coded segment cannot be marked; coding a marked one takes the
	// mark away, in the same action (undone together).
	applyAs(t, s, "alice", r[0], workload)
	if _, err := s.SetReviewed("alice", r[0], true); !errors.Is(err, ErrConflict) {
		t.Errorf("marking a coded segment: %v", err)
	}
	applyAs(t, s, "alice", r[1], travel)
	if segs, _ := s.Load([]SegRef{r[1]}, nil); len(segs[0].Marks) != 0 {
		t.Errorf("a coded segment kept its mark")
	}
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if segs, _ := s.Load([]SegRef{r[1]}, nil); len(segs[0].Marks) != 1 || len(segs[0].Codings) != 0 {
		t.Errorf("undoing the coding did not bring the mark back: %+v", segs[0])
	}

	// Progress: what alice reviewed, and what she marked.
	rev, err := s.Reviewed([]string{"alice"})
	if err != nil || rev.Len() != 2 || !rev.Has(r[0]) || !rev.Has(r[1]) {
		t.Errorf("reviewed %v %v", rev, err)
	}
	marked, _ := s.Marked("alice")
	if marked.Len() != 1 || !marked.Has(r[1]) {
		t.Errorf("marked %v", marked)
	}
	if refs := mustRefs(t, s, SegmentQuery{Unreviewed: true, Coders: []string{"alice"}}); !slices.Equal(refs, r[2:]) {
		t.Errorf("unreviewed %v, want %v", refs, r[2:])
	}

	// Unmark, and undo everything: back to the start, byte for byte.
	if _, err := s.SetReviewed("alice", r[1], false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetReviewed("alice", SegRef(999), true); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown segment: %v", err)
	}
	for {
		if _, err := s.Undo("alice"); errors.Is(err, ErrNothingUndo) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if got := state(t, s); got != start {
		t.Errorf("undo all:\n%s\nwant\n%s", got, start)
	}
	// Redo all, and the mark is there again.
	for {
		if _, err := s.Redo("alice"); errors.Is(err, ErrNothingRedo) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if m, _ := s.Marked("alice"); m.Len() != 0 {
		t.Errorf("after redo of mark, code, unmark: %d marks", m.Len())
	}
}

// TestMarksAndImports: an import with marks on it cannot be undone; a
// replace carries marks and sample places over by segment ID.
func TestMarksAndImports(t *testing.T) {
	s, _ := newProject(t)
	r := importNumbered(t, s, "fg", "S", 4)
	mark(t, s, "alice", r[0])
	mark(t, s, "alice", r[3])
	list := []SegmentLine{{1, "S01"}, {2, "S02"}, {3, "S04"}}
	if _, err := s.CreateSample("lead", SampleSpec{Name: "icr", Segments: list}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); err != nil { // the sample
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "marked reviewed") {
		t.Errorf("undo of an import with marks: %v", err)
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}

	// Re-import without S04 and with S05: the mark on S01 and its sample
	// place move to the new segment; S04's are dropped and said so.
	src := &corpus.Source{Name: "fg", File: "fg.csv", Format: "csv", Hash: "hash-fg-2"}
	for _, id := range []string{"S01", "S02", "S03", "S05"} {
		src.Segments = append(src.Segments, corpus.Segment{ID: id, Text: "new text of " + id})
	}
	res, err := s.ImportSource("lead", src, ImportOptions{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "; ")
	if !strings.Contains(notes, "1 review mark dropped") || !strings.Contains(notes, "1 segment left sample icr") {
		t.Errorf("notes %q", notes)
	}
	nr := mustRefs(t, s, SegmentQuery{Source: "fg"})
	if m, _ := s.Marked("alice"); m.Len() != 1 || !m.Has(nr[0]) {
		t.Errorf("marks after replace: %v (segments %v)", m, nr)
	}
	sm, err := s.Sample("icr")
	if err != nil || !slices.Equal(sm.Refs, nr[:2]) {
		t.Errorf("sample after replace: %v %v, want %v", sm.Refs, err, nr[:2])
	}
	before := state(t, s)
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Marked("alice"); m.Len() != 2 || !m.Has(r[0]) || !m.Has(r[3]) {
		t.Errorf("undo of the replace: marks %v", m)
	}
	if sm, _ := s.Sample("icr"); !slices.Equal(sm.Refs, []SegRef{r[0], r[1], r[3]}) {
		t.Errorf("undo of the replace: sample %v", sm.Refs)
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != before {
		t.Errorf("redo of the replace:\n%s\nwant\n%s", got, before)
	}
}

// TestCodingsCSVWithMarks: a row with an empty code is a review mark, in
// and out, and codes win over marks.
func TestCodingsCSVWithMarks(t *testing.T) {
	s, _ := newProject(t)
	r := importNumbered(t, s, "fg", "S", 4)
	mark(t, s, "bob", r[2])
	mark(t, s, "bob", r[3])
	in := "segment,code,coder,start,end,starred,memo\n" +
		"S01," + workload + ",alice,,,false,\n" +
		"S02,,alice,,,false,\n" +
		"S04,,bob,,,,\n" + // already marked
		"S01,,alice,,,,\n" + // alice codes S01 in this file: left out
		"S03," + travel + ",bob,2,9,true,a memo\n" + // takes bob's mark on S03 away
		"S04,,carol,,,,\n"
	res, err := s.ImportCodings("lead", "c.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 6 || res.Added != 2 || res.Marked != 2 || res.MarksUnchanged != 1 || res.MarksSkipped != 1 || res.MarksCleared != 1 {
		t.Errorf("import: %+v", res)
	}
	var rows []string
	s.ExportCodings(func(c CodingRecord) error {
		rows = append(rows, strings.Join(c.CSV(), ","))
		return nil
	})
	want := []string{
		"S01," + workload + ",alice,,,false,",
		"S02,,alice,,,false,",
		"S03," + travel + ",bob,2,9,true,a memo",
		"S04,,bob,,,false,",
		"S04,,carol,,,false,",
	}
	if !slices.Equal(rows, want) {
		t.Errorf("export:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}

	// Round trip: the export imported into a fresh copy gives the export.
	t2, _ := newProject(t)
	importNumbered(t, t2, "fg", "S", 4)
	csvText := strings.Join(append([]string{strings.Join(CodingColumns, ",")}, rows...), "\n") + "\n"
	if _, err := t2.ImportCodings("lead", "export.csv", strings.NewReader(csvText)); err != nil {
		t.Fatal(err)
	}
	var again []string
	t2.ExportCodings(func(c CodingRecord) error {
		again = append(again, strings.Join(c.CSV(), ","))
		return nil
	})
	if !slices.Equal(again, want) {
		t.Errorf("round trip:\n%s", strings.Join(again, "\n"))
	}

	// A mark row takes no span, star or memo.
	for _, row := range []string{"S01,,alice,1,3,,", "S01,,alice,,,true,", "S01,,alice,,,,memo"} {
		_, err := ReadCodings("bad.csv", strings.NewReader("segment,code,coder,start,end,starred,memo\n"+row+"\n"))
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: %v", row, err)
		}
	}
}

// TestMergeMarks: marks come in with a merge; codes win over marks on
// either side; merging twice changes nothing.
func TestMergeMarks(t *testing.T) {
	s, path := newProject(t)
	r := importNumbered(t, s, "fg", "S", 4)
	mark(t, s, "alice", r[0]) // alice will code S01 in her copy
	applyAs(t, s, "alice", r[1], workload)
	s.Close()
	copyPath := path + ".alice"
	copyFile(t, path, copyPath)
	a, err := Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	applyAs(t, a, "alice", r[0], travel) // takes her mark on S01 away
	mark(t, a, "alice", r[2])
	mark(t, a, "bob", r[3])
	if _, err := a.RemoveCode("alice", r[1], code(t, a, workload)); err != nil {
		t.Fatal(err)
	}
	mark(t, a, "alice", r[1]) // S02: coded here, marked there → codes win
	a.Close()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s, path)
	res, err := s.MergeProjects("lead", []string{copyPath}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fm := res.Files[0]
	if fm.Marks["alice"] != 1 || fm.Marks["bob"] != 1 || fm.MarksSkipped != 1 || fm.MarksRemoved != 1 || !slices.Contains(fm.NewCoders, "bob") {
		t.Errorf("merge: %+v", fm)
	}
	alice, _ := s.Marked("alice")
	bob, _ := s.Marked("bob")
	if alice.Len() != 1 || !alice.Has(r[2]) || bob.Len() != 1 || !bob.Has(r[3]) {
		t.Errorf("marks after merge: alice %v bob %v", alice, bob)
	}
	after := state(t, s)
	if res, err := s.MergeProjects("lead", []string{copyPath}, MergeOptions{}); err != nil || res.Seq != 0 {
		t.Errorf("merging twice: %+v %v", res, err)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Marked("alice"); m.Len() != 1 || !m.Has(r[0]) {
		t.Errorf("undo of the merge: alice's marks %v", m)
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != after {
		t.Errorf("redo of the merge:\n%s\nwant\n%s", got, after)
	}
}

// schema1 turns a project file into what schema 1 wrote: no marks,
// bymarker or samples buckets (nor any bucket a later schema added),
// schema_version 1.
func schema1(t *testing.T, s *Store) { schemaAt(t, s, 1) }

// schemaAt turns a project file into what schema v wrote: the buckets
// later schemas added are gone, and before schema 5 texts are one per
// segment, with the bysource index.
func schemaAt(t *testing.T, s *Store, v int) {
	t.Helper()
	err := s.update(func(tx *bolt.Tx) error {
		if v < 5 {
			if err := legacy.AsLayout4(tx); err != nil {
				return err
			}
		}
		for later := v + 1; later <= SchemaVersion; later++ {
			for _, b := range addedIn[later] {
				if err := tx.DeleteBucket(b); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bktMeta).Put([]byte("schema_version"), []byte(strconv.Itoa(v)))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigrateFromV1: a schema-1 file is backed up and gains the buckets
// of review marks and samples; a read-only open asks for one writable
// open first; a merge reads a schema-1 copy as it is.
func TestMigrateFromV1(t *testing.T) {
	s, path := newProject(t)
	r := importNumbered(t, s, "fg", "S", 3)
	applyAs(t, s, "alice", r[0], workload)
	want := state(t, s)
	schema1(t, s)
	s.Close()
	copyFile(t, path, path+".copy") // a coder's copy, still schema 1

	if _, err := OpenReadOnly(path); !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "older schema (1)") {
		t.Errorf("read-only open of schema 1: %v", err)
	}
	if _, err := CheckFile(path); err == nil || !strings.Contains(err.Error(), "older schema (1)") {
		t.Errorf("check of schema 1: %v", err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s2, path)
	if _, err := os.Stat(path + ".schema1.bak"); err != nil {
		t.Errorf("no backup: %v", err)
	}
	if s2.Meta().Schema != SchemaVersion || state(t, s2) != want {
		t.Errorf("after migration: schema %d, state\n%s", s2.Meta().Schema, state(t, s2))
	}
	mark(t, s2, "bob", r[1])
	if _, err := s2.CreateSample("lead", SampleSpec{Name: "icr", Size: "2", Seed: 1}); err != nil {
		t.Fatal(err)
	}
	// The backup is the schema-1 file as it was.
	b, err := OpenReadOnly(path + ".schema1.bak")
	if b != nil {
		b.Close()
	}
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("the backup opens as %v, want schema 1", err)
	}

	// The coder's copy, still schema 1, merges as it is (it has no marks).
	res, err := s2.MergeProjects("lead", []string{path + ".copy"}, MergeOptions{})
	if err != nil {
		t.Fatalf("merge of a schema-1 copy: %v", err)
	}
	if res.Files[0].Matched != 1 || len(res.Files[0].Marks) != 0 {
		t.Errorf("merge of a schema-1 copy: %+v", res.Files[0])
	}
	if v := schemaOf(t, path+".copy"); v != "1" {
		t.Errorf("the merged copy was changed to schema %s", v)
	}
}

func schemaOf(t *testing.T, path string) string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bktMeta).Get([]byte("schema_version")))
		return nil
	})
	return v
}

// TestMigrateFromV3: a schema-3 file (journal entries of format 1) is
// backed up and becomes the current schema with nothing else changed; its import,
// journaled in format 1, is still undone and redone exactly, and what is
// journaled afterwards (format 2) too.
func TestMigrateFromV3(t *testing.T) {
	s, path := newProject(t)
	r := importNumbered(t, s, "fg", "S", 3)
	before := dump(s)
	if _, err := s.ImportCodings("lead", "c.csv", strings.NewReader("segment,code,coder\nS01,Barriers/Workload and time,alice\nS02,Motivations/Career progression,alice\n")); err != nil {
		t.Fatal(err)
	}
	after := dump(s)
	asFormat1(t, s) // every entry as a schema-3 qcode wrote it
	schemaAt(t, s, 3)
	s.Close()

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := os.Stat(path + ".schema3.bak"); err != nil {
		t.Errorf("no backup: %v", err)
	}
	if s2.Meta().Schema != SchemaVersion || dump(s2) != after {
		t.Errorf("after migration: schema %d\n%s", s2.Meta().Schema, diffLines(after, dump(s2)))
	}
	if _, err := s2.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s2); got != before {
		t.Errorf("undo of the format-1 import:\n%s", diffLines(before, got))
	}
	if _, err := s2.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s2); got != after {
		t.Errorf("redo after the migration:\n%s", diffLines(after, got))
	}
	applyAs(t, s2, "alice", r[2], workload) // journaled in format 2
	if _, err := s2.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s2); got != after {
		t.Errorf("undo of a format-2 action:\n%s", diffLines(after, got))
	}
	if err := checkInvariants(s2); err != nil {
		t.Error(err)
	}
}

// asFormat1 rewrites every journal entry as format 1 wrote it.
func asFormat1(t *testing.T, s *Store) {
	t.Helper()
	err := s.update(func(tx *bolt.Tx) error {
		j := tx.Bucket(bktJournal)
		var seqs []uint64
		if err := j.ForEach(func(k, _ []byte) error {
			if len(k) == 8 {
				seqs = append(seqs, getU64(k))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, seq := range seqs {
			e, err := decodeEntry(seq, j.Get(u64(seq)))
			if err != nil {
				return err
			}
			if err := j.Put(u64(seq), encodeV1(e)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
