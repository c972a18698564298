package coding

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Every transaction goes through view or update. bbolt panics on a page it
// cannot read (slice bounds, "unexpected type/flags"), and reading the map
// past the end of a file cut short is a SIGBUS; inside a tea.Cmd either
// would kill the coding screen. So the store's boundary runs each
// transaction with panics on faults turned on, recovers, and reports
// ErrDamaged.

// view runs fn in a read transaction, once the last answered action is in
// the file (see wal.go). Damage a read meets stops every later write of
// this store.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	if err := s.flushed(); err != nil {
		return err
	}
	err := s.guard(func() error { return s.db.View(fn) })
	if errors.Is(err, ErrDamaged) {
		s.setDamage(err)
	}
	return err
}

// update runs fn in a write transaction committed synced here, after the
// last answered action's commit: what is not an action (creating a
// project, a migration, a coder's place). Damage found while writing stops
// every later write of this store (the transaction is rolled back).
func (s *Store) update(fn func(*bolt.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.flushed(); err != nil {
		return err
	}
	err := s.guard(func() error {
		return s.db.Update(func(tx *bolt.Tx) error {
			s.db.AllocSize = growth(tx.Size()) // read by this commit only: the writer's lock is held
			return fn(tx)
		})
	})
	return s.committed(err)
}

// committed notes a commit's end: the session wrote (Close then writes the
// freelist), or the file is damaged and takes no more writes.
func (s *Store) committed(err error) error {
	switch {
	case err == nil:
		s.wrote.Store(true)
	case errors.Is(err, ErrDamaged):
		s.setDamage(err)
	}
	return err
}

func (s *Store) guard(fn func() error) error { return guarded(s.path, fn) }

// guarded runs fn, turning a panic or a memory fault into ErrDamaged and
// naming path in any damage fn reports.
func guarded(path string, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			if os.Getenv("QCODE_PANIC_STACK") != "" {
				debug.PrintStack()
			}
			err = &damagedError{path: path, err: fmt.Errorf("%v", r)}
		}
	}()
	return asDamaged(path, fn())
}

// damagedError is ErrDamaged with the file and the first thing found wrong.
type damagedError struct {
	path string
	err  error
}

func (e *damagedError) Error() string {
	return fmt.Sprintf("%s: damaged project: %v (nothing was written; `qcode check` lists what is wrong)", e.path, e.err)
}

func (e *damagedError) Unwrap() []error { return []error{ErrDamaged, e.err} }

// asDamaged names path in damage that does not name a file yet.
func asDamaged(path string, err error) error {
	var de *damagedError
	if err == nil || !errors.Is(err, ErrDamaged) || errors.As(err, &de) {
		return err
	}
	return &damagedError{path: path, err: err}
}

func (s *Store) damaged() error {
	if p := s.damage.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *Store) setDamage(err error) {
	err = asDamaged(s.path, err)
	s.damage.CompareAndSwap(nil, &err)
}

// vetRecordsLimit is the most bytes in use for which vetting a file for
// writing also runs the record checks of `qcode check` (indexes, tallies,
// journal): about 16,000 segments with their codings, a few hundred
// milliseconds. Larger files get the page walk only.
const vetRecordsLimit = 32 << 20

// vetDelay is how long a writable store waits after Open before it vets the
// file in the background, unless a write asks first: the walk reads the
// whole file and would otherwise compete with the coding screen's first
// frame (budget 300 ms). A command that writes at once does not wait.
const vetDelay = 300 * time.Millisecond

// vetSoon vets the file after vetDelay, or as soon as a write (or Close)
// asks.
func (s *Store) vetSoon() {
	t := time.NewTimer(vetDelay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.wantVet:
	}
	s.vet()
}

// hurryVet starts a vetting that vetSoon is waiting to start.
func (s *Store) hurryVet() {
	if s.wantVet != nil {
		s.wantOnce.Do(func() { close(s.wantVet) })
	}
}

// vet vets the file for writing, then lets writes go on (or refuse): its
// pages, unless preflight walked them, then (for a small file) its records.
func (s *Store) vet() {
	defer close(s.walked)
	if !s.pagesVetted {
		f, err := os.Open(s.path)
		if err != nil {
			s.setDamage(errorf(ErrDamaged, "reopen to check: %v", err))
			return
		}
		defer f.Close()
		head, err := readHead(f)
		if err != nil {
			s.setDamage(err)
			return
		}
		s.tolerate(&head)
		s.vetPages(f, head)
	}
	s.vetRecords()
}

// vetPages walks every page of f (as head describes it) and records what is
// wrong as the store's damage. It stops early when the store closes.
func (s *Store) vetPages(f *os.File, head fileHead) {
	found := &findings{stop: &s.stopWalk}
	err := guarded(s.path, func() error {
		walkPages(f, head, found)
		return nil
	})
	if err == nil && !found.ok() && !s.stopWalk.Load() {
		err = errorf(ErrDamaged, "%s", found.first())
	}
	if err != nil {
		s.setDamage(err)
	}
	s.inUse = int64(head.meta.pgid) * int64(head.pageSize)
	s.pagesVetted = true
}

// vetBranches walks the branch pages before anything is read (see
// walkBranches).
func (s *Store) vetBranches(f *os.File, head fileHead) {
	found := &findings{}
	err := guarded(s.path, func() error {
		data, unmap, err := mapFile(f, int64(head.meta.pgid)*int64(head.pageSize))
		if err != nil {
			return err
		}
		defer unmap()
		walkBranches(bytes.NewReader(data), head, found)
		return nil
	})
	if err == nil && !found.ok() {
		err = errorf(ErrDamaged, "%s", found.first())
	}
	if err != nil {
		s.setDamage(err)
	}
}

// vetRecords runs the record checks on a small file whose pages are sound.
func (s *Store) vetRecords() {
	if s.damaged() != nil || s.inUse > vetRecordsLimit || s.stopWalk.Load() {
		return
	}
	found := &findings{}
	err := s.guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			if v, err := identify(tx); err != nil || v != SchemaVersion {
				return nil // refused by Open, or rebuilt by the migration
			}
			(&recordCheck{tx: tx, found: found}).run()
			return nil
		})
	})
	if err == nil && !found.ok() {
		err = errorf(ErrDamaged, "%s", found.first())
	}
	if err != nil {
		s.setDamage(err)
	}
}

// notWritable says why the user may not write a file, by its permission
// bits for the user's class: a file chmod'ed 0400 is meant to be left
// alone, even by a user (root) whom the system would let write it.
func notWritable(st os.FileInfo) string {
	owner, group, ok := fileOwner(st)
	perm := st.Mode().Perm()
	switch {
	case !ok:
		if perm&0o222 == 0 {
			return "the file has no write permission"
		}
		return ""
	case owner == os.Geteuid():
		perm &= 0o200
	case group == os.Getegid():
		perm &= 0o020
	default:
		perm &= 0o002
	}
	if perm == 0 {
		return "you have no write permission on the file"
	}
	return ""
}

// readOnlyReason explains a failure to open a file for writing that opening
// it for reading would get around ("" for any other failure).
func readOnlyReason(err error) string {
	switch {
	case errors.Is(err, os.ErrPermission):
		return "you have no write permission on the file"
	case isReadOnlyFS(err):
		return "its file system is read-only"
	}
	return ""
}
