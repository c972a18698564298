package tui

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

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

	// Program, when set, runs the screen on another terminal than this
	// process's (a client of the owner's socket, an SSH session): its
	// input, output, size and environment. Such a screen takes none of
	// this process's signals; Stop ends it as SIGTERM would (the queue
	// drains first).
	Program []tea.ProgramOption
	Stop    <-chan struct{}
	// Events are messages for the screen from outside (a remote terminal's
	// new size).
	Events <-chan tea.Msg
	// Peers, when set, names who else works on this store now (the status
	// line shows them), and the screen then reads the store again within a
	// second of another's write (see watch.go).
	Peers func() []string
	// Saved, when set, is called for each action the store acknowledged
	// (a served session's log counts them).
	Saved func()
	// Blind enforces blind coding (a coder of a served project): only the
	// coder's own codings are shown, and neither the other coders' view nor
	// the agreement view opens.
	Blind bool
}

// Model is the coding screen's router. It owns the write queue and a stack
// of components: the coding screen at the bottom, then views (report,
// agreement, codebook editor, help) that take the body's place and dialogs
// (picker, chooser, filter, memo) drawn over them. Keys go to the component
// on top; the store's answers to every component; what components post on
// the bus (actions to queue, views to open, status messages) to the router.
type Model struct {
	c      common
	keys   globalKeys
	screen *codingScreen
	stack  []component // above the screen, the top last
	status *statusBar

	width, height int
	bodyW, bodyH  int // the views' rectangle, above the status line

	writes   []write // waiting for the one in flight
	writing  bool
	inFlight write     // the write sent
	flight   *flight   // the write sent, shared with the command running it
	quit     quitState // how far quitting has been asked while writes were queued
	lost     int       // actions lost while a signal drained the queue

	place placeState                           // the segment saved as the coder's place
	seen  uint64                               // the store's generation last read (watch.go)
	peers []string                             // who else is connected (watch.go)
	wrote bool                                 // this screen saved an action since the last watch
	after func(time.Duration, tea.Msg) tea.Cmd // timers (tests use their own clock)
}

// New builds the screen for a project; Init loads it.
func New(s *coding.Store, opts Options) *Model {
	st := newStyles(true)
	c := common{store: s, opts: opts, st: &st, proj: newProjectState(s, opts), bus: &bus{}}
	m := &Model{
		c:      c,
		keys:   newGlobalKeys(),
		screen: newCodingScreen(c),
		status: newStatusBar(c),
		flight: &flight{},
		after:  tick,
		width:  80,
		height: 24,
	}
	m.status.set("loading…", statusInfo)
	m.layout()
	return m
}

// Init asks for the terminal's background and loads the project.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.load(0), m.screen.sugg.train(), m.watch())
}

// load reads the list (with the active filter), keeping keep under the
// cursor (0: where the coder was reading).
func (m *Model) load(keep coding.SegRef) tea.Cmd {
	p := m.c.proj
	return loadCmd(m.c.store, p.who, p.showAll, p.query, keep, p.gen)
}

// reload reads the list again, keeping the segment under the cursor.
func (m *Model) reload() tea.Cmd { return m.load(m.screen.list.currentRef()) }

// Update folds a message into the screen. It never touches the store:
// actions are queued and run by commands.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(placeTickMsg); ok { // changes nothing shown
		return m, m.placeTick()
	}
	if w, ok := msg.(watchAsk); ok { // the timer: read in a command
		return m, w.read
	}
	if w, ok := msg.(watchMsg); ok && w.gen == m.seen && slices.Equal(w.peers, m.peers) {
		return m, m.watch() // nothing changed: nothing to draw again
	}
	if !m.navigation(msg) {
		m.c.proj.version++
	}
	cmds := []tea.Cmd{m.handle(msg)}
	// What the components posted while handling it, in order: an action is
	// queued (and shown queued) before this Update returns.
	for len(m.c.bus.msgs) > 0 {
		next := m.c.bus.msgs[0]
		m.c.bus.msgs = m.c.bus.msgs[1:]
		cmds = append(cmds, m.handle(next))
	}
	m.layout()
	cmds = append(cmds, m.notePlace())
	return m, tea.Batch(cmds...)
}

