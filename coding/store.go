package coding

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout this qcode writes. Older files are migrated on
// open after a backup copy; newer ones are refused. Version 4 added no
// bucket: it writes journal entries of format 2 (an import's codings as
// compact runs) and may leave an action in FILE.wal, which a qcode of
// schema 3 would read as damage, or miss; so such a qcode refuses the file
// instead. Version 5 stores texts in chunks and drops the bysource index
// (see migrate.go).
const SchemaVersion = 5

// openTimeout is how long Open waits for another process to release the file.
const openTimeout = time.Second

// Store is an open project. It is safe for concurrent use: bbolt serialises
// writers, and the in-memory codebook is guarded by mu.
type Store struct {
	db   *bolt.DB
	path string
	file os.FileInfo // the file as opened, to notice it being removed or replaced
	// life is held (shared) by every action while it writes and (alone) by
	// Close, so that closing waits for an action in flight.
	life   sync.RWMutex
	closed bool

	// readOnly says why writes are refused ("" when the store is writable).
	readOnly string
	// walked is closed when the page walk that vets the file for writing is
	// over; damage is what it (or a write) found wrong.
	walked      chan struct{}
	wantVet     chan struct{} // closed to start vetting at once (a write waits)
	wantOnce    sync.Once
	stopWalk    atomic.Bool
	damage      atomic.Pointer[error]
	pagesVetted bool  // preflight walked the pages
	inUse       int64 // bytes of the file in use, as the walk found
	// wrote records a committed write, and synced that the file's freelist
	// was written when it was opened: Close commits only when either says
	// the file would otherwise be left as bbolt does not want it.
	wrote  atomic.Bool
	synced bool

	// mergeCopy marks a coder's copy opened by a merge: it may be of an
	// older schema (oldestMergeable on), read as it is. schema is the
	// file's version once Open has upgraded it (or accepted it so).
	mergeCopy bool
	schema    int

	// wmu serialises write transactions (actions, undo, redo, the rest).
	// inflight is the commit of the last answered action, not yet in the
	// file: every write and read waits for it (see wal.go). wal is the
	// session's write-ahead file (made by the first logged action); walOff
	// says none could be made, so actions commit synced. replayed counts
	// the actions Open applied from a write-ahead file left behind.
	wmu      sync.Mutex
	inflight atomic.Pointer[commitment]
	wal      *walFile
	walOff   bool
	replayed int
	// torn is a meta page the preflight let pass as torn by the commit of
	// the record in the write-ahead file (see tornCommit); recoverWAL
	// accepts or refuses it. metaRewritten: the replay rewrote it.
	torn          *tornMeta
	metaRewritten bool

	mu     sync.RWMutex
	book   *Codebook          // the codebook, rebuilt after every change to codes
	coders map[string]CoderID // every coder ever seen, by name
	names  map[CoderID]string
	meta   Meta
}

// Meta describes a project.
type Meta struct {
	Name    string    // shown in the status line and reports
	ID      string    // random id shared by every copy of a project (merge checks it)
	Created time.Time // when `qcode init` ran
	Schema  int       // schema version of the file
}

// CreateOptions configure a new project.
type CreateOptions struct {
	Name  string     // defaults to the file name without extension
	Codes []CodeSpec // the starting codebook (nil for an empty one)
}

func boltOptions() *bolt.Options {
	return &bolt.Options{
		Timeout:        openTimeout,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		// Address space, not memory: it spares a large import the remaps
		// (and node copies) bbolt makes each time the file outgrows the map.
		InitialMmapSize: 1 << 30,
	}
}

// Growth bounds: bbolt grows a file by AllocSize beyond what a commit
// needs whenever its map is larger than AllocSize (qcode maps 1 GiB), so
// bbolt's default of 16 MiB made a new, empty project 16.8 MB.
const (
	minGrowth = 256 << 10
	maxGrowth = 16 << 20
)

