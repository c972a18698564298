package coding

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// `codings export --coder NAME`: one coder's codings, or consensus's as
// derived (consensus.go).

// ExportCodingsOf calls fn for the codings of the named coders (nil: every
// coding, as ExportCodings), in segment order. []string{Consensus} exports
// the team's final coding (consensus.go) and says how far settling has
// got: decisions as stored, with the lead's audit memo, and the codes every
// reviewer of a segment agreed on, as the union of their passages, with
// AgreedMemo.
func (s *Store) ExportCodingsOf(coders []string, fn func(CodingRecord) error) (*ConsensusSummary, error) {
	consensus, err := isConsensus(coders)
	switch {
	case err != nil:
		return nil, err
	case coders == nil:
		return nil, s.ExportCodings(fn)
	}
	if !consensus {
		// Whatever ExportCodings writes for a coder, filtered by name.
		if err := s.view(func(tx *bolt.Tx) error { _, err := s.coderIDs(tx, coders); return err }); err != nil {
			return nil, err
		}
		named := map[string]bool{}
		for _, c := range coders {
			named[c] = true
		}
		return nil, s.ExportCodings(func(r CodingRecord) error {
			if !named[r.Coder] {
				return nil
			}
			return fn(r)
		})
	}
	book := s.Codebook()
	var sum *ConsensusSummary
	err = s.view(func(tx *bolt.Tx) error {
		all, _ := book.Match("")
		v, err := s.consensusView(tx, book, all)
		if err != nil {
			return err
		}
		counted := v.summary(nil)
		sum = &counted
		return s.exportConsensus(tx, v, fn)
	})
	return sum, err
}

// codingRecord builds an exported coding.
func codingRecord(book *Codebook, segment string, code CodeID, coder string, span Span, starred bool, memo string) CodingRecord {
	c, _ := book.Code(code)
	out := CodingRecord{Segment: segment, Code: c.Path, Coder: coder, Starred: starred, Memo: memo}
	if !span.Whole() {
		start, end := span.Start, span.End
		out.Start, out.End = &start, &end
	}
	return out
}

// segmentNamer names segments as exports write them (ID, or source:ID
// where IDs clash), remembering the last one: exports go in segment order.
type segmentNamer struct {
	tx      *bolt.Tx
	sources sourceNames
	ref     SegRef
	id      string
}

func newSegmentNamer(tx *bolt.Tx) *segmentNamer {
	return &segmentNamer{tx: tx, sources: newSourceNames(tx)}
}

func (n *segmentNamer) name(ref SegRef) (string, error) {
	if ref == n.ref && n.id != "" {
		return n.id, nil
	}
	rec, err := recs(n.tx).segment(ref)
	if err != nil {
		return "", fmt.Errorf("segment %d: %w", ref, err)
	}
	n.ref, n.id = ref, qualifiedID(n.tx, n.sources, &rec)
	return n.id, nil
}

// exportConsensus calls fn for each of consensus's codings, in segment
// order, then code order, then passage order: one walk of the codings
// bucket, a segment at a time.
func (s *Store) exportConsensus(tx *bolt.Tx, v *consensusView, fn func(CodingRecord) error) error {
	names := newSegmentNamer(tx)
	table := recs(tx).codings()
	starred := map[codingKey]bool{}
	isStarred := func(k codingKey) bool { return starred[k] }
	var keys []codingKey // one segment's codings that make part of consensus
	flush := func() error {
		for len(keys) > 0 {
			n := 1
			for n < len(keys) && keys[n].Code == keys[0].Code {
				n++
			}
			run := keys[:n]
			keys = keys[n:]
			seg, code := run[0].Seg, run[0].Code
			id, err := names.name(seg)
			if err != nil {
				return err
			}
			if v.decided[itemCode(v.book, code)].has(seg) {
				for _, k := range run {
					if err := fn(codingRecord(v.book, id, code, Consensus, k.Span, starred[k], table.memo(k))); err != nil {
						return err
					}
				}
				continue
			}
			memo := AgreedMemo(v.reviewersOf(seg))
			for _, p := range unionPassages(run, isStarred) {
				if err := fn(codingRecord(v.book, id, code, Consensus, p.span, p.starred, memo)); err != nil {
					return err
				}
			}
		}
		clear(starred)
		return nil
	}
	c := table.cursor()
	for row, val := c.first(); c.holds(row); row, val = c.next() {
		key := row.key()
		if len(keys) > 0 && keys[0].Seg != key.Seg {
			if err := flush(); err != nil {
				return err
			}
		}
		if !v.sets[key.Code].has(key.Seg) || !v.takes(key, v.decided[itemCode(v.book, key.Code)]) {
			continue
		}
		keys = append(keys, key)
		_, starred[key] = val.stamp()
	}
	return flush()
}
