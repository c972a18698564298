package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// editor is the codebook editor (e): add, rename, describe, move, merge and
// delete codes, make groups exclusive. Every change is one undoable action;
// u undoes the last without leaving.
type editor struct {
	c    common
	keys editorKeys

	cursor int
	offset int

	// One of these is active at a time.
	input   *textinput.Model
	inputOn string      // what the input is for: "add", "rename", "describe", "include"
	confirm string      // the question asked before a merge or delete
	onYes   request     // what y does
	working string      // waiting for the store (usage counts)
	acting  coding.Code // the code a picker was opened for (move, merge)
	// follow is the path the cursor goes to once the codebook changes (a
	// code moved, renamed or added).
	follow string

	width, height int
}

type editorKeys struct {
	Down, Up                       key.Binding
	Add, Rename, Describe, Include key.Binding
	Move, Merge, Delete            key.Binding
	Group, Exclusive, Undo, Close  key.Binding
	Save, Cancel, Yes, No          key.Binding
}

func newEditorKeys() editorKeys {
	return editorKeys{
		Down:      bind("j/↓", "next code", "j", "down"),
		Up:        bind("k/↑", "previous code", "k", "up"),
		Add:       bind("a", "add a code", "a"),
		Rename:    bind("r", "rename", "r"),
		Describe:  bind("enter/D", "describe", "enter", "D"),
		Include:   bind("i", "inclusion note", "i"),
		Move:      bind("m", "move under another code", "m"),
		Merge:     bind("g", "merge into another code", "g"),
		Delete:    bind("d/x", "delete (asks first)", "d", "x"),
		Group:     bind("G", "code group of levels / plain code", "G"),
		Exclusive: bind("X", "exclusive levels (one per passage) / not", "X"),
		Undo:      bind("u", "undo the last action", "u"),
		Close:     bind("esc", "close", "esc", "q", "e"),
		Save:      bind("enter", "typing: save", "enter"),
		Cancel:    bind("esc", "typing: cancel", "esc"),
		Yes:       bind("y", "asked: yes", "y", "Y"),
		No:        bind("n/esc", "asked: no", "n", "N", "esc"),
	}
}

func newEditor(c common) *editor { return &editor{c: c, keys: newEditorKeys()} }

func (e *editor) title() string { return "Keys of the codebook editor" }

// typing while a name or note is typed.
func (e *editor) typing() bool { return e.input != nil }

func (e *editor) ShortHelp() []key.Binding {
	k := e.keys
	switch {
	case e.input != nil:
		return []key.Binding{k.Save, k.Cancel}
	case e.confirm != "":
		return []key.Binding{k.Yes, k.No}
	}
	return []key.Binding{brief(k.Add, "add"), brief(k.Rename, "rename"), brief(k.Describe, "describe"),
		brief(k.Move, "move"), brief(k.Merge, "merge"), brief(k.Delete, "delete"), brief(k.Undo, "undo"), k.Close}
}

func (e *editor) FullHelp() [][]key.Binding {
	k := e.keys
	return [][]key.Binding{
		{k.Down, k.Up, k.Add, k.Rename, k.Describe, k.Include},
		{k.Move, k.Merge, k.Delete, k.Group, k.Exclusive, k.Undo, k.Close},
		{k.Save, k.Cancel, k.Yes, k.No},
	}
}

func (e *editor) SetSize(w, h int) {
	e.width, e.height = w, h
	if e.input != nil {
		e.input.SetWidth(max(1, w-24))
	}
	e.scroll()
}

// room is how many codes the list shows: the full height, less the frame,
// the title, the selected code's notes and the keys.
func (e *editor) room() int { return max(3, e.height-7-len(e.foot())) }

// foot is what the editor says under the list: the input, the question
// asked, or its keys.
func (e *editor) foot() []string {
	st, inner := e.c.st, e.width-4
	switch {
	case e.input != nil:
		return []string{e.input.View(), st.Dim.Render("enter saves · esc cancels")}
	case e.confirm != "":
		return append(strings.Split(st.StatusErr.Render(ansi.Wrap(e.confirm, max(1, inner), " ")), "\n"), st.Dim.Render("y yes · n no"))
	case e.working != "":
		return []string{st.Dim.Render(e.working)}
	}
	return strings.Split(st.Dim.Render(ansi.Wrap("a add · r rename · enter describe · i inclusion note · m move · g merge · d delete · G group · X exclusive levels · u undo · esc close", max(1, inner), " ")), "\n")
}