// growth is how far beyond its needs a file of size bytes grows: an eighth
// of it, within the bounds. bbolt grows once per commit (one truncate and
// one sync), so a large file still grows in 16 MiB steps as before.
func growth(size int64) int {
	return int(min(max(size/8, minGrowth), maxGrowth))
}

// Create makes a new project file at path (mode 0600). It refuses to
// overwrite an existing file (or to follow a symlink there).
func Create(path string, opts CreateOptions) (*Store, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrExists)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	f.Close()
	name := opts.Name
	if name == "" {
		name = baseName(path)
	}
	db, err := bolt.Open(path, 0o600, boltOptions())
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	s := &Store{db: db, path: path, walked: make(chan struct{})}
	close(s.walked) // nothing to vet in a file made here
	err = s.update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		id := make([]byte, 16)
		if _, err := rand.Read(id); err != nil {
			return err
		}
		m := tx.Bucket(bktMeta)
		for k, v := range map[string]string{
			"schema_version": strconv.Itoa(SchemaVersion),
			"project_id":     hex.EncodeToString(id),
			"name":           name,
			"created":        time.Now().UTC().Format(time.RFC3339),
		} {
			if err := m.Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return writeCodebook(tx, opts.Codes)
	})
	if err == nil {
		err = s.loadState()
	}
	if err != nil {
		db.Close()
		os.Remove(path)
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	writePID(path)
	return s, nil
}

// Open opens an existing project for reading and writing. A project held
// by another process is refused after about a second with ErrLocked; an
// older schema is migrated after writing a backup copy next to the file. A
// file the user may not write opens read-only: reads work, writes fail
// with ErrReadOnly. A file that is not a qcode project is refused with
// ErrNotProject, one that is cut short or misses a bucket with ErrDamaged;
// other damage is found by a walk of every page that writes wait for (see
// walkPages and vetSoon), and then writes fail with ErrDamaged.
func Open(path string) (*Store, error) { return open(path, "", false) }

// OpenReadOnly opens a project for reading only: bbolt's shared lock, no
// migration, no pid file, and nothing written on Close, so that a report
// leaves the file's bytes and time stamp as they were.
func OpenReadOnly(path string) (*Store, error) { return open(path, "opened for reading only", false) }

// openVetted opens a file read-only after a walk of every page, refusing
// it if the walk finds damage (merge reads other coders' copies so).
func openVetted(path string) (*Store, error) { return open(path, "opened to read it", true) }

func open(path, readOnly string, vetNow bool) (*Store, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrNoProject)
	}
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, %w", path, ErrNotProject)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: is not a regular file, %w", path, ErrNotProject)
	}
	s := &Store{path: path, file: st, readOnly: readOnly, walked: make(chan struct{}), mergeCopy: vetNow}
	if s.readOnly == "" {
		s.readOnly = notWritable(st)
	}
	head, err := s.preflight(vetNow)
	if err != nil {
		return nil, err
	}
	if err := s.damaged(); err != nil {
		return nil, err // nothing may read pages that are not sound
	}
	s.synced = head.meta.freelist != noFreelist
	if err := s.openBolt(vetNow); err != nil {
		return nil, err
	}
	if err := s.damaged(); err != nil && vetNow {
		s.db.Close()
		return nil, err
	}
	version, err := s.identify()
	walDone := false
	if err == nil && version >= 4 && version < SchemaVersion && s.readOnly == "" {
		// A write-ahead file left by a qcode of schema 4 follows the file as
		// that qcode left it: apply it before the migration's commit moves
		// the file on (its action touches no record the migration changes,
		// and the storage layer reads the older layout). A meta page torn
		// by that action's commit is recovered there too.
		if err = s.loadState(); err == nil {
			err = s.recoverWAL()
		}
		walDone = true
	}
	if err == nil && s.torn != nil && version != SchemaVersion && !walDone {
		err = s.tornRefused() // a migration would commit over the torn page before the replay
	}
	if err == nil {
		err = s.upgrade(version)
	}
	if err == nil {
		err = s.loadState()
	}
	if err == nil && !walDone {
		err = s.recoverWAL()
	}
	if err != nil {
		s.stopWalk.Store(true)
		s.hurryVet()
		<-s.walked
		s.db.Close()
		return nil, err
	}
	if s.readOnly == "" {
		writePID(path)
	}
	return s, nil
}

