package coding

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// A coder's place is the segment the coder last had on screen, so that the
// coding screen reopens where they were reading rather than at their last
// action. It is not an action: no journal entry, nothing to undo, no coder
// created, nothing counted as coded.

// bktPlaces: coder name → SegRef(8). The first SetPlace makes it. It is not
// in allBuckets, which Open requires: files written before it have no such
// bucket, and must open as they are.
var bktPlaces = []byte("places")

// SetPlace records seg as the segment coder last had on screen. Each call
// that changes the place is a durable commit, so callers write it when the
// cursor has rested or on quit, not on every key.
func (s *Store) SetPlace(coder string, seg SegRef) error {
	if coder == "" {
		return errorf(ErrInvalidInput, "a place needs a coder")
	}
	key, val := []byte(coder), u64(uint64(seg))
	same := false
	if err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bktPlaces); b != nil {
			same = bytes.Equal(b.Get(key), val)
		}
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
		if tx.Bucket(bktSegments).Get(val) == nil {
			return errorf(ErrNotFound, "segment %d", seg)
		}
		b, err := tx.CreateBucketIfNotExists(bktPlaces)
		if err != nil {
			return err
		}
		return b.Put(key, val)
	})
}

// Place is the segment coder last had on screen; false when none was
// recorded, or that segment is gone (its import undone since).
func (s *Store) Place(coder string) (SegRef, bool) {
	var out SegRef
	_ = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bktPlaces)
		if b == nil || coder == "" {
			return nil
		}
		v := b.Get([]byte(coder))
		if len(v) == 8 && tx.Bucket(bktSegments).Get(v) != nil {
			out = SegRef(getU64(v))
		}
		return nil
	})
	return out, out != 0
}
