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
	ops, err := writeCodings(a.tx, changes)
	a.addOps(ops)
	return err
}

// addOps journals ops; a bulk action's first batch is taken as it is, not
// copied (millions of operations in a merge).
func (a *action) addOps(ops []op) {
	if len(a.ops) == 0 {
		a.ops = ops
		return
	}
	a.ops = append(a.ops, ops...)
}

type putDel struct {
	key []byte
	put bool
}

// writeCodings is setCodings without the journal (undo and redo use it),
// in phases: the last change of each key, in key order (lastChanges); the
// changes that change something, with each key's state before
// (codingOps); the tallies' changes (tallyDeltas); the writes (writeOps).
func writeCodings(tx *bolt.Tx, changes []codingChange) ([]op, error) {
	ops, err := codingOps(tx, lastChanges(changes))
	if err != nil || len(ops) == 0 {
		return nil, err
	}
	tallies := tallyDeltas(tx.Bucket(bktCodings), ops) // before writing: see tallyDeltas
	return ops, writeOps(tx, ops, tallies)
}

// writeOps writes coding operations in strict key order, and the tallies'
// changes. A merge or an import passes millions, so nothing here is kept
// per operation beyond the operation: keys are built in one scratch buffer
// (bbolt copies keys), values in one arena, and each index is written in
// its order through a permutation of the operations.
func writeOps(tx *bolt.Tx, ops []op, tallies map[[2]uint32]*tally) error {
	if len(ops) >= bulkOps {
		fillPages(tx, bktCodings, bktMemos, bktByCode, bktByCoder)
	}
	if err := putCodings(tx, ops); err != nil {
		return err
	}
	if err := putIndex(tx, bktByCode, ops, func(k codingKey) uint32 { return uint32(k.Code) }, codingKey.appendByCode); err != nil {
		return err
	}
	if err := putIndex(tx, bktByCoder, ops, func(k codingKey) uint32 { return uint32(k.Coder) }, codingKey.appendByCoder); err != nil {
		return err
	}
	return addTallies(tx, tallies)
}

// bulkOps is the size of a batch (an import, a merge, their undo) whose
// trees are written with full pages.
const bulkOps = 4096

// fillPages makes this transaction fill the pages it splits in the named
// trees to the brim rather than to bbolt's half. A bulk write adds keys in
// order, so a half-filled page would stay half empty: twice the pages to
// write and to read back. A later insert into a full page splits it as any
// insert into a full page does.
func fillPages(tx *bolt.Tx, names ...[]byte) {
	for _, name := range names {
		tx.Bucket(name).FillPercent = 1.0
	}
}

// lastChanges sorts changes by key (stably, so that of two changes to one
// key the later stays last) and keeps the last change of each key. The
// key's fields compare in the order of its bytes: no key is built per
// comparison. A batch already in strict key order (a merge's) is used as it
// is, not copied.
func lastChanges(changes []codingChange) []codingChange {
	if strictlySorted(changes) {
		return changes
	}
	sorted := slices.Clone(changes)
	slices.SortStableFunc(sorted, func(a, b codingChange) int { return a.key.compare(b.key) })
	uniq := sorted[:0]
	for i, c := range sorted {
		if i+1 < len(sorted) && sorted[i+1].key == c.key {
			continue
		}
		uniq = append(uniq, c)
	}
	return uniq
}

// strictlySorted tells whether changes are in increasing key order, no key
// twice.
func strictlySorted(changes []codingChange) bool {
	for i := 1; i < len(changes); i++ {
		if changes[i-1].key.compare(changes[i].key) >= 0 {
			return false
		}
	}
	return true
}

// codingOps reads each change's state before it and keeps the changes that
// change something, as operations in key order.
func codingOps(tx *bolt.Tx, uniq []codingChange) ([]op, error) {
	var ops []op
	for i, c := range uniq {
		before, err := readCoding(tx, c.key)
		if err != nil {
			return nil, err
		}
		if (before == nil && c.after == nil) || (before != nil && c.after != nil && *before == *c.after) {
			continue
		}
		if ops == nil {
			ops = make([]op, 0, len(uniq)-i) // grown by doubling, a merge's ops stood in memory twice
		}
		ops = append(ops, op{kind: opCoding, key: c.key, before: before, after: c.after})
	}
	return ops, nil
}

// tally is a change to the maintained count of one code by one coder.
type tally struct{ codings, segments int64 }

// tallyDeltas adds up how the batch changes each (code, coder) tally. A
// segment counts once per code and coder however many spans it has, so
// each (segment, code, coder) run of the sorted operations is compared with
// how many codings it had in the store. That is counted before writing,
// because seeking in a bucket emptied by this transaction walks every
// emptied node.
func tallyDeltas(codings *bolt.Bucket, ops []op) map[[2]uint32]*tally {
	deltas := map[[2]uint32]*tally{}
	for start := 0; start < len(ops); {
		k := ops[start].key
		t := deltas[[2]uint32{uint32(k.Code), uint32(k.Coder)}]
		if t == nil {
			t = &tally{}
			deltas[[2]uint32{uint32(k.Code), uint32(k.Coder)}] = t
		}
		delta, end := 0, start
		for ; end < len(ops) && ops[end].key.Seg == k.Seg && ops[end].key.Code == k.Code && ops[end].key.Coder == k.Coder; end++ {
			switch o := &ops[end]; {
			case o.before == nil && o.after != nil:
				delta++
			case o.before != nil && o.after == nil:
				delta--
			}
		}
		t.codings += int64(delta)
		if delta != 0 {
			before := countPrefix(codings, segCodeCoderPrefix(k.Seg, k.Code, k.Coder), math.MaxInt)
			switch after := before + delta; {
			case before == 0 && after > 0:
				t.segments++
			case before > 0 && after == 0:
				t.segments--
			}
		}
		start = end
	}
	return deltas
}