// preflight checks the file before bbolt maps it (see readHead) and walks
// its branch pages (walkBranches), under a shared lock so that no other
// qcode writes it meanwhile. When the file's freelist was not written (the
// last session was killed), bbolt is about to walk every page itself where
// a damaged page cannot be recovered from, so qcode walks them all first.
func (s *Store) preflight(vetNow bool) (fileHead, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return fileHead{}, fmt.Errorf("open %s: %w", s.path, err)
	}
	defer f.Close()
	if err := lockShared(f, openTimeout); err != nil {
		return fileHead{}, fmt.Errorf("%s: %w%s", s.path, ErrLocked, holderPID(s.path))
	}
	head, err := readHead(f)
	if err != nil {
		if errors.Is(err, ErrDamaged) {
			return head, asDamaged(s.path, err)
		}
		return head, fmt.Errorf("%s: %w", s.path, err)
	}
	if !vetNow && s.readOnly == "" {
		s.torn = tornCommit(head, s.walPath())
		s.tolerate(&head)
	}
	if vetNow || (head.meta.freelist == noFreelist && s.readOnly == "") {
		s.vetPages(f, head)
	} else {
		s.vetBranches(f, head)
	}
	return head, nil
}

// openBolt opens the file with bbolt, read-only when the store is; a file
// that turns out not to be writable opens read-only. A writable store then
// vets the file in the background (writes wait for it); vetNow vets it
// before returning.
func (s *Store) openBolt(vetNow bool) error {
	opts := boltOptions()
	opts.ReadOnly = s.readOnly != ""
	err := guarded(s.path, func() (err error) {
		s.db, err = bolt.Open(s.path, 0o600, opts)
		return err
	})
	if !opts.ReadOnly && err != nil {
		if why := readOnlyReason(err); why != "" {
			s.readOnly, opts.ReadOnly = why, true
			err = guarded(s.path, func() (err error) {
				s.db, err = bolt.Open(s.path, 0o600, opts)
				return err
			})
		}
	}
	switch {
	case err == nil:
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("%s: %w%s", s.path, ErrLocked, holderPID(s.path))
	case errors.Is(err, ErrDamaged):
		return err
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch),
		errors.Is(err, bolterrors.ErrChecksum):
		return fmt.Errorf("%s: %w", s.path, ErrNotProject)
	default:
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	switch {
	case vetNow:
		s.vet()
	case s.readOnly != "":
		close(s.walked) // nothing will be written: nothing to vet
	default:
		s.wantVet = make(chan struct{})
		go s.vetSoon()
	}
	return nil
}

// loadState reads what the store keeps in memory: meta, coders, codebook.
func (s *Store) loadState() error {
	return s.view(func(tx *bolt.Tx) error {
		if err := s.loadMeta(tx); err != nil {
			return err
		}
		if err := s.loadCoders(tx); err != nil {
			return err
		}
		return s.loadCodebook(tx)
	})
}

// holderPID names the process that holds path, as far as its pid file says.
func holderPID(path string) string {
	if st, err := os.Lstat(path + ".pid"); err != nil || !st.Mode().IsRegular() {
		return ""
	}
	b, err := os.ReadFile(path + ".pid")
	if err != nil {
		return ""
	}
	pid := strings.TrimSpace(string(b))
	if _, err := strconv.Atoi(pid); err != nil {
		return ""
	}
	return " (pid " + pid + "?)"
}

func (s *Store) loadMeta(tx *bolt.Tx) error {
	m := tx.Bucket(bktMeta)
	s.meta = Meta{
		Name:   string(m.Get([]byte("name"))),
		ID:     string(m.Get([]byte("project_id"))),
		Schema: SchemaVersion,
	}
	if s.schema != 0 {
		s.meta.Schema = s.schema
	}
	s.meta.Created, _ = time.Parse(time.RFC3339, string(m.Get([]byte("created"))))
	return nil
}

