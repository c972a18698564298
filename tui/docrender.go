package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// The document view's lines: a margin of four cells (the current turn's
// bar, two stripes for the codes on that line, a space), then the text.
// A turn is a header (speaker and number, or an answer's ID), its text,
// a line of chips when it has codes, and a blank line; a prompt, heading,
// title or preamble block is its text and a blank line.

const (
	docMargin  = 4
	docStripes = 2
)

// layout lays the view out: the panel beside the text (or the legend
// under it), the wrap width, the scroll clamped, and the lines on screen
// drawn. The router calls it after every message, so what the write queue
// shows (a chip saving) is drawn in the frame of the key that asked.
func (d *documentView) layout() {
	w, h := d.width, d.height
	d.pw = panelWidthFor(w)
	legendH := 0
	if d.pw == 0 {
		d.legend.SetSize(w, h)
		d.legend.layout()
		legendH = d.legend.height()
	} else {
		d.panel.SetSize(d.pw, h)
		d.panel.focused = false
		d.panel.layout()
	}
	d.bodyH = max(1, h-legendH)
	if tw := max(8, w-d.pw-docMargin-1); tw != d.textW {
		d.textW, d.wraps = tw, map[int][][2]int{}
	}
	if len(d.parts) > 0 {
		if last := d.lastTop(); last.before(d.top) {
			d.top = last
		}
		d.top.line = max(0, min(d.top.line, d.partHeight(d.top.part)-1))
	}
	d.lines = d.render(w - d.pw)
}

// View draws the view as laid out.
func (d *documentView) View() string {
	body := strings.Join(d.lines, "\n")
	if d.pw > 0 {
		return joinColumns(body, d.panel.View())
	}
	if l := d.legend.View(); l != "" {
		body += "\n" + l
	}
	return body
}

// render draws the title line and the text's lines on screen, w cells
// wide, bodyH lines in all.
func (d *documentView) render(w int) []string {
	st := d.c.st
	lines := make([]string, 0, d.bodyH)
	lines = append(lines, fitCells(d.head(w), w))
	switch {
	case d.err != nil:
		lines = append(lines, fitCells(st.StatusErr.Render(" "+d.err.Error()), w))
	case d.loading:
		lines = append(lines, fitCells(st.Dim.Render(" reading "+d.name+"…"), w))
	case len(d.parts) == 0:
		lines = append(lines, fitCells(st.Dim.Render(" nothing in this source"), w))
	default:
		if d.drawn == nil || d.drawnOf != (docDrawn{d.c.proj.version, w, d.textW}) || len(d.drawn) > 4096 {
			d.drawn, d.drawnOf = map[docLineKey]string{}, docDrawn{d.c.proj.version, w, d.textW}
		}
		for p := d.top; p.part < len(d.parts) && len(lines) < d.bodyH; p = advance(p, 1, len(d.parts), d.partHeight) {
			lines = append(lines, d.line(p, w))
		}
	}
	blank := strings.Repeat(" ", w)
	for len(lines) < d.bodyH {
		lines = append(lines, blank)
	}
	return lines[:d.bodyH]
}

// docLineKey names a drawn line: the lines on screen are kept while
// nothing but the reader's place changes (the project's version, the
// width), so that scrolling a line draws one line.
type docLineKey struct {
	pos     docPos
	current bool
}

// docDrawn is what the kept lines were drawn for.
type docDrawn struct{ version, w, textW int }

// line is the line at p, w cells wide: kept, or drawn. A line of a turn
// the passage being selected covers is drawn each time.
func (d *documentView) line(p docPos, w int) string {
	k := docLineKey{p, false}
	if d.parts[p.part].kind == coding.DocSegment {
		t := d.turnOf(p.part)
		if _, sel := d.selected(t); sel {
			return padRight(d.partLine(p.part, p.line), w)
		}
		k.current = t == d.cur
	}
	if out, ok := d.drawn[k]; ok {
		return out
	}
	out := padRight(d.partLine(p.part, p.line), w)
	d.drawn[k] = out
	return out
}

