package coding

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// The reviews family of the storage layer (see records.go): marks,
// SegRef(8) | CoderID(4) → time(8), bymarker, the same by coder, and
// samples, name → description and segments. A project of schema 1 read
// without migration has none of them: it has no marks and no samples.

const markKeyLen = 12

func markKey(seg SegRef, coder CoderID) []byte {
	k := make([]byte, markKeyLen)
	binary.BigEndian.PutUint64(k, uint64(seg))
	binary.BigEndian.PutUint32(k[8:], uint32(coder))
	return k
}

func byMarkerKey(coder CoderID, seg SegRef) []byte {
	k := make([]byte, markKeyLen)
	binary.BigEndian.PutUint32(k, uint32(coder))
	binary.BigEndian.PutUint64(k[4:], uint64(seg))
	return k
}

func parseMarkKey(k []byte) (SegRef, CoderID) {
	return SegRef(binary.BigEndian.Uint64(k)), CoderID(binary.BigEndian.Uint32(k[8:]))
}

// coderSegPrefix addresses one coder's codings of one segment in bycoder.
func coderSegPrefix(coder CoderID, seg SegRef) []byte { return byMarkerKey(coder, seg) }

// coded tells whether a coder has any coding on a segment (bycoder).
func (r records) coded(coder CoderID, seg SegRef) bool {
	return hasPrefix(r.tx.Bucket(bktByCoder), coderSegPrefix(coder, seg))
}

// markValue is a mark as stored (nil when none).
func (r records) markValue(seg SegRef, coder CoderID) []byte {
	b := r.tx.Bucket(bktMarks)
	if b == nil {
		return nil
	}
	return b.Get(markKey(seg, coder))
}

// hasMarkerEntry tells whether bymarker holds a mark's index entry.
func (r records) hasMarkerEntry(coder CoderID, seg SegRef) bool {
	b := r.tx.Bucket(bktByMarker)
	return b != nil && b.Get(byMarkerKey(coder, seg)) != nil
}

// putMark writes (value nil: removes) a mark and its index entry,
// journaled as two record operations.
func (a *action) putMark(seg SegRef, coder CoderID, value []byte) error {
	var ix []byte
	if value != nil {
		ix = []byte{}
	}
	if err := a.putRecord(bktMarks, markKey(seg, coder), value); err != nil {
		return err
	}
	return a.putRecord(bktByMarker, byMarkerKey(coder, seg), ix)
}

// storedMark is one stored mark.
type storedMark struct{ k, v []byte }

// wellFormed tells whether key and value have their lengths.
func (m storedMark) wellFormed() bool { return len(m.k) == markKeyLen && len(m.v) == 8 }
func (m storedMark) seg() SegRef      { return SegRef(binary.BigEndian.Uint64(m.k)) }
func (m storedMark) coder() CoderID   { return CoderID(binary.BigEndian.Uint32(m.k[8:])) }
func (m storedMark) when() int64      { return int64(getU64(m.v)) }
func (m storedMark) key() []byte      { return m.k }

// eachMark calls fn with every mark, in segment order, until it fails.
func (r records) eachMark(fn func(storedMark) error) error {
	b := r.tx.Bucket(bktMarks)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := fn(storedMark{k, v}); err != nil {
			return err
		}
	}
	return nil
}

// eachMarkOn calls fn with every mark on a segment whose key reads, in
// coder order.
func (r records) eachMarkOn(seg SegRef, fn func(storedMark)) {
	b := r.tx.Bucket(bktMarks)
	if b == nil {
		return
	}
	prefix := segPrefix(seg)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) == markKeyLen {
			fn(storedMark{k, v})
		}
	}
}

// hasMarkOn tells whether anyone marked a segment.
func (r records) hasMarkOn(seg SegRef) bool {
	b := r.tx.Bucket(bktMarks)
	return b != nil && hasPrefix(b, segPrefix(seg))
}

// anyMarks tells whether anyone marked anything.
func (r records) anyMarks() bool {
	b := r.tx.Bucket(bktMarks)
	if b == nil {
		return false
	}
	k, _ := b.Cursor().First()
	return k != nil
}

// hasMarks tells whether a coder marked anything.
func (r records) hasMarks(coder CoderID) bool {
	b := r.tx.Bucket(bktByMarker)
	return b != nil && hasPrefix(b, u32(uint32(coder)))
}

// walkMarks calls fn for every segment one coder marked, in segment order.
func walkMarks(tx *bolt.Tx, coder CoderID, fn func(SegRef)) {
	b := tx.Bucket(bktByMarker)
	if b == nil {
		return
	}
	prefix := u32(uint32(coder))
	c := b.Cursor()
	for k, _ := c.Seek(prefix); len(k) == markKeyLen && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		fn(SegRef(binary.BigEndian.Uint64(k[4:])))
	}
}

// sampleValue is a sample as stored (nil when none).
func (r records) sampleValue(name string) []byte {
	b := r.tx.Bucket(bktSamples)
	if b == nil {
		return nil
	}
	return b.Get([]byte(name))
}

// eachSample calls fn with every sample, in name order, until it fails.
func (r records) eachSample(fn func(name string, value []byte) error) error {
	b := r.tx.Bucket(bktSamples)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error { return fn(string(k), v) })
}

// putSample writes (value nil: deletes) a sample, journaled.
func (a *action) putSample(name string, value []byte) error {
	return a.putRecord(bktSamples, []byte(name), value)
}
