package coding

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The storage layer. Domain code (reports, quotes, consensus, merge, settle
// …) reads and writes records through records, a transaction seen as typed
// record families, and never calls tx.Bucket or a bbolt cursor itself:
// the bucket names and the key layouts of keys.go stay behind these files
// (records*.go). A family's methods read one record kind, or walk it:
//
//   - segments, texts and sources (records.go): segment records, their
//     texts, the bysource and segname indexes, the sources;
//   - cases and coders (records.go): records and names;
//   - settled decisions (records.go, an optional bucket);
//   - codings, their indexes and tallies (records_codings.go): the codings
//     table and its memos, bycode and bycoder, counts.
//
// Walks over millions of records (bycode, bycoder, codings, segments) are
// typed cursors that hand out the stored key and value without copying or
// decoding them: their rows decode a field when asked, so a loop costs what
// the bare cursor loop did. Smaller walks take callbacks.
//
// Writes go through the action (journal.go: putRecord, setCodings), which
// journals them; the layer only says where a record lives.
type records struct{ tx *bolt.Tx }

// recs is the storage layer over a transaction of s.view or s.update.
func recs(tx *bolt.Tx) records { return records{tx} }

// ---- segments, texts, sources

// maxSegment is the highest SegRef ever given (segments are numbered from
// 1 by the bucket's sequence, so it sizes a refSet).
func (r records) maxSegment() SegRef { return SegRef(r.tx.Bucket(bktSegments).Sequence()) }

// hasSegment tells whether a segment record is stored under ref.
func (r records) hasSegment(ref SegRef) bool {
	return r.tx.Bucket(bktSegments).Get(u64(uint64(ref))) != nil
}

// lookupSegment reads a segment record: false when there is none, an error
// when it does not read.
func (r records) lookupSegment(ref SegRef) (segmentRecord, bool, error) {
	v := r.tx.Bucket(bktSegments).Get(u64(uint64(ref)))
	if v == nil {
		return segmentRecord{}, false, nil
	}
	rec, err := decodeSegment(v)
	return rec, true, err
}

// segment reads a segment record (errCorrupt when absent or unreadable).
func (r records) segment(ref SegRef) (segmentRecord, error) {
	return decodeSegment(r.tx.Bucket(bktSegments).Get(u64(uint64(ref))))
}

// text is a segment's text, valid for the transaction's life (nil when
// absent).
// One text is one seek; a loop over many refs keeps a textReader.
func (r records) text(ref SegRef) []byte { return r.texts().get(ref) }

// putSegment rewrites a segment record, journaled (its text and indexes
// are the caller's to keep in step).
func (a *action) putSegment(ref SegRef, rec segmentRecord) error {
	return a.putRecord(bktSegments, u64(uint64(ref)), rec.encode())
}

// segmentValue is a segment record as stored, read in place by
// scanSegmentRecord (nil when absent).
func (r records) segmentValue(ref SegRef) []byte {
	return r.tx.Bucket(bktSegments).Get(u64(uint64(ref)))
}

// forwardSegments reads segment records for refs asked in rising order,
// stepping one cursor along (forward); texts() does so for texts.
func (r records) forwardSegments() *forward { return newForward(r.tx.Bucket(bktSegments)) }

// forward reads a bucket keyed by SegRef: a ref after the last one read
// steps the cursor on (a few steps, else a seek); an earlier one is
// looked up.
type forward struct {
	b    *bolt.Bucket
	c    *bolt.Cursor
	k, v []byte
	key  []byte
}

func newForward(b *bolt.Bucket) *forward { return &forward{b: b, c: b.Cursor(), key: make([]byte, 8)} }

func (f *forward) get(ref SegRef) []byte {
	binary.BigEndian.PutUint64(f.key, uint64(ref))
	if f.k == nil || bytes.Compare(f.key, f.k) < 0 {
		if f.k != nil {
			return f.b.Get(f.key)
		}
		f.k, f.v = f.c.Seek(f.key)
	}
	for steps := 0; f.k != nil && bytes.Compare(f.k, f.key) < 0; steps++ {
		if steps == 8 {
			f.k, f.v = f.c.Seek(f.key)
			break
		}
		f.k, f.v = f.c.Next()
	}
	if f.k != nil && bytes.Equal(f.k, f.key) {
		return f.v
	}
	return nil
}

// segmentCursor walks every segment record in SegRef order, handing out
// the stored values (scanSegmentRecord reads them without copying):
//
//	for k, v := c.first(); c.holds(k); k, v = c.next() { … }
//
// next and holds are inlined, so that the loop costs what a bare bbolt
// cursor loop does (see hotCursors in records_codings.go).
type segmentCursor struct{ c *bolt.Cursor }

func (r records) segments() *segmentCursor { return &segmentCursor{r.tx.Bucket(bktSegments).Cursor()} }

// segKey is a segments key as stored: SegRef(8). (The cursor hands out
// key and value as two results: a struct of two slices is not kept in
// registers, and the walk cost half as much again.)
type segKey []byte

func (k segKey) ref() SegRef { return SegRef(getU64(k)) }

func (c *segmentCursor) first() (segKey, []byte) {
	k, v := c.c.First()
	return segKey(k), v
}

func (c *segmentCursor) next() (segKey, []byte) {
	k, v := c.c.Next()
	return segKey(k), v
}

func (c *segmentCursor) holds(k segKey) bool { return k != nil }

// eachSegmentOf calls fn for every segment of a source, in import order:
// the run its record holds (schema 5), or the bysource index of an older
// file (a merge reads older copies as they are). The source is one already
// read (readSources, findSource): its record, whose context may be large,
// is not decoded again.
func (r records) eachSegmentOf(src *Source, fn func(SegRef)) {
	if by := r.tx.Bucket(bktBySource); by != nil {
		prefix := u64(uint64(src.ID))
		c := by.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			fn(SegRef(getU64(k[8:])))
		}
		return
	}
	if !src.run.within(r.tx.Bucket(bktSegments).Sequence()) {
		return // check reports it
	}
	src.run.each(fn)
}

