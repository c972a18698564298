package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/printable"
)

// Options configure the coding screen.
type Options struct {
	Coder      string // whose codings are made and (blind coding) shown
	ShowCoders bool   // show every coder's codings side by side
	Demo       bool   // say so in the status line

	// WriteGate, when set, runs before each write reaches the store. It is a
	// test hook that stands in for a slow or stalled disk; leave it nil.
	WriteGate func()
}

type focusArea int

const (
	focusSegments focusArea = iota
	focusCodebook
)

// overlay is a box drawn over the screen that takes the keys while open
// (picker, memo, help, filter, editor…).
type overlay interface {
	// update handles a key; done closes the overlay.
	update(m *Model, msg tea.KeyPressMsg) (done bool, cmd tea.Cmd)
	view(m *Model) string
}

// Model is the coding screen: the segment list with the current segment in
// full, the codebook panel and the status line.
type Model struct {
	store *coding.Store
	opts  Options
	keys  keyMap
	st    styles
	help  help.Model

	width, height int
	ready         bool // the first load has arrived

	book   *coding.Codebook
	query  coding.SegmentQuery // the active filter
	filter string              // the filter, in words, for the status line
	refs   []coding.SegRef     // the segments listed
	total  int
	cursor int
	scroll int // lines scrolled inside the current segment's text
	cache  map[coding.SegRef]*coding.Segment
	asked  map[coding.SegRef]bool // loads in flight
	coder  coding.CoderID
	coded  coding.RefSet // segments the coder has coded
	// readOnly: the project was opened read-only (a file the user may not
	// write): the status line says so from the first frame.
	readOnly string
	ncoded   int
	marked   coding.RefSet // segments the coder marked "reviewed, nothing applies"
	// sampleDone counts the listed segments the coder reviewed while a
	// sample filter is on ("sample NAME: reviewed N/M").
	sampleDone int
	counts     []coding.CodeCount
	showAll    bool

	focus   focusArea
	panel   codebookPanel
	hits    hitMap     // where the last frame drew what, for the mouse
	frames  frameCache // pieces of the last frames, reused while valid
	overlay overlay
	span    *spanSelection
	search  searchState
	status  status

	writes  []write // waiting for the one in flight
	writing bool
	flight  *flight   // the write sent, shared with the command running it
	quit    quitState // how far quitting has been asked while writes were queued
	lost    int       // actions lost while a signal drained the queue
	// gen counts the writes answered. A read started in an older generation
	// may have missed a write, so its answer is dropped and asked again.
	gen int
	// queued counts the writes not yet answered per segment: their read-backs
	// must not overwrite what the screen shows of later queued actions, and
	// the segment's mark shows they are queued.
	queued map[coding.SegRef]int
	// showing counts, per coding, the queued writes that show it applied or
	// changed before the store has it: its chip is drawn as queued.
	showing map[shownKey]int
	// markShowing counts, per segment, the queued writes that show the
	// coder's review mark changed: its chip is drawn as queued.
	markShowing map[coding.SegRef]int

	place placeState                           // the segment saved as the coder's place
	after func(time.Duration, tea.Msg) tea.Cmd // timers (tests use their own clock)
}

// shownKey names a coding on screen. The coder is left out: the screen only
// queues the coder's own actions, and before the coder's first action the
// optimistic codings carry no coder ID yet.
type shownKey struct {
	seg  coding.SegRef
	code coding.CodeID
	span coding.Span
}

func keyOf(k coding.CodingKey) shownKey { return shownKey{k.Seg, k.Code, k.Span} }

// New builds the screen for a project; Init loads it.
func New(s *coding.Store, opts Options) *Model {
	m := &Model{
		store:       s,
		opts:        opts,
		keys:        newKeyMap(),
		st:          newStyles(true),
		help:        help.New(),
		showAll:     opts.ShowCoders,
		cache:       map[coding.SegRef]*coding.Segment{},
		asked:       map[coding.SegRef]bool{},
		queued:      map[coding.SegRef]int{},
		showing:     map[shownKey]int{},
		markShowing: map[coding.SegRef]int{},
		flight:      &flight{},
		after:       tick,
		book:        s.Codebook(),
		width:       80,
		height:      24,
	}
	m.help.Styles = m.st.Help
	m.panel.expanded = map[coding.CodeID]bool{}
	m.status.set("loading…", statusInfo)
	m.readOnly = s.ReadOnly()
	return m
}

