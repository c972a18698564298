package coding

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"qcode/coding/agreement"
	"qcode/corpus"
)

// A review mark is a coder's "reviewed, nothing applies" on a segment: the
// coder read it and no code fits. A segment is *reviewed* by a coder who
// coded it with anything or marked it; agreement is computed on the
// segments every compared coder reviewed (agree.go), so that a segment one
// coder was never given is not counted as a disagreement.
//
//	marks:    SegRef(8) | CoderID(4) → time(8), unix milliseconds
//	bymarker: CoderID(4) | SegRef(8) → nil, a coder's marks in segment order
//
// Both came with schema 2. A mark is changed through the journal as two
// record operations (the mark and its index entry), so undo and redo
// restore it exactly. A coder's mark and codings on one segment do not
// normally stand together: marking a segment the coder has coded is
// refused, and applying a code (by key, by a codings import, by a merge)
// takes the coder's mark there away. Codes win over a mark.

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

// Mark is a coder's review mark on a segment.
type Mark struct {
	Seg       SegRef
	Coder     CoderID
	CoderName string
	Time      time.Time
}

// SetReviewed marks a segment "reviewed, nothing applies" for coder (on),
// or takes the mark away, as one undoable action of coder. Marking a
// segment the coder has coded is refused with ErrConflict: remove the
// codes first. Setting what is already there changes nothing (Seq 0).
func (s *Store) SetReviewed(coder string, seg SegRef, on bool) (ActionResult, error) {
	desc := "mark reviewed, nothing applies"
	if !on {
		desc = "unmark reviewed"
	}
	return s.act(coder, desc, func(a *action) error {
		if a.tx.Bucket(bktSegments).Get(u64(uint64(seg))) == nil {
			return errorf(ErrNotFound, "segment %d", seg)
		}
		if on && hasPrefix(a.tx.Bucket(bktByCoder), coderSegPrefix(a.coder, seg)) {
			return errorf(ErrConflict, "you coded this segment: a review mark says nothing applies (remove your codes first)")
		}
		return a.setMark(seg, a.coder, on, time.Now().UnixMilli())
	})
}

// coderSegPrefix addresses one coder's codings of one segment in bycoder.
func coderSegPrefix(coder CoderID, seg SegRef) []byte { return byMarkerKey(coder, seg) }

// setMark puts or removes a mark and its index entry, journaled. It reads
// what it replaces and refuses a mark or index entry that does not read.
func (a *action) setMark(seg SegRef, coder CoderID, on bool, when int64) error {
	key, ix := markKey(seg, coder), byMarkerKey(coder, seg)
	old := a.tx.Bucket(bktMarks).Get(key)
	if old != nil && len(old) != 8 {
		return errorf(errCorrupt, "the mark of segment %d, coder %d has the value %x", seg, coder, short(old))
	}
	switch {
	case on && old != nil, !on && old == nil:
		return nil
	case !on && a.tx.Bucket(bktByMarker).Get(ix) == nil:
		return errorf(errCorrupt, "bymarker has no entry %x for a mark being removed", ix)
	}
	var val, ixVal []byte
	if on {
		val, ixVal = u64(uint64(when)), []byte{}
	}
	if err := a.putRecord(bktMarks, key, val); err != nil {
		return err
	}
	return a.putRecord(bktByMarker, ix, ixVal)
}

// clearMark takes coder's mark off a segment the coder has just coded.
func (a *action) clearMark(seg SegRef, coder CoderID) error {
	return a.setMark(seg, coder, false, 0)
}

// readMarks lists the marks on a segment by coders (nil: every coder).
// A project without the marks bucket (a schema-1 copy) has none.
func (s *Store) readMarks(tx *bolt.Tx, seg SegRef, coders []CoderID) []Mark {
	b := tx.Bucket(bktMarks)
	if b == nil {
		return nil
	}
	var out []Mark
	prefix := segPrefix(seg)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != markKeyLen {
			continue
		}
		_, coder := parseMarkKey(k)
		if coders != nil && !containsCoder(coders, coder) {
			continue
		}
		m := Mark{Seg: seg, Coder: coder, CoderName: s.coderName(tx, coder)}
		if len(v) == 8 {
			m.Time = time.UnixMilli(int64(getU64(v)))
		}
		out = append(out, m)
	}
	return out
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

// reviewedBits fills set with the segments coder reviewed: coded with
// anything (the bycoder index) or marked (bymarker). It is what agreement
// counts per coder.
func reviewedBits(tx *bolt.Tx, coder CoderID, set agreement.Bitset) {
	walkByCoder(tx, coder, func(seg SegRef, _ CodeID) {
		if int(seg) < len(set)*64 {
			set.Set(int(seg))
		}
	})
	walkMarks(tx, coder, func(seg SegRef) {
		if int(seg) < len(set)*64 {
			set.Set(int(seg))
		}
	})
}