// source reads one source's record (false: none, or it does not read).
func (r records) source(id SourceID) (Source, bool) {
	sr, ok := r.sourceRecord(id)
	if !ok {
		return Source{}, false
	}
	return sr.source(id), true
}

// segmentsOf and segmentsOfCase list a source's segments in import order
// and a case's in SegRef order.
func (r records) segmentsOf(src *Source) []SegRef {
	var out []SegRef
	r.eachSegmentOf(src, func(ref SegRef) { out = append(out, ref) })
	return out
}

func (r records) segmentsOfCase(id CaseID) []SegRef {
	var out []SegRef
	r.eachSegmentOfCase(id, func(ref SegRef) bool {
		out = append(out, ref)
		return true
	})
	return out
}

// firstOfSource and firstOfCase are the first segment of a source or a
// case (0: none), by the bysource and bycase indexes.
func (r records) firstOfSource(id SourceID) SegRef {
	if r.tx.Bucket(bktBySource) != nil {
		return r.firstOf(bktBySource, uint64(id))
	}
	src, ok := r.source(id)
	if !ok || !src.run.within(r.tx.Bucket(bktSegments).Sequence()) {
		return 0
	}
	return src.run.start()
}
func (r records) firstOfCase(id CaseID) SegRef { return r.firstOf(bktByCase, uint64(id)) }

func (r records) firstOf(index []byte, id uint64) SegRef {
	prefix := u64(id)
	k, _ := r.tx.Bucket(index).Cursor().Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != 16 {
		return 0
	}
	return SegRef(getU64(k[8:]))
}

// eachSegmentOfCase calls fn for every segment of a case, in SegRef order
// (the bycase index's runs), while it returns true.
func (r records) eachSegmentOfCase(id CaseID, fn func(SegRef) bool) {
	prefix := u64(uint64(id))
	c := r.tx.Bucket(bktByCase).Cursor()
	// A run reaching past the highest segment number ever given does not
	// read either: a damaged length would have the walk call fn for up to
	// 2^64 numbers that are no segments.
	given := r.tx.Bucket(bktSegments).Sequence()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		n, ok := caseRunLen(v)
		if !ok || len(k) != 16 {
			continue // check reports it
		}
		first := SegRef(getU64(k[8:]))
		if first == 0 || n > given || uint64(first)-1 > given-n {
			continue // check reports it
		}
		for i := range SegRef(n) {
			if !fn(first + i) {
				return
			}
		}
	}
}

// hasSource tells whether a source record is stored under id.
func (r records) hasSource(id SourceID) bool {
	return r.tx.Bucket(bktSources).Get(u64(uint64(id))) != nil
}

// sources reads every source record, in SourceID order.
func (r records) sources() ([]Source, error) {
	var out []Source
	err := r.tx.Bucket(bktSources).ForEach(func(k, v []byte) error {
		var rec sourceRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return errorf(errCorrupt, "source %d", getU64(k))
		}
		out = append(out, rec.source(SourceID(getU64(k))))
		return nil
	})
	return out, err
}