// Close closes the project. A writable store that wrote, or whose file had
// no freelist written when it was opened, writes bbolt's freelist in one
// last empty commit, so that the next Open need not walk every page to
// rebuild it (the price of NoFreelistSync, paid only after a crash). A
// read-only or damaged store writes nothing.
func (s *Store) Close() error {
	if s == nil {
		return nil
	}
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.stopWalk.Store(true)
	s.hurryVet()
	<-s.walked
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// The last action's commit first: the write-ahead file goes only once
	// the project holds everything it held. A commit that failed leaves it
	// for the next open to apply.
	lost := s.flushed()
	var err error
	if lost == nil && s.readOnly == "" && s.damaged() == nil && (s.wrote.Load() || !s.synced) {
		s.db.NoFreelistSync = false
		err = s.guard(func() error { return s.db.Update(func(*bolt.Tx) error { return nil }) })
	}
	if cerr := s.closeBolt(); err == nil {
		err = cerr
	}
	s.wal.close(lost == nil)
	if s.readOnly == "" {
		removePID(s.path)
	}
	if lost != nil {
		return lost
	}
	return err
}

// closeBolt closes bbolt. On a damaged file bbolt may have panicked half-way
// through a rollback and still hold its own lock, so that closing would
// wait for ever: then the wait gives up after half a second, and the process lets
// go of the file when it exits.
func (s *Store) closeBolt() error {
	if s.damaged() == nil {
		return s.db.Close()
	}
	done := make(chan error, 1)
	go func() { done <- s.db.Close() }()
	select {
	case err := <-done:
		return err
	case <-time.After(500 * time.Millisecond):
		return nil
	}
}

// beginWrite holds the store open for an action and checks that it may
// write: the store is not read-only, its file is the one opened, and the
// walk of its pages (waited for) found nothing wrong. The caller runs the
// returned function when the action is over.
func (s *Store) beginWrite() (func(), error) {
	s.life.RLock()
	if err := s.writable(); err != nil {
		s.life.RUnlock()
		return nil, err
	}
	return s.life.RUnlock, nil
}

func (s *Store) writable() error {
	if s.closed {
		return ErrClosed
	}
	if s.readOnly != "" {
		return fmt.Errorf("%s is %w: %s; nothing was changed", s.path, ErrReadOnly, s.readOnly)
	}
	s.hurryVet()
	<-s.walked
	if err := s.damaged(); err != nil {
		return err
	}
	return s.checkFile()
}

// ReadOnly says why the store does not write ("" when it does): opened for
// reading only, a file without write permission, a read-only file system.
func (s *Store) ReadOnly() string { return s.readOnly }

// checkFile refuses to write when the project file was removed or replaced
// since it was opened: bbolt would go on writing into a file nobody can
// open again, and the user's work would be lost when qcode quits.
func (s *Store) checkFile() error {
	st, err := os.Stat(s.path)
	if err != nil || (s.file != nil && !os.SameFile(st, s.file)) {
		return fmt.Errorf("%s was removed or replaced while open: %w", s.path, ErrFileGone)
	}
	return nil
}

// Path is the project's file name.
func (s *Store) Path() string { return s.path }

// Meta describes the project.
func (s *Store) Meta() Meta {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.meta
}

// Backup writes a consistent copy of the project to path (mode 0600). It
// refuses to overwrite anything there, a symlink included.
func (s *Store) Backup(path string) error {
	return s.view(func(tx *bolt.Tx) error { return copyTo(tx, path) })
}

// copyTo writes a consistent copy of the file as tx sees it to a new file.
func copyTo(tx *bolt.Tx, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|noFollow, 0o600)
	if err != nil {
		return err
	}
	if _, err := tx.WriteTo(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

func baseName(path string) string {
	name := path
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	return name
}
