package coding

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
	"qcode/coding/codingtest/legacy"

	"qcode/corpus"
)

// sizedSource is a source of n segments whose texts come from text(i),
// its cases from kase(i) ("" for none).
func sizedSource(name, hash string, n int, text func(int) string, kase func(int) string) *corpus.Source {
	src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: hash}
	for i := range n {
		src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("%s-%d", name, i+1), Case: kase(i), Text: text(i)})
	}
	return src
}

// textsOf reads a source's segments' texts back, in import order.
func textsOf(t *testing.T, s *Store, source string) []string {
	t.Helper()
	segs, err := s.Segments(SegmentQuery{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, seg := range segs {
		out = append(out, seg.Text)
	}
	return out
}

// TestChunkBoundaries imports sources whose segments fill chunks exactly,
// overrun them by one, or are cut by size, with empty texts among them:
// every text reads back, check passes after each action, and replacing,
// undoing and redoing the import give back the same records.
func TestChunkBoundaries(t *testing.T) {
	short := func(i int) string { return fmt.Sprintf("answer %d", i) }
	empty := func(i int) string {
		if i%2 == 0 {
			return ""
		}
		return short(i)
	}
	big := func(i int) string { return strings.Repeat(string(rune('a'+i%26)), textChunkBytes/4+i%3) }
	exact := func(i int) string { return strings.Repeat("x", textChunkBytes/2) } // two fill a chunk's bytes exactly
	huge := func(i int) string {
		if i == 1 {
			return strings.Repeat("h", 3*textChunkBytes)
		}
		return short(i)
	}
	none := func(int) string { return "" }
	one := func(int) string { return "R" }
	pairs := func(i int) string { return fmt.Sprintf("R%d", i/2) }
	for _, tc := range []struct {
		name string
		n    int
		text func(int) string
		kase func(int) string
	}{
		{"one segment", 1, short, one},
		{"one empty text", 1, none, none},
		{"63", 63, short, pairs},
		{"64", 64, short, one},
		{"65", 65, empty, pairs},
		{"128", 128, short, none},
		{"129 empty", 129, none, one},
		{"cut by size", 9, big, pairs},
		{"bytes exact", 6, exact, one},
		{"one huge", 4, huge, pairs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newProject(t)
			if _, err := s.ImportSource("lead", survey("before"), ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			start := dump(s)
			src := sizedSource("s", "h1", tc.n, tc.text, tc.kase)
			var want []string
			for _, seg := range src.Segments {
				want = append(want, seg.Text)
			}
			if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ImportSource("lead", survey("after"), ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			sameStrings(t, "texts", textsOf(t, s, "s"), want)
			if err := checkInvariants(s); err != nil {
				t.Fatal(err)
			}
			imported := dump(s)
			// Replace it with one of a different size: the old chunks go,
			// the new ones come, in one action.
			src2 := sizedSource("s", "h2", tc.n+1, tc.text, tc.kase)
			var want2 []string
			for _, seg := range src2.Segments {
				want2 = append(want2, seg.Text)
			}
			if _, err := s.ImportSource("lead", src2, ImportOptions{Replace: true}); err != nil {
				t.Fatal(err)
			}
			sameStrings(t, "texts replaced", textsOf(t, s, "s"), want2)
			if err := checkInvariants(s); err != nil {
				t.Fatal(err)
			}
			replaced := dump(s)
			undoRedoExact(t, s, "lead", "the replace", imported)
			for range 3 { // the replace, "after", the import
				if _, err := s.Undo("lead"); err != nil {
					t.Fatal(err)
				}
				if err := checkInvariants(s); err != nil {
					t.Fatal(err)
				}
			}
			if got := dump(s); got != start {
				t.Fatalf("undo of all:\n%s", diffLines(start, got))
			}
			for range 3 {
				if _, err := s.Redo("lead"); err != nil {
					t.Fatal(err)
				}
				if err := checkInvariants(s); err != nil {
					t.Fatal(err)
				}
			}
			if got := dump(s); got != replaced {
				t.Fatalf("redo of all:\n%s", diffLines(replaced, got))
			}
			sameStrings(t, "texts redone", textsOf(t, s, "s"), want2)
		})
	}
}

// TestDamagedRunLengthIsNotWalked: a bycase run whose length reaches past
// every segment number ever given does not read (check reports it), so a
// walk over the case's segments (a segment's context, an attribute edit,
// the memo list) skips it instead of calling back for each of 2^40
// numbers that are no segments.
func TestDamagedRunLengthIsNotWalked(t *testing.T) {
	s, path := newUncheckedProject(t)
	if _, err := s.ImportSource("lead", sizedSource("s", "h", 6, func(i int) string { return "t" }, func(i int) string { return "R" }), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var id CaseID
	for _, n := range []uint64{7, 1 << 40} { // the run 1…6 said to be one longer (7 was never given), and far longer
		err := s.update(func(tx *bolt.Tx) error {
			id, _ = recs(tx).caseEntry("R")
			return tx.Bucket(bktByCase).Put(pairKey(uint64(id), 1), caseRunValue(n))
		})
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		s.view(func(tx *bolt.Tx) error {
			recs(tx).eachSegmentOfCase(id, func(ref SegRef) bool {
				calls++
				return calls < 100
			})
			return nil
		})
		if calls != 0 {
			t.Errorf("run of %d: walked %d segments, want none (the run does not read)", n, calls)
		}
	}
	s.Close()
	sameStrings(t, "check", checkFindings(t, path, false), []string{"bycase: key 00000000000000010000000000000001: run of case 1 holds segments 7…1099511627776 that are not the case's"})
}

// TestMigrate4To5 turns a project back into schema 4's layout (texts one
// per segment, the bysource index, and a bycase entry per segment, as
// schema 4 wrote them) and opens it: the migration chunks the texts and
// derives the source records' runs; the bycase entries stay runs of one.
// Every text and every case's segments read as before, and check passes.
func TestMigrate4To5(t *testing.T) {
	s, path := newProject(t)
	kase := func(i int) string { return fmt.Sprintf("R%d", i/3) } // runs of three
	text := func(i int) string { return fmt.Sprintf("answer %d", i) }
	for _, src := range []*corpus.Source{sizedSource("a", "ha", 70, text, kase), sizedSource("b", "hb", 2, text, kase)} {
		if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	wantTexts := map[string][]string{"a": textsOf(t, s, "a"), "b": textsOf(t, s, "b")}
	byCase := func(s *Store) []string {
		var out []string
		s.view(func(tx *bolt.Tx) error {
			return tx.Bucket(bktCases).ForEach(func(k, v []byte) error {
				out = append(out, fmt.Sprint(getU64(k), recs(tx).segmentsOfCase(CaseID(getU64(k)))))
				return nil
			})
		})
		return out
	}
	wantCases := byCase(s)
	err := s.update(func(tx *bolt.Tx) error {
		if err := legacy.AsLayout4(tx); err != nil {
			return err
		}
		return tx.Bucket(bktMeta).Put([]byte("schema_version"), []byte("4"))
	})
	if err != nil {
		t.Fatal(err)
	}
	entries := 0
	s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bktByCase).ForEach(func(k, v []byte) error {
			entries++
			if len(v) != 0 {
				t.Errorf("schema 4's layout: bycase %x = %x, want an entry per segment, empty", k, v)
			}
			return nil
		})
	})
	if entries != 72 {
		t.Errorf("schema 4's layout: %d bycase entries, want 72", entries)
	}
	var names []string
	s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bktSegName).ForEach(func(k, v []byte) error {
			if len(v) != 0 {
				t.Errorf("schema 4's layout: segname %x = %x, want an entry per segment, empty", k, v)
			}
			names = append(names, fmt.Sprintf("%s %d", k[:len(k)-9], getU64(k[len(k)-8:])))
			return nil
		})
	})
	if len(names) != 72 || names[0] != "a-1 1" || names[71] != "b-2 72" {
		t.Errorf("schema 4's layout: segname holds %d entries %q … , want 72, a-1 1 … b-2 72", len(names), names[:min(3, len(names))])
	}
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for name, want := range wantTexts {
		sameStrings(t, "texts of "+name, textsOf(t, s2, name), want)
	}
	sameStrings(t, "cases", byCase(s2), wantCases)
	if err := checkInvariants(s2); err != nil {
		t.Fatal(err)
	}
	s2.view(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bktTexts).Stats().KeyN; n != 3 { // 64 + 6 of a, 2 of b
			t.Errorf("%d texts chunks, want 3", n)
		}
		if n := tx.Bucket(bktSegName).Stats().KeyN; n != 3 { // a-1 … a-9, a-10 … a-70, b-1 … b-2
			t.Errorf("%d segname entries, want 3 runs", n)
		}
		for _, id := range []string{"a-1", "a-70", "b-2"} {
			if got := recs(tx).segmentsNamed(id); len(got) != 1 {
				t.Errorf("segment %s: found %v", id, got)
			}
		}
		return nil
	})
}

