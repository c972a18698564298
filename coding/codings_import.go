package coding

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// A codings import applies up to millions of rows in one action. It works
// on flat slices in phases rather than on maps of a million entries:
//
//  1. resolve each row to a coding key, in file order (codes and coders
//     are created in the order the file names them);
//  2. order the keys by segment, stably (a counting sort: segment numbers
//     are dense), so that the rows of a segment sit together in file order;
//  3. plan each segment on its own: its stored codings are read once, its
//     rows applied in file order as single actions would apply them (an
//     exclusive group's level replaces the coder's others on the passages
//     it overlaps, a later row on the same key wins), and what changed
//     becomes operations in key order, with the tallies' changes;
//  4. write the operations (writeOps) and then the review marks.
//
// Every rule that binds rows to each other stays within one segment, so
// planning segment by segment gives what the rows applied one by one give.

// importKey is a resolved coding row: its key and its row's index.
type importKey struct {
	key codingKey
	row int32
}

// segCoder is one coder on one segment (what review marks are about).
type segCoder struct {
	seg   SegRef
	coder CoderID
}

// markRow is a review-mark row, resolved.
type markRow struct {
	segCoder
	when int64
}

// applyCodingRows applies rows of codings and review marks within one
// action, as a codings import does: new code paths are created, a level
// of an exclusive group replaces the coder's other levels on the passages
// it overlaps, and codes win over a review mark (a coded segment loses its
// coder's mark; a mark row on a segment its coder coded is left out). seg
// resolves row i's segment, where names row i in messages.
func (a *action) applyCodingRows(rows []codingRow, seg func(i int) (SegRef, error), where func(i int) string, out *CodingsImport) error {
	now := time.Now().UnixMilli()
	keys, marks, err := a.resolveCodingRows(rows, seg, where, now, out)
	if err != nil {
		return err
	}
	book, err := a.book()
	if err != nil {
		return err
	}
	keys = bySegment(keys)
	plan, err := planCodings(a.tx, book, rows, keys, now, out)
	if err != nil {
		return err
	}
	if err := writeOps(a.tx, plan.ops, plan.tallies); err != nil {
		return err
	}
	a.addOps(plan.ops)
	return a.applyMarks(plan.coded, marks, out)
}

// resolveCodingRows is phase 1: each coding row's key, each mark row's
// segment and coder, in file order. The first bad row fails the import.
func (a *action) resolveCodingRows(rows []codingRow, seg func(i int) (SegRef, error), where func(i int) string, now int64, out *CodingsImport) ([]importKey, []markRow, error) {
	book, err := a.book()
	if err != nil {
		return nil, nil, err
	}
	codes := map[string]CodeID{} // by the row's spelling: a file names few codes, a million times
	coders := map[string]CoderID{}
	coder := func(name string) (CoderID, error) {
		if id, ok := coders[name]; ok {
			return id, nil
		}
		id, err := a.s.ensureCoder(a.tx, name)
		coders[name] = id
		return id, err
	}
	keys := make([]importKey, 0, len(rows))
	var marks []markRow
	for i := range rows {
		row := &rows[i]
		ref, err := seg(i)
		if err != nil {
			return nil, nil, err
		}
		if row.mark {
			id, err := coder(row.coder)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", where(i), err)
			}
			when := now
			if row.when != 0 {
				when = row.when
			}
			marks = append(marks, markRow{segCoder{ref, id}, when})
			continue
		}
		code, ok := codes[row.code]
		if !ok {
			c, found := book.Lookup(row.code)
			if !found {
				id, created, err := a.ensurePath(row.code, nil)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: code %q: %w", where(i), corpus.Excerpt(row.code), err)
				}
				out.NewCodes = append(out.NewCodes, created...)
				if book, err = a.book(); err != nil {
					return nil, nil, err
				}
				c, _ = book.Code(id)
			}
			code = c.ID
			codes[row.code] = code
		}
		id, err := coder(row.coder)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", where(i), err)
		}
		if !row.span.Whole() { // the segment exists: it was resolved
			if err := checkSpan(a.tx, ref, row.span); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", where(i), err)
			}
		}
		keys = append(keys, importKey{codingKey{Seg: ref, Code: code, Coder: id, Span: row.span}, int32(i)})
	}
	return keys, marks, nil
}

