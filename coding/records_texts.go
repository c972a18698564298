package coding

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// Texts, from schema 5, are stored in chunks: a run of consecutive segments
// of one source (up to textChunkSegments of them, or until the texts reach
// textChunkBytes) under the SegRef of its first segment. A chunk is its
// count, each text's length (uvarints), then the texts one after another.
//
// Why: an import wrote one texts key per answer, and bbolt's Put into a
// tree that grows by 200,000 keys in one transaction costs about a
// microsecond a key (two binary searches in one growing node, and its
// regrowth), a fifth of an answer import. A chunk is one Put for 64 answers;
// reading a text costs a seek (instead of a Get) and reading at most 64
// lengths, and walks in SegRef order (searches, suggestions) keep the
// chunk at hand (textReader).
//
// A chunk never spans two sources, so removing a source removes whole
// chunks. Files of schema 4 and older (a merge reads older copies as they
// are) keep one raw text per SegRef; textReader reads both, telling them
// apart by the bysource bucket, which only those files have.
const (
	textChunkSegments = 64
	textChunkBytes    = 16 << 10
)

// textChunker cuts one source's texts, given in SegRef order, into chunks.
type textChunker struct {
	first SegRef
	lens  []int
	body  []byte
	put   func(key, value []byte) error
}

func newTextChunker(put func(key, value []byte) error) *textChunker {
	return &textChunker{put: put, lens: make([]int, 0, textChunkSegments)}
}

// add appends the text of segment ref, which follows the previous one.
func (t *textChunker) add(ref SegRef, text string) error {
	if len(t.lens) > 0 && ref != t.first+SegRef(len(t.lens)) {
		if err := t.flush(); err != nil {
			return err
		}
	}
	if len(t.lens) == 0 {
		t.first = ref
	}
	t.lens = append(t.lens, len(text))
	t.body = append(t.body, text...)
	if len(t.lens) == textChunkSegments || len(t.body) >= textChunkBytes {
		return t.flush()
	}
	return nil
}

// flush puts the chunk being built (a new buffer: bbolt keeps what it is
// given until the commit).
func (t *textChunker) flush() error {
	if len(t.lens) == 0 {
		return nil
	}
	n := binary.MaxVarintLen64 * (1 + len(t.lens))
	v := make([]byte, 0, n+len(t.body))
	v = binary.AppendUvarint(v, uint64(len(t.lens)))
	for _, l := range t.lens {
		v = binary.AppendUvarint(v, uint64(l))
	}
	v = append(v, t.body...)
	t.lens, t.body = t.lens[:0], t.body[:0]
	return t.put(u64(uint64(t.first)), v)
}

// decodeTextChunk reads a chunk's text lengths into offs (the start of each
// text in body and the end of the last: len(offs) = count+1). ok is false
// when the chunk does not read (lengths that overrun it or leave bytes), or
// is not as textChunker writes it: a number in more bytes than it needs,
// texts that reach textChunkBytes before the last one (the writer cuts the
// chunk there). What reads is then exactly what the writer wrote for its
// texts (FuzzDecodeTextChunk), and check sees any other bytes.
func decodeTextChunk(v []byte, offs []int) (_ []int, body []byte, ok bool) {
	n, w := binary.Uvarint(v)
	if w <= 0 || n == 0 || n > textChunkSegments || !minimalUvarint(v, w) {
		return offs, nil, false
	}
	v = v[w:]
	offs = append(offs[:0], 0)
	for i := uint64(0); i < n; i++ {
		l, w := binary.Uvarint(v)
		if w <= 0 || l > uint64(len(v)) || !minimalUvarint(v, w) {
			return offs[:0], nil, false
		}
		v = v[w:]
		offs = append(offs, offs[i]+int(l))
		if i+1 < n && offs[i+1] >= textChunkBytes {
			return offs[:0], nil, false
		}
	}
	if offs[n] != len(v) {
		return offs[:0], nil, false
	}
	return offs, v, true
}

// minimalUvarint tells whether the uvarint of w bytes at the start of v is
// written in as few bytes as binary.AppendUvarint writes it (a last byte
// of zero after a continuation byte adds nothing).
func minimalUvarint(v []byte, w int) bool { return w == 1 || v[w-1] != 0 }

// textReader reads texts by SegRef. It keeps the last chunk it read, so
// refs asked in rising order (a walk) cost a seek per chunk; any other
// order works too.
type textReader struct {
	b      *bolt.Bucket
	c      *bolt.Cursor
	legacy bool // raw texts by SegRef (schema ≤ 4)
	key    []byte
	first  SegRef
	offs   []int // of the chunk at first; empty: none held
	body   []byte
}

// texts reads segment texts in this transaction.
func (r records) texts() *textReader {
	b := r.tx.Bucket(bktTexts)
	return &textReader{b: b, c: b.Cursor(), legacy: r.tx.Bucket(bktBySource) != nil, key: make([]byte, 8)}
}

// get is a segment's text, valid for the transaction's life (nil when
// there is none, or its chunk does not read: check reports that).
func (t *textReader) get(ref SegRef) []byte {
	binary.BigEndian.PutUint64(t.key, uint64(ref))
	if t.legacy {
		return t.b.Get(t.key)
	}
	if len(t.offs) == 0 || ref < t.first || ref >= t.first+SegRef(len(t.offs)-1) {
		if !t.load(ref) {
			return nil
		}
	}
	i := int(ref - t.first)
	return t.body[t.offs[i]:t.offs[i+1]:t.offs[i+1]]
}

// load finds the chunk that holds ref: the last one that starts at or
// before it.
func (t *textReader) load(ref SegRef) bool {
	t.offs = t.offs[:0]
	k, v := t.c.Seek(t.key)
	if k == nil {
		k, v = t.c.Last()
	} else if !bytes.Equal(k, t.key) {
		k, v = t.c.Prev()
	}
	if len(k) != 8 {
		return false
	}
	first := SegRef(getU64(k))
	offs, body, ok := decodeTextChunk(v, t.offs)
	t.offs = offs
	if !ok {
		t.offs = t.offs[:0]
		return false
	}
	if ref >= first+SegRef(len(offs)-1) {
		t.offs = t.offs[:0]
		return false
	}
	t.first, t.body = first, body
	return true
}

// chunkKeys lists the keys of the texts chunks of a source's segments
// (refs in rising order): chunks start at one of them and never span
// sources.
func (r records) chunkKeys(refs []SegRef) [][]byte {
	if len(refs) == 0 {
		return nil
	}
	b := r.tx.Bucket(bktTexts)
	var out [][]byte
	if refs[len(refs)-1]-refs[0] == SegRef(len(refs)-1) { // a run: walk its keys
		c := b.Cursor()
		end := uint64(refs[len(refs)-1])
		for k, _ := c.Seek(u64(uint64(refs[0]))); k != nil && len(k) == 8 && getU64(k) <= end; k, _ = c.Next() {
			out = append(out, bytes.Clone(k))
		}
		return out
	}
	for _, ref := range refs {
		if k := u64(uint64(ref)); b.Get(k) != nil {
			out = append(out, k)
		}
	}
	return out
}
