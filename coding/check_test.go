package coding

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestCheckNamesWhatIsWrong spoils one record or index entry at a time
// behind the store's back and checks that CheckFile names the bucket, with
// the key and what it expected.
func TestCheckNamesWhatIsWrong(t *testing.T) {
	first := func(tx *bolt.Tx, bucket []byte) []byte {
		k, _ := tx.Bucket(bucket).Cursor().First()
		return append([]byte(nil), k...)
	}
	cases := []struct {
		kind, says string
		spoil      func(tx *bolt.Tx) error
	}{
		{"bycode", "expected no such entry", func(tx *bolt.Tx) error {
			k := first(tx, bktByCode)
			k[len(k)-1]++
			return tx.Bucket(bktByCode).Put(k, nil)
		}},
		{"bycoder", "expected an entry, found none", func(tx *bolt.Tx) error { return tx.Bucket(bktByCoder).Delete(first(tx, bktByCoder)) }},
		{"memos", "expected no such entry", func(tx *bolt.Tx) error {
			k := first(tx, bktCodings)
			k[len(k)-1]++
			return tx.Bucket(bktMemos).Put(k, []byte("orphan"))
		}},
		{"counts", "expected 1 codings on 1 segments, found 2 on 1", func(tx *bolt.Tx) error {
			k := first(tx, bktCounts)
			v := make([]byte, 16)
			binary.BigEndian.PutUint64(v, 2)
			binary.BigEndian.PutUint64(v[8:], 1)
			return tx.Bucket(bktCounts).Put(k, v)
		}},
		{"counts", "found no tally", func(tx *bolt.Tx) error { return tx.Bucket(bktCounts).Delete(first(tx, bktCounts)) }},
		{"segname", "found none", func(tx *bolt.Tx) error { return tx.Bucket(bktSegName).Delete(first(tx, bktSegName)) }},
		{"segname", "no segment with that ID", func(tx *bolt.Tx) error {
			return tx.Bucket(bktSegName).Put(segNameKey("R999", 999), []byte{})
		}},
		{"sources", "run of segments does not hold it", func(tx *bolt.Tx) error {
			k := first(tx, bktSources)
			var r sourceRecord
			if err := json.Unmarshal(tx.Bucket(bktSources).Get(k), &r); err != nil {
				return err
			}
			r.First++
			v, _ := json.Marshal(r)
			return tx.Bucket(bktSources).Put(k, v)
		}},
		{"sources", "says it has 9 segments", func(tx *bolt.Tx) error {
			k := first(tx, bktSources)
			var r sourceRecord
			if err := json.Unmarshal(tx.Bucket(bktSources).Get(k), &r); err != nil {
				return err
			}
			r.Segments = 9
			v, _ := json.Marshal(r)
			return tx.Bucket(bktSources).Put(k, v)
		}},
		{"texts", "chunk at segment 1 does not read", func(tx *bolt.Tx) error { return tx.Bucket(bktTexts).Put(first(tx, bktTexts), []byte{2, 1, 9, 'x'}) }},
		{"texts", "holds texts of 1 segments that do not exist (999…999)", func(tx *bolt.Tx) error {
			return putChunk(tx, 999, "stray")
		}},
		{"texts", "overlaps the one before it", func(tx *bolt.Tx) error { return putChunk(tx, 2, "a") }},
		{"bycase", "expected an entry, found none", func(tx *bolt.Tx) error { return tx.Bucket(bktByCase).Delete(first(tx, bktByCase)) }},
		{"bycase", "holds segments 2…2 that are not the case's", func(tx *bolt.Tx) error {
			return tx.Bucket(bktByCase).Put(first(tx, bktByCase), caseRunValue(2))
		}},
		{"bycase", "run length 00 does not read", func(tx *bolt.Tx) error {
			return tx.Bucket(bktByCase).Put(first(tx, bktByCase), []byte{0})
		}},
		{"texts", "text missing", func(tx *bolt.Tx) error { return tx.Bucket(bktTexts).Delete(first(tx, bktTexts)) }},
		{"casename", "no such case", func(tx *bolt.Tx) error { return tx.Bucket(bktCaseName).Put([]byte("Nobody"), u64(4242)) }},
		{"strix", "no such string", func(tx *bolt.Tx) error { return tx.Bucket(bktStrIx).Put([]byte("stray"), u64(4242)) }},
		{"codername", "expected", func(tx *bolt.Tx) error { return tx.Bucket(bktCoderName).Delete([]byte("alice")) }},
		{"sourcehash", "no source with that hash", func(tx *bolt.Tx) error { return tx.Bucket(bktSourceHash).Put([]byte("feed"), u64(9)) }},
		{"sources", "counts 3 prompts, its context holds 0", func(tx *bolt.Tx) error {
			k := first(tx, bktSources)
			var r sourceRecord
			if err := json.Unmarshal(tx.Bucket(bktSources).Get(k), &r); err != nil {
				return err
			}
			r.Prompts = 3
			v, _ := json.Marshal(r)
			return tx.Bucket(bktSources).Put(k, v)
		}},
		{"sources", "context (the transcript's prompts) does not read", func(tx *bolt.Tx) error {
			k := first(tx, bktSources)
			var r sourceRecord
			if err := json.Unmarshal(tx.Bucket(bktSources).Get(k), &r); err != nil {
				return err
			}
			r.Context = json.RawMessage(`{"k":1}`)
			v, _ := json.Marshal(r)
			return tx.Bucket(bktSources).Put(k, v)
		}},
		{"segments", "does not read", func(tx *bolt.Tx) error { return tx.Bucket(bktSegments).Put(first(tx, bktSegments), []byte{9}) }},
		{"codings", "is not in the codebook", func(tx *bolt.Tx) error {
			k := parseCodingKey(first(tx, bktCodings))
			k.Code = 4000
			if err := tx.Bucket(bktCodings).Put(k.bytes(), make([]byte, 9)); err != nil {
				return err
			}
			if err := tx.Bucket(bktByCode).Put(k.byCode(), nil); err != nil {
				return err
			}
			return tx.Bucket(bktByCoder).Put(k.byCoder(), nil)
		}},
		{"bymarker", "expected an entry, found none", func(tx *bolt.Tx) error { return tx.Bucket(bktByMarker).Delete(first(tx, bktByMarker)) }},
		{"bymarker", "expected no such entry", func(tx *bolt.Tx) error { return tx.Bucket(bktByMarker).Put(byMarkerKey(7, 3), nil) }},
		{"marks", "the segment does not exist", func(tx *bolt.Tx) error {
			if err := tx.Bucket(bktMarks).Put(markKey(999, 1), u64(1)); err != nil {
				return err
			}
			return tx.Bucket(bktByMarker).Put(byMarkerKey(1, 999), nil)
		}},
		{"marks", "want a time of 8 bytes", func(tx *bolt.Tx) error { return tx.Bucket(bktMarks).Put(first(tx, bktMarks), []byte{1}) }},
		{"samples", "segment 999 does not exist", func(tx *bolt.Tx) error {
			return tx.Bucket(bktSamples).Put([]byte("icr"), encodeSample(sampleInfo{}, []SegRef{1, 999}))
		}},
		{"samples", "does not read", func(tx *bolt.Tx) error { return tx.Bucket(bktSamples).Put([]byte("icr"), []byte{1, 2}) }},
		{"journal", "does not read", func(tx *bolt.Tx) error { return tx.Bucket(bktJournal).Put(first(tx, bktJournal), []byte{1}) }},
		{"undo", "does not exist", func(tx *bolt.Tx) error { return tx.Bucket(bktJournal).Delete(first(tx, bktJournal)) }},
		{"undo", "on no coder's undo stack", func(tx *bolt.Tx) error { return tx.Bucket(bktUndo).Delete(first(tx, bktUndo)) }},
	}
	for _, c := range cases {
		t.Run(c.kind+" "+c.says, func(t *testing.T) {
			s, path := newUncheckedProject(t)
			refs := importSurvey(t, s, "s")
			if _, err := s.Apply("alice", refs[0], code(t, s, "Barriers/Workload and time"), Span{}); err != nil {
				t.Fatal(err)
			}
			k := CodingKey{Seg: refs[0], Code: code(t, s, "Barriers/Workload and time"), Coder: mustCoder(t, s, "alice")}
			if _, err := s.SetMemo("alice", k, "a memo"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetReviewed("bob", refs[1], true); err != nil {
				t.Fatal(err)
			}
			s.Close()
			if rep, err := CheckFile(path); err != nil || !rep.OK() {
				t.Fatalf("before: %v %+v", err, rep.Problems)
			}
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(c.spoil); err != nil {
				t.Fatal(err)
			}
			db.Close()
			rep, err := CheckFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rep.Problems {
				if p.Kind == c.kind && strings.Contains(strings.Join(p.Examples, "\n"), c.says) {
					return
				}
			}
			t.Errorf("problems %+v, want %s saying %q", rep.Problems, c.kind, c.says)
		})
	}
}

// putChunk stores texts as one chunk from segment first on.
func putChunk(tx *bolt.Tx, first SegRef, texts ...string) error {
	ch := newTextChunker(tx.Bucket(bktTexts).Put)
	for i, t := range texts {
		if err := ch.add(first+SegRef(i), t); err != nil {
			return err
		}
	}
	return ch.flush()
}