// bySegment is phase 2: keys ordered by segment, file order kept within a
// segment. Segment numbers are dense, so a counting sort does it in two
// passes; keys already in segment order (an export's) are used as they are.
func bySegment(keys []importKey) []importKey {
	if len(keys) == 0 {
		return keys
	}
	lo, hi, sorted := keys[0].key.Seg, keys[0].key.Seg, true
	for i := 1; i < len(keys); i++ {
		s := keys[i].key.Seg
		sorted = sorted && s >= keys[i-1].key.Seg
		lo, hi = min(lo, s), max(hi, s)
	}
	if sorted {
		return keys
	}
	if span := uint64(hi - lo); span > 4*uint64(len(keys))+1024 {
		slices.SortStableFunc(keys, func(x, y importKey) int {
			switch {
			case x.key.Seg < y.key.Seg:
				return -1
			case x.key.Seg > y.key.Seg:
				return 1
			}
			return 0
		})
		return keys
	}
	starts := make([]int32, hi-lo+2)
	for _, k := range keys {
		starts[k.key.Seg-lo+1]++
	}
	for i := 1; i < len(starts); i++ {
		starts[i] += starts[i-1]
	}
	out := make([]importKey, len(keys))
	for _, k := range keys {
		at := &starts[k.key.Seg-lo]
		out[*at] = k
		*at++
	}
	return out
}

// codingPlan is what phase 3 decided: the operations in key order, the
// tallies' changes, and the (segment, coder) pairs the rows code, in order.
type codingPlan struct {
	ops     []op
	tallies map[[2]uint32]*tally
	coded   []segCoder
}

// planned is one coding of the segment being planned: as stored, and as
// the rows so far leave it (nil: absent).
type planned struct {
	key       codingKey
	orig, cur *codingState
}

// planCodings is phase 3 (see the top of the file). keys are in segment
// order.
func planCodings(tx *bolt.Tx, book *Codebook, rows []codingRow, keys []importKey, now int64, out *CodingsImport) (codingPlan, error) {
	plan := codingPlan{tallies: map[[2]uint32]*tally{}, ops: make([]op, 0, len(keys))}
	stored := newStoredCodings(tx)
	p := &segmentPlanner{book: book, now: now, out: out, groups: map[CodeID]map[CodeID]bool{}}
	var coders []CoderID
	for start := 0; start < len(keys); {
		seg := keys[start].key.Seg
		end := start + 1
		for end < len(keys) && keys[end].key.Seg == seg {
			end++
		}
		var err error
		if p.local, err = stored.of(seg, p.local[:0]); err != nil {
			return plan, err
		}
		p.index = nil
		coders = coders[:0]
		for _, ik := range keys[start:end] {
			p.apply(ik.key, &rows[ik.row])
			if !slices.Contains(coders, ik.key.Coder) {
				coders = append(coders, ik.key.Coder)
			}
		}
		slices.Sort(coders)
		for _, c := range coders {
			plan.coded = append(plan.coded, segCoder{seg, c})
		}
		plan.ops = planSegment(p.local, plan.ops, plan.tallies)
		start = end
	}
	return plan, nil
}

// segmentPlanner applies one segment's rows to its codings (local), in
// file order.
type segmentPlanner struct {
	book   *Codebook
	now    int64
	out    *CodingsImport
	groups map[CodeID]map[CodeID]bool // an exclusive group's levels
	slab   []codingState              // states, allocated together
	local  []planned
	index  map[codingKey]int // local's positions, once it is long
}

// apply applies one row, as a single action would: the row's star and memo
// on the coding as it is (or a new one), and, for a new level of an
// exclusive group, the coder's other levels on passages it overlaps gone.
func (p *segmentPlanner) apply(k codingKey, row *codingRow) {
	at := p.find(k)
	var have *codingState
	if at >= 0 {
		have = p.local[at].cur
	}
	next := codingState{Time: p.now}
	if row.when != 0 {
		next.Time = row.when
	}
	if have != nil {
		next = *have
	} else if g, ok := p.book.ExclusiveGroupOf(k.Code); ok {
		p.replaceLevels(g.ID, k)
	}
	if row.starred != nil {
		next.Starred = *row.starred
	}
	if row.memo != nil {
		next.Memo = *row.memo
	}
	switch {
	case have == nil:
		p.out.Added++
	case *have == next:
		p.out.Unchanged++
		return
	default:
		p.out.Updated++
	}
	st := p.state(next)
	if at >= 0 {
		p.local[at].cur = st
		return
	}
	p.local = append(p.local, planned{key: k, cur: st})
	if p.index != nil {
		p.index[k] = len(p.local) - 1
	}
}

// replaceLevels removes k.Coder's other levels of group g on the passages
// k overlaps.
func (p *segmentPlanner) replaceLevels(g CodeID, k codingKey) {
	levels := p.groups[g]
	if levels == nil {
		levels = map[CodeID]bool{}
		for _, id := range p.book.Subtree(g) {
			levels[id] = id != g
		}
		p.groups[g] = levels
	}
	for j := range p.local {
		c := &p.local[j]
		if c.cur != nil && c.key.Coder == k.Coder && c.key.Code != k.Code && levels[c.key.Code] && c.key.Span.Overlaps(k.Span) {
			c.cur = nil
			p.out.Replaced++
		}
	}
}

