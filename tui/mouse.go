package tui

import (
	tea "charm.land/bubbletea/v2"
)

// hitMap records where the last frame drew the list and the panel, so that
// a click can be mapped back to a segment or a code.
type hitMap struct {
	listW    int // the segment list's width; the panel starts after it
	above    int // neighbour rows above the current segment
	currentH int // the current segment's height
	panelTop int // first code row's line in the panel
	idW      int // width of the ID column of neighbour rows
	mainH    int // lines above the status line
	legend   legendLayout
}

// click selects the segment clicked, or toggles the code clicked (a theme
// opens).
func (m *Model) click(ms tea.Mouse) tea.Cmd {
	if m.overlay != nil || ms.Button != tea.MouseLeft || ms.Y >= m.hits.mainH {
		return nil
	}
	if ms.X >= m.hits.listW && m.panelWidth() > 0 {
		return m.clickPanel(ms.Y)
	}
	if m.inLegend(ms.Y) {
		return m.clickLegend(ms.X, ms.Y)
	}
	m.focus = focusSegments
	h := m.hits
	switch {
	case ms.Y < h.above:
		return m.move(m.cursor - h.above + ms.Y)
	case ms.Y >= h.above+h.currentH:
		return m.move(m.cursor + 1 + ms.Y - h.above - h.currentH)
	}
	return nil
}

func (m *Model) clickPanel(y int) tea.Cmd {
	rows := m.panel.rows(m)
	i := m.panel.offset + y - m.hits.panelTop
	if y < m.hits.panelTop {
		m.panel.out(m) // the title: back up a level
		return nil
	}
	if i < 0 || i >= len(rows) {
		return nil
	}
	m.panel.cursor = i
	if rows[i].hasKids {
		m.panel.enter(rows[i].code.ID)
		return nil
	}
	return m.toggle(rows[i].code.ID)
}

// wheel scrolls the list (or the panel under the pointer).
func (m *Model) wheel(ms tea.Mouse) tea.Cmd {
	if m.overlay != nil {
		return nil
	}
	d := 0
	switch ms.Button {
	case tea.MouseWheelDown:
		d = 1
	case tea.MouseWheelUp:
		d = -1
	default:
		return nil
	}
	if ms.X >= m.hits.listW && m.panelWidth() > 0 {
		n := len(m.panel.rows(m))
		m.panel.cursor = max(0, min(n-1, m.panel.cursor+d))
		return nil
	}
	return m.move(m.cursor + d)
}
