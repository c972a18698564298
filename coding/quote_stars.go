package coding

import (
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
	codings codingTable
	set     map[codingKey]bool // every starred coding of the codes in scope, when walked
}

// newStarLookup prepares star lookups for the codings of ids, choosing a
// walk or lookups by how many codings the maintained tallies say there are.
func newStarLookup(tx *bolt.Tx, ids []CodeID) *starLookup {
	rs := recs(tx)
	l := &starLookup{codings: rs.codings()}
	if rs.codingsOf(ids) <= starWalkThreshold {
		return l
	}
	inScope := map[CodeID]bool{}
	for _, id := range ids {
		inScope[id] = true
	}
	l.set = map[codingKey]bool{}
	c := l.codings.cursor()
	for row, val := c.first(); c.holds(row); row, val = c.next() {
		if row.wellFormed() && val.starred() {
			if key := row.key(); inScope[key.Code] {
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
	return l.codings.starred(k)
}
