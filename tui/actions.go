package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// The coding screen's actions on the current segment. Each decides the
// intent from what the screen shows (apply or remove, mark or unmark) and
// posts it as a request; the write queue shows it at once and saves it.
// The actions on a segment are functions of the segment, so that every
// view that shows a current segment (the list, the document view) acts
// alike.

// toggleNumbered toggles the code numbered n in the panel (or the legend),
// or codes the passage being selected with it.
func (s *codingScreen) toggleNumbered(n int) tea.Cmd {
	code, ok := numberedCode(s.c, s.panel, n)
	if !ok {
		return nil
	}
	if s.list.cur.span != nil {
		return s.applySpan(code.ID, digitName(n))
	}
	toggleCode(s.c, s.list.current(), code.ID, digitName(n))
	return nil
}

// numberedCode is the code the digit n stands for in the panel (or the
// legend); without one, the status line says so.
func numberedCode(c common, p *codebookPanel, n int) (coding.Code, bool) {
	r, ok := p.numbered(n)
	if !ok {
		c.say(fmt.Sprintf("no code numbered %d here", n%10), statusInfo)
	}
	return r.code, ok
}

// digitName is the key of the digit n (1–9, 10 for 0).
func digitName(n int) string { return fmt.Sprint(n % 10) }

// toggle applies or removes a code on the current segment (a passage being
// selected is coded with it).
func (s *codingScreen) toggle(id coding.CodeID) tea.Cmd {
	if s.list.cur.span != nil {
		return s.applySpan(id, "")
	}
	toggleCode(s.c, s.list.current(), id, "")
	return nil
}

// toggleCode applies a code to the whole of seg, or removes the coder's
// codings of it there (digit: the key that asked, "" for none).
func toggleCode(c common, seg *coding.Segment, id coding.CodeID, digit string) {
	p := c.proj
	code, ok := p.book.Code(id)
	if seg == nil || !ok {
		return
	}
	for _, cd := range seg.Codings {
		if p.mine(cd.Coder) && cd.Code == id {
			c.post(writeMsg{removeReq{seg: seg.Ref, code: id, path: code.Path, digit: digit}})
			return
		}
	}
	c.post(writeMsg{applyReq{seg: seg.Ref, code: id, path: code.Path, digit: digit}})
}

// apply puts a code on the whole current segment (the picker applies; it
// never toggles off).
func (s *codingScreen) apply(id coding.CodeID) tea.Cmd {
	applyCode(s.c, s.list.current(), id)
	return nil
}

// applyCode puts a code on the whole of seg, unless the coder has it
// there.
func applyCode(c common, seg *coding.Segment, id coding.CodeID) {
	p := c.proj
	code, ok := p.book.Code(id)
	if seg == nil || !ok {
		return
	}
	for _, cd := range seg.Codings {
		if cd.Code == id && p.mine(cd.Coder) && cd.Span.Whole() {
			c.say(code.Path+" is already on this segment", statusInfo)
			return
		}
	}
	c.post(writeMsg{applyReq{seg: seg.Ref, code: id, path: code.Path}})
}

// applySpan codes the selected passage with a code.
func (s *codingScreen) applySpan(id coding.CodeID, digit string) tea.Cmd {
	seg := s.list.current()
	sp, ok := s.list.cur.takeSpan(seg)
	code, known := s.c.proj.book.Code(id)
	if !ok || !known {
		return nil
	}
	s.c.post(writeMsg{applyReq{seg: seg.Ref, code: id, path: code.Path, span: sp, quote: excerpt(seg.Text, sp, 30), digit: digit}})
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
func (s *codingScreen) toggleMark() { toggleMark(s.c, s.list.current()) }

// toggleMark marks seg "reviewed, nothing applies", or takes the mark away.
func toggleMark(c common, seg *coding.Segment) {
	if seg == nil {
		return
	}
	p := c.proj
	if p.hasMine(seg) {
		c.say("x is for “nothing applies”: you coded this segment", statusInfo)
		return
	}
	c.post(writeMsg{markReq{seg: seg.Ref, on: !p.myMark(seg)}})
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
func (s *codingScreen) star(choose bool) { starCodings(s.c, s.list.current(), choose) }

// starCodings stars the coder's codings on seg (or, choose, asks which).
func starCodings(c common, seg *coding.Segment, choose bool) {
	if seg == nil {
		return
	}
	cs := c.proj.myCodings(seg)
	if len(cs) == 0 {
		c.say("a quote is a coding: code this segment first (a digit or c)", statusInfo)
		return
	}
	if len(cs) == 1 || !choose {
		c.post(writeMsg{stars(seg, cs)})
		return
	}
	items := []choice{{fmt.Sprintf("all %d codings", len(cs)), writeMsg{stars(seg, cs)}}}
	for i, cd := range cs {
		items = append(items, choice{codingLabel(c.proj.book, seg, cd), writeMsg{stars(seg, cs[i:i+1])}})
	}
	c.post(openMsg{newChooser(c, "Star which coding as a quote?", items)})
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

// take applies the first code suggested for the current segment, as a
// digit would: a key press, never done for the coder.
func (s *codingScreen) take() {
	seg := s.list.current()
	sg, ok := s.sugg.first(seg)
	switch {
	case !ok && s.sugg.g != nil && !s.sugg.learnt():
		s.c.say(fmt.Sprintf("no suggestions yet: they start once you have coded %d segments", suggestFrom), statusInfo)
		return
	case !ok:
		s.c.say("no suggestion here (suggestions show on segments you have not reviewed)", statusInfo)
		return
	}
	applyCode(s.c, seg, sg.Code)
}