// Init asks for the terminal's background and loads the project.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.reload(0))
}

func (m *Model) reload(keep coding.SegRef) tea.Cmd {
	return loadCmd(m.store, m.opts.Coder, m.showAll, m.query, keep, m.gen)
}

// Update folds a message into the model. It never touches the store: keys
// that change data queue a write, which runs as a command.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(placeTickMsg); ok { // changes nothing shown
		return m, m.placeTick()
	}
	if !m.isNavigation(msg) {
		m.frames.invalidate()
	}
	cmd := m.update(msg)
	if c := m.notePlace(); c != nil {
		cmd = tea.Batch(cmd, c)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m.prefetch()
	case tea.BackgroundColorMsg:
		m.st = newStyles(msg.IsDark())
		m.help.Styles = m.st.Help
	case loadedMsg:
		return m.loaded(msg)
	case windowMsg:
		m.windowLoaded(msg)
		return m.prefetch()
	case writeDoneMsg:
		return m.writeDone(msg)
	case signalMsg:
		return m.signal(msg)
	case searchMsg:
		return tea.Batch(m.searchDone(msg), m.prefetch())
	case attrsMsg:
		m.attributesLoaded(msg)
	case usageMsg:
		m.usageLoaded(msg)
	case agreeMsg:
		m.agreementLoaded(msg)
	case reportMsg:
		m.reportLoaded(msg)
	case quotesMsg:
		m.quotesLoaded(msg)
	case exportMsg:
		m.exported(msg)
	case disagreeMsg:
		m.disagreementsLoaded(msg)
	case samplesMsg:
		m.samplesLoaded(msg)
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseClickMsg:
		return m.click(msg.Mouse())
	case tea.MouseWheelMsg:
		return m.wheel(msg.Mouse())
	}
	return nil
}

func (m *Model) loaded(msg loadedMsg) tea.Cmd {
	if msg.err != nil {
		m.status.set("could not load the project: "+msg.err.Error(), statusError)
		return nil
	}
	keep := msg.keep
	if m.ready {
		// The user may have moved while this was read: stay where they are
		// now, not where they were when the read was asked for.
		if r := m.currentRef(); r != 0 {
			keep = r
		}
	}
	if msg.gen != m.gen { // a write landed while this was read: read again
		return m.reload(keep)
	}
	first := !m.ready
	m.ready = true
	m.book = msg.book
	m.refs, m.total, m.counts, m.coder = msg.refs, msg.total, msg.counts, msg.coder
	m.coded, m.ncoded = msg.coded, msg.coded.Len()
	m.marked = msg.marked
	m.cache = map[coding.SegRef]*coding.Segment{}
	m.asked = map[coding.SegRef]bool{}
	m.cursor = 0
	if i, ok := m.indexOf(keep); ok {
		m.cursor = i
	} else if i, ok := m.indexOf(msg.keep); ok {
		m.cursor = i
	}
	m.scroll = 0
	m.panel.clamp(m)
	m.sampleProgress()
	if first {
		m.place.saved = m.currentRef() // where it opened: nothing to save yet
		// Start with every theme open, so the digits reach codes at once.
		for _, c := range m.book.Codes() {
			if !m.book.IsLeaf(c.ID) {
				m.panel.expanded[c.ID] = true
			}
		}
		m.status.set(fmt.Sprintf("%d segments · press ? for help", m.total), statusInfo)
		if m.total == 0 {
			m.status.set("no segments yet: import some with `qcode import FILE`", statusInfo)
		}
		if m.readOnly != "" {
			m.status.set("read-only ("+m.readOnly+"): you can read and report, not code", statusError)
		}
	}
	return m.prefetch()
}

// window is how many segments around the cursor are kept loaded.
const window = 64

