package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// mine lists the coder's codings on the current segment.
func (m *Model) mine() (*coding.Segment, []coding.Coding) {
	seg := m.current()
	if seg == nil || m.coder == 0 {
		return seg, nil
	}
	var out []coding.Coding
	for _, c := range seg.Codings {
		if c.Coder == m.coder {
			out = append(out, c)
		}
	}
	return seg, out
}

func (m *Model) codingLabel(seg *coding.Segment, c coding.Coding) string {
	code, _ := m.book.Code(c.Code)
	label := code.Path
	if !c.Span.Whole() {
		label += " “" + excerpt(seg.Text, c.Span, 24) + "”"
	}
	if c.Starred {
		label = "★ " + label
	}
	return label
}

// star marks the coder's codings on this segment as quotes (or unmarks
// them): one key for the common case. choose (S) asks which coding.
func (m *Model) star(choose bool) tea.Cmd {
	seg, cs := m.mine()
	if seg == nil {
		return nil
	}
	if len(cs) == 0 {
		m.status.set("a quote is a coding: code this segment first (a digit or c)", statusInfo)
		return nil
	}
	if len(cs) == 1 || !choose {
		return m.setStars(seg, cs)
	}
	items := []string{fmt.Sprintf("all %d codings", len(cs))}
	for _, c := range cs {
		items = append(items, m.codingLabel(seg, c))
	}
	m.overlay = &chooser{title: "Star which coding as a quote?", items: items, choose: func(m *Model, i int) tea.Cmd {
		if i == 0 {
			return m.setStars(seg, cs)
		}
		return m.setStars(seg, cs[i-1:i])
	}}
	return nil
}

// setStars stars the codings unless all are starred, then it unstars them.
func (m *Model) setStars(seg *coding.Segment, cs []coding.Coding) tea.Cmd {
	on := false
	keys := make([]coding.CodingKey, len(cs))
	for i, c := range cs {
		on = on || !c.Starred
		keys[i] = c.CodingKey
	}
	before := *seg
	before.Codings = append([]coding.Coding(nil), seg.Codings...)
	for i := range seg.Codings {
		for _, k := range keys {
			if seg.Codings[i].CodingKey == k {
				seg.Codings[i].Starred = on
			}
		}
	}
	verb := "star"
	if !on {
		verb = "unstar"
	}
	coder, ref := m.opts.Coder, seg.Ref
	return m.enqueue(write{
		pending: verb,
		seg:     ref,
		shows:   keys,
		do: func(s *coding.Store) (coding.ActionResult, error) {
			return s.SetStars(coder, keys, on)
		},
		undo: func() { m.cache[ref] = &before },
	})
}

// memo opens the memo of the coder's coding on this segment.
func (m *Model) memo() tea.Cmd {
	seg, cs := m.mine()
	if seg == nil {
		return nil
	}
	switch len(cs) {
	case 0:
		m.status.set("a memo belongs to a coding: code this segment first", statusInfo)
	case 1:
		m.overlay = newMemoEditor(m, seg, cs[0])
	default:
		items := make([]string, len(cs))
		for i, c := range cs {
			items[i] = m.codingLabel(seg, c)
		}
		m.overlay = &chooser{title: "Memo on which coding?", items: items, choose: func(m *Model, i int) tea.Cmd {
			m.overlay = newMemoEditor(m, seg, cs[i])
			return nil
		}}
	}
	return nil
}

// memoEditor is a textarea over the screen; ctrl+s saves, esc asks first if
// anything changed.
type memoEditor struct {
	seg     *coding.Segment
	coding  coding.Coding
	label   string
	area    textarea.Model
	confirm bool // esc pressed with unsaved changes
}

func newMemoEditor(m *Model, seg *coding.Segment, c coding.Coding) *memoEditor {
	e := &memoEditor{seg: seg, coding: c, label: m.codingLabel(seg, c)}
	e.area = textarea.New()
	st := textarea.DefaultStyles(m.st.isDark)
	st.Cursor.Blink = false
	e.area.SetStyles(st)
	e.area.ShowLineNumbers = false
	e.area.Placeholder = "why this coding; what it shows; a question for the team…"
	e.area.SetValue(c.Memo)
	e.area.Focus()
	return e
}

func (e *memoEditor) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	changed := e.area.Value() != e.coding.Memo
	if e.confirm {
		switch msg.String() {
		case "y", "ctrl+s":
			return true, m.saveMemo(e)
		case "n":
			m.status.set("memo not changed", statusInfo)
			return true, nil
		case "esc":
			e.confirm = false
		}
		return false, nil
	}
	switch msg.String() {
	case "ctrl+s":
		if !changed {
			return true, nil
		}
		return true, m.saveMemo(e)
	case "esc":
		if !changed {
			return true, nil
		}
		e.confirm = true
		return false, nil
	}
	var cmd tea.Cmd
	e.area, cmd = e.area.Update(msg)
	return false, cmd
}

func (m *Model) saveMemo(e *memoEditor) tea.Cmd {
	text := strings.TrimSpace(e.area.Value())
	key, ref, coder := e.coding.CodingKey, e.seg.Ref, m.opts.Coder
	for i := range e.seg.Codings {
		if e.seg.Codings[i].CodingKey == key {
			e.seg.Codings[i].Memo = text
		}
	}
	return m.enqueue(write{
		pending: "memo",
		seg:     ref,
		shows:   []coding.CodingKey{key},
		do: func(s *coding.Store) (coding.ActionResult, error) {
			return s.SetMemo(coder, key, text)
		},
	})
}

func (e *memoEditor) view(m *Model) string {
	w := min(max(50, m.width*2/3), m.width-4)
	e.area.SetWidth(w - 4)
	e.area.SetHeight(max(3, min(10, m.height-10)))
	foot := "ctrl+s save · esc close"
	if e.confirm {
		foot = m.st.StatusErr.Render("save the changes? y yes · n discard · esc keep editing")
	}
	body := strings.Join([]string{
		m.st.OverlayTitle.Render("Memo") + m.st.Dim.Render(" · "+ansi.Truncate(e.label, w-12, "…")),
		e.area.View(),
		m.st.Dim.Render(foot),
	}, "\n")
	return m.st.Overlay.Width(w).Render(body)
}

// chooser asks for one of a few items.
type chooser struct {
	title  string
	items  []string
	cursor int
	choose func(m *Model, i int) tea.Cmd
}

func (c *chooser) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	switch s := msg.String(); s {
	case "esc", "q":
		return true, nil
	case "j", "down":
		c.cursor = step(c.cursor, 1, len(c.items))
	case "k", "up":
		c.cursor = max(c.cursor-1, 0)
	case "enter":
		if c.cursor >= len(c.items) {
			return true, nil
		}
		return true, c.choose(m, c.cursor)
	default:
		if len(s) == 1 && s[0] >= '1' && s[0] <= '9' && int(s[0]-'1') < len(c.items) {
			return true, c.choose(m, int(s[0]-'1'))
		}
	}
	return false, nil
}

func (c *chooser) view(m *Model) string {
	w := min(max(40, m.width/2), m.width-4)
	lines := []string{m.st.OverlayTitle.Render(c.title), ""}
	for i, it := range c.items {
		line := ansi.Truncate(fmt.Sprintf("%d  %s", i+1, it), w-4, "…")
		if i == c.cursor {
			line = m.st.ItemSelected.Render(line)
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", m.st.Dim.Render("enter or a digit chooses · esc cancels"))
	return m.st.Overlay.Width(w).Render(strings.Join(lines, "\n"))
}
