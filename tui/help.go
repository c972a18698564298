package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpView is the ? screen: every key of the component it was opened from,
// generated from that component's key map (FullHelp), in columns that fit
// the width, scrolled with j/k where they do not fit the height.
type helpView struct {
	c      common
	keys   helpKeys
	head   string
	groups [][]key.Binding
	offset int

	width, height int
	lines         []string // laid out in SetSize
}

type helpKeys struct {
	Down, Up, PageDown, PageUp, Close key.Binding
}

func newHelpKeys() helpKeys {
	return helpKeys{
		Down:     bind("j/↓", "scroll down", "j", "down"),
		Up:       bind("k/↑", "scroll up", "k", "up"),
		PageDown: bind("pgdn", "page down", "pgdown", "ctrl+d", "space"),
		PageUp:   bind("pgup", "page up", "pgup", "ctrl+u"),
		Close:    bind("esc", "close", "esc", "?", "q", "enter"),
	}
}

// newHelpView lists the keys of the component c (help.KeyMap).
func newHelpView(cm common, of help.KeyMap) *helpView {
	v := &helpView{c: cm, keys: newHelpKeys(), head: "Keys", groups: of.FullHelp()}
	if t, ok := of.(titled); ok {
		v.head = t.title()
	}
	// ? works from everywhere it is not a letter being typed.
	v.groups = append(v.groups, []key.Binding{newGlobalKeys().Help, newGlobalKeys().Interrupt})
	return v
}

func (v *helpView) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Down, v.keys.Up, v.keys.Close}
}

func (v *helpView) FullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.Down, k.Up, k.PageDown, k.PageUp, k.Close}}
}

func (v *helpView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.lines = v.layout(max(10, w-v.c.st.Page.GetHorizontalFrameSize()))
	v.scroll(0)
}

// room is how many lines of keys fit under the title, above the note.
func (v *helpView) room() int {
	return max(1, v.height-v.c.st.Page.GetVerticalFrameSize()-4)
}

func (v *helpView) scroll(d int) {
	v.offset = max(0, min(v.offset+d, len(v.lines)-v.room()))
}

func (v *helpView) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, v.keys.Close):
		v.c.post(closeMsg{v})
	case key.Matches(k, v.keys.Down):
		v.scroll(1)
	case key.Matches(k, v.keys.Up):
		v.scroll(-1)
	case key.Matches(k, v.keys.PageDown):
		v.scroll(v.room())
	case key.Matches(k, v.keys.PageUp):
		v.scroll(-v.room())
	}
	return nil
}

// layout packs the groups into rows of columns that fit w cells: each
// column a key and what it does, the keys aligned.
func (v *helpView) layout(w int) []string {
	st := v.c.st.Help
	var cols [][]string
	for _, g := range v.groups {
		keyW := 0
		for _, b := range g {
			if b.Enabled() || len(b.Keys()) > 0 {
				keyW = max(keyW, ansi.StringWidth(b.Help().Key))
			}
		}
		var col []string
		for _, b := range g {
			h := b.Help()
			line := st.FullKey.Render(padRight(h.Key, keyW)) + " " + st.FullDesc.Render(h.Desc)
			col = append(col, ansi.Truncate(line, w, "…"))
		}
		if len(col) > 0 {
			cols = append(cols, col)
		}
	}
	const gap = 4
	var lines []string
	var row []string
	rowW := 0
	flush := func() {
		if len(row) > 0 {
			if len(lines) > 0 {
				lines = append(lines, "")
			}
			lines = append(lines, strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, row...), "\n")...)
		}
		row, rowW = nil, 0
	}
	for _, col := range cols {
		cw := 0
		for _, l := range col {
			cw = max(cw, ansi.StringWidth(l))
		}
		if len(row) > 0 && rowW+gap+cw > w {
			flush()
		}
		block := lipgloss.NewStyle().Width(cw).Render(strings.Join(col, "\n"))
		if len(row) > 0 {
			block = lipgloss.NewStyle().PaddingLeft(gap).Render(block)
			rowW += gap
		}
		row = append(row, block)
		rowW += cw
	}
	flush()
	return lines
}

func (v *helpView) View() string {
	st := v.c.st
	end := min(len(v.lines), v.offset+v.room())
	body := []string{st.OverlayTitle.Render(v.head), ""}
	body = append(body, v.lines[v.offset:end]...)
	for len(body) < v.room()+2 {
		body = append(body, "")
	}
	note := "Every action is saved at once and can be undone, even after a restart. ? or esc closes this."
	if more := len(v.lines) - end; more > 0 || v.offset > 0 {
		var parts []string
		if v.offset > 0 {
			parts = append(parts, "↑ "+plural(v.offset, "line", "lines")+" above")
		}
		if more > 0 {
			parts = append(parts, fmt.Sprintf("↓ %d more below", more))
		}
		note = strings.Join(parts, " · ") + " (j/k scroll) · esc closes"
	}
	body = append(body, "", st.Dim.Render(ansi.Truncate(note, max(1, v.width-4), "…")))
	return st.Page.Width(v.width).Height(v.height).MaxHeight(v.height).Render(strings.Join(body, "\n"))
}