// head is the title line: the source, where the reader is, the current
// turn's ID.
func (d *documentView) head(w int) string {
	st := d.c.st
	left := st.Title.Render(" " + d.name)
	// What the reader needs most comes last, and is dropped last where the
	// line is short: where they are, the turn's ID, a passage being
	// selected across turns.
	var right []string
	if n := len(d.turns); n > 0 && d.cur >= 0 {
		what := "turn"
		if d.sheet {
			what = "answer"
		}
		right = append(right, st.Dim.Render(fmt.Sprintf("%s %d of %d", what, d.cur+1, n)))
		if seg := d.turnSeg(d.cur); seg != nil {
			_, id := d.docTurnLabel(seg)
			if d.sheet || id == "" {
				id = seg.ID
			}
			right = append(right, st.Bold.Render(id))
		}
	}
	if d.sel != nil {
		if ps, _ := d.passages(); len(ps) > 1 {
			right = append(right, st.Selection.Render(fmt.Sprintf(" passage: %d turns ", len(ps))))
		}
	}
	for len(right) > 0 {
		shown := slices.Clone(right)
		slices.Reverse(shown)
		r := strings.Join(shown, st.Dim.Render(" · "))
		if gap := w - ansi.StringWidth(left) - ansi.StringWidth(r) - 1; gap >= 1 {
			return left + strings.Repeat(" ", gap) + r + " "
		}
		right = right[1:]
	}
	return ansi.Truncate(left, w, "…")
}

// wrapped is part i's text, wrapped to the text's width (a prompt with its
// speaker's label in front).
func (d *documentView) wrapped(i int) [][2]int {
	if lines, ok := d.wraps[i]; ok {
		return lines
	}
	lines := wrapRunes([]rune(d.partText(i)), d.textW)
	d.wraps[i] = lines
	return lines
}

// partText is the text a part shows.
func (d *documentView) partText(i int) string {
	p := d.parts[i]
	switch {
	case p.kind == coding.DocSegment:
		return d.segs[p.seg].Text
	case p.kind == coding.DocPrompt && p.speaker != "":
		return p.speaker + ": " + p.text
	}
	return p.text
}

// partHeight is part i's height in lines.
func (d *documentView) partHeight(i int) int {
	n := len(d.wrapped(i)) + 1 // the blank line after it
	if d.parts[i].kind == coding.DocSegment {
		n += 1 + len(d.chipLines(i)) // the header, the chips
	}
	return n
}

// turnOf is the turn a segment part is.
func (d *documentView) turnOf(part int) int {
	return d.byRef[d.segs[d.parts[part].seg].Ref]
}

// partLine draws line j of part i.
func (d *documentView) partLine(i, j int) string {
	st := d.c.st
	p := d.parts[i]
	wrapped := d.wrapped(i)
	if p.kind != coding.DocSegment {
		if j >= len(wrapped) {
			return ""
		}
		r := wrapped[j]
		text := string([]rune(d.partText(i))[r[0]:r[1]])
		margin := strings.Repeat(" ", docMargin)
		switch p.kind {
		case coding.DocTitle:
			return margin + st.Title.Render(text)
		case coding.DocHeading:
			return margin + st.Bold.Render(text)
		case coding.DocPreamble:
			return margin + st.Subtle.Render(text)
		}
		if label := p.speaker + ": "; j == 0 && p.speaker != "" && strings.HasPrefix(text, label) {
			return margin + st.Faint.Bold(true).Render(p.speaker+":") + st.Dim.Render(strings.TrimPrefix(text, p.speaker+":"))
		}
		return margin + st.Dim.Render(text)
	}
	t := d.turnOf(i)
	seg := d.turnSeg(t)
	bar := " "
	if t == d.cur {
		bar = st.Cursor.Render("▌")
	}
	switch {
	case j == 0:
		return bar + strings.Repeat(" ", docMargin-1) + d.header(seg, t == d.cur)
	case j-1 < len(wrapped):
		r := wrapped[j-1]
		return bar + d.stripes(seg, r) + " " + d.textLine(seg, t, r)
	case j-1-len(wrapped) < len(d.chipLines(i)):
		return bar + strings.Repeat(" ", docMargin-1) + d.drawChips(d.chipLines(i)[j-1-len(wrapped)])
	}
	return ""
}