// navigation tells whether a message only moves the list's cursor (or a
// view's place in what it shows), so that the rows already drawn stay
// valid.
func (m *Model) navigation(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	if len(m.stack) == 0 {
		return m.screen.navigation(k)
	}
	n, ok := m.top().(navigator)
	return ok && n.navigation(k)
}

// navigator is a view some of whose keys only move the reader: they
// change nothing the other components draw.
type navigator interface {
	navigation(k tea.KeyPressMsg) bool
}

func (m *Model) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m.screen.list.prefetch()
	case tea.BackgroundColorMsg:
		*m.c.st = newStyles(msg.IsDark())
	case loadedMsg:
		return m.loaded(msg)
	case windowMsg:
		m.windowLoaded(msg)
		return m.broadcast(msg)
	case writeDoneMsg:
		return m.writeDone(msg)
	case signalMsg:
		return m.signal(msg)
	case watchMsg:
		return m.watched(msg)
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg: // text, for whoever is taking it
		return m.top().Update(msg)
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		if len(m.stack) == 0 {
			return m.screen.Update(msg)
		}
		if _, ok := msg.(tea.MouseWheelMsg); ok && m.coveredBy() == len(m.stack)-1 {
			return m.top().Update(msg) // a view on top scrolls with the wheel
		}
	case writeMsg:
		return m.enqueue(msg.req)
	case openMsg:
		m.push(msg.c)
	case closeMsg:
		m.remove(msg.c)
	case replaceMsg:
		if i := m.index(msg.old); i >= 0 {
			m.stack[i] = msg.c
			m.size(msg.c)
		}
	case statusMsg:
		m.status.set(msg.text, msg.kind)
	case filterMsg:
		return m.setFilter(msg)
	case quitMsg:
		return m.askQuit(quitKey)
	case coderViewMsg:
		if msg.all && m.c.opts.Blind {
			m.status.set("blind coding: a coder sees only their own codings", statusError)
			return nil
		}
		m.c.proj.showAll = msg.all
		if msg.all {
			m.status.set("showing every coder's codings", statusInfo)
		} else {
			m.status.set("showing only your codings (blind coding)", statusInfo)
		}
		return m.reload()
	default:
		return m.broadcast(msg)
	}
	return nil
}

// broadcast hands a message to every component; each takes what is its own.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := []tea.Cmd{m.screen.Update(msg)}
	for _, c := range m.stack {
		cmds = append(cmds, c.Update(msg))
	}
	return tea.Batch(cmds...)
}

// top is the component that has the keys.
func (m *Model) top() component {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1]
	}
	return m.screen
}

// key routes a key: ctrl+c anywhere, ? to open the help of whatever is on
// top (unless it is taking text), anything else to the component on top.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.Interrupt) { // everywhere, dialogs included
		return m.quitWith(quitInterrupt)
	}
	top := m.top()
	if t, ok := top.(typer); !ok || !t.typing() {
		if _, open := top.(*helpView); !open && key.Matches(msg, m.keys.Help) {
			m.push(newHelpView(m.c, top))
			return nil
		}
	}
	return top.Update(msg)
}

// push puts a component on top and gives it its rectangle.
func (m *Model) push(c component) {
	m.stack = append(m.stack, c)
	m.size(c)
}

// index is a component's place in the stack (-1: not there).
func (m *Model) index(c component) int {
	for i, s := range m.stack {
		if s == c {
			return i
		}
	}
	return -1
}

// remove takes a component off the stack, with whatever was opened over
// it (a picker its view opened).
func (m *Model) remove(c component) {
	if i := m.index(c); i >= 0 {
		m.stack = m.stack[:i]
	}
}

// size gives a component its rectangle: the body, which a view fills and
// a dialog is centred in.
func (m *Model) size(c component) { c.SetSize(m.bodyW, m.bodyH) }

