package coding

import (
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
// takes the coder's mark there away. Codes win over a mark. The records
// are read and written through the storage layer (records_marks.go).

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
		rs := recs(a.tx)
		if !rs.hasSegment(seg) {
			return errorf(ErrNotFound, "segment %d", seg)
		}
		if on && rs.coded(a.coder, seg) {
			return errorf(ErrConflict, "you coded this segment: a review mark says nothing applies (remove your codes first)")
		}
		return a.setMark(seg, a.coder, on, time.Now().UnixMilli())
	})
}

// setMark puts or removes a mark and its index entry, journaled. It reads
// what it replaces and refuses a mark or index entry that does not read.
func (a *action) setMark(seg SegRef, coder CoderID, on bool, when int64) error {
	rs := recs(a.tx)
	old := rs.markValue(seg, coder)
	if old != nil && len(old) != 8 {
		return errorf(errCorrupt, "the mark of segment %d, coder %d has the value %x", seg, coder, short(old))
	}
	switch {
	case on && old != nil, !on && old == nil:
		return nil
	case !on && !rs.hasMarkerEntry(coder, seg):
		return errorf(errCorrupt, "bymarker has no entry %x for a mark being removed", byMarkerKey(coder, seg))
	}
	var val []byte
	if on {
		val = u64(uint64(when))
	}
	return a.putMark(seg, coder, val)
}

// clearMark takes coder's mark off a segment the coder has just coded.
func (a *action) clearMark(seg SegRef, coder CoderID) error {
	return a.setMark(seg, coder, false, 0)
}

// readMarks lists the marks on a segment by coders (nil: every coder).
// A project without the marks bucket (a schema-1 copy) has none.
func (s *Store) readMarks(tx *bolt.Tx, seg SegRef, coders []CoderID) []Mark {
	var out []Mark
	recs(tx).eachMarkOn(seg, func(row storedMark) {
		coder := row.coder()
		if coders != nil && !containsCoder(coders, coder) {
			return
		}
		m := Mark{Seg: seg, Coder: coder, CoderName: s.coderName(tx, coder)}
		if row.wellFormed() {
			m.Time = time.UnixMilli(row.when())
		}
		out = append(out, m)
	})
	return out
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
	size := int(recs(tx).maxSegment()) + 1
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
	recs(tx).eachMarkOn(seg, func(row storedMark) { seen[row.coder()] = true })
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
		out = newRefSet(recs(tx).maxSegment())
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
	rs := recs(tx)
	n := 0
	for _, ref := range refs {
		if rs.hasMarkOn(SegRef(ref)) {
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
	rs := recs(a.tx)
	ids := make(map[SegRef]string, len(refs))
	for _, ref := range refs {
		rec, err := rs.segment(ref)
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
			if recs(a.tx).coded(m.Coder, ref) {
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
			if recs(a.tx).coded(id, seg) {
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
	here, theirs := recs(a.tx), recs(otx)
	names := map[CoderID]CoderID{}
	return theirs.eachMark(func(row storedMark) error {
		if !row.wellFormed() {
			return errorf(errCorrupt, "an incoming review mark %x does not read", short(row.key()))
		}
		oseg, ocoder := row.seg(), row.coder()
		match, ok := segMap[oseg]
		if !ok {
			fm.MarksDropped++
			return nil
		}
		coder, ok := names[ocoder]
		if !ok {
			name := theirs.coderName(ocoder)
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
		case here.coded(coder, match.ref):
			fm.MarksSkipped++
		case here.markValue(match.ref, coder) != nil:
		default:
			if err := a.setMark(match.ref, coder, true, row.when()); err != nil {
				return err
			}
			if fm.Marks == nil {
				fm.Marks = map[string]int{}
			}
			fm.Marks[s.coderName(a.tx, coder)]++
		}
		return nil
	})
}