// header is a turn's first line.
func (d *documentView) header(seg *coding.Segment, current bool) string {
	st := d.c.st
	label, id := d.docTurnLabel(seg)
	name := st.Bold.Render(label)
	if current {
		name = st.Cursor.Render(label)
	}
	out := name
	if id != "" {
		if label != "" {
			out += st.Dim.Render(" · ")
		}
		out += st.Dim.Render(id)
	}
	return ansi.Truncate(out, d.textW, "…")
}

// stripes are the margin of a text line: a stripe in its code's colour for
// each code on the runes r of the line (a code on the whole turn is on
// every line), hollow while its action is queued; two at most, "+" for
// more.
func (d *documentView) stripes(seg *coding.Segment, r [2]int) string {
	st, p := d.c.st, d.c.proj
	var out []string
	seen := map[coding.CodeID]bool{}
	more := false
	for _, c := range seg.Codings {
		if seen[c.Code] || !c.Span.Whole() && (c.Span.End <= r[0] || c.Span.Start >= r[1]) {
			continue
		}
		if _, ok := p.book.Code(c.Code); !ok {
			continue
		}
		seen[c.Code] = true
		if len(out) == docStripes {
			more = true
			continue
		}
		glyph := "┃"
		if p.showing[keyOf(c.CodingKey)] > 0 {
			glyph = "╎"
		}
		out = append(out, colorStyle(colorOr(p.book.ColorOf(c.Code), "#6e7781")).Render(glyph))
	}
	if more {
		out[len(out)-1] = st.Dim.Render("+")
	}
	for len(out) < docStripes {
		out = append(out, " ")
	}
	return strings.Join(out, "")
}

// textLine draws the runes r of a turn's text: coded passages underlined,
// the passage being selected reversed.
func (d *documentView) textLine(seg *coding.Segment, t int, r [2]int) string {
	st := d.c.st
	runes := []rune(seg.Text)
	lo, hi := min(r[0], len(runes)), min(r[1], len(runes))
	const (
		markSpan = 1 << iota
		markSel
	)
	marks := make([]uint8, hi-lo)
	for _, c := range seg.Codings {
		if c.Span.Whole() {
			continue
		}
		for k := max(lo, c.Span.Start); k < min(hi, c.Span.End); k++ {
			marks[k-lo] |= markSpan
		}
	}
	if sp, ok := d.selected(t); ok {
		for k := max(lo, sp.Start); k < min(hi, sp.End); k++ {
			marks[k-lo] |= markSel
		}
	}
	style := st.App
	if t != d.cur {
		style = st.RowCoded
	}
	var b strings.Builder
	for k := 0; k < len(marks); {
		e := k
		for e < len(marks) && marks[e] == marks[k] {
			e++
		}
		part := string(runes[lo+k : lo+e])
		switch mk := marks[k]; {
		case mk&markSel != 0:
			part = st.Selection.Render(part)
		case mk&markSpan != 0:
			part = style.Inherit(st.SpanMark).Render(part)
		default:
			part = style.Render(part)
		}
		b.WriteString(part)
		k = e
	}
	return b.String()
}

// docChip is one chip under a turn: its label, its code's colour, whether
// its action is queued, or (more > 0) the count of chips that did not fit.
type docChip struct {
	label, hex string
	queued     bool
	mark       bool // a review mark: dim text, not a chip
	more       int
}