// find finds k among the segment's codings (-1: not there). A segment has
// a handful of codings, and a scan is quicker than a map; a segment with
// many (passages of a long text) gets a map.
func (p *segmentPlanner) find(k codingKey) int {
	if p.index == nil && len(p.local) > 32 {
		p.index = make(map[codingKey]int, 2*len(p.local))
		for i := range p.local {
			p.index[p.local[i].key] = i
		}
	}
	if p.index != nil {
		if i, ok := p.index[k]; ok {
			return i
		}
		return -1
	}
	for i := range p.local {
		if p.local[i].key == k {
			return i
		}
	}
	return -1
}

func (p *segmentPlanner) state(st codingState) *codingState {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]codingState, 0, 4096)
	}
	p.slab = append(p.slab, st)
	return &p.slab[len(p.slab)-1]
}

// planSegment appends a planned segment's changes to ops, in key order,
// and adds up the tallies' changes: a (code, coder) counts its codings,
// and the segment once if it has any.
func planSegment(local []planned, ops []op, tallies map[[2]uint32]*tally) []op {
	slices.SortFunc(local, func(x, y planned) int { return x.key.compare(y.key) })
	for start := 0; start < len(local); {
		k := local[start].key
		var before, after, end int
		for end = start; end < len(local) && local[end].key.Code == k.Code && local[end].key.Coder == k.Coder; end++ {
			p := &local[end]
			if p.orig != nil {
				before++
			}
			if p.cur != nil {
				after++
			}
			if (p.orig == nil) != (p.cur == nil) || (p.orig != nil && *p.orig != *p.cur) {
				ops = append(ops, op{kind: opCoding, key: p.key, before: p.orig, after: p.cur})
			}
		}
		if before != after {
			id := [2]uint32{uint32(k.Code), uint32(k.Coder)}
			t := tallies[id]
			if t == nil {
				t = &tally{}
				tallies[id] = t
			}
			t.codings += int64(after - before)
			switch {
			case before == 0:
				t.segments++
			case after == 0:
				t.segments--
			}
		}
		start = end
	}
	return ops
}

// storedCodings reads the stored codings of segments asked for in
// increasing order, with one cursor that moves forward.
type storedCodings struct {
	c     *bolt.Cursor
	memos *bolt.Bucket
	k, v  []byte
}

func newStoredCodings(tx *bolt.Tx) *storedCodings {
	s := &storedCodings{c: tx.Bucket(bktCodings).Cursor(), memos: tx.Bucket(bktMemos)}
	s.k, s.v = s.c.First()
	return s
}

// of appends segment seg's stored codings to local.
func (s *storedCodings) of(seg SegRef, local []planned) ([]planned, error) {
	prefix := segPrefix(seg)
	if s.k != nil && bytes.Compare(s.k[:min(8, len(s.k))], prefix) < 0 {
		s.k, s.v = s.c.Seek(prefix)
	}
	for ; s.k != nil && bytes.HasPrefix(s.k, prefix); s.k, s.v = s.c.Next() {
		if len(s.k) != codingKeyLen || len(s.v) != codingValueLen || s.v[8]&^flagStarred != 0 {
			return local, errorf(errCorrupt, "coding %x has the value %x", short(s.k), short(s.v))
		}
		t, starred := decodeCodingValue(s.v)
		st := &codingState{Time: t, Starred: starred, Memo: string(s.memos.Get(s.k))}
		local = append(local, planned{key: parseCodingKey(s.k), orig: st, cur: st})
	}
	return local, nil
}

// applyMarks is phase 4's second half. Codes win over a mark: a coded
// segment loses its coder's mark, and a mark row on a segment its coder
// has coded is left out. coded is in (segment, coder) order.
func (a *action) applyMarks(coded []segCoder, marks []markRow, out *CodingsImport) error {
	if k, _ := a.tx.Bucket(bktMarks).Cursor().First(); k != nil { // a project without marks has none to clear
		for _, sc := range coded {
			if a.tx.Bucket(bktMarks).Get(markKey(sc.seg, sc.coder)) != nil {
				out.MarksCleared++
				if err := a.clearMark(sc.seg, sc.coder); err != nil {
					return err
				}
			}
		}
	}
	for _, m := range marks {
		switch {
		case hasPrefix(a.tx.Bucket(bktByCoder), coderSegPrefix(m.coder, m.seg)):
			out.MarksSkipped++
		case a.tx.Bucket(bktMarks).Get(markKey(m.seg, m.coder)) != nil:
			out.MarksUnchanged++
		default:
			out.Marked++
			if err := a.setMark(m.seg, m.coder, true, m.when); err != nil {
				return err
			}
		}
	}
	return nil
}
