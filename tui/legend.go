package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The legend stands in for the codebook panel where the panel does not fit
// (below 60 columns): the codes the digits toggle, by number, in a grid
// under the list, so that a digit never codes blind.

// legendLayout is where the legend's cells are: rows × cols cells of cellW,
// numbered down each column, as the panel numbers its rows.
type legendLayout struct {
	title        bool // a title line above the grid
	rows, cols   int
	cellW, shown int
}

// layoutLegend fits n numbered codes into w cells and at most a third of a
// body room lines high: columns of about 26 cells where they fit, more and
// narrower columns where the height runs short, one line at the least.
func layoutLegend(n, w, room int) legendLayout {
	if n == 0 {
		return legendLayout{rows: 1, cols: 1, cellW: w}
	}
	l := legendLayout{title: room >= 12}
	height := room / 3
	if l.title {
		height--
	}
	l.rows = max(1, min(ceilDiv(n, max(1, w/26)), height))
	l.cols = ceilDiv(n, l.rows)
	l.cellW = w / l.cols
	if l.cellW < 8 { // too narrow to name anything: fewer codes, still named, and "+N"
		l.cols = max(1, (w-3)/8)
		l.cellW = (w - 3) / l.cols
	}
	l.shown = min(n, l.rows*l.cols)
	return l
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// renderLegend draws the legend, each line w cells wide.
func (m *Model) renderLegend(w, room int) []string {
	rows := m.panel.rows(m)
	n := min(10, len(rows))
	l := layoutLegend(n, w, room)
	m.hits.legend = l
	var lines []string
	if l.title {
		title := "Codebook"
		if m.panel.root != 0 {
			c, _ := m.book.Code(m.panel.root)
			title = "⌫ " + c.Path
		}
		title = ansi.Truncate(title, w-4, "…")
		lines = append(lines, m.st.Faint.Render("─ ")+m.st.Title.Render(title)+m.st.Faint.Render(" "+strings.Repeat("─", max(0, w-3-ansi.StringWidth(title)))))
	}
	if n == 0 {
		return append(lines, padRight(m.st.Dim.Render(" no codes: press e to add"), w))
	}
	for r := 0; r < l.rows; r++ {
		var b strings.Builder
		for c := 0; c < l.cols; c++ {
			if i := c*l.rows + r; i < l.shown {
				b.WriteString(m.legendCell(rows[i], i, l.cellW))
			}
		}
		lines = append(lines, padRight(b.String(), w))
	}
	if more := n - l.shown; more > 0 {
		last := len(lines) - 1
		lines[last] = ansi.Truncate(lines[last], l.cols*l.cellW, "") + m.st.Dim.Render(fmt.Sprintf(" +%d", more))
		lines[last] = padRight(lines[last], w)
	}
	return lines
}

// legendCell is one numbered code, w cells wide: themes and other parents
// in their theme's colour, as the panel draws their arrows.
func (m *Model) legendCell(r panelRow, i, w int) string {
	num := m.st.Number.Render(strconv.Itoa((i+1)%10)) + " "
	name := ansi.Truncate(r.code.Name, max(1, w-3), "…")
	if r.hasKids {
		name = colorStyle(colorOr(m.book.ColorOf(r.code.ID), "#6e7781")).Bold(true).Render(name)
	}
	return padRight(" "+num+name, w)
}

// inLegend tells whether line y of the screen is the legend's.
func (m *Model) inLegend(y int) bool {
	l := m.hits.legend
	top := m.hits.mainH - l.rows
	if l.title {
		top--
	}
	return m.panelWidth() == 0 && l.cellW > 0 && y >= top && y < m.hits.mainH
}

// clickLegend does what a click on the same code in the panel does: a
// parent opens, a code toggles; the title goes back up a level.
func (m *Model) clickLegend(x, y int) tea.Cmd {
	l := m.hits.legend
	r := y - (m.hits.mainH - l.rows)
	if r < 0 {
		m.panel.out(m)
		return nil
	}
	rows := m.panel.rows(m)
	c := x / l.cellW
	i := c*l.rows + r
	if c >= l.cols || i >= l.shown || i >= len(rows) {
		return nil
	}
	if rows[i].hasKids {
		m.panel.enter(rows[i].code.ID)
		return nil
	}
	return m.toggle(rows[i].code.ID)
}
