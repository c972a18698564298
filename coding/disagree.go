package coding

import (
	"bytes"
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
	Code      string   // a code path: it and its descendants; "" every code
	Coders    []string // coders compared (at least two); nil: as Agreement's default
	Source    string   // only this source (by name)
	Unsettled bool     // leave out the items consensus has decided
}

// DisagreementList is the adjudication queue: each item, and how many are
// settled ("settled N of M").
type DisagreementList struct {
	Coders  []string       `json:"coders"`
	Items   []Disagreement `json:"items"`
	Total   int            `json:"total"`   // disagreements in scope, settled or not
	Settled int            `json:"settled"` // of Total, those with a consensus decision
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
// alone is not a disagreement: units are segments, as in Agreement.
func (s *Store) Disagreements(q DisagreeQuery) (DisagreementList, error) {
	book := s.Codebook()
	out := DisagreementList{Items: []Disagreement{}}
	scope, err := book.Match(q.Code)
	if err != nil {
		return out, err
	}
	var maxCode CodeID
	for _, c := range book.codes {
		maxCode = max(maxCode, c.ID)
	}
	inScope := make([]bool, maxCode+1)
	for _, id := range scope {
		for _, c := range itemScope(book, itemCode(book, id)) {
			inScope[c] = true
		}
	}
	pos := make(map[CodeID]int, len(book.codes))
	for i, c := range book.codes {
		pos[c.ID] = i
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		names, ids, err := s.comparedCoders(tx, q.Coders)
		if err != nil {
			return err
		}
		out.Coders = names
		slot := map[CoderID]int{}
		for i, id := range ids {
			slot[id] = i
		}
		consensus, hasConsensus := s.coderID(tx, Consensus)
		var units agreement.Bitset
		if q.Source != "" {
			if units, err = unitSet(tx, q.Source); err != nil {
				return err
			}
		}
		settled := tx.Bucket(bktSettled)
		memos := tx.Bucket(bktMemos)
		segs, texts := tx.Bucket(bktSegments), tx.Bucket(bktTexts)
		sourceNames := newSourceNames(tx)

		type item struct {
			versions  [][]Passage
			consensus []Passage
		}
		var seg SegRef
		items := map[CodeID]*item{}
		flush := func() error {
			if len(items) == 0 {
				return nil
			}
			codes := make([]CodeID, 0, len(items))
			for id := range items {
				codes = append(codes, id)
			}
			sort.Slice(codes, func(i, j int) bool { return pos[codes[i]] < pos[codes[j]] })
			var rec *segmentRecord
			for _, id := range codes {
				it := items[id]
				if !differ(it.versions) {
					continue
				}
				st, hasMarker, err := readSettlement(settled, seg, id)
				if err != nil {
					return err
				}
				done := hasMarker || len(it.consensus) > 0
				out.Total++
				if done {
					out.Settled++
				}
				if q.Unsettled && done {
					continue
				}
				if rec == nil {
					r, err := decodeSegment(segs.Get(u64(uint64(seg))))
					if err != nil {
						return fmt.Errorf("segment %d: %w", seg, err)
					}
					rec = &r
				}
				d := Disagreement{Seg: seg, Segment: qualifiedID(tx, sourceNames, rec), Source: sourceNames[rec.source],
					Text: string(texts.Get(u64(uint64(seg)))), Code: id, Path: book.byID[id].Path, Group: book.byID[id].Group,
					Consensus: it.consensus, Settled: done}
				if d.Consensus == nil {
					d.Consensus = []Passage{}
				}
				if hasMarker {
					d.Settlement = &st
				}
				for i, v := range it.versions {
					if v == nil {
						v = []Passage{}
					}
					d.Versions = append(d.Versions, Version{Coder: names[i], Passages: v})
				}
				out.Items = append(out.Items, d)
			}
			clear(items)
			return nil
		}
		c := tx.Bucket(bktCodings).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			key := parseCodingKey(k)
			if key.Seg != seg {
				if err := flush(); err != nil {
					return err
				}
				seg = key.Seg
			}
			if int(key.Code) >= len(inScope) || !inScope[key.Code] || (units != nil && !units.Has(int(key.Seg))) {
				continue
			}
			i, compared := slot[key.Coder]
			isConsensus := hasConsensus && key.Coder == consensus
			if !compared && !isConsensus {
				continue
			}
			t, starred := decodeCodingValue(v)
			st := &codingState{Time: t, Starred: starred, Memo: string(memos.Get(k))}
			id := itemCode(book, key.Code)
			it := items[id]
			if it == nil {
				it = &item{versions: make([][]Passage, len(ids))}
				items[id] = it
			}
			p := newPassage(book, key.Code, key.Span, st)
			if compared {
				it.versions[i] = append(it.versions[i], p)
			}
			if isConsensus {
				it.consensus = append(it.consensus, p)
			}
		}
		return flush()
	})
	return out, err
}

// differ tells whether the coders' versions name different sets of codes.
func differ(versions [][]Passage) bool {
	key := func(v []Passage) string {
		ids := make([]int, 0, len(v))
		for _, p := range v {
			ids = append(ids, int(p.Code))
		}
		sort.Ints(ids)
		var b bytes.Buffer
		last := -1
		for _, id := range ids {
			if id != last {
				fmt.Fprintf(&b, "%d,", id)
				last = id
			}
		}
		return b.String()
	}
	first := key(versions[0])
	for _, v := range versions[1:] {
		if key(v) != first {
			return true
		}
	}
	return false
}

// qualifiedID is a segment's ID, or source:ID when another source shares it.
func qualifiedID(tx *bolt.Tx, names sourceNames, rec *segmentRecord) string {
	if len(refsNamed(tx, rec.id)) > 1 {
		return names[rec.source] + ":" + rec.id
	}
	return rec.id
}
