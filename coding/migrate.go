package coding

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"slices"
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
//	4  writes journal entries of format 2 and may leave an action in
//	   FILE.wal; no bucket.
//	5  stores texts in chunks of up to 64 segments of one source and drops
//	   the bysource index: each source record holds the first SegRef of its
//	   run of segments (First). Import snapshots journaled by schema 4 (an
//	   undone import, to be redone) are read as they are and translated
//	   when restored (restoreSnapshot). Copies of schema 1–4 still merge
//	   as they are: the storage layer reads their layout too.
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
			if v == 5 {
				if err := chunkTexts(tx); err != nil {
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

// chunkTexts brings a schema-4 file's texts into chunks, its bysource
// index into the source records and its segment names into runs (schema
// 5).
func chunkTexts(tx *bolt.Tx) error {
	texts, by, segs := tx.Bucket(bktTexts), tx.Bucket(bktBySource), tx.Bucket(bktSegments)
	var chunks, names []rec
	type source struct {
		key []byte
		rec sourceRecord
	}
	var sources []source
	err := tx.Bucket(bktSources).ForEach(func(k, v []byte) error {
		s := source{key: bytes.Clone(k)}
		if err := json.Unmarshal(v, &s.rec); err != nil {
			return errorf(errCorrupt, "source %d", getU64(k))
		}
		sources = append(sources, s)
		return nil
	})
	if err != nil {
		return err
	}
	for _, s := range sources {
		var refs []SegRef
		c := by.Cursor()
		for k, _ := c.Seek(s.key); k != nil && bytes.HasPrefix(k, s.key); k, _ = c.Next() {
			refs = append(refs, SegRef(getU64(k[8:])))
		}
		stored := make([]storedSegment, len(refs))
		for i, ref := range refs {
			r, err := decodeSegment(segs.Get(u64(uint64(ref))))
			if err != nil {
				return fmt.Errorf("segment %d: %w", ref, err)
			}
			stored[i] = storedSegment{ref, r}
		}
		cs, ns, err := layout5(stored, func(ref SegRef) []byte { return texts.Get(u64(uint64(ref))) })
		if err != nil {
			return err
		}
		chunks, names = append(chunks, cs...), append(names, ns...)
		s.rec.setSegments(refs)
		v, err := json.Marshal(s.rec)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bktSources).Put(s.key, v); err != nil {
			return err
		}
	}
	for _, name := range [][]byte{bktTexts, bktBySource, bktSegName} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
	}
	if _, err := tx.CreateBucket(bktSegName); err != nil {
		return err
	}
	if err := putSorted(tx, names); err != nil {
		return err
	}
	b, err := tx.CreateBucket(bktTexts)
	if err != nil {
		return err
	}
	b.FillPercent = 1.0
	slices.SortFunc(chunks, func(x, y rec) int { return bytes.Compare(x.key, y.key) })
	for _, c := range chunks {
		if err := b.Put(c.key, c.value); err != nil {
			return err
		}
	}
	return nil
}

// layout5 is what schema 5 keeps of one source's segments (in SegRef
// order) beside their records: its texts in chunks and its names as runs.
// A segment with no text is damage (an empty text in a chunk would hide
// it from check).
func layout5(segs []storedSegment, text func(SegRef) []byte) (chunks, names []rec, err error) {
	chunker := newTextChunker(func(k, v []byte) error {
		chunks = append(chunks, rec{bktTexts, k, v})
		return nil
	})
	for _, s := range segs {
		t := text(s.ref)
		if t == nil {
			return nil, nil, errorf(errCorrupt, "segment %d has no text", s.ref)
		}
		if err := chunker.add(s.ref, string(t)); err != nil {
			return nil, nil, err
		}
	}
	if err := chunker.flush(); err != nil {
		return nil, nil, err
	}
	return chunks, segmentNameRecs(segs), nil
}
