package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/printable"
)

// cooccurView is the report's o: the co-occurrence matrix as a heat table,
// codes down and across (numbered: the columns are headed by the rows'
// numbers), each cell the units carrying both codes or their Jaccard
// index, shaded by its share of the largest. Rows scroll with j/k, columns
// with ←/→ as the split report's; enter lists the cell's passages.
type cooccurView struct {
	c      common
	keys   cooccurKeys
	q      coding.CooccurQuery
	scope  string
	report component // the report it was opened from (closed with it on g)

	loading bool
	err     error
	co      coding.Cooccurrence
	codes   []coding.CooccurCode // the axes: codes applied in scope, tree order
	cells   map[[2]coding.CodeID]coding.CooccurPair
	jaccard bool // cells show Jaccard rather than counts

	row, col       int  // the cursor's cell
	placed         bool // the cursor was put on the largest cell
	rowOff, colOff int  // the first row and column shown

	width, height int
}

type cooccurKeys struct {
	Down, Up, Right, Left, Passages, Measure, Unit, Leaves, Close key.Binding
}

func newCooccurKeys() cooccurKeys {
	return cooccurKeys{
		Down:     bind("j/↓", "next code (row)", "j", "down"),
		Up:       bind("k/↑", "previous code (row)", "k", "up"),
		Right:    bind("→/l", "next column", "right", "l"),
		Left:     bind("←/h", "previous column", "left", "h"),
		Passages: bind("enter", "the cell's passages", "enter"),
		Measure:  bind("J", "counts / Jaccard", "J"),
		Unit:     bind("u", "count segments / cases", "u"),
		Leaves:   bind("p", "parent codes shown / leaves only", "p"),
		Close:    bind("esc", "back to the report", "esc", "q", "o"),
	}
}

type cooccurMsg struct {
	v   *cooccurView
	q   coding.CooccurQuery
	co  coding.Cooccurrence
	err error
}

// newCooccurView opens the matrix on the report's scope: its coders and
// its code.
func newCooccurView(c common, report *reportView) (*cooccurView, tea.Cmd) {
	v := &cooccurView{c: c, keys: newCooccurKeys(), scope: report.scope, report: report,
		q: coding.CooccurQuery{Codes: report.q.Codes, Coders: report.q.Coders, Unit: coding.UnitSegment}}
	return v, v.load()
}

func (v *cooccurView) load() tea.Cmd {
	s, q := v.c.store, v.q
	v.loading = true
	return func() tea.Msg {
		co, err := s.Cooccur(q)
		return cooccurMsg{v, q, co, err}
	}
}

func (v *cooccurView) title() string { return "Keys of the co-occurrence table" }

func (v *cooccurView) ShortHelp() []key.Binding {
	k := v.keys
	return []key.Binding{brief(k.Passages, "passages"), brief(k.Measure, "jaccard"), brief(k.Unit, "unit"), k.Close}
}

func (v *cooccurView) FullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.Down, k.Up, k.Right, k.Left}, {k.Passages, k.Measure, k.Unit, k.Leaves, k.Close}}
}

func (v *cooccurView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.scroll()
}

func (v *cooccurView) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd = v.key(msg)
	case cooccurMsg:
		if msg.v == v && msg.q.Unit == v.q.Unit && msg.q.Leaves == v.q.Leaves {
			v.loading, v.err, v.co = false, msg.err, msg.co
			v.codes = v.codes[:0]
			for _, c := range msg.co.Codes {
				if c.Units() > 0 {
					v.codes = append(v.codes, c)
				}
			}
			v.cells = make(map[[2]coding.CodeID]coding.CooccurPair, len(msg.co.Pairs))
			for _, p := range msg.co.Pairs {
				v.cells[[2]coding.CodeID{p.CodeA, p.CodeB}] = p
				v.cells[[2]coding.CodeID{p.CodeB, p.CodeA}] = p
			}
			v.row, v.col = step(v.row, 0, len(v.codes)), step(v.col, 0, len(v.codes))
			if !v.placed && len(msg.co.Pairs) > 0 {
				// The cursor starts on the pair most often together.
				v.placed = true
				top := msg.co.Pairs[0]
				for i, c := range v.codes {
					switch c.Code {
					case top.CodeA:
						v.row = i
					case top.CodeB:
						v.col = i
					}
				}
			}
		}
	}
	v.scroll()
	return cmd
}

func (v *cooccurView) key(msg tea.KeyPressMsg) tea.Cmd {
	k, n := v.keys, len(v.codes)
	switch {
	case key.Matches(msg, k.Close):
		v.c.post(closeMsg{v})
	case key.Matches(msg, k.Down):
		v.row = step(v.row, 1, n)
	case key.Matches(msg, k.Up):
		v.row = max(v.row-1, 0)
	case key.Matches(msg, k.Right):
		v.col = step(v.col, 1, n)
	case key.Matches(msg, k.Left):
		v.col = max(v.col-1, 0)
	case key.Matches(msg, k.Measure):
		v.jaccard = !v.jaccard
	case key.Matches(msg, k.Unit):
		if v.q.Unit == coding.UnitCase {
			v.q.Unit = coding.UnitSegment
		} else {
			v.q.Unit = coding.UnitCase
		}
		return v.load()
	case key.Matches(msg, k.Leaves):
		v.q.Leaves = !v.q.Leaves
		v.row, v.col, v.placed = 0, 0, false
		return v.load()
	case key.Matches(msg, k.Passages):
		return v.passages()
	}
	return nil
}