// reviewedByAll is the set of segments that every one of coders reviewed
// (coded with anything or marked "nothing applies"): the default units of
// agreement, and what consensus may count as "every compared coder saw
// it". With no coders it is empty. One walk of two indexes per coder.
func reviewedByAll(tx *bolt.Tx, coders []CoderID) agreement.Bitset {
	size := int(tx.Bucket(bktSegments).Sequence()) + 1
	var out agreement.Bitset
	for i, coder := range coders {
		set := agreement.NewBitset(size)
		reviewedBits(tx, coder, set)
		if i == 0 {
			out = set
			continue
		}
		out.And(set)
	}
	if out == nil {
		out = agreement.NewBitset(size)
	}
	return out
}

// reviewersOf lists the coders who reviewed one segment (coded it with
// anything, or marked it), each once, in coder-number order: a
// per-segment view of reviewedByAll for code that walks segments.
func reviewersOf(tx *bolt.Tx, seg SegRef) []CoderID {
	seen := map[CoderID]bool{}
	for _, k := range segCodings(tx, seg) {
		seen[k.Coder] = true
	}
	if b := tx.Bucket(bktMarks); b != nil {
		prefix := segPrefix(seg)
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) == markKeyLen {
				_, coder := parseMarkKey(k)
				seen[coder] = true
			}
		}
	}
	out := make([]CoderID, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sortCoderIDs(out)
	return out
}

func sortCoderIDs(ids []CoderID) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

// Reviewed returns the segments that every named coder reviewed: coded
// with anything or marked "reviewed, nothing applies". With one coder it is
// that coder's progress; with the compared coders, the units agreement
// uses by default.
func (s *Store) Reviewed(coders []string) (RefSet, error) {
	var out RefSet
	err := s.view(func(tx *bolt.Tx) error {
		ids, err := s.coderIDs(tx, coders)
		if err != nil {
			return err
		}
		out = RefSet(reviewedByAll(tx, ids))
		return nil
	})
	return out, err
}

// Marked returns the segments coder marked "reviewed, nothing applies"
// (empty for a coder unknown here).
func (s *Store) Marked(coder string) (RefSet, error) {
	var out RefSet
	err := s.view(func(tx *bolt.Tx) error {
		out = newRefSet(SegRef(tx.Bucket(bktSegments).Sequence()))
		if id, ok := s.coderID(tx, coder); ok {
			walkMarks(tx, id, func(seg SegRef) { out.Set(seg, true) })
		}
		return nil
	})
	return out, err
}

// markedSegments counts the segments among refs that carry any mark
// (stopping at the first when limit is 1).
func markedSegments(tx *bolt.Tx, refs []uint64, limit int) int {
	b := tx.Bucket(bktMarks)
	if b == nil {
		return 0
	}
	n := 0
	for _, ref := range refs {
		if hasPrefix(b, segPrefix(SegRef(ref))) {
			n++
			if n == limit {
				break
			}
		}
	}
	return n
}

// liftedReviews are the review marks and sample places of a source's
// segments, by segment ID, lifted off while `import --replace` swaps the
// source for its new import.
type liftedReviews struct {
	marks   map[string][]Mark     // segment ID → its marks
	samples map[string][]string   // sample → the segment IDs it held
	infos   map[string]sampleInfo // sample → its description
	rest    map[string][]SegRef   // sample → its other segments
}

