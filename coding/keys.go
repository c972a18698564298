package coding

import (
	"cmp"
	"encoding/binary"
	"errors"
	"math"
)

// Bucket names. Each bucket holds one kind of record; the layout of its keys
// and values is described beside it.
var (
	bktMeta = []byte("meta") // name → value (schema_version, project_id, name, created)

	// strs interns attribute names and values: id(8) → string; strix: string → id(8).
	bktStrs  = []byte("strs")
	bktStrIx = []byte("strix")

	bktSources    = []byte("sources")    // SourceID(8) → sourceRecord (JSON; a project has few)
	bktSourceHash = []byte("sourcehash") // sha256 hex → SourceID(8)

	// segments: SegRef(8) → segment record (source, case, ordinal, id, attrs);
	// texts: SegRef(8) of a chunk's first segment → the chunk's texts
	// (records_texts.go; schema ≤ 4: SegRef(8) → one UTF-8 text), kept
	// apart so that walks over segments never touch text.
	bktSegments = []byte("segments")
	bktTexts    = []byte("texts")
	bktSegName  = []byte("segname") // segment ID + 0x00 + SegRef(8) → nil
	bktByCase   = []byte("bycase")  // CaseID(8) | SegRef(8) → nil
	// bysource (schema ≤ 4): SourceID(8) | SegRef(8) → nil. Schema 5
	// derives it from the source record's run (sourceRecord.First).
	bktBySource = []byte("bysource")

	bktCases    = []byte("cases")    // CaseID(8) → case record (name, attrs)
	bktCaseName = []byte("casename") // name → CaseID(8)

	bktCodes = []byte("codes") // CodeID(8) → code record (JSON; a codebook has tens of codes)

	bktCoders    = []byte("coders")    // CoderID(8) → name
	bktCoderName = []byte("codername") // name → CoderID(8)

	// codings: SegRef(8) | CodeID(4) | CoderID(4) | start(4) | end(4) → time(8) flags(1).
	// bycode and bycoder hold the same coding under other key orders.
	bktCodings = []byte("codings")
	bktByCode  = []byte("bycode")  // CodeID(4) | SegRef(8) | CoderID(4) | start(4) | end(4) → nil
	bktByCoder = []byte("bycoder") // CoderID(4) | SegRef(8) | CodeID(4) | start(4) | end(4) → nil
	bktMemos   = []byte("memos")   // coding key → memo text
	bktCounts  = []byte("counts")  // CodeID(4) | CoderID(4) → codings(8) segments(8)

	// journal: seq(8) → entry; undo: CoderID(4) | seq(8) → state(1).
	bktJournal = []byte("journal")
	bktUndo    = []byte("undo")

	// marks: SegRef(8) | CoderID(4) → time(8), a coder's "reviewed, nothing
	// applies"; bymarker holds them by coder (marks.go).
	bktMarks    = []byte("marks")
	bktByMarker = []byte("bymarker") // CoderID(4) | SegRef(8) → nil
	// samples: name → the sample's description and its segments (sample.go).
	bktSamples = []byte("samples")
	// targetmemos: kind(1) | target(8) | author CoderID(4) → memo (memo.go):
	// each author's memo on a segment, source, case or code, and the
	// project journal's entries (target = the entry's creation time).
	bktTargetMemos = []byte("targetmemos")
)

// allBuckets are created by Create and checked by Open (see bucketsOf for
// older schemas).
var allBuckets = [][]byte{
	bktMeta, bktStrs, bktStrIx, bktSources, bktSourceHash, bktSegments, bktTexts,
	bktSegName, bktByCase, bktCases, bktCaseName, bktCodes, bktCoders,
	bktCoderName, bktCodings, bktByCode, bktByCoder, bktMemos, bktCounts, bktJournal, bktUndo,
	bktMarks, bktByMarker, bktSamples, bktTargetMemos,
}

// addedIn lists the buckets each schema version added to allBuckets: a
// file of an older version lacks them and is not damaged for that (the
// migration creates them). A new bucket goes into allBuckets and here,
// under SchemaVersion.
var addedIn = map[int][][]byte{
	1: {bktByCode, bktByCoder, bktCounts},
	2: {bktMarks, bktByMarker, bktSamples},
	3: {bktTargetMemos},
	4: nil, // journal entry format 2 and the write-ahead file; no bucket
	5: nil, // texts in chunks; bysource removed (removedIn)
}

