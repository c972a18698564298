package refi

import (
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
	out := layout{segStart: make([]int, len(src.Segments)), context: make([]contextPos, len(src.Context))}
	if sheetFormats[src.Format] && len(src.Context) == 0 {
		for i, seg := range src.Segments {
			out.segStart[i], _ = t.block(seg.ID+": ", seg.Text)
		}
		out.text = t.b.String() + "\n"
		return out
	}
	ids := make([]string, len(src.Segments))
	for i, seg := range src.Segments {
		ids[i] = seg.ID
	}
	for _, st := range coding.ReadingOrder(src.Name, ids, src.Context) {
		if st.Seg >= 0 {
			seg := src.Segments[st.Seg]
			label := ""
			if sp := ownAttr(seg.Attributes, "speaker"); sp != "" {
				label = sp + ": "
			}
			out.segStart[st.Seg], _ = t.block(label, seg.Text)
			continue
		}
		c := src.Context[st.Ctx]
		label := ""
		switch {
		case c.Kind == corpus.ContextHeading:
			label = "# "
		case c.Kind == corpus.ContextPrompt && c.Speaker != "":
			label = c.Speaker + ": "
		}
		if st.Trailing {
			c.N = 0 // a heading with no block after it
		}
		start, end := t.block(label, c.Text)
		out.context[st.Ctx] = contextPos{ContextItem: c, start: start, end: end}
	}
	out.text = t.b.String() + "\n"
	return out
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
