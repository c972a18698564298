package refi

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"qcode/coding"
	"qcode/corpus"
)

// layout is a source's plain text as exported, with where each segment
// and each piece of context sits in it, in code points.
type layout struct {
	text     string
	segStart []int        // per segment (in the source's order): its first code point
	context  []contextPos // per context item (in the source's order)
}

// contextPos is a piece of a transcript's context and where its text is.
type contextPos struct {
	coding.ContextItem
	start, end int
}

// paragraph separates blocks of the text: a blank line. The text ends
// with a line break, as text files do.
const paragraph = "\n\n"

// textBuilder appends blocks, counting code points.
type textBuilder struct {
	b   strings.Builder
	pos int
}

// block starts a new paragraph with label (may be "") and then text, and
// returns where text starts and ends.
func (t *textBuilder) block(label, text string) (int, int) {
	if t.b.Len() > 0 {
		t.b.WriteString(paragraph)
		t.pos += utf8.RuneCountInString(paragraph)
	}
	t.b.WriteString(label)
	t.pos += utf8.RuneCountInString(label)
	start := t.pos
	t.b.WriteString(text)
	t.pos += utf8.RuneCountInString(text)
	return start, t.pos
}

// sheetFormats are the formats whose segments are answers, not turns.
var sheetFormats = map[string]bool{"csv": true, "tsv": true, "xlsx": true}

// layoutSource builds the text of a source. A sheet is its answers, one
// per paragraph, each after its ID ("R001: …"). Notes are their blocks in
// the order of their numbers: a heading or title before the block it
// heads, a preamble line as written, an interviewer's prompt and a
// participant's turn after the speaker's label ("Facilitator: …", "P1: …"),
// a paragraph as it is. Headings are written "# …", as notes write them.
func layoutSource(src coding.ExportSource) layout {
	var t textBuilder
	src.Context = slices.Clone(src.Context) // N is rewritten below
	out := layout{segStart: make([]int, len(src.Segments)), context: make([]contextPos, len(src.Context))}
	if sheetFormats[src.Format] && len(src.Context) == 0 {
		for i, seg := range src.Segments {
			out.segStart[i], _ = t.block(seg.ID+": ", seg.Text)
		}
		out.text = t.b.String() + "\n"
		return out
	}
	type block struct {
		n   int
		seg int // segment index, or -1
		ctx int // context index, or -1
	}
	var blocks []block
	ordered := true
	used := map[int]bool{}
	for i, seg := range src.Segments {
		n, ok := blockNumber(src.Name, seg.ID)
		if !ok || used[n] {
			ordered = false
		}
		used[n] = true
		blocks = append(blocks, block{n: n, seg: i, ctx: -1})
	}
	var heads []int // headings and titles, in context order
	for i, c := range src.Context {
		switch c.Kind {
		case corpus.ContextHeading, corpus.ContextTitle:
			heads = append(heads, i)
		default:
			if used[c.N] {
				ordered = false
			}
			used[c.N] = true
			blocks = append(blocks, block{n: c.N, seg: -1, ctx: i})
		}
	}
	if ordered {
		sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].n < blocks[j].n })
	} else {
		// IDs that do not number the blocks (a source made by hand):
		// context first, then the segments, each in stored order.
		sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].ctx >= 0 && blocks[j].ctx < 0 })
		for _, h := range heads {
			src.Context[h].N = 0
		}
	}
	headed := map[int]bool{}
	emitHeads := func(n int) {
		for _, h := range heads {
			c := src.Context[h]
			if headed[h] || c.N != n {
				continue
			}
			headed[h] = true
			label := "# "
			if c.Kind == corpus.ContextTitle {
				label = ""
			}
			start, end := t.block(label, c.Text)
			out.context[h] = contextPos{ContextItem: c, start: start, end: end}
		}
	}
	for _, b := range blocks {
		if ordered {
			emitHeads(b.n)
		}
		if b.seg >= 0 {
			seg := src.Segments[b.seg]
			label := ""
			if sp := ownAttr(seg.Attributes, "speaker"); sp != "" {
				label = sp + ": "
			}
			out.segStart[b.seg], _ = t.block(label, seg.Text)
			continue
		}
		c := src.Context[b.ctx]
		label := ""
		if c.Kind == corpus.ContextPrompt && c.Speaker != "" {
			label = c.Speaker + ": "
		}
		start, end := t.block(label, c.Text)
		out.context[b.ctx] = contextPos{ContextItem: c, start: start, end: end}
	}
	for _, h := range heads { // headings with no block after them
		if !headed[h] {
			c := src.Context[h]
			c.N = 0
			src.Context[h] = c
		}
	}
	emitHeads(0)
	out.text = t.b.String() + "\n"
	return out
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

// ownAttr is the value of a segment's own attribute ("" when absent).
func ownAttr(attrs []coding.Attribute, name string) string {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return a.Value
		}
	}
	return ""
}
