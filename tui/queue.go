package tui

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// The write queue is the router's: every action reaches the store through
// it, in the order it was asked for, one at a time. An action is shown at
// once (its codings drawn hollow, marked ◌, until saved), sent to a command
// that runs it, and folded back in when the store answers: a failed one is
// rolled back and drops the actions queued after it, with a count.

// write is a request in the queue, with what the screen needs to show it
// queued and to take it back.
type write struct {
	req     request
	pending string             // the action in words, naming its segment
	seg     coding.SegRef      // segment to refresh afterwards (0: none)
	on      string             // that segment's ID, named in the status line
	shows   []coding.CodingKey // codings shown applied or changed before the store has them
	mark    bool               // the coder's review mark is shown changed before the store has it
	before  *coding.Segment    // the segment as it was shown before: put back if the store cannot be read
	// also are the other loaded segments an action on many (coding every
	// match) shows changed, with how each was shown before.
	also       []coding.SegRef
	alsoBefore []*coding.Segment
	// from is the segment the cursor was on when the action was asked for:
	// an undo jumps to what it changed only if the user has not moved on.
	from coding.SegRef
}

// writeDoneMsg is the store's answer to a write, with fresh copies of what
// it changed. Every component gets it (the agreement view learns how its
// settlement ended, the report's quote list its star).
type writeDoneMsg struct {
	w      write
	res    outcome
	err    error
	segs   []coding.Segment
	counts []coding.CodeCount
	book   *coding.Codebook
	coder  coding.CoderID
}

// droppedMsg tells the components that queued writes were dropped after a
// failed one.
type droppedMsg struct{ writes []write }

// enqueue shows a request at once and queues it; the first runs at once.
func (m *Model) enqueue(r request) tea.Cmd {
	p := m.c.proj
	w := write{req: r, seg: segment(r), from: m.screen.list.currentRef()}
	w.pending = r.words()
	if seg := p.segs[w.seg]; seg != nil {
		w.on = seg.ID
		w.pending = onSegment(w.pending, seg.ID)
		w.before = cloneSegment(seg)
		w.shows, w.mark = m.show(seg, r)
	}
	if many, ok := r.(codeAllReq); ok {
		m.showMany(&w, many)
	}
	m.status.set(w.pending, statusPending) // the status line adds "· N saving…"
	if w.seg != 0 {
		p.queued[w.seg]++
	}
	for _, ref := range w.also {
		p.queued[ref]++
	}
	for _, k := range w.shows {
		p.showing[keyOf(k)]++
	}
	if w.mark {
		p.markShowing[w.seg]++
	}
	if m.writing {
		m.writes = append(m.writes, w)
		return nil
	}
	return m.send(w)
}

// show changes the cached segment as the action will: the store gets the
// intent the screen showed (apply, or remove), never a toggle, so that an
// action queued behind another acts on what the user saw. It tells which
// codings (and whether the review mark) are now shown before the store has
// them.
func (m *Model) show(seg *coding.Segment, r request) (shows []coding.CodingKey, mark bool) {
	p := m.c.proj
	switch r := r.(type) {
	case applyReq:
		// An exclusive group's other levels go from the passages this one
		// overlaps (the whole segment overlaps every passage), as the store
		// will do.
		if g, ok := p.book.ExclusiveGroupOf(r.code); ok {
			seg.Codings = slices.DeleteFunc(seg.Codings, func(c coding.Coding) bool {
				parent, _ := p.book.Code(c.Code)
				return p.mine(c.Coder) && parent.Parent == g.ID && c.Code != r.code && c.Span.Overlaps(r.span)
			})
		}
		k := coding.CodingKey{Seg: seg.Ref, Code: r.code, Coder: p.coder, Span: r.span}
		seg.Codings = append(seg.Codings, coding.Coding{CodingKey: k, CoderName: p.who})
		// Coded now: the store takes the coder's review mark away.
		seg.Marks = slices.DeleteFunc(seg.Marks, func(k coding.Mark) bool { return p.mine(k.Coder) })
		return []coding.CodingKey{k}, false
	case removeReq:
		seg.Codings = slices.DeleteFunc(seg.Codings, func(c coding.Coding) bool { return p.mine(c.Coder) && c.Code == r.code })
	case markReq:
		seg.Marks = slices.DeleteFunc(seg.Marks, func(k coding.Mark) bool { return p.mine(k.Coder) })
		if r.on {
			seg.Marks = append(seg.Marks, coding.Mark{Seg: seg.Ref, Coder: p.coder, CoderName: p.who})
		}
		return nil, true
	case starReq:
		if r.quote != "" {
			return nil, false // the report's list shows it once saved
		}
		for i := range seg.Codings {
			if slices.Contains(r.keys, seg.Codings[i].CodingKey) {
				seg.Codings[i].Starred = r.on
			}
		}
		return r.keys, false
	case memoReq:
		for i := range seg.Codings {
			if seg.Codings[i].CodingKey == r.key {
				seg.Codings[i].Memo = r.text
			}
		}
		return []coding.CodingKey{r.key}, false
	}
	return nil, false
}

