package coding

import bolt "go.etcd.io/bbolt"

// Generation is a number that grows with every write committed to the
// store, by any of the screens and commands that share it (the owner's
// socket and SSH sessions run them all on one Store). A screen polls it to
// notice another's writes and read again; it costs one read transaction.
// It is bbolt's transaction id, so no write path needs to count.
func (s *Store) Generation() (uint64, error) {
	var g uint64
	err := s.view(func(tx *bolt.Tx) error {
		g = uint64(tx.ID())
		return nil
	})
	return g, err
}
