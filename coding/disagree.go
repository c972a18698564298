package coding

import (
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"qcode/coding/agreement"
)

// A disagreement is about one code on one segment: the coders did not all
// apply it. It is judged on the code's own codings (not its descendants'):
// whenever the coders differ on a parent's inclusive value they also differ
// on some code of its subtree, and a decision about one code is what a lead
// can settle. A code group is the exception: its levels are exclusive (one
// per segment and coder), so they are judged and settled together, as one
// item named by the group.

// DisagreeQuery selects the disagreements to list.
type DisagreeQuery struct {
	Code      string          // a code path: it and its descendants; "" every code
	Coders    []string        // coders compared (at least two); nil: as Agreement's default
	Source    string          // only this source (by name)
	Where     []AttrCondition // only segments that meet every condition
	Units     UnitScope       // the segments compared, as Agreement's ("" reviewed)
	Sample    string          // only this sample's segments (sets Units)
	Unsettled bool            // leave out the items consensus has decided
}

// DisagreementList is the adjudication queue: each item, and how many are
// settled ("settled N of M").
type DisagreementList struct {
	Coders    []string        `json:"coders"`
	UnitScope UnitScope       `json:"unit_scope"`
	Sample    string          `json:"sample,omitempty"`
	Where     []AttrCondition `json:"where,omitempty"`
	Units     int             `json:"units"` // segments compared
	Items     []Disagreement  `json:"items"`
	Total     int             `json:"total"`   // disagreements in scope, settled or not
	Settled   int             `json:"settled"` // of Total, those with a consensus decision
}

// Disagreement is one segment and code on which the compared coders differ.
type Disagreement struct {
	Seg     SegRef `json:"-"`
	Segment string `json:"segment"` // the segment ID (source:ID where IDs clash)
	Source  string `json:"source"`
	Text    string `json:"text"`
	Code    CodeID `json:"-"`
	Path    string `json:"code"`  // the code, or the code group whose level differs
	Group   bool   `json:"group"` // Code is a code group: its levels are decided together
	// Versions holds each compared coder's codings of the item, in the
	// order of DisagreementList.Coders.
	Versions []Version `json:"versions"`
	// Consensus holds consensus's codings of the item; Settled tells
	// whether a decision exists (codings, or a recorded "none").
	Consensus  []Passage   `json:"consensus"`
	Settled    bool        `json:"settled"`
	Settlement *Settlement `json:"settlement,omitempty"`
}

// Version is one coder's codings of a disagreement's code on its segment.
type Version struct {
	Coder    string    `json:"coder"`
	Passages []Passage `json:"codings"` // empty: the coder did not apply it
	// NotReviewed: the coder never reviewed the segment (neither coded nor
	// marked it), so their empty version is no opinion, and is not compared.
	NotReviewed bool `json:"not_reviewed,omitempty"`
}

// Passage is a coding seen from a disagreement: which code, where.
type Passage struct {
	Code    CodeID `json:"-"`
	Path    string `json:"path"`
	Span    Span   `json:"-"`
	Start   *int   `json:"start,omitempty"` // nil for the whole segment
	End     *int   `json:"end,omitempty"`
	Starred bool   `json:"starred,omitempty"`
	Memo    string `json:"memo,omitempty"`
}

func newPassage(book *Codebook, code CodeID, span Span, st *codingState) Passage {
	p := Passage{Code: code, Span: span}
	if c, ok := book.byID[code]; ok {
		p.Path = c.Path
	}
	if !span.Whole() {
		start, end := span.Start, span.End
		p.Start, p.End = &start, &end
	}
	if st != nil {
		p.Starred, p.Memo = st.Starred, st.Memo
	}
	return p
}

// itemCode is the code a disagreement or decision about code is filed
// under: its code group when code is a level, else code itself.
func itemCode(book *Codebook, code CodeID) CodeID {
	if g, ok := book.GroupOf(code); ok {
		return g.ID
	}
	return code
}

// itemScope lists the codes an item covers: a code group and its levels,
// or the code alone.
func itemScope(book *Codebook, item CodeID) []CodeID {
	c, ok := book.byID[item]
	if !ok || !c.Group {
		return []CodeID{item}
	}
	out := []CodeID{item}
	for _, kid := range book.children[item] {
		out = append(out, kid.ID)
	}
	return out
}