// removedIn lists the buckets each schema version took out of allBuckets:
// a file of an older version must still have them.
var removedIn = map[int][][]byte{
	5: {bktBySource},
}

const codingKeyLen = 24

// u64 encodes v as an 8-byte big-endian key.
func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func getU64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// codingKey is the identity of a coding: who applied which code where.
type codingKey struct {
	Seg   SegRef
	Code  CodeID
	Coder CoderID
	Span  Span
}

func (k codingKey) bytes() []byte {
	b := make([]byte, codingKeyLen)
	binary.BigEndian.PutUint64(b[0:], uint64(k.Seg))
	binary.BigEndian.PutUint32(b[8:], uint32(k.Code))
	binary.BigEndian.PutUint32(b[12:], uint32(k.Coder))
	binary.BigEndian.PutUint32(b[16:], uint32(k.Span.Start))
	binary.BigEndian.PutUint32(b[20:], uint32(k.Span.End))
	return b
}

// compare orders keys as their bytes order (-1, 0, 1).
func (k codingKey) compare(o codingKey) int {
	switch {
	case k.Seg != o.Seg:
		return cmp.Compare(k.Seg, o.Seg)
	case k.Code != o.Code:
		return cmp.Compare(k.Code, o.Code)
	case k.Coder != o.Coder:
		return cmp.Compare(k.Coder, o.Coder)
	case k.Span.Start != o.Span.Start:
		return cmp.Compare(k.Span.Start, o.Span.Start)
	}
	return cmp.Compare(k.Span.End, o.Span.End)
}

// byCodeOrder and byCoderOrder order keys as their bycode and bycoder
// layouts' bytes do.
func byCodeOrder(k, o codingKey) int {
	if k.Code != o.Code {
		return cmp.Compare(k.Code, o.Code)
	}
	return k.compare(o)
}

func byCoderOrder(k, o codingKey) int {
	switch {
	case k.Coder != o.Coder:
		return cmp.Compare(k.Coder, o.Coder)
	case k.Seg != o.Seg:
		return cmp.Compare(k.Seg, o.Seg)
	case k.Code != o.Code:
		return cmp.Compare(k.Code, o.Code)
	case k.Span.Start != o.Span.Start:
		return cmp.Compare(k.Span.Start, o.Span.Start)
	}
	return cmp.Compare(k.Span.End, o.Span.End)
}

// appendBytes, appendByCode and appendByCoder append the key in the
// codings, bycode and bycoder layouts (bulk writes build keys in one arena).
func (k codingKey) appendBytes(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(k.Seg))
	b = binary.BigEndian.AppendUint32(b, uint32(k.Code))
	b = binary.BigEndian.AppendUint32(b, uint32(k.Coder))
	b = binary.BigEndian.AppendUint32(b, uint32(k.Span.Start))
	return binary.BigEndian.AppendUint32(b, uint32(k.Span.End))
}

func (k codingKey) appendByCode(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(k.Code))
	b = binary.BigEndian.AppendUint64(b, uint64(k.Seg))
	b = binary.BigEndian.AppendUint32(b, uint32(k.Coder))
	b = binary.BigEndian.AppendUint32(b, uint32(k.Span.Start))
	return binary.BigEndian.AppendUint32(b, uint32(k.Span.End))
}

func (k codingKey) appendByCoder(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(k.Coder))
	b = binary.BigEndian.AppendUint64(b, uint64(k.Seg))
	b = binary.BigEndian.AppendUint32(b, uint32(k.Code))
	b = binary.BigEndian.AppendUint32(b, uint32(k.Span.Start))
	return binary.BigEndian.AppendUint32(b, uint32(k.Span.End))
}

func (k codingKey) byCode() []byte {
	b := make([]byte, codingKeyLen)
	binary.BigEndian.PutUint32(b[0:], uint32(k.Code))
	binary.BigEndian.PutUint64(b[4:], uint64(k.Seg))
	binary.BigEndian.PutUint32(b[12:], uint32(k.Coder))
	binary.BigEndian.PutUint32(b[16:], uint32(k.Span.Start))
	binary.BigEndian.PutUint32(b[20:], uint32(k.Span.End))
	return b
}

func (k codingKey) byCoder() []byte {
	b := make([]byte, codingKeyLen)
	binary.BigEndian.PutUint32(b[0:], uint32(k.Coder))
	binary.BigEndian.PutUint64(b[4:], uint64(k.Seg))
	binary.BigEndian.PutUint32(b[12:], uint32(k.Code))
	binary.BigEndian.PutUint32(b[16:], uint32(k.Span.Start))
	binary.BigEndian.PutUint32(b[20:], uint32(k.Span.End))
	return b
}

