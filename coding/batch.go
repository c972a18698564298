package coding

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// Writes inside one bbolt transaction are kept in memory until commit, and a
// node only splits then; keys put in random order into a large transaction
// make every put move the rest of an ever-growing node (quadratic). So bulk
// writes here go to each bucket in key order: codings through setCodings,
// other records through later/flushLater.

// codingChange sets a coding to a state; nil removes it.
type codingChange struct {
	key   codingKey
	after *codingState
}

// setCoding changes one coding and journals the change.
func (a *action) setCoding(k codingKey, st *codingState) error {
	return a.setCodings([]codingChange{{k, st}})
}

// setCodings applies changes (a later change to the same key wins), keeping
// bycode, bycoder, memos and the tallies in step, and journals each change
// that changed something.
func (a *action) setCodings(changes []codingChange) error {
	ops, err := writeCodings(a.tx, changes, nil)
	a.ops = append(a.ops, ops...)
	return err
}

// setCodingsKnown is setCodings for a caller that already read each key's
// state in the store (a bulk import's overlay): known returns it.
func (a *action) setCodingsKnown(changes []codingChange, known func(codingKey) *codingState) error {
	ops, err := writeCodings(a.tx, changes, known)
	a.ops = append(a.ops, ops...)
	return err
}

type putDel struct {
	key []byte
	put bool
}

// writeCodings is setCodings without the journal (undo and redo use it).
// known, when not nil, gives each key's state in the store before the batch.
func writeCodings(tx *bolt.Tx, changes []codingChange, known func(codingKey) *codingState) ([]op, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	// Sort (stably, so that of two changes to one key the later stays last)
	// and keep the last change of each key. The key's fields compare in the
	// order of its bytes: no key is built per comparison (millions in a
	// merge or a large import).
	sorted := slices.Clone(changes)
	slices.SortStableFunc(sorted, func(a, b codingChange) int { return a.key.compare(b.key) })
	uniq := sorted[:0]
	for i, c := range sorted {
		if i+1 < len(sorted) && sorted[i+1].key == c.key {
			continue
		}
		uniq = append(uniq, c)
	}

	codings, memos := tx.Bucket(bktCodings), tx.Bucket(bktMemos)
	var ops []op
	for _, c := range uniq {
		var before *codingState
		if known != nil {
			before = known(c.key)
		} else {
			var err error
			if before, err = readCoding(tx, c.key); err != nil {
				return nil, err
			}
		}
		if (before == nil && c.after == nil) || (before != nil && c.after != nil && *before == *c.after) {
			continue
		}
		ops = append(ops, op{kind: opCoding, key: c.key, before: before, after: c.after})
	}
	if len(ops) == 0 {
		return nil, nil
	}

	// How many codings each (segment, code, coder) has before and after, for
	// the tallies; counted before writing, because seeking in a bucket
	// emptied by this transaction walks every emptied node.
	type trio struct {
		seg   SegRef
		code  CodeID
		coder CoderID
	}
	trios := map[trio]*[2]int{}
	for _, o := range ops {
		t := trio{o.key.Seg, o.key.Code, o.key.Coder}
		n := trios[t]
		if n == nil {
			before := countPrefix(codings, segCodeCoderPrefix(t.seg, t.code, t.coder), math.MaxInt)
			n = &[2]int{before, before}
			trios[t] = n
		}
		switch {
		case o.before == nil && o.after != nil:
			n[1]++
		case o.before != nil && o.after == nil:
			n[1]--
		}
	}

	var byCode, byCoder []putDel
	arena := make([]byte, 0, 3*codingKeyLen*len(ops)) // every key of the batch in one allocation
	for _, o := range ops {
		arena = o.key.appendBytes(arena)
		key := arena[len(arena)-codingKeyLen:]
		if o.after == nil {
			if err := codings.Delete(key); err != nil {
				return nil, err
			}
		} else if err := codings.Put(key, o.after.value()); err != nil {
			return nil, err
		}
		newMemo, oldMemo := "", ""
		if o.after != nil {
			newMemo = o.after.Memo
		}
		if o.before != nil {
			oldMemo = o.before.Memo
		}
		if newMemo != "" {
			if err := memos.Put(key, []byte(newMemo)); err != nil {
				return nil, err
			}
		} else if oldMemo != "" {
			if err := memos.Delete(key); err != nil {
				return nil, err
			}
		}
		if (o.before == nil) != (o.after == nil) {
			put := o.after != nil
			arena = o.key.appendByCode(arena)
			byCode = append(byCode, putDel{arena[len(arena)-codingKeyLen:], put})
			arena = o.key.appendByCoder(arena)
			byCoder = append(byCoder, putDel{arena[len(arena)-codingKeyLen:], put})
		}
	}
	for _, w := range []struct {
		bucket []byte
		list   []putDel
	}{{bktByCode, byCode}, {bktByCoder, byCoder}} {
		if err := applyIndex(tx.Bucket(w.bucket), w.bucket, w.list); err != nil {
			return nil, err
		}
	}

	type tally struct{ codings, segments int64 }
	deltas := map[[2]uint32]*tally{}
	get := func(code CodeID, coder CoderID) *tally {
		k := [2]uint32{uint32(code), uint32(coder)}
		t := deltas[k]
		if t == nil {
			t = &tally{}
			deltas[k] = t
		}
		return t
	}
	for _, o := range ops {
		switch {
		case o.before == nil && o.after != nil:
			get(o.key.Code, o.key.Coder).codings++
		case o.before != nil && o.after == nil:
			get(o.key.Code, o.key.Coder).codings--
		}
	}
	for t, n := range trios {
		switch {
		case n[1] > 0 && n[0] == 0:
			get(t.code, t.coder).segments++
		case n[1] == 0 && n[0] > 0:
			get(t.code, t.coder).segments--
		}
	}
	keys := make([][2]uint32, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y [2]uint32) int {
		if c := cmp.Compare(x[0], y[0]); c != 0 {
			return c
		}
		return cmp.Compare(x[1], y[1])
	})
	for _, k := range keys {
		d := deltas[k]
		if err := addCounts(tx, CodeID(k[0]), CoderID(k[1]), d.codings, d.segments); err != nil {
			return nil, err
		}
	}
	return ops, nil
}

