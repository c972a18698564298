package coding

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// What makes a bbolt file a qcode project (docs/design-notes.md, "What is
// a qcode file"): a `meta` bucket holding `project_id` (32 hex digits, as
// Create writes it) and `created` (RFC 3339), every qcode since the first
// has written both; `schema_version` either absent (schema 0, pre-release)
// or a positive decimal number; and, for the schema it names, every bucket
// qcode keeps. Anything else is another program's file, refused and never
// "migrated"; a file that passes the first tests but misses a bucket is a
// damaged project.

// bucketsOf lists the buckets a schema must have: every bucket but those
// a later schema added, and those a later schema removed.
func bucketsOf(version int) [][]byte {
	later := map[string]bool{}
	for v, names := range addedIn {
		if v > version {
			for _, b := range names {
				later[string(b)] = true
			}
		}
	}
	var out [][]byte
	for _, b := range allBuckets {
		if !later[string(b)] {
			out = append(out, b)
		}
	}
	for v, names := range removedIn {
		if v > version {
			out = append(out, names...)
		}
	}
	return out
}

// identify tells a qcode project from any other bbolt file and returns its
// schema version.
func identify(tx *bolt.Tx) (int, error) {
	m := tx.Bucket(bktMeta)
	if m == nil {
		return 0, errorf(ErrNotProject, "not a qcode project (a bbolt file without qcode's meta bucket)")
	}
	id := m.Get([]byte("project_id"))
	if _, err := hex.DecodeString(string(id)); err != nil || len(id) != 32 {
		return 0, errorf(ErrNotProject, "not a qcode project (a bbolt file without a qcode project id)")
	}
	if _, err := time.Parse(time.RFC3339, string(m.Get([]byte("created")))); err != nil {
		return 0, errorf(ErrNotProject, "not a qcode project (a bbolt file without a qcode creation time)")
	}
	version := 0
	if v := m.Get([]byte("schema_version")); v != nil {
		n, ok := parseVersion(v)
		if !ok {
			return 0, errorf(ErrNotProject, "not a qcode project (schema_version %q)", short(v))
		}
		version = n
	}
	if version > SchemaVersion {
		return version, nil // buckets of a later schema are its business
	}
	for _, b := range bucketsOf(version) {
		if tx.Bucket(b) == nil {
			return version, errorf(ErrDamaged, "bucket %q is missing", b)
		}
	}
	return version, nil
}

// parseVersion reads a schema number: decimal digits only, at least 1.
func parseVersion(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 6 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= 1
}

// identify is identify for the store's file, naming it in the error.
func (s *Store) identify() (int, error) {
	var version int
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		version, err = identify(tx)
		return err
	})
	var de *damagedError
	if err != nil && !errors.As(err, &de) {
		return version, fmt.Errorf("%s: %w", s.path, err)
	}
	return version, err
}

// oldestMergeable is the oldest schema a merge reads without migrating
// the copy: schemas 2 and 3 only added buckets (marks, samples; memos on
// targets), which an older copy simply has nothing in. Readers of those
// buckets in a merge treat a missing bucket as empty.
const oldestMergeable = 1

// upgrade refuses a newer schema and migrates an older one (once the walk
// has vetted the file). A merge reads a copy of schema oldestMergeable or
// later as it is.
func (s *Store) upgrade(version int) error {
	switch {
	case version > SchemaVersion:
		return fmt.Errorf("%s: %w (schema %d; this qcode reads up to %d): upgrade qcode", s.path, ErrNewerSchema, version, SchemaVersion)
	case version == SchemaVersion:
		return nil
	case s.mergeCopy && version >= oldestMergeable:
		s.schema = version
		return nil
	}
	if s.readOnly != "" {
		return errorf(ErrOlderSchema, "%s uses an older schema (%d) and is %w here (%s): open it once for writing to upgrade it", s.path, version, ErrReadOnly, s.readOnly)
	}
	if err := s.writable(); err != nil {
		return err
	}
	if err := s.migrate(version); err != nil {
		return fmt.Errorf("%s: migrate from schema %d: %w", s.path, version, err)
	}
	return nil
}
