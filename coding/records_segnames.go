package coding

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
)

// Segment names (schema 5). The segname index finds a segment by its ID
// (codings imports, the command line). Exports number their answers (R1,
// R2 …, A0000001 …, a transcript's fg2#3, fg2#4 …), so an import keeps a
// run of consecutive numbers with one prefix, in consecutive segments, as
// one entry:
//
//	prefix · 0x00 · 0xFF · digits(1) · first number(8) · first SegRef(8) → count (uvarint)
//
// and every other ID as it always was, ID · 0x00 · SegRef(8) → nothing.
// No ID holds 0x00 (files are cleaned of control characters as they are
// read), so a run's key is no other ID's entry, and a lookup of an ID sees
// both kinds. 200,000 answers took 200,000 entries (a tenth of an answer
// import went to putting them); numbered ones now take one per 4,096.
//
// A run is cut at maxNameRun names, so that the runs that may hold a number
// start at most that far before it: a lookup seeks there and steps back
// over the few runs of other sources with the same prefix.
const maxNameRun = 4096

// nameParts splits an ID into a prefix and a trailing decimal number of
// digits digits (1 to 18, leading zeros kept by the count).
func nameParts(id string) (prefix string, n uint64, digits int, ok bool) {
	i := len(id)
	for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	digits = len(id) - i
	if digits == 0 || digits > 18 {
		return "", 0, 0, false
	}
	n, err := strconv.ParseUint(id[i:], 10, 64)
	return id[:i], n, digits, err == nil
}

func nameRunPrefix(prefix string, digits int) []byte {
	k := make([]byte, 0, len(prefix)+19)
	k = append(k, prefix...)
	return append(k, 0, 0xFF, byte(digits))
}

// nameRunKey is the key of a run of names from prefix+n on, starting at
// segment first.
func nameRunKey(prefix string, digits int, n uint64, first SegRef) []byte {
	k := nameRunPrefix(prefix, digits)
	k = binary.BigEndian.AppendUint64(k, n)
	return binary.BigEndian.AppendUint64(k, uint64(first))
}

// nameRunBuilder collects an import's segname entries, segments given in
// SegRef order, one after another.
type nameRunBuilder struct {
	recs []rec

	prefix      string
	digits      int
	n, count    uint64 // the run being built: its first number and length
	first       SegRef
	firstID     string
	inRun, open bool
}

// add names segment ref.
func (b *nameRunBuilder) add(id string, ref SegRef) {
	prefix, n, digits, ok := nameParts(id)
	if b.open && ok && b.inRun && prefix == b.prefix && digits == b.digits && n == b.n+b.count &&
		ref == b.first+SegRef(b.count) && b.count < maxNameRun {
		b.count++
		return
	}
	b.end()
	b.open, b.inRun, b.first, b.firstID, b.count = true, ok, ref, id, 1
	b.prefix, b.n, b.digits = prefix, n, digits
}

// end writes the entry being built: one name as itself, more as a run.
func (b *nameRunBuilder) end() {
	if !b.open {
		return
	}
	if b.count == 1 {
		b.recs = append(b.recs, rec{bktSegName, segNameKey(b.firstID, b.first), []byte{}})
	} else {
		b.recs = append(b.recs, rec{bktSegName, nameRunKey(b.prefix, b.digits, b.n, b.first), binary.AppendUvarint(nil, b.count)})
	}
	b.open = false
}

// segmentNameRecs is what the segname index holds for segments (one
// source's, in SegRef order).
func segmentNameRecs(segs []storedSegment) []rec {
	var b nameRunBuilder
	for _, s := range segs {
		b.add(s.rec.id, s.ref)
	}
	b.end()
	return b.recs
}

// segmentsNamed lists the segments whose ID is id (one per source that
// has it), by the segname index: entries of the ID itself, and runs of
// its prefix that hold its number.
func (r records) segmentsNamed(id string) []SegRef {
	// Keys are built on the stack: a codings import looks up every
	// segment it names.
	var buf, rbuf [96]byte
	prefix := append(append(buf[:0], id...), 0)
	var out []SegRef
	c := r.tx.Bucket(bktSegName).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) == len(prefix)+8 {
			out = append(out, SegRef(getU64(k[len(prefix):])))
		}
	}
	p, n, digits, ok := nameParts(id)
	if !ok {
		return out
	}
	runs := append(append(rbuf[:0], p...), 0, 0xFF, byte(digits))
	k, v := c.Seek(binary.BigEndian.AppendUint64(runs, n+1))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, runs) && len(k) == len(runs)+16; k, v = c.Prev() {
		start := getU64(k[len(runs):])
		if start+maxNameRun <= n {
			break // runs before it end before n
		}
		count, w := binary.Uvarint(v)
		if w <= 0 || n < start || n >= start+count {
			continue
		}
		out = append(out, SegRef(getU64(k[len(runs)+8:]))+SegRef(n-start))
	}
	slices.Sort(out)
	return out
}
