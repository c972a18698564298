package coding

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// chunkOf is the chunk textChunker writes for texts of consecutive
// segments (the first one's, when it cuts them into several).
func chunkOf(texts ...string) []byte {
	var out [][]byte
	c := newTextChunker(func(k, v []byte) error {
		out = append(out, v)
		return nil
	})
	for i, s := range texts {
		c.add(SegRef(i+1), s)
	}
	c.flush()
	return out[0]
}

// overCut is a chunk of two texts whose first is textChunkBytes long: the
// writer cuts a chunk once its texts reach that size, so it writes these
// two as two chunks.
func overCut() []byte {
	v := binary.AppendUvarint([]byte{2}, textChunkBytes)
	v = append(v, 1)
	return append(append(v, strings.Repeat("x", textChunkBytes)...), 'y')
}

// FuzzDecodeTextChunk feeds arbitrary bytes to the texts chunk reader
// (records_texts.go): it must never panic, and a chunk it accepts must be
// exactly what textChunker writes for the texts it read, so that reads and
// check agree with the writer on what a chunk is.
func FuzzDecodeTextChunk(f *testing.F) {
	for _, seed := range [][]byte{
		chunkOf("one"),
		chunkOf(""),
		chunkOf("", "", ""),
		chunkOf("a", "", "bc"),
		chunkOf(strings.Split(strings.Repeat("t,", 63)+"t", ",")...), // 64
		chunkOf(strings.Repeat("x", textChunkBytes-1), "y"),          // just under the size cut
		chunkOf(strings.Repeat("é", textChunkBytes)),                 // one text over it
		{0x01, 0x80, 0x00},      // a length of 0, written in two bytes
		{0x81, 0x00, 0x00},      // a count of 1, written in two bytes
		{0x02, 0x01, 0x01, 'a'}, // one byte short
		{0x01, 0x01, 'a', 'b'},  // one byte over
		{0x41},                  // 65 texts
		{0x00},                  // none
		{0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // a length of 2^64-1
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		offs, body, ok := decodeTextChunk(v, nil)
		if !ok {
			return
		}
		if len(offs) < 2 || offs[0] != 0 || offs[len(offs)-1] != len(body) {
			t.Fatalf("accepted %x with offsets %v over %d bytes", v, offs, len(body))
		}
		texts := make([]string, len(offs)-1)
		for i := range texts {
			texts[i] = string(body[offs[i]:offs[i+1]])
		}
		var chunks [][]byte
		c := newTextChunker(func(k, v []byte) error {
			if len(chunks) == 0 && binary.BigEndian.Uint64(k) != 7 {
				t.Fatalf("first chunk at %x, want 7", k)
			}
			chunks = append(chunks, v)
			return nil
		})
		for i, s := range texts {
			if err := c.add(SegRef(7+i), s); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.flush(); err != nil {
			t.Fatal(err)
		}
		if len(chunks) != 1 || !bytes.Equal(chunks[0], v) {
			t.Fatalf("accepted %x, which textChunker writes as %d chunks %x", v, len(chunks), chunks)
		}
	})
}

// FuzzCaseRunLen feeds arbitrary bytes to the bycase run length reader
// (records_caseruns.go): a length it accepts is at least one and is
// exactly what caseRunValue writes for it.
func FuzzCaseRunLen(f *testing.F) {
	for _, seed := range [][]byte{{}, caseRunValue(2), caseRunValue(64), caseRunValue(40000), caseRunValue(1 << 62),
		{0x01}, {0x00}, {0x82, 0x00}, {0x80}, {0x02, 0x00}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		n, ok := caseRunLen(v)
		if !ok {
			return
		}
		if n < 1 {
			t.Fatalf("accepted %x as a run of %d", v, n)
		}
		if w := caseRunValue(n); !bytes.Equal(w, v) {
			t.Fatalf("accepted %x as a run of %d, which caseRunValue writes %x", v, n, w)
		}
	})
}