// showMany shows coding every match on the segments loaded among those it
// codes (the others are drawn when they load, from the store): each
// gets the code hollow ◌, unless the coder has it there already. The
// cache is small and the refs sorted, so this never walks a million refs.
func (m *Model) showMany(w *write, r codeAllReq) {
	p := m.c.proj
	for ref, seg := range p.segs {
		if _, in := slices.BinarySearch(r.refs, ref); !in || slices.ContainsFunc(seg.Codings, func(c coding.Coding) bool {
			return p.mine(c.Coder) && c.Code == r.code
		}) {
			continue
		}
		w.also = append(w.also, ref)
		w.alsoBefore = append(w.alsoBefore, cloneSegment(seg))
		shows, _ := m.show(seg, applyReq{seg: ref, code: r.code, path: r.path})
		w.shows = append(w.shows, shows...)
	}
}

func cloneSegment(seg *coding.Segment) *coding.Segment {
	c := *seg
	c.Codings = slices.Clone(seg.Codings)
	c.Marks = slices.Clone(seg.Marks)
	return &c
}

// onSegment names the segment an action was made on, so that "saved" can
// never be read as belonging to an older action of the same name.
func onSegment(what, id string) string {
	if id == "" || strings.HasSuffix(what, " on "+id) {
		return what
	}
	return what + " on " + id
}

// send hands a write to a command that runs it.
func (m *Model) send(w write) tea.Cmd {
	m.writing, m.inFlight = true, w
	m.flight.sent()
	return writeCmd(m.c.store, m.c.proj.who, m.c.proj.showAll, m.c.opts.WriteGate, m.c.opts.Saved, m.flight, w)
}

// writeCmd runs a write and reads back what it changed.
func writeCmd(s *coding.Store, coder string, all bool, gate, onSaved func(), f *flight, w write) tea.Cmd {
	return func() tea.Msg {
		if !f.start() {
			return nil // the program has ended: Run counts this write as not saved
		}
		// Run may be waiting to close the store: tell it only when done with
		// it, and even if the write panics.
		saved := false
		defer func() { f.finish(saved) }()
		if gate != nil {
			gate()
		}
		msg := writeDoneMsg{w: w}
		msg.res, msg.err = perform(s, coder, w.req)
		saved = msg.err == nil
		if saved && onSaved != nil {
			// Counted when the store answers, not when the screen folds
			// the answer in: a screen whose client is gone never does.
			onSaved()
		}
		msg.coder, _ = s.CoderID(coder)
		refs := slices.Clone(msg.res.Segments)
		for _, r := range append([]coding.SegRef{w.seg}, w.also...) {
			if r != 0 && !slices.Contains(refs, r) {
				refs = append(refs, r)
			}
		}
		// Read back even after an error: the screen must show what the store
		// holds, not what it hoped for.
		if segs, err := s.Load(refs, visibleCoders(s, coder, all)); err == nil {
			msg.segs = printableSegments(segs)
		}
		msg.counts, _ = s.Counts()
		if changesBook(w.req) {
			msg.book = s.Codebook()
		}
		return msg
	}
}

