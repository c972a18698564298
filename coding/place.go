package coding

import (
	bolt "go.etcd.io/bbolt"
)

// A coder's place is the segment the coder last had on screen, so that the
// coding screen reopens where they were reading rather than at their last
// action. It is not an action: no journal entry, nothing to undo, no coder
// created, nothing counted as coded.

// SetPlace records seg as the segment coder last had on screen. Each call
// that changes the place is a durable commit, so callers write it when the
// cursor has rested or on quit, not on every key.
func (s *Store) SetPlace(coder string, seg SegRef) error {
	if coder == "" {
		return errorf(ErrInvalidInput, "a place needs a coder")
	}
	same := false
	if err := s.view(func(tx *bolt.Tx) error {
		at, ok := recs(tx).place(coder)
		same = ok && at == seg
		return nil
	}); err != nil || same {
		return err // unchanged: spare the commit's two syncs
	}
	done, err := s.beginWrite()
	if err != nil {
		return err
	}
	defer done()
	return s.update(func(tx *bolt.Tx) error {
		rs := recs(tx)
		if !rs.hasSegment(seg) {
			return errorf(ErrNotFound, "segment %d", seg)
		}
		return rs.setPlace(coder, seg)
	})
}

// Place is the segment coder last had on screen; false when none was
// recorded, or that segment is gone (its import undone since).
func (s *Store) Place(coder string) (SegRef, bool) {
	var out SegRef
	_ = s.view(func(tx *bolt.Tx) error {
		if coder == "" {
			return nil
		}
		rs := recs(tx)
		if at, ok := rs.place(coder); ok && rs.hasSegment(at) {
			out = at
		}
		return nil
	})
	return out, out != 0
}
