package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// codebookPanel shows the codebook as a tree beside the list. Its visible
// rows are numbered 1–9 and 0 for the digit keys. ] and [ step through the
// groups of sibling codes (codegroups.go), ten at most to a group, so that
// every code is a digit away: the panel then shows (and numbers) only the
// group, and its title names it. With focus (tab) it takes the arrow keys.
type codebookPanel struct {
	c    common
	keys panelKeys

	group    *codeGroup // the group the digits number (nil: every theme, as a tree)
	expanded map[coding.CodeID]bool
	cursor   int // highlighted row while the panel has focus
	offset   int // first row shown
	focused  bool
	opened   bool // the first load opened every theme

	width, height int

	// Laid out in Update, drawn by View.
	drawnFrom panelKey
	drawn     string
}

type panelKeys struct {
	Down, Up                        key.Binding
	Open                            key.Binding
	Expand, Collapse                key.Binding
	Back                            key.Binding
	NextTheme, PrevTheme, AllThemes key.Binding
}

func newPanelKeys() panelKeys {
	return panelKeys{
		Down:      bind("j/↓", "codebook: next", "j", "down"),
		Up:        bind("k/↑", "codebook: previous", "k", "up"),
		Open:      bind("enter", "codebook: open, or toggle", "enter"),
		Expand:    bind("l/→", "codebook: expand", "l", "right"),
		Collapse:  bind("h/←", "codebook: collapse", "h", "left"),
		Back:      bind("esc", "codebook: up, or back to the list", "esc"),
		NextTheme: bind("]", "next group (digits renumber)", "]"),
		PrevTheme: bind("[", "previous group", "["),
		AllThemes: bind("⌫", "up a level", "backspace"),
	}
}

type panelRow struct {
	code    coding.Code
	depth   int // below the panel's root
	hasKids bool
}

func newCodebookPanel(c common) *codebookPanel {
	return &codebookPanel{c: c, keys: newPanelKeys(), expanded: map[coding.CodeID]bool{}}
}

// ShortHelp names the group keys.
func (p *codebookPanel) ShortHelp() []key.Binding {
	return []key.Binding{brief(p.keys.NextTheme, "group")}
}

// FullHelp lists the theme keys, and the keys of the panel with focus.
func (p *codebookPanel) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{{k.NextTheme, k.PrevTheme, k.AllThemes}, {k.Down, k.Up, k.Open, k.Expand, k.Collapse, k.Back}}
}

// SetSize gives the panel its rectangle (0 wide: hidden).
func (p *codebookPanel) SetSize(w, h int) { p.width, p.height = w, h }

// rows lists the visible rows: the group's codes, or (every theme) the
// themes and the children of every expanded row.
func (p *codebookPanel) rows() []panelRow {
	book := p.c.proj.book
	var out []panelRow
	if p.group != nil {
		for _, c := range p.group.codes(book) {
			out = append(out, panelRow{code: c, hasKids: !book.IsLeaf(c.ID)})
		}
		return out
	}
	var walk func(id coding.CodeID, depth int)
	walk = func(id coding.CodeID, depth int) {
		for _, c := range book.Children(id) {
			kids := !book.IsLeaf(c.ID)
			out = append(out, panelRow{code: c, depth: depth, hasKids: kids})
			if kids && p.expanded[c.ID] {
				walk(c.ID, depth+1)
			}
		}
	}
	walk(0, 0)
	return out
}

// numbered is the code the digit d (1–9, 10 for 0) stands for.
func (p *codebookPanel) numbered(n int) (panelRow, bool) {
	rows := p.rows()
	if n < 1 || n > len(rows) || n > 10 {
		return panelRow{}, false
	}
	return rows[n-1], true
}

// Update follows the codebook: it opens every theme on the first load, so
// the digits reach codes at once, and stays valid when codes change.
func (p *codebookPanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if !p.opened {
			p.opened = true
			for _, c := range p.c.proj.book.Codes() {
				if !p.c.proj.book.IsLeaf(c.ID) {
					p.expanded[c.ID] = true
				}
			}
		}
		p.clamp()
	case writeDoneMsg:
		if msg.book != nil {
			p.clamp()
		}
	case tea.KeyPressMsg:
		p.key(msg)
	}
	return nil
}

