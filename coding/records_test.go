package coding

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// bboltFiles are the files of coding/ that may reach bbolt's buckets and
// cursors: the storage layer (records*.go) and the store's own machinery —
// opening, checking and migrating the file, the journal and its batches,
// the bulk import paths — which other work of issue 15 is changing and
// which may move onto the layer later (docs/design-notes.md, "The storage
// layer").
var bboltFiles = []string{
	"records.go", "records_codings.go", "records_memos.go", "records_reviews.go", "records_texts.go",
	"records_caseruns.go", "records_segnames.go",
	"store.go", "guard.go", "identity.go", "keys.go", "migrate.go", "check.go", "pagefile.go",
	"compact.go", // compares two files record by record, raw, as check reads one
	"journal.go", "batch.go", "codingsio.go", "codings_import.go", "sources.go", "project_import.go",
}

// TestDomainCodeLeavesBboltToTheStorageLayer fails when a file outside
// bboltFiles calls Bucket, Cursor, CreateBucket… on bbolt's types: domain
// code reads and writes records through records (records.go).
func TestDomainCodeLeavesBboltToTheStorageLayer(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	reaches := map[string]bool{"Bucket": true, "Cursor": true, "CreateBucket": true, "CreateBucketIfNotExists": true,
		"DeleteBucket": true, "ForEach": true, "NextSequence": true, "Sequence": true}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || slices.Contains(bboltFiles, name) || strings.HasPrefix(name, "wal") ||
			strings.HasPrefix(name, "import") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fset := gotoken.NewFileSet()
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || !reaches[sel.Sel.Name] {
				return true
			}
			// tx.Bucket, b.Cursor, a.tx.Bucket…: a selector on a value,
			// not a package (bolt.Open is the store's, and not here).
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "bolt" {
				return true
			}
			t.Errorf("%s: .%s reaches bbolt outside the storage layer", fset.Position(sel.Pos()), sel.Sel.Name)
			return true
		})
	}
}

// inRolledBack runs fn in a write transaction of s that is then rolled
// back, so that a test may plant records (malformed ones too) and read
// them through the layer without leaving them in the file.
func inRolledBack(t *testing.T, s *Store, fn func(tx *bolt.Tx)) {
	t.Helper()
	undo := errors.New("roll back")
	err := s.db.Update(func(tx *bolt.Tx) error {
		fn(tx)
		return undo
	})
	if !errors.Is(err, undo) {
		t.Fatal(err)
	}
}

func put(t *testing.T, tx *bolt.Tx, bucket, key, value []byte) {
	t.Helper()
	if err := tx.Bucket(bucket).Put(key, value); err != nil {
		t.Fatal(err)
	}
}

// TestStorageLayerCursors plants index and table keys, well formed and
// not, and walks them through the layer's cursors: a walk of one code,
// coder or segment stops where its keys end (or at a key of the wrong
// length); a walk of every key skips the malformed ones.
func TestStorageLayerCursors(t *testing.T) {
	s, _ := newProject(t)
	k := func(seg SegRef, code CodeID, coder CoderID) codingKey {
		return codingKey{Seg: seg, Code: code, Coder: coder}
	}
	a, b, c, d := k(1, 5, 1), k(2, 5, 2), k(1, 6, 1), k(1, 6, 2)
	var got map[string][]codingKey
	inRolledBack(t, s, func(tx *bolt.Tx) {
		for _, key := range []codingKey{a, b, c, d} {
			put(t, tx, bktByCode, key.byCode(), nil)
			put(t, tx, bktByCoder, key.byCoder(), nil)
			put(t, tx, bktCodings, key.bytes(), []byte{0, 0, 0, 0, 0, 0, 0, 1, flagStarred})
		}
		// After code 5's keys and before code 6's: a walk of code 5 ends
		// at it, a walk of everything steps over it.
		put(t, tx, bktByCode, []byte{0, 0, 0, 5, 0xff}, nil)
		rs := recs(tx)
		got = map[string][]codingKey{}
		cur := rs.byCode()
		for _, code := range []CodeID{5, 6, 7} {
			name := fmt.Sprintf("bycode %d", code)
			for row := cur.seek(code); cur.holds(row); row = cur.next() {
				got[name] = append(got[name], row.key())
			}
		}
		all := rs.byCodeAll()
		for row := all.first(); all.holds(row); row = all.next() {
			if row.wellFormed() {
				got["bycode all"] = append(got["bycode all"], row.key())
			}
		}
		bc := rs.byCoder()
		for row := bc.seek(1); bc.holds(row); row = bc.next() {
			got["bycoder 1"] = append(got["bycoder 1"], row.key())
		}
		for row := bc.seekSegment(2, 1); bc.holds(row); row = bc.next() {
			got["bycoder 2 on 1"] = append(got["bycoder 2 on 1"], row.key())
		}
		cc := rs.codings().cursor()
		for row, val := cc.seek(1); cc.holds(row); row, val = cc.next() {
			if !val.starred() {
				t.Errorf("coding %v reads unstarred", row.key())
			}
			got["codings of 1"] = append(got["codings of 1"], row.key())
		}
		for row, _ := cc.seek(3); cc.holds(row); row, _ = cc.next() {
			got["codings of 3"] = append(got["codings of 3"], row.key())
		}
		for row, _ := cc.first(); cc.holds(row); row, _ = cc.next() {
			got["codings all"] = append(got["codings all"], row.key())
		}
	})
	for _, tc := range []struct {
		walk string
		want []codingKey
	}{
		{"bycode 5", []codingKey{a, b}},
		{"bycode 6", []codingKey{c, d}},
		{"bycode 7", nil},
		{"bycode all", []codingKey{a, b, c, d}},
		{"bycoder 1", []codingKey{a, c}},
		{"bycoder 2 on 1", []codingKey{d}},
		{"codings of 1", []codingKey{a, c, d}},
		{"codings of 3", nil},
		{"codings all", []codingKey{a, c, d, b}},
	} {
		if !slices.Equal(got[tc.walk], tc.want) {
			t.Errorf("%s: %v, want %v", tc.walk, got[tc.walk], tc.want)
		}
	}
}

