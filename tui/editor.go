package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// editor is the codebook editor: add, rename, describe, move, merge and
// delete codes. Every change is one undoable action.
type editor struct {
	cursor int
	offset int

	// One of these is active at a time.
	input   *textinput.Model
	inputOn string // what the input is for: "add", "rename", "describe", "include"
	confirm string // the question asked before a merge or delete
	onYes   func(m *Model) tea.Cmd
	working string // waiting for the store (usage counts)
}

func newEditor(m *Model) *editor { return &editor{} }

// usageMsg brings the usage of a code before a delete.
type usageMsg struct {
	code              coding.Code
	subcodes          int
	codings, segments int
	err               error
}

func (e *editor) selected(m *Model) (coding.Code, bool) {
	codes := m.book.Codes()
	if e.cursor < 0 || e.cursor >= len(codes) {
		return coding.Code{}, false
	}
	return codes[e.cursor], true
}

func (e *editor) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if e.input != nil {
		return e.inputKey(m, msg)
	}
	if e.confirm != "" {
		switch msg.String() {
		case "y", "Y":
			cmd := e.onYes(m)
			e.confirm, e.onYes = "", nil
			return false, cmd
		case "n", "N", "esc":
			e.confirm, e.onYes = "", nil
		}
		return false, nil
	}
	codes := m.book.Codes()
	c, ok := e.selected(m)
	switch msg.String() {
	case "esc", "q", "e":
		return true, nil
	case "j", "down":
		e.cursor = step(e.cursor, 1, len(codes))
	case "k", "up":
		e.cursor = max(e.cursor-1, 0)
	case "a":
		prefix := ""
		if ok {
			prefix = c.Path + "/"
			if c.Parent != 0 && m.book.IsLeaf(c.ID) {
				parent, _ := m.book.Code(c.Parent)
				prefix = parent.Path + "/"
			}
		}
		e.ask(m, "add", "new code path (Theme/Code): ", prefix)
	case "r":
		if ok {
			e.ask(m, "rename", "new name: ", c.Name)
		}
	case "enter", "D":
		if ok {
			e.ask(m, "describe", "description: ", c.Description)
		}
	case "i":
		if ok {
			e.ask(m, "include", "inclusion note: ", c.Include)
		}
	case "G":
		if ok {
			d := c.Details()
			d.Group = !d.Group
			d.Exclusive = d.Exclusive && d.Group
			what := "make " + c.Path + " a code group"
			if !d.Group {
				what = "make " + c.Path + " a plain code"
			}
			return false, m.editCodebook(what, func(s *coding.Store, actor string) (coding.ActionResult, error) {
				return s.UpdateCode(actor, c.Path, d)
			})
		}
	case "X":
		if ok {
			d := c.Details()
			d.Exclusive = !d.Exclusive
			what := "make " + c.Path + " exclusive (one level per passage)"
			if !d.Exclusive {
				what = "let " + c.Path + "'s levels share a passage"
			}
			return false, m.editCodebook(what, func(s *coding.Store, actor string) (coding.ActionResult, error) {
				return s.UpdateCode(actor, c.Path, d)
			})
		}
	case "m":
		if ok {
			p := newPicker(m, pickChoose, "Move "+c.Path+" under…")
			p.allowRoot = true
			p.refilter()
			p.choose = func(m *Model, to coding.Code) tea.Cmd {
				m.overlay = e
				return m.editCodebook("move "+c.Path, func(s *coding.Store, actor string) (coding.ActionResult, error) {
					return s.MoveCode(actor, c.Path, to.Path)
				})
			}
			m.overlay = p
		}
	case "g":
		if ok {
			p := newPicker(m, pickChoose, "Merge "+c.Path+" into…")
			p.choose = func(m *Model, to coding.Code) tea.Cmd {
				m.overlay = e
				e.confirm = fmt.Sprintf("Merge %s into %s? Its codings and sub-codes move there; it goes.", c.Path, to.Path)
				e.onYes = func(m *Model) tea.Cmd {
					return m.editCodebook("merge "+c.Path, func(s *coding.Store, actor string) (coding.ActionResult, error) {
						r, err := s.MergeCode(actor, c.Path, to.Path)
						if err == nil {
							r.Desc = fmt.Sprintf("%s (%d codings moved, %d combined)", r.Desc, r.Moved, r.Fused)
						}
						return r.ActionResult, err
					})
				}
				return nil
			}
			m.overlay = p
		}
	case "d", "x":
		if ok {
			e.working = "counting the codings of " + c.Path + "…"
			s := m.store
			n := len(m.book.Subtree(c.ID)) - 1
			return false, func() tea.Msg {
				codings, segs, err := s.Usage(c.Path)
				return usageMsg{code: c, subcodes: n, codings: codings, segments: segs, err: err}
			}
		}
	}
	return false, nil
}

