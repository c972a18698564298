package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/printable"
)

// memoEditor is a dialog with a text area for the coder's memo on one
// thing: a coding, a segment, a participant, a source, a code, or a
// journal entry. ctrl+s saves (an emptied memo is deleted), esc asks first
// if anything changed.
type memoEditor struct {
	c       common
	keys    memoKeys
	target  coding.MemoTarget
	seg     coding.SegRef // a coding memo's segment
	label   string        // what the memo is on, in words
	orig    string        // the text when opened
	loading bool          // the coder's memo on the target is being read
	early   []tea.Msg     // keys typed while it was read, typed once it is there
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

// newMemoEditor edits the memo of one of the coder's codings (its text is
// in the segment as loaded).
func newMemoEditor(c common, seg *coding.Segment, cd coding.Coding) *memoEditor {
	t := coding.MemoTarget{Kind: coding.MemoCoding, Coding: cd.CodingKey}
	e := newMemoArea(c, t, codingLabel(c.proj.book, seg, cd), cd.Memo)
	e.seg = seg.Ref
	return e
}

// memoLoadedMsg is the coder's memo on a target, read for the editor.
type memoLoadedMsg struct {
	target coding.MemoTarget
	text   string
	err    error
}

// openMemo opens the editor on the coder's memo on a target (a new
// journal entry starts empty), reading what is there first.
func openMemo(c common, t coding.MemoTarget, label string) tea.Cmd {
	e := newMemoArea(c, t, label, "")
	c.post(openMsg{e})
	if t.Kind == coding.MemoProject && t.Entry == 0 {
		return nil
	}
	e.loading = true
	s, who := c.store, c.proj.who
	return func() tea.Msg {
		m, _, err := s.MemoOn(who, t)
		return memoLoadedMsg{target: t, text: printable.String(m.Text), err: err}
	}
}

// memoTargetMsg asks for the editor on the coder's memo on a target:
// the memo menu's items and the memo browser post it, and the coding
// screen (under every view, so it gets it wherever it was posted) opens
// the editor.
type memoTargetMsg struct {
	target coding.MemoTarget
	label  string
}

func newMemoArea(c common, t coding.MemoTarget, label, text string) *memoEditor {
	e := &memoEditor{c: c, keys: newMemoKeys(), target: t, seg: t.Segment, label: label, orig: text}
	if t.Kind == coding.MemoCoding {
		e.seg = t.Coding.Seg
	}
	e.area = textarea.New()
	st := textarea.DefaultStyles(c.st.isDark)
	st.Cursor.Blink = false
	e.area.SetStyles(st)
	e.area.ShowLineNumbers = false
	e.area.Placeholder = memoPlaceholders[t.Kind]
	e.area.SetValue(text)
	e.area.Focus()
	return e
}

// memoPlaceholders prompt for what a memo on each kind of thing is for.
var memoPlaceholders = map[coding.MemoKind]string{
	coding.MemoCoding:  "why this coding; what it shows; a question for the team…",
	coding.MemoSegment: "what this answer shows; what to ask about it…",
	coding.MemoCase:    "who this participant is; what runs through their answers…",
	coding.MemoSource:  "how this source came about; what to keep in mind reading it…",
	coding.MemoCode:    "what this code means; when it applies and when not…",
	coding.MemoProject: "what you did, decided or noticed (a dated journal entry)…",
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

func (e *memoEditor) changed() bool {
	return !e.loading && strings.TrimSpace(e.area.Value()) != strings.TrimSpace(e.orig)
}

// flush is the memo typed but not saved: quitting saves it with the queue.
func (e *memoEditor) flush() (request, bool) {
	if !e.changed() {
		return nil, false
	}
	return e.request(), true
}

func (e *memoEditor) request() request {
	text := strings.TrimSpace(e.area.Value())
	if e.target.Kind == coding.MemoCoding {
		return memoReq{seg: e.seg, key: e.target.Coding, text: text}
	}
	return memoOnReq{target: e.target, about: e.label, text: text}
}

func (e *memoEditor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case memoLoadedMsg:
		if e.loading && msg.target == e.target {
			e.loading = false
			if msg.err != nil {
				e.c.say("could not read the memo: "+msg.err.Error(), statusError)
				e.c.post(closeMsg{e})
				return nil
			}
			e.orig = msg.text
			e.area.SetValue(msg.text)
			var cmds []tea.Cmd
			for _, k := range e.early { // what was typed meanwhile goes after it
				cmds = append(cmds, e.Update(k))
			}
			e.early = nil
			return tea.Batch(cmds...)
		}
		return nil
	case tea.KeyPressMsg, tea.PasteMsg:
	default:
		return nil
	}
	k, _ := msg.(tea.KeyPressMsg)
	if e.loading { // a moment: kept, and typed after the memo read
		e.early = append(e.early, msg)
		return nil
	}
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
	title, label := "Memo", e.label
	if e.target.Kind == coding.MemoProject {
		title = "Journal"
	}
	if e.loading {
		label += " · reading…"
	}
	body := strings.Join([]string{
		st.OverlayTitle.Render(title) + st.Dim.Render(" · "+ansi.Truncate(label, max(1, w-12), "…")),
		e.area.View(),
		st.Dim.Render(ansi.Truncate(foot, w-4, "…")),
	}, "\n")
	return st.Overlay.Width(w).Render(body)
}
