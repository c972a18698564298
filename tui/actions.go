package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// The coding screen's actions on the current segment. Each decides the
// intent from what the screen shows (apply or remove, mark or unmark) and
// posts it as a request; the write queue shows it at once and saves it.

// toggleNumbered toggles the code numbered n in the panel (or the legend),
// or codes the passage being selected with it.
func (s *codingScreen) toggleNumbered(n int) tea.Cmd {
	r, ok := s.panel.numbered(n)
	if !ok {
		s.c.say(fmt.Sprintf("no code numbered %d here", n%10), statusInfo)
		return nil
	}
	return s.toggle(r.code.ID)
}

// toggle applies or removes a code on the current segment (a passage being
// selected is coded with it).
func (s *codingScreen) toggle(id coding.CodeID) tea.Cmd {
	if s.list.cur.span != nil {
		return s.applySpan(id)
	}
	seg := s.list.current()
	p := s.c.proj
	code, ok := p.book.Code(id)
	if seg == nil || !ok {
		return nil
	}
	for _, c := range seg.Codings {
		if p.mine(c.Coder) && c.Code == id {
			s.c.post(writeMsg{removeReq{seg: seg.Ref, code: id, path: code.Path}})
			return nil
		}
	}
	s.c.post(writeMsg{applyReq{seg: seg.Ref, code: id, path: code.Path}})
	return nil
}

// apply puts a code on the whole current segment (the picker applies; it
// never toggles off).
func (s *codingScreen) apply(id coding.CodeID) tea.Cmd {
	seg := s.list.current()
	p := s.c.proj
	code, ok := p.book.Code(id)
	if seg == nil || !ok {
		return nil
	}
	for _, c := range seg.Codings {
		if c.Code == id && p.mine(c.Coder) && c.Span.Whole() {
			s.c.say(code.Path+" is already on this segment", statusInfo)
			return nil
		}
	}
	s.c.post(writeMsg{applyReq{seg: seg.Ref, code: id, path: code.Path}})
	return nil
}

// applySpan codes the selected passage with a code.
func (s *codingScreen) applySpan(id coding.CodeID) tea.Cmd {
	seg := s.list.current()
	sp, ok := s.list.cur.takeSpan(seg)
	code, known := s.c.proj.book.Code(id)
	if !ok || !known {
		return nil
	}
	s.c.post(writeMsg{applyReq{seg: seg.Ref, code: id, path: code.Path, span: sp, quote: excerpt(seg.Text, sp, 30)}})
	return nil
}

// createAndApply adds a code at path and applies it to the current segment
// (or passage).
func (s *codingScreen) createAndApply(path string) tea.Cmd {
	seg := s.list.current()
	if seg == nil {
		return nil
	}
	var span coding.Span
	if s.list.cur.span != nil {
		span, _ = s.list.cur.takeSpan(seg)
	}
	s.c.post(writeMsg{createReq{seg: seg.Ref, path: path, span: span}})
	return nil
}

// toggleMark is the x key: "reviewed, nothing applies", or not.
func (s *codingScreen) toggleMark() {
	seg := s.list.current()
	if seg == nil {
		return
	}
	p := s.c.proj
	if p.hasMine(seg) {
		s.c.say("x is for “nothing applies”: you coded this segment", statusInfo)
		return
	}
	s.c.post(writeMsg{markReq{seg: seg.Ref, on: !p.myMark(seg)}})
}

// codingLabel names one of the coder's codings in a chooser.
func codingLabel(book *coding.Codebook, seg *coding.Segment, c coding.Coding) string {
	code, _ := book.Code(c.Code)
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
func (s *codingScreen) star(choose bool) {
	seg := s.list.current()
	if seg == nil {
		return
	}
	cs := s.c.proj.myCodings(seg)
	if len(cs) == 0 {
		s.c.say("a quote is a coding: code this segment first (a digit or c)", statusInfo)
		return
	}
	if len(cs) == 1 || !choose {
		s.c.post(writeMsg{stars(seg, cs)})
		return
	}
	items := []choice{{fmt.Sprintf("all %d codings", len(cs)), writeMsg{stars(seg, cs)}}}
	for i, c := range cs {
		items = append(items, choice{codingLabel(s.c.proj.book, seg, c), writeMsg{stars(seg, cs[i:i+1])}})
	}
	s.c.post(openMsg{newChooser(s.c, "Star which coding as a quote?", items)})
}

// stars stars the codings unless all are starred, then it unstars them.
func stars(seg *coding.Segment, cs []coding.Coding) starReq {
	r := starReq{seg: seg.Ref, keys: make([]coding.CodingKey, len(cs))}
	for i, c := range cs {
		r.on = r.on || !c.Starred
		r.keys[i] = c.CodingKey
	}
	return r
}

// memo asks what the memo is on (memoMenu): the coder's coding, the
// segment, its participant, its source, a code, or the journal.
func (s *codingScreen) memo() { memoMenu(s.c, s.list.current()) }
