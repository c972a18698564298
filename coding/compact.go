package coding

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A bbolt file never shrinks: pages an undone import or a deleted source
// freed stay in the file for later commits. Compact rewrites a project into
// a new file with every page full (bbolt.Compact), checks that it holds the
// same records, keeps the old file as a backup and renames the new one over
// the project, so that the project's name always names a whole project.

// CompactResult says what Compact did.
type CompactResult struct {
	Before, After int64  // file sizes in bytes
	Records       int    // buckets, keys and values compared between the two files
	Backup        string // the old file, kept beside the project
}

// compactTxSize bounds each of bbolt.Compact's transactions (its memory).
const compactTxSize = 64 << 20

// Compact rewrites the project at path into a smaller file. It opens the
// project for writing (the exclusive lock: no other qcode writes it
// meanwhile; the file is vetted first), copies every bucket, key, value
// and sequence into PATH.compact-*, compares the two record by record,
// syncs the new file, links the old one to PATH.bak (PATH.DATE.bak when
// that name is taken) and renames the new one over PATH.
func Compact(path string) (CompactResult, error) {
	var res CompactResult
	s, err := Open(path)
	if err != nil {
		return res, err
	}
	defer s.Close()
	done, err := s.beginWrite() // waits for the vetting of every page
	if err != nil {
		return res, err
	}
	defer done()
	res.Before = s.file.Size()
	tmp, err := s.compactTo()
	if err != nil {
		return res, err
	}
	keep := false
	defer func() {
		if !keep {
			os.Remove(tmp)
		}
	}()
	if res.Records, err = sameRecords(s, tmp); err != nil {
		return res, err
	}
	st, err := os.Stat(tmp)
	if err != nil {
		return res, err
	}
	res.After = st.Size()
	if err := s.checkFile(); err != nil {
		return res, err
	}
	if res.Backup, err = s.linkBackup(); err != nil {
		return res, fmt.Errorf("keeping %s as a backup: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, err
	}
	keep = true
	return res, syncDir(filepath.Dir(path))
}

// compactTo writes the store's records into a new file beside it, made
// with O_EXCL|O_NOFOLLOW and the project's permissions, and returns its
// name. Its commits are synced; its freelist is written.
func (s *Store) compactTo() (string, error) {
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		return "", err
	}
	tmp := s.path + ".compact-" + hex.EncodeToString(suffix)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_RDWR|noFollow, s.file.Mode().Perm())
	if err != nil {
		return "", err
	}
	f.Close()
	opts := boltOptions()
	opts.NoFreelistSync = false
	opts.InitialMmapSize = int(min(s.file.Size(), 1<<30))
	opts.OpenFile = func(name string, flag int, mode os.FileMode) (*os.File, error) {
		return os.OpenFile(name, flag|noFollow, mode)
	}
	dst, err := bolt.Open(tmp, s.file.Mode().Perm(), opts)
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	dst.AllocSize = 0 // the file is as large as its pages: the next write grows it (see growth)
	err = s.guard(func() error { return bolt.Compact(dst, s.db, compactTxSize) })
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("compacting %s: %w", s.path, err)
	}
	return tmp, nil
}

// sameRecords compares the store's file with the compacted copy at path:
// every bucket (nested ones too), key, value and sequence, in order. It
// returns how many it compared.
func sameRecords(s *Store, path string) (int, error) {
	var want, got hash.Hash
	var n, m int
	err := s.guard(func() error {
		return s.db.View(func(tx *bolt.Tx) (err error) {
			want, n, err = digest(tx)
			return err
		})
	})
	if err != nil {
		return 0, err
	}
	opts := boltOptions()
	opts.ReadOnly = true
	opts.InitialMmapSize = 0
	db, err := bolt.Open(path, 0, opts)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	err = guarded(path, func() error {
		return db.View(func(tx *bolt.Tx) error {
			if cerr := <-tx.Check(); cerr != nil {
				return fmt.Errorf("the compacted file does not pass bbolt's check: %w", cerr)
			}
			var err error
			got, m, err = digest(tx)
			return err
		})
	})
	if err != nil {
		return 0, err
	}
	if n != m || !bytes.Equal(want.Sum(nil), got.Sum(nil)) {
		return 0, fmt.Errorf("the compacted copy of %s does not hold the same records (%d, the project %d): the project is left as it was", s.path, m, n)
	}
	return n, nil
}

// digest hashes every bucket, key, value and sequence tx sees, each framed
// by its depth and lengths, in bbolt's order.
func digest(tx *bolt.Tx) (hash.Hash, int, error) {
	h := sha256.New()
	n := 0
	var buf [binary.MaxVarintLen64]byte
	put := func(b []byte) {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(b)))])
		h.Write(b)
	}
	num := func(v uint64) { h.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	var walk func(b *bolt.Bucket, depth uint64) error
	walk = func(b *bolt.Bucket, depth uint64) error {
		return b.ForEach(func(k, v []byte) error {
			n++
			num(depth)
			put(k)
			if sub := b.Bucket(k); v == nil && sub != nil {
				num(1)
				num(sub.Sequence())
				return walk(sub, depth+1)
			}
			num(0)
			put(v)
			return nil
		})
	}
	err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		n++
		put(name)
		num(b.Sequence())
		return walk(b, 1)
	})
	return h, n, err
}

// linkBackup makes PATH.bak (PATH.DATE.bak when that name is taken) a
// second name of the project file, and syncs the directory. A file system
// without hard links gets a copy (Backup: new file, never a symlink's
// target).
func (s *Store) linkBackup() (string, error) {
	bak := s.path + ".bak"
	err := os.Link(s.path, bak)
	if errors.Is(err, fs.ErrExist) {
		bak = fmt.Sprintf("%s.%s.bak", s.path, time.Now().Format("20060102-150405"))
		err = os.Link(s.path, bak)
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		err = s.Backup(bak)
	}
	if err != nil {
		return "", err
	}
	return bak, syncDir(filepath.Dir(s.path))
}
