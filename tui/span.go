package tui

import (
	"unicode"

	"charm.land/bubbles/v2/key"
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

type spanKeys struct {
	EndRight, EndLeft     key.Binding
	StartRight, StartLeft key.Binding
	LastWord, FirstWord   key.Binding
	Code, Cancel          key.Binding
}

func newSpanKeys() spanKeys {
	return spanKeys{
		EndRight:   bind("→/l/w", "passage: end a word later", "right", "l", "w"),
		EndLeft:    bind("←/h/b", "passage: end a word sooner", "left", "h", "b"),
		StartRight: bind("shift+→/L/W", "passage: start a word later", "shift+right", "L", "W"),
		StartLeft:  bind("shift+←/H/B", "passage: start a word sooner", "shift+left", "H", "B"),
		LastWord:   bind("$", "passage: to the last word", "$", "end"),
		FirstWord:  bind("^", "passage: from the first word", "^"),
		Code:       bind("enter", "passage: pick a code (or a digit)", "enter"),
		Cancel:     bind("esc/v", "passage: cancel", "esc", "v"),
	}
}

func (k spanKeys) help() []key.Binding {
	return []key.Binding{k.EndRight, k.EndLeft, k.StartRight, k.StartLeft, k.LastWord, k.FirstWord, k.Code, k.Cancel}
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

// beginSpan starts selecting a passage of seg.
func (s *currentSegment) beginSpan(seg *coding.Segment) {
	if seg == nil {
		return
	}
	w := words(seg.Text)
	if len(w) == 0 {
		return
	}
	s.span = &spanSelection{ref: seg.Ref, words: w}
	s.c.say("span: ←/→ end, shift+←/→ start, enter or a digit codes it, esc cancels", statusInfo)
}

// takeSpan ends the selection and gives the passage, if it is still on seg.
func (s *currentSegment) takeSpan(seg *coding.Segment) (coding.Span, bool) {
	sp := s.span
	s.span = nil
	if sp == nil || seg == nil || sp.ref != seg.Ref {
		return coding.Span{}, false
	}
	return sp.span(), true
}

// spanKey handles keys while selecting; ok is false for keys it leaves to
// the screen (digits, moving to another segment, which ends the selection).
func (s *currentSegment) spanKey(msg tea.KeyPressMsg, k spanKeys) (tea.Cmd, bool) {
	sp := s.span
	last := len(sp.words) - 1
	switch {
	case key.Matches(msg, k.EndRight):
		sp.head = min(sp.head+1, last)
	case key.Matches(msg, k.EndLeft):
		sp.head = max(sp.head-1, 0)
	case key.Matches(msg, k.StartRight):
		sp.anchor = min(sp.anchor+1, last)
	case key.Matches(msg, k.StartLeft):
		sp.anchor = max(sp.anchor-1, 0)
	case key.Matches(msg, k.LastWord):
		sp.head = last
	case key.Matches(msg, k.FirstWord):
		sp.anchor = 0
	case key.Matches(msg, k.Code):
		s.c.post(openMsg{newPicker(s.c, pickApply, "Code the selected passage")})
	case key.Matches(msg, k.Cancel):
		s.span = nil
		s.c.say("span cancelled", statusInfo)
	default:
		return nil, false
	}
	return nil, true
}