// Disagreements lists every segment and code on which the compared coders
// differ (one applied the code, another did not; for a code group, their
// levels differ), in segment order, with each coder's codings and spans and
// the consensus decision if any. Spans are shown but a difference of span
// alone is not a disagreement: units are segments, as in Agreement, and
// only Agreement's units are looked at (by default the segments every
// compared coder reviewed): a segment one coder never read holds nothing
// to settle. With three or more coders the default queue compares, on each
// segment at least two of them reviewed, the versions of those who did:
// what consensus leaves open (a code not every reviewer applied) is what
// the queue lists, so settling it all leaves nothing open.
func (s *Store) Disagreements(q DisagreeQuery) (DisagreementList, error) {
	book := s.Codebook()
	out := DisagreementList{Items: []Disagreement{}, Sample: q.Sample, Where: q.Where}
	if err := s.CheckWhere(q.Where); err != nil {
		return out, err
	}
	var err error
	if out.UnitScope, err = unitScope(q.Units, q.Sample); err != nil {
		return out, err
	}
	scope, err := newDisagreeScope(book, q.Code)
	if err != nil {
		return out, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		w, err := s.newDisagreeWalk(tx, scope, q, &out)
		if err != nil {
			return err
		}
		if scope.everything {
			return w.walkAll()
		}
		return w.walkCodes()
	})
	return out, err
}

// disagreeScope is the codebook's side of a disagreement listing: the
// codes compared, the order items are listed in, and each level's bit
// within its item, so that a coder's version of an item is a bitmask and
// comparing versions allocates nothing.
type disagreeScope struct {
	book       *Codebook
	inScope    []bool         // by code ID: compared
	pos        map[CodeID]int // a code's place in the codebook
	bit        []uint         // by code ID: its bit within its item
	everything bool           // every code is compared
}

func newDisagreeScope(book *Codebook, code string) (*disagreeScope, error) {
	scope, err := book.Match(code)
	if err != nil {
		return nil, err
	}
	var maxCode CodeID
	for _, c := range book.codes {
		maxCode = max(maxCode, c.ID)
	}
	d := &disagreeScope{book: book, inScope: make([]bool, maxCode+1), pos: make(map[CodeID]int, len(book.codes)),
		bit: make([]uint, maxCode+1), everything: len(scope) == len(book.codes)}
	for _, id := range scope {
		for _, c := range itemScope(book, itemCode(book, id)) {
			d.inScope[c] = true
		}
	}
	for i, c := range book.codes {
		d.pos[c.ID] = i
		if c.Group {
			for i, kid := range book.children[c.ID] {
				d.bit[kid.ID] = uint(min(i+1, 63)) // 63 levels are plenty
			}
		}
	}
	return d, nil
}

// disagreeWalk is one read of the disagreements inside a transaction: the
// compared coders and units, the buckets a disagreement is read from, and
// the listing being built.
type disagreeWalk struct {
	*disagreeScope
	q         DisagreeQuery
	tx        *bolt.Tx
	out       *DisagreementList
	slot      map[CoderID]int // a compared coder's column; consensus is -1
	units     agreement.Bitset
	reviewers []agreement.Bitset // per column; nil: every unit counts for everyone

	rs          records
	codings     codingTable
	sourceNames sourceNames
	masks       []uint64 // per column, reused for each item
}

func (s *Store) newDisagreeWalk(tx *bolt.Tx, scope *disagreeScope, q DisagreeQuery, out *DisagreementList) (*disagreeWalk, error) {
	names, ids, err := s.comparedCoders(tx, q.Coders)
	if err != nil {
		return nil, err
	}
	out.Coders = names
	w := &disagreeWalk{disagreeScope: scope, q: q, tx: tx, out: out, slot: map[CoderID]int{},
		rs: recs(tx), codings: recs(tx).codings(), sourceNames: newSourceNames(tx),
		masks: make([]uint64, len(ids))}
	for i, id := range ids {
		w.slot[id] = i
	}
	if id, ok := s.coderID(tx, Consensus); ok {
		w.slot[id] = -1
	}
	if w.units, w.reviewers, err = comparedUnits(tx, out.UnitScope, q.Source, q.Where, q.Sample, ids); err != nil {
		return nil, err
	}
	out.Units = w.units.Count()
	return w, nil
}