// liftReviews takes the marks of refs away and their places out of every
// sample, journaled, remembering them by segment ID.
func (a *action) liftReviews(refs []SegRef) (*liftedReviews, error) {
	out := &liftedReviews{marks: map[string][]Mark{}, samples: map[string][]string{},
		infos: map[string]sampleInfo{}, rest: map[string][]SegRef{}}
	segs := a.tx.Bucket(bktSegments)
	ids := make(map[SegRef]string, len(refs))
	for _, ref := range refs {
		rec, err := decodeSegment(segs.Get(u64(uint64(ref))))
		if err != nil {
			return nil, err
		}
		ids[ref] = rec.id
		for _, m := range a.s.readMarks(a.tx, ref, nil) {
			out.marks[rec.id] = append(out.marks[rec.id], m)
			if err := a.clearMark(ref, m.Coder); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range sampleNames(a.tx) {
		info, members, err := readSample(a.tx, name)
		if err != nil {
			return nil, err
		}
		var kept []SegRef
		for _, r := range members {
			if id, ok := ids[r]; ok {
				out.samples[name] = append(out.samples[name], id)
			} else {
				kept = append(kept, r)
			}
		}
		if len(kept) == len(members) {
			continue
		}
		out.infos[name], out.rest[name] = info, kept
		if err := a.putRecord(bktSamples, []byte(name), encodeSample(info, kept)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// restoreReviews puts lifted marks and sample places back on the new
// import's segments of the same ID; those whose ID is gone are dropped,
// and the action's notes say how many.
func (a *action) restoreReviews(src *corpus.Source, refs []SegRef) error {
	l := a.lifted
	a.lifted = nil
	if l == nil {
		return nil
	}
	byID := make(map[string]SegRef, len(refs))
	for i, seg := range src.Segments {
		byID[seg.ID] = refs[i]
	}
	dropped := 0
	for id, marks := range l.marks {
		ref, ok := byID[id]
		if !ok {
			dropped += len(marks)
			continue
		}
		for _, m := range marks {
			if hasPrefix(a.tx.Bucket(bktByCoder), coderSegPrefix(m.Coder, ref)) {
				continue // coded there now (codes win)
			}
			if err := a.setMark(ref, m.Coder, true, m.Time.UnixMilli()); err != nil {
				return err
			}
		}
	}
	if dropped > 0 {
		a.notes = append(a.notes, fmt.Sprintf("%s dropped (their segments are gone)", plural(dropped, "review mark")))
	}
	names := make([]string, 0, len(l.samples))
	for name := range l.samples {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		members, gone := l.rest[name], 0
		for _, id := range l.samples[name] {
			if ref, ok := byID[id]; ok {
				members = append(members, ref)
			} else {
				gone++
			}
		}
		slices.Sort(members)
		var v []byte
		if len(members) > 0 {
			v = encodeSample(l.infos[name], members)
		}
		if err := a.putRecord(bktSamples, []byte(name), v); err != nil {
			return err
		}
		switch {
		case len(members) == 0:
			a.notes = append(a.notes, fmt.Sprintf("sample %s deleted (none of its segments is left)", name))
		case gone > 0:
			a.notes = append(a.notes, fmt.Sprintf("%s left sample %s (gone from the file)", plural(gone, "segment"), name))
		}
	}
	return nil
}

// mergeMarks brings an incoming copy's review marks into a merge, after its
// codings, keeping the rule that codes win over a mark: a mark here goes
// when the merge brought codes of its coder onto its segment, and an
// incoming mark on a segment its coder has coded here is not brought. A
// copy of schema 1 has no marks.
func (a *action) mergeMarks(otx *bolt.Tx, opts MergeOptions, segMap map[SegRef]segMatch, fm *FileMerge) error {
	s := a.s
	// Marks here of the coders this file brought codings for.
	for name, n := range fm.Added {
		id, ok := s.coderID(a.tx, name)
		if n == 0 || !ok {
			continue
		}
		var gone []SegRef
		walkMarks(a.tx, id, func(seg SegRef) {
			if hasPrefix(a.tx.Bucket(bktByCoder), coderSegPrefix(id, seg)) {
				gone = append(gone, seg)
			}
		})
		for _, seg := range gone {
			if err := a.clearMark(seg, id); err != nil {
				return err
			}
			fm.MarksRemoved++
		}
	}
	in := otx.Bucket(bktMarks)
	if in == nil {
		return nil
	}
	names := map[CoderID]CoderID{}
	c := in.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != markKeyLen || len(v) != 8 {
			return errorf(errCorrupt, "an incoming review mark %x does not read", short(k))
		}
		oseg, ocoder := parseMarkKey(k)
		match, ok := segMap[oseg]
		if !ok {
			fm.MarksDropped++
			continue
		}
		coder, ok := names[ocoder]
		if !ok {
			name := string(otx.Bucket(bktCoders).Get(u64(uint64(ocoder))))
			if to, renamed := opts.Rename[name]; renamed {
				name = to
			}
			_, known := s.coderID(a.tx, name)
			var err error
			if coder, err = s.ensureCoder(a.tx, name); err != nil {
				return fmt.Errorf("review mark of coder %q: %w", corpus.Excerpt(name), err)
			}
			if !known {
				fm.NewCoders = append(fm.NewCoders, name)
			}
			names[ocoder] = coder
		}
		switch {
		case hasPrefix(a.tx.Bucket(bktByCoder), coderSegPrefix(coder, match.ref)):
			fm.MarksSkipped++
		case a.tx.Bucket(bktMarks).Get(markKey(match.ref, coder)) != nil:
		default:
			if err := a.setMark(match.ref, coder, true, int64(getU64(v))); err != nil {
				return err
			}
			if fm.Marks == nil {
				fm.Marks = map[string]int{}
			}
			fm.Marks[s.coderName(a.tx, coder)]++
		}
	}
	return nil
}