// passages lists the passages of the cell under the cursor: for segments,
// those carrying both codes; for cases, the passages with either code in
// the cases carrying both.
func (v *cooccurView) passages() tea.Cmd {
	if v.row >= len(v.codes) || v.col >= len(v.codes) {
		return nil
	}
	a, b := v.codes[v.row], v.codes[v.col]
	p, ok := v.cells[[2]coding.CodeID{a.Code, b.Code}]
	if !ok {
		v.c.say(fmt.Sprintf("%s and %s share no %s", a.Name, b.Name, v.q.Unit), statusInfo)
		return nil
	}
	s, q := v.c.store, v.q
	head := printable.String(a.Name + " × " + b.Name)
	if q.Unit == coding.UnitCase {
		head += " · their passages in the cases with both"
	}
	pl, cmd := newPassageList(v.c, head, v.report, false, func() (passagesFound, error) {
		refs, err := s.CooccurringSegments(q, p.A, p.B)
		return passagesFound{refs: refs, total: len(refs)}, err
	})
	v.c.post(openMsg{pl})
	return cmd
}

// Sizes of the table.
const (
	heatCellW = 6 // a cell: the figure in 4, its shade, a space
	heatMinW  = 12
)

func (v *cooccurView) inner() (int, int) {
	st := v.c.st.Page
	return max(20, v.width-st.GetHorizontalFrameSize()), v.height - st.GetVerticalFrameSize()
}

// nameW is the row headers' width: a number and the code's name.
func (v *cooccurView) nameW(w int) int { return max(heatMinW, min(32, w/3)) }

// fit is how many rows and columns the page shows.
func (v *cooccurView) fit() (rows, cols int) {
	w, h := v.inner()
	return max(1, h-7), max(1, (w-v.nameW(w))/heatCellW)
}

// scroll keeps the cursor's cell on the page.
func (v *cooccurView) scroll() {
	rows, cols := v.fit()
	n := len(v.codes)
	v.rowOff = keepInView(v.row, v.rowOff, rows, n)
	v.colOff = keepInView(v.col, v.colOff, cols, n)
}

// keepInView is the first of room items shown so that cur is among them.
func keepInView(cur, off, room, n int) int {
	if cur < off {
		off = cur
	}
	if cur >= off+room {
		off = cur - room + 1
	}
	return max(0, min(off, n-room))
}

// shades are a cell's share of the largest cell, in five steps: the glyph
// shows on any terminal (and in a plain copy), the colour where there is one.
var shades = []string{" ", "░", "▒", "▓", "█"}

// shade is the step for a value of at most top (0 only for nothing).
func shade(x, top float64) int {
	if x <= 0 || top <= 0 {
		return 0
	}
	return min(4, 1+int(x/top*3.999))
}

// value is a pair's figure in the measure shown.
func (v *cooccurView) value(p coding.CooccurPair) float64 {
	if v.jaccard {
		return p.Jaccard
	}
	return float64(p.Shared())
}

func (v *cooccurView) View() string {
	w, h := v.inner()
	return v.c.st.Page.Width(v.width).Height(v.height).MaxHeight(v.height).Render(v.render(w, h))
}

