package tui

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// renderSegments draws the list: neighbours above, the current segment in
// full, neighbours below. Only the rows that fit are rendered.
func (m *Model) renderSegments(w, h int) string {
	if !m.ready {
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, m.st.Dim.Render("loading…"))
	}
	if len(m.refs) == 0 {
		msg := "no segments"
		if m.filter != "" {
			msg = "no segments match " + m.filter + " (esc clears the filter)"
		}
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, m.st.Dim.Render(msg))
	}
	ck := rowKey{ref: m.currentRef(), w: w, h: h, version: m.frames.version, scroll: m.scroll, focusSeg: m.focus == focusSegments}
	if m.frames.current.key != ck || m.frames.current.out == "" {
		m.frames.current.key, m.frames.current.out = ck, m.renderCurrent(w, h)
	}
	current := m.frames.current.out
	ch := strings.Count(current, "\n") + 1
	rest := max(0, h-ch)
	above := min(m.cursor, rest/3)
	below := rest - above
	if m.cursor+below >= len(m.refs) { // near the end: give the space to the rows above
		below = len(m.refs) - 1 - m.cursor
		above = min(m.cursor, rest-below)
	}
	m.hits.above, m.hits.currentH, m.hits.listW = above, ch, w
	m.hits.idW = 4
	for i := max(0, m.cursor-above); i <= m.cursor+below && i < len(m.refs); i++ {
		if seg := m.cache[m.refs[i]]; seg != nil {
			m.hits.idW = max(m.hits.idW, min(16, ansi.StringWidth(seg.ID)))
		}
	}
	lines := make([]string, 0, h)
	for i := m.cursor - above; i < m.cursor; i++ {
		lines = append(lines, m.cachedRow(i, w))
	}
	lines = append(lines, strings.Split(current, "\n")...)
	for i := m.cursor + 1; i <= m.cursor+below && i < len(m.refs); i++ {
		lines = append(lines, m.cachedRow(i, w))
	}
	blank := strings.Repeat(" ", w)
	for len(lines) < h {
		lines = append(lines, blank)
	}
	return strings.Join(lines[:h], "\n")
}

// renderRow draws a neighbour on one line: a mark (● the coder's coding is
// saved, × the coder marked it "reviewed, nothing applies", ◌ an action on
// it is still queued, ○ not reviewed), its ID, how many codings, its text.
func (m *Model) renderRow(i, w int) string {
	ref := m.refs[i]
	seg := m.cache[ref]
	mark := m.st.Faint.Render("○")
	switch {
	case m.queued[ref] > 0:
		mark = m.st.Dim.Render("◌")
	case m.coded.Has(ref):
		mark = m.st.StatusOK.Render("●")
	case m.marked.Has(ref):
		mark = m.st.StatusOK.Render("×")
	}
	if seg == nil {
		return ansi.Truncate(" "+mark+" "+m.st.Dim.Render("…"), w, "…")
	}
	id := m.st.RowID.Render(fitID(seg.ID, m.hits.idW))
	n := ""
	if len(seg.Codings) > 0 {
		n = m.st.Count.Render(fmt.Sprintf("[%d] ", len(seg.Codings)))
	}
	text := strings.Join(strings.Fields(seg.Text), " ")
	style := m.st.Row
	if m.reviewedOnScreen(ref) {
		style = m.st.RowCoded
	}
	if m.search.active() {
		text = highlight(text, m.search.query, m.st.Match)
	}
	line := " " + mark + " " + id + " " + n + style.Render(text)
	return ansi.Truncate(line, w, "…")
}

// fitID pads or cuts an ID to n cells.
func fitID(id string, n int) string {
	if ansi.StringWidth(id) > n {
		return ansi.Truncate(id, n, "…")
	}
	return id + strings.Repeat(" ", n-ansi.StringWidth(id))
}