// relevant tells a coding's column, when the listing compares it.
func (w *disagreeWalk) relevant(k codingKey) (int, bool) {
	if int(k.Code) >= len(w.inScope) || !w.inScope[k.Code] || !w.units.Has(int(k.Seg)) {
		return 0, false
	}
	i, ok := w.slot[k.Coder]
	return i, ok
}

// walkAll compares every code: the codings bucket is already in segment
// order, so one cursor walk hands each segment's codings over in turn.
func (w *disagreeWalk) walkAll() error {
	var list []segCoding
	var seg SegRef
	c := w.codings.cursor()
	for row, val := c.first(); c.holds(row); row, val = c.next() {
		key := row.key()
		if key.Seg != seg && len(list) > 0 {
			if err := w.segment(seg, list); err != nil {
				return err
			}
			list = list[:0]
		}
		seg = key.Seg
		if i, ok := w.relevant(key); ok {
			list = append(list, segCoding{key: key, slot: i, value: []byte(val)})
		}
	}
	if len(list) > 0 {
		return w.segment(seg, list)
	}
	return nil
}

// walkCodes compares part of the codebook: only its codes' codings, read
// from bycode and put in segment order.
func (w *disagreeWalk) walkCodes() error {
	var list []segCoding
	for id, in := range w.inScope {
		if !in {
			continue
		}
		walkByCode(w.tx, CodeID(id), func(k codingKey) {
			if i, ok := w.relevant(k); ok {
				list = append(list, segCoding{key: k, slot: i})
			}
		})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].key.Seg < list[j].key.Seg })
	for len(list) > 0 {
		n := 1
		for n < len(list) && list[n].key.Seg == list[0].key.Seg {
			n++
		}
		if err := w.segment(list[0].key.Seg, list[:n]); err != nil {
			return err
		}
		list = list[n:]
	}
	return nil
}

// segment takes the relevant codings of one segment, item by item, and
// adds its disagreements to the listing.
func (w *disagreeWalk) segment(seg SegRef, list []segCoding) error {
	book := w.book
	sort.SliceStable(list, func(i, j int) bool {
		return w.pos[itemCode(book, list[i].key.Code)] < w.pos[itemCode(book, list[j].key.Code)]
	})
	var at *segmentAt
	for len(list) > 0 {
		id := itemCode(book, list[0].key.Code)
		n := 1
		for n < len(list) && itemCode(book, list[n].key.Code) == id {
			n++
		}
		group := list[:n]
		list = list[n:]
		hasConsensus := w.versions(group)
		if !w.differ(seg) {
			continue
		}
		st, hasMarker, err := w.rs.settlement(seg, id)
		if err != nil {
			return err
		}
		done := hasMarker || hasConsensus
		w.out.Total++
		if done {
			w.out.Settled++
		}
		if w.q.Unsettled && done {
			continue
		}
		if at == nil {
			if at, err = w.readSegment(seg); err != nil {
				return err
			}
		}
		d := w.disagreement(seg, at, id, group)
		d.Settled = done
		if hasMarker {
			d.Settlement = &st
		}
		w.out.Items = append(w.out.Items, d)
	}
	return nil
}

// versions folds an item's codings into each column's bitmask and tells
// whether the item has a consensus coding (a settled decision).
func (w *disagreeWalk) versions(group []segCoding) (hasConsensus bool) {
	clear(w.masks)
	for _, c := range group {
		if c.slot < 0 {
			hasConsensus = true
		} else {
			w.masks[c.slot] |= 1 << w.bit[c.key.Code]
		}
	}
	return hasConsensus
}

// differ tells whether the coders who reviewed seg hold different
// versions of the item folded last; a coder who did not review it has no
// opinion and is not compared.
func (w *disagreeWalk) differ(seg SegRef) bool {
	first := -1
	for i, m := range w.masks {
		if w.reviewers != nil && !w.reviewers[i].Has(int(seg)) {
			continue
		}
		if first < 0 {
			first = i
		} else if m != w.masks[first] {
			return true
		}
	}
	return false
}

