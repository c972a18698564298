package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// chooser is a dialog that asks for one of a few items. Each item carries
// the message it stands for (an action to queue, a filter to set, a view
// to open): choosing closes the chooser and posts it.
type chooser struct {
	c      common
	keys   chooserKeys
	title  string
	items  []choice
	cursor int
	offset int

	width, height int
}

// choice is one item of a chooser and what choosing it posts.
type choice struct {
	label string
	msg   tea.Msg
}

type chooserKeys struct {
	Down, Up, Choose, Number, Cancel key.Binding
}

func newChooserKeys() chooserKeys {
	return chooserKeys{
		Down:   bind("j/↓", "next", "j", "down"),
		Up:     bind("k/↑", "previous", "k", "up"),
		Choose: bind("enter", "choose", "enter"),
		Number: bind("1-9", "choose by number", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		Cancel: bind("esc", "cancel", "esc", "q"),
	}
}

func newChooser(c common, title string, items []choice) *chooser {
	return &chooser{c: c, keys: newChooserKeys(), title: title, items: items}
}

func (*chooser) isDialog() {}

func (ch *chooser) ShortHelp() []key.Binding {
	return []key.Binding{ch.keys.Choose, ch.keys.Number, ch.keys.Cancel}
}

func (ch *chooser) FullHelp() [][]key.Binding {
	k := ch.keys
	return [][]key.Binding{{k.Down, k.Up, k.Choose, k.Number, k.Cancel}}
}

func (ch *chooser) SetSize(w, h int) {
	ch.width, ch.height = w, h
	ch.scroll()
}

// rows is how many items fit: the body's height less the frame, the title
// and the keys.
func (ch *chooser) rows() int { return max(1, ch.height-6) }

// scroll keeps the cursor in view.
func (ch *chooser) scroll() {
	ch.offset = min(ch.offset, ch.cursor)
	ch.offset = max(ch.offset, ch.cursor-ch.rows()+1)
	ch.offset = max(0, ch.offset)
}

func (ch *chooser) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, ch.keys.Cancel):
		ch.c.post(closeMsg{ch})
	case key.Matches(k, ch.keys.Down):
		ch.cursor = step(ch.cursor, 1, len(ch.items))
	case key.Matches(k, ch.keys.Up):
		ch.cursor = max(ch.cursor-1, 0)
	case key.Matches(k, ch.keys.Choose):
		ch.choose(ch.cursor)
	case key.Matches(k, ch.keys.Number):
		if i := digit(k.String()) - 1; i < len(ch.items) {
			ch.choose(i)
		}
	}
	ch.scroll()
	return nil
}

// choose closes the chooser and posts item i's message.
func (ch *chooser) choose(i int) {
	ch.c.post(closeMsg{ch})
	if i >= 0 && i < len(ch.items) {
		ch.c.post(ch.items[i].msg)
	}
}

func (ch *chooser) View() string {
	st := ch.c.st
	w := min(max(44, ch.width/2), ch.width-4)
	lines := []string{st.OverlayTitle.Render(ansi.Truncate(ch.title, w-4, "…")), ""}
	for i := ch.offset; i < len(ch.items) && i < ch.offset+ch.rows(); i++ {
		line := ansi.Truncate(fmt.Sprintf("%d  %s", i+1, ch.items[i].label), w-4, "…")
		if i == ch.cursor {
			line = st.ItemSelected.Render(line)
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", st.Dim.Render(ansi.Truncate("enter or a digit chooses · esc cancels", w-4, "…")))
	return st.Overlay.Width(w).Render(strings.Join(lines, "\n"))
}
