package tui

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// currentSegment is the current segment in full, in a box: header,
// attributes, wrapped text (coded passages underlined, search matches
// marked, the passage being selected reversed) and its codes as chips. J
// and K scroll a text too long for the box; v selects a passage in it.
type currentSegment struct {
	c    common
	keys currentKeys

	scroll int            // lines scrolled inside the text
	span   *spanSelection // a passage being selected (nil: none)

	// Laid out in Update, drawn by View.
	drawnFrom currentKey
	drawn     string
	h         int

	hint string // suggested codes, dim under a segment not yet reviewed
}

type currentKeys struct {
	ScrollDown, ScrollUp key.Binding
	Span                 key.Binding
}

func newCurrentKeys() currentKeys {
	return currentKeys{
		ScrollDown: bind("J", "scroll the text down", "J"),
		ScrollUp:   bind("K", "scroll the text up", "K"),
		Span:       bind("v", "select a passage", "v"),
	}
}

func newCurrentSegment(c common) *currentSegment {
	return &currentSegment{c: c, keys: newCurrentKeys()}
}

// ShortHelp is empty: the coding screen's footer names the keys to code.
func (s *currentSegment) ShortHelp() []key.Binding { return nil }

// FullHelp lists scrolling, and the passage keys.
func (s *currentSegment) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.keys.Span, s.keys.ScrollDown, s.keys.ScrollUp}}
}

// moved forgets the scroll and the selection: the cursor is on another
// segment.
func (s *currentSegment) moved() { s.scroll, s.span = 0, nil }

// key handles J and K; ok is false for keys it leaves to others.
func (s *currentSegment) key(msg tea.KeyPressMsg) bool {
	switch {
	case key.Matches(msg, s.keys.ScrollDown):
		s.scroll++
	case key.Matches(msg, s.keys.ScrollUp):
		s.scroll = max(0, s.scroll-1)
	default:
		return false
	}
	return true
}

// currentKey names what the box was drawn from.
type currentKey struct {
	ref       coding.SegRef
	pos, n    int
	w, h      int
	version   int
	scroll    int
	focused   bool
	highlight string
	hint      string
}

// layout draws the box for seg (list position pos of n) into at most maxH
// lines of w cells, clamping the scroll to the text; it is drawn again only
// when something it shows changed.
func (s *currentSegment) layout(seg *coding.Segment, pos, n, w, maxH int, focused bool, hl string) {
	var ref coding.SegRef
	if seg != nil {
		ref = seg.Ref
	}
	k := currentKey{ref, pos, n, w, maxH, s.c.proj.version, s.scroll, focused, hl, s.hint}
	if k == s.drawnFrom && s.drawn != "" {
		return
	}
	s.drawn = s.render(seg, pos, n, w, maxH, focused, hl)
	k.scroll = s.scroll // render may have clamped it
	s.drawnFrom, s.h = k, strings.Count(s.drawn, "\n")+1
}

// lines is the box, line by line.
func (s *currentSegment) lines() []string { return strings.Split(s.drawn, "\n") }

// height is the box's height in lines.
func (s *currentSegment) height() int { return s.h }

// View draws the box as laid out.
func (s *currentSegment) View() string { return s.drawn }

// SetSize is the list's: the box is laid out within it.
func (s *currentSegment) SetSize(int, int) {}

// Update takes the scroll keys.
func (s *currentSegment) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		s.key(k)
	}
	return nil
}

func (s *currentSegment) render(seg *coding.Segment, pos, n, w, maxH int, focused bool, hl string) string {
	st := s.c.st
	box := st.Current
	if focused {
		box = st.CurrentFocused
	}
	inner := max(10, w-box.GetHorizontalFrameSize())
	if seg == nil {
		return box.Width(w).Render(st.Dim.Render("loading…"))
	}
	var lines []string
	head := st.Bold.Render(seg.ID) + st.Dim.Render(" · "+seg.Source)
	if seg.Case != "" {
		head += st.Dim.Render(" · ") + seg.Case
	}
	at := st.Dim.Render(fmt.Sprintf("%d/%d", pos+1, n))
	if gap := inner - ansi.StringWidth(head) - ansi.StringWidth(at); gap >= 1 {
		head += strings.Repeat(" ", gap) + at
	}
	lines = append(lines, ansi.Truncate(head, inner, "…"))
	lines = append(lines, s.renderAttributes(seg, inner)...)
	lines = append(lines, "")

	wrapped := strings.Split(ansi.Wordwrap(s.renderText(seg, hl), inner, " -"), "\n")
	chips := s.renderChips(seg, inner)
	if s.hint != "" && len(chips) == 0 {
		chips = strings.Split(st.Dim.Render(ansi.Wordwrap(s.hint, inner, " ")), "\n")
	}
	// Room for the text once the frame, header, attributes and chips are in.
	room := max(3, maxH-box.GetVerticalFrameSize()-len(lines)-len(chips)-1)
	s.scroll = min(s.scroll, max(0, len(wrapped)-room))
	shown := wrapped[s.scroll:]
	if len(shown) > room {
		more := len(shown) - room + 1
		shown = append(shown[:room-1:room-1], st.Dim.Render("… "+plural(more, "more line", "more lines")+" (J/K scroll)"))
	}
	if s.scroll > 0 {
		shown = append([]string{st.Dim.Render("… " + plural(s.scroll, "line", "lines") + " above (K)")}, shown[1:]...)
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
func (s *currentSegment) renderAttributes(seg *coding.Segment, width int) []string {
	st := s.c.st
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
					l = st.AttrName.Render(a.Name+": ") + st.AttrValue.Render(strings.TrimPrefix(l, a.Name+": "))
				} else {
					l = st.AttrValue.Render(l)
				}
				lines = append(lines, l)
			}
			continue
		}
		rest = append(rest, st.AttrName.Render(a.Name+"=")+a.Value)
	}
	if len(rest) > 0 {
		lines = append(lines, ansi.Truncate(strings.Join(rest, st.Dim.Render(" · ")), width, "…"))
	}
	return lines
}

