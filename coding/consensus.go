package coding

import (
	"math/bits"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// The reserved coder `consensus` is the team's final coding. Only the lead's
// decisions are stored under it (Settle, or coding as consensus directly);
// the rest is derived each time it is read, never written by a merge or a
// coding, so that undoing a merge, a settle or any coder's later coding
// changes it exactly, with nothing to keep in step. For each segment and
// code:
//
//   - where the code's item (the code, or the code group of a level) has a
//     decision on the segment — a record in the settled bucket, or
//     consensus's own codings of the item — consensus has exactly
//     consensus's stored codings of it ("none" is a decision too);
//   - else consensus has the code when every compared coder who reviewed the
//     segment applied it, and at least one did (agreedSets); its passages
//     are the union of theirs (unionPassages).
//
// The compared coders are every coder with codings but consensus
// (activeCoders, as agree compares by default). A coder reviewed a segment
// when they coded it with anything (reviewedSets, the one place that says
// so). A segment only one coder reviewed has that coder's codings as its
// consensus: a team splits most of its data and double-codes a sample.

// ConsensusSummary says how far settling has got in what a reader of
// consensus counted: a code the reviewers of a segment disagree on counts
// in consensus only once settled.
type ConsensusSummary struct {
	// Coders are the compared coders, by name.
	Coders []string `json:"coders"`
	// Disagreements counts the items (a segment and a code, a code group's
	// levels together) in scope on which the coders who reviewed the
	// segment differ: some applied the code, some did not.
	Disagreements int `json:"disagreements"`
	Settled       int `json:"settled"`   // of Disagreements, those with a decision
	Unsettled     int `json:"unsettled"` // Disagreements − Settled
}

// AgreedMemo is the memo of a consensus coding that every reviewer agreed
// on, as `codings export --coder consensus` writes it (a settled one
// carries the lead's audit memo instead).
func AgreedMemo(coders []string) string {
	return "Agreed by " + strings.Join(coders, ", ") + "."
}

// ConsensusSummary counts the disagreements on codes (a path: the code
// and its descendants; "" every code) within source ("" every source) and
// how many are settled — what a report of consensus over that scope says.
func (s *Store) ConsensusSummary(codes, source string) (ConsensusSummary, error) {
	return s.ConsensusSummaryWhere(codes, source, nil)
}

// ConsensusSummaryWhere is ConsensusSummary over the segments that meet
// where too.
func (s *Store) ConsensusSummaryWhere(codes, source string, where []AttrCondition) (ConsensusSummary, error) {
	book := s.Codebook()
	ids, err := book.Match(codes)
	if err != nil {
		return ConsensusSummary{}, err
	}
	var out ConsensusSummary
	err = s.view(func(tx *bolt.Tx) error {
		scope, err := whereScope(tx, source, where)
		if err != nil {
			return err
		}
		v, err := s.consensusView(tx, book, ids)
		if err != nil {
			return err
		}
		out = v.summary(scope)
		return nil
	})
	return out, err
}

// isConsensus tells whether coders asks for consensus. Consensus is counted
// alone: "consensus or alice" has no meaning a report could state.
func isConsensus(coders []string) (bool, error) {
	for _, c := range coders {
		if c == Consensus {
			if len(coders) > 1 {
				return false, errorf(ErrInvalidInput, "%s is counted on its own, not with other coders (%s)", Consensus, strings.Join(coders, ", "))
			}
			return true, nil
		}
	}
	return false, nil
}

// consensusView is consensus as derived in one read transaction, for the
// codes it was asked about (and the other codes of their items).
type consensusView struct {
	book      *Codebook
	names     []string  // the compared coders
	ids       []CoderID // their ids, in the order of names
	slot      []int32   // by CoderID: index in ids + 1; 0 for anyone else
	consensus CoderID   // the consensus coder (0 until anything was settled)
	reviewed  []refSet  // per compared coder: the segments they reviewed

	decided  map[CodeID]refSet // per item: segments with a decision on it
	sets     map[CodeID]refSet // per code: segments consensus has it on (its own, not its descendants')
	disagree map[CodeID]refSet // per item: segments whose reviewers differ on it
	items    []CodeID          // the items of the codes asked about, in the order first met
}

// consensusView derives consensus for codes (and the other codes of their
// items, which counting disagreements needs). It walks the bycode index
// once (every coding, consensus's included) and the settled decisions; the
// rest is bitset arithmetic over segments.
func (s *Store) consensusView(tx *bolt.Tx, book *Codebook, codes []CodeID) (*consensusView, error) {
	names := s.activeCoders(tx)
	ids, err := s.coderIDs(tx, names)
	if err != nil {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	rs := recs(tx)
	maxRef := rs.maxSegment()
	var maxCode CodeID
	for _, c := range book.codes {
		maxCode = max(maxCode, c.ID)
	}
	maxCoder := rs.maxCoder()
	v := &consensusView{book: book, names: names, ids: ids, slot: make([]int32, maxCoder+1),
		decided: map[CodeID]refSet{}, sets: map[CodeID]refSet{}, disagree: map[CodeID]refSet{}}
	for i, id := range ids {
		if id <= maxCoder {
			v.slot[id] = int32(i + 1)
		}
	}

	// The codes to derive: those asked for and every code of their items.
	index := make([]int32, maxCode+1) // by CodeID: position in want + 1
	var want []CodeID
	addCode := func(c CodeID) {
		if index[c] == 0 {
			want = append(want, c)
			index[c] = int32(len(want))
		}
	}
	seenItem := map[CodeID]bool{}
	for _, c := range codes {
		item := itemCode(book, c)
		if !seenItem[item] {
			seenItem[item] = true
			v.items = append(v.items, item)
			for _, k := range itemScope(book, item) {
				addCode(k)
			}
		}
		addCode(c)
	}

	own := make([][]refSet, len(want)) // own[code][coder], nil until used
	stored := map[CodeID]refSet{}
	mark := func(m map[CodeID]refSet, c CodeID, seg SegRef) {
		if m[c] == nil {
			m[c] = newRefSet(maxRef)
		}
		m[c].add(seg)
	}
	if id, ok := s.coderID(tx, Consensus); ok {
		v.consensus = id
	}
	ownOf := func(code CodeID) []refSet {
		if int(code) >= len(index) || index[code] == 0 {
			return nil
		}
		j := index[code] - 1
		if own[j] == nil {
			own[j] = make([]refSet, len(ids))
		}
		return own[j]
	}
	v.reviewed = reviewedSets(tx, ids, v.slot, maxRef, ownOf, func(coder CoderID, seg SegRef, code CodeID) {
		if coder == v.consensus && v.consensus != 0 {
			if _, known := book.byID[code]; known {
				mark(stored, code, seg)
				mark(v.decided, itemCode(book, code), seg)
			}
		}
	})
	_ = rs.eachSettled(func(seg SegRef, code CodeID) error {
		if seg > maxRef {
			return nil // `qcode check` names it
		}
		if _, known := book.byID[code]; known {
			mark(v.decided, itemCode(book, code), seg)
		}
		return nil
	})

	anyone := newRefSet(maxRef)
	for _, r := range v.reviewed {
		anyone.or(r)
	}
	for j, code := range want {
		agreed, applied := agreedSets(anyone, v.reviewed, own[j])
		item := itemCode(book, code)
		// Reviewers differ where some applied the code and not all did.
		applied.andNot(agreed)
		if d := v.disagree[item]; d != nil {
			d.or(applied)
		} else {
			v.disagree[item] = applied
		}
		agreed.andNot(v.decided[item])
		agreed.or(stored[code])
		v.sets[code] = agreed
	}
	return v, nil
}

// reviewedSets marks, per compared coder (ids; slot numbers them by
// CoderID, index + 1, 0 for anyone else), the segments that coder
// reviewed: coded with anything (any code, any span) or marked "reviewed,
// nothing applies". It is the one place that says what "reviewed" means
// for consensus.
//
// The same walk fills what a caller wants per code: ownOf(code) gives,
// once per code met, the sets (one per compared coder, nil until used) to
// mark that code's segments in, or nil; other sees every coding of anyone
// who is not compared (consensus).
//
// The walk goes through the bycode index, a code at a time, so that the
// per-code sets are touched a code at a time: at a million segments a walk
// by coder, touching every code's sets at once, misses the cache on most
// codings and takes a third longer.
func reviewedSets(tx *bolt.Tx, ids []CoderID, slot []int32, max SegRef, ownOf func(CodeID) []refSet, other func(CoderID, SegRef, CodeID)) []refSet {
	out := make([]refSet, len(ids))
	for i := range out {
		out[i] = newRefSet(max)
	}
	var own []refSet
	cur, first := CodeID(0), true
	c := recs(tx).byCodeAll()
	for k := c.first(); c.holds(k); k = c.next() {
		if !k.wellFormed() {
			continue // `qcode check` names it
		}
		seg := k.seg()
		if seg > max {
			continue // a coding of a segment that is not there: `qcode check` names it
		}
		code := k.code()
		if code != cur || first {
			cur, first = code, false
			own = ownOf(code)
		}
		coder := k.coder()
		if int(coder) >= len(slot) || slot[coder] == 0 {
			other(coder, seg, code)
			continue
		}
		i := slot[coder] - 1
		out[i].add(seg)
		if own != nil {
			if own[i] == nil {
				own[i] = newRefSet(max)
			}
			own[i].add(seg)
		}
	}
	// A review mark ("reviewed, nothing applies") makes its coder a
	// reviewer of the segment who applied nothing there.
	for i, id := range ids {
		walkMarks(tx, id, func(seg SegRef) {
			if seg <= max {
				out[i].add(seg)
			}
		})
	}
	return out
}

// agreedSets applies the consensus rule to one code: agreed holds the
// segments that at least one compared coder reviewed and every compared
// coder who reviewed applied the code; applied, those that any of them
// applied it to. anyone is the union of reviewed; own[i] the segments coder
// i applied the code to (nil: none), each within reviewed[i].
func agreedSets(anyone refSet, reviewed, own []refSet) (agreed, applied refSet) {
	agreed = make(refSet, len(anyone))
	copy(agreed, anyone)
	applied = make(refSet, len(anyone))
	for i, r := range reviewed {
		var o refSet // nil: coder i applied the code nowhere
		if own != nil {
			o = own[i]
		}
		for w := range agreed {
			var ow uint64
			if w < len(o) {
				ow = o[w]
			}
			agreed[w] &= ow | ^r[w]
			applied[w] |= ow
		}
	}
	return agreed, applied
}

// andNot removes every member of o from s.
func (s refSet) andNot(o refSet) {
	for i := range o {
		if i < len(s) {
			s[i] &^= o[i]
		}
	}
}

// summary counts the disagreements of the view's items on segments in
// scope (nil: every segment), and how many of them are decided.
func (v *consensusView) summary(scope refSet) ConsensusSummary {
	out := ConsensusSummary{Coders: v.names}
	for _, item := range v.items {
		d, decided := v.disagree[item], v.decided[item]
		for w, x := range d {
			if scope != nil {
				if w >= len(scope) {
					break
				}
				x &= scope[w]
			}
			out.Disagreements += popcount(x)
			if w < len(decided) {
				out.Settled += popcount(x & decided[w])
			}
		}
	}
	out.Unsettled = out.Disagreements - out.Settled
	return out
}

// codeSets gives consensus's segment sets for ids within scope, parents
// holding their descendants' (as codeSets does for coders).
func (v *consensusView) codeSets(ids []CodeID, scope refSet) map[CodeID]refSet {
	sets := make(map[CodeID]refSet, len(ids))
	for _, id := range ids {
		set := make(refSet, len(scope))
		copy(set, scope)
		for w := range set {
			if src := v.sets[id]; w < len(src) {
				set[w] &= src[w]
			} else {
				set[w] = 0
			}
		}
		sets[id] = set
	}
	rollUp(v.book, ids, sets)
	return sets
}

// passages lists consensus's passages of one code (its own, not its
// descendants'), within scope (nil: everywhere), as codePassages orders
// and limits them. On a decided segment they are consensus's stored
// codings; elsewhere, the union of the compared coders' passages.
func (v *consensusView) passages(tx *bolt.Tx, code CodeID, scope refSet, stars *starLookup, limit int, starredOnly bool) []passage {
	set := v.sets[code]
	decided := v.decided[itemCode(v.book, code)]
	sink := passageSink{limit: limit, starredOnly: starredOnly}
	var keys []codingKey
	flush := func() {
		if len(keys) == 0 {
			return
		}
		seg := keys[0].Seg
		if decided.has(seg) {
			for _, p := range spanPassages(keys, stars) {
				sink.add(p)
			}
		} else {
			for _, p := range unionPassages(keys, stars.starred) {
				sink.add(p)
			}
		}
		keys = keys[:0]
	}
	c := recs(tx).byCode()
	for k := c.seek(code); c.holds(k); k = c.next() {
		key := k.key()
		if !set.has(key.Seg) || (scope != nil && !scope.has(key.Seg)) {
			continue
		}
		if len(keys) > 0 && keys[0].Seg != key.Seg {
			flush()
		}
		if v.takes(key, decided) {
			keys = append(keys, key)
		}
	}
	flush()
	return sink.list()
}

// takes tells whether a coding makes part of consensus's passages where
// consensus has its code: consensus's own on a decided segment, else a
// compared coder's.
func (v *consensusView) takes(k codingKey, decided refSet) bool {
	if decided.has(k.Seg) {
		return k.Coder == v.consensus && v.consensus != 0
	}
	return int(k.Coder) < len(v.slot) && v.slot[k.Coder] != 0
}

// spanPassages groups one segment's codings of a code by span: a passage
// several coders coded is one passage with all their codings.
func spanPassages(keys []codingKey, stars *starLookup) []passage {
	var out []passage
	for _, k := range keys {
		i := 0
		for i < len(out) && out[i].span != k.Span {
			i++
		}
		if i == len(out) {
			out = append(out, passage{ref: k.Seg, span: k.Span})
		}
		if !out[i].starred && stars.starred(k) {
			out[i].starred = true
		}
		out[i].keys = append(out[i].keys, CodingKey(k))
	}
	return out
}

// unionPassages merges the compared coders' codings of one code on one
// segment into consensus's passages: the whole segment when anyone coded
// all of it, else the union of their spans as text — spans that overlap or
// touch become one. Each passage lists the codings it covers and is
// starred when any of them is.
func unionPassages(keys []codingKey, starred func(codingKey) bool) []passage {
	if len(keys) == 0 {
		return nil
	}
	seg := keys[0].Seg
	for _, k := range keys {
		if k.Span.Whole() {
			p := passage{ref: seg}
			for _, k := range keys {
				p.keys = append(p.keys, CodingKey(k))
				p.starred = p.starred || starred(k)
			}
			return []passage{p}
		}
	}
	sorted := append([]codingKey(nil), keys...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Span.Start < sorted[j].Span.Start })
	var out []passage
	for _, k := range sorted {
		if n := len(out); n > 0 && k.Span.Start <= out[n-1].span.End {
			last := &out[n-1]
			last.span.End = max(last.span.End, k.Span.End)
			last.keys = append(last.keys, CodingKey(k))
			last.starred = last.starred || starred(k)
			continue
		}
		out = append(out, passage{ref: seg, span: k.Span, keys: []CodingKey{CodingKey(k)}, starred: starred(k)})
	}
	return out
}

// examples picks consensus's example passage of each code of ids (a
// starred one first, else the first), then lets parents take their
// descendants' as the coders' report does.
func (v *consensusView) examples(tx *bolt.Tx, ids []CodeID, scope refSet) map[CodeID]example {
	stars := newStarLookup(tx, ids)
	ex := map[CodeID]example{}
	for _, id := range ids {
		if ps := v.passages(tx, id, scope, stars, 1, false); len(ps) > 0 {
			p := ps[0]
			ex[id] = example{key: codingKey{Seg: p.ref, Code: id, Coder: v.consensus, Span: p.span}, starred: p.starred, keys: p.keys}
		}
	}
	return pickExamples(v.book, ids, ex)
}

// reviewersOf names the compared coders who reviewed seg.
func (v *consensusView) reviewersOf(seg SegRef) []string {
	var out []string
	for i, r := range v.reviewed {
		if r.has(seg) {
			out = append(out, v.names[i])
		}
	}
	return out
}

func popcount(x uint64) int { return bits.OnesCount64(x) }