// chipLines are part i's chips, laid out in lines of the text's width
// (three at most, the last saying "+N" for those that do not fit): the
// codes as the coding screen names them (★, ✎, the coder with every coder
// shown, ◌ while queued), then the review marks. They are measured on
// their labels, without drawing, and kept with the lines drawn.
func (d *documentView) chipLines(i int) [][]docChip {
	if d.chipsOf != (docDrawn{d.c.proj.version, 0, d.textW}) || d.chipCache == nil {
		d.chipCache, d.chipsOf = map[int][][]docChip{}, docDrawn{d.c.proj.version, 0, d.textW}
	}
	if lines, ok := d.chipCache[i]; ok {
		return lines
	}
	seg := d.turnSeg(d.turnOf(i))
	p := d.c.proj
	var chips []docChip
	for _, c := range seg.Codings {
		code, ok := p.book.Code(c.Code)
		if !ok {
			continue
		}
		label := chipLabel(p.book, code)
		if !c.Span.Whole() {
			label += " “" + excerpt(seg.Text, c.Span, 14) + "”"
		}
		if c.Starred {
			label = "★ " + label
		}
		if c.Memo != "" {
			label += " ✎"
		}
		if c.Coder != p.coder || p.showAll {
			label = c.CoderName + ": " + label
		}
		queued := p.showing[keyOf(c.CodingKey)] > 0
		if queued {
			label = "◌ " + label
		}
		chips = append(chips, docChip{label: label, hex: p.book.ColorOf(code.ID), queued: queued})
	}
	for _, k := range seg.Marks {
		label := "× " + markLabel
		if k.Coder != p.coder || p.showAll {
			label = k.CoderName + ": " + label
		}
		chips = append(chips, docChip{label: label, mark: true})
	}
	lines := layoutChips(chips, d.textW, 3)
	d.chipCache[i] = lines
	return lines
}

// layoutChips puts chips in lines of w cells, at most maxLines; a chip
// wider than a line is cut, and the last line ends with a "+N" chip when
// some do not fit.
func layoutChips(chips []docChip, w, maxLines int) [][]docChip {
	width := func(c docChip) int {
		if c.more > 0 {
			return len(fmt.Sprintf(" +%d", c.more))
		}
		n := ansi.StringWidth(c.label)
		if !c.mark {
			n += 2 // a chip's padding
		}
		return n
	}
	var lines [][]docChip
	var line []docChip
	used := 0
	for i := 0; i < len(chips); i++ {
		c := chips[i]
		if cw := width(c); cw > w {
			c.label = ansi.Truncate(c.label, max(1, w-2), "…")
		}
		gap := 0
		if len(line) > 0 {
			gap = 1
		}
		if len(line) > 0 && used+gap+width(c) > w {
			lines = append(lines, line)
			line, used, gap = nil, 0, 0
		}
		if len(lines) == maxLines-1 && i < len(chips)-1 {
			// The last line: keep room for "+N".
			rest := len(chips) - i
			if used+gap+width(c)+width(docChip{more: rest - 1}) > w {
				line = append(line, docChip{more: rest})
				break
			}
		}
		line = append(line, c)
		used += gap + width(c)
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	return lines
}

// drawChips draws one line of chips.
func (d *documentView) drawChips(line []docChip) string {
	st := d.c.st
	parts := make([]string, len(line))
	for i, c := range line {
		switch {
		case c.more > 0:
			parts[i] = st.Dim.Render(fmt.Sprintf("+%d", c.more))
		case c.mark:
			parts[i] = st.Dim.Render(c.label)
		case c.queued:
			parts[i] = st.chipQueued(c.label, c.hex)
		default:
			parts[i] = st.chip(c.label, c.hex)
		}
	}
	return strings.Join(parts, " ")
}

// panelWidthFor is the codebook panel's width beside a body w wide (0:
// hidden on narrow screens, where the legend stands in for it).
func panelWidthFor(w int) int {
	switch {
	case w < 60:
		return 0
	case w >= 160: // room for the codes' descriptions beside them
		return min(80, w*2/5)
	}
	return max(30, min(50, w*2/7))
}