// scroll keeps the cursor valid and in view.
func (e *editor) scroll() {
	codes := e.c.proj.book.Codes()
	e.cursor = max(0, min(e.cursor, len(codes)-1))
	if e.cursor < e.offset {
		e.offset = e.cursor
	}
	if e.cursor >= e.offset+e.room() {
		e.offset = e.cursor - e.room() + 1
	}
	e.offset = max(0, min(e.offset, len(codes)-e.room()))
}

// usageMsg brings the usage of a code before a delete.
type usageMsg struct {
	code              coding.Code
	subcodes          int
	codings, segments int
	err               error
}

func (e *editor) selected() (coding.Code, bool) {
	codes := e.c.proj.book.Codes()
	if e.cursor < 0 || e.cursor >= len(codes) {
		return coding.Code{}, false
	}
	return codes[e.cursor], true
}

func (e *editor) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd = e.key(msg)
	case tea.PasteMsg:
		if e.input != nil {
			in, c := e.input.Update(msg)
			e.input, cmd = &in, c
		}
	case usageMsg:
		e.usage(msg)
	case pickedMsg:
		cmd = e.picked(msg)
	case writeDoneMsg:
		if msg.book != nil && e.follow != "" && msg.err == nil {
			for i, c := range e.c.proj.book.Codes() {
				if c.Path == e.follow {
					e.cursor = i
				}
			}
		}
		e.follow = ""
	}
	e.scroll()
	return cmd
}

func (e *editor) key(msg tea.KeyPressMsg) tea.Cmd {
	if e.input != nil {
		return e.inputKey(msg)
	}
	k := e.keys
	if e.confirm != "" {
		switch {
		case key.Matches(msg, k.Yes):
			req := e.onYes
			e.confirm, e.onYes = "", nil
			e.c.post(writeMsg{req})
		case key.Matches(msg, k.No):
			e.confirm, e.onYes = "", nil
		}
		return nil
	}
	codes := e.c.proj.book.Codes()
	c, ok := e.selected()
	switch {
	case key.Matches(msg, k.Close):
		e.c.post(closeMsg{e})
	case key.Matches(msg, k.Down):
		e.cursor = step(e.cursor, 1, len(codes))
	case key.Matches(msg, k.Up):
		e.cursor = max(e.cursor-1, 0)
	case key.Matches(msg, k.Undo):
		e.c.post(writeMsg{undoReq{}})
	case key.Matches(msg, k.Add):
		prefix := ""
		if ok {
			prefix = c.Path + "/"
			if c.Parent != 0 && e.c.proj.book.IsLeaf(c.ID) {
				parent, _ := e.c.proj.book.Code(c.Parent)
				prefix = parent.Path + "/"
			}
		}
		e.ask("add", "new code path (Theme/Code): ", prefix)
	case !ok: // the keys below act on the selected code
	case key.Matches(msg, k.Rename):
		e.ask("rename", "new name: ", c.Name)
	case key.Matches(msg, k.Describe):
		e.ask("describe", "description: ", c.Description)
	case key.Matches(msg, k.Include):
		e.ask("include", "inclusion note: ", c.Include)
	case key.Matches(msg, k.Group):
		d := c.Details()
		d.Group = !d.Group
		d.Exclusive = d.Exclusive && d.Group
		what := "make " + c.Path + " a code group"
		if !d.Group {
			what = "make " + c.Path + " a plain code"
		}
		e.c.post(writeMsg{codebookReq{op: opUpdate, what: what, path: c.Path, details: d}})
	case key.Matches(msg, k.Exclusive):
		d := c.Details()
		d.Exclusive = !d.Exclusive
		what := "make " + c.Path + " exclusive (one level per passage)"
		if !d.Exclusive {
			what = "let " + c.Path + "'s levels share a passage"
		}
		e.c.post(writeMsg{codebookReq{op: opUpdate, what: what, path: c.Path, details: d}})
	case key.Matches(msg, k.Move):
		e.acting = c
		e.c.post(openMsg{newPicker(e.c, pickMove, "Move "+c.Path+" under…")})
	case key.Matches(msg, k.Merge):
		e.acting = c
		e.c.post(openMsg{newPicker(e.c, pickMerge, "Merge "+c.Path+" into…")})
	case key.Matches(msg, k.Delete):
		e.working = "counting the codings of " + c.Path + "…"
		s := e.c.store
		n := len(e.c.proj.book.Subtree(c.ID)) - 1
		return func() tea.Msg {
			codings, segs, err := s.Usage(c.Path)
			return usageMsg{code: c, subcodes: n, codings: codings, segments: segs, err: err}
		}
	}
	return nil
}

