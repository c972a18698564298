package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"qcode/coding"
)

// pickPurpose is what a code picked is for; the component that opened the
// picker takes the pickedMsg of its purpose.
type pickPurpose int

const (
	pickApply      pickPurpose = iota // apply to the current segment (or passage); may create the code
	pickFilter                        // list the segments with the code
	pickMove                          // move the editor's code under it
	pickMerge                         // merge the editor's code into it
	pickSettle                        // settle a disagreement with it
	pickCodeAll                       // code every segment shown with it
	pickMemo                          // write a memo on the code
	pickMemoFilter                    // list the memos about the code
	pickDoc                           // apply to the document view's turn (or passage); may create the code
)

// pickedMsg is a code picked (or, for pickApply, a new path to create).
type pickedMsg struct {
	purpose pickPurpose
	code    coding.Code
	create  string
}

// picker is the fuzzy code picker: type to filter codes by path or
// description; enter takes the highlighted one, or creates the typed path.
type picker struct {
	c         common
	keys      pickerKeys
	title     string
	purpose   pickPurpose
	input     textinput.Model
	codes     []coding.Code
	matches   []int // indexes into codes, best first
	cursor    int
	allowRoot bool // offer "(top level)" (moving a code)
	create    bool // may create a new code at the typed path

	width, height int
}

type pickerKeys struct {
	Down, Up, Take, Cancel key.Binding
}

func newPickerKeys() pickerKeys {
	return pickerKeys{
		Down:   bind("↓", "next", "down", "ctrl+n", "ctrl+j"),
		Up:     bind("↑", "previous", "up", "ctrl+p", "ctrl+k"),
		Take:   bind("enter", "take (or create)", "enter"),
		Cancel: bind("esc", "cancel", "esc"),
	}
}

func newPicker(c common, purpose pickPurpose, title string) *picker {
	p := &picker{c: c, keys: newPickerKeys(), title: title, purpose: purpose, codes: c.proj.book.Codes(),
		create: purpose == pickApply || purpose == pickDoc, allowRoot: purpose == pickMove}
	if p.allowRoot {
		p.codes = append([]coding.Code{{Path: "", Name: "(top level)"}}, p.codes...)
	}
	p.input = newInput("› ", "type part of a code or its description", c.st.isDark)
	p.refilter()
	return p
}

func (*picker) isDialog() {}

// typing: every letter goes to the query.
func (*picker) typing() bool { return true }

func (p *picker) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Take, p.keys.Down, p.keys.Up, p.keys.Cancel}
}

func (p *picker) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// boxWidth is the picker's width on a screen w wide.
func boxWidth(w int) int { return min(max(50, w*2/3), w-4) }

func (p *picker) SetSize(w, h int) {
	p.width, p.height = w, h
	p.input.SetWidth(max(1, boxWidth(w)-6))
}

func (p *picker) refilter() {
	q := strings.TrimSpace(p.input.Value())
	p.matches = p.matches[:0]
	if q == "" {
		for i := range p.codes {
			p.matches = append(p.matches, i)
		}
	} else {
		// Paths first (what coders type), then codes whose description
		// matches where the path does not.
		seen := map[int]bool{}
		for _, r := range fuzzy.FindFrom(q, pickerSource{p, false}) {
			p.matches = append(p.matches, r.Index)
			seen[r.Index] = true
		}
		for _, r := range fuzzy.FindFrom(q, pickerSource{p, true}) {
			if !seen[r.Index] && r.Score > 0 {
				p.matches = append(p.matches, r.Index)
			}
		}
	}
	p.cursor = step(p.cursor, 0, p.rows())
}

// pickerSource lets fuzzy search the codes' paths (or descriptions).
type pickerSource struct {
	p    *picker
	desc bool
}

func (s pickerSource) String(i int) string {
	c := s.p.codes[i]
	switch {
	case c.ID == 0:
		return "(top level)"
	case s.desc:
		return c.Description
	}
	return c.Path
}
func (s pickerSource) Len() int { return len(s.p.codes) }

// newPath is the typed text as a code path when it names no code.
func (p *picker) newPath() string {
	q := coding.CleanPath(p.input.Value())
	if !p.create || q == "" {
		return ""
	}
	if _, ok := p.c.proj.book.Lookup(q); ok {
		return ""
	}
	return q
}

func (p *picker) rows() int {
	n := len(p.matches)
	if p.create && strings.TrimSpace(p.input.Value()) != "" {
		n++
	}
	return n
}

func (p *picker) Update(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg: // the router sends a paste to the one typing
	default:
		return nil
	}
	k, _ := msg.(tea.KeyPressMsg)
	switch {
	case key.Matches(k, p.keys.Cancel):
		p.c.post(closeMsg{p})
		return nil
	case key.Matches(k, p.keys.Down):
		p.cursor = step(p.cursor, 1, p.rows())
		return nil
	case key.Matches(k, p.keys.Up):
		p.cursor = max(p.cursor-1, 0)
		return nil
	case key.Matches(k, p.keys.Take):
		if p.cursor >= 0 && p.cursor < len(p.matches) {
			p.c.post(closeMsg{p}, pickedMsg{purpose: p.purpose, code: p.codes[p.matches[p.cursor]]})
		} else if path := p.newPath(); path != "" {
			p.c.post(closeMsg{p}, pickedMsg{purpose: p.purpose, create: path})
		}
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.refilter()
	return cmd
}

func (p *picker) View() string {
	st, book := p.c.st, p.c.proj.book
	w := boxWidth(p.width)
	inner := w - 4
	lines := []string{st.OverlayTitle.Render(ansi.Truncate(p.title, inner, "…")), p.input.View(), ""}
	room := max(3, min(14, p.height-8))
	start := max(0, p.cursor-room+1)
	for i := start; i < p.rows() && i < start+room; i++ {
		var line string
		if i < len(p.matches) {
			c := p.codes[p.matches[i]]
			line = colorStyle(colorOr(book.ColorOf(c.ID), "#6e7781")).Render("■ ") + c.Path
			if c.ID == 0 {
				line = "  (top level)"
			}
			if c.Description != "" {
				line += st.Dim.Render(" — " + c.Description)
			}
		} else if path := p.newPath(); path != "" {
			line = "+ create " + st.Bold.Render(path)
		} else {
			line = st.Dim.Render("(that code exists: pick it above)")
		}
		line = ansi.Truncate(line, inner, "…")
		if i == p.cursor {
			line = st.ItemSelected.Render(ansi.Strip(line))
		}
		lines = append(lines, line)
	}
	if p.rows() == 0 {
		lines = append(lines, st.Dim.Render("no code matches"))
	}
	lines = append(lines, "", st.Dim.Render(plural(len(p.matches), "code", "codes")+" · ↑/↓ choose · enter take · esc cancel"))
	return st.Overlay.Width(w).Render(strings.Join(lines, "\n"))
}