// prefetch asks for the segments around the cursor that are not loaded.
func (m *Model) prefetch() tea.Cmd {
	if len(m.refs) == 0 {
		return nil
	}
	lo, hi := max(0, m.cursor-window/2), min(len(m.refs), m.cursor+window)
	var need []coding.SegRef
	for _, r := range m.refs[lo:hi] {
		if m.cache[r] == nil && !m.asked[r] {
			need = append(need, r)
			m.asked[r] = true
		}
	}
	if len(need) == 0 {
		return nil
	}
	return windowCmd(m.store, m.visible(), need, m.gen)
}

func (m *Model) visible() []coding.CoderID {
	if m.showAll {
		return nil
	}
	if m.coder == 0 {
		return []coding.CoderID{0}
	}
	return []coding.CoderID{m.coder}
}

func (m *Model) windowLoaded(msg windowMsg) {
	if msg.err != nil {
		m.status.set("could not read segments: "+msg.err.Error(), statusError)
		return
	}
	for i := range msg.segs {
		seg := msg.segs[i]
		delete(m.asked, seg.Ref)
		if msg.gen != m.gen || m.queued[seg.Ref] > 0 {
			continue // possibly older than what the screen shows: prefetch asks again
		}
		m.cache[seg.Ref] = &seg
	}
	// Keep the cache small on big projects: drop what is far from the cursor.
	if len(m.cache) > 8*window {
		for r := range m.cache {
			if i, ok := m.indexOf(r); !ok || i < m.cursor-2*window || i > m.cursor+2*window {
				delete(m.cache, r)
			}
		}
	}
}

// indexOf finds a segment's position in the list. The list is always in
// ascending ref order, so this is a binary search (a map over a million
// refs would cost more to build than the first frame may take).
func (m *Model) indexOf(r coding.SegRef) (int, bool) {
	i, ok := slices.BinarySearch(m.refs, r)
	return i, ok
}

// current is the segment under the cursor (nil while it loads).
func (m *Model) current() *coding.Segment {
	if m.cursor < 0 || m.cursor >= len(m.refs) {
		return nil
	}
	return m.cache[m.refs[m.cursor]]
}

// move puts the cursor on list position i.
func (m *Model) move(i int) tea.Cmd {
	if len(m.refs) == 0 {
		return nil
	}
	i = max(0, min(i, len(m.refs)-1))
	if i != m.cursor {
		m.cursor, m.scroll = i, 0
		m.span = nil
	}
	return m.prefetch()
}

// enqueue queues a write; the first runs at once.
func (m *Model) enqueue(w write) tea.Cmd {
	if seg := m.cache[w.seg]; seg != nil {
		w.on = seg.ID
	}
	w.pending = onSegment(w.pending, w.on)
	w.from = m.currentRef()
	m.status.set(w.pending, statusPending) // the status line adds "· N saving…"
	if w.seg != 0 {
		m.queued[w.seg]++
	}
	for _, k := range w.shows {
		m.showing[keyOf(k)]++
	}
	if w.mark {
		m.markShowing[w.seg]++
	}
	if m.writing {
		m.writes = append(m.writes, w)
		return nil
	}
	return m.send(w)
}

// send hands a write to a command that runs it.
func (m *Model) send(w write) tea.Cmd {
	m.writing = true
	m.flight.sent()
	return writeCmd(m.store, m.opts.Coder, m.showAll, m.opts.WriteGate, m.flight, w)
}

// onSegment names the segment an action was made on, so that "saved" can
// never be read as belonging to an older action of the same name.
func onSegment(what, id string) string {
	if id == "" || strings.HasSuffix(what, " on "+id) {
		return what
	}
	return what + " on " + id
}