// picked moves or merges the code the picker was opened for.
func (e *editor) picked(msg pickedMsg) tea.Cmd {
	c := e.acting
	switch msg.purpose {
	case pickMove:
		to := msg.code.Path
		e.follow = coding.CleanPath(to + "/" + c.Name)
		e.c.post(writeMsg{codebookReq{op: opMove, what: "move " + c.Path, path: c.Path, arg: to}})
	case pickMerge:
		e.confirm = fmt.Sprintf("Merge %s into %s? Its codings and sub-codes move there; it goes.", c.Path, msg.code.Path)
		e.onYes = codebookReq{op: opMerge, what: "merge " + c.Path, path: c.Path, arg: msg.code.Path}
	}
	return nil
}

// usage asks for the delete's confirmation once the counts are in.
func (e *editor) usage(msg usageMsg) {
	if e.working == "" {
		return
	}
	e.working = ""
	if msg.err != nil {
		e.c.say(msg.err.Error(), statusError)
		return
	}
	c := msg.code
	e.confirm = fmt.Sprintf("Delete %s, %s and %s on %s? (u undoes it)", c.Path, plural(msg.subcodes, "sub-code", "sub-codes"), plural(msg.codings, "coding", "codings"), plural(msg.segments, "segment", "segments"))
	e.onYes = codebookReq{op: opDelete, what: "delete " + c.Path, path: c.Path}
}

func (e *editor) ask(purpose, prompt, value string) {
	in := newInput(prompt, "", e.c.st.isDark)
	in.SetValue(value)
	in.CursorEnd()
	in.SetWidth(max(1, e.width-24))
	e.input, e.inputOn = &in, purpose
}

func (e *editor) inputKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, e.keys.Cancel):
		e.input = nil
		return nil
	case key.Matches(msg, e.keys.Save):
		value := strings.TrimSpace(e.input.Value())
		purpose := e.inputOn
		e.input = nil
		c, _ := e.selected()
		switch purpose {
		case "add":
			e.follow = coding.CleanPath(value)
			e.c.post(writeMsg{codebookReq{op: opAdd, what: "add " + value, arg: value}})
		case "rename":
			e.follow = coding.CleanPath(strings.TrimSuffix(c.Path, c.Name) + value)
			e.c.post(writeMsg{codebookReq{op: opRename, what: "rename " + c.Path, path: c.Path, arg: value}})
		case "describe", "include":
			d := c.Details()
			if purpose == "describe" {
				d.Description = value
			} else {
				d.Include = value
			}
			e.c.post(writeMsg{codebookReq{op: opUpdate, what: "edit " + c.Path, path: c.Path, details: d}})
		}
		return nil
	}
	in, cmd := e.input.Update(msg)
	e.input = &in
	return cmd
}

func (e *editor) View() string {
	st, book := e.c.st, e.c.proj.book
	w := e.width
	inner := w - 4
	codes := book.Codes()
	counts := e.c.proj.codeCounts()
	lines := []string{st.OverlayTitle.Render("Codebook editor"), ""}
	for i := e.offset; i < len(codes) && i < e.offset+e.room(); i++ {
		c := codes[i]
		n := 0
		for _, id := range book.Subtree(c.ID) {
			n += counts[id]
		}
		name := strings.Repeat("  ", c.Depth) + c.Name
		switch {
		case c.Exclusive:
			name += " ⋮ exclusive: one level per passage"
		case c.Group:
			name += " ⋮ group of levels"
		}
		nameW := max(10, inner-7)
		line := padRight(ansi.Truncate(name, nameW, "…"), nameW) + fmt.Sprintf(" %5d", n)
		if i == e.cursor {
			line = st.ItemSelected.Render(line)
		}
		lines = append(lines, line)
	}
	if len(codes) == 0 {
		lines = append(lines, st.Dim.Render("the codebook is empty: press a to add a code"))
	}
	if c, ok := e.selected(); ok {
		desc := c.Description
		if c.Include != "" {
			desc += " · include: " + c.Include
		}
		lines = append(lines, "", st.Dim.Render(ansi.Truncate(desc, inner, "…")))
	}
	lines = append(lines, "")
	lines = append(lines, e.foot()...)
	return st.Page.Width(w).Height(e.height).MaxHeight(e.height).Render(strings.Join(lines, "\n"))
}