func parseCodingKey(b []byte) codingKey {
	return codingKey{
		Seg:   SegRef(binary.BigEndian.Uint64(b[0:])),
		Code:  CodeID(binary.BigEndian.Uint32(b[8:])),
		Coder: CoderID(binary.BigEndian.Uint32(b[12:])),
		Span:  Span{int(binary.BigEndian.Uint32(b[16:])), int(binary.BigEndian.Uint32(b[20:]))},
	}
}

func parseByCodeKey(b []byte) codingKey {
	return codingKey{
		Code:  CodeID(binary.BigEndian.Uint32(b[0:])),
		Seg:   SegRef(binary.BigEndian.Uint64(b[4:])),
		Coder: CoderID(binary.BigEndian.Uint32(b[12:])),
		Span:  Span{int(binary.BigEndian.Uint32(b[16:])), int(binary.BigEndian.Uint32(b[20:]))},
	}
}

func parseByCoderKey(b []byte) codingKey {
	return codingKey{
		Coder: CoderID(binary.BigEndian.Uint32(b[0:])),
		Seg:   SegRef(binary.BigEndian.Uint64(b[4:])),
		Code:  CodeID(binary.BigEndian.Uint32(b[12:])),
		Span:  Span{int(binary.BigEndian.Uint32(b[16:])), int(binary.BigEndian.Uint32(b[20:]))},
	}
}

// segPrefix, segCodePrefix and segCodeCoderPrefix address the codings of a
// segment, of a segment and code, and of a segment, code and coder.
func segPrefix(s SegRef) []byte { return u64(uint64(s)) }

func segCodeCoderPrefix(s SegRef, c CodeID, k CoderID) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, uint64(s))
	binary.BigEndian.PutUint32(b[8:], uint32(c))
	binary.BigEndian.PutUint32(b[12:], uint32(k))
	return b
}

func u32(v uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, v)
	return b
}

func countKey(c CodeID, k CoderID) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint32(b, uint32(c))
	binary.BigEndian.PutUint32(b[4:], uint32(k))
	return b
}

func pairKey(a, b uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, a)
	binary.BigEndian.PutUint64(k[8:], b)
	return k
}

// wbuf builds the compact binary records (segments, cases, journal entries).
type wbuf []byte

func (w *wbuf) uvarint(v uint64) { *w = binary.AppendUvarint(*w, v) }
func (w *wbuf) byte(v byte)      { *w = append(*w, v) }
func (w *wbuf) bytes(b []byte)   { w.uvarint(uint64(len(b))); *w = append(*w, b...) }
func (w *wbuf) str(s string)     { w.uvarint(uint64(len(s))); *w = append(*w, s...) }
func (w *wbuf) varint(v int64)   { *w = binary.AppendVarint(*w, v) }

// rbuf reads what wbuf wrote; the first malformed field sets err and every
// later read returns zero, so decoders check err once at the end.
type rbuf struct {
	b   []byte
	err error
}

// errCorrupt is a record that does not decode: a kind of ErrDamaged.
var errCorrupt error = &kindError{kind: ErrDamaged, err: errors.New("a record does not read")}

func (r *rbuf) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

// varint reads a zig-zag signed varint (binary.PutVarint's) through
// uvarint.
func (r *rbuf) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// uvarint32 reads a uvarint that must fit 32 bits (a code, a coder, a
// span's offset).
func (r *rbuf) uvarint32() uint32 {
	v := r.uvarint()
	if v > math.MaxUint32 {
		r.err = errCorrupt
		return 0
	}
	return uint32(v)
}

func (r *rbuf) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errCorrupt
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *rbuf) bytes() []byte {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) || n > math.MaxInt32 {
		r.err = errCorrupt
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *rbuf) str() string { return string(r.bytes()) }

// pairs and wbuf.pairs read and write interned attribute pairs, as segment
// and case records hold them.
func (r *rbuf) pairs() []strPair {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errCorrupt
		return nil
	}
	out := make([]strPair, n)
	for i := range out {
		out[i] = strPair{r.uvarint(), r.uvarint()}
	}
	return out
}

func (w *wbuf) pairs(ps []strPair) {
	w.uvarint(uint64(len(ps)))
	for _, p := range ps {
		w.uvarint(p.name)
		w.uvarint(p.value)
	}
}
