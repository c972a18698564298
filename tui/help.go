package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// helpOverlay is the `?` screen, generated from the key map.
type helpOverlay struct{}

func (helpOverlay) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	switch msg.String() {
	case "?", "esc", "q", "enter":
		return true, nil
	}
	return false, nil
}

func (helpOverlay) view(m *Model) string {
	h := m.help
	h.SetWidth(0)
	// Pack the key columns into rows that fit the terminal, so that no column
	// is cut off on a small screen.
	var rows []string
	var line [][]key.Binding
	for _, group := range m.keys.FullHelp() {
		next := append(append([][]key.Binding(nil), line...), group)
		if len(line) > 0 && lipgloss.Width(h.FullHelpView(next)) > m.width-6 {
			rows = append(rows, h.FullHelpView(line))
			next = [][]key.Binding{group}
		}
		line = next
	}
	rows = append(rows, h.FullHelpView(line))
	body := lipgloss.JoinVertical(lipgloss.Left,
		m.st.OverlayTitle.Render("Keys"),
		lipgloss.JoinVertical(lipgloss.Left, rows...),
		"",
		m.st.Dim.Render("Digits follow the panel's numbers. Every action is saved at once"),
		m.st.Dim.Render("and can be undone, even after a restart. ? or esc closes this."),
	)
	return m.st.Overlay.MaxWidth(m.width).MaxHeight(m.height).Render(body)
}
