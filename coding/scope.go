package coding

import (
	bolt "go.etcd.io/bbolt"
)

// codedScope is what the co-occurrence table and the code matrix read in
// one transaction: the segments a filter keeps, and per code the segments
// among them that carry it, counted as the report counts (see Report):
// a code where any coder applied it (or only the coders asked), consensus
// derived when asked, a parent holding its descendants' segments.
type codedScope struct {
	scope     refSet            // segments the filter keeps
	sets      map[CodeID]refSet // per code: its segments within scope
	consensus *ConsensusSummary // when consensus was counted
}

// readCodedScope counts the codes ids (a tree-ordered list: parents roll
// their descendants up when both are in it) on the segments where selects,
// by coders (nil: any coder; {Consensus}: the team's final coding). The
// filter's coder-relative terms (uncoded, coded, unreviewed, starred) read
// the same coders; for consensus they read every coder.
func (s *Store) readCodedScope(tx *bolt.Tx, book *Codebook, ids []CodeID, coders []string, where SegmentQuery) (*codedScope, error) {
	consensus, err := isConsensus(coders)
	if err != nil {
		return nil, err
	}
	if !consensus {
		where.Coders = coders
	}
	refs, err := s.selectRefs(tx, where)
	if err != nil {
		return nil, err
	}
	out := &codedScope{scope: newRefSet(recs(tx).maxSegment())}
	for _, r := range refs {
		out.scope.add(r)
	}
	if consensus {
		v, err := s.consensusView(tx, book, ids)
		if err != nil {
			return nil, err
		}
		out.sets = v.codeSets(ids, out.scope)
		sum := v.summary(out.scope)
		out.consensus = &sum
		return out, nil
	}
	allowed, err := s.allowedCoders(tx, coders)
	if err != nil {
		return nil, err
	}
	out.sets, _ = codeSets(tx, book, ids, out.scope, allowed, false)
	return out, nil
}

// WhereSpecs spells a filter's conditions as --where takes them, for the
// output that states what it counted.
func WhereSpecs(q SegmentQuery) []string {
	var out []string
	for _, t := range q.Terms() {
		out = append(out, t.Spec())
	}
	return out
}
