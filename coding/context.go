package coding

import (
	"sort"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// Retrieval in context: a passage read with what was said around it.
//
//   - In notes (an interview, a focus group) the neighbours are the turns
//     of the same source in the order they were spoken: participants'
//     turns (segments) and the interviewer's (prompts, kept in the
//     source's context records), counted alike. A heading or topic-guide
//     question inside the window is shown too, without counting as a
//     turn.
//   - In a sheet (a survey) a row's neighbours in the file are other
//     people's answers, which say nothing about this one. The neighbours
//     are the same respondent's other answers instead (the same case, in
//     project order, across the survey's sheets), each with its
//     question. An answer with no respondent has none.
//
// The passage's prompt is the interviewer's turn it answers (the last
// prompt before it with no heading between, in full), and its question
// the heading above it or, in a survey, the question it answers.

// Turn kinds in a SegmentContext.
const (
	TurnSegment = "segment" // a participant's turn or answer
	TurnPrompt  = "prompt"  // an interviewer's, facilitator's or moderator's turn
	TurnHeading = "heading" // a heading or topic-guide question
)

// ContextTurn is one turn beside a passage.
type ContextTurn struct {
	Kind     string `json:"kind"`               // TurnSegment, TurnPrompt or TurnHeading
	ID       string `json:"id,omitempty"`       // a segment's ID
	Speaker  string `json:"speaker,omitempty"`  // who spoke: a segment's speaker, a prompt's label
	Question string `json:"question,omitempty"` // in a survey, the question a neighbour answers
	Text     string `json:"text"`

	Ref SegRef `json:"-"` // a segment's ref (0 for a prompt or heading)
}

// SegmentContext is a passage's surroundings: its prompt and question,
// and up to N turns before and after it.
type SegmentContext struct {
	Ref      SegRef        `json:"-"`
	Prompt   string        `json:"prompt,omitempty"`
	Question string        `json:"question,omitempty"`
	Before   []ContextTurn `json:"before"`
	After    []ContextTurn `json:"after"`
}

// Contexts returns each segment's context with up to n turns before and
// after it (n = 0: only its prompt and question), in the order of refs.
// One read transaction; each source's turns are laid out once.
func (s *Store) Contexts(refs []SegRef, n int) ([]SegmentContext, error) {
	if n < 0 {
		return nil, errorf(ErrInvalidInput, "context of %d turns: give a number ≥ 0", n)
	}
	out := make([]SegmentContext, 0, len(refs))
	err := s.view(func(tx *bolt.Tx) error {
		cx := newContextReader(tx)
		for _, ref := range refs {
			c, err := cx.context(ref, n)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// contextReader reads contexts within one transaction, caching each
// source's turns and each case's segments.
type contextReader struct {
	tx      *bolt.Tx
	lookup  *attrLookup
	sources map[SourceID]*Source
	turns   map[SourceID]*sourceTurns
	byCase  map[CaseID][]SegRef
}

// sourceTurns is a notes source laid out as spoken: every turn and
// heading in order, and where each segment sits.
type sourceTurns struct {
	turns []ContextTurn
	at    map[SegRef]int // a segment's index in turns
}

func newContextReader(tx *bolt.Tx) *contextReader {
	return &contextReader{tx: tx, lookup: newAttrLookup(tx), sources: map[SourceID]*Source{},
		turns: map[SourceID]*sourceTurns{}, byCase: map[CaseID][]SegRef{}}
}

func (cx *contextReader) segment(ref SegRef) (segmentRecord, error) {
	rec, ok, err := recs(cx.tx).lookupSegment(ref)
	if !ok {
		return segmentRecord{}, errorf(ErrNotFound, "no segment %d", ref)
	}
	if err != nil {
		return rec, errorf(errCorrupt, "segment %d", ref)
	}
	return rec, nil
}

func (cx *contextReader) source(id SourceID) (*Source, error) {
	if src, ok := cx.sources[id]; ok {
		return src, nil
	}
	srcs, err := readSources(cx.tx)
	if err != nil {
		return nil, err
	}
	for i := range srcs {
		if srcs[i].ID == id {
			if err := srcs[i].decodeContext(); err != nil {
				return nil, err
			}
			cx.sources[id] = &srcs[i]
			return &srcs[i], nil
		}
	}
	return nil, errorf(errCorrupt, "segment of a source %d that is not there", id)
}

// isSheet tells a survey's sheet from notes: sheets have no context.
func isSheet(src *Source) bool {
	switch src.Format {
	case "csv", "tsv", "xlsx":
		return len(src.Context) == 0
	}
	return false
}

func (cx *contextReader) context(ref SegRef, n int) (SegmentContext, error) {
	out := SegmentContext{Ref: ref, Before: []ContextTurn{}, After: []ContextTurn{}}
	rec, err := cx.segment(ref)
	if err != nil {
		return out, err
	}
	src, err := cx.source(rec.source)
	if err != nil {
		return out, err
	}
	attrs := cx.lookup.merged(&rec)
	if isSheet(src) {
		out.Question = attrValue(attrs, "question")
		if out.Question == "" {
			out.Question = attrValue(attrs, "question_id")
		}
		return out, cx.caseNeighbours(&out, rec, n)
	}
	st, err := cx.sourceTurns(src)
	if err != nil {
		return out, err
	}
	i, ok := st.at[ref]
	if !ok {
		return out, errorf(errCorrupt, "segment %s is not among its source's turns", rec.id)
	}
	// The prompt it answers and the heading above it.
	for j := i - 1; j >= 0; j-- {
		t := st.turns[j]
		if t.Kind == TurnPrompt && out.Prompt == "" && out.Question == "" {
			out.Prompt = t.Text
		}
		if t.Kind == TurnHeading {
			out.Question = t.Text
			break
		}
	}
	if out.Question == "" {
		out.Question = attrValue(attrs, "question")
	}
	if out.Prompt == "" {
		out.Prompt = attrValue(attrs, "prompt") // notes whose prompts could not be placed
	}
	out.Before = window(st.turns, i, -1, n)
	out.After = window(st.turns, i, +1, n)
	return out, nil
}

// window takes up to n turns from turns[i] in direction dir, in spoken
// order. A heading met on the way comes along without counting (it heads
// turns shown); one after the last turn taken heads none and is left out.
func window(turns []ContextTurn, i, dir, n int) []ContextTurn {
	out := []ContextTurn{}
	if n == 0 {
		return out
	}
	for j, taken := i+dir, 0; j >= 0 && j < len(turns); j += dir {
		if turns[j].Kind != TurnHeading {
			if taken == n {
				break
			}
			taken++
		}
		out = append(out, turns[j])
	}
	if dir < 0 {
		for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
		return out
	}
	for len(out) > 0 && out[len(out)-1].Kind == TurnHeading {
		out = out[:len(out)-1]
	}
	return out
}

// sourceTurns lays out a notes source: its segments and context items in
// the order of their numbers (segment IDs "<source>#<n>" count every
// turn, the interviewer's included), each heading before the block it
// heads. A source whose IDs do not number its blocks (made by hand, or
// imported from another tool) is its segments in order, with no prompts.
func (cx *contextReader) sourceTurns(src *Source) (*sourceTurns, error) {
	if st, ok := cx.turns[src.ID]; ok {
		return st, nil
	}
	type block struct {
		n, order int
		turn     ContextTurn
	}
	var segs, others []block
	ordered := true
	used := map[int]bool{}
	rs := recs(cx.tx)
	texts := rs.texts()
	for _, ref := range rs.segmentsOf(src) {
		rec, err := cx.segment(ref)
		if err != nil {
			return nil, err
		}
		num, ok := blockNumber(src.Name, rec.id)
		if !ok || used[num] {
			ordered = false
		}
		used[num] = true
		attrs := cx.lookup.merged(&rec)
		segs = append(segs, block{n: num, order: rec.ordinal, turn: ContextTurn{Kind: TurnSegment, ID: rec.id, Ref: ref,
			Speaker: attrValue(attrs, "speaker"), Text: string(texts.get(ref))}})
	}
	for _, it := range src.Context {
		switch {
		case it.Kind == corpus.ContextPrompt:
			if used[it.N] {
				ordered = false
			}
			used[it.N] = true
			others = append(others, block{n: it.N, order: 1, turn: ContextTurn{Kind: TurnPrompt, Speaker: it.Speaker, Text: it.Text}})
		case it.Kind == corpus.ContextHeading && it.N > 0:
			// order 0: before the block it heads, which has the same n.
			others = append(others, block{n: it.N, turn: ContextTurn{Kind: TurnHeading, Text: it.Text}})
		}
	}
	blocks := segs
	if ordered {
		for i := range blocks {
			blocks[i].order = 1
		}
		blocks = append(blocks, others...)
		sort.SliceStable(blocks, func(i, j int) bool {
			if blocks[i].n != blocks[j].n {
				return blocks[i].n < blocks[j].n
			}
			return blocks[i].order < blocks[j].order
		})
	} else {
		sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].order < blocks[j].order })
	}
	st := &sourceTurns{at: map[SegRef]int{}}
	for _, b := range blocks {
		if b.turn.Kind == TurnSegment {
			st.at[b.turn.Ref] = len(st.turns)
		}
		st.turns = append(st.turns, b.turn)
	}
	cx.turns[src.ID] = st
	return st, nil
}

// caseNeighbours fills a survey answer's context: the same respondent's
// other answers, up to n before and after it in project order.
func (cx *contextReader) caseNeighbours(out *SegmentContext, rec segmentRecord, n int) error {
	if rec.caseID == 0 || n == 0 {
		return nil
	}
	refs, ok := cx.byCase[rec.caseID]
	if !ok {
		refs = recs(cx.tx).segmentsOfCase(rec.caseID)
		cx.byCase[rec.caseID] = refs
	}
	i := sort.Search(len(refs), func(i int) bool { return refs[i] >= out.Ref })
	if i == len(refs) || refs[i] != out.Ref {
		return errorf(errCorrupt, "segment %s is not among its case's segments", rec.id)
	}
	turn := func(ref SegRef) (ContextTurn, error) {
		r, err := cx.segment(ref)
		if err != nil {
			return ContextTurn{}, err
		}
		attrs := cx.lookup.merged(&r)
		q := attrValue(attrs, "question")
		if q == "" {
			q = attrValue(attrs, "question_id")
		}
		return ContextTurn{Kind: TurnSegment, ID: r.id, Ref: ref, Question: q,
			Text: string(recs(cx.tx).text(ref))}, nil
	}
	for j := max(0, i-n); j < i; j++ {
		t, err := turn(refs[j])
		if err != nil {
			return err
		}
		out.Before = append(out.Before, t)
	}
	for j := i + 1; j < len(refs) && j <= i+n; j++ {
		t, err := turn(refs[j])
		if err != nil {
			return err
		}
		out.After = append(out.After, t)
	}
	return nil
}
