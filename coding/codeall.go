package coding

import (
	"fmt"
	"time"
)

// CodeAllResult says what CodeAll did.
type CodeAllResult struct {
	ActionResult
	Matched int // segments the query selected
	Coded   int // segments the code was applied to
	Already int // segments where the coder had the code already (anywhere in them)
	// Replaced counts segments where another level of the code's
	// exclusive group gave way (one level per passage).
	Replaced int
}

// CodeAll applies code to the whole of every segment q selects, as one
// undoable action of actor: "code every match" after a search or a
// filter. A segment where actor has the code already (on the whole or a
// passage) is left as it is and counted; in an exclusive group the
// coder's other levels on the segment give way, as applying one does; a
// review mark ("nothing applies") of the coder's goes. The query is read
// in the same transaction as the writes, so what is coded is what
// matched.
func (s *Store) CodeAll(actor string, q SegmentQuery, code CodeID) (CodeAllResult, error) {
	book := s.Codebook()
	c, ok := book.Code(code)
	if !ok {
		return CodeAllResult{}, errorf(ErrNotFound, "code %d", code)
	}
	var out CodeAllResult
	res, err := s.act(actor, "code every match with "+c.Path, func(a *action) error {
		out = CodeAllResult{}
		refs, err := s.selectRefs(a.tx, q)
		if err != nil {
			return err
		}
		out.Matched = len(refs)
		group, exclusive := book.ExclusiveGroupOf(code)
		now := time.Now().UnixMilli()
		var batch []codingChange
		for _, ref := range refs {
			if len(segCoderCodings(a.tx, ref, code, a.coder)) > 0 {
				out.Already++
				continue
			}
			if exclusive {
				replaced := false
				for _, other := range book.Subtree(group.ID) {
					if other == group.ID || other == code {
						continue
					}
					for _, k := range segCoderCodings(a.tx, ref, other, a.coder) {
						batch = append(batch, codingChange{k, nil}) // the whole segment overlaps every passage
						replaced = true
					}
				}
				if replaced {
					out.Replaced++
				}
			}
			if err := a.clearMark(ref, a.coder); err != nil {
				return err
			}
			batch = append(batch, codingChange{codingKey{Seg: ref, Code: code, Coder: a.coder}, &codingState{Time: now}})
			out.Coded++
		}
		a.desc = fmt.Sprintf("code %s with %s", plural(out.Coded, "segment"), c.Path)
		return a.setCodings(batch)
	})
	out.ActionResult = res
	if err == nil && out.Replaced > 0 {
		g, _ := book.GroupOf(code)
		out.Notes = append(out.Notes, fmt.Sprintf("another level of %s gave way on %s: %s is exclusive (one level per passage)",
			g.Name, plural(out.Replaced, "segment"), g.Name))
	}
	return out, err
}
