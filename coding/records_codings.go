package coding

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// The codings family of the storage layer (see records.go): the codings
// table (key order: segment, code, coder, span) with its memos, the bycode
// and bycoder indexes holding the same codings in other orders, and the
// counts tallies.

// ---- the codings table

// codingTable is the codings bucket and the memos kept under the same keys.
type codingTable struct{ b, memos *bolt.Bucket }

func (r records) codings() codingTable {
	return codingTable{r.tx.Bucket(bktCodings), r.tx.Bucket(bktMemos)}
}

// starred tells whether a coding is stored and starred.
func (t codingTable) starred(k codingKey) bool {
	_, starred := decodeCodingValue(t.b.Get(k.bytes()))
	return starred
}

// state reads a coding's time, star and memo (nil when absent).
func (t codingTable) state(k codingKey) *codingState {
	key := k.bytes()
	v := t.b.Get(key)
	if v == nil {
		return nil
	}
	tm, starred := decodeCodingValue(v)
	return &codingState{Time: tm, Starred: starred, Memo: string(t.memos.Get(key))}
}

// stateFrom is a coding's state from the value a walk read (v nil: looked
// up); an absent coding reads as unstarred, at time 0, without a memo.
func (t codingTable) stateFrom(k codingKey, v []byte) codingState {
	key := k.bytes()
	if v == nil {
		v = t.b.Get(key)
	}
	tm, starred := decodeCodingValue(v)
	return codingState{Time: tm, Starred: starred, Memo: string(t.memos.Get(key))}
}

// stamp is a coding's time (Unix ms) and star (0, false when absent).
func (t codingTable) stamp(k codingKey) (int64, bool) { return decodeCodingValue(t.b.Get(k.bytes())) }

// eachMemo calls fn with every coding memo, in key order, until it fails.
// A key that is not a coding key is skipped, or with strict is an error.
func (t codingTable) eachMemo(strict bool, fn func(k codingKey, memo []byte) error) error {
	return t.memos.ForEach(func(k, v []byte) error {
		if len(k) != codingKeyLen {
			if strict {
				return errorf(errCorrupt, "a coding memo's key %x", short(k))
			}
			return nil
		}
		return fn(parseCodingKey(k), v)
	})
}

// memoBytes is the memo stored with a coding, as stored (nil when none).
func (t codingTable) memoBytes(k codingKey) []byte { return t.memos.Get(k.bytes()) }

// rowMemo is the memo stored with a row of the table ("" when none).
func (t codingTable) rowMemo(k storedKey) string { return string(t.memos.Get(k)) }

// memo is the memo stored with a coding ("" when none).
func (t codingTable) memo(k codingKey) string { return string(t.memos.Get(k.bytes())) }

// hotCursors: the walks over millions of keys (the codings table, bycode,
// bycoder, segments) are cursors used as
//
//	for row := c.first(); c.holds(row); row = c.next() { … }
//
// whose next and holds the compiler inlines: next is bbolt's Next and
// nothing else, holds a length and prefix test, so that the loop costs
// what the bare bbolt loop it replaced did. (A next that also tested the
// row could not be inlined: a call per row cost a tenth more on a
// report's bycode walk; batches of rows filled inside the layer still
// cost 7–30 % more. Measured A/B in one process, docs/design-notes.md.)
// Rows are the stored keys and values, valid for the transaction's life.

// cursor walks the table in key order.
func (t codingTable) cursor() *codingCursor { return &codingCursor{c: t.b.Cursor()} }

// codingCursor walks the codings table: all of it (first) or one
// segment's codings (seek).
type codingCursor struct {
	c      *bolt.Cursor
	prefix []byte // walking one segment: its key prefix
}

func (c *codingCursor) first() (storedKey, storedValue) {
	c.prefix = nil
	k, v := c.c.First()
	return storedKey(k), storedValue(v)
}

// seek starts a walk of one segment's codings.
func (c *codingCursor) seek(seg SegRef) (storedKey, storedValue) {
	c.prefix = segPrefix(seg)
	k, v := c.c.Seek(c.prefix)
	return storedKey(k), storedValue(v)
}

func (c *codingCursor) next() (storedKey, storedValue) {
	k, v := c.c.Next()
	return storedKey(k), storedValue(v)
}

// holds tells whether a key is one of the walk's.
func (c *codingCursor) holds(k storedKey) bool {
	return k != nil && (c.prefix == nil || bytes.HasPrefix(k, c.prefix))
}

// storedKey and storedValue are a coding as stored, decoded field by field
// when asked. (Two results, not a struct of both: a struct of two slices
// is not kept in registers, and the walk cost half as much again.)
type storedKey []byte

