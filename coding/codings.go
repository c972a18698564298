package coding

import (
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Span is a passage within a segment's text, in rune offsets [Start, End).
// The zero Span means the whole segment.
type Span struct {
	Start, End int
}

// Whole tells whether the span is the whole segment.
func (s Span) Whole() bool { return s.Start == 0 && s.End == 0 }

// CodingKey identifies a coding: one coder's code on one passage.
type CodingKey struct {
	Seg   SegRef
	Code  CodeID
	Coder CoderID
	Span  Span
}

// Coding is a code applied by a coder to a segment or a span of it.
type Coding struct {
	CodingKey
	CoderName string
	Starred   bool   // selected as a report quote
	Memo      string // the coder's note on this coding
	Time      time.Time
}

func (k CodingKey) internal() codingKey { return codingKey(k) }

func decodeCodingValue(v []byte) (t int64, starred bool) {
	if len(v) < 9 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(v)), v[8]&flagStarred != 0
}

// checkSpan validates a span against the segment's text.
func checkSpan(tx *bolt.Tx, seg SegRef, span Span) error {
	rs := recs(tx)
	text := rs.text(seg)
	if text == nil && !rs.hasSegment(seg) {
		return errorf(ErrNotFound, "segment %d", seg)
	}
	if span.Whole() {
		return nil
	}
	n := utf8.RuneCount(text)
	if span.Start < 0 || span.End <= span.Start || span.End > n {
		return errorf(ErrInvalidInput, "span %d–%d is outside the segment's %d characters", span.Start, span.End, n)
	}
	return nil
}

// ApplyResult says what applying a code did.
type ApplyResult struct {
	ActionResult
	Applied  bool     // false when the coding was already there
	Replaced []CodeID // levels of the code's group removed from the segment
}

// Apply puts code on a segment (or a span of it) for coder, durably. In an
// exclusive code group, the coder's other levels on the passages the span
// overlaps are replaced (the whole segment overlaps them all).
func (s *Store) Apply(coder string, seg SegRef, code CodeID, span Span) (ApplyResult, error) {
	book := s.Codebook()
	c, ok := book.Code(code)
	if !ok {
		return ApplyResult{}, errorf(ErrNotFound, "code %d", code)
	}
	var out ApplyResult
	res, err := s.act(coder, "apply "+c.Path, func(a *action) error {
		var err error
		out.Applied, out.Replaced, err = a.apply(book, seg, code, span, time.Now())
		return err
	})
	out.ActionResult = res
	if err == nil && len(out.Replaced) > 0 {
		out.Notes = append(out.Notes, replacedNote(book, code, out.Replaced))
	}
	return out, err
}

// apply is Apply inside an action, shared with imports.
func (a *action) apply(book *Codebook, seg SegRef, code CodeID, span Span, when time.Time) (bool, []CodeID, error) {
	if err := checkSpan(a.tx, seg, span); err != nil {
		return false, nil, err
	}
	k := codingKey{Seg: seg, Code: code, Coder: a.coder, Span: span}
	if codingAt(a.tx, k) != nil {
		return false, nil, nil
	}
	replaced, err := a.replaceLevels(book, k)
	if err != nil {
		return false, nil, err
	}
	if err := a.clearMark(seg, a.coder); err != nil { // coded now: no longer "nothing applies"
		return false, nil, err
	}
	return true, replaced, a.setCoding(k, &codingState{Time: when.UnixMilli()})
}

// Remove takes a coding away, durably, as an action of actor.
func (s *Store) Remove(actor string, k CodingKey) (ActionResult, error) {
	c, _ := s.Codebook().Code(k.Code)
	return s.act(actor, "remove "+c.Path, func(a *action) error {
		if codingAt(a.tx, k.internal()) == nil {
			return errorf(ErrNotFound, "coding")
		}
		return a.setCoding(k.internal(), nil)
	})
}

// RemoveCode takes every one of actor's codings of code off a segment (the
// whole segment and its spans), in one action.
func (s *Store) RemoveCode(actor string, seg SegRef, code CodeID) (ActionResult, error) {
	c, ok := s.Codebook().Code(code)
	if !ok {
		return ActionResult{}, errorf(ErrNotFound, "code %d", code)
	}
	return s.act(actor, "remove "+c.Path, func(a *action) error {
		var batch []codingChange
		for _, k := range segCoderCodings(a.tx, seg, code, a.coder) {
			batch = append(batch, codingChange{k, nil})
		}
		return a.setCodings(batch)
	})
}

