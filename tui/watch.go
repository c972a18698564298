package tui

import (
	"fmt"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// A screen that shares its store (the owner's socket, qcode serve) polls
// the store's generation every second: when it moved by another's write
// (others are connected, or this screen saved nothing since the last look:
// a command run through the socket), the segments in view and the open
// views are read again, so that a lead's agreement view follows the coders
// within a second. A screen alone does not read again for its own writes.

// watchDelay is how often a shared screen looks for others' writes.
const watchDelay = time.Second

// watchMsg is the store's generation, and who else is connected.
type watchMsg struct {
	gen   uint64
	peers []string
}

// watch reads the generation after watchDelay (nil when nothing shares
// the store).
func (m *Model) watch() tea.Cmd {
	peers := m.c.opts.Peers
	if peers == nil {
		return nil
	}
	s := m.c.store
	return m.after(watchDelay, watchAsk{func() tea.Msg {
		g, _ := s.Generation()
		return watchMsg{gen: g, peers: peers()}
	}})
}

// watchAsk is the timer's message: it is answered by reading the store in
// a command, never in Update.
type watchAsk struct{ read func() tea.Msg }

// watched folds the generation in: a change while others are connected,
// and no write of this screen's own is in flight, reads everything again.
func (m *Model) watched(msg watchMsg) tea.Cmd {
	m.peers = msg.peers
	if msg.gen == m.seen {
		return m.watch()
	}
	own := m.wrote
	m.wrote = false
	if m.seen == 0 || own && len(msg.peers) == 0 {
		m.seen = msg.gen // the first look, or only this screen's writes
		return m.watch()
	}
	if m.busy() {
		return m.watch() // after the queue: this screen's reads follow it anyway
	}
	m.seen = msg.gen
	// The segments in view are read again in place (a reload of the list
	// would empty the cache, and keys pressed meanwhile would find no
	// segment under the cursor); reads in flight may have missed the
	// write, so they are asked again.
	p := m.c.proj
	p.gen++
	refs := make([]coding.SegRef, 0, len(p.segs))
	for r := range p.segs {
		if p.queued[r] == 0 {
			refs = append(refs, r)
		}
	}
	cmds := []tea.Cmd{m.broadcast(agreeStaleMsg{}), m.watch()}
	if len(refs) > 0 {
		cmds = append(cmds, windowCmd(m.c.store, p.visible(), refs, p.gen))
	}
	return tea.Batch(cmds...)
}

// peersText is who else is connected, for the status line: three names
// at most, then how many more.
func peersText(peers []string) string {
	if len(peers) <= 3 {
		return "with " + strings.Join(peers, ", ")
	}
	return fmt.Sprintf("with %s +%d", strings.Join(peers[:3], ", "), len(peers)-3)
}

// relay ends the program, as SIGTERM would (draining its queue), when stop
// is closed, and hands it events; the returned func stops relaying.
func relay(p *tea.Program, stop <-chan struct{}, events <-chan tea.Msg) func() {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				p.Send(signalMsg{syscall.SIGTERM})
				return
			case msg := <-events:
				p.Send(msg)
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}
