package coding

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Segment is the unit a coder reads and codes, with what a view needs to
// show it.
type Segment struct {
	Ref      SegRef
	ID       string // the human-readable segment ID
	Source   string // the source's name
	SourceID SourceID
	Case     string // the case's name ("" when unknown)
	CaseID   CaseID
	Ordinal  int // 1-based position in its source
	Text     string
	// Attributes merges the segment's own attributes, then its case's, then
	// its source's; a name appears once and the segment's value wins.
	Attributes []Attribute
	Codings    []Coding
	// Marks are the review marks ("reviewed, nothing applies") of the
	// coders whose codings are loaded.
	Marks []Mark
}

// Attr returns the value of a merged attribute ("" when absent). The name
// matches whatever its case: Attributes holds one entry per attribute.
func (s *Segment) Attr(name string) string {
	return attrValue(s.Attributes, name)
}

// SegmentQuery selects segments: every condition set must hold (AND).
// Zero fields select everything. Terms lists the conditions one by one,
// and With and Without add and take them away, as a filter bar does.
type SegmentQuery struct {
	Source string // only this source (by name)
	// Case: only this case's segments, the case named as users type it
	// (fg2:P1 for a transcript's speaker), as FindCase reads it.
	Case    string
	Code    string // only segments with this code or a descendant
	Uncoded bool   // only segments with no coding
	Coded   bool   // only segments with at least one coding
	// Unreviewed: only segments neither coded nor marked "reviewed,
	// nothing applies" (by Coders).
	Unreviewed bool
	Starred    bool      // only segments with a starred coding (a quote)
	Coders     []string  // codings that count (for Code, Uncoded, Coded, Unreviewed and Starred) and are shown; nil: every coder
	CodedBy    string    // only segments this coder coded, whatever Coders says
	Attr       Attribute // only segments whose merged attribute Attr.Name (any case) equals Attr.Value
	// Attrs: only segments whose merged attributes match every one of
	// these too (names in any case, values exactly).
	Attrs []Attribute
	// Where: only segments that meet every one of these conditions too
	// (a value among several, or none of them; see AttrCondition).
	Where  []AttrCondition
	Text   string // only segments whose text contains this, ignoring case
	Sample string // only the segments of this sample
	// Refs, when not nil, keeps only these segments: the ones a screen
	// shows, so that "code every match" codes what the coder saw and
	// confirmed even if a condition would now read otherwise. It is not a
	// term of the filter bar (Terms leaves it out).
	Refs []SegRef
}

// RefSet is a set of segments as a bitset over their refs (refs are dense,
// so a million segments take 125 KB).
type RefSet []uint64

type refSet = RefSet

func newRefSet(max SegRef) RefSet  { return make(RefSet, uint64(max)/64+1) }
func (s RefSet) add(r SegRef)      { s[uint64(r)/64] |= 1 << (uint64(r) % 64) }
func (s RefSet) has(r SegRef) bool { return s.Has(r) }

// Has tells whether r is in the set.
func (s RefSet) Has(r SegRef) bool {
	w := uint64(r) / 64
	return w < uint64(len(s)) && s[w]&(1<<(uint64(r)%64)) != 0
}

// Set adds r to the set (or takes it out), growing the set as needed.
func (s *RefSet) Set(r SegRef, in bool) {
	w := uint64(r) / 64
	for uint64(len(*s)) <= w {
		*s = append(*s, 0)
	}
	if in {
		(*s)[w] |= 1 << (uint64(r) % 64)
	} else {
		(*s)[w] &^= 1 << (uint64(r) % 64)
	}
}

// Len counts the members.
func (s RefSet) Len() (n int) {
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Coded returns the segments that coders (nil: anyone) have coded, from the
// by-coder index: what "coded N/M" and "next uncoded" need.
func (s *Store) Coded(coders []CoderID) (RefSet, error) {
	var out RefSet
	err := s.view(func(tx *bolt.Tx) error {
		out = codedSet(tx, recs(tx).maxSegment(), coders)
		return nil
	})
	return out, err
}

// IsZero tells whether the query selects every segment.
func (q SegmentQuery) IsZero() bool {
	return q.Source == "" && q.Case == "" && q.Code == "" && !q.Uncoded && !q.Coded && !q.Unreviewed && !q.Starred && q.Coders == nil &&
		q.CodedBy == "" && q.Attr == (Attribute{}) && len(q.Attrs) == 0 && len(q.Where) == 0 && q.Text == "" && q.Sample == "" && q.Refs == nil
}

// SegmentRefs lists the refs of the segments q selects, in project order.
func (s *Store) SegmentRefs(q SegmentQuery) ([]SegRef, error) {
	var out []SegRef
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = s.selectRefs(tx, q)
		return err
	})
	return out, err
}