// clamp keeps the panel valid after the codebook changed: a group whose
// parent went (or has no codes now) gives way to every theme, a chunk past
// the last to the last.
func (p *codebookPanel) clamp() {
	if g := p.group; g != nil {
		p.group = g.valid(p.c.proj.book)
	}
	p.cursor = step(p.cursor, 0, len(p.rows()))
}

// show numbers the group g (nil: every theme), from its first row.
func (p *codebookPanel) show(g *codeGroup) {
	p.group, p.cursor, p.offset = g, 0, 0
}

// enter shows the first ten children of id, numbered from 1.
func (p *codebookPanel) enter(id coding.CodeID) { p.show(&codeGroup{parent: id}) }

// out goes up one level: from a code's group to the group its parent is
// in, from a theme's to every theme.
func (p *codebookPanel) out() {
	if p.group == nil {
		return
	}
	p.show(p.group.up(p.c.proj.book))
}

// stepGroup numbers the next (d=1) or previous group of codes; past the
// last comes every theme again.
func (p *codebookPanel) stepGroup(d int) {
	p.show(stepGroup(p.c.proj.book, p.group, d))
}

// themeKey handles ], [ and backspace, which work with or without focus.
func (p *codebookPanel) themeKey(msg tea.KeyPressMsg) bool {
	switch {
	case key.Matches(msg, p.keys.NextTheme):
		p.stepGroup(1)
	case key.Matches(msg, p.keys.PrevTheme):
		p.stepGroup(-1)
	case key.Matches(msg, p.keys.AllThemes):
		p.out()
	default:
		return false
	}
	return true
}

// key handles keys while the panel has focus; ok is false for keys it
// leaves to the screen. A code it toggles is posted as toggleMsg.
func (p *codebookPanel) key(msg tea.KeyPressMsg) bool {
	rows := p.rows()
	p.cursor = step(p.cursor, 0, len(rows))
	k := p.keys
	switch {
	case len(rows) == 0 && key.Matches(msg, k.Down, k.Up, k.Open, k.Expand, k.Collapse):
		p.c.say("the codebook is empty: press e to add a code", statusInfo)
	case key.Matches(msg, k.Down):
		p.cursor = step(p.cursor, 1, len(rows))
	case key.Matches(msg, k.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, k.Open):
		if p.cursor < len(rows) {
			p.choose(rows[p.cursor])
		}
	case key.Matches(msg, k.Expand):
		switch {
		case p.cursor >= len(rows) || !rows[p.cursor].hasKids:
		case p.group != nil: // a group is flat: expanding a code enters it
			p.enter(rows[p.cursor].code.ID)
		default:
			p.expanded[rows[p.cursor].code.ID] = true
		}
	case key.Matches(msg, k.Collapse):
		if p.group != nil {
			p.out()
		} else if p.cursor < len(rows) {
			r := rows[p.cursor]
			if r.hasKids && p.expanded[r.code.ID] {
				delete(p.expanded, r.code.ID)
			} else if r.code.Parent != 0 {
				delete(p.expanded, r.code.Parent)
				for i, row := range p.rows() {
					if row.code.ID == r.code.Parent {
						p.cursor = i
					}
				}
			}
		}
	case key.Matches(msg, k.Back):
		if p.group != nil {
			p.out()
		} else {
			p.c.post(focusMsg{list: true})
		}
	default:
		return false
	}
	return true
}

// choose does what enter or a click on a row does: a parent opens, a code
// toggles on the current segment.
func (p *codebookPanel) choose(r panelRow) {
	if r.hasKids {
		p.enter(r.code.ID)
		return
	}
	p.c.post(toggleMsg{r.code.ID})
}

// click does what a click on line y of the panel does; the title goes back
// up a level.
func (p *codebookPanel) click(y int) {
	top := p.top()
	if y < top {
		p.out()
		return
	}
	rows := p.rows()
	if i := p.offset + y - top; i >= 0 && i < len(rows) {
		p.cursor = i
		p.choose(rows[i])
	}
}

// wheel moves the panel's cursor.
func (p *codebookPanel) wheel(d int) {
	p.cursor = max(0, min(len(p.rows())-1, p.cursor+d))
}