// layout measures the screen after each message: the status line's height
// (a long message takes a line or two more), then the body's, and asks the
// components to lay themselves out. View only draws what this computed.
func (m *Model) layout() {
	w, h := m.width, m.height
	if w < 20 || h < 6 {
		return
	}
	statusH := 3
	switch {
	case h < 10:
		statusH = 1
	case h < 16:
		statusH = 2
	}
	m.status.layout(w, statusH, m.progress())
	bodyH := h - m.status.height() - 1
	if bodyH != m.bodyH || w != m.bodyW {
		m.bodyW, m.bodyH = w, bodyH
		m.screen.SetSize(w, bodyH)
		for _, c := range m.stack {
			m.size(c)
		}
	}
	if i := m.coveredBy(); i < 0 {
		m.screen.layout()
	} else if l, ok := m.stack[i].(layouter); ok {
		l.layout()
	}
}

// layouter is a view that lays itself out after every message, as the
// coding screen does, so that what the write queue shows is in the frame
// of the key that asked for it.
type layouter interface{ layout() }

// coveredBy is the index in the stack of the view drawn in the body (-1:
// the coding screen).
func (m *Model) coveredBy() int {
	for i := len(m.stack) - 1; i >= 0; i-- {
		if _, ok := m.stack[i].(dialog); !ok {
			return i
		}
	}
	return -1
}

// setFilter lists only the segments a query selects (keeping the cursor's
// segment when it is among them).
func (m *Model) setFilter(f filterMsg) tea.Cmd {
	p := m.c.proj
	if m.c.opts.Blind && f.q.CodedBy != "" && f.q.CodedBy != m.c.opts.Coder {
		m.status.set("blind coding: a coder filters by their own codings only", statusError)
		return nil
	}
	before := p.query.Terms()
	p.query, p.filter = f.q, f.desc
	if f.desc == "" {
		m.status.set("filter cleared", statusInfo)
	} else {
		m.status.set(filterChange(before, f.q.Terms()), statusInfo)
	}
	return tea.Batch(m.broadcast(f), m.reload())
}

// View draws the screen.
func (m *Model) View() tea.View {
	// Text from the project is made printable where it is loaded; Frame
	// keeps anything else (a code name from an old project, an error
	// quoting one) from reaching the terminal as a command.
	v := tea.NewView(printable.Frame(m.render()))
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = strings.Join(strings.Fields(printable.String("qcode · "+m.c.proj.name)), " ")
	return v
}

// render draws the screen as a string (the tests' golden frames): the view
// on top of the stack in the body with the dialogs above it drawn over
// it, then the status line and the footer, which stay in sight.
func (m *Model) render() string {
	w, h := m.width, m.height
	if w < 20 || h < 6 {
		return "qcode needs a larger terminal"
	}
	under := m.coveredBy()
	body := m.screen.View()
	if under >= 0 {
		body = m.stack[under].View()
	}
	for _, c := range m.stack[under+1:] {
		body = overlay(body, c.View(), m.bodyW, m.bodyH)
	}
	parts := append(append([]string{body}, m.status.View()...), padRight(m.footer(w), w))
	return strings.Join(parts, "\n")
}

// overlay draws a dialog's box centred over a body w×h, with a ring of
// blank cells round it where there is room, so that its border never runs
// into a border below.
func overlay(body, box string, w, h int) string {
	box = lipgloss.NewStyle().MaxWidth(w).MaxHeight(h).Render(box) // a dialog too big for the body is cut
	bw, bh := lipgloss.Size(box)
	px, py := 0, 0
	if bw+2 <= w {
		px = 1
	}
	if bh+2 <= h {
		py = 1
	}
	ring := lipgloss.NewStyle().Padding(py, px).Render(box)
	rw, rh := lipgloss.Size(ring)
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(body),
		lipgloss.NewLayer(ring).X(max(0, (w-rw)/2)).Y(max(0, (h-rh)/2)).Z(1),
	).Render()
}

// current is the segment under the cursor (nil while it loads).
func (m *Model) current() *coding.Segment { return m.screen.list.current() }

// currentRef is the segment under the cursor (0: none).
func (m *Model) currentRef() coding.SegRef { return m.screen.list.currentRef() }