// renderCurrent draws the current segment in full: header, attributes,
// wrapped text (spans underlined, search matches marked, the span being
// selected reversed) and its codes as chips.
func (m *Model) renderCurrent(w, maxH int) string {
	box := m.st.Current
	if m.focus == focusSegments {
		box = m.st.CurrentFocused
	}
	inner := max(10, w-box.GetHorizontalFrameSize())
	seg := m.current()
	if seg == nil {
		return box.Width(w).Render(m.st.Dim.Render("loading…"))
	}
	var lines []string
	head := m.st.Bold.Render(seg.ID) + m.st.Dim.Render(" · "+seg.Source)
	if seg.Case != "" {
		head += m.st.Dim.Render(" · ") + seg.Case
	}
	pos := m.st.Dim.Render(fmt.Sprintf("%d/%d", m.cursor+1, len(m.refs)))
	gap := inner - ansi.StringWidth(head) - ansi.StringWidth(pos)
	if gap >= 1 {
		head += strings.Repeat(" ", gap) + pos
	}
	lines = append(lines, ansi.Truncate(head, inner, "…"))
	lines = append(lines, m.renderAttributes(seg, inner)...)
	lines = append(lines, "")

	text := m.renderText(seg)
	wrapped := strings.Split(ansi.Wordwrap(text, inner, " -"), "\n")
	chips := m.renderChips(seg, inner)
	// Room for the text once the frame, header, attributes and chips are in.
	room := maxH - box.GetVerticalFrameSize() - len(lines) - len(chips) - 1
	room = max(3, room)
	if m.scroll > max(0, len(wrapped)-room) {
		m.scroll = max(0, len(wrapped)-room)
	}
	shown := wrapped[m.scroll:]
	if len(shown) > room {
		more := len(shown) - room + 1
		shown = append(shown[:room-1:room-1], m.st.Dim.Render(fmt.Sprintf("… %d more lines (J/K scroll)", more)))
	}
	if m.scroll > 0 {
		shown = append([]string{m.st.Dim.Render(fmt.Sprintf("… %d lines above (K)", m.scroll))}, shown[1:]...)
	}
	lines = append(lines, shown...)
	if len(chips) > 0 {
		lines = append(lines, "")
		lines = append(lines, chips...)
	}
	return box.Width(w).Render(strings.Join(lines, "\n"))
}

// renderAttributes lists the attributes that help a coder read the
// segment: question, the interviewer's prompt and speaker first. Where the
// prompt is the question (no heading set one), it shows once, as prompt.
func (m *Model) renderAttributes(seg *coding.Segment, width int) []string {
	var lines []string
	attrs := make([]coding.Attribute, 0, len(seg.Attributes))
	prompt := ""
	for _, a := range seg.Attributes {
		if a.Name == "prompt" {
			prompt = a.Value
		}
	}
	for _, a := range seg.Attributes {
		if a.Name != "question" || a.Value != prompt {
			attrs = append(attrs, a)
		}
	}
	rank := func(name string) int {
		switch strings.ToLower(name) { // attribute names match whatever their case
		case "question":
			return 0
		case "prompt":
			return 1
		case "speaker":
			return 2
		case "role":
			return 3
		}
		return 4
	}
	sort.SliceStable(attrs, func(i, j int) bool { return rank(attrs[i].Name) < rank(attrs[j].Name) })
	var rest []string
	for _, a := range attrs {
		if rank(a.Name) < 3 { // question, prompt, speaker
			// The question is what the answer answers: give it up to three lines.
			wrapped := strings.Split(ansi.Wordwrap(a.Name+": "+a.Value, width, " "), "\n")
			if len(wrapped) > 3 {
				wrapped = append(wrapped[:2], ansi.Truncate(strings.Join(wrapped[2:], " "), width, "…"))
			}
			for i, l := range wrapped {
				if i == 0 {
					l = m.st.AttrName.Render(a.Name+": ") + m.st.AttrValue.Render(strings.TrimPrefix(l, a.Name+": "))
				} else {
					l = m.st.AttrValue.Render(l)
				}
				lines = append(lines, l)
			}
			continue
		}
		rest = append(rest, m.st.AttrName.Render(a.Name+"=")+a.Value)
	}
	if len(rest) > 0 {
		lines = append(lines, ansi.Truncate(strings.Join(rest, m.st.Dim.Render(" · ")), width, "…"))
	}
	return lines
}

