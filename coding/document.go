package coding

import (
	"sort"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// DocKind says what a part of a document is.
type DocKind int

// The parts of a document.
const (
	DocSegment  DocKind = iota // a participant's turn, a paragraph, or an answer: a segment to code
	DocTitle                   // the source's title (a Word Title, a lone top "#" heading)
	DocPreamble                // a block before anyone speaks
	DocHeading                 // a heading or topic-guide question; a sheet's question
	DocPrompt                  // an interviewer's turn: context, not a segment
)

// DocPart is one part of a source read as a document.
type DocPart struct {
	Kind    DocKind
	Text    string // the context's text (a segment's is its Segment.Text)
	Speaker string // a prompt's label ("Interviewer")
	Segment int    // a segment's index in Document.Segments (-1: context)
}

// Document is a source read from beginning to end: a transcript's or
// notes' segments with the context between them (title, preamble,
// headings, the interviewer's prompts), in the order of the file; a
// sheet's answers grouped under their questions.
type Document struct {
	Source   Source
	Sheet    bool      // a survey sheet: answers under their questions
	Segments []Segment // in reading order
	Parts    []DocPart
}

// sheetFormats are the formats whose segments are answers, not turns.
var sheetFormats = map[string]bool{"csv": true, "tsv": true, "xlsx": true}

// Document reads a source as a document, its segments loaded with the
// codings (and review marks) of coders (nil: every coder's), in one read.
func (s *Store) Document(source SourceID, coders []CoderID) (Document, error) {
	var doc Document
	err := s.view(func(tx *bolt.Tx) error {
		srcs, err := readSources(tx)
		if err != nil {
			return err
		}
		found := false
		for _, src := range srcs {
			if src.ID == source {
				doc.Source, found = src, true
			}
		}
		if !found {
			return errorf(ErrNotFound, "source %d", source)
		}
		if err := doc.Source.decodeContext(); err != nil {
			return err
		}
		refs := recs(tx).segmentsOf(&doc.Source)
		segs, err := s.load(tx, refs, coders)
		if err != nil {
			return err
		}
		if sheetFormats[doc.Source.Format] && len(doc.Source.Context) == 0 {
			doc.Sheet = true
			doc.sheet(segs)
		} else {
			doc.notes(segs)
		}
		return nil
	})
	return doc, err
}

// sheet lays a sheet's answers out under their questions: the questions
// in the order they first come, the answers to each in the sheet's order
// (a wide sheet stores them respondent by respondent).
func (d *Document) sheet(segs []Segment) {
	var order []string
	groups := map[string][]int{}
	for i := range segs {
		q := question(&segs[i])
		if _, ok := groups[q]; !ok {
			order = append(order, q)
		}
		groups[q] = append(groups[q], i)
	}
	for _, q := range order {
		if q != "" {
			d.Parts = append(d.Parts, DocPart{Kind: DocHeading, Text: q, Segment: -1})
		}
		for _, i := range groups[q] {
			d.Parts = append(d.Parts, DocPart{Kind: DocSegment, Segment: len(d.Segments)})
			d.Segments = append(d.Segments, segs[i])
		}
	}
}

// question is what heads an answer: its question, after the question's id
// where the sheet has both ("Q9 · How is…").
func question(seg *Segment) string {
	q, id := seg.Attr("question"), seg.Attr("question_id")
	switch {
	case q != "" && id != "" && !strings.HasPrefix(q, id):
		return id + " · " + q
	case q != "":
		return q
	}
	return id
}

// notes lays notes or a transcript out in the order of the file
// (ReadingOrder).
func (d *Document) notes(segs []Segment) {
	ids := make([]string, len(segs))
	for i := range segs {
		ids[i] = segs[i].ID
	}
	for _, st := range ReadingOrder(d.Source.Name, ids, d.Source.Context) {
		if st.Seg >= 0 {
			d.Parts = append(d.Parts, DocPart{Kind: DocSegment, Segment: len(d.Segments)})
			d.Segments = append(d.Segments, segs[st.Seg])
			continue
		}
		d.Parts = append(d.Parts, d.contextPart(d.Source.Context[st.Ctx]))
	}
}

// ReadingStep is one block of a source in reading order: segment Seg or
// context item Ctx (the other is -1). Trailing marks a heading that heads
// no block: it is read last.
type ReadingStep struct {
	Seg, Ctx int
	Trailing bool
}

// ReadingOrder lays notes or a transcript out in the order of the file:
// segments (by their IDs, ids[i]) and context items by their numbers (a
// segment's is in its ID, "<source>#<n>"), each heading or title before
// the block it heads. Where the IDs do not number the blocks (a source
// made elsewhere), the context comes first, then the segments, each in
// stored order, and the headings last. The document view and the
// REFI-QDA export read a source in this one order.
func ReadingOrder(source string, ids []string, ctx []ContextItem) []ReadingStep {
	type block struct {
		n, seg, ctx int
	}
	var blocks []block
	ordered := true
	used := map[int]bool{}
	for i, id := range ids {
		n, ok := blockNumber(source, id)
		if !ok || used[n] {
			ordered = false
		}
		used[n] = true
		blocks = append(blocks, block{n: n, seg: i, ctx: -1})
	}
	var heads []int // headings and titles, in context order
	for i, c := range ctx {
		if c.Kind == corpus.ContextHeading || c.Kind == corpus.ContextTitle {
			heads = append(heads, i)
			continue
		}
		if used[c.N] {
			ordered = false
		}
		used[c.N] = true
		blocks = append(blocks, block{n: c.N, seg: -1, ctx: i})
	}
	if ordered {
		sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].n < blocks[j].n })
	} else {
		sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].ctx >= 0 && blocks[j].ctx < 0 })
	}
	out := make([]ReadingStep, 0, len(blocks)+len(heads))
	headed := make([]bool, len(ctx))
	for _, b := range blocks {
		if ordered {
			for _, h := range heads {
				if !headed[h] && ctx[h].N == b.n {
					headed[h] = true
					out = append(out, ReadingStep{Seg: -1, Ctx: h})
				}
			}
		}
		out = append(out, ReadingStep{Seg: b.seg, Ctx: b.ctx})
	}
	for _, h := range heads {
		if !headed[h] {
			out = append(out, ReadingStep{Seg: -1, Ctx: h, Trailing: true})
		}
	}
	return out
}

func (d *Document) contextPart(c ContextItem) DocPart {
	p := DocPart{Text: c.Text, Speaker: c.Speaker, Segment: -1}
	switch c.Kind {
	case corpus.ContextTitle:
		p.Kind = DocTitle
	case corpus.ContextPreamble:
		p.Kind = DocPreamble
	case corpus.ContextHeading:
		p.Kind = DocHeading
	default:
		p.Kind = DocPrompt
	}
	return p
}

// blockNumber reads n from a notes segment ID "<source>#<n>".
func blockNumber(source, id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, source+"#")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0 && strconv.Itoa(n) == rest
}
