package tui

import (
	"unicode"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// spanSelection selects a passage of the current segment word by word:
// ←/→ move its end, shift+←/→ its start; enter (or a digit) codes it.
type spanSelection struct {
	ref          coding.SegRef
	words        [][2]int // rune offsets [start, end) of each word
	anchor, head int      // word indexes
}

// words splits text into words (runs of non-space), with trailing commas,
// semicolons and colons left out so a quote ends cleanly.
func words(text string) [][2]int {
	var out [][2]int
	runes := []rune(text)
	for i := 0; i < len(runes); {
		for i < len(runes) && unicode.IsSpace(runes[i]) {
			i++
		}
		j := i
		for j < len(runes) && !unicode.IsSpace(runes[j]) {
			j++
		}
		if j > i {
			end := j
			for end > i+1 && (runes[end-1] == ',' || runes[end-1] == ';' || runes[end-1] == ':') {
				end--
			}
			out = append(out, [2]int{i, end})
		}
		i = j
	}
	return out
}

func (s *spanSelection) span() coding.Span {
	a, b := min(s.anchor, s.head), max(s.anchor, s.head)
	return coding.Span{Start: s.words[a][0], End: s.words[b][1]}
}

func (m *Model) beginSpan() {
	seg := m.current()
	if seg == nil {
		return
	}
	w := words(seg.Text)
	if len(w) == 0 {
		return
	}
	m.span = &spanSelection{ref: seg.Ref, words: w}
	m.status.set("span: ←/→ end, shift+←/→ start, enter or a digit codes it, esc cancels", statusInfo)
}

// spanKey handles keys while selecting; ok is false for keys it leaves to
// the screen (digits, moving to another segment, which ends the selection).
func (m *Model) spanKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	s := m.span
	last := len(s.words) - 1
	switch msg.String() {
	case "right", "l", "w":
		s.head = min(s.head+1, last)
	case "left", "h", "b":
		s.head = max(s.head-1, 0)
	case "shift+right", "L", "W":
		s.anchor = min(s.anchor+1, last)
	case "shift+left", "H", "B":
		s.anchor = max(s.anchor-1, 0)
	case "0", "$", "end":
		if msg.String() == "0" {
			return nil, false // a digit codes the span
		}
		s.head = last
	case "^":
		s.anchor = 0
	case "enter":
		m.overlay = newPicker(m, pickApply, "Code the selected passage")
	case "esc", "v":
		m.span = nil
		m.status.set("span cancelled", statusInfo)
	default:
		return nil, false
	}
	return nil, true
}

// applySpan codes the selected passage with a code.
func (m *Model) applySpan(id coding.CodeID) tea.Cmd {
	seg := m.current()
	if seg == nil || m.span == nil || m.span.ref != seg.Ref {
		m.span = nil
		return nil
	}
	sp := m.span.span()
	m.span = nil
	code, _ := m.book.Code(id)
	before := *seg
	before.Codings = append([]coding.Coding(nil), seg.Codings...)
	k := coding.CodingKey{Seg: seg.Ref, Code: id, Coder: m.coder, Span: sp}
	// An exclusive group's other levels on the passages this one overlaps
	// go, as the store will do (its note says which).
	if g, ok := m.book.ExclusiveGroupOf(id); ok && m.coder != 0 {
		seg.Codings = slicesDeleteFunc(append([]coding.Coding(nil), seg.Codings...), func(c coding.Coding) bool {
			p, _ := m.book.Code(c.Code)
			return c.Coder == m.coder && p.Parent == g.ID && c.Code != id && c.Span.Overlaps(sp)
		})
	}
	seg.Codings = append(seg.Codings, coding.Coding{CodingKey: k, CoderName: m.opts.Coder})
	coder, ref := m.opts.Coder, seg.Ref
	quote := excerpt(seg.Text, sp, 30)
	what := "+ " + code.Path + " “" + quote + "”"
	return m.enqueue(write{
		pending: what,
		seg:     ref,
		shows:   []coding.CodingKey{k},
		do: func(s *coding.Store) (coding.ActionResult, error) {
			r, err := s.Apply(coder, ref, id, sp)
			if err == nil && r.Seq != 0 {
				r.Desc = what
			}
			return r.ActionResult, err
		},
		undo: func() { m.cache[ref] = &before },
	})
}