func (s *Store) coderIDs(tx *bolt.Tx, names []string) ([]CoderID, error) {
	if names == nil {
		return nil, nil
	}
	ids := make([]CoderID, 0, len(names))
	for _, n := range names {
		id, ok := s.coderID(tx, n)
		if !ok {
			return nil, errorf(ErrNotFound, "no coder %q (coders: %s)", n, listOrNone(s.codingCoders(tx)))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *Store) selectRefs(tx *bolt.Tx, q SegmentQuery) ([]SegRef, error) {
	coders, err := s.coderIDs(tx, q.Coders)
	if err != nil {
		return nil, err
	}
	rs := recs(tx)
	var refs []SegRef
	if q.Source != "" {
		src, err := findSource(tx, q.Source)
		if err != nil {
			return nil, err
		}
		refs = rs.segmentsOf(&src)
	} else {
		c := rs.segments()
		for sk, _ := c.first(); c.holds(sk); sk, _ = c.next() {
			ref := sk.ref()
			refs = append(refs, ref)
		}
	}
	max := rs.maxSegment()
	keep := func(set refSet, want bool) {
		out := refs[:0]
		for _, r := range refs {
			if set.has(r) == want {
				out = append(out, r)
			}
		}
		refs = out
	}
	if q.Case != "" {
		id, err := findCase(tx, q.Case)
		if err != nil {
			return nil, err
		}
		set := newRefSet(max)
		rs.eachSegmentOfCase(id, func(ref SegRef) bool {
			set.add(ref)
			return true
		})
		keep(set, true)
	}
	if q.Refs != nil {
		set := newRefSet(max)
		for _, r := range q.Refs {
			if r <= max {
				set.add(r)
			}
		}
		keep(set, true)
	}
	if q.Code != "" {
		ids, err := s.Codebook().Match(q.Code)
		if err != nil {
			return nil, err
		}
		set := newRefSet(max)
		for _, id := range ids {
			walkByCode(tx, id, func(k codingKey) {
				if coders == nil || containsCoder(coders, k.Coder) {
					set.add(k.Seg)
				}
			})
		}
		keep(set, true)
	}
	if q.Uncoded || q.Coded {
		set := codedSet(tx, max, coders)
		if q.Uncoded {
			keep(set, false)
		}
		if q.Coded {
			keep(set, true)
		}
	}
	if q.Unreviewed {
		set := codedSet(tx, max, coders)
		markedSet(tx, set, coders)
		keep(set, false)
	}
	if q.Sample != "" {
		_, members, err := readSample(tx, q.Sample)
		if err != nil {
			return nil, err
		}
		set := newRefSet(max)
		for _, r := range members {
			set.Set(r, true)
		}
		keep(set, true)
	}
	if q.Starred {
		keep(starredSet(tx, max, coders), true)
	}
	if q.CodedBy != "" {
		by, err := s.coderIDs(tx, []string{q.CodedBy})
		if err != nil {
			return nil, err
		}
		keep(codedSet(tx, max, by), true)
	}
	for _, attr := range append([]Attribute{q.Attr}, q.Attrs...) {
		if attr.Name == "" || len(refs) == 0 {
			continue
		}
		set, err := s.attrSet(tx, max, refs, attr)
		if err != nil {
			return nil, err
		}
		keep(set, true)
	}
	if m := newWhereMatcher(tx, q.Where); m != nil {
		out := refs[:0]
		for _, r := range refs {
			ok, err := m.matchRef(tx, r)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, r)
			}
		}
		refs = out
	}
	if q.Text != "" {
		needle := strings.ToLower(q.Text)
		out := refs[:0]
		texts := rs.texts()
		for _, r := range refs {
			if containsFold(texts.get(r), needle) {
				out = append(out, r)
			}
		}
		refs = out
	}
	return refs, nil
}