// usageLoaded asks for the delete's confirmation once the counts are in.
func (m *Model) usageLoaded(msg usageMsg) {
	e, ok := m.overlay.(*editor)
	if !ok {
		return
	}
	e.working = ""
	if msg.err != nil {
		m.status.set(msg.err.Error(), statusError)
		return
	}
	c := msg.code
	e.confirm = fmt.Sprintf("Delete %s, %d sub-codes and %d codings on %d segments? (u undoes it)", c.Path, msg.subcodes, msg.codings, msg.segments)
	e.onYes = func(m *Model) tea.Cmd {
		return m.editCodebook("delete "+c.Path, func(s *coding.Store, actor string) (coding.ActionResult, error) {
			return s.DeleteCode(actor, c.Path)
		})
	}
}

func (e *editor) ask(m *Model, purpose, prompt, value string) {
	in := newInput(prompt, "", m.st.isDark)
	in.SetValue(value)
	in.CursorEnd()
	e.input, e.inputOn = &in, purpose
}

func (e *editor) inputKey(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	switch msg.String() {
	case "esc":
		e.input = nil
		return false, nil
	case "enter":
		value := strings.TrimSpace(e.input.Value())
		purpose := e.inputOn
		e.input = nil
		c, _ := e.selected(m)
		switch purpose {
		case "add":
			return false, m.editCodebook("add "+value, func(s *coding.Store, actor string) (coding.ActionResult, error) {
				_, r, err := s.AddCode(actor, value, coding.CodeDetails{})
				return r, err
			})
		case "rename":
			return false, m.editCodebook("rename "+c.Path, func(s *coding.Store, actor string) (coding.ActionResult, error) {
				return s.RenameCode(actor, c.Path, value)
			})
		case "describe", "include":
			d := c.Details()
			if purpose == "describe" {
				d.Description = value
			} else {
				d.Include = value
			}
			return false, m.editCodebook("edit "+c.Path, func(s *coding.Store, actor string) (coding.ActionResult, error) {
				return s.UpdateCode(actor, c.Path, d)
			})
		}
		return false, nil
	}
	in, cmd := e.input.Update(msg)
	e.input = &in
	return false, cmd
}

// editCodebook queues a codebook change.
func (m *Model) editCodebook(what string, do func(s *coding.Store, actor string) (coding.ActionResult, error)) tea.Cmd {
	actor := m.opts.Coder
	return m.enqueue(write{
		pending: what,
		book:    true,
		reload:  true,
		do:      func(s *coding.Store) (coding.ActionResult, error) { return do(s, actor) },
	})
}

func (e *editor) view(m *Model) string {
	w := min(max(56, m.width*3/4), m.width-2)
	inner := w - 4
	codes := m.book.Codes()
	counts := m.codeCounts()
	e.cursor = max(0, min(e.cursor, len(codes)-1))
	room := max(4, m.height-12)
	if e.cursor < e.offset {
		e.offset = e.cursor
	}
	if e.cursor >= e.offset+room {
		e.offset = e.cursor - room + 1
	}
	lines := []string{m.st.OverlayTitle.Render("Codebook editor"), ""}
	for i := e.offset; i < len(codes) && i < e.offset+room; i++ {
		c := codes[i]
		n := 0
		for _, id := range m.book.Subtree(c.ID) {
			n += counts[id]
		}
		name := strings.Repeat("  ", c.Depth) + c.Name
		switch {
		case c.Exclusive:
			name += " ⋮ exclusive: one level per passage"
		case c.Group:
			name += " ⋮ group of levels"
		}
		line := fmt.Sprintf("%-*s %5d", max(10, inner-7), ansi.Truncate(name, max(10, inner-7), "…"), n)
		if i == e.cursor {
			line = m.st.ItemSelected.Render(line)
		}
		lines = append(lines, line)
	}
	if len(codes) == 0 {
		lines = append(lines, m.st.Dim.Render("the codebook is empty: press a to add a code"))
	}
	if c, ok := e.selected(m); ok {
		desc := c.Description
		if c.Include != "" {
			desc += " · include: " + c.Include
		}
		lines = append(lines, "", m.st.Dim.Render(ansi.Truncate(desc, inner, "…")))
	}
	lines = append(lines, "")
	switch {
	case e.input != nil:
		e.input.SetWidth(inner - 20)
		lines = append(lines, e.input.View(), m.st.Dim.Render("enter saves · esc cancels"))
	case e.confirm != "":
		lines = append(lines, m.st.StatusErr.Render(ansi.Wrap(e.confirm, inner, " ")), m.st.Dim.Render("y yes · n no"))
	case e.working != "":
		lines = append(lines, m.st.Dim.Render(e.working))
	default:
		lines = append(lines, m.st.Dim.Render(ansi.Wrap("a add · r rename · enter describe · i inclusion note · m move · g merge · d delete · G group · X exclusive levels · u undo (after closing) · esc close", inner, " ")))
	}
	return m.st.Overlay.Width(w).Render(strings.Join(lines, "\n"))
}
