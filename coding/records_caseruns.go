package coding

import (
	"bytes"
	"encoding/binary"
)

// The bycase index (schema 5) holds runs: CaseID(8) | SegRef(8) of the
// run's first segment → the run's length as a uvarint, where an empty
// value is a run of one. An import numbers its segments in one run, and a
// survey lists each respondent's answers together, so 200,000 answers of
// 40,000 respondents take 40,000 entries instead of 200,000 (each a bbolt
// Put, a tenth of an import). A transcript's turns alternate speakers:
// runs of one, as every entry of schema 4 and older was, so those files
// and their journals read as they are. A run lies within one source.

// caseRunValue encodes a run's length.
func caseRunValue(n uint64) []byte {
	if n == 1 {
		return []byte{}
	}
	return binary.AppendUvarint(nil, n)
}

// caseRunLen decodes a run's length (ok false: it does not read, or is
// not as caseRunValue writes it: one as a uvarint, or a uvarint in more
// bytes than it needs).
func caseRunLen(v []byte) (uint64, bool) {
	if len(v) == 0 {
		return 1, true
	}
	n, w := binary.Uvarint(v)
	return n, w == len(v) && n >= 2 && minimalUvarint(v, w)
}

// caseRun is one entry of the bycase index.
type caseRun struct {
	caseID CaseID
	first  SegRef
	n      uint64
}

func (r caseRun) key() []byte           { return pairKey(uint64(r.caseID), uint64(r.first)) }
func (r caseRun) holds(ref SegRef) bool { return ref >= r.first && uint64(ref-r.first) < r.n }

// caseRunOf finds the run of case id that holds ref (false: none).
func (r records) caseRunOf(id CaseID, ref SegRef) (caseRun, bool) {
	c := r.tx.Bucket(bktByCase).Cursor()
	key := pairKey(uint64(id), uint64(ref))
	k, v := c.Seek(key)
	if !bytes.Equal(k, key) {
		k, v = c.Prev()
	}
	if len(k) != 16 || getU64(k) != uint64(id) {
		return caseRun{}, false
	}
	n, ok := caseRunLen(v)
	run := caseRun{id, SegRef(getU64(k[8:])), n}
	return run, ok && run.holds(ref)
}

// moveSegmentCase moves a segment from one case's run (0: none) to a run
// of its own in another case, journaled: the run it leaves is cut in two
// around it.
func (a *action) moveSegmentCase(ref SegRef, from, to CaseID) error {
	if from != 0 {
		run, ok := recs(a.tx).caseRunOf(from, ref)
		if !ok {
			return errorf(errCorrupt, "segment %d is in no run of case %d", ref, from)
		}
		head := uint64(ref - run.first)
		tail := run.n - head - 1
		var v []byte // nil: the run is gone
		if head > 0 {
			v = caseRunValue(head)
		}
		if err := a.putRecord(bktByCase, run.key(), v); err != nil {
			return err
		}
		if tail > 0 {
			if err := a.putRecord(bktByCase, pairKey(uint64(from), uint64(ref)+1), caseRunValue(tail)); err != nil {
				return err
			}
		}
	}
	return a.putRecord(bktByCase, pairKey(uint64(to), uint64(ref)), caseRunValue(1))
}

// caseRunKeys lists the keys of the bycase runs that hold segs (a source's
// segments, in SegRef order, with their cases).
func (r records) caseRunKeys(segs []storedSegment) [][]byte {
	var out [][]byte
	var last caseRun
	for _, s := range segs {
		if s.rec.caseID == 0 || (s.rec.caseID == last.caseID && last.holds(s.ref)) {
			continue
		}
		if run, ok := r.caseRunOf(s.rec.caseID, s.ref); ok {
			out = append(out, run.key())
			last = run
		}
	}
	return out
}

// caseRunBuilder collects an import's bycase runs: segments given in
// SegRef order, one after another.
type caseRunBuilder struct {
	runs  []rec
	arena []byte // the runs' keys, never outgrown
	cur   caseRun
}

// newCaseRunBuilder makes a builder for at most runs runs (an import
// counts the runs of case names in its file).
func newCaseRunBuilder(runs int) *caseRunBuilder {
	return &caseRunBuilder{runs: make([]rec, 0, runs), arena: make([]byte, 0, 16*runs)}
}

// add puts segment ref in case id's run.
func (b *caseRunBuilder) add(ref SegRef, id CaseID) {
	if b.cur.n > 0 && id == b.cur.caseID && ref == b.cur.first+SegRef(b.cur.n) {
		b.cur.n++
		return
	}
	b.end()
	b.cur = caseRun{id, ref, 1}
	if id == 0 {
		b.cur.n = 0
	}
}

// end closes the run being built.
func (b *caseRunBuilder) end() {
	if b.cur.n == 0 {
		return
	}
	start := len(b.arena)
	b.arena = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b.arena, uint64(b.cur.caseID)), uint64(b.cur.first))
	b.runs = append(b.runs, rec{bktByCase, b.arena[start:len(b.arena):len(b.arena)], caseRunValue(b.cur.n)})
	b.cur = caseRun{}
}
