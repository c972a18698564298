package coding

import (
	"fmt"
	"time"
)

// SegmentSpan is a passage of one segment: the segment and the span within
// it (the zero Span: the whole segment).
type SegmentSpan struct {
	Seg  SegRef
	Span Span
}

// ApplySpansResult says what ApplySpans did.
type ApplySpansResult struct {
	ActionResult
	Applied int // passages coded
	Already int // passages the coder had coded so already
	// Replaced counts passages where another level of the code's exclusive
	// group gave way.
	Replaced int
}

// ApplySpans puts code on several passages, each a part of one segment,
// as one action of actor (one undo): a passage selected across a
// transcript's turns codes each turn's part. Each passage follows Apply's
// rules: in an exclusive group the coder's other levels on the passages it
// overlaps give way (per passage, never across segments), and the coder's
// review mark on the segment goes. A passage already coded so is counted
// and left alone. A span outside its segment refuses the whole action.
func (s *Store) ApplySpans(actor string, code CodeID, passages []SegmentSpan) (ApplySpansResult, error) {
	book := s.Codebook()
	c, ok := book.Code(code)
	if !ok {
		return ApplySpansResult{}, errorf(ErrNotFound, "code %d", code)
	}
	if len(passages) == 0 {
		return ApplySpansResult{}, errorf(ErrInvalidInput, "no passage to code")
	}
	var out ApplySpansResult
	var replaced []CodeID
	res, err := s.act(actor, "apply "+c.Path, func(a *action) error {
		out, replaced = ApplySpansResult{}, nil
		now := time.Now()
		for _, p := range passages {
			applied, gone, err := a.apply(book, p.Seg, code, p.Span, now)
			if err != nil {
				return err
			}
			if !applied {
				out.Already++
				continue
			}
			out.Applied++
			if len(gone) > 0 {
				out.Replaced++
				replaced = appendNew(replaced, gone...)
			}
		}
		a.desc = fmt.Sprintf("apply %s to %s", c.Path, plural(len(passages), "passage"))
		return nil
	})
	out.ActionResult = res
	if err == nil && len(replaced) > 0 {
		out.Notes = append(out.Notes, replacedNote(book, code, replaced))
	}
	return out, err
}

// appendNew appends the ids not in list yet.
func appendNew(list []CodeID, ids ...CodeID) []CodeID {
	for _, id := range ids {
		seen := false
		for _, l := range list {
			seen = seen || l == id
		}
		if !seen {
			list = append(list, id)
		}
	}
	return list
}
