package tui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
	"qcode/corpus/printable"
)

// Everything that touches the store runs in a tea.Cmd and answers with one of
// these messages; Update only folds them into state.

// loadedMsg is the project as the screen needs it: on start, after a filter,
// and after undo or an edit that may have changed anything.
type loadedMsg struct {
	book   *coding.Codebook
	refs   []coding.SegRef // the segments the list shows
	total  int             // segments in the project
	coded  coding.RefSet   // segments the visible coders have coded
	marked coding.RefSet   // segments the coder marked "reviewed, nothing applies"
	counts []coding.CodeCount
	coder  coding.CoderID // 0 until the coder's first action
	keep   coding.SegRef  // segment to keep the cursor on, if still listed
	// now is the segment the cursor is on when the answer is folded in: the
	// user may have moved while it was read, and stays where they are.
	now coding.SegRef
	gen int // the write generation the read started in
	err error
}

// windowMsg brings segments for the cache around the cursor.
type windowMsg struct {
	segs []coding.Segment
	gen  int // the write generation the read started in
	err  error
}

// searchMsg lists the segments (of the current list) whose text matches.
type searchMsg struct {
	query string
	refs  []coding.SegRef
	err   error
}

// visibleCoders are the coders whose codings the screen shows: only the
// coder's own (blind coding), or everyone's.
func visibleCoders(s *coding.Store, coder string, all bool) []coding.CoderID {
	if all {
		return nil
	}
	if id, ok := s.CoderID(coder); ok {
		return []coding.CoderID{id}
	}
	return []coding.CoderID{0} // no codings yet: show none
}

// loadCmd reads everything the screen starts from.
func loadCmd(s *coding.Store, coder string, all bool, q coding.SegmentQuery, keep coding.SegRef, gen int) tea.Cmd {
	return func() tea.Msg {
		msg := loadedMsg{book: s.Codebook(), keep: keep, gen: gen}
		msg.coder, _ = s.CoderID(coder)
		if keep == 0 { // first load: reopen where the coder was reading
			var ok bool
			if msg.keep, ok = s.Place(coder); !ok {
				msg.keep, _ = s.LastSegment(coder) // no place yet: where they last acted
			}
		}
		mine := visibleCoders(s, coder, false)
		if msg.refs, msg.err = s.SegmentRefs(q); msg.err != nil {
			return msg
		}
		if q.IsZero() {
			msg.total = len(msg.refs)
		} else {
			all, err := s.SegmentRefs(coding.SegmentQuery{})
			if err != nil {
				msg.err = err
				return msg
			}
			msg.total = len(all)
		}
		if msg.coded, msg.err = s.Coded(mine); msg.err != nil {
			return msg
		}
		if msg.marked, msg.err = s.Marked(coder); msg.err != nil {
			return msg
		}
		msg.counts, msg.err = s.Counts()
		return msg
	}
}

// windowCmd loads segments into the cache.
func windowCmd(s *coding.Store, coders []coding.CoderID, refs []coding.SegRef, gen int) tea.Cmd {
	refs = slices.Clone(refs)
	return func() tea.Msg {
		segs, err := s.Load(refs, coders)
		return windowMsg{segs: printableSegments(segs), gen: gen, err: err}
	}
}

// searchCmd finds matches among refs.
func searchCmd(s *coding.Store, q coding.SegmentQuery, query string, within []coding.SegRef) tea.Cmd {
	return func() tea.Msg {
		q.Text = query
		hits, err := s.SegmentRefs(q)
		if err != nil {
			return searchMsg{query: query, err: err}
		}
		// Keep the list's order and only what the list shows.
		in := make(map[coding.SegRef]bool, len(hits))
		for _, r := range hits {
			in[r] = true
		}
		var out []coding.SegRef
		for _, r := range within {
			if in[r] {
				out = append(out, r)
			}
		}
		return searchMsg{query: query, refs: out}
	}
}

// printableSegments makes what the screen shows of segments safe for the
// terminal (lipgloss passes escape sequences through): text, ID, source,
// case, attributes and memos, with each control character as a visible
// stand-in. One rune becomes one rune, so coded spans, search matches and
// span selection keep their offsets.
func printableSegments(segs []coding.Segment) []coding.Segment {
	for i := range segs {
		seg := &segs[i]
		seg.ID, seg.Source, seg.Case = printable.String(seg.ID), printable.String(seg.Source), printable.String(seg.Case)
		seg.Text = printable.String(seg.Text)
		for j := range seg.Attributes {
			a := &seg.Attributes[j]
			a.Name, a.Value = printable.String(a.Name), printable.String(a.Value)
		}
		for j := range seg.Codings {
			seg.Codings[j].Memo = printable.String(seg.Codings[j].Memo)
		}
	}
	return segs
}

// loaded folds the list in: on start, after a filter, and after anything
// that may have changed what it lists.
func (m *Model) loaded(msg loadedMsg) tea.Cmd {
	p := m.c.proj
	if msg.err != nil {
		m.status.set("could not load the project: "+msg.err.Error(), statusError)
		return nil
	}
	msg.now = 0
	if p.ready {
		// The user may have moved while this was read: stay where they are
		// now, not where they were when the read was asked for.
		msg.now = m.screen.list.currentRef()
	}
	if msg.gen != p.gen { // a write landed while this was read: read again
		keep := msg.keep
		if msg.now != 0 {
			keep = msg.now
		}
		return m.load(keep)
	}
	first := !p.ready
	p.ready = true
	p.book, p.counts, p.coder, p.total = msg.book, msg.counts, msg.coder, msg.total
	p.coded, p.ncoded, p.marked = msg.coded, msg.coded.Len(), msg.marked
	p.segs = map[coding.SegRef]*coding.Segment{}
	p.asked = map[coding.SegRef]bool{}
	if first {
		m.status.set(plural(m.c.proj.total, "segment", "segments")+" · press ? for help", statusInfo)
		if p.total == 0 {
			m.status.set("no segments yet: import some with `qcode import FILE`", statusInfo)
		}
		if p.readOnly != "" {
			m.status.set("read-only ("+p.readOnly+"): you can read and report, not code", statusError)
		}
	}
	cmd := m.broadcast(msg)
	if first {
		m.place.saved = m.screen.list.currentRef() // where it opened: nothing to save yet
	}
	return cmd
}

// windowLoaded folds segments read for the list's window into the cache.
func (m *Model) windowLoaded(msg windowMsg) {
	p := m.c.proj
	if msg.err != nil {
		m.status.set("could not read segments: "+msg.err.Error(), statusError)
		return
	}
	for i := range msg.segs {
		seg := msg.segs[i]
		delete(p.asked, seg.Ref)
		if msg.gen != p.gen || p.queued[seg.Ref] > 0 {
			continue // possibly older than what the screen shows: prefetch asks again
		}
		p.segs[seg.Ref] = &seg
	}
	m.screen.list.trim()
}