// containsFold reports whether text contains the lower-cased needle,
// ignoring case; ASCII text (most answers) avoids allocating.
func containsFold(text []byte, needle string) bool {
	for _, b := range text {
		if b >= 0x80 {
			return strings.Contains(strings.ToLower(string(text)), needle)
		}
	}
	n := len(needle)
	for i := 0; i+n <= len(text); i++ {
		j := 0
		for ; j < n; j++ {
			b := text[i+j]
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			if b != needle[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// codedSet marks the segments that have any coding by coders (nil: anyone).
func codedSet(tx *bolt.Tx, max SegRef, coders []CoderID) refSet {
	set := newRefSet(max)
	rs := recs(tx)
	if coders == nil {
		c := rs.codings().cursor()
		for row, _ := c.first(); c.holds(row); row, _ = c.next() {
			set.add(row.seg())
		}
		return set
	}
	c := rs.byCoder()
	for _, coder := range coders {
		for k := c.seek(coder); c.holds(k); k = c.next() {
			set.add(k.seg())
		}
	}
	return set
}

// starredSet marks the segments that have a starred coding by coders
// (nil: anyone). Stars live in the codings' values, so this reads every
// coding once, in key order.
func starredSet(tx *bolt.Tx, max SegRef, coders []CoderID) refSet {
	set := newRefSet(max)
	c := recs(tx).codings().cursor()
	for row, val := c.first(); c.holds(row); row, val = c.next() {
		if !row.wellFormed() || !val.starred() {
			continue
		}
		if key := row.key(); coders == nil || containsCoder(coders, key.Coder) {
			set.add(key.Seg)
		}
	}
	return set
}

// markedSet adds to set the segments that coders (nil: anyone) marked
// "reviewed, nothing applies".
func markedSet(tx *bolt.Tx, set refSet, coders []CoderID) {
	if coders != nil {
		for _, coder := range coders {
			walkMarks(tx, coder, func(seg SegRef) { set.Set(seg, true) })
		}
		return
	}
	_ = recs(tx).eachMark(func(row storedMark) error {
		set.Set(row.seg(), true)
		return nil
	})
}

// attrSet marks the segments among refs whose merged attribute matches.
// It reads each record's source, case and attribute pairs in place, as a
// report does (a filter over a million segments is a walk, not a decode
// of each).
func (s *Store) attrSet(tx *bolt.Tx, max SegRef, refs []SegRef, want Attribute) (refSet, error) {
	set := newRefSet(max)
	lookup := newAttrLookup(tx)
	r := newAttrResolver(tx, lookup, want.Name)
	value, interned := recs(tx).interned(want.Value)
	if len(r.names) == 0 || !interned {
		return set, nil
	}
	check := func(ref SegRef, v []byte) error {
		rec, ok := scanSegmentRecord(v)
		if !ok {
			return fmt.Errorf("segment %d: %w", ref, errCorrupt)
		}
		if r.value(rec.source, rec.caseID, rec.pairs) == value {
			set.add(ref)
		}
		return nil
	}
	rs := recs(tx)
	if uint64(len(refs)) < uint64(max)/16 {
		segs := rs.forwardSegments()
		for _, ref := range refs {
			if err := check(ref, segs.get(ref)); err != nil {
				return nil, err
			}
		}
		return set, nil
	}
	// Most segments: one cursor walk costs less than a lookup each.
	in := newRefSet(max)
	for _, ref := range refs {
		in.add(ref)
	}
	c := rs.segments()
	for sk, v := c.first(); c.holds(sk); sk, v = c.next() {
		ref := sk.ref()
		if in.has(ref) {
			if err := check(ref, v); err != nil {
				return nil, err
			}
		}
	}
	return set, nil
}

// attrLookup resolves a merged attribute of a segment (segment, then case,
// then source), caching cases and sources as it goes.
type attrLookup struct {
	tx      *bolt.Tx
	in      *interner
	names   *nameIndex
	cases   map[CaseID][]strPair
	sources map[SourceID][]strPair
}

func newAttrLookup(tx *bolt.Tx) *attrLookup {
	in := newInterner(tx, nil)
	return &attrLookup{tx: tx, in: in, names: newNameIndex(tx, in), cases: map[CaseID][]strPair{}, sources: map[SourceID][]strPair{}}
}

func (l *attrLookup) caseAttrs(id CaseID) []strPair {
	if id == 0 {
		return nil
	}
	if p, ok := l.cases[id]; ok {
		return p
	}
	r, _ := recs(l.tx).caseRecord(id)
	l.cases[id] = r.attrs
	return r.attrs
}

func (l *attrLookup) sourceAttrs(id SourceID) []strPair {
	if p, ok := l.sources[id]; ok {
		return p
	}
	// Every source at once: a project has few, and reading them one by
	// one would decode every record once per source.
	srcs, _ := readSources(l.tx)
	for _, src := range srcs {
		var pairs []strPair
		for _, a := range src.Attributes {
			n, err1 := l.in.id(a.Name)
			v, err2 := l.in.id(a.Value)
			if err1 == nil && err2 == nil {
				pairs = append(pairs, strPair{n, v})
			}
		}
		l.sources[src.ID] = pairs
	}
	if _, ok := l.sources[id]; !ok {
		l.sources[id] = nil
	}
	return l.sources[id]
}

// value returns the interned value of an attribute on a segment, the name
// given as the ids of its spellings.
func (l *attrLookup) value(rec *segmentRecord, name nameIDs) (uint64, bool) {
	for _, layer := range [][]strPair{rec.attrs, l.caseAttrs(rec.caseID), l.sourceAttrs(rec.source)} {
		for _, p := range layer {
			if name.has(p.name) {
				return p.value, true
			}
		}
	}
	return 0, false
}

// merged returns every attribute of a segment, segment's first: one entry
// per attribute whatever the case of its name, with the segment's value
// winning over its case's and its source's, and the name spelt as first
// stored (the lowest interned id among the spellings the segment has).
func (l *attrLookup) merged(rec *segmentRecord) []Attribute {
	out := make([]Attribute, 0, len(rec.attrs)+4)
	at := map[string]int{} // fold key → index in out
	first := make([]uint64, 0, len(rec.attrs)+4)
	for _, layer := range [][]strPair{rec.attrs, l.caseAttrs(rec.caseID), l.sourceAttrs(rec.source)} {
		for _, p := range layer {
			key := l.names.fold(p.name)
			if i, ok := at[key]; ok {
				if p.name < first[i] {
					first[i] = p.name
					out[i].Name = l.in.str(p.name)
				}
				continue
			}
			at[key] = len(out)
			first = append(first, p.name)
			out = append(out, Attribute{Name: l.in.str(p.name), Value: l.in.str(p.value)})
		}
	}
	return out
}

// Segments returns the segments q selects, with text, attributes and
// codings (of q.Coders, or every coder).
func (s *Store) Segments(q SegmentQuery) ([]Segment, error) {
	var out []Segment
	err := s.view(func(tx *bolt.Tx) error {
		refs, err := s.selectRefs(tx, q)
		if err != nil {
			return err
		}
		coders, err := s.coderIDs(tx, q.Coders)
		if err != nil {
			return err
		}
		out, err = s.load(tx, refs, coders)
		return err
	})
	return out, err
}

// Load returns the given segments in the given order, with the codings of
// coders (nil: every coder).
func (s *Store) Load(refs []SegRef, coders []CoderID) ([]Segment, error) {
	var out []Segment
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = s.load(tx, refs, coders)
		return err
	})
	return out, err
}

func (s *Store) load(tx *bolt.Tx, refs []SegRef, coders []CoderID) ([]Segment, error) {
	out := make([]Segment, 0, len(refs))
	lookup := newAttrLookup(tx)
	rs := recs(tx)
	sourceNames := map[SourceID]string{}
	caseNames := map[CaseID]string{}
	anyMarks := rs.anyMarks() // most projects have none: spare a seek per segment
	texts := rs.texts()       // neighbours share a chunk: one seek for many
	for _, ref := range refs {
		rec, err := rs.segment(ref)
		text := texts.get(ref)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", ref, err)
		}
		seg := Segment{Ref: ref, ID: rec.id, SourceID: rec.source, CaseID: rec.caseID, Ordinal: rec.ordinal,
			Text: string(text), Attributes: lookup.merged(&rec)}
		name, ok := sourceNames[rec.source]
		if !ok {
			srcs, _ := readSources(tx)
			for _, src := range srcs {
				sourceNames[src.ID] = src.Name
			}
			name = sourceNames[rec.source]
		}
		seg.Source = name
		if rec.caseID != 0 {
			cn, ok := caseNames[rec.caseID]
			if !ok {
				cr, _ := rs.caseRecord(rec.caseID)
				cn = CaseDisplay(cr.name)
				caseNames[rec.caseID] = cn
			}
			seg.Case = cn
		}
		seg.Codings = s.readCodings(tx, ref, coders)
		if anyMarks {
			seg.Marks = s.readMarks(tx, ref, coders)
		}
		out = append(out, seg)
	}
	return out, nil
}

// Resolve finds a segment by its ID. An ID that several sources share must
// be written "source:ID".
func (s *Store) Resolve(id string) (SegRef, error) {
	var ref SegRef
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		ref, err = resolveSegment(tx, newSourceNames(tx), id)
		return err
	})
	return ref, err
}

