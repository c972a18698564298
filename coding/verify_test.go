package coding

import (
	"encoding/binary"
	"errors"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestWritesVerifyWhatTheyRead spoils, behind the store's back, a record
// that an action reads, and checks that the action refuses with ErrDamaged,
// changes nothing, and that the store takes no later write either.
func TestWritesVerifyWhatTheyRead(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(tx *bolt.Tx, k codingKey) error
		act   func(s *Store, k codingKey) error
	}{
		{"a coding's value does not read", func(tx *bolt.Tx, k codingKey) error {
			return tx.Bucket(bktCodings).Put(k.bytes(), []byte{1, 2, 3})
		}, remove},
		{"the index entry of a removed coding is missing", func(tx *bolt.Tx, k codingKey) error {
			return tx.Bucket(bktByCoder).Delete(k.byCoder())
		}, remove},
		{"a tally would go below zero", func(tx *bolt.Tx, k codingKey) error {
			return tx.Bucket(bktCounts).Delete(countKey(k.Code, k.Coder))
		}, remove},
		{"a tally counts more segments than codings", func(tx *bolt.Tx, k codingKey) error {
			v := make([]byte, 16)
			binary.BigEndian.PutUint64(v, 1)
			binary.BigEndian.PutUint64(v[8:], 3)
			return tx.Bucket(bktCounts).Put(countKey(k.Code, k.Coder), v)
		}, func(s *Store, k codingKey) error {
			_, err := s.Apply("alice", k.Seg+1, k.Code, Span{})
			return err
		}},
		{"a journal entry does not read", func(tx *bolt.Tx, k codingKey) error {
			j := tx.Bucket(bktJournal)
			last, _ := j.Cursor().Last()
			return j.Put(append([]byte(nil), last...), []byte{1, 0xff})
		}, func(s *Store, k codingKey) error {
			_, err := s.Undo("alice")
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newUncheckedProject(t)
			refs := importSurvey(t, s, "s")
			code := code(t, s, "Barriers/Workload and time")
			if _, err := s.Apply("alice", refs[1], code, Span{}); err != nil {
				t.Fatal(err)
			}
			k := codingKey{Seg: refs[1], Code: code, Coder: mustCoder(t, s, "alice")}
			if err := s.update(func(tx *bolt.Tx) error { return c.spoil(tx, k) }); err != nil {
				t.Fatal(err)
			}
			before := dump(s)
			if err := c.act(s, k); !errors.Is(err, ErrDamaged) {
				t.Fatalf("the action: %v, want ErrDamaged", err)
			}
			if dump(s) != before {
				t.Errorf("a refused action changed the project")
			}
			if _, err := s.Apply("bob", refs[3], code, Span{}); !errors.Is(err, ErrDamaged) {
				t.Errorf("a later write: %v, want ErrDamaged", err)
			}
		})
	}
}

func remove(s *Store, k codingKey) error {
	_, err := s.Remove("alice", CodingKey(k))
	return err
}
