package coding

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Schema history:
//
//	0  pre-release files: codings keyed segment|code|coder|span only, with no
//	   bycode or bycoder index and no tallies; no schema_version key.
//	1  adds the bycode and bycoder indexes, the per code and coder tallies,
//	   and schema_version.
//	2  adds review marks (marks, bymarker) and double-coding samples
//	   (samples): new, empty buckets; nothing else changes. A schema-1
//	   copy can still be merged as it is (it has no marks and no samples).
//	3  adds memos on segments, sources, cases and codes and the project
//	   journal (targetmemos): a new, empty bucket. A schema-2 copy merges
//	   as it is (it has none).
//
// A migration runs in one transaction after a backup copy is written next to
// the project, so a failed migration leaves both files usable. Each step
// brings the file one version up; every bucket of addedIn is created by the
// step of its version.

// migrate brings the file from version `from` to SchemaVersion. The backup
// is a new file (never one already there, nor a symlink's target).
func (s *Store) migrate(from int) error {
	backup := fmt.Sprintf("%s.schema%d.bak", s.path, from)
	if _, err := os.Lstat(backup); err == nil {
		backup = fmt.Sprintf("%s.schema%d.%s.bak", s.path, from, time.Now().Format("20060102-150405"))
	}
	if err := s.Backup(backup); err != nil {
		return fmt.Errorf("backup to %s: %w", backup, err)
	}
	return s.update(func(tx *bolt.Tx) error {
		for v := from + 1; v <= SchemaVersion; v++ {
			for _, b := range addedIn[v] {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			if v == 1 {
				if err := rebuildIndexes(tx); err != nil {
					return err
				}
			}
		}
		// Whatever else a schema lists (a bucket an older qcode made on
		// first use, say) is made too: the file must open as this schema.
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bktMeta).Put([]byte("schema_version"), []byte(strconv.Itoa(SchemaVersion)))
	})
}

// rebuildIndexes derives bycode, bycoder and the tallies from the codings.
func rebuildIndexes(tx *bolt.Tx) error {
	for _, name := range [][]byte{bktByCode, bktByCoder, bktCounts} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	byCode, byCoder := tx.Bucket(bktByCode), tx.Bucket(bktByCoder)
	type tally struct{ codings, segments int64 }
	tallies := map[[8]byte]*tally{}
	var last codingKey
	first := true
	var codeKeys, coderKeys []putDel
	c := tx.Bucket(bktCodings).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) != codingKeyLen {
			return errorf(errCorrupt, "coding key of %d bytes", len(k))
		}
		key := parseCodingKey(k)
		codeKeys = append(codeKeys, putDel{key.byCode(), true})
		coderKeys = append(coderKeys, putDel{key.byCoder(), true})
		var ck [8]byte
		copy(ck[:], countKey(key.Code, key.Coder))
		t := tallies[ck]
		if t == nil {
			t = &tally{}
			tallies[ck] = t
		}
		t.codings++
		// Codings of one segment, code and coder are adjacent in key order.
		if first || key.Seg != last.Seg || key.Code != last.Code || key.Coder != last.Coder {
			t.segments++
		}
		last, first = key, false
	}
	if err := applySorted(byCode, codeKeys); err != nil {
		return err
	}
	if err := applySorted(byCoder, coderKeys); err != nil {
		return err
	}
	counts := tx.Bucket(bktCounts)
	for k, t := range tallies {
		v := make([]byte, 16)
		binary.BigEndian.PutUint64(v, uint64(t.codings))
		binary.BigEndian.PutUint64(v[8:], uint64(t.segments))
		if err := counts.Put(k[:], v); err != nil {
			return err
		}
	}
	return nil
}
