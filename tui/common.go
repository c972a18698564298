package tui

import (
	"slices"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// The coding screen is built from components, as soft-serve's pkg/ui is: a
// component is a model with its own key map (and so its own help), its own
// Update and View, and the rectangle SetSize gives it. The router (Model)
// owns the write queue, keeps a stack of views and dialogs, and routes keys
// to the one on top. Components never see the router: they get a common
// value at birth and talk by typed messages.

// component is one panel, view or dialog of the screen.
type component interface {
	// Update folds a message into the component. Keys reach only the
	// component on top; every other message reaches every component, and
	// each ignores what is not meant for it.
	Update(msg tea.Msg) tea.Cmd
	// View draws the component in the size it was given. It reads state
	// and writes none: offsets, layouts and click maps are computed in
	// Update and SetSize.
	View() string
	// SetSize gives the component its rectangle: a view's is the body of
	// the screen, a dialog's the whole screen (it draws itself smaller).
	SetSize(width, height int)
	help.KeyMap // ShortHelp for the footer, FullHelp for the ? screen
}

// dialog is a component drawn over the view below it (centred, with a
// blank ring round its border so that no border runs into another),
// rather than in its place.
type dialog interface {
	component
	isDialog()
}

// typer is a component that is taking text: while typing is true, every
// key but ctrl+c is its own (? and q are letters then).
type typer interface {
	typing() bool
}

// titled is a component whose ? screen has a title.
type titled interface {
	title() string
}

// flusher is a component holding typed work not yet saved (a memo being
// written): quitting queues it first rather than drop it.
type flusher interface {
	flush() (request, bool)
}

// common is what every component is given: the store (read in commands
// only), the options, the styles (rebuilt in place when the terminal says
// its background), the project as the screen knows it, and the bus on which
// it posts messages to the router.
type common struct {
	store *coding.Store
	opts  Options
	st    *styles
	proj  *project
	bus   *bus
}

// bus carries the messages components post for the router within one
// Update: the router handles them, in order, before the frame is drawn, so
// that an action is queued (and shown queued) by the key that asked for it.
type bus struct{ msgs []tea.Msg }

// post hands a message to the router.
func (c common) post(msgs ...tea.Msg) { c.bus.msgs = append(c.bus.msgs, msgs...) }

// say sets the status line.
func (c common) say(text string, kind statusKind) { c.post(statusMsg{text, kind}) }

// project is the project as the screen knows it: what the store answered,
// with the actions still queued shown on top. Only the router writes it
// (when the store answers, and when the write queue shows an action before
// the store has it); components read it.
type project struct {
	who      string // the coder's name (Options.Coder)
	name     string // the project's name
	readOnly string // why the project is read-only ("" if it is not)
	ready    bool   // the first load has arrived

	book    *coding.Codebook
	coder   coding.CoderID // 0 until the coder's first action
	counts  []coding.CodeCount
	coded   coding.RefSet // segments the coder has coded (saved)
	marked  coding.RefSet // segments the coder marked "reviewed, nothing applies"
	ncoded  int
	total   int
	showAll bool

	query  coding.SegmentQuery // the active filter
	filter string              // the filter, in words

	segs  map[coding.SegRef]*coding.Segment // loaded segments, around the cursor
	asked map[coding.SegRef]bool            // loads in flight

	// The write queue's part, written by the queue only. gen counts the
	// writes answered: a read started in an older generation may have
	// missed a write, so its answer is dropped and asked again.
	gen int
	// queued counts the writes not yet answered per segment: their
	// read-backs must not overwrite what the screen shows of later queued
	// actions, and the segment's mark shows they are queued.
	queued map[coding.SegRef]int
	// showing counts, per coding, the queued writes that show it applied or
	// changed before the store has it: its chip is drawn as queued.
	showing map[shownKey]int
	// markShowing counts, per segment, the queued writes that show the
	// coder's review mark changed: its chip is drawn as queued.
	markShowing map[coding.SegRef]int

	// version changes whenever what is drawn may change, except for a key
	// that only moves the list's cursor: rendered rows are kept per version.
	version int
}

func newProjectState(s *coding.Store, opts Options) *project {
	return &project{
		who:         opts.Coder,
		name:        s.Meta().Name,
		readOnly:    s.ReadOnly(),
		book:        s.Codebook(),
		showAll:     opts.ShowCoders,
		segs:        map[coding.SegRef]*coding.Segment{},
		asked:       map[coding.SegRef]bool{},
		queued:      map[coding.SegRef]int{},
		showing:     map[shownKey]int{},
		markShowing: map[coding.SegRef]int{},
	}
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

// mine tells whether a coding or mark of coder id is the coder's own.
func (p *project) mine(id coding.CoderID) bool { return p.coder != 0 && id == p.coder }

// myMark tells whether the coder's own mark is on the segment.
func (p *project) myMark(seg *coding.Segment) bool {
	return slices.ContainsFunc(seg.Marks, func(k coding.Mark) bool { return p.mine(k.Coder) })
}

// hasMine tells whether the coder has a coding on the segment.
func (p *project) hasMine(seg *coding.Segment) bool {
	return slices.ContainsFunc(seg.Codings, func(c coding.Coding) bool { return p.mine(c.Coder) })
}

// myCodings lists the coder's codings on a segment.
func (p *project) myCodings(seg *coding.Segment) []coding.Coding {
	var out []coding.Coding
	for _, c := range seg.Codings {
		if p.mine(c.Coder) {
			out = append(out, c)
		}
	}
	return out
}

// reviewedOnScreen tells whether the screen shows the segment reviewed by
// the coder (coded, or marked), counting the actions queued on it.
func (p *project) reviewedOnScreen(r coding.SegRef) bool {
	if seg := p.segs[r]; seg != nil && p.queued[r] > 0 {
		return p.hasMine(seg) || p.myMark(seg)
	}
	return p.coded.Has(r) || p.marked.Has(r)
}

// codeCounts are the codings per code of the visible coders.
func (p *project) codeCounts() map[coding.CodeID]int {
	out := map[coding.CodeID]int{}
	for _, c := range p.counts {
		if p.showAll || p.mine(c.Coder) {
			out[c.Code] += c.Codings
		}
	}
	return out
}

// visible are the coders whose codings segments are loaded with.
func (p *project) visible() []coding.CoderID {
	if p.showAll {
		return nil
	}
	return []coding.CoderID{p.coder} // 0 before the first action: none
}

// visibleNames are the coders whose codings count for a filter or a
// report: everyone, or the coder (none at all before the first coding).
func (p *project) visibleNames() []string {
	switch {
	case p.showAll:
		return nil
	case p.coder == 0:
		return []string{}
	}
	return []string{p.who}
}

// Messages components post on the bus for the router.
type (
	// writeMsg asks the router to queue an action.
	writeMsg struct{ req request }
	// openMsg puts a view or dialog on top of the stack.
	openMsg struct{ c component }
	// closeMsg takes a component off the stack (it need not be on top: an
	// answer may reach it under the help).
	closeMsg struct{ c component }
	// replaceMsg puts c in old's place on the stack (nothing, if old has
	// been closed meanwhile).
	replaceMsg struct{ old, c component }
	// statusMsg sets the status line.
	statusMsg struct {
		text string
		kind statusKind
	}
	// filterMsg sets (or, zero, clears) the list's filter.
	filterMsg struct {
		q    coding.SegmentQuery
		desc string
	}
	// quitMsg is q on the coding screen.
	quitMsg struct{}
	// coderViewMsg shows every coder's codings, or only the coder's own.
	coderViewMsg struct{ all bool }
)

// Every panel, view and dialog is a component.
var (
	_ component = (*codingScreen)(nil)
	_ component = (*segmentList)(nil)
	_ component = (*currentSegment)(nil)
	_ component = (*codebookPanel)(nil)
	_ component = (*legend)(nil)
	_ component = (*searchBar)(nil)
	_ component = (*filterBar)(nil)
	_ dialog    = (*picker)(nil)
	_ dialog    = (*chooser)(nil)
	_ dialog    = (*filterMenu)(nil)
	_ dialog    = (*memoEditor)(nil)
	_ dialog    = (*codeAll)(nil)
	_ component = (*memoBrowser)(nil)
	_ component = (*editor)(nil)
	_ component = (*reportView)(nil)
	_ component = (*quoteList)(nil)
	_ component = (*cooccurView)(nil)
	_ component = (*passageList)(nil)
	_ component = (*agreeView)(nil)
	_ component = (*reviewView)(nil)
	_ component = (*helpView)(nil)
)
