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
		refs := recs(tx).segmentsOf(source)
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

// notes lays notes or a transcript out in the order of the file: segments
// and context blocks by their numbers (a segment's is in its ID,
// "<source>#<n>"), each heading before the block it heads. Where the IDs
// do not number the blocks (a source made elsewhere), the context comes
// first, then the segments, each in stored order, and the headings last.
func (d *Document) notes(segs []Segment) {
	type block struct {
		n   int
		seg int // index in segs, or -1
		ctx int // index in the context, or -1
	}
	ctx := d.Source.Context
	var blocks []block
	ordered := true
	used := map[int]bool{}
	for i := range segs {
		n, ok := blockNumber(d.Source.Name, segs[i].ID)
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
	headed := map[int]bool{}
	heading := func(n int, all bool) {
		for _, h := range heads {
			if c := ctx[h]; !headed[h] && (all || c.N == n) {
				headed[h] = true
				d.Parts = append(d.Parts, d.contextPart(c))
			}
		}
	}
	for _, b := range blocks {
		if ordered {
			heading(b.n, false)
		}
		if b.seg >= 0 {
			d.Parts = append(d.Parts, DocPart{Kind: DocSegment, Segment: len(d.Segments)})
			d.Segments = append(d.Segments, segs[b.seg])
			continue
		}
		d.Parts = append(d.Parts, d.contextPart(ctx[b.ctx]))
	}
	heading(0, true) // headings with no block after them
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