func (k storedKey) key() codingKey { return parseCodingKey(k) }
func (k storedKey) seg() SegRef    { return SegRef(getU64(k)) }

// wellFormed tells whether the key has the coding key's length (`qcode
// check` names the others).
func (k storedKey) wellFormed() bool { return len(k) == codingKeyLen }

type storedValue []byte

// stamp is the coding's time (Unix ms) and star.
func (v storedValue) stamp() (int64, bool) { return decodeCodingValue(v) }

// starred tells whether the stored value has the star.
func (v storedValue) starred() bool { return len(v) > 8 && v[8]&flagStarred != 0 }

// memoCursor reads the memos of codings met in key order, stepping a
// second cursor along with the walk instead of looking each one up.
type memoCursor struct {
	c    *bolt.Cursor
	k, v []byte
}

func (t codingTable) memosInOrder() *memoCursor {
	m := &memoCursor{c: t.memos.Cursor()}
	m.k, m.v = m.c.First()
	return m
}

// of is the memo of row, which must not come before the previous row.
func (m *memoCursor) of(k storedKey) string {
	for m.k != nil && bytes.Compare(m.k, k) < 0 {
		m.k, m.v = m.c.Next()
	}
	if m.k != nil && bytes.Equal(m.k, k) {
		return string(m.v)
	}
	return ""
}

// codingAt reads a coding's state (nil when absent).
func codingAt(tx *bolt.Tx, k codingKey) *codingState {
	st, _ := readCoding(tx, k)
	return st
}

// readCoding is codingAt for a write, which must not build on a value that
// does not read.
func readCoding(tx *bolt.Tx, k codingKey) (*codingState, error) {
	key := k.bytes()
	v := tx.Bucket(bktCodings).Get(key)
	if v == nil {
		return nil, nil
	}
	var err error
	if len(v) != 9 || v[8]&^flagStarred != 0 {
		err = errorf(errCorrupt, "coding %x has the value %x", key, short(v))
	}
	t, starred := decodeCodingValue(v)
	return &codingState{Time: t, Starred: starred, Memo: string(tx.Bucket(bktMemos).Get(key))}, err
}

func hasPrefix(b *bolt.Bucket, prefix []byte) bool {
	k, _ := b.Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// countPrefix counts keys with prefix, stopping at limit.
func countPrefix(b *bolt.Bucket, prefix []byte, limit int) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n < limit; k, _ = c.Next() {
		n++
	}
	return n
}

// segCodings lists the codings on a segment (all coders).
func segCodings(tx *bolt.Tx, seg SegRef) []codingKey {
	var out []codingKey
	c := tx.Bucket(bktCodings).Cursor()
	prefix := segPrefix(seg)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, parseCodingKey(k))
	}
	return out
}

// segCoderCodings lists one coder's codings of one code on a segment.
func segCoderCodings(tx *bolt.Tx, seg SegRef, code CodeID, coder CoderID) []codingKey {
	var out []codingKey
	prefix := segCodeCoderPrefix(seg, code, coder)
	c := tx.Bucket(bktCodings).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, parseCodingKey(k))
	}
	return out
}

// ---- the bycode index

// byCodeCursor walks one code's codings in bycode, in segment order (see
// hotCursors). Comparing the code as a number, not bytes.HasPrefix, saves
// a tenth of a full report; the walk ends at a key of another code or of
// the wrong length.
type byCodeCursor struct {
	c    *bolt.Cursor
	code uint32
}

func (r records) byCode() *byCodeCursor { return &byCodeCursor{c: r.tx.Bucket(bktByCode).Cursor()} }

func (c *byCodeCursor) seek(code CodeID) codeRow {
	c.code = uint32(code)
	k, _ := c.c.Seek(u32(uint32(code)))
	return codeRow(k)
}

func (c *byCodeCursor) next() codeRow {
	k, _ := c.c.Next()
	return codeRow(k)
}

func (c *byCodeCursor) holds(k codeRow) bool {
	return len(k) == codingKeyLen && binary.BigEndian.Uint32(k) == c.code
}

// byCodeWalk walks every key of bycode (code, then segment). A key of the
// wrong length is handed out too: the walk's loop skips it (wellFormed),
// `qcode check` names it.
type byCodeWalk struct{ c *bolt.Cursor }

func (r records) byCodeAll() *byCodeWalk { return &byCodeWalk{r.tx.Bucket(bktByCode).Cursor()} }

func (w *byCodeWalk) first() codeRow {
	k, _ := w.c.First()
	return codeRow(k)
}

