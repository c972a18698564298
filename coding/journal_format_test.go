package coding

import (
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// encodeV1 is the journal entry encoder as it was before version 2 (kept
// verbatim here): projects made before hold entries written by it, and
// their undo and redo must keep working.
func encodeV1(e *entry) []byte {
	var w wbuf
	w.byte(1) // entry format version
	w.uvarint(uint64(e.coder))
	w.uvarint(uint64(e.time))
	w.str(e.desc)
	w.uvarint(uint64(len(e.ops)))
	for i := range e.ops {
		o := &e.ops[i]
		w.byte(o.kind)
		switch o.kind {
		case opCoding:
			w.bytes(o.key.bytes())
			encodeState(&w, o.before)
			encodeState(&w, o.after)
		case opRecord:
			w.bytes(o.bucket)
			w.bytes(o.rkey)
			encodeOpt(&w, o.hadBefore, o.rbefore)
			encodeOpt(&w, o.hasAft, o.rafter)
		case opSourceAdd, opSourceDel:
			w.uvarint(uint64(o.source))
			w.uvarint(uint64(len(o.snapshot)))
			for _, r := range o.snapshot {
				w.bytes(r.bucket)
				w.bytes(r.key)
				w.bytes(r.value)
			}
		}
	}
	return w
}

// journalOps is an entry's worth of operations of every shape: codings
// with and without a state before or after, starred or not, with memos,
// on passages, on segments going down as well as up and on the same
// segment twice, times going back; records and sources between them
// (each splits the run of codings).
func journalOps() []op {
	st := func(t int64, star bool, memo string) *codingState {
		return &codingState{Time: t, Starred: star, Memo: memo}
	}
	k := func(seg, code, coder, start, end int) codingKey {
		return codingKey{Seg: SegRef(seg), Code: CodeID(code), Coder: CoderID(coder), Span: Span{start, end}}
	}
	return []op{
		{kind: opCoding, key: k(7, 3, 1, 0, 0), after: st(1_700_000_000_000, false, "")},
		{kind: opCoding, key: k(7, 4, 2, 3, 9), before: st(1_600_000_000_000, true, "old"), after: st(1_700_000_000_001, false, "new")},
		{kind: opCoding, key: k(2, 1, 1, 0, 0), before: st(1_500_000_000_000, true, "")},
		{kind: opRecord, rawOp: &rawOp{bucket: bktMarks, rkey: []byte("k"), hadBefore: true, rbefore: []byte("v"), rafter: []byte{}}},
		{kind: opCoding, key: k(1<<40, 1<<31, 1<<31, 1<<31, 1<<31+1), after: st(-5, true, strings.Repeat("m", 300))},
		{kind: opSourceAdd, rawOp: &rawOp{source: 9}},
		{kind: opCoding, key: k(3, 1, 1, 0, 0), before: st(10, false, ""), after: st(10, true, "")},
	}
}

// Both versions give back the operations they were given.
func TestJournalEntryRoundTrip(t *testing.T) {
	e := &entry{seq: 4, coder: 2, time: 1_700_000_000_123, desc: "import codings from c.csv", ops: journalOps()}
	for _, c := range []struct {
		name   string
		encode func(*entry) []byte
	}{{"version 1", encodeV1}, {"version 2", (*entry).encode}} {
		got, err := decodeEntry(4, c.encode(e))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// Compared as printed: an empty record value reads back as nil.
		if showOps(got.ops) != showOps(journalOps()) || got.coder != e.coder || got.time != e.time || got.desc != e.desc {
			t.Errorf("%s: decoded\n%s\nwant\n%s", c.name, showOps(got.ops), showOps(journalOps()))
		}
	}
}

func showOps(ops []op) string {
	var b strings.Builder
	for _, o := range ops {
		fmt.Fprintf(&b, "%d %+v %+v %+v %+v\n", o.kind, o.key, o.before, o.after, o.rawOp)
	}
	return b.String()
}

// Bytes the version 1 encoder wrote (and that projects made before hold):
// coder 2, time 1000, "apply A", one coding of segment 1, code 3, coder 2
// added at time 1000, starred, with the memo "m".
func TestJournalReadsVersion1Bytes(t *testing.T) {
	raw, _ := hex.DecodeString("01" + "02" + "e807" + "07" + hex.EncodeToString([]byte("apply A")) + "01" + // version, coder, time, desc, 1 op
		"01" + "18" + "0000000000000001" + "00000003" + "00000002" + "00000000" + "00000000" + // opCoding, its key
		"00" + "01" + "e807" + "01" + "01" + "6d") // no state before; after: time 1000, starred, memo "m"
	e, err := decodeEntry(1, raw)
	if err != nil {
		t.Fatal(err)
	}
	want := op{kind: opCoding, key: codingKey{Seg: 1, Code: 3, Coder: 2}, after: &codingState{Time: 1000, Starred: true, Memo: "m"}}
	if e.coder != 2 || e.time != 1000 || e.desc != "apply A" || len(e.ops) != 1 || !reflect.DeepEqual(e.ops[0], want) {
		t.Errorf("decoded %+v %s", e, showOps(e.ops))
	}
	if got := hex.EncodeToString(encodeV1(e)); got != hex.EncodeToString(raw) {
		t.Errorf("encodeV1 drifted from the bytes of version 1:\n%s\n%x", got, raw)
	}
}

// A malformed run (cut short, a count beyond the entry, a first operation
// that claims the previous segment) is damage, not a panic.
func TestJournalRunDamage(t *testing.T) {
	e := &entry{seq: 1, coder: 1, time: 5, desc: "d", ops: journalOps()[:3]}
	good := e.encode()
	for n := 1; n < len(good); n++ {
		if _, err := decodeEntry(1, good[:n]); err == nil {
			t.Errorf("an entry cut to %d of %d bytes decoded", n, len(good))
		}
	}
	var w wbuf
	w.byte(entryV2)
	w.uvarint(1)
	w.uvarint(1)
	w.str("d")
	w.uvarint(1)
	w.byte(opCodingRun)
	w.uvarint(1)
	w.byte(runSameSeg | runAfter)
	if _, err := decodeEntry(1, w); err == nil {
		t.Errorf("a run whose first operation names no segment decoded")
	}
}

// An import's entry takes a few bytes per coding (version 1 took 36): the
// keys go in as differences, the time once, no state before a new coding.
func TestImportEntryIsCompact(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	var b strings.Builder
	b.WriteString("segment,code,coder\n")
	n := 0
	for i := range refs {
		for _, code := range []string{"Motivations/Career progression", "Barriers/Workload and time", "Barriers/Travel and distance"} {
			for c := 0; c < 4; c++ {
				fmt.Fprintf(&b, "R%03d,%s,c%d\n", i+1, code, c)
				n++
			}
		}
	}
	res, err := s.ImportCodings("lead", "c.csv", strings.NewReader(b.String()))
	if err != nil || res.Added != n {
		t.Fatalf("import: %+v %v", res, err)
	}
	var size int
	s.view(func(tx *bolt.Tx) error { size = len(tx.Bucket(bktJournal).Get(u64(res.Seq))); return nil })
	if perCoding := float64(size-40) / float64(n); perCoding > 5 {
		t.Errorf("the import's entry takes %d bytes, %.1f per coding; want at most 5", size, perCoding)
	}
}

// Undo and redo of an import journaled in version 1 (a project made before
// version 2) are exact: the entry is rewritten as version 1 wrote it, then
// undone and redone.
func TestUndoOfAVersion1Import(t *testing.T) {
	s, _ := newProject(t)
	importSurvey(t, s, "s")
	k, _ := s.Codebook().Lookup("Kirkpatrick")
	d := k.Details()
	d.Exclusive = true
	if _, err := s.UpdateCode("setup", "Kirkpatrick", d); err != nil {
		t.Fatal(err)
	}
	// Codings there before: one the import stars, one it replaces.
	if _, err := s.ImportCodings("lead", "a.csv", strings.NewReader("segment,code,coder,start,end,starred,memo\n"+
		"R001,Motivations/Career progression,alice,,,false,first\n"+
		"R003,Kirkpatrick/L1 Reaction,bob,,,,\n")); err != nil {
		t.Fatal(err)
	}
	before := dump(s)
	res, err := s.ImportCodings("lead", "c.csv", strings.NewReader("segment,code,coder,start,end,starred,memo\n"+
		"R002,Barriers/Morale,bob,,,,\n"+
		"R001,Motivations/Career progression,alice,,,true,pay\n"+
		"R001,Motivations/Career progression,alice,0,6,false,\n"+
		"R003,Kirkpatrick/L2 Learning,bob,,,,\n"+
		"R004,,carol,,,,\n"))
	if err != nil || res.Added != 3 || res.Updated != 1 || res.Replaced != 1 || res.Marked != 1 {
		t.Fatalf("import %+v %v", res, err)
	}
	after := dump(s)
	if err := s.update(func(tx *bolt.Tx) error {
		j := tx.Bucket(bktJournal)
		e, err := decodeEntry(res.Seq, j.Get(u64(res.Seq)))
		if err != nil {
			return err
		}
		return j.Put(u64(res.Seq), encodeV1(e))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Errorf("undo of a version 1 import:\n%s", diffLines(before, got))
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != after {
		t.Errorf("redo of a version 1 import:\n%s", diffLines(after, got))
	}
	if err := checkInvariants(s); err != nil {
		t.Error(err)
	}
}
