// Package legacy turns a project's records back into the layout older
// schemas wrote, for tests of migrations and of merging older copies. It
// reads and writes bbolt directly and imports nothing of qcode's, so that
// package coding's own tests can use it.
package legacy

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// AsLayout4 rewrites schema 5's records as schema 4 (and every older
// schema) kept them: one raw text per segment number in texts, the
// bysource index (source | segment → nil), source records without their
// run (first, refs), and a bycase entry per segment (case | segment → nil)
// and a segname entry per segment (ID | 0x00 | segment → nil) instead of
// runs. The schema_version key is the caller's.
func AsLayout4(tx *bolt.Tx) error {
	texts := tx.Bucket([]byte("texts"))
	if texts == nil {
		return errors.New("no texts bucket")
	}
	type kv struct{ k, v []byte }
	var raw []kv
	err := texts.ForEach(func(k, v []byte) error {
		first := binary.BigEndian.Uint64(k)
		n, w := binary.Uvarint(v)
		if w <= 0 {
			return fmt.Errorf("chunk %d does not read", first)
		}
		v = v[w:]
		lens := make([]uint64, n)
		for i := range lens {
			l, w := binary.Uvarint(v)
			if w <= 0 {
				return fmt.Errorf("chunk %d does not read", first)
			}
			lens[i], v = l, v[w:]
		}
		for i, l := range lens {
			raw = append(raw, kv{u64(first + uint64(i)), bytes.Clone(v[:l])})
			v = v[l:]
		}
		return nil
	})
	if err != nil {
		return err
	}
	var by [][]byte
	sources := tx.Bucket([]byte("sources"))
	var rewrite []kv
	err = sources.ForEach(func(k, v []byte) error {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		var first, segments uint64
		var refs []uint64
		json.Unmarshal(rec["first"], &first)
		json.Unmarshal(rec["segments"], &segments)
		json.Unmarshal(rec["refs"], &refs)
		if refs == nil {
			for i := uint64(0); i < segments; i++ {
				refs = append(refs, first+i)
			}
		}
		for _, ref := range refs {
			by = append(by, append(bytes.Clone(k), u64(ref)...))
		}
		delete(rec, "first")
		delete(rec, "refs")
		nv, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		rewrite = append(rewrite, kv{bytes.Clone(k), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range rewrite {
		if err := sources.Put(r.k, r.v); err != nil {
			return err
		}
	}
	if err := tx.DeleteBucket([]byte("texts")); err != nil {
		return err
	}
	if texts, err = tx.CreateBucket([]byte("texts")); err != nil {
		return err
	}
	for _, r := range raw {
		if err := texts.Put(r.k, r.v); err != nil {
			return err
		}
	}
	if err := splitCaseRuns(tx.Bucket([]byte("bycase"))); err != nil {
		return err
	}
	if err := splitNameRuns(tx.Bucket([]byte("segname"))); err != nil {
		return err
	}
	b, err := tx.CreateBucket([]byte("bysource"))
	if err != nil {
		return err
	}
	for _, k := range by {
		if err := b.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// splitCaseRuns rewrites each bycase run (case | first → length as a
// uvarint, empty: one) as the entries of one segment each it stands for.
func splitCaseRuns(b *bolt.Bucket) error {
	if b == nil {
		return errors.New("no bycase bucket")
	}
	var runs [][2][]byte
	err := b.ForEach(func(k, v []byte) error {
		if len(v) > 0 {
			runs = append(runs, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range runs {
		n, w := binary.Uvarint(r[1])
		if w != len(r[1]) || len(r[0]) != 16 {
			return fmt.Errorf("bycase %x = %x does not read", r[0], r[1])
		}
		first := binary.BigEndian.Uint64(r[0][8:])
		for i := uint64(0); i < n; i++ {
			if err := b.Put(append(bytes.Clone(r[0][:8]), u64(first+i)...), []byte{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// splitNameRuns rewrites each segname run (prefix | 0x00 0xFF | digits(1)
// | first number(8) | first segment(8) → count as a uvarint) as the
// entries of one segment each it stands for (ID | 0x00 | segment → nil),
// the ID being the prefix and the number in digits digits.
func splitNameRuns(b *bolt.Bucket) error {
	if b == nil {
		return errors.New("no segname bucket")
	}
	var runs [][2][]byte
	err := b.ForEach(func(k, v []byte) error {
		if i := bytes.IndexByte(k, 0); i >= 0 && len(k) == i+19 && k[i+1] == 0xFF {
			runs = append(runs, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range runs {
		k := r[0]
		i := bytes.IndexByte(k, 0)
		prefix, digits := k[:i], int(k[i+2])
		n, first := binary.BigEndian.Uint64(k[i+3:]), binary.BigEndian.Uint64(k[i+11:])
		count, w := binary.Uvarint(r[1])
		if w != len(r[1]) {
			return fmt.Errorf("segname %x = %x does not read", k, r[1])
		}
		if err := b.Delete(k); err != nil {
			return err
		}
		for j := uint64(0); j < count; j++ {
			id := fmt.Sprintf("%s%0*d", prefix, digits, n+j)
			if err := b.Put(append(append([]byte(id), 0), u64(first+j)...), []byte{}); err != nil {
				return err
			}
		}
	}
	return nil
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