// TestSchema4SourceEditUndoneAfterTheMigration: the schema-4 qcode (commit
// f102dcc) imported s.csv (three answers, two respondents), set
// method=survey and then wave=2 on the source, undid the second and
// compacted the file (testdata/schema4/attrs.qcode). Its journal holds the
// source record before and after each edit as schema 4 kept it, without
// the run of segments the migration puts in; undo and redo after the
// migration must still set the attributes back and forth, keep the run,
// and end where they began.
func TestSchema4SourceEditUndoneAfterTheMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "attrs.qcode")
	copyFile(t, "testdata/schema4/attrs.qcode", path)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s, path)
	attrs := func(step string, want ...string) {
		t.Helper()
		srcs, err := s.Sources()
		if err != nil || len(srcs) != 1 {
			t.Fatalf("%s: %v %v", step, srcs, err)
		}
		var got []string
		for _, a := range srcs[0].Attributes {
			got = append(got, a.Name+"="+a.Value)
		}
		sameStrings(t, step, got, want)
		sameStrings(t, step+": texts", textsOf(t, s, "s"), []string{"first answer", "second answer", "third"})
		if err := checkInvariants(s); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	attrs("migrated", "method=survey")
	migrated := dump(s)
	for _, step := range []struct {
		undo bool
		want []string
	}{{false, []string{"method=survey", "wave=2"}}, {true, []string{"method=survey"}}, {true, nil}, {false, []string{"method=survey"}}} {
		what, do := "redo", s.Redo
		if step.undo {
			what, do = "undo", s.Undo
		}
		if _, err := do("lead"); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		attrs(what, step.want...)
	}
	if got := dump(s); got != migrated {
		t.Errorf("back where it began:\n%s", diffLines(migrated, got))
	}
}

