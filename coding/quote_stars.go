package coding

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// starWalkThreshold is the number of codings in scope above which stars
// are found by one sequential walk of the codings bucket rather than one
// lookup per coding: a lookup costs about 2 µs, a walked key about 60 ns,
// so the walk of a 5,000,000-coding project (~0.3 s) pays off beyond some
// 150,000 lookups.
var starWalkThreshold = 150_000

// starLookup tells whether a coding is starred. Stars live only in the
// codings bucket's values; there is no index of them, because they are few
// and change with every key press.
type starLookup struct {
	codings *bolt.Bucket
	set     map[codingKey]bool // every starred coding of the codes in scope, when walked
}

// newStarLookup prepares star lookups for the codings of ids, choosing a
// walk or lookups by how many codings the maintained tallies say there are.
func newStarLookup(tx *bolt.Tx, ids []CodeID) *starLookup {
	l := &starLookup{codings: tx.Bucket(bktCodings)}
	if scopeCodings(tx, ids) <= starWalkThreshold {
		return l
	}
	inScope := map[CodeID]bool{}
	for _, id := range ids {
		inScope[id] = true
	}
	l.set = map[codingKey]bool{}
	c := l.codings.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) > 8 && v[8]&flagStarred != 0 && len(k) == codingKeyLen {
			if key := parseCodingKey(k); inScope[key.Code] {
				l.set[key] = true
			}
		}
	}
	return l
}

func (l *starLookup) starred(k codingKey) bool {
	if l.set != nil {
		return l.set[k]
	}
	_, starred := decodeCodingValue(l.codings.Get(k.bytes()))
	return starred
}

// scopeCodings sums the maintained tallies of the codes in ids.
func scopeCodings(tx *bolt.Tx, ids []CodeID) int {
	n := 0
	c := tx.Bucket(bktCounts).Cursor()
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
