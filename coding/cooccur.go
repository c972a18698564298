package coding

import (
	"math/bits"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// Units a co-occurrence table counts in.
const (
	UnitSegment = "segment"
	UnitCase    = "case"
)

// CooccurQuery says which codes a co-occurrence table pairs and over what.
// The zero value pairs every code over every segment, by any coder.
type CooccurQuery struct {
	Codes  string       // a code path: that code and its descendants; "" every code
	Coders []string     // whose codings count; nil any coder; {Consensus} the team's final coding
	Where  SegmentQuery // only the segments this selects (zero: every segment)
	Unit   string       // UnitSegment (default) or UnitCase
	// Leaves pairs only codes without sub-codes. Otherwise a parent code
	// is in the table too, counting with its descendants.
	Leaves bool
}

// Cooccurrence is the co-occurrence table: for every pair of codes in
// scope applied to at least one common unit, how many units carry both,
// and their Jaccard index. Its JSON form is `qcode cooccur --format json`.
type Cooccurrence struct {
	Unit  string        `json:"unit"`  // "segment" or "case"
	Pairs []CooccurPair `json:"pairs"` // most shared units first, then in codebook order
	// Codes lists every code in scope in tree order with the units that
	// carry it: the axes of a heat table, and the diagonal.
	Codes []CooccurCode `json:"codes"`
	// UnitsTotal counts the units in scope: segments the filter keeps, or
	// their cases (a segment with no case is its own case).
	UnitsTotal int      `json:"units_total"`
	Coders     []string `json:"coders"`          // coders counted; null: any coder
	Where      []string `json:"where,omitempty"` // the filter, as --where spells it
	// Consensus says, when consensus was counted, how many disagreements
	// in scope are not yet settled.
	Consensus *ConsensusSummary `json:"consensus,omitempty"`
}

// CooccurPair is two codes that share units. A and B are in codebook
// order; a code is never paired with its own ancestor (every unit of the
// descendant is the ancestor's).
type CooccurPair struct {
	A        string  `json:"a"`
	B        string  `json:"b"`
	Segments int     `json:"segments,omitempty"` // shared segments (unit segment)
	Cases    int     `json:"cases,omitempty"`    // shared cases (unit case)
	Jaccard  float64 `json:"jaccard"`            // shared ÷ units with either

	CodeA, CodeB CodeID `json:"-"`
}

// Shared is the number of units that carry both codes, whatever the unit.
func (p CooccurPair) Shared() int { return p.Segments + p.Cases }

// CooccurCode is a code of the table with the units that carry it.
type CooccurCode struct {
	Code     CodeID `json:"-"`
	Path     string `json:"path"`
	Name     string `json:"name"`
	Depth    int    `json:"depth"`
	Segments int    `json:"segments,omitempty"`
	Cases    int    `json:"cases,omitempty"`
}

// Units is the number of units that carry the code.
func (c CooccurCode) Units() int { return c.Segments + c.Cases }

// Pair returns the pair of two codes (in either order), if they share a
// unit: a heat table's cell.
func (c *Cooccurrence) Pair(a, b CodeID) (CooccurPair, bool) {
	for _, p := range c.Pairs {
		if (p.CodeA == a && p.CodeB == b) || (p.CodeA == b && p.CodeB == a) {
			return p, true
		}
	}
	return CooccurPair{}, false
}

// Cooccur counts which codes occur together. A unit carries a code when a
// counted coder applied it (or, for a parent, any descendant) anywhere in
// the unit; without Coders that is any coder, so a segment alice coded A
// and bob coded B counts for the pair (A, B), as a report counts both.
// One walk of the bycode index (as the report's), then bitset
// intersections: no text is read.
func (s *Store) Cooccur(q CooccurQuery) (Cooccurrence, error) {
	book := s.Codebook()
	ids, err := book.Match(q.Codes)
	if err != nil {
		return Cooccurrence{}, err
	}
	unit := q.Unit
	switch unit {
	case "", UnitSegment:
		unit = UnitSegment
	case UnitCase:
	default:
		return Cooccurrence{}, errorf(ErrInvalidInput, "unit %q: use segment or case", unit)
	}
	if q.Leaves {
		leaves := ids[:0:0]
		for _, id := range ids {
			if book.IsLeaf(id) {
				leaves = append(leaves, id)
			}
		}
		ids = leaves
	}
	out := Cooccurrence{Unit: unit, Coders: q.Coders, Where: WhereSpecs(q.Where), Pairs: []CooccurPair{}, Codes: []CooccurCode{}}
	err = s.view(func(tx *bolt.Tx) error {
		cs, err := s.readCodedScope(tx, book, ids, q.Coders, q.Where)
		if err != nil {
			return err
		}
		out.Consensus = cs.consensus
		sets := make([]refSet, len(ids))
		for i, id := range ids {
			sets[i] = cs.sets[id]
		}
		if unit == UnitCase {
			sc, err := scanSegments(tx, "", "", "", nil)
			if err != nil {
				return err
			}
			sets, out.UnitsTotal = caseSets(sc, cs.scope, sets)
		} else {
			out.UnitsTotal = cs.scope.Len()
		}
		out.Codes, out.Pairs = cooccurTable(book, ids, sets, unit)
		return nil
	})
	return out, err
}

// caseSets turns segment sets into sets of units (cases; a segment with
// no case is its own), numbered as the segment scan numbers them, and
// counts the units of scope.
func caseSets(sc *segmentScan, scope refSet, segSets []refSet) ([]refSet, int) {
	words := sc.nUnits/64 + 1
	out := make([]refSet, len(segSets))
	for i, set := range segSets {
		u := make(refSet, words)
		set.each(func(ref SegRef) {
			if n := sc.unit[ref]; n >= 0 {
				u[n/64] |= 1 << (uint(n) % 64)
			}
		})
		out[i] = u
	}
	all := make(refSet, words)
	scope.each(func(ref SegRef) {
		if n := sc.unit[ref]; n >= 0 {
			all[n/64] |= 1 << (uint(n) % 64)
		}
	})
	return out, all.Len()
}

// cooccurTable lists each code's units and every pair of codes (not an
// ancestor with its descendant) sharing at least one unit.
func cooccurTable(book *Codebook, ids []CodeID, sets []refSet, unit string) ([]CooccurCode, []CooccurPair) {
	codes := make([]CooccurCode, len(ids))
	sizes := make([]int, len(ids))
	for i, id := range ids {
		c, _ := book.Code(id)
		sizes[i] = sets[i].Len()
		codes[i] = CooccurCode{Code: id, Path: c.Path, Name: c.Name, Depth: c.Depth}
		if unit == UnitCase {
			codes[i].Cases = sizes[i]
		} else {
			codes[i].Segments = sizes[i]
		}
	}
	pairs := []CooccurPair{}
	for i := range ids {
		if sizes[i] == 0 {
			continue
		}
		ancestors := book.Ancestors(ids[i])
		for j := i + 1; j < len(ids); j++ {
			if sizes[j] == 0 {
				continue
			}
			// Tree order puts a code's descendants right after it, so a
			// later code is never i's ancestor; skip i's descendants.
			if isAncestor(book, ids[i], ids[j]) || containsCode(ancestors, ids[j]) {
				continue
			}
			n := intersectCount(sets[i], sets[j])
			if n == 0 {
				continue
			}
			a, _ := book.Code(ids[i])
			b, _ := book.Code(ids[j])
			p := CooccurPair{A: a.Path, B: b.Path, CodeA: ids[i], CodeB: ids[j],
				Jaccard: float64(n) / float64(sizes[i]+sizes[j]-n)}
			if unit == UnitCase {
				p.Cases = n
			} else {
				p.Segments = n
			}
			pairs = append(pairs, p)
		}
	}
	// Most shared first; ties keep codebook order (the loops' order).
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].Shared() > pairs[j].Shared() })
	return codes, pairs
}