func (v *cooccurView) render(w, h int) string {
	st := v.c.st
	unit := v.q.Unit + "s"
	title := st.OverlayTitle.Render("Co-occurrence")
	head := fmt.Sprintf(" · %s · shared %s", v.scope, unit)
	if v.jaccard {
		head = fmt.Sprintf(" · %s · Jaccard: shared ÷ %s with either", v.scope, unit)
	}
	if v.q.Codes != "" {
		head += " · " + v.q.Codes
	}
	lines := []string{title + st.Dim.Render(ansi.Truncate(printable.String(head), max(1, w-14), "…"))}
	switch {
	case v.loading && v.cells == nil:
		return strings.Join(append(lines, "", st.Dim.Render("counting…")), "\n")
	case v.err != nil:
		return strings.Join(append(lines, "", st.StatusErr.Render(ansi.Truncate(v.err.Error(), w, "…"))), "\n")
	case len(v.codes) < 2:
		return strings.Join(append(lines, "", st.Dim.Render("fewer than two codes applied in scope: nothing co-occurs yet"), "", st.Dim.Render("esc back")), "\n")
	}
	rows, cols := v.fit()
	n := len(v.codes)
	nameW := v.nameW(w)
	numW := len(fmt.Sprint(n)) + 1
	top := 0.0
	for _, p := range v.co.Pairs {
		top = max(top, v.value(p))
	}
	// The cursor's cell, in words.
	a, b := v.codes[v.row], v.codes[v.col]
	cell := fmt.Sprintf("%d %s × %d %s: ", v.row+1, a.Name, v.col+1, b.Name)
	switch p, ok := v.cells[[2]coding.CodeID{a.Code, b.Code}]; {
	case v.row == v.col:
		cell += fmt.Sprintf("%s itself, %s", a.Name, plural(a.Units(), v.q.Unit, unit))
	case !ok && related(v.c.proj.book, a.Code, b.Code):
		cell += "one is within the other (not paired)"
	case !ok:
		cell += "no " + v.q.Unit + " has both"
	default:
		cell += fmt.Sprintf("%s of %d and %d, Jaccard %.2f · enter lists them", plural(p.Shared(), v.q.Unit, unit), a.Units(), b.Units(), p.Jaccard)
	}
	lines = append(lines, st.Bold.Render(ansi.Truncate(printable.String(cell), w, "…")), "")
	header := strings.Repeat(" ", nameW)
	lastCol := min(n, v.colOff+cols)
	for j := v.colOff; j < lastCol; j++ {
		h := fmt.Sprintf("%*d ", heatCellW-1, j+1)
		if j == v.col {
			h = st.Cursor.Render(h)
		}
		header += h
	}
	lines = append(lines, header)
	lastRow := min(n, v.rowOff+rows)
	for i := v.rowOff; i < lastRow; i++ {
		c := v.codes[i]
		name := fmt.Sprintf("%*d %s%s", numW, i+1, strings.Repeat(" ", min(c.Depth, 3)), printable.String(c.Name))
		line := padRight(ansi.Truncate(name, nameW-1, "…"), nameW)
		if i == v.row {
			line = st.Cursor.Render(ansi.Strip(line))
		}
		for j := v.colOff; j < lastCol; j++ {
			line += v.cellText(i, j, top)
		}
		lines = append(lines, line)
	}
	for len(lines) < 4+rows {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, "", v.foot(w, rows, cols)), "\n")
}

// related tells whether one code is the other's ancestor: such pairs are
// not counted (a parent counts with its descendants).
func related(book *coding.Codebook, a, b coding.CodeID) bool {
	for _, x := range book.Ancestors(a) {
		if x == b {
			return true
		}
	}
	for _, x := range book.Ancestors(b) {
		if x == a {
			return true
		}
	}
	return false
}

// cellText draws cell (i, j): its figure and shade, the cursor's
// reversed; the diagonal and a code with its own parent show a dot.
func (v *cooccurView) cellText(i, j int, top float64) string {
	st := v.c.st
	a, b := v.codes[i], v.codes[j]
	text := strings.Repeat(" ", heatCellW-2) + "·"
	step := 0
	if p, ok := v.cells[[2]coding.CodeID{a.Code, b.Code}]; ok && i != j {
		x := v.value(p)
		step = shade(x, top)
		fig := fmt.Sprint(p.Shared())
		if v.jaccard {
			fig = fmt.Sprintf("%.2f", p.Jaccard)
			if p.Jaccard < 1 {
				fig = fig[1:] // .42: the cell's four cells
			}
		}
		text = fmt.Sprintf("%*s", heatCellW-2, ansi.Truncate(fig, heatCellW-2, "")) + shades[step]
	} else if i != j && !related(v.c.proj.book, a.Code, b.Code) {
		text = strings.Repeat(" ", heatCellW-1)
	}
	text += " "
	switch {
	case i == v.row && j == v.col:
		return st.ItemSelected.Reverse(true).Render(text)
	case step > 0:
		return heatStyle(st, step).Render(text)
	case i == j || text[len(text)-2] != ' ':
		return st.Dim.Render(text)
	}
	return text
}

// heatStyle colours a cell of shade step 1–4: the accent, stronger as the
// figure grows.
func heatStyle(st *styles, step int) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(st.accent).Bold(step >= 3)
}

// foot says what is off the page and the keys.
func (v *cooccurView) foot(w, rows, cols int) string {
	n := len(v.codes)
	var off []string
	if v.rowOff > 0 {
		off = append(off, fmt.Sprintf("%d ↑", v.rowOff))
	}
	if below := n - min(n, v.rowOff+rows); below > 0 {
		off = append(off, fmt.Sprintf("%d ↓", below))
	}
	if v.colOff > 0 {
		off = append(off, fmt.Sprintf("%d ←", v.colOff))
	}
	if right := n - min(n, v.colOff+cols); right > 0 {
		off = append(off, fmt.Sprintf("%d →", right))
	}
	text := fmt.Sprintf("%d codes applied in scope", n)
	if v.q.Leaves {
		text = fmt.Sprintf("%d leaf codes applied in scope (p shows parents)", n)
	}
	if len(off) > 0 {
		text += " · off screen: " + strings.Join(off, ", ")
	}
	text += " · ░▒▓█ of the largest · enter passages · J jaccard · u " + map[bool]string{true: "segments", false: "cases"}[v.q.Unit == coding.UnitCase] + " · p " + map[bool]string{true: "parents", false: "leaves only"}[v.q.Leaves]
	return v.c.st.Dim.Render(ansi.Truncate(text, w, "…"))
}