// top is the line of the first code row.
func (p *codebookPanel) top() int {
	return p.c.st.Panel.GetBorderTopSize() + p.c.st.Panel.GetPaddingTop() + 1
}

type panelKey struct {
	w, h, version, cursor, offset int
	focused                       bool
}

// layout keeps the cursor in view and draws the panel, again only when
// something it shows changed.
func (p *codebookPanel) layout() {
	if p.width == 0 {
		return
	}
	rows := p.rows()
	visible := p.height - p.c.st.Panel.GetVerticalFrameSize() - 1
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+visible {
		p.offset = p.cursor - visible + 1
	}
	p.offset = max(0, min(p.offset, len(rows)-visible))
	k := panelKey{p.width, p.height, p.c.proj.version, p.cursor, p.offset, p.focused}
	if k == p.drawnFrom && p.drawn != "" {
		return
	}
	p.drawnFrom, p.drawn = k, p.render(rows)
}

// View draws the panel as laid out.
func (p *codebookPanel) View() string { return p.drawn }

func (p *codebookPanel) render(rows []panelRow) string {
	st, book := p.c.st, p.c.proj.book
	box := st.Panel
	if p.focused {
		box = st.PanelFocused
	}
	inner := p.width - box.GetHorizontalFrameSize()
	innerH := p.height - box.GetVerticalFrameSize()
	counts := p.c.proj.codeCounts()
	title := st.Title.Render("Codebook")
	if p.group != nil {
		title = st.Dim.Render("⌫ ") + st.Crumb.Render(p.group.title(book, inner-2))
	}
	lines := []string{title}
	for i := p.offset; i < len(rows) && i < p.offset+innerH-1; i++ {
		lines = append(lines, p.renderRow(rows[i], i, inner, counts))
	}
	if len(rows) == 0 {
		lines = append(lines, st.Dim.Render("no codes: press e to add"))
	}
	return box.Width(p.width).Height(p.height).MaxHeight(p.height).Render(strings.Join(lines, "\n"))
}

func (p *codebookPanel) renderRow(r panelRow, i, width int, counts map[coding.CodeID]int) string {
	st, book := p.c.st, p.c.proj.book
	num := "  "
	if i < 10 {
		num = st.Number.Render(fmt.Sprintf("%d", (i+1)%10)) + " "
	}
	// Parents carry an arrow in their theme's colour; leaves only indent.
	lead := strings.Repeat(" ", r.depth)
	if r.hasKids {
		arrow := "▸"
		if p.group == nil && p.expanded[r.code.ID] {
			arrow = "▾"
		}
		lead += colorStyle(colorOr(book.ColorOf(r.code.ID), "#6e7781")).Render(arrow) + " "
	} else {
		lead += "  "
	}
	n := 0
	for _, id := range book.Subtree(r.code.ID) {
		n += counts[id]
	}
	count := ""
	if n > 0 {
		count = fmt.Sprintf("%d", n)
	}
	name := r.code.Name
	if r.code.Group {
		name += " ⋮"
	}
	room := width - 2 - ansi.StringWidth(lead) - ansi.StringWidth(count) - 1
	if d := r.code.Description; d != "" && room-ansi.StringWidth(name) >= 24 {
		name += st.Dim.Render(" " + d)
	}
	name = ansi.Truncate(name, max(4, room), "…")
	pad := max(1, width-2-ansi.StringWidth(lead)-ansi.StringWidth(name)-ansi.StringWidth(count))
	line := num + lead + name + strings.Repeat(" ", pad) + st.Count.Render(count)
	if p.focused && i == p.cursor {
		return st.CodeCursor.Render(ansi.Strip(line))
	}
	return line
}

func colorOr(hex, fallback string) string {
	if hex == "" {
		return fallback
	}
	return hex
}

func colorStyle(hex string) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(lipgloss.Color(hex))
}

// Messages the panel and the legend post for the coding screen.
type (
	// toggleMsg toggles a code on the current segment (or codes the
	// passage being selected).
	toggleMsg struct{ code coding.CodeID }
	// focusMsg gives the keys to the list (or the panel).
	focusMsg struct{ list bool }
)
