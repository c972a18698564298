package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// memoEditor is a dialog with a text area for a coding's memo: ctrl+s
// saves, esc asks first if anything changed.
type memoEditor struct {
	c       common
	keys    memoKeys
	seg     coding.SegRef
	coding  coding.Coding
	label   string
	area    textarea.Model
	confirm bool // esc pressed with unsaved changes

	width, height int
}

type memoKeys struct {
	Save, Close       key.Binding
	Yes, No, KeepEdit key.Binding
}

func newMemoKeys() memoKeys {
	return memoKeys{
		Save:     bind("ctrl+s", "save", "ctrl+s"),
		Close:    bind("esc", "close", "esc"),
		Yes:      bind("y", "asked to save: yes", "y", "ctrl+s"),
		No:       bind("n", "asked to save: discard", "n"),
		KeepEdit: bind("esc", "asked to save: keep editing", "esc"),
	}
}

func newMemoEditor(c common, seg *coding.Segment, cd coding.Coding) *memoEditor {
	e := &memoEditor{c: c, keys: newMemoKeys(), seg: seg.Ref, coding: cd, label: codingLabel(c.proj.book, seg, cd)}
	e.area = textarea.New()
	st := textarea.DefaultStyles(c.st.isDark)
	st.Cursor.Blink = false
	e.area.SetStyles(st)
	e.area.ShowLineNumbers = false
	e.area.Placeholder = "why this coding; what it shows; a question for the team…"
	e.area.SetValue(cd.Memo)
	e.area.Focus()
	return e
}

func (*memoEditor) isDialog() {}

// typing: the keys write the memo (ctrl+s and esc excepted).
func (e *memoEditor) typing() bool { return !e.confirm }

func (e *memoEditor) ShortHelp() []key.Binding {
	if e.confirm {
		return []key.Binding{e.keys.Yes, e.keys.No, e.keys.KeepEdit}
	}
	return []key.Binding{e.keys.Save, e.keys.Close}
}

func (e *memoEditor) FullHelp() [][]key.Binding {
	k := e.keys
	return [][]key.Binding{{k.Save, k.Close}, {k.Yes, k.No, k.KeepEdit}}
}

// boxW is the editor's width.
func (e *memoEditor) boxW() int { return min(max(50, e.width*2/3), e.width-4) }

func (e *memoEditor) SetSize(w, h int) {
	e.width, e.height = w, h
	e.area.SetWidth(max(1, e.boxW()-4))
	e.area.SetHeight(max(3, min(10, h-8)))
}

func (e *memoEditor) changed() bool { return e.area.Value() != e.coding.Memo }

// flush is the memo typed but not saved: quitting saves it with the queue.
func (e *memoEditor) flush() (request, bool) {
	if !e.changed() {
		return nil, false
	}
	return e.request(), true
}

func (e *memoEditor) request() request {
	return memoReq{seg: e.seg, key: e.coding.CodingKey, text: strings.TrimSpace(e.area.Value())}
}

func (e *memoEditor) Update(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
	default:
		return nil
	}
	k, _ := msg.(tea.KeyPressMsg)
	if e.confirm {
		switch {
		case key.Matches(k, e.keys.Yes):
			e.c.post(closeMsg{e}, writeMsg{e.request()})
		case key.Matches(k, e.keys.No):
			e.c.say("memo not changed", statusInfo)
			e.c.post(closeMsg{e})
		case key.Matches(k, e.keys.KeepEdit):
			e.confirm = false
		}
		return nil
	}
	switch {
	case key.Matches(k, e.keys.Save):
		e.c.post(closeMsg{e})
		if e.changed() {
			e.c.post(writeMsg{e.request()})
		}
		return nil
	case key.Matches(k, e.keys.Close):
		if !e.changed() {
			e.c.post(closeMsg{e})
			return nil
		}
		e.confirm = true
		return nil
	}
	var cmd tea.Cmd
	e.area, cmd = e.area.Update(msg)
	return cmd
}

func (e *memoEditor) View() string {
	st := e.c.st
	w := e.boxW()
	foot := "ctrl+s save · esc close"
	if e.confirm {
		foot = st.StatusErr.Render("save the changes? y yes · n discard · esc keep editing")
	}
	body := strings.Join([]string{
		st.OverlayTitle.Render("Memo") + st.Dim.Render(" · "+ansi.Truncate(e.label, max(1, w-12), "…")),
		e.area.View(),
		st.Dim.Render(ansi.Truncate(foot, w-4, "…")),
	}, "\n")
	return st.Overlay.Width(w).Render(body)
}