// TestCheckTextsAndRunsExactly spoils the texts chunks and bycase runs of a
// project (source a: 70 segments, chunks at 1 and 65, respondents R0…R23
// with runs of three; source b: 3 segments without cases, chunk at 71)
// and wants check's whole report: what is wrong, once, and nothing about
// what is not (a chunk or run cut in two still reads).
func TestCheckTextsAndRunsExactly(t *testing.T) {
	seg := func(ref int, src string, i int) string {
		return fmt.Sprintf("segment %d (%q)", ref, fmt.Sprintf("%s-%d", src, i))
	}
	texts := func(refs ...int) []string {
		var out []string
		for _, r := range refs {
			out = append(out, fmt.Sprintf("answer %d", r-1))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		spoil func(tx *bolt.Tx) error
		want  []string
	}{
		{"nothing", func(tx *bolt.Tx) error { return nil }, nil},
		{"chunk 65 gone", func(tx *bolt.Tx) error { return tx.Bucket(bktTexts).Delete(u64(65)) }, []string{
			"texts 6: " + seg(65, "a", 65) + ": text missing or not UTF-8; " + seg(66, "a", 66) + ": text missing or not UTF-8; " +
				seg(67, "a", 67) + ": text missing or not UTF-8; " + seg(68, "a", 68) + ": text missing or not UTF-8; " + seg(69, "a", 69) + ": text missing or not UTF-8"}},
		{"chunk 65 one text short", func(tx *bolt.Tx) error { return putChunk(tx, 65, texts(65, 66, 67, 68, 69)...) },
			[]string{"texts 1: " + seg(70, "a", 70) + ": text missing or not UTF-8"}},
		{"chunk 65 one text long", func(tx *bolt.Tx) error { return putChunk(tx, 65, texts(65, 66, 67, 68, 69, 70, 71)...) },
			[]string{"texts 2: chunk at segment 65 holds texts of two sources (1 and 2); chunk at segment 71 overlaps the one before it"}},
		{"chunk 1 in two", func(tx *bolt.Tx) error {
			if err := tx.Bucket(bktTexts).Delete(u64(1)); err != nil {
				return err
			}
			var a, b []int
			for r := 1; r <= 64; r++ {
				if r <= 32 {
					a = append(a, r)
				} else {
					b = append(b, r)
				}
			}
			if err := putChunk(tx, 1, texts(a...)...); err != nil {
				return err
			}
			return putChunk(tx, 33, texts(b...)...)
		}, nil},
		{"a stray chunk", func(tx *bolt.Tx) error { return putChunk(tx, 90, "x", "y") },
			[]string{"texts 1: chunk at segment 90 holds texts of 2 segments that do not exist (90…91)"}},
		{"run of R0 one short", func(tx *bolt.Tx) error { return tx.Bucket(bktByCase).Put(pairKey(1, 1), caseRunValue(2)) },
			[]string{"bycase 1: key 00000000000000010000000000000003: expected an entry, found none"}},
		{"run of R0 one long", func(tx *bolt.Tx) error { return tx.Bucket(bktByCase).Put(pairKey(1, 1), caseRunValue(4)) },
			[]string{"bycase 1: key 00000000000000010000000000000001: run of case 1 holds segments 4…4 that are not the case's"}},
		{"run of R0 in two", func(tx *bolt.Tx) error {
			if err := tx.Bucket(bktByCase).Put(pairKey(1, 1), caseRunValue(1)); err != nil {
				return err
			}
			return tx.Bucket(bktByCase).Put(pairKey(1, 2), caseRunValue(2))
		}, nil},
		{"runs of R0 overlap", func(tx *bolt.Tx) error { return tx.Bucket(bktByCase).Put(pairKey(1, 2), caseRunValue(3)) },
			[]string{"bycase 2: key 00000000000000010000000000000002: overlaps the run before it; key 00000000000000010000000000000002: run of case 1 holds segments 4…4 that are not the case's"}},
		{"run of R1 gone", func(tx *bolt.Tx) error { return tx.Bucket(bktByCase).Delete(pairKey(2, 4)) },
			[]string{"bycase 3: key 00000000000000020000000000000004: expected an entry, found none; key 00000000000000020000000000000005: expected an entry, found none; key 00000000000000020000000000000006: expected an entry, found none"}},
		{"a run of no case", func(tx *bolt.Tx) error { return tx.Bucket(bktByCase).Put(pairKey(99, 4), caseRunValue(2)) },
			[]string{"bycase 1: key 00000000000000630000000000000004: expected no such entry (no record has it), found one"}},
		{"case R1 gone", func(tx *bolt.Tx) error { return tx.Bucket(bktCases).Delete(u64(2)) }, []string{
			"casename 1: name \"R1\" → 0000000000000002: no such case",
			"segments 3: " + seg(4, "a", 4) + ": case 2 does not exist; " + seg(5, "a", 5) + ": case 2 does not exist; " + seg(6, "a", 6) + ": case 2 does not exist"}},
		{"source a's refs out of order", func(tx *bolt.Tx) error {
			return spoilSource(tx, 1, func(r *sourceRecord) { r.Refs = r.segmentRefs(); r.Refs[0], r.Refs[1] = 2, 1 })
		},
			[]string{"sources 1: source 1 lists 70 segments (refs), not 70 in rising order"}},
		{"source a's refs one short", func(tx *bolt.Tx) error {
			return spoilSource(tx, 1, func(r *sourceRecord) { r.Refs = r.segmentRefs()[1:] })
		},
			[]string{"sources 2: source 1 lists 69 segments (refs), not 70 in rising order; " + seg(1, "a", 1) + ": source 1's run of segments does not hold it"}},
		{"source a's refs listed", func(tx *bolt.Tx) error { return spoilSource(tx, 1, func(r *sourceRecord) { r.Refs = r.segmentRefs() }) }, nil},
		{"a short key among R2's runs", func(tx *bolt.Tx) error { return tx.Bucket(bktByCase).Put(u64(3), caseRunValue(2)) },
			[]string{"bycase 1: key 0000000000000003: want case and segment numbers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.qcode")
			s, err := Create(path, CreateOptions{Codes: PQTemplate()})
			if err != nil {
				t.Fatal(err)
			}
			text := func(i int) string { return fmt.Sprintf("answer %d", i) }
			if _, err := s.ImportSource("lead", sizedSource("a", "ha", 70, text, func(i int) string { return fmt.Sprintf("R%d", i/3) }), ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ImportSource("lead", sizedSource("b", "hb", 3, text, func(int) string { return "" }), ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(tc.spoil); err != nil {
				t.Fatal(err)
			}
			db.Close()
			sameStrings(t, "check", checkFindings(t, path, true), tc.want)
		})
	}
}

// TestTextReaderInAnyOrder reads texts through one textReader in an order
// that jumps back and forth across chunks and sources, past the last chunk
// and into the gap an undone import leaves: each ref reads its own text,
// and a ref no chunk holds reads nil.
func TestTextReaderInAnyOrder(t *testing.T) {
	s, _ := newProject(t)
	text := func(src string) func(int) string { return func(i int) string { return fmt.Sprintf("%s %d", src, i+1) } }
	noCase := func(int) string { return "" }
	for _, src := range []*corpus.Source{sizedSource("a", "ha", 70, text("a"), noCase), sizedSource("b", "hb", 3, text("b"), noCase),
		sizedSource("c", "hc", 2, text("c"), noCase)} {
		if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(ref SegRef) string {
		switch {
		case ref >= 1 && ref <= 70:
			return fmt.Sprintf("a %d", ref)
		case ref >= 71 && ref <= 73:
			return fmt.Sprintf("b %d", ref-70)
		case ref >= 74 && ref <= 75:
			return fmt.Sprintf("c %d", ref-73)
		}
		return "<nil>"
	}
	old := want
	order := []SegRef{73, 1, 64, 65, 70, 71, 2, 75, 76, 1 << 40, 0, 66, 64, 63, 74, 72, 72}
	read := func(step string, gone func(SegRef) bool) {
		t.Helper()
		var got, wanted []string
		s.view(func(tx *bolt.Tx) error {
			r := recs(tx).texts()
			for _, ref := range order {
				text := "<nil>"
				if v := r.get(ref); v != nil {
					text = string(v)
				}
				got = append(got, fmt.Sprintf("%d: %s", ref, text))
				w := want(ref)
				if gone(ref) {
					w = "<nil>"
				}
				wanted = append(wanted, fmt.Sprintf("%d: %s", ref, w))
			}
			return nil
		})
		sameStrings(t, step, got, wanted)
	}
	read("all there", func(SegRef) bool { return false })
	if _, err := s.Undo("lead"); err != nil { // c: the last chunk goes
		t.Fatal(err)
	}
	read("c undone", func(ref SegRef) bool { return ref >= 74 })
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("lead", sizedSource("a", "ha2", 1, text("a"), noCase), ImportOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	want = func(ref SegRef) string { // a's one new segment after the rest
		if ref == 76 {
			return "a 1"
		}
		return old(ref)
	}
	read("a replaced", func(ref SegRef) bool { return ref <= 70 })
}

// TestDamagedSourceRunIsNotWalked: a source record whose run of segments
// reaches past the highest segment number ever given (a damaged
// "segments": 1099511627776) is not walked — a walk would call back for
// each number, a list of them take 8 TiB — and the import that replaces
// it is refused as damage; check names the record.
func TestDamagedSourceRunIsNotWalked(t *testing.T) {
	s, path := newUncheckedProject(t)
	if _, err := s.ImportSource("lead", sizedSource("s", "h", 3, func(i int) string { return "t" }, func(i int) string { return "" }), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{4, 1 << 40} {
		err := s.update(func(tx *bolt.Tx) error {
			sr, _ := recs(tx).sourceRecord(1)
			sr.Segments = n
			v, err := json.Marshal(sr)
			if err != nil {
				return err
			}
			return tx.Bucket(bktSources).Put(u64(1), v)
		})
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		s.view(func(tx *bolt.Tx) error {
			src, _ := recs(tx).source(1) // as a listing reads it
			recs(tx).eachSegmentOf(&src, func(SegRef) { calls++ })
			return nil
		})
		if calls != 0 {
			t.Errorf("a source of %d segments: walked %d, want none (the run does not read)", n, calls)
		}
		_, err = s.ImportSource("lead", sizedSource("s", "h2", 1, func(i int) string { return "t" }, func(i int) string { return "" }), ImportOptions{Replace: true})
		if !errors.Is(err, ErrDamaged) {
			t.Errorf("a source of %d segments replaced: %v, want damage", n, err)
		}
	}
	s.Close()
	sameStrings(t, "check", checkFindings(t, path, false), []string{"sources: source 1 says it has 1099511627776 segments, 3 segments say they are its"})
}

// spoilSource rewrites a source record as spoil leaves it.
func spoilSource(tx *bolt.Tx, id SourceID, spoil func(*sourceRecord)) error {
	var r sourceRecord
	if err := json.Unmarshal(tx.Bucket(bktSources).Get(u64(uint64(id))), &r); err != nil {
		return err
	}
	spoil(&r)
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Bucket(bktSources).Put(u64(uint64(id)), v)
}

// TestCheckSaysWhatItChecked: a schema-5 file has no bysource index; check
// says it held the sources' runs to their segments instead.
func TestCheckSaysWhatItChecked(t *testing.T) {
	s, path := newUncheckedProject(t)
	if _, err := s.ImportSource("lead", survey("s"), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	rep, err := CheckFile(path)
	if err != nil || !rep.OK() {
		t.Fatal(err, rep.Problems)
	}
	want := "every record reads; indexes (bycode, bycoder, memos, segname, bycase, texts, casename, strix, sourcehash, codername, bymarker), the sources' runs of segments, tallies, journal and undo stacks agree with the records"
	if got := rep.Checked[len(rep.Checked)-1]; got != want {
		t.Errorf("check says %q, want %q", got, want)
	}
}

// TestMigrationRefusesAMissingText: a schema-4 file whose segment has no
// text (damage) is not migrated into one where it reads as empty (check
// would then find nothing): the open is refused as damage, the file left
// as it was; an empty text is a text and migrates.
func TestMigrationRefusesAMissingText(t *testing.T) {
	for _, missing := range []bool{false, true} {
		s, path := newUncheckedProject(t)
		src := sizedSource("a", "ha", 3, func(i int) string { return []string{"one", "", "three"}[i] }, func(int) string { return "" })
		if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		err := s.update(func(tx *bolt.Tx) error {
			if err := legacy.AsLayout4(tx); err != nil {
				return err
			}
			if missing {
				if err := tx.Bucket(bktTexts).Delete(u64(3)); err != nil {
					return err
				}
			}
			return tx.Bucket(bktMeta).Put([]byte("schema_version"), []byte("4"))
		})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := Open(path)
		if !missing {
			if err != nil {
				t.Fatal(err)
			}
			sameStrings(t, "texts", textsOf(t, s2, "a"), []string{"one", "", "three"})
			s2.Close()
			checkFile(t, path)
			continue
		}
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "segment 3 has no text") {
			t.Errorf("a schema-4 file with a text missing: %v, want damage naming segment 3", err)
		}
		if s2 != nil {
			s2.Close()
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
			t.Errorf("the refused migration changed the file")
		}
	}
}

// checkFindings is what check says is wrong with the file at path, a line
// a kind ("kind: examples", or "kind count: examples" with counts).
func checkFindings(t *testing.T, path string, counts bool) []string {
	t.Helper()
	rep, err := CheckFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range rep.Problems {
		kind := p.Kind
		if counts {
			kind = fmt.Sprintf("%s %d", p.Kind, p.Count)
		}
		out = append(out, kind+": "+strings.Join(p.Examples, "; "))
	}
	return out
}
