package coding

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// A merge journals one operation per coding it writes, millions at a time:
// the record and source fields stay behind a pointer (they were inline, and
// made every operation 192 bytes).
func TestCodingOpIsSmall(t *testing.T) {
	if size := unsafe.Sizeof(op{}); size > 64 {
		t.Errorf("an operation takes %d bytes, want at most 64", size)
	}
}

// The index writes sort keys by their fields; the order must be the bytes'
// order of each layout, or bbolt's puts would not be sequential.
func TestKeyOrdersMatchBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	key := func() codingKey {
		k := codingKey{Seg: SegRef(rng.IntN(4)), Code: CodeID(rng.IntN(4)), Coder: CoderID(rng.IntN(4))}
		if rng.IntN(2) == 0 {
			k.Span = Span{rng.IntN(3), 3 + rng.IntN(3)}
		}
		return k
	}
	for i := 0; i < 5000; i++ {
		a, b := key(), key()
		for _, c := range []struct {
			name  string
			order func(x, y codingKey) int
			bytes func(codingKey) []byte
		}{
			{"codings", codingKey.compare, codingKey.bytes},
			{"bycode", byCodeOrder, codingKey.byCode},
			{"bycoder", byCoderOrder, codingKey.byCoder},
		} {
			if got, want := c.order(a, b), bytes.Compare(c.bytes(a), c.bytes(b)); got != want {
				t.Fatalf("%s order of %+v and %+v: %d, bytes say %d", c.name, a, b, got, want)
			}
		}
	}
}

// Of two changes to one key the later wins; a batch already in strict key
// order is taken as it is.
func TestLastChanges(t *testing.T) {
	st := func(t int64) *codingState { return &codingState{Time: t} }
	k := func(seg int) codingKey { return codingKey{Seg: SegRef(seg), Code: 1, Coder: 1} }
	for _, c := range []struct {
		name string
		in   []codingChange
		want []codingChange
	}{
		{"empty", nil, nil},
		{"sorted", []codingChange{{k(1), st(1)}, {k(2), nil}, {k(3), st(3)}}, []codingChange{{k(1), st(1)}, {k(2), nil}, {k(3), st(3)}}},
		{"unsorted", []codingChange{{k(3), st(3)}, {k(1), st(1)}}, []codingChange{{k(1), st(1)}, {k(3), st(3)}}},
		{"later wins", []codingChange{{k(2), st(1)}, {k(1), st(1)}, {k(2), nil}}, []codingChange{{k(1), st(1)}, {k(2), nil}}},
		{"later wins, adjacent", []codingChange{{k(1), nil}, {k(1), st(7)}}, []codingChange{{k(1), st(7)}}},
	} {
		got := lastChanges(c.in)
		if len(got) != len(c.want) {
			t.Errorf("%s: %d changes, want %d", c.name, len(got), len(c.want))
			continue
		}
		for i := range got {
			if got[i].key != c.want[i].key || (got[i].after == nil) != (c.want[i].after == nil) ||
				(got[i].after != nil && *got[i].after != *c.want[i].after) {
				t.Errorf("%s: change %d is %+v, want %+v", c.name, i, got[i], c.want[i])
			}
		}
		if c.name == "sorted" && &got[0] != &c.in[0] {
			t.Errorf("a sorted batch was copied")
		}
	}
}