// sourceRecord reads a source's stored record (false when it is absent
// or does not read).
func (r records) sourceRecord(id SourceID) (sourceRecord, bool) {
	var rec sourceRecord
	err := json.Unmarshal(r.tx.Bucket(bktSources).Get(u64(uint64(id))), &rec)
	return rec, err == nil
}

// putSourceRecord rewrites a source's record, journaled.
func (a *action) putSourceRecord(id SourceID, rec sourceRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return a.putRecord(bktSources, u64(uint64(id)), v)
}

// storedSegment is a segment record with its SegRef.
type storedSegment struct {
	ref SegRef
	rec segmentRecord
}

// sourceSegments lists a source's segment records in import order.
func (r records) sourceSegments(src *Source) ([]storedSegment, error) {
	var out []storedSegment
	segs := r.tx.Bucket(bktSegments)
	var err error
	r.eachSegmentOf(src, func(ref SegRef) {
		if err != nil {
			return
		}
		rec, derr := decodeSegment(segs.Get(u64(uint64(ref))))
		if derr != nil {
			err = fmt.Errorf("segment %d: %w", ref, derr)
			return
		}
		out = append(out, storedSegment{ref, rec})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- interned strings

// interned is the id of an interned string (strix), if it was ever
// interned.
func (r records) interned(s string) (uint64, bool) {
	v := r.tx.Bucket(bktStrIx).Get([]byte(s))
	if v == nil {
		return 0, false
	}
	return getU64(v), true
}

// strIndex searches the interned strings by prefix (strix is sorted).
type strIndex struct {
	b *bolt.Bucket
	c *bolt.Cursor
}

func (r records) strIndex() strIndex {
	b := r.tx.Bucket(bktStrIx)
	return strIndex{b, b.Cursor()}
}

// startsWith tells whether some interned string starts with prefix.
func (x strIndex) startsWith(prefix []byte) bool {
	k, _ := x.c.Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// id is the id of the interned string s, when it reads.
func (x strIndex) id(s []byte) (uint64, bool) {
	v := x.b.Get(s)
	if len(v) != 8 {
		return 0, false
	}
	return getU64(v), true
}

// ---- cases and coders

// maxCase is the highest CaseID ever given.
func (r records) maxCase() CaseID { return CaseID(r.tx.Bucket(bktCases).Sequence()) }

// caseRecord reads a case record (errCorrupt when absent or unreadable).
func (r records) caseRecord(id CaseID) (caseRecord, error) {
	return decodeCase(r.tx.Bucket(bktCases).Get(u64(uint64(id))))
}

// hasCase tells whether a case record is stored under id.
func (r records) hasCase(id CaseID) bool { return r.tx.Bucket(bktCases).Get(u64(uint64(id))) != nil }

// lookupCase reads a case record: false when there is none, an error when
// it does not read.
func (r records) lookupCase(id CaseID) (caseRecord, bool, error) {
	v := r.tx.Bucket(bktCases).Get(u64(uint64(id)))
	if v == nil {
		return caseRecord{}, false, nil
	}
	rec, err := decodeCase(v)
	return rec, true, err
}

// eachCase calls fn with every case record as stored, in CaseID order,
// while it returns true.
func (r records) eachCase(fn func(id CaseID, value []byte) bool) {
	c := r.tx.Bucket(bktCases).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if !fn(CaseID(getU64(k)), v) {
			return
		}
	}
}

// hasCaseNamed tells whether a case of that (stored) name exists.
func (r records) hasCaseNamed(name string) bool {
	return r.tx.Bucket(bktCaseName).Get([]byte(name)) != nil
}

// caseNamed is the case stored under a name.
func (r records) caseNamed(name string) (CaseID, bool) { return r.caseNames().get(name) }

// caseEntry is the case stored under a name; an entry that is there but
// does not read as an id is not skipped (getU64 fails on it, the guard
// reports damage).
func (r records) caseEntry(name string) (CaseID, bool) {
	v := r.tx.Bucket(bktCaseName).Get([]byte(name))
	if v == nil {
		return 0, false
	}
	return CaseID(getU64(v)), true
}

// caseSegments counts a case's segments, stopping at the first (it tells
// whether the case has any).
func (r records) caseSegments(id CaseID) int {
	return countPrefix(r.tx.Bucket(bktByCase), u64(uint64(id)), 1)
}

// caseNameIndex is the casename index, held by code that looks up many
// names in one transaction (case finding in imports).
type caseNameIndex struct{ b *bolt.Bucket }

func (r records) caseNames() caseNameIndex { return caseNameIndex{r.tx.Bucket(bktCaseName)} }

// get is the case stored under a name.
func (x caseNameIndex) get(name string) (CaseID, bool) {
	v := x.b.Get([]byte(name))
	if len(v) != 8 {
		return 0, false
	}
	return CaseID(getU64(v)), true
}

// each calls fn with every stored name whose entry reads, in byte order.
func (x caseNameIndex) each(fn func(name string)) {
	_ = x.b.ForEach(func(k, v []byte) error {
		if len(v) == 8 {
			fn(string(k))
		}
		return nil
	})
}

// eachCaseName calls fn with every case's stored name, in byte order.
func (r records) eachCaseName(fn func(name string)) {
	_ = r.tx.Bucket(bktCaseName).ForEach(func(k, _ []byte) error {
		fn(string(k))
		return nil
	})
}

// hasCode tells whether a code record is stored under id.
func (r records) hasCode(id CodeID) bool { return r.tx.Bucket(bktCodes).Get(u64(uint64(id))) != nil }

// addCase stores a new case under the next CaseID, journaled; its name
// entry is written with the action's other index entries.
func (a *action) addCase(name string) (CaseID, error) {
	seq, err := a.tx.Bucket(bktCases).NextSequence()
	if err != nil {
		return 0, err
	}
	// Both records are new: the number was never given, and the caller
	// found no case of that name (an import makes tens of thousands).
	r := caseRecord{name: name}
	if err := a.putNewRecord(bktCases, u64(seq), r.encode(), false); err != nil {
		return 0, err
	}
	if err := a.putNewRecord(bktCaseName, []byte(name), u64(seq), true); err != nil {
		return 0, err
	}
	return CaseID(seq), nil
}

// putCase rewrites a case record, journaled.
func (a *action) putCase(id CaseID, r caseRecord) error {
	return a.putRecord(bktCases, u64(uint64(id)), r.encode())
}

// deleteCase removes a case record and its name entry, journaled. A case
// made by this action has its name entry still queued: the queue is
// written first, so that the entry is there to remove.
func (a *action) deleteCase(id CaseID, name string) error {
	if len(a.pending[string(bktCaseName)]) > 0 {
		if err := a.flushLater(); err != nil {
			return err
		}
	}
	a.casesDeleted++
	if err := a.putRecord(bktCaseName, []byte(name), nil); err != nil {
		return err
	}
	return a.putRecord(bktCases, u64(uint64(id)), nil)
}

// caseSegments is records.caseSegments inside an action.
func (a *action) caseSegments(id CaseID) int { return recs(a.tx).caseSegments(id) }

// ---- codes

// eachCode calls fn with every code record as stored, in CodeID order,
// until it fails.
func (r records) eachCode(fn func(id CodeID, value []byte) error) error {
	return r.tx.Bucket(bktCodes).ForEach(func(k, v []byte) error { return fn(CodeID(getU64(k)), v) })
}

// nextCodeID takes the next CodeID from the codes bucket's sequence.
func (r records) nextCodeID() (uint64, error) { return r.tx.Bucket(bktCodes).NextSequence() }

// storeCode writes a code record unjournaled: a new project's codebook,
// its starting point.
func (r records) storeCode(c *Code) error {
	return r.tx.Bucket(bktCodes).Put(u64(uint64(c.ID)), c.encode())
}

// putCode writes a code record, journaled.
func (a *action) putCode(c *Code) error {
	return a.putRecord(bktCodes, u64(uint64(c.ID)), c.encode())
}

// deleteCode removes a code record, journaled.
func (a *action) deleteCode(id CodeID) error { return a.putRecord(bktCodes, u64(uint64(id)), nil) }

// maxCoder is the highest CoderID ever given.
func (r records) maxCoder() CoderID { return CoderID(r.tx.Bucket(bktCoders).Sequence()) }

// coderNamed is the coder stored under a name.
func (r records) coderNamed(name string) (CoderID, bool) {
	v := r.tx.Bucket(bktCoderName).Get([]byte(name))
	if v == nil {
		return 0, false
	}
	return CoderID(getU64(v)), true
}

// coderName is a coder's name ("" when unknown).
func (r records) coderName(id CoderID) string {
	return string(r.tx.Bucket(bktCoders).Get(u64(uint64(id))))
}

// addCoder stores a new coder under the next CoderID. Coders are not
// journaled: an undone action leaves its actor's name behind.
func (r records) addCoder(name string) (CoderID, error) {
	b := r.tx.Bucket(bktCoders)
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	if err := b.Put(u64(seq), []byte(name)); err != nil {
		return 0, err
	}
	if err := r.tx.Bucket(bktCoderName).Put([]byte(name), u64(seq)); err != nil {
		return 0, err
	}
	return CoderID(seq), nil
}

// eachCoder calls fn with every coder, in CoderID order, until it fails.
func (r records) eachCoder(fn func(id CoderID, name string) error) error {
	return r.tx.Bucket(bktCoders).ForEach(func(k, v []byte) error {
		return fn(CoderID(getU64(k)), string(v))
	})
}

// ---- settled decisions (an optional bucket, made by the first Settle)

var bktSettled = []byte("settled")

func settledKey(seg SegRef, code CodeID) []byte {
	k := make([]byte, 12)
	binary.BigEndian.PutUint64(k, uint64(seg))
	binary.BigEndian.PutUint32(k[8:], uint32(code))
	return k
}

// settlement reads the decision recorded for a segment and item.
func (r records) settlement(seg SegRef, code CodeID) (Settlement, bool, error) {
	b := r.tx.Bucket(bktSettled)
	if b == nil {
		return Settlement{}, false, nil
	}
	v := b.Get(settledKey(seg, code))
	if v == nil {
		return Settlement{}, false, nil
	}
	var rec settlementRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return Settlement{}, false, errorf(errCorrupt, "settlement of segment %d, code %d", seg, code)
	}
	return Settlement{By: rec.By, At: time.UnixMilli(rec.At).UTC(), Kind: rec.Kind, Coder: rec.Coder, Audit: rec.Audit}, true, nil
}

// eachSettled calls fn with every decided (segment, item), skipping keys
// of the wrong length (`qcode check` names them), until fn fails.
func (r records) eachSettled(fn func(SegRef, CodeID) error) error {
	b := r.tx.Bucket(bktSettled)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) != 12 {
			continue
		}
		if err := fn(SegRef(getU64(k)), CodeID(binary.BigEndian.Uint32(k[8:]))); err != nil {
			return err
		}
	}
	return nil
}