// putCodings writes the codings and their memos, in key order.
func putCodings(tx *bolt.Tx, ops []op) error {
	codings, memos := tx.Bucket(bktCodings), tx.Bucket(bktMemos)
	key := make([]byte, 0, codingKeyLen)
	values := make([]byte, 0, codingValueLen*len(ops)) // bbolt keeps values until commit
	for i := range ops {
		o := &ops[i]
		key = o.key.appendBytes(key[:0])
		if o.after == nil {
			if err := codings.Delete(key); err != nil {
				return err
			}
		} else {
			values = o.after.appendValue(values)
			if err := codings.Put(key, values[len(values)-codingValueLen:]); err != nil {
				return err
			}
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
				return err
			}
		} else if oldMemo != "" {
			if err := memos.Delete(key); err != nil {
				return err
			}
		}
	}
	return nil
}

// putIndex adds the index keys of the codings the batch adds and deletes
// those of the codings it removes, in the index's key order. An entry a
// removed coding should have and has not means the index does not match the
// records, and the write stops there (its transaction is rolled back).
//
// ops are in the codings' key order (segment, code, coder, span), and both
// indexes lead with one of the key's fields and then keep the others in
// that order (bycode: code, segment, coder, span; bycoder: coder, segment,
// code, span). So a stable counting sort of the operations by the leading
// field (lead) puts them in the index's order: no comparison sort of a
// million keys.
func putIndex(tx *bolt.Tx, name []byte, ops []op, lead func(codingKey) uint32, appendKey func(codingKey, []byte) []byte) error {
	perm := indexOrder(ops, lead)
	b := tx.Bucket(name)
	c := b.Cursor()
	key := make([]byte, 0, codingKeyLen)
	for _, i := range perm {
		key = appendKey(ops[i].key, key[:0])
		if ops[i].after != nil {
			if err := b.Put(key, nil); err != nil {
				return err
			}
			continue
		}
		if k, _ := c.Seek(key); !bytes.Equal(k, key) {
			return errorf(errCorrupt, "%s has no entry %x for a coding being removed", name, key)
		}
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// indexOrder lists the operations that add or remove a coding (not those
// that change a star or memo), stably ordered by lead.
func indexOrder(ops []op, lead func(codingKey) uint32) []int32 {
	counts := map[uint32]int32{}
	n := 0
	for i := range ops {
		if (ops[i].before == nil) != (ops[i].after == nil) {
			counts[lead(ops[i].key)]++
			n++
		}
	}
	leads := make([]uint32, 0, len(counts))
	for v := range counts {
		leads = append(leads, v)
	}
	slices.Sort(leads)
	var at int32
	for _, v := range leads {
		at, counts[v] = at+counts[v], at
	}
	perm := make([]int32, n)
	for i := range ops {
		if (ops[i].before == nil) != (ops[i].after == nil) {
			v := lead(ops[i].key)
			perm[counts[v]] = int32(i)
			counts[v]++
		}
	}
	return perm
}

// addTallies applies the tally changes in key order.
func addTallies(tx *bolt.Tx, deltas map[[2]uint32]*tally) error {
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

// reserve makes room for n more journaled records, about to be written: n
// operations, and n queued records of bucket (an import makes tens of
// thousands of cases; growing the slices a case at a time cost 20 ms).
func (a *action) reserve(n int, bucket []byte) {
	a.ops = slices.Grow(a.ops, n)
	if a.pending == nil {
		a.pending = map[string][]rec{}
	}
	a.pending[string(bucket)] = slices.Grow(a.pending[string(bucket)], n)
}

// laterAll queues records of one bucket at once.
func (a *action) laterAll(bucket []byte, recs []rec) {
	if len(recs) == 0 {
		return
	}
	if a.pending == nil {
		a.pending = map[string][]rec{}
	}
	a.pending[string(bucket)] = append(a.pending[string(bucket)], recs...)
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
	order := func(x, y rec) int {
		if c := bytes.Compare(x.bucket, y.bucket); c != 0 {
			return c
		}
		return bytes.Compare(x.key, y.key)
	}
	if !slices.IsSortedFunc(recs, order) { // an import's segment names often come in order
		slices.SortStableFunc(recs, order)
	}
	if len(recs) >= bulkOps {
		for i, r := range recs {
			if i == 0 || !bytes.Equal(r.bucket, recs[i-1].bucket) {
				if b := tx.Bucket(r.bucket); b != nil {
					b.FillPercent = 1.0 // see fillPages
				}
			}
		}
	}
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
// collector at a quarter of its usual frequency, up to a ceiling: bbolt
// keeps a large transaction's nodes on the heap, and scanning them again
// and again cost a fifth of a million-coding import. The user's own GOGC is
// left alone. It returns the function that restores the settings.
func bulkGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(400)
	// A soft ceiling keeps the heap from growing to five times what is
	// live: a million-coding import would otherwise hold 1.6 GB resident
	// (DESIGN.md's budget is 1.5 GB). The user's own GOMEMLIMIT wins.
	oldLimit := int64(-1)
	if os.Getenv("GOMEMLIMIT") == "" {
		oldLimit = debug.SetMemoryLimit(bulkHeapLimit)
	}
	return func() {
		debug.SetGCPercent(old)
		if oldLimit >= 0 {
			debug.SetMemoryLimit(oldLimit)
		}
	}
}

// bulkHeapLimit is the heap a bulk action lets grow before collecting.
const bulkHeapLimit = 1 << 30
