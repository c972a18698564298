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

// codebookPanel shows the codebook as a tree. Its visible rows are numbered
// 1–9 and 0 for the digit keys; entering a theme shows (and numbers) only
// its codes.
type codebookPanel struct {
	root     coding.CodeID // the theme entered (0: every theme)
	expanded map[coding.CodeID]bool
	cursor   int // highlighted row while the panel has focus
	offset   int // first row shown
}

type panelRow struct {
	code    coding.Code
	depth   int // below the panel's root
	hasKids bool
}

// rows lists the visible rows: the root's children, and the children of
// every expanded row.
func (p *codebookPanel) rows(m *Model) []panelRow {
	var out []panelRow
	var walk func(id coding.CodeID, depth int)
	walk = func(id coding.CodeID, depth int) {
		for _, c := range m.book.Children(id) {
			kids := !m.book.IsLeaf(c.ID)
			out = append(out, panelRow{code: c, depth: depth, hasKids: kids})
			if kids && p.expanded[c.ID] {
				walk(c.ID, depth+1)
			}
		}
	}
	walk(p.root, 0)
	return out
}

// clamp keeps the panel valid after the codebook changed.
func (p *codebookPanel) clamp(m *Model) {
	if _, ok := m.book.Code(p.root); !ok {
		p.root = 0
	}
	p.cursor = step(p.cursor, 0, len(p.rows(m)))
}

// enter shows only the children of id, numbered from 1.
func (p *codebookPanel) enter(id coding.CodeID) {
	p.root, p.cursor, p.offset = id, 0, 0
}

// out goes up one level.
func (p *codebookPanel) out(m *Model) {
	if p.root == 0 {
		return
	}
	c, _ := m.book.Code(p.root)
	p.enter(c.Parent)
}

// stepTheme enters the next (d=1) or previous theme; past the last comes
// the whole codebook again.
func (p *codebookPanel) stepTheme(m *Model, d int) {
	themes := m.book.Children(0)
	if len(themes) == 0 {
		return
	}
	cur := -1
	if p.root != 0 {
		t := m.book.Theme(p.root)
		for i, th := range themes {
			if th.ID == t.ID {
				cur = i
			}
		}
	}
	next := cur + d
	switch {
	case cur == -1 && d < 0:
		next = len(themes) - 1
	case next < 0 || next >= len(themes):
		p.enter(0)
		return
	}
	p.enter(themes[next].ID)
}

// panelKey handles keys while the panel has focus; ok is false for keys it
// leaves to the screen.
func (m *Model) panelKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	p := &m.panel
	rows := p.rows(m)
	p.cursor = step(p.cursor, 0, len(rows))
	k := m.keys
	switch {
	case len(rows) == 0 && key.Matches(msg, k.Down, k.Up, k.Enter, k.Expand, k.Collapse):
		m.status.set("the codebook is empty: press e to add a code", statusInfo)
	case key.Matches(msg, k.Down):
		p.cursor = step(p.cursor, 1, len(rows))
	case key.Matches(msg, k.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, k.Enter):
		if p.cursor >= len(rows) {
			return nil, true
		}
		r := rows[p.cursor]
		if r.hasKids {
			p.enter(r.code.ID)
			return nil, true
		}
		return m.toggle(r.code.ID), true
	case key.Matches(msg, k.Expand):
		if p.cursor < len(rows) && rows[p.cursor].hasKids {
			p.expanded[rows[p.cursor].code.ID] = true
		}
	case key.Matches(msg, k.Collapse):
		if p.cursor < len(rows) {
			r := rows[p.cursor]
			if r.hasKids && p.expanded[r.code.ID] {
				delete(p.expanded, r.code.ID)
			} else if r.code.Parent != p.root {
				delete(p.expanded, r.code.Parent)
				for i, row := range p.rows(m) {
					if row.code.ID == r.code.Parent {
						p.cursor = i
					}
				}
			}
		}
	case msg.String() == "esc":
		if p.root != 0 {
			p.out(m)
		} else {
			m.focus = focusSegments
		}
	default:
		return nil, false
	}
	return nil, true
}

// renderPanel draws the codebook panel.
func (m *Model) renderPanel(w, h int) string {
	box := m.st.Panel
	if m.focus == focusCodebook {
		box = m.st.PanelFocused
	}
	inner := w - box.GetHorizontalFrameSize()
	innerH := h - box.GetVerticalFrameSize()
	p := &m.panel
	rows := p.rows(m)
	counts := m.codeCounts()

	title := m.st.Title.Render("Codebook")
	if p.root != 0 {
		c, _ := m.book.Code(p.root)
		title = m.st.Dim.Render("⌫ ") + m.st.Crumb.Render(ansi.Truncate(c.Path, inner-2, "…"))
	}
	lines := []string{title}
	visible := innerH - 1
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+visible {
		p.offset = p.cursor - visible + 1
	}
	p.offset = max(0, min(p.offset, len(rows)-visible))
	for i := p.offset; i < len(rows) && i < p.offset+visible; i++ {
		lines = append(lines, m.renderCodeRow(rows[i], i, inner, counts))
	}
	m.hits.panelTop = box.GetBorderTopSize() + box.GetPaddingTop() + 1
	if len(rows) == 0 {
		lines = append(lines, m.st.Dim.Render("no codes: press e to add"))
	}
	return box.Width(w).Height(h).MaxHeight(h).Render(strings.Join(lines, "\n"))
}

func (m *Model) renderCodeRow(r panelRow, i, width int, counts map[coding.CodeID]int) string {
	num := "  "
	if i < 10 {
		num = m.st.Number.Render(fmt.Sprintf("%d", (i+1)%10)) + " "
	}
	// Parents carry an arrow in their theme's colour; leaves only indent.
	lead := strings.Repeat(" ", r.depth)
	if r.hasKids {
		arrow := "▸"
		if m.panel.expanded[r.code.ID] {
			arrow = "▾"
		}
		lead += lipgloss.NewStyle().Foreground(lipgloss.Color(colorOr(m.book.ColorOf(r.code.ID), "#6e7781"))).Render(arrow) + " "
	} else {
		lead += "  "
	}
	n := 0
	for _, id := range m.book.Subtree(r.code.ID) {
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
		name += m.st.Dim.Render(" " + d)
	}
	name = ansi.Truncate(name, max(4, room), "…")
	pad := max(1, width-2-ansi.StringWidth(lead)-ansi.StringWidth(name)-ansi.StringWidth(count))
	line := num + lead + name + strings.Repeat(" ", pad) + m.st.Count.Render(count)
	if m.focus == focusCodebook && i == m.panel.cursor {
		return m.st.CodeCursor.Render(ansi.Strip(line))
	}
	return line
}

func colorOr(hex, fallback string) string {
	if hex == "" {
		return fallback
	}
	return hex
}