// Toggle is the digit key: if coder has the code anywhere on the segment, all
// of those codings go; otherwise the code is applied to the whole segment.
func (s *Store) Toggle(coder string, seg SegRef, code CodeID) (ApplyResult, error) {
	book := s.Codebook()
	c, ok := book.Code(code)
	if !ok {
		return ApplyResult{}, errorf(ErrNotFound, "code %d", code)
	}
	var out ApplyResult
	res, err := s.act(coder, "toggle "+c.Path, func(a *action) error {
		existing := segCoderCodings(a.tx, seg, code, a.coder)
		if len(existing) == 0 {
			a.desc = "apply " + c.Path
			var err error
			out.Applied, out.Replaced, err = a.apply(book, seg, code, Span{}, time.Now())
			return err
		}
		a.desc = "remove " + c.Path
		for _, k := range existing {
			if err := a.setCoding(k, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		if len(out.Replaced) > 0 {
			res.Notes = append(res.Notes, replacedNote(book, code, out.Replaced))
		}
	}
	out.ActionResult = res
	return out, err
}

// SetStar marks or unmarks a coding as a selected quote.
func (s *Store) SetStar(actor string, k CodingKey, starred bool) (ActionResult, error) {
	desc := "star"
	if !starred {
		desc = "unstar"
	}
	return s.updateCoding(actor, k, desc, func(st *codingState) { st.Starred = starred })
}

// SetStars stars (or unstars) several codings in one action.
func (s *Store) SetStars(actor string, keys []CodingKey, starred bool) (ActionResult, error) {
	desc := fmt.Sprintf("star %d codings", len(keys))
	if !starred {
		desc = fmt.Sprintf("unstar %d codings", len(keys))
	}
	if len(keys) == 1 {
		return s.SetStar(actor, keys[0], starred)
	}
	return s.act(actor, desc, func(a *action) error {
		var batch []codingChange
		for _, k := range keys {
			st := codingAt(a.tx, k.internal())
			if st == nil {
				return errorf(ErrNotFound, "coding not found")
			}
			next := *st
			next.Starred = starred
			batch = append(batch, codingChange{k.internal(), &next})
		}
		return a.setCodings(batch)
	})
}

// SetMemo replaces a coding's memo ("" removes it).
func (s *Store) SetMemo(actor string, k CodingKey, memo string) (ActionResult, error) {
	return s.updateCoding(actor, k, "memo", func(st *codingState) { st.Memo = memo })
}

func (s *Store) updateCoding(actor string, k CodingKey, desc string, change func(*codingState)) (ActionResult, error) {
	c, _ := s.Codebook().Code(k.Code)
	return s.act(actor, desc+" "+c.Path, func(a *action) error {
		st := codingAt(a.tx, k.internal())
		if st == nil {
			return errorf(ErrNotFound, "coding")
		}
		next := *st
		change(&next)
		return a.setCoding(k.internal(), &next)
	})
}

// CodingsOf lists the codings on a segment; coders limits them to those
// coders (nil: every coder).
func (s *Store) CodingsOf(seg SegRef, coders []CoderID) ([]Coding, error) {
	var out []Coding
	err := s.view(func(tx *bolt.Tx) error {
		out = s.readCodings(tx, seg, coders)
		return nil
	})
	return out, err
}

func (s *Store) readCodings(tx *bolt.Tx, seg SegRef, coders []CoderID) []Coding {
	var out []Coding
	table := recs(tx).codings()
	c := table.cursor()
	for row, val := c.seek(seg); c.holds(row); row, val = c.next() {
		key := row.key()
		if coders != nil && !containsCoder(coders, key.Coder) {
			continue
		}
		t, starred := val.stamp()
		out = append(out, Coding{CodingKey: CodingKey(key), CoderName: s.coderName(tx, key.Coder),
			Starred: starred, Memo: table.rowMemo(row), Time: time.UnixMilli(t)})
	}
	return out
}

func containsCoder(list []CoderID, id CoderID) bool {
	for _, c := range list {
		if c == id {
			return true
		}
	}
	return false
}

// CodeCount is the maintained tally of one code by one coder.
type CodeCount struct {
	Code     CodeID
	Coder    CoderID
	Codings  int // codings, spans counted apart
	Segments int // segments with at least one such coding
}

// Counts returns the maintained tallies per code and coder, without walking
// any coding.
func (s *Store) Counts() ([]CodeCount, error) {
	var out []CodeCount
	err := s.view(func(tx *bolt.Tx) error {
		recs(tx).eachTally(func(code CodeID, coder CoderID, codings, segments int) {
			out = append(out, CodeCount{Code: code, Coder: coder, Codings: codings, Segments: segments})
		})
		return nil
	})
	return out, err
}