// segmentAt is what a disagreement shows of its segment, read once per
// segment that has one.
type segmentAt struct {
	id, source, text string
}

func (w *disagreeWalk) readSegment(seg SegRef) (*segmentAt, error) {
	rec, err := w.rs.segment(seg)
	if err != nil {
		return nil, fmt.Errorf("segment %d: %w", seg, err)
	}
	return &segmentAt{id: qualifiedID(w.tx, w.sourceNames, &rec), source: w.sourceNames[rec.source],
		text: string(w.rs.text(seg))}, nil
}

// disagreement builds one entry: each coder's version and the consensus.
func (w *disagreeWalk) disagreement(seg SegRef, at *segmentAt, id CodeID, group []segCoding) Disagreement {
	code := w.book.byID[id]
	d := Disagreement{Seg: seg, Segment: at.id, Source: at.source, Text: at.text, Code: id, Path: code.Path, Group: code.Group,
		Consensus: []Passage{}}
	for i, n := range w.out.Coders {
		d.Versions = append(d.Versions, Version{Coder: n, Passages: []Passage{},
			NotReviewed: w.reviewers != nil && !w.reviewers[i].Has(int(seg))})
	}
	for _, c := range group {
		if c.slot < 0 {
			d.Consensus = append(d.Consensus, w.passage(c))
		} else {
			d.Versions[c.slot].Passages = append(d.Versions[c.slot].Passages, w.passage(c))
		}
	}
	return d
}

// passage reads a coding's state for a version.
func (w *disagreeWalk) passage(c segCoding) Passage {
	st := w.codings.stateFrom(c.key, c.value)
	return newPassage(w.book, c.key.Code, c.key.Span, &st)
}

// comparedUnits is the set of segments a disagreement listing compares,
// chosen as Agreement chooses its units, so that the queue holds the
// disagreements the agreement figures count. Under UnitsReviewed it also
// gives each coder's reviewed segments, and the units are those at least
// two coders reviewed: with two coders, Agreement's units exactly; with
// more, every segment where consensus may be left open.
func comparedUnits(tx *bolt.Tx, scope UnitScope, source string, where []AttrCondition, sample string, ids []CoderID) (agreement.Bitset, []agreement.Bitset, error) {
	base, err := unitSet(tx, source, where)
	if err != nil {
		return nil, nil, err
	}
	size := len(base) * 64
	coded := make([]agreement.Bitset, len(ids))
	reviewed := make([]agreement.Bitset, len(ids))
	switch scope {
	case UnitsCoded:
		for c, coder := range ids {
			coded[c] = agreement.NewBitset(size)
			walkByCoder(tx, coder, func(seg SegRef, _ CodeID) {
				if int(seg) < size {
					coded[c].Set(int(seg))
				}
			})
		}
	case UnitsSample:
		for c, coder := range ids {
			reviewed[c] = agreement.NewBitset(size)
			reviewedBits(tx, coder, reviewed[c])
		}
	case UnitsReviewed:
		one, two := agreement.NewBitset(size), agreement.NewBitset(size)
		for c, coder := range ids {
			reviewed[c] = agreement.NewBitset(size)
			reviewedBits(tx, coder, reviewed[c])
			for w, bits := range reviewed[c] {
				two[w] |= one[w] & bits
				one[w] |= bits
			}
		}
		two.And(base)
		return two, reviewed, nil
	}
	mask, err := unitMask(tx, scope, sample, base, coded, reviewed)
	return mask, nil, err
}

// segCoding is a coding relevant to a disagreement listing: its key, the
// compared coder's slot (-1 for consensus) and, when the walk had it, its
// stored value.
type segCoding struct {
	key   codingKey
	slot  int
	value []byte
}

// qualifiedID is a segment's ID, or source:ID when another source shares it.
func qualifiedID(tx *bolt.Tx, names sourceNames, rec *segmentRecord) string {
	if len(refsNamed(tx, rec.id)) > 1 {
		return names[rec.source] + ":" + rec.id
	}
	return rec.id
}
