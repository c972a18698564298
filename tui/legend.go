package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// legend stands in for the codebook panel where the panel does not fit
// (below 60 columns): the codes the digits toggle, by number, in a grid
// under the list, so that a digit never codes blind. It shows the panel's
// numbering and follows its theme.
type legend struct {
	c     common
	panel *codebookPanel

	width, room int // room: the body's height, of which it takes a third at most

	// Laid out in Update, drawn by View.
	grid  legendLayout
	lines []string
}

// legendLayout is where the legend's cells are: rows × cols cells of cellW,
// numbered down each column, as the panel numbers its rows.
type legendLayout struct {
	title        bool // a title line above the grid
	rows, cols   int
	cellW, shown int
}

func newLegend(c common, p *codebookPanel) *legend { return &legend{c: c, panel: p} }

// ShortHelp and FullHelp are the panel's: the legend has no keys.
func (l *legend) ShortHelp() []key.Binding  { return nil }
func (l *legend) FullHelp() [][]key.Binding { return nil }

// SetSize gives the legend the body's width and height.
func (l *legend) SetSize(w, h int) { l.width, l.room = w, h }

// Update has nothing to do: the legend is laid out with the screen.
func (l *legend) Update(tea.Msg) tea.Cmd { return nil }

// height is the legend's height in lines, as laid out.
func (l *legend) height() int { return len(l.lines) }

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

// layout draws the legend, each line w cells wide.
func (l *legend) layout() {
	st, w := l.c.st, l.width
	rows := l.panel.rows()
	n := min(10, len(rows))
	g := layoutLegend(n, w, l.room)
	l.grid = g
	var lines []string
	if g.title {
		title := "Codebook"
		if g := l.panel.group; g != nil {
			title = "⌫ " + g.title(l.c.proj.book, w-6)
		}
		title = ansi.Truncate(title, w-4, "…")
		lines = append(lines, st.Faint.Render("─ ")+st.Title.Render(title)+st.Faint.Render(" "+strings.Repeat("─", max(0, w-3-ansi.StringWidth(title)))))
	}
	if n == 0 {
		l.lines = append(lines, fitCells(st.Dim.Render(" no codes: press e to add"), w))
		return
	}
	for r := 0; r < g.rows; r++ {
		var b strings.Builder
		for c := 0; c < g.cols; c++ {
			if i := c*g.rows + r; i < g.shown {
				b.WriteString(l.cell(rows[i], i, g.cellW))
			}
		}
		lines = append(lines, padRight(b.String(), w))
	}
	if more := n - g.shown; more > 0 {
		last := len(lines) - 1
		lines[last] = ansi.Truncate(lines[last], g.cols*g.cellW, "") + st.Dim.Render(fmt.Sprintf(" +%d", more))
		lines[last] = padRight(lines[last], w)
	}
	l.lines = lines
}

// View draws the legend as laid out.
func (l *legend) View() string { return strings.Join(l.lines, "\n") }

// cell is one numbered code, w cells wide: themes and other parents in
// their theme's colour, as the panel draws their arrows.
func (l *legend) cell(r panelRow, i, w int) string {
	st := l.c.st
	num := st.Number.Render(strconv.Itoa((i+1)%10)) + " "
	name := ansi.Truncate(r.code.Name, max(1, w-3), "…")
	if r.hasKids {
		name = colorStyle(colorOr(l.c.proj.book.ColorOf(r.code.ID), "#6e7781")).Bold(true).Render(name)
	}
	return padRight(" "+num+name, w)
}

// click does what a click on the same code in the panel does: a parent
// opens, a code toggles; the title goes back up a level. y is the line
// within the legend.
func (l *legend) click(x, y int) {
	g := l.grid
	r := y
	if g.title {
		r--
	}
	if r < 0 {
		l.panel.out()
		return
	}
	rows := l.panel.rows()
	c := x / max(1, g.cellW)
	i := c*g.rows + r
	if c >= g.cols || i >= g.shown || i >= len(rows) {
		return
	}
	l.panel.choose(rows[i])
}
