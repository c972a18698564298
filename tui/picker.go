package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"qcode/coding"
)

type pickPurpose int

const (
	pickApply  pickPurpose = iota // apply to the current segment (or span)
	pickChoose                    // hand the code to a callback (filter, move, merge)
)

// picker is the fuzzy code picker: type to filter codes by path or
// description; enter takes the highlighted one, or creates the typed path.
type picker struct {
	title     string
	purpose   pickPurpose
	input     textinput.Model
	codes     []coding.Code
	matches   []int // indexes into codes, best first
	cursor    int
	allowRoot bool // offer "(top level)" for moving a code
	create    bool // may create a new code at the typed path
	choose    func(m *Model, c coding.Code) tea.Cmd
}

func newPicker(m *Model, purpose pickPurpose, title string) *picker {
	p := &picker{title: title, purpose: purpose, codes: m.book.Codes(), create: purpose == pickApply}
	p.input = newInput("› ", "type part of a code or its description", m.st.isDark)
	p.refilter()
	return p
}

func (p *picker) refilter() {
	q := strings.TrimSpace(p.input.Value())
	p.matches = p.matches[:0]
	if p.allowRoot && (len(p.codes) == 0 || p.codes[0].ID != 0) {
		p.codes = append([]coding.Code{{Path: "", Name: "(top level)"}}, p.codes...)
	}
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
func (p *picker) newPath(book *coding.Codebook) string {
	q := coding.CleanPath(p.input.Value())
	if !p.create || q == "" {
		return ""
	}
	if _, ok := book.Lookup(q); ok {
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

func (p *picker) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	switch msg.String() {
	case "esc":
		return true, nil
	case "down", "ctrl+n", "ctrl+j":
		p.cursor = step(p.cursor, 1, p.rows())
		return false, nil
	case "up", "ctrl+p", "ctrl+k":
		p.cursor = max(p.cursor-1, 0)
		return false, nil
	case "enter":
		if p.cursor >= 0 && p.cursor < len(p.matches) {
			c := p.codes[p.matches[p.cursor]]
			return true, p.take(m, c)
		}
		if path := p.newPath(m.book); path != "" {
			return true, m.createAndApply(path)
		}
		return false, nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.refilter()
	return false, cmd
}

func (p *picker) take(m *Model, c coding.Code) tea.Cmd {
	if p.choose != nil {
		return p.choose(m, c)
	}
	if m.span != nil {
		return m.applySpan(c.ID)
	}
	return m.apply(c.ID)
}

func (p *picker) view(m *Model) string {
	w := min(max(50, m.width*2/3), m.width-4)
	inner := w - 4
	p.input.SetWidth(inner - 2)
	lines := []string{m.st.OverlayTitle.Render(p.title), p.input.View(), ""}
	room := max(3, min(14, m.height-10))
	start := max(0, p.cursor-room+1)
	for i := start; i < p.rows() && i < start+room; i++ {
		var line string
		if i < len(p.matches) {
			c := p.codes[p.matches[i]]
			swatch := lipgloss.NewStyle().Foreground(lipgloss.Color(colorOr(m.book.ColorOf(c.ID), "#6e7781"))).Render("■ ")
			line = swatch + c.Path
			if c.ID == 0 {
				line = "  (top level)"
			}
			if c.Description != "" {
				line += m.st.Dim.Render(" — " + c.Description)
			}
		} else if path := p.newPath(m.book); path != "" {
			line = "+ create " + m.st.Bold.Render(path)
		} else {
			line = m.st.Dim.Render("(that code exists: pick it above)")
		}
		line = ansi.Truncate(line, inner, "…")
		if i == p.cursor {
			line = m.st.ItemSelected.Render(ansi.Strip(line))
		}
		lines = append(lines, line)
	}
	if p.rows() == 0 {
		lines = append(lines, m.st.Dim.Render("no code matches"))
	}
	lines = append(lines, "", m.st.Dim.Render(fmt.Sprintf("%d codes · ↑/↓ choose · enter take · esc cancel", len(p.matches))))
	return m.st.Overlay.Width(w).Render(strings.Join(lines, "\n"))
}

// apply puts a code on the whole current segment (the picker applies; it
// never toggles off).
func (m *Model) apply(id coding.CodeID) tea.Cmd {
	seg := m.current()
	if seg == nil {
		return nil
	}
	for _, c := range seg.Codings {
		if c.Code == id && c.Coder == m.coder && m.coder != 0 && c.Span.Whole() {
			code, _ := m.book.Code(id)
			m.status.set(code.Path+" is already on this segment", statusInfo)
			return nil
		}
	}
	code, _ := m.book.Code(id)
	before := *seg
	before.Codings = append([]coding.Coding(nil), seg.Codings...)
	k := coding.CodingKey{Seg: seg.Ref, Code: id, Coder: m.coder}
	seg.Codings = append(seg.Codings, coding.Coding{CodingKey: k, CoderName: m.opts.Coder})
	coder, ref := m.opts.Coder, seg.Ref
	return m.enqueue(write{
		pending: "+ " + code.Path,
		seg:     ref,
		shows:   []coding.CodingKey{k},
		do: func(s *coding.Store) (coding.ActionResult, error) {
			r, err := s.Apply(coder, ref, id, coding.Span{})
			if err == nil && r.Seq != 0 {
				r.Desc = "+ " + code.Path
			}
			return r.ActionResult, err
		},
		undo: func() { m.cache[ref] = &before },
	})
}

// createAndApply adds a code at path and applies it to the current segment
// (or span): one action for the code, one for the coding.
func (m *Model) createAndApply(path string) tea.Cmd {
	seg := m.current()
	if seg == nil {
		return nil
	}
	coder, ref := m.opts.Coder, seg.Ref
	var span coding.Span
	if m.span != nil {
		span = m.span.span()
		m.span = nil
	}
	return m.enqueue(write{
		pending: "create and apply " + path,
		seg:     ref,
		book:    true,
		do: func(s *coding.Store) (coding.ActionResult, error) {
			c, _, err := s.AddCode(coder, path, coding.CodeDetails{})
			if err != nil {
				return coding.ActionResult{}, err
			}
			r, err := s.Apply(coder, ref, c.ID, span)
			if err == nil {
				r.Desc = "created and applied " + c.Path
			}
			return r.ActionResult, err
		},
	})
}
