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
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout this qcode writes. Older files are migrated on
// open after a backup copy; newer ones are refused.
const SchemaVersion = 1

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

// Create makes a new project file at path (mode 0600). It refuses to
// overwrite an existing file.
func Create(path string, opts CreateOptions) (*Store, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s: %w", path, ErrExists)
	}
	name := opts.Name
	if name == "" {
		name = baseName(path)
	}
	db, err := bolt.Open(path, 0o600, boltOptions())
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
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
	if err != nil {
		db.Close()
		os.Remove(path)
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return finishOpen(db, path)
}

// Open opens an existing project. A project held by another process is
// refused after about a second with ErrLocked; an older schema is migrated
// after writing a backup copy next to the file.
func Open(path string) (*Store, error) {
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
	db, err := bolt.Open(path, 0o600, boltOptions())
	if err != nil {
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("%s: %w%s", path, ErrLocked, holderPID(path))
		case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch),
			errors.Is(err, bolterrors.ErrChecksum), strings.Contains(err.Error(), "invalid"),
			strings.Contains(err.Error(), "file size too small"):
			return nil, fmt.Errorf("%s: %w", path, ErrNotProject)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	version, err := schemaOf(db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case version > SchemaVersion:
		db.Close()
		return nil, fmt.Errorf("%s: %w (schema %d; this qcode reads up to %d): upgrade qcode", path, ErrNewerSchema, version, SchemaVersion)
	case version < SchemaVersion:
		if err := migrate(db, path, version); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: migrate from schema %d: %w", path, version, err)
		}
	}
	return finishOpen(db, path)
}

func finishOpen(db *bolt.DB, path string) (*Store, error) {
	s := &Store{db: db, path: path}
	if st, err := os.Stat(path); err == nil {
		s.file = st
	}
	if err := db.View(func(tx *bolt.Tx) error {
		if err := s.loadMeta(tx); err != nil {
			return err
		}
		if err := s.loadCoders(tx); err != nil {
			return err
		}
		return s.loadCodebook(tx)
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// The pid file only makes the "open in another qcode" message useful; the
	// lock itself is bbolt's flock.
	_ = os.WriteFile(path+".pid", []byte(strconv.Itoa(os.Getpid())), 0o600)
	return s, nil
}

// holderPID names the process that holds path, as far as its pid file says.
func holderPID(path string) string {
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

func schemaOf(db *bolt.DB) (int, error) {
	version := -1
	err := db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bktMeta)
		if m == nil {
			return ErrNotProject
		}
		v := m.Get([]byte("schema_version"))
		if v == nil {
			version = 0
			return nil
		}
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return fmt.Errorf("%w: bad schema_version %q", ErrNotProject, v)
		}
		version = n
		return nil
	})
	return version, err
}

func (s *Store) loadMeta(tx *bolt.Tx) error {
	m := tx.Bucket(bktMeta)
	s.meta = Meta{
		Name:   string(m.Get([]byte("name"))),
		ID:     string(m.Get([]byte("project_id"))),
		Schema: SchemaVersion,
	}
	s.meta.Created, _ = time.Parse(time.RFC3339, string(m.Get([]byte("created"))))
	return nil
}

// Close flushes and closes the project. It writes bbolt's freelist once so
// that the next Open need not walk every page to rebuild it (the price of
// NoFreelistSync, paid only after a crash).
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
	s.db.NoFreelistSync = false
	err := s.db.Update(func(*bolt.Tx) error { return nil })
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	os.Remove(s.path + ".pid")
	return err
}

// beginWrite holds the store open for an action and checks its file; the
// caller runs the returned function when the action is over.
func (s *Store) beginWrite() (func(), error) {
	s.life.RLock()
	if err := s.checkFile(); err != nil {
		s.life.RUnlock()
		return nil, err
	}
	return s.life.RUnlock, nil
}

// checkFile refuses to write when the project file was removed or replaced
// since it was opened: bbolt would go on writing into a file nobody can
// open again, and the user's work would be lost when qcode quits.
func (s *Store) checkFile() error {
	if s.closed {
		return ErrClosed
	}
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

// Backup writes a consistent copy of the project to path (mode 0600).
func (s *Store) Backup(path string) error {
	return s.db.View(func(tx *bolt.Tx) error { return tx.CopyFile(path, 0o600) })
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
