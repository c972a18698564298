package coding

import (
	"cmp"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// mergeView is the project's codings as the files merged so far in one
// merge have left them; every file's changes are written together, in one
// sorted batch, when the last file is read. Written file by file, a second
// file's puts landed in the middle of the nodes the first file's sorted
// puts had grown in the same transaction (bbolt splits nodes only at
// commit), moving the rest of a node on every put: two copies of 200,000
// codings took 125 s where merging them one at a time took 3 s.
type mergeView struct {
	tx      *bolt.Tx
	pending []codingChange // sorted by key, one per key (a later file's wins)
}

// at is a coding's state: as an earlier file left it, else as stored.
func (v *mergeView) at(k codingKey) *codingState {
	i, ok := slices.BinarySearchFunc(v.pending, k, func(c codingChange, k codingKey) int { return c.key.compare(k) })
	if ok {
		return v.pending[i].after
	}
	return codingAt(v.tx, k)
}

// segCodings lists the codings on a segment (all coders), in key order.
func (v *mergeView) segCodings(seg SegRef) []codingKey {
	stored := segCodings(v.tx, seg)
	i, _ := slices.BinarySearchFunc(v.pending, seg, func(c codingChange, s SegRef) int { return cmp.Compare(c.key.Seg, s) })
	j := i
	for j < len(v.pending) && v.pending[j].key.Seg == seg {
		j++
	}
	if i == j {
		return stored
	}
	var out []codingKey
	pend := v.pending[i:j]
	for len(stored) > 0 || len(pend) > 0 {
		switch {
		case len(pend) == 0 || (len(stored) > 0 && stored[0].compare(pend[0].key) < 0):
			out = append(out, stored[0])
			stored = stored[1:]
		default:
			if len(stored) > 0 && stored[0] == pend[0].key {
				stored = stored[1:]
			}
			if pend[0].after != nil {
				out = append(out, pend[0].key)
			}
			pend = pend[1:]
		}
	}
	return out
}

// add takes one file's changes in (of two changes to a key, the later
// wins, as in setCodings).
func (v *mergeView) add(changes []codingChange) {
	slices.SortStableFunc(changes, func(a, b codingChange) int { return a.key.compare(b.key) })
	uniq := changes[:0]
	for i, c := range changes {
		if i+1 < len(changes) && changes[i+1].key == c.key {
			continue
		}
		uniq = append(uniq, c)
	}
	if len(v.pending) == 0 {
		v.pending = uniq
		return
	}
	out := make([]codingChange, 0, len(v.pending)+len(uniq))
	old := v.pending
	for len(old) > 0 || len(uniq) > 0 {
		switch {
		case len(uniq) == 0:
			out, old = append(out, old...), nil
		case len(old) == 0:
			out, uniq = append(out, uniq...), nil
		default:
			switch c := old[0].key.compare(uniq[0].key); {
			case c < 0:
				out, old = append(out, old[0]), old[1:]
			case c > 0:
				out, uniq = append(out, uniq[0]), uniq[1:]
			default:
				out, old, uniq = append(out, uniq[0]), old[1:], uniq[1:]
			}
		}
	}
	v.pending = out
}
