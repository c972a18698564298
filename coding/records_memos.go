package coding

import (
	"bytes"
	"encoding/binary"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The memos family of the storage layer (see records.go): targetmemos,
// each author's memo on a segment, source, case or code and the project
// journal's entries. (A coding's memo lives beside the coding: codingTable.)
// A memo's key is an opaque token outside this file: memoKey makes one,
// parseMemoKey reads one.

// memoKeyLen is kind(1) | target(8) | author(4).
const memoKeyLen = 13

func memoKey(kind byte, target uint64, author CoderID) []byte {
	k := make([]byte, memoKeyLen)
	k[0] = kind
	binary.BigEndian.PutUint64(k[1:], target)
	binary.BigEndian.PutUint32(k[9:], uint32(author))
	return k
}

// memoPrefix addresses every author's memo on one target.
func memoPrefix(kind byte, target uint64) []byte { return memoKey(kind, target, 0)[:9] }

func parseMemoKey(k []byte) (kind byte, target uint64, author CoderID, ok bool) {
	if len(k) != memoKeyLen {
		return 0, 0, 0, false
	}
	if _, known := memoKindOf[k[0]]; !known {
		return 0, 0, 0, false
	}
	return k[0], binary.BigEndian.Uint64(k[1:]), CoderID(binary.BigEndian.Uint32(k[9:])), true
}

// memoShelf is the targetmemos bucket; b is nil in a file of schema 2 read
// without its migration (read-only), which then has no memos.
type memoShelf struct{ b *bolt.Bucket }

func (r records) memos() memoShelf { return memoShelf{r.tx.Bucket(bktTargetMemos)} }

// get is the memo stored under key (nil when none).
func (m memoShelf) get(key []byte) []byte {
	if m.b == nil {
		return nil
	}
	return m.b.Get(key)
}

// hasOn tells whether anyone has a memo on a target.
func (m memoShelf) hasOn(kind byte, id uint64) bool {
	return m.b != nil && hasPrefix(m.b, memoPrefix(kind, id))
}

// hasKind tells whether there is any memo of a kind.
func (m memoShelf) hasKind(kind byte) bool { return m.b != nil && hasPrefix(m.b, []byte{kind}) }

// firstOn is the author of the first memo on a target.
func (m memoShelf) firstOn(kind byte, id uint64) (CoderID, bool) {
	if m.b == nil {
		return 0, false
	}
	prefix := memoPrefix(kind, id)
	k, _ := m.b.Cursor().Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return 0, false
	}
	_, _, author, _ := parseMemoKey(k)
	return author, true
}

// each calls fn with every memo, in key order (kind, target, author),
// until it fails.
func (m memoShelf) each(fn func(key, value []byte) error) error {
	if m.b == nil {
		return nil
	}
	return m.b.ForEach(fn)
}

// eachOfKind calls fn with the key of every memo of a kind, in key order
// (journal entries: by time), while it returns true.
func (m memoShelf) eachOfKind(kind byte, fn func(key []byte) bool) {
	if m.b == nil {
		return
	}
	c := m.b.Cursor()
	for k, _ := c.Seek([]byte{kind}); k != nil && k[0] == kind; k, _ = c.Next() {
		if !fn(k) {
			return
		}
	}
}

// memoEntry is one author's memo on a target, as stored.
type memoEntry struct {
	author CoderID
	value  []byte
}

// on lists every author's memo on a target (values copied).
func (m memoShelf) on(kind byte, id uint64) []memoEntry {
	if m.b == nil {
		return nil
	}
	var out []memoEntry
	prefix := memoPrefix(kind, id)
	c := m.b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		_, _, author, _ := parseMemoKey(k)
		out = append(out, memoEntry{author, slices.Clone(v)})
	}
	return out
}

// hasMemos and memosOn are hasOn and on for callers holding the
// transaction.
func hasMemos(tx *bolt.Tx, kind byte, id uint64) bool { return recs(tx).memos().hasOn(kind, id) }
func memosOn(tx *bolt.Tx, kind byte, id uint64) []memoEntry {
	return recs(tx).memos().on(kind, id)
}

// putMemo writes (value nil: deletes) the memo under key, journaled.
func (a *action) putMemo(key, value []byte) error { return a.putRecord(bktTargetMemos, key, value) }
