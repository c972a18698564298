package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// filterBar is the line over the list while a filter is on: each of its
// conditions, numbered as the f menu takes them away, with a × that a
// click takes away too; how many segments are listed; and the keys.
// Conditions combine (every one must hold); esc on the coding screen takes
// the last one away.
type filterBar struct {
	c common

	width int
	// Laid out in layout, drawn by View.
	line  string
	marks []barMark // where each condition's × is, for clicks
}

// barMark is the cells [x0, x1) of a condition's ×.
type barMark struct {
	x0, x1 int
	term   coding.QueryTerm
}

func newFilterBar(c common) *filterBar { return &filterBar{c: c} }

// ShortHelp and FullHelp are empty: the bar's keys are the screen's (f,
// esc).
func (b *filterBar) ShortHelp() []key.Binding  { return nil }
func (b *filterBar) FullHelp() [][]key.Binding { return nil }

func (b *filterBar) SetSize(w, _ int) { b.width = w }

// Update has nothing to take: the bar is laid out from the project.
func (b *filterBar) Update(tea.Msg) tea.Cmd { return nil }

// height is the bar's height: a line while a filter is on.
func (b *filterBar) height() int {
	if b.line == "" {
		return 0
	}
	return 1
}

// layout draws the bar for the filter on (none: no bar), listing n of
// total segments (reading: the list for it is still being read): as many conditions as fit, then "+N more" for the rest
// (the f menu lists them all).
func (b *filterBar) layout(n, total int, reading bool) {
	st, terms := b.c.st, b.c.proj.query.Terms()
	b.line, b.marks = "", b.marks[:0]
	if len(terms) == 0 || b.width < 20 {
		return
	}
	count := fmt.Sprintf("%d of %d", n, total)
	if reading {
		count = "reading…"
	}
	hint := " · f adds · esc takes the last away"
	w := b.width
	tail := 2 + ansi.StringWidth(count) // "  14 of 205"
	line, x := st.StatusKey.Render(" filter"), 7
	for i, t := range terms {
		num := fmt.Sprint(i + 1)
		more := ""
		if rest := len(terms) - i - 1; rest > 0 {
			more = fmt.Sprintf(" +%d more", rest)
		}
		// What is left for this condition's text: after "  N " and before
		// " ×", "+N more" and the count.
		room := w - x - 2 - ansi.StringWidth(num) - 1 - 2 - ansi.StringWidth(more) - tail
		if room < 6 && i > 0 {
			line += st.Dim.Render(fmt.Sprintf(" +%d more", len(terms)-i))
			x += ansi.StringWidth(fmt.Sprintf(" +%d more", len(terms)-i))
			break
		}
		text := ansi.Truncate(t.String(), max(3, min(32, room)), "…")
		line += "  " + st.Number.Render(num) + " " + text + " " + st.Dim.Render("×")
		x += 2 + ansi.StringWidth(num) + 1 + ansi.StringWidth(text) + 2
		b.marks = append(b.marks, barMark{x - 1, x, t})
	}
	line += st.Dim.Render("  " + count)
	x += tail
	if x+ansi.StringWidth(hint) <= w {
		line += st.Dim.Render(hint)
	}
	b.line = padRight(ansi.Truncate(line, w, "…"), w)
}

// click takes away the condition whose × (or label) was clicked at x.
func (b *filterBar) click(x int) {
	for i, m := range b.marks {
		from := 7
		if i > 0 {
			from = b.marks[i-1].x1
		}
		if x >= from && x < m.x1 {
			b.c.post(withoutTerm(b.c.proj, m.term))
			return
		}
	}
}

// View is the bar as laid out.
func (b *filterBar) View() string { return b.line }

// filterChange says what a change of the filter did, for the status line
// (the bar shows the conditions): "filter + role = PQ lead", "filter −
// not reviewed".
func filterChange(before, after []coding.QueryTerm) string {
	var parts []string
	for _, t := range after {
		if !slices.ContainsFunc(before, t.Equal) {
			parts = append(parts, "+ "+t.String())
		}
	}
	for _, t := range before {
		if !slices.ContainsFunc(after, t.Equal) {
			parts = append(parts, "− "+t.String())
		}
	}
	if len(parts) == 0 {
		return "filter unchanged"
	}
	return "filter " + strings.Join(parts, " ")
}