// sourceNames caches source names for resolving many IDs in one transaction.
type sourceNames map[SourceID]string

func newSourceNames(tx *bolt.Tx) sourceNames {
	out := sourceNames{}
	srcs, _ := readSources(tx)
	for _, src := range srcs {
		out[src.ID] = src.Name
	}
	return out
}

func resolveSegment(tx *bolt.Tx, names sourceNames, id string) (SegRef, error) {
	refs := refsNamed(tx, id)
	if len(refs) == 1 {
		return refs[0], nil
	}
	if len(refs) > 1 {
		var in []string
		rs := recs(tx)
		for _, r := range refs {
			rec, _ := rs.segment(r)
			in = append(in, names[rec.source])
		}
		return 0, errorf(ErrConflict, "segment ID %q is in %d sources (%s): write it as source:%s", id, len(refs), strings.Join(in, ", "), id)
	}
	if i := strings.IndexByte(id, ':'); i > 0 {
		src, segID := id[:i], id[i+1:]
		rs := recs(tx)
		for _, r := range refsNamed(tx, segID) {
			rec, _ := rs.segment(r)
			if names[rec.source] == src {
				return r, nil
			}
		}
	}
	return 0, errorf(ErrNotFound, "no segment %q", id)
}

// QualifiedID is the name under which a segment re-imports unambiguously:
// its ID, or "source:ID" when another source has the same ID.
func (s *Store) QualifiedID(seg *Segment) string {
	var n int
	_ = s.view(func(tx *bolt.Tx) error {
		n = len(refsNamed(tx, seg.ID))
		return nil
	})
	if n > 1 {
		return seg.Source + ":" + seg.ID
	}
	return seg.ID
}

