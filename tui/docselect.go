package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// docSelection is a passage of the document being selected with v, word
// by word, and across turns: ←/→ move its end, shift+←/→ its start, J/K
// its end by a turn; enter (or a digit) codes each turn's part of it, as
// one action.
type docSelection struct {
	anchor, head docWord
}

// docWord is a word of a turn: the turn's index and the word's.
type docWord struct{ turn, word int }

func (a docWord) before(b docWord) bool {
	return a.turn < b.turn || a.turn == b.turn && a.word < b.word
}

// turnWords are turn t's words (rune offsets), kept for the session.
func (d *documentView) turnWords(t int) [][2]int {
	w, ok := d.words[t]
	if !ok {
		w = words(d.segs[d.parts[d.turns[t]].seg].Text)
		d.words[t] = w
	}
	return w
}

// beginSelection starts a passage at the current turn's first word.
func (d *documentView) beginSelection() {
	if d.cur < 0 || len(d.turnWords(d.cur)) == 0 {
		return
	}
	d.sel = &docSelection{anchor: docWord{d.cur, 0}, head: docWord{d.cur, 0}}
	d.c.say("passage: ←/→ end, shift+←/→ start, J/K a turn, enter or a digit codes it, esc cancels", statusInfo)
}

// stepWord moves a word position by one word (d=±1), across turns
// (passing over turns without words); at either end of the document it
// stays.
func (d *documentView) stepWord(w docWord, dir int) docWord {
	if next := w.word + dir; next >= 0 && next < len(d.turnWords(w.turn)) {
		return docWord{w.turn, next}
	}
	for t := w.turn + dir; t >= 0 && t < len(d.turns); t += dir {
		if n := len(d.turnWords(t)); n > 0 {
			if dir > 0 {
				return docWord{t, 0}
			}
			return docWord{t, n - 1}
		}
	}
	return w
}

// lastWordOf is the last word of turn t, or of the nearest turn with words
// in the direction dir.
func (d *documentView) lastWordOf(t, dir int, or docWord) docWord {
	for ; t >= 0 && t < len(d.turns); t += dir {
		if n := len(d.turnWords(t)); n > 0 {
			return docWord{t, n - 1}
		}
	}
	return or
}

// selKey handles keys while a passage is selected; false for the keys it
// leaves to the view (scrolling, the panel's groups).
func (d *documentView) selKey(msg tea.KeyPressMsg) bool {
	s, k := d.sel, d.spanK
	switch {
	case key.Matches(msg, k.EndRight):
		s.head = d.stepWord(s.head, 1)
	case key.Matches(msg, k.EndLeft):
		s.head = d.stepWord(s.head, -1)
	case key.Matches(msg, k.StartRight):
		s.anchor = d.stepWord(s.anchor, 1)
	case key.Matches(msg, k.StartLeft):
		s.anchor = d.stepWord(s.anchor, -1)
	case key.Matches(msg, k.LastWord):
		s.head = docWord{s.head.turn, len(d.turnWords(s.head.turn)) - 1}
	case key.Matches(msg, k.FirstWord):
		s.anchor = docWord{s.anchor.turn, 0}
	case key.Matches(msg, d.keys.NextTurn):
		s.head = d.lastWordOf(s.head.turn+1, 1, s.head)
	case key.Matches(msg, d.keys.PrevTurn):
		s.head = d.lastWordOf(s.head.turn-1, -1, s.head)
	case key.Matches(msg, k.Code):
		d.c.post(openMsg{newPicker(d.c, pickDoc, "Code the selected passage")})
		return true
	case key.Matches(msg, k.Cancel):
		d.sel = nil
		d.c.say("passage cancelled", statusInfo)
		return true
	case key.Matches(msg, d.keys.Toggle):
		if code, ok := numberedCode(d.c, d.panel, digit(msg.String())); ok {
			d.codeSelection(code.ID, digitName(digit(msg.String())))
		}
		return true
	default:
		return false
	}
	// The current turn follows the passage's end, on screen.
	if s.head.turn != d.cur {
		d.cur = s.head.turn
		d.posted()
	}
	d.reveal()
	return true
}

// passages are the selected passage's parts, one per turn: from the
// first word to the last, a turn whose every word is selected being the
// whole turn. first is the first turn's index.
func (d *documentView) passages() ([]coding.SegmentSpan, int) {
	a, b := d.sel.anchor, d.sel.head
	if b.before(a) {
		a, b = b, a
	}
	var out []coding.SegmentSpan
	for t := a.turn; t <= b.turn; t++ {
		ws := d.turnWords(t)
		if len(ws) == 0 {
			continue
		}
		first, last := 0, len(ws)-1
		if t == a.turn {
			first = a.word
		}
		if t == b.turn {
			last = b.word
		}
		sp := coding.Span{Start: ws[first][0], End: ws[last][1]}
		if first == 0 && last == len(ws)-1 {
			sp = coding.Span{} // all of it: the turn
		}
		out = append(out, coding.SegmentSpan{Seg: d.segs[d.parts[d.turns[t]].seg].Ref, Span: sp})
	}
	return out, a.turn
}

// selected is the rune range of turn t that the passage covers (ok false:
// none).
func (d *documentView) selected(t int) (coding.Span, bool) {
	if d.sel == nil {
		return coding.Span{}, false
	}
	a, b := d.sel.anchor, d.sel.head
	if b.before(a) {
		a, b = b, a
	}
	ws := d.turnWords(t)
	if t < a.turn || t > b.turn || len(ws) == 0 {
		return coding.Span{}, false
	}
	first, last := 0, len(ws)-1
	if t == a.turn {
		first = a.word
	}
	if t == b.turn {
		last = b.word
	}
	return coding.Span{Start: ws[first][0], End: ws[last][1]}, true
}

// codeSelection codes the selected passage with a code: one turn's part
// as a coding of that turn (shown at once), parts of several turns as one
// action.
func (d *documentView) codeSelection(id coding.CodeID, digit string) {
	passages, _ := d.passages()
	d.sel = nil
	code, ok := d.c.proj.book.Code(id)
	if !ok || len(passages) == 0 {
		return
	}
	if len(passages) == 1 {
		d.cur = d.byRef[passages[0].Seg]
		seg := d.acting()
		sp := passages[0].Span
		r := applyReq{seg: seg.Ref, code: id, path: code.Path, span: sp, digit: digit}
		if !sp.Whole() {
			r.quote = excerpt(seg.Text, sp, 30)
		}
		d.c.post(writeMsg{r})
		return
	}
	first, last := d.turnSeg(d.byRef[passages[0].Seg]), d.turnSeg(d.byRef[passages[len(passages)-1].Seg])
	to := last.ID
	if n, ok := strings.CutPrefix(last.ID, last.Source+"#"); ok && strings.HasPrefix(first.ID, last.Source+"#") {
		to = "#" + n // interview-lead-03#7–#10
	}
	d.c.post(writeMsg{spansReq{code: id, path: code.Path, passages: passages, from: first.ID, to: to, digit: digit}})
}