// TestStorageLayerLongWalks walks many rows of one code, one coder, the
// table and the segments: every row comes once, in key order, and a walk
// of one code ends at the next code.
func TestStorageLayerLongWalks(t *testing.T) {
	s, _ := newProject(t)
	n := 1000
	inRolledBack(t, s, func(tx *bolt.Tx) {
		var want []codingKey
		for i := 1; i <= n; i++ {
			k := codingKey{Seg: SegRef(i), Code: 9, Coder: 4}
			want = append(want, k)
			put(t, tx, bktByCode, k.byCode(), nil)
			put(t, tx, bktByCoder, k.byCoder(), nil)
			put(t, tx, bktCodings, k.bytes(), []byte{0, 0, 0, 0, 0, 0, 0, 1, 0})
			put(t, tx, bktSegments, u64(uint64(i)), []byte{1})
		}
		put(t, tx, bktByCode, codingKey{Seg: 1, Code: 10, Coder: 4}.byCode(), nil)
		rs := recs(tx)
		var code, coder, table []codingKey
		c := rs.byCode()
		for r := c.seek(9); c.holds(r); r = c.next() {
			code = append(code, r.key())
		}
		bc := rs.byCoder()
		for r := bc.seek(4); bc.holds(r); r = bc.next() {
			coder = append(coder, r.key())
		}
		cc := rs.codings().cursor()
		for r, _ := cc.first(); cc.holds(r); r, _ = cc.next() {
			table = append(table, r.key())
		}
		var segs []SegRef
		sc := rs.segments()
		for k, _ := sc.first(); sc.holds(k); k, _ = sc.next() {
			segs = append(segs, k.ref())
		}
		for name, got := range map[string][]codingKey{"bycode": code, "bycoder": coder, "codings": table} {
			if !slices.Equal(got, want) {
				t.Errorf("%s: %d rows, want %d in key order", name, len(got), len(want))
			}
		}
		if len(segs) != n || segs[n-1] != SegRef(n) {
			t.Errorf("segments: %d rows", len(segs))
		}
	})
}

// TestStorageLayerToleratesOptionalBuckets reads the families whose
// buckets a file may lack (targetmemos, marks, samples before their
// schemas; settled and places until first used): no records, no panic.
func TestStorageLayerToleratesOptionalBuckets(t *testing.T) {
	s, _ := newProject(t)
	inRolledBack(t, s, func(tx *bolt.Tx) {
		for _, b := range [][]byte{bktTargetMemos, bktMarks, bktByMarker, bktSamples} {
			if err := tx.DeleteBucket(b); err != nil {
				t.Fatal(err)
			}
		}
		rs := recs(tx)
		shelf := rs.memos()
		if shelf.hasOn(memoSegmentByte, 1) || shelf.hasKind(memoProjectByte) || shelf.get(memoKey(memoCaseByte, 1, 1)) != nil ||
			len(shelf.on(memoSourceByte, 1)) > 0 {
			t.Error("memos read from a missing bucket")
		}
		if _, ok := shelf.firstOn(memoProjectByte, 1); ok {
			t.Error("a journal entry read from a missing bucket")
		}
		if rs.anyMarks() || rs.hasMarks(1) || rs.hasMarkOn(1) || rs.markValue(1, 1) != nil || rs.sampleValue("s") != nil {
			t.Error("marks or samples read from missing buckets")
		}
		n := 0
		count := func(...any) { n++ }
		_ = rs.eachMark(func(storedMark) error { count(); return nil })
		_ = rs.eachSample(func(string, []byte) error { count(); return nil })
		_ = rs.eachSettled(func(SegRef, CodeID) error { count(); return nil })
		walkMarks(tx, 1, func(SegRef) { count() })
		if n > 0 {
			t.Errorf("%d records walked in missing buckets", n)
		}
		if _, ok, err := rs.settlement(1, 1); ok || err != nil {
			t.Errorf("a settlement read from a missing bucket: %v", err)
		}
		if _, ok := rs.place("alice"); ok {
			t.Error("a place read from a missing bucket")
		}
	})
}

// TestSettledWalkSkipsMalformedKeys: a settled key of the wrong length
// (which `qcode check` names) is not a decision.
func TestSettledWalkSkipsMalformedKeys(t *testing.T) {
	s, _ := newProject(t)
	var got [][2]uint64
	inRolledBack(t, s, func(tx *bolt.Tx) {
		b, err := tx.CreateBucketIfNotExists(bktSettled)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range [][]byte{settledKey(3, 7), {0, 0, 0, 0, 0, 0, 0, 4}, settledKey(5, 2)} {
			if err := b.Put(k, []byte("{}")); err != nil {
				t.Fatal(err)
			}
		}
		_ = recs(tx).eachSettled(func(seg SegRef, code CodeID) error {
			got = append(got, [2]uint64{uint64(seg), uint64(code)})
			return nil
		})
	})
	if want := [][2]uint64{{3, 7}, {5, 2}}; !slices.Equal(got, want) {
		t.Errorf("settled walk: %v, want %v", got, want)
	}
}