func (m *Model) writeDone(msg writeDoneMsg) tea.Cmd {
	m.writing = false
	m.gen++
	m.unqueue(msg.w)
	var cmds []tea.Cmd
	if msg.coder != 0 && msg.coder != m.coder {
		m.coder = msg.coder
		m.adoptCoder()
	}
	if msg.book != nil {
		m.book = msg.book
		m.panel.clamp(m)
	}
	if msg.counts != nil {
		m.counts = msg.counts
	}
	if msg.err != nil && msg.w.undo != nil && len(msg.segs) == 0 {
		msg.w.undo() // the store could not even be read: show what was there before
	}
	for i := range msg.segs {
		seg := msg.segs[i]
		m.markCoded(&seg) // what the store holds, queued actions or not
		m.markReviewed(&seg)
		if m.queued[seg.Ref] > 0 && msg.err == nil {
			continue // later actions on it are queued: keep showing them
		}
		m.cache[seg.Ref] = &seg
	}
	m.sampleProgress()
	switch {
	case msg.err != nil:
		m.status.set(errorText(msg.w.pending, msg.err), statusError)
		if msg.w.failed != nil {
			msg.w.failed(m)
		}
		// Queued writes were made on top of what failed: drop them, and say so.
		n := len(m.writes)
		if n > 0 {
			for _, w := range m.writes {
				m.unqueue(w)
				if w.failed != nil {
					w.failed(m)
				}
			}
			m.writes = nil
			m.status.set(fmt.Sprintf("%s (and %d later actions not saved)", errorText(msg.w.pending, msg.err), n), statusError)
			cmds = append(cmds, m.reload(m.currentRef()))
		}
		if m.quit.signal {
			// Nobody may be left to read the error: quit, and let Run count.
			m.lost += 1 + n
			return tea.Batch(append(cmds, tea.Quit)...)
		}
		m.quit = quitState{} // stay, so the error is read
		return tea.Batch(cmds...)
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
	if msg.w.after != nil {
		msg.w.after(m)
	}
	if msg.w.jump && len(msg.res.Segments) > 0 && m.currentRef() == msg.w.from {
		if i, ok := m.indexOf(msg.res.Segments[0]); ok {
			cmds = append(cmds, m.move(i))
		}
	}
	if msg.w.reload || len(msg.res.Segments) >= 64 {
		cmds = append(cmds, m.reload(m.currentRef()))
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

// adoptCoder gives the coder's ID, known since the store answered the
// coder's first action, to the codings shown before it was known: they are
// the coder's own, and a digit pressed on one must remove it.
func (m *Model) adoptCoder() {
	for _, seg := range m.cache {
		for i := range seg.Codings {
			if seg.Codings[i].Coder == 0 {
				seg.Codings[i].Coder = m.coder
			}
		}
	}
}

// unqueue forgets a write that has been answered or dropped.
func (m *Model) unqueue(w write) {
	if w.seg != 0 && m.queued[w.seg] > 0 {
		m.queued[w.seg]--
		if m.queued[w.seg] == 0 {
			delete(m.queued, w.seg)
		}
	}
	for _, k := range w.shows {
		if m.showing[keyOf(k)]--; m.showing[keyOf(k)] <= 0 {
			delete(m.showing, keyOf(k))
		}
	}
	if w.mark {
		if m.markShowing[w.seg]--; m.markShowing[w.seg] <= 0 {
			delete(m.markShowing, w.seg)
		}
	}
}

// codedOnScreen tells whether the screen shows the coder's coding on a
// segment, counting the actions still queued on it.
func (m *Model) codedOnScreen(r coding.SegRef) bool {
	if seg := m.cache[r]; seg != nil && m.queued[r] > 0 {
		return hasMine(seg.Codings, m.coder)
	}
	return m.coded.Has(r)
}

func errorText(what string, err error) string {
	return "not saved: " + what + ": " + err.Error()
}

func (m *Model) currentRef() coding.SegRef {
	if m.cursor >= 0 && m.cursor < len(m.refs) {
		return m.refs[m.cursor]
	}
	return 0
}

// markCoded keeps the coder's coded set in step with a segment's codings.
func (m *Model) markCoded(seg *coding.Segment) {
	mine := false
	for _, c := range seg.Codings {
		if c.Coder == m.coder && m.coder != 0 {
			mine = true
		}
	}
	if m.coded.Has(seg.Ref) != mine {
		m.coded.Set(seg.Ref, mine)
		if mine {
			m.ncoded++
		} else {
			m.ncoded--
		}
	}
}

// codeCounts are the codings per code of the visible coders.
func (m *Model) codeCounts() map[coding.CodeID]int {
	out := map[coding.CodeID]int{}
	for _, c := range m.counts {
		if m.showAll || (c.Coder == m.coder && m.coder != 0) {
			out[c.Code] += c.Codings
		}
	}
	return out
}

// key handles a key press: an open overlay first, then span selection, then
// the screen's own keys.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" { // everywhere, overlays included
		return m.quitWith(quitInterrupt)
	}
	if o := m.overlay; o != nil {
		done, cmd := o.update(m, msg)
		// An overlay may hand over to another (the picker back to the
		// editor); only the one that finished closes.
		if done && m.overlay == o {
			m.overlay = nil
		}
		return cmd
	}
	if m.search.editing {
		return m.searchKey(msg)
	}
	if m.span != nil {
		if cmd, ok := m.spanKey(msg); ok {
			return cmd
		}
	}
	if m.focus == focusCodebook {
		if cmd, ok := m.panelKey(msg); ok {
			return cmd
		}
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.askQuit(quitKey)
	case key.Matches(msg, k.Help):
		m.overlay = &helpOverlay{}
	case msg.String() == "esc":
		switch {
		case m.search.active():
			m.search = searchState{}
			m.status.set("search cleared", statusInfo)
		case !m.query.IsZero():
			return m.setFilter(coding.SegmentQuery{}, "")
		}
	case key.Matches(msg, k.Down):
		return m.move(m.cursor + 1)
	case key.Matches(msg, k.Up):
		return m.move(m.cursor - 1)
	case key.Matches(msg, k.PageDown):
		return m.move(m.cursor + max(1, m.height/3))
	case key.Matches(msg, k.PageUp):
		return m.move(m.cursor - max(1, m.height/3))
	case key.Matches(msg, k.Top):
		return m.move(0)
	case key.Matches(msg, k.Bottom):
		return m.move(len(m.refs) - 1)
	case msg.String() == "J":
		m.scroll++
	case msg.String() == "K":
		m.scroll = max(0, m.scroll-1)
	case key.Matches(msg, k.NextUncoded):
		if m.search.active() {
			return m.nextMatch(1)
		}
		return m.nextUncoded()
	case msg.String() == "N" && m.search.active():
		return m.nextMatch(-1)
	case key.Matches(msg, k.Toggle):
		return m.toggleNumbered(msg.String())
	case key.Matches(msg, k.NextTheme):
		m.panel.stepTheme(m, 1)
	case key.Matches(msg, k.PrevTheme):
		m.panel.stepTheme(m, -1)
	case key.Matches(msg, k.OutTheme):
		m.panel.out(m)
	case key.Matches(msg, k.Picker):
		if m.current() != nil {
			m.overlay = newPicker(m, pickApply, "Apply a code")
		}
	case key.Matches(msg, k.Search):
		m.beginSearch()
	case key.Matches(msg, k.Filter):
		m.overlay = newFilterMenu(m)
	case key.Matches(msg, k.Reviewed):
		return m.toggleMark()
	case key.Matches(msg, k.Star):
		return m.star(false)
	case key.Matches(msg, k.StarOne):
		return m.star(true)
	case key.Matches(msg, k.Memo):
		return m.memo()
	case key.Matches(msg, k.Span):
		m.beginSpan()
	case key.Matches(msg, k.Undo):
		return m.undo(true)
	case key.Matches(msg, k.Redo):
		return m.undo(false)
	case key.Matches(msg, k.Focus):
		if m.panelWidth() > 0 {
			m.focus = 1 - m.focus
		}
	case key.Matches(msg, k.Editor):
		m.overlay = newEditor(m)
	case key.Matches(msg, k.Report):
		v, cmd := newReportView(m)
		m.overlay = v
		return cmd
	case key.Matches(msg, k.Agree):
		v, cmd := newAgreeView(m)
		m.overlay = v
		return cmd
	case key.Matches(msg, k.Coders):
		m.showAll = !m.showAll
		if m.showAll {
			m.status.set("showing every coder's codings", statusInfo)
		} else {
			m.status.set("showing only your codings (blind coding)", statusInfo)
		}
		return m.reload(m.currentRef())
	}
	return nil
}

// nextUncoded moves to the next segment the coder has not reviewed:
// neither coded nor marked "reviewed, nothing applies".
func (m *Model) nextUncoded() tea.Cmd {
	for i := m.cursor + 1; i < len(m.refs); i++ {
		if !m.reviewedOnScreen(m.refs[i]) {
			return m.move(i)
		}
	}
	for i := 0; i < m.cursor; i++ {
		if !m.reviewedOnScreen(m.refs[i]) {
			m.status.set("wrapped to the first segment not yet reviewed", statusInfo)
			return m.move(i)
		}
	}
	m.status.set("every listed segment is reviewed (coded, or marked with x)", statusOK)
	return nil
}

// toggleNumbered toggles the code numbered d in the codebook panel.
func (m *Model) toggleNumbered(d string) tea.Cmd {
	n := int(d[0] - '0')
	if n == 0 {
		n = 10
	}
	rows := m.panel.rows(m)
	if n > len(rows) {
		m.status.set(fmt.Sprintf("no code numbered %s here", d), statusInfo)
		return nil
	}
	if m.span != nil {
		return m.applySpan(rows[n-1].code.ID)
	}
	return m.toggle(rows[n-1].code.ID)
}

// toggle applies or removes a code on the current segment, showing the
// result at once and saving it in the background.
func (m *Model) toggle(id coding.CodeID) tea.Cmd {
	seg := m.current()
	if seg == nil {
		return nil
	}
	code, ok := m.book.Code(id)
	if !ok {
		return nil
	}
	before := *seg
	before.Codings = append([]coding.Coding(nil), seg.Codings...)
	before.Marks = slices.Clone(seg.Marks)
	had := false
	var kept []coding.Coding
	for _, c := range seg.Codings {
		if c.Coder == m.coder && m.coder != 0 && c.Code == id {
			had = true
			continue
		}
		kept = append(kept, c)
	}
	verb := "− "
	var shows []coding.CodingKey
	if !had {
		verb = "+ "
		// An exclusive group's other levels go from the whole segment (it
		// overlaps every passage), as the store will do.
		if g, ok := m.book.ExclusiveGroupOf(id); ok {
			kept = slicesDeleteFunc(kept, func(c coding.Coding) bool {
				p, _ := m.book.Code(c.Code)
				return c.Coder == m.coder && m.coder != 0 && p.Parent == g.ID
			})
		}
		k := coding.CodingKey{Seg: seg.Ref, Code: id, Coder: m.coder}
		kept = append(kept, coding.Coding{CodingKey: k, CoderName: m.opts.Coder})
		shows = []coding.CodingKey{k}
		// Coded now: the store takes the coder's review mark away.
		seg.Marks = slices.DeleteFunc(slices.Clone(seg.Marks), func(k coding.Mark) bool { return k.Coder == m.coder && m.coder != 0 })
	}
	seg.Codings = kept
	coder, ref, what := m.opts.Coder, seg.Ref, verb+code.Path
	// The store gets the intent the screen showed (apply, or remove), not a
	// toggle: a toggle queued behind another would act on a state the user
	// never saw.
	return m.enqueue(write{
		pending: what,
		seg:     ref,
		shows:   shows,
		do: func(s *coding.Store) (coding.ActionResult, error) {
			var r coding.ActionResult
			var err error
			if had {
				r, err = s.RemoveCode(coder, ref, id)
			} else {
				var a coding.ApplyResult
				a, err = s.Apply(coder, ref, id, coding.Span{})
				r = a.ActionResult
			}
			if err == nil && r.Seq != 0 {
				r.Desc = what
			}
			return r, err
		},
		undo: func() { m.cache[ref] = &before },
	})
}

func hasMine(cs []coding.Coding, me coding.CoderID) bool {
	for _, c := range cs {
		if c.Coder == me {
			return true
		}
	}
	return false
}

func slicesDeleteFunc(cs []coding.Coding, del func(coding.Coding) bool) []coding.Coding {
	out := cs[:0]
	for _, c := range cs {
		if !del(c) {
			out = append(out, c)
		}
	}
	return out
}

// undo undoes (or redoes) the coder's last action and jumps to what it
// changed.
func (m *Model) undo(undo bool) tea.Cmd {
	coder := m.opts.Coder
	verb := "undo"
	if !undo {
		verb = "redo"
	}
	return m.enqueue(write{
		pending: verb,
		book:    true,
		jump:    true,
		do: func(s *coding.Store) (coding.ActionResult, error) {
			var r coding.ActionResult
			var err error
			if undo {
				r, err = s.Undo(coder)
			} else {
				r, err = s.Redo(coder)
			}
			if err == nil {
				r.Desc = verb + ": " + r.Desc
			}
			return r, err
		},
	})
}

// View draws the screen.
func (m *Model) View() tea.View {
	// Text from the project is made printable where it is loaded; Frame
	// keeps anything else (a code name from an old project, an error
	// quoting one) from reaching the terminal as a command.
	v := tea.NewView(printable.Frame(m.render()))
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = strings.Join(strings.Fields(printable.String("qcode · "+m.store.Meta().Name)), " ")
	return v
}

// render draws the screen as a string (the tests' golden frames).
func (m *Model) render() string {
	w, h := m.width, m.height
	if w < 20 || h < 6 {
		return "qcode needs a larger terminal"
	}
	// A long message may take a line or two more on a tall enough screen.
	statusH := 3
	switch {
	case h < 10:
		statusH = 1
	case h < 16:
		statusH = 2
	}
	status := m.renderStatus(w, statusH)
	mainH := h - len(status) - 1
	m.hits.mainH = mainH
	pw := m.panelWidth()
	var legend []string
	if pw == 0 { // no panel: the digits still need their names
		legend = m.renderLegend(w, mainH)
	}
	body := m.renderSegments(w-pw, mainH-len(legend))
	if pw > 0 {
		pk := panelKey{w: pw, h: mainH, version: m.frames.version, focus: m.focus}
		if m.frames.panel.key != pk || m.frames.panel.out == "" {
			m.frames.panel.key, m.frames.panel.out = pk, m.renderPanel(pw, mainH)
		}
		body = joinColumns(body, m.frames.panel.out)
	}
	parts := append(append(append([]string{body}, legend...), status...), padRight(m.renderFooter(w), w))
	screen := strings.Join(parts, "\n")
	if m.overlay != nil {
		box := m.overlay.view(m)
		bw, bh := lipgloss.Size(box)
		x, y := max(0, (w-bw)/2), max(0, (h-bh)/2)
		screen = lipgloss.NewCompositor(
			lipgloss.NewLayer(screen),
			lipgloss.NewLayer(box).X(x).Y(y).Z(1),
		).Render()
	}
	return screen
}

// panelWidth is the codebook panel's width (0: hidden on narrow screens).
func (m *Model) panelWidth() int {
	switch {
	case m.width < 60:
		return 0
	case m.width >= 160: // room for the codes' descriptions beside them
		return min(80, m.width*2/5)
	}
	return max(30, min(50, m.width*2/7))
}

// renderFooter is the line of key hints; it always ends with "? help",
// dropping the other hints, least needed first, when the line is narrow.
func (m *Model) renderFooter(w int) string {
	if m.search.editing {
		return m.search.view(m, w)
	}
	hints := m.keys.ShortHelp()
	width := func(b key.Binding) int { // as help draws it, separator included
		return ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc) + 3
	}
	total := -3
	for _, b := range hints {
		total += width(b)
	}
	for _, drop := range footerDrops {
		if total <= w {
			break
		}
		for i, b := range hints {
			if b.Help().Key == drop {
				total -= width(b)
				hints = slices.Delete(hints, i, i+1)
				break
			}
		}
	}
	h := m.help
	h.SetWidth(0)
	return ansi.Truncate(h.ShortHelpView(hints), w, "…")
}