// applyIndex is applySorted for an index of the codings: an entry a
// removed coding should have and has not means the index does not match the
// records, and the write stops there (its transaction is rolled back).
func applyIndex(b *bolt.Bucket, name []byte, list []putDel) error {
	slices.SortFunc(list, func(x, y putDel) int { return bytes.Compare(x.key, y.key) })
	c := b.Cursor()
	for _, w := range list {
		if w.put {
			if err := b.Put(w.key, nil); err != nil {
				return err
			}
			continue
		}
		if k, _ := c.Seek(w.key); !bytes.Equal(k, w.key) {
			return errorf(errCorrupt, "%s has no entry %x for a coding being removed", name, w.key)
		}
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

func applySorted(b *bolt.Bucket, list []putDel) error {
	slices.SortFunc(list, func(x, y putDel) int { return bytes.Compare(x.key, y.key) })
	for _, w := range list {
		var err error
		if w.put {
			err = b.Put(w.key, nil)
		} else {
			err = b.Delete(w.key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addCounts adds to the tally of one code and coder.
func addCounts(tx *bolt.Tx, code CodeID, coder CoderID, codings, segments int64) error {
	if codings == 0 && segments == 0 {
		return nil
	}
	b := tx.Bucket(bktCounts)
	key := countKey(code, coder)
	var n, segs int64
	v := b.Get(key)
	if v != nil {
		if len(v) != 16 {
			return errorf(errCorrupt, "the tally of code %d, coder %d has the value %x", code, coder, short(v))
		}
		n, segs = int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:]))
	}
	// A tally counts codings, and the segments among them: never below
	// zero, never more segments than codings, both zero or neither.
	sound := func(n, segs int64) bool { return n >= 0 && segs >= 0 && segs <= n && (n == 0) == (segs == 0) }
	if !sound(n, segs) || !sound(n+codings, segs+segments) {
		return errorf(errCorrupt, "the tally of code %d, coder %d (%d codings on %d segments) would become %d on %d",
			code, coder, n, segs, n+codings, segs+segments)
	}
	n, segs = n+codings, segs+segments
	if n == 0 {
		return b.Delete(key)
	}
	out := make([]byte, 16)
	binary.BigEndian.PutUint64(out, uint64(n))
	binary.BigEndian.PutUint64(out[8:], uint64(segs))
	return b.Put(key, out)
}

// later queues a raw put (value nil: delete) for flushLater, which writes
// each bucket's queue in key order.
func (a *action) later(bucket, key, value []byte) {
	if a.pending == nil {
		a.pending = map[string][]rec{}
	}
	a.pending[string(bucket)] = append(a.pending[string(bucket)], rec{bucket, key, value})
}

func (a *action) flushLater() error {
	names := make([]string, 0, len(a.pending))
	for n := range a.pending {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := putSorted(a.tx, a.pending[n]); err != nil {
			return err
		}
	}
	a.pending = nil
	return nil
}

// putSorted writes records in bucket and key order (nil value: delete).
func putSorted(tx *bolt.Tx, recs []rec) error {
	sort.SliceStable(recs, func(i, j int) bool {
		if c := bytes.Compare(recs[i].bucket, recs[j].bucket); c != 0 {
			return c < 0
		}
		return bytes.Compare(recs[i].key, recs[j].key) < 0
	})
	for _, r := range recs {
		b := tx.Bucket(r.bucket)
		if b == nil {
			return errorf(errCorrupt, "no bucket %q", r.bucket)
		}
		var err error
		if r.value == nil {
			err = b.Delete(r.key)
		} else {
			err = b.Put(r.key, r.value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// bulkGC lets a bulk action (an import, a merge) run with the garbage
// collector at a quarter of its usual frequency: bbolt keeps a large
// transaction's nodes on the heap, and scanning them again and again cost a
// fifth of a million-coding import. The user's own GOGC is left alone. It
// returns the function that restores the setting.
func bulkGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(400)
	return func() { debug.SetGCPercent(old) }
}
