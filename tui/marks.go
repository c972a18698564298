package tui

import (
	"fmt"
	"slices"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// Review marks: x marks the current segment "reviewed, nothing applies"
// (or takes the mark away), so that agreement counts it as a segment the
// coder saw. It goes through the write queue like a coding: shown at once
// as a hollow ◌ chip, saved by a command, undone with u.

// markLabel is how a review mark reads on a chip and in the status line.
const markLabel = "reviewed, nothing applies"

// myMark tells whether the coder's own mark is on the segment.
func (m *Model) myMark(seg *coding.Segment) bool {
	return m.coder != 0 && slices.ContainsFunc(seg.Marks, func(k coding.Mark) bool { return k.Coder == m.coder })
}

// toggleMark is the x key.
func (m *Model) toggleMark() tea.Cmd {
	seg := m.current()
	if seg == nil {
		return nil
	}
	if m.coder != 0 && hasMine(seg.Codings, m.coder) {
		m.status.set("x is for “nothing applies”: you coded this segment", statusInfo)
		return nil
	}
	before := *seg
	before.Marks = slices.Clone(seg.Marks)
	on := !m.myMark(seg)
	what := "× " + markLabel
	if on {
		seg.Marks = append(seg.Marks, coding.Mark{Seg: seg.Ref, Coder: m.coder, CoderName: m.opts.Coder})
	} else {
		what = "− " + markLabel
		seg.Marks = slices.DeleteFunc(seg.Marks, func(k coding.Mark) bool { return k.Coder == m.coder })
	}
	coder, ref := m.opts.Coder, seg.Ref
	return m.enqueue(write{
		pending: what,
		seg:     ref,
		mark:    true,
		do: func(s *coding.Store) (coding.ActionResult, error) {
			r, err := s.SetReviewed(coder, ref, on)
			if err == nil && r.Seq != 0 {
				r.Desc = what
			}
			return r, err
		},
		undo: func() { m.cache[ref] = &before },
	})
}

// markReviewed keeps the coder's marked set in step with a segment's marks,
// as the store holds them.
func (m *Model) markReviewed(seg *coding.Segment) {
	mine := m.myMark(seg)
	if m.marked.Has(seg.Ref) != mine {
		m.marked.Set(seg.Ref, mine)
	}
}

// reviewedOnScreen tells whether the screen shows the segment reviewed by
// the coder (coded, or marked), counting the actions queued on it.
func (m *Model) reviewedOnScreen(r coding.SegRef) bool {
	if seg := m.cache[r]; seg != nil && m.queued[r] > 0 {
		return hasMine(seg.Codings, m.coder) || m.myMark(seg)
	}
	return m.coded.Has(r) || m.marked.Has(r)
}

// markChips draws the review marks shown on a segment: the coder's own
// (hollow ◌ while its action is queued) and, with every coder shown, the
// others', each naming its coder.
func (m *Model) markChips(seg *coding.Segment, width int) []string {
	var chips []string
	for _, k := range seg.Marks {
		label := "× " + markLabel
		if k.Coder != m.coder || m.showAll {
			label = k.CoderName + ": " + label
		}
		if k.Coder == m.coder && m.markShowing[seg.Ref] > 0 {
			chips = append(chips, m.st.chipQueued(ansi.Truncate("◌ "+label, width-2, "…"), ""))
			continue
		}
		chips = append(chips, m.st.chip(ansi.Truncate(label, width-2, "…"), ""))
	}
	return chips
}

// sampleProgress counts the listed segments the coder has reviewed, for
// "sample NAME: reviewed N/M" while a sample filter is on (the list is the
// sample then, so M is its size).
func (m *Model) sampleProgress() {
	m.sampleDone = 0
	if m.query.Sample == "" {
		return
	}
	for _, r := range m.refs {
		if m.coded.Has(r) || m.marked.Has(r) {
			m.sampleDone++
		}
	}
}

// samplesMsg brings the project's samples for the filter menu and the
// agreement view's picker.
type samplesMsg struct {
	list  []coding.Sample
	err   error
	asker string // "filter" or "agree": who asked
}

func samplesCmd(s *coding.Store, who string) tea.Cmd {
	return func() tea.Msg {
		list, err := s.SampleList()
		return samplesMsg{list: list, err: err, asker: who}
	}
}

// samplesLoaded hands the samples to whoever asked, if still open.
func (m *Model) samplesLoaded(msg samplesMsg) {
	switch v := m.overlay.(type) {
	case *filterMenu:
		if msg.asker != "filter" {
			return
		}
		v.loading = false
		if msg.err != nil {
			v.err = msg.err
			return
		}
		if len(msg.list) == 0 {
			m.status.set("no samples yet: the team lead makes one with qcode sample NAME --size 10%", statusInfo)
			m.overlay = nil
			return
		}
		list := msg.list
		m.overlay = &chooser{title: "Show only the segments of sample…", items: sampleItems(list), choose: func(m *Model, i int) tea.Cmd {
			return m.setFilter(coding.SegmentQuery{Sample: list[i].Name}, "sample "+list[i].Name)
		}}
	case *agreeView:
		if msg.asker != "agree" {
			return
		}
		if msg.err != nil {
			v.err = msg.err
			return
		}
		list := msg.list
		items := append([]string{"no sample: the segments every compared coder reviewed"}, sampleItems(list)...)
		m.overlay = &chooser{title: "Compute agreement on…", items: items, choose: func(m *Model, i int) tea.Cmd {
			m.overlay = v
			v.sample, v.units = "", coding.UnitsReviewed
			if i > 0 {
				v.sample = list[i-1].Name
			}
			return v.load(m)
		}}
	}
}

func sampleItems(list []coding.Sample) []string {
	items := make([]string, len(list))
	for i, sm := range list {
		items[i] = fmt.Sprintf("%s (%d segments)", sm.Name, sm.Segments)
	}
	return items
}