// putSettlement records a decision in the action (journaled), making the
// optional bucket on first use.
func (a *action) putSettlement(seg SegRef, code CodeID, rec settlementRecord) error {
	if _, err := a.tx.CreateBucketIfNotExists(bktSettled); err != nil {
		return err
	}
	v, _ := json.Marshal(rec)
	return a.putRecord(bktSettled, settledKey(seg, code), v)
}

// readSources and refsNamed are sources and segmentsNamed for callers
// holding the transaction.
func readSources(tx *bolt.Tx) ([]Source, error) { return recs(tx).sources() }
func refsNamed(tx *bolt.Tx, id string) []SegRef { return recs(tx).segmentsNamed(id) }

// ---- counts and places

// recordCounts counts the records of the families Info shows (memos: on
// codings and on targets).
func (r records) recordCounts() (sources, segments, cases, memos int) {
	sources = r.tx.Bucket(bktSources).Stats().KeyN
	segments = r.tx.Bucket(bktSegments).Stats().KeyN
	cases = r.tx.Bucket(bktCases).Stats().KeyN
	memos = r.tx.Bucket(bktMemos).Stats().KeyN
	if b := r.tx.Bucket(bktTargetMemos); b != nil {
		memos += b.Stats().KeyN
	}
	return
}

// bktPlaces: coder name → SegRef(8). The first SetPlace makes it. It is not
// in allBuckets, which Open requires: files written before it have no such
// bucket, and must open as they are.
var bktPlaces = []byte("places")

// place is the segment recorded as coder's place (false when none reads).
func (r records) place(coder string) (SegRef, bool) {
	b := r.tx.Bucket(bktPlaces)
	if b == nil {
		return 0, false
	}
	v := b.Get([]byte(coder))
	if len(v) != 8 {
		return 0, false
	}
	return SegRef(getU64(v)), true
}

// setPlace records coder's place, making the optional bucket on first
// use. A place is not journaled (not an action).
func (r records) setPlace(coder string, seg SegRef) error {
	b, err := r.tx.CreateBucketIfNotExists(bktPlaces)
	if err != nil {
		return err
	}
	return b.Put([]byte(coder), u64(uint64(seg)))
}