// renderText styles the segment's text: coded spans underlined, search
// matches marked, the span being selected reversed.
func (m *Model) renderText(seg *coding.Segment) string {
	runes := []rune(seg.Text)
	n := len(runes)
	const (
		markSpan = 1 << iota
		markMatch
		markSel
	)
	marks := make([]uint8, n)
	for _, c := range seg.Codings {
		if !c.Span.Whole() {
			for i := c.Span.Start; i < c.Span.End && i < n; i++ {
				marks[i] |= markSpan
			}
		}
	}
	if q := m.search.query; q != "" && m.search.active() {
		lower := []rune(strings.ToLower(seg.Text))
		ql := []rune(strings.ToLower(q))
		for i := 0; i+len(ql) <= len(lower); i++ {
			if string(lower[i:i+len(ql)]) == string(ql) {
				for j := i; j < i+len(ql); j++ {
					marks[j] |= markMatch
				}
			}
		}
	}
	if m.span != nil && m.span.ref == seg.Ref {
		sp := m.span.span()
		for i := sp.Start; i < sp.End && i < n; i++ {
			marks[i] |= markSel
		}
	}
	var b strings.Builder
	for i := 0; i < n; {
		j := i
		for j < n && marks[j] == marks[i] {
			j++
		}
		part := string(runes[i:j])
		switch mk := marks[i]; {
		case mk&markSel != 0:
			part = m.st.Selection.Render(part)
		case mk&markMatch != 0:
			part = m.st.Match.Render(part)
		case mk&markSpan != 0:
			part = m.st.SpanMark.Render(part)
		}
		b.WriteString(part)
		i = j
	}
	return b.String()
}

// renderChips draws the segment's codings as coloured chips, wrapped to the
// width; other coders' codings carry the coder's name. A coding the store
// does not hold yet (its action is queued) is a hollow chip marked ◌.
func (m *Model) renderChips(seg *coding.Segment, width int) []string {
	var chips []string
	for _, c := range seg.Codings {
		code, ok := m.book.Code(c.Code)
		if !ok {
			continue
		}
		label := chipLabel(m.book, code)
		if !c.Span.Whole() {
			label += " “" + excerpt(seg.Text, c.Span, 18) + "”"
		}
		if c.Starred {
			label = "★ " + label
		}
		if c.Memo != "" {
			label += " ✎"
		}
		if c.Coder != m.coder || m.showAll {
			label = c.CoderName + ": " + label
		}
		if m.showing[keyOf(c.CodingKey)] > 0 {
			chips = append(chips, m.st.chipQueued(ansi.Truncate("◌ "+label, width-2, "…"), m.book.ColorOf(code.ID)))
			continue
		}
		chips = append(chips, m.st.chip(ansi.Truncate(label, width-2, "…"), m.book.ColorOf(code.ID)))
	}
	chips = append(chips, m.markChips(seg, width)...)
	var lines []string
	line := ""
	for _, c := range chips {
		if line != "" && ansi.StringWidth(line)+1+ansi.StringWidth(c) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += c
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// chipLabel names a code briefly: "Theme › Code" for a sub-code.
func chipLabel(b *coding.Codebook, c coding.Code) string {
	if c.Depth == 0 {
		return c.Name
	}
	return b.Theme(c.ID).Name + " › " + c.Name
}

// excerpt is the span's text, cut to n runes.
func excerpt(text string, sp coding.Span, n int) string {
	runes := []rune(text)
	if sp.End > len(runes) {
		return ""
	}
	s := strings.Join(strings.Fields(string(runes[sp.Start:sp.End])), " ")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n-1]) + "…"
	}
	return s
}

// highlight marks every case-insensitive occurrence of q in plain text.
// It compares rune by rune: lower-casing can change a string's length in
// bytes (İ, K), so byte offsets of the lower-cased text do not fit the text.
func highlight(text, q string, st lipgloss.Style) string {
	if q == "" {
		return text
	}
	runes, want := []rune(text), []rune(q)
	for i, r := range want {
		want[i] = unicode.ToLower(r)
	}
	var b strings.Builder
	last := 0
	for i := 0; i+len(want) <= len(runes); {
		match := true
		for j, w := range want {
			if unicode.ToLower(runes[i+j]) != w {
				match = false
				break
			}
		}
		if !match {
			i++
			continue
		}
		b.WriteString(string(runes[last:i]))
		b.WriteString(st.Render(string(runes[i : i+len(want)])))
		i += len(want)
		last = i
	}
	b.WriteString(string(runes[last:]))
	return b.String()
}
