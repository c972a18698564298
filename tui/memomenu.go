package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// memoMenu is what m asks: a memo on which thing? The coder's coding of
// the segment (or one of them), the segment, its participant, its source,
// a code (picked), or a new entry in the project's journal. Each item
// opens the editor on the coder's own memo there. seg may be nil (nothing
// loaded yet): then only a code and the journal are offered. Any view that
// shows a segment can offer it (the document view's m too).
func memoMenu(c common, seg *coding.Segment) {
	c.post(openMsg{newChooser(c, "Memo on…", memoChoices(c, seg))})
}

// memoChoices are the memo menu's items. Their numbers never change (1
// the coding, 2 the segment, 3 the participant, 4 the source, 5 a code, 6
// the journal), so that m 2 is a habit: one that does not apply here says
// why when chosen.
func memoChoices(c common, seg *coding.Segment) []choice {
	why := func(text string) tea.Msg { return statusMsg{text, statusInfo} }
	items := []choice{
		{"your coding (none here)", why("a coding's memo: code this segment first")},
		{"this segment", why("no segment is shown")},
		{"its participant (none)", why("this segment has no participant")},
		{"its source", why("no segment is shown")},
		{"a code… (pick it)", why("the codebook is empty")},
		{"the project journal: a new entry", memoTargetMsg{coding.MemoTarget{Kind: coding.MemoProject}, "a new entry"}},
	}
	if len(c.proj.book.Codes()) > 0 {
		items[4].msg = openMsg{newPicker(c, pickMemo, "Memo on which code?")}
	}
	if seg == nil {
		return items
	}
	switch cs := c.proj.myCodings(seg); len(cs) {
	case 0:
	case 1:
		items[0] = choice{"your coding " + codingLabel(c.proj.book, seg, cs[0]), openMsg{newMemoEditor(c, seg, cs[0])}}
	default:
		sub := make([]choice, len(cs))
		for i, cd := range cs {
			sub[i] = choice{codingLabel(c.proj.book, seg, cd), openMsg{newMemoEditor(c, seg, cd)}}
		}
		items[0] = choice{fmt.Sprintf("one of your %d codings here…", len(cs)), openMsg{newChooser(c, "Memo on which coding?", sub)}}
	}
	items[1] = choice{"segment " + seg.ID, memoTargetMsg{coding.MemoTarget{Kind: coding.MemoSegment, Segment: seg.Ref}, "segment " + seg.ID}}
	if seg.CaseID != 0 && seg.Case != "" {
		items[2] = choice{"participant " + seg.Case, memoTargetMsg{coding.MemoTarget{Kind: coding.MemoCase, Case: seg.CaseID}, "participant " + seg.Case}}
	}
	items[3] = choice{"source " + seg.Source, memoTargetMsg{coding.MemoTarget{Kind: coding.MemoSource, Source: seg.SourceID}, "source " + seg.Source}}
	return items
}

// memoOnCode opens the editor on the coder's memo on a code picked from
// the memo menu.
func memoOnCode(c common, code coding.Code) tea.Cmd {
	return openMemo(c, coding.MemoTarget{Kind: coding.MemoCode, Code: code.ID}, "code "+code.Path)
}
