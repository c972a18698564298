package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
	"qcode/corpus/printable"
)

// suggestions are the coding screen's suggested codes for the segment
// under the cursor, learnt from the coder's own codings only (blind coding:
// coding.Suggester never reads another coder's). The model is trained in
// a command when the screen opens and follows each saved action
// (LearnAction, in a command); each segment's suggestions are asked in a
// command too, so the screen never waits for them. Nothing is applied
// without a key: t takes the first, a digit any numbered one.
type suggestions struct {
	c   common
	g   *coding.Suggester // nil until trained (or when it cannot be: consensus)
	off bool              // benchmarks measure the screen without them

	asked coding.SegRef // the segment last asked about
	seq   int           // requests made; an answer older than the one shown is dropped
	shown int           // the seq of the answer shown
	ref   coding.SegRef // the segment list is for
	list  []coding.CodeSuggestion
}

// suggestTop is how many codes the screen suggests.
const suggestTop = 3

// suggestFrom is how many segments the coder must have coded (or marked)
// before the screen suggests anything: with none, the model knows only the
// codebook's words, and a suggestion from a word in a description ("keep"
// → Keeping up to date) is noise a coder learns to ignore.
const suggestFrom = 3

type (
	trainedMsg struct {
		g   *coding.Suggester
		err error
	}
	suggestedMsg struct {
		seq  int
		ref  coding.SegRef
		list []coding.CodeSuggestion
		err  error
	}
)

// train learns the coder's codings, in a command. Consensus is derived
// from the coders' work, not anyone's own: it gets no suggestions.
func (sg *suggestions) train() tea.Cmd {
	s, who := sg.c.store, sg.c.proj.who
	if who == coding.Consensus || sg.off {
		return nil
	}
	return func() tea.Msg {
		g, err := s.TrainSuggester(who)
		return trainedMsg{g, err}
	}
}

// ask scores a segment in a command; learn first has the model follow a
// saved action (nil: nothing to learn).
func (sg *suggestions) ask(ref coding.SegRef, learn *coding.ActionResult) tea.Cmd {
	if sg.g == nil || ref == 0 {
		return nil
	}
	sg.seq++
	sg.asked = ref
	g, s, seq := sg.g, sg.c.store, sg.seq
	return func() tea.Msg {
		if learn != nil {
			if err := g.LearnAction(s, *learn); err != nil {
				return suggestedMsg{seq: seq, ref: ref, err: err}
			}
		}
		out, err := g.Suggest(s, []coding.SegRef{ref}, suggestTop)
		msg := suggestedMsg{seq: seq, ref: ref, err: err}
		if err == nil && len(out) == 1 {
			msg.list = out[0].Suggestions
		}
		return msg
	}
}

// update follows the store's answers and the cursor: cur is the segment
// under it. It returns the command that asks for new suggestions, if any.
func (sg *suggestions) update(msg tea.Msg, cur coding.SegRef) tea.Cmd {
	switch msg := msg.(type) {
	case trainedMsg:
		if msg.err != nil {
			sg.c.say("no suggestions: "+msg.err.Error(), statusError)
			return nil
		}
		sg.g = msg.g
		return sg.ask(cur, nil)
	case suggestedMsg:
		if msg.err == nil && msg.seq > sg.shown {
			sg.shown, sg.ref, sg.list = msg.seq, msg.ref, msg.list
		}
		return nil
	case writeDoneMsg:
		if msg.err == nil && msg.res.Seq != 0 && sg.g != nil {
			res := msg.res.ActionResult
			return sg.ask(cur, &res)
		}
	}
	if cur != sg.asked {
		return sg.ask(cur, nil)
	}
	return nil
}

// first is the best suggestion for seg, if one is shown for it.
func (sg *suggestions) first(seg *coding.Segment) (coding.CodeSuggestion, bool) {
	l := sg.forSeg(seg)
	if len(l) == 0 {
		return coding.CodeSuggestion{}, false
	}
	return l[0], true
}

// forSeg are the suggestions shown for seg: only on a segment the coder
// has not reviewed (as the screen shows it, queued actions included).
func (sg *suggestions) forSeg(seg *coding.Segment) []coding.CodeSuggestion {
	if seg == nil || seg.Ref != sg.ref || sg.g == nil || sg.c.proj.reviewedOnScreen(seg.Ref) || !sg.learnt() {
		return nil
	}
	return sg.list
}

// learnt tells whether the model has learnt enough of the coder's own
// work to suggest (suggestFrom segments).
func (sg *suggestions) learnt() bool { return sg.g != nil && sg.g.Segments() >= suggestFrom }

// hint is the dim line under an uncoded segment: each suggested code with
// the digit that applies it, when the panel numbers it.
func (sg *suggestions) hint(seg *coding.Segment, panel *codebookPanel) string {
	l := sg.forSeg(seg)
	if len(l) == 0 {
		return ""
	}
	rows := panel.rows()
	rows = rows[:min(len(rows), 10)] // the digits 1–9, 0
	var parts []string
	for _, s := range l {
		code, ok := sg.c.proj.book.Code(s.Code)
		if !ok {
			continue
		}
		label := printable.String(code.Name)
		for i, r := range rows {
			if r.code.ID == code.ID {
				label = fmt.Sprintf("%d %s", (i+1)%10, label)
				break
			}
		}
		parts = append(parts, label)
	}
	if len(parts) == 0 {
		return ""
	}
	return "suggested (t takes the first): " + strings.Join(parts, " · ")
}

// newSimilar lists the segments of the current one's source most like it
// (coding.Store.Similar: the cosine of their words' tf-idf weights), in a
// command.
func newSimilar(c common, at shown) (component, tea.Cmd) {
	if at.seg == nil {
		c.say("no segment to compare", statusInfo)
		return nil, nil
	}
	s, ref := c.store, at.seg.Ref
	return newPassageList(c, "most like "+printable.String(at.seg.ID), nil, false, func() (passagesFound, error) {
		sim, err := s.Similar(ref, similarTop)
		found := passagesFound{notes: map[coding.SegRef]string{}}
		for _, x := range sim {
			found.refs = append(found.refs, x.Ref)
			found.notes[x.Ref] = fmt.Sprintf("%.0f %% alike", x.Similarity*100)
		}
		found.total = len(found.refs)
		return found, err
	})
}

// similarTop is how many segments the similar list shows.
const similarTop = 20