// writeDone folds the store's answer in, and sends the next write (or
// quits, when quitting waited for the queue).
func (m *Model) writeDone(msg writeDoneMsg) tea.Cmd {
	p := m.c.proj
	m.writing = false
	p.gen++
	m.unqueue(msg.w)
	var cmds []tea.Cmd
	if msg.coder != 0 && msg.coder != p.coder {
		p.coder = msg.coder
		adoptCoder(p)
	}
	if msg.book != nil {
		p.book = msg.book
	}
	if msg.counts != nil {
		p.counts = msg.counts
	}
	if msg.err != nil && len(msg.segs) == 0 { // the store could not even be read: show what was there before
		if msg.w.before != nil {
			p.segs[msg.w.seg] = msg.w.before
		}
		for i, r := range msg.w.also {
			p.segs[r] = msg.w.alsoBefore[i]
		}
	}
	for i := range msg.segs {
		seg := msg.segs[i]
		markCoded(p, &seg) // what the store holds, queued actions or not
		markReviewed(p, &seg)
		if p.queued[seg.Ref] > 0 && msg.err == nil {
			continue // later actions on it are queued: keep showing them
		}
		p.segs[seg.Ref] = &seg
	}
	if msg.err == nil {
		m.wrote = true // the watch tells this screen's writes from others'
	}
	var dropped []write
	switch {
	case msg.err != nil:
		m.status.set(errorText(msg.w.pending, msg.err), statusError)
		// Queued writes were made on top of what failed: drop them, and say so.
		dropped, m.writes = m.writes, nil
		if n := len(dropped); n > 0 {
			for _, w := range dropped {
				m.unqueue(w)
			}
			m.status.set(fmt.Sprintf("%s (and %s not saved)", errorText(msg.w.pending, msg.err), plural(n, "later action", "later actions")), statusError)
			cmds = append(cmds, m.reload())
		}
	case msg.res.Desc != "":
		text := onSegment(msg.res.Desc, msg.w.on)
		if msg.res.Seq == 0 {
			text += " · nothing changed"
		} else {
			text = "saved " + text
		}
		if len(msg.res.Notes) > 0 {
			text += " · " + strings.Join(msg.res.Notes, " · ")
		}
		m.status.set(text, statusOK)
	}
	cmds = append(cmds, m.broadcast(msg))
	if len(dropped) > 0 {
		cmds = append(cmds, m.broadcast(droppedMsg{dropped}))
	}
	if msg.err != nil {
		if m.quit.signal {
			// Nobody may be left to read the error: quit, and let Run count.
			m.lost += 1 + len(dropped)
			return tea.Batch(append(cmds, tea.Quit)...)
		}
		m.quit = quitState{} // stay, so the error is read
		return tea.Batch(cmds...)
	}
	if _, ok := msg.w.req.(codebookReq); ok || len(msg.res.Segments) >= 64 {
		cmds = append(cmds, m.reload())
	}
	switch {
	case m.quit.abandons(): // quitting without the queue: send nothing more
	case len(m.writes) > 0:
		next := m.writes[0]
		m.writes = m.writes[1:]
		cmds = append(cmds, m.send(next))
	case m.quit.asked():
		cmds = append(cmds, tea.Quit)
	}
	return tea.Batch(cmds...)
}

// unqueue forgets a write that has been answered or dropped.
func (m *Model) unqueue(w write) {
	p := m.c.proj
	for _, r := range append([]coding.SegRef{w.seg}, w.also...) {
		if r != 0 && p.queued[r] > 0 {
			if p.queued[r]--; p.queued[r] == 0 {
				delete(p.queued, r)
			}
		}
	}
	for _, k := range w.shows {
		if p.showing[keyOf(k)]--; p.showing[keyOf(k)] <= 0 {
			delete(p.showing, keyOf(k))
		}
	}
	if w.mark {
		if p.markShowing[w.seg]--; p.markShowing[w.seg] <= 0 {
			delete(p.markShowing, w.seg)
		}
	}
}

// adoptCoder gives the coder's ID, known since the store answered the
// coder's first action, to the codings shown before it was known: they are
// the coder's own, and a digit pressed on one must remove it.
func adoptCoder(p *project) {
	for _, seg := range p.segs {
		for i := range seg.Codings {
			if seg.Codings[i].Coder == 0 {
				seg.Codings[i].Coder = p.coder
			}
		}
		for i := range seg.Marks {
			if seg.Marks[i].Coder == 0 {
				seg.Marks[i].Coder = p.coder
			}
		}
	}
}

// markCoded keeps the coder's coded set in step with a segment's codings.
func markCoded(p *project, seg *coding.Segment) {
	mine := p.hasMine(seg)
	if p.coded.Has(seg.Ref) != mine {
		p.coded.Set(seg.Ref, mine)
		if mine {
			p.ncoded++
		} else {
			p.ncoded--
		}
	}
}

// markReviewed keeps the coder's marked set in step with a segment's marks,
// as the store holds them.
func markReviewed(p *project, seg *coding.Segment) {
	if mine := p.myMark(seg); p.marked.Has(seg.Ref) != mine {
		p.marked.Set(seg.Ref, mine)
	}
}

func errorText(what string, err error) string {
	return "not saved: " + what + ": " + err.Error()
}