// AttributeValues lists every attribute name in the project with its
// distinct values (merged over segments, cases and sources), names and
// values sorted: what a filter by attribute offers. Names that differ only
// in case are one attribute, spelt as first stored.
func (s *Store) AttributeValues() ([]AttributeValues, error) {
	var out []AttributeValues
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = attributeValues(tx)
		return err
	})
	return out, err
}

// attributeValues is AttributeValues inside a transaction.
func attributeValues(tx *bolt.Tx) ([]AttributeValues, error) {
	type attr struct {
		first  uint64 // lowest interned id among its spellings
		name   string
		values map[string]bool
	}
	byFold := map[string]*attr{}
	err := func() error {
		in := newInterner(tx, nil)
		add := func(nameID uint64, name, value string) {
			key := foldName(name)
			a := byFold[key]
			if a == nil {
				a = &attr{first: nameID, name: name, values: map[string]bool{}}
				byFold[key] = a
			} else if nameID < a.first {
				a.first, a.name = nameID, name
			}
			a.values[value] = true
		}
		seen := map[strPair]bool{}
		addPairs := func(pairs []strPair) {
			for _, p := range pairs {
				if !seen[p] {
					seen[p] = true
					add(p.name, in.str(p.name), in.str(p.value))
				}
			}
		}
		rs := recs(tx)
		c := rs.segments()
		for sk, v := c.first(); c.holds(sk); sk, v = c.next() {
			ref := sk.ref()
			rec, err := decodeSegment(v)
			if err != nil {
				return fmt.Errorf("segment %d: %w", ref, err)
			}
			addPairs(rec.attrs)
		}
		var bad error
		rs.eachCase(func(_ CaseID, v []byte) bool {
			r, err := decodeCase(v)
			addPairs(r.attrs)
			bad = err
			return err == nil
		})
		if bad != nil {
			return bad
		}
		srcs, err := readSources(tx)
		for _, src := range srcs {
			for _, a := range src.Attributes {
				id, ierr := in.id(a.Name)
				if ierr != nil {
					id = math.MaxUint64 // not interned (an older file): spelt so only if nothing else is
				}
				add(id, a.Name, a.Value)
			}
		}
		return err
	}()
	out := make([]AttributeValues, 0, len(byFold))
	for _, a := range byFold {
		av := AttributeValues{Name: a.name}
		for v := range a.values {
			av.Values = append(av.Values, v)
		}
		sort.Strings(av.Values)
		out = append(out, av)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Name, out[j].Name
		if la, lb := strings.ToLower(a), strings.ToLower(b); la != lb {
			return la < lb
		}
		return a < b
	})
	return out, err
}

// AttributeValues is an attribute name with its distinct values.
type AttributeValues struct {
	Name   string
	Values []string
}