func (w *byCodeWalk) next() codeRow {
	k, _ := w.c.Next()
	return codeRow(k)
}

func (w *byCodeWalk) holds(k codeRow) bool { return k != nil }

// codeRow is a bycode key: CodeID(4) | SegRef(8) | CoderID(4) | span(8).
type codeRow []byte

// wellFormed tells whether the key has the coding key's length.
func (r codeRow) wellFormed() bool { return len(r) == codingKeyLen }

func (r codeRow) code() CodeID   { return CodeID(binary.BigEndian.Uint32(r)) }
func (r codeRow) seg() SegRef    { return SegRef(binary.BigEndian.Uint64(r[4:])) }
func (r codeRow) coder() CoderID { return CoderID(binary.BigEndian.Uint32(r[12:])) }
func (r codeRow) key() codingKey { return parseByCodeKey(r) }

// walkByCode calls fn for every coding of one code (not its descendants).
func walkByCode(tx *bolt.Tx, code CodeID, fn func(codingKey)) {
	prefix := u32(uint32(code))
	c := tx.Bucket(bktByCode).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		fn(parseByCodeKey(k))
	}
}

// ---- the bycoder index

// byCoderCursor walks one coder's codings in bycoder, in segment order:
// all of them (seek) or those of one segment (seekSegment); see
// hotCursors.
type byCoderCursor struct {
	c      *bolt.Cursor
	prefix []byte
}

func (r records) byCoder() *byCoderCursor {
	return &byCoderCursor{c: r.tx.Bucket(bktByCoder).Cursor(), prefix: make([]byte, 0, 12)}
}

func (c *byCoderCursor) seek(coder CoderID) coderRow {
	c.prefix = binary.BigEndian.AppendUint32(c.prefix[:0], uint32(coder))
	k, _ := c.c.Seek(c.prefix)
	return coderRow(k)
}

func (c *byCoderCursor) seekSegment(coder CoderID, seg SegRef) coderRow {
	c.prefix = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(c.prefix[:0], uint32(coder)), uint64(seg))
	k, _ := c.c.Seek(c.prefix)
	return coderRow(k)
}

func (c *byCoderCursor) next() coderRow {
	k, _ := c.c.Next()
	return coderRow(k)
}

func (c *byCoderCursor) holds(k coderRow) bool {
	return len(k) == codingKeyLen && bytes.HasPrefix(k, c.prefix)
}

// coderRow is a bycoder key: CoderID(4) | SegRef(8) | CodeID(4) | span(8).
type coderRow []byte

func (r coderRow) seg() SegRef    { return SegRef(binary.BigEndian.Uint64(r[4:])) }
func (r coderRow) code() CodeID   { return CodeID(binary.BigEndian.Uint32(r[12:])) }
func (r coderRow) key() codingKey { return parseByCoderKey(r) }

// walkByCoder calls fn for every coding of one coder, in segment order,
// decoding only what agreement needs.
func walkByCoder(tx *bolt.Tx, coder CoderID, fn func(SegRef, CodeID)) {
	c := tx.Bucket(bktByCoder).Cursor()
	for k, _ := c.Seek(u32(uint32(coder))); len(k) == codingKeyLen && CoderID(binary.BigEndian.Uint32(k)) == coder; k, _ = c.Next() {
		fn(SegRef(binary.BigEndian.Uint64(k[4:])), CodeID(binary.BigEndian.Uint32(k[12:])))
	}
}

// hasCodings tells whether a coder has any coding (bycoder).
func (r records) hasCodings(coder CoderID) bool {
	return countPrefix(r.tx.Bucket(bktByCoder), u32(uint32(coder)), 1) > 0
}

// ---- tallies

// eachTally calls fn with every maintained tally: a code's codings and
// coded segments by one coder.
func (r records) eachTally(fn func(code CodeID, coder CoderID, codings, segments int)) {
	_ = r.tx.Bucket(bktCounts).ForEach(func(k, v []byte) error {
		fn(CodeID(binary.BigEndian.Uint32(k)), CoderID(binary.BigEndian.Uint32(k[4:])),
			int(binary.BigEndian.Uint64(v)), int(binary.BigEndian.Uint64(v[8:])))
		return nil
	})
}

// codingsOf sums the maintained tallies (every coder's codings) of the
// codes in ids.
func (r records) codingsOf(ids []CodeID) int {
	n := 0
	c := r.tx.Bucket(bktCounts).Cursor()
	for _, id := range ids {
		prefix := u32(uint32(id))
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(v) >= 8 {
				n += int(binary.BigEndian.Uint64(v))
			}
		}
	}
	return n
}