// isAncestor tells whether a is an ancestor of b.
func isAncestor(book *Codebook, a, b CodeID) bool {
	return containsCode(book.Ancestors(b), a)
}

func containsCode(ids []CodeID, id CodeID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// intersectCount counts the members two sets share.
func intersectCount(a, b refSet) int {
	n := 0
	for i := range min(len(a), len(b)) {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// CooccurringSegments lists, in project order, the segments behind one
// cell of the table q made: for unit segment, the segments in scope that
// carry both codes; for unit case, the segments in scope of the cases
// that carry both, that carry either code (the passages that make the
// case count). A heat table's enter lists these.
func (s *Store) CooccurringSegments(q CooccurQuery, a, b string) ([]SegRef, error) {
	book := s.Codebook()
	var ids []CodeID
	for _, path := range []string{a, b} {
		sub, err := book.Match(path)
		if err != nil {
			return nil, err
		}
		ids = append(ids, sub...)
	}
	ca, _ := book.Lookup(a)
	cb, _ := book.Lookup(b)
	var out []SegRef
	err := s.view(func(tx *bolt.Tx) error {
		// Each code's own subtree, counted apart: a and b may share
		// descendants only if one is the other's ancestor, which the
		// table never pairs.
		cs, err := s.readCodedScope(tx, book, uniqueCodes(ids), q.Coders, q.Where)
		if err != nil {
			return err
		}
		sa, sb := cs.sets[ca.ID], cs.sets[cb.ID]
		if q.Unit != UnitCase {
			for i := range min(len(sa), len(sb)) {
				w := sa[i] & sb[i]
				for w != 0 {
					out = append(out, SegRef(uint64(i)*64+uint64(bits.TrailingZeros64(w))))
					w &= w - 1
				}
			}
			return nil
		}
		sc, err := scanSegments(tx, "", "", "", nil)
		if err != nil {
			return err
		}
		units, _ := caseSets(sc, cs.scope, []refSet{sa, sb})
		either := make(refSet, max(len(sa), len(sb)))
		either.or(sa)
		either.or(sb)
		either.each(func(ref SegRef) {
			if n := sc.unit[ref]; n >= 0 && units[0].has(SegRef(n)) && units[1].has(SegRef(n)) {
				out = append(out, ref)
			}
		})
		return nil
	})
	return out, err
}

// uniqueCodes drops repeated ids, keeping the first of each.
func uniqueCodes(ids []CodeID) []CodeID {
	seen := map[CodeID]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