// renderText styles the segment's text: coded spans underlined, search
// matches marked, the span being selected reversed.
func (s *currentSegment) renderText(seg *coding.Segment, hl string) string {
	st := s.c.st
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
	if hl != "" {
		for _, m := range matches(runes, hl) {
			for j := m[0]; j < m[1]; j++ {
				marks[j] |= markMatch
			}
		}
	}
	if s.span != nil && s.span.ref == seg.Ref {
		sp := s.span.span()
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
			part = st.Selection.Render(part)
		case mk&markMatch != 0:
			part = st.Match.Render(part)
		case mk&markSpan != 0:
			part = st.SpanMark.Render(part)
		}
		b.WriteString(part)
		i = j
	}
	return b.String()
}

// renderChips draws the segment's codings as coloured chips, wrapped to the
// width; other coders' codings carry the coder's name. A coding the store
// does not hold yet (its action is queued) is a hollow chip marked ◌.
func (s *currentSegment) renderChips(seg *coding.Segment, width int) []string {
	st, p := s.c.st, s.c.proj
	var chips []string
	for _, c := range seg.Codings {
		code, ok := p.book.Code(c.Code)
		if !ok {
			continue
		}
		label := chipLabel(p.book, code)
		if !c.Span.Whole() {
			label += " “" + excerpt(seg.Text, c.Span, 18) + "”"
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
		if p.showing[keyOf(c.CodingKey)] > 0 {
			chips = append(chips, st.chipQueued(ansi.Truncate("◌ "+label, width-2, "…"), p.book.ColorOf(code.ID)))
			continue
		}
		chips = append(chips, st.chip(ansi.Truncate(label, width-2, "…"), p.book.ColorOf(code.ID)))
	}
	chips = append(chips, s.markChips(seg, width)...)
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

// markChips draws the review marks shown on a segment: the coder's own
// (hollow ◌ while its action is queued) and, with every coder shown, the
// others', each naming its coder.
func (s *currentSegment) markChips(seg *coding.Segment, width int) []string {
	st, p := s.c.st, s.c.proj
	var chips []string
	for _, k := range seg.Marks {
		label := "× " + markLabel
		own := k.Coder == p.coder
		if !own || p.showAll {
			label = k.CoderName + ": " + label
		}
		if own && p.markShowing[seg.Ref] > 0 {
			chips = append(chips, st.chipQueued(ansi.Truncate("◌ "+label, width-2, "…"), ""))
			continue
		}
		chips = append(chips, st.chip(ansi.Truncate(label, width-2, "…"), ""))
	}
	return chips
}

// markLabel is how a review mark reads on a chip and in the status line.
const markLabel = "reviewed, nothing applies"

// chipLabel names a code briefly: "Theme › Code" for a sub-code.
func chipLabel(b *coding.Codebook, c coding.Code) string {
	if c.Depth == 0 {
		return c.Name
	}
	return b.Theme(c.ID).Name + " › " + c.Name
}

// excerpt is the span's text on one line, cut to n cells.
func excerpt(text string, sp coding.Span, n int) string {
	runes := []rune(text)
	if sp.End > len(runes) || sp.Start > sp.End {
		return ""
	}
	return ansi.Truncate(strings.Join(strings.Fields(string(runes[sp.Start:sp.End])), " "), n, "…")
}

// matches finds every case-insensitive occurrence of q in text, as rune
// offsets [start, end). It compares rune by rune: lower-casing can change a
// string's length in bytes (İ, K), so byte offsets of the lower-cased text
// do not fit the text.
func matches(runes []rune, q string) [][2]int {
	want := []rune(q)
	for i, r := range want {
		want[i] = unicode.ToLower(r)
	}
	var out [][2]int
	for i := 0; len(want) > 0 && i+len(want) <= len(runes); {
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
		out = append(out, [2]int{i, i + len(want)})
		i += len(want)
	}
	return out
}

// highlight marks every case-insensitive occurrence of q in plain text.
func highlight(text, q string, st lipgloss.Style) string {
	if q == "" {
		return text
	}
	runes := []rune(text)
	var b strings.Builder
	last := 0
	for _, m := range matches(runes, q) {
		b.WriteString(string(runes[last:m[0]]))
		b.WriteString(st.Render(string(runes[m[0]:m[1]])))
		last = m[1]
	}
	b.WriteString(string(runes[last:]))
	return b.String()
}
