package tui

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	tea "charm.land/bubbletea/v2"
)

// Quitting never loses what the screen showed. q, ctrl+c, SIGTERM and SIGHUP
// with writes queued drain the queue and quit once the store holds it all;
// only a third q, or a second ctrl+c (or SIGINT), quits without it, and Run
// then says how many actions were not saved.

// UnsavedError is Run's answer when qcode quit with actions the screen had
// shown that the store does not hold.
type UnsavedError struct{ N int }

// Error says how many, in the words qcode prints: "3 actions not saved".
func (e UnsavedError) Error() string {
	if e.N == 1 {
		return "1 action not saved"
	}
	return fmt.Sprintf("%d actions not saved", e.N)
}

// signalMsg is an OS signal, relayed to the model by Run. Bubble Tea's own
// handler would end the program at once on SIGTERM and leave SIGHUP to kill
// the process, dropping the write queue either way.
type signalMsg struct{ sig os.Signal }

// quitState is how far the user, or a signal, has asked to leave while
// writes were queued.
type quitState struct {
	q, ctrlC int  // presses so far (SIGINT counts as ctrl+c)
	signal   bool // SIGTERM or SIGHUP: nobody may be left to read an error
}

func (q quitState) asked() bool { return q.q > 0 || q.ctrlC > 0 || q.signal }

// abandons tells whether the user has asked to quit without the queue.
func (q quitState) abandons() bool { return q.q >= 3 || q.ctrlC >= 2 }

type quitHow int

const (
	quitKey quitHow = iota
	quitInterrupt
	quitSignal
)

// busy tells whether a write is in flight or queued.
func (m *Model) busy() bool { return m.writing || len(m.writes) > 0 }

// pendingWrites counts the actions the store has not answered yet.
func (m *Model) pendingWrites() int {
	n := len(m.writes)
	if m.writing {
		n++
	}
	return n
}

// askQuit takes one step towards quitting: at once when nothing is pending,
// after the queue drains otherwise, and without the queue on the third q or
// second ctrl+c.
func (m *Model) askQuit(how quitHow) tea.Cmd {
	switch how {
	case quitKey:
		m.quit.q++
	case quitInterrupt:
		m.quit.ctrlC++
	case quitSignal:
		m.quit.signal = true
	}
	if !m.busy() || m.quit.abandons() {
		return tea.Quit
	}
	return nil
}

// signal folds a relayed OS signal into a quit request.
func (m *Model) signal(msg signalMsg) tea.Cmd {
	if msg.sig == os.Interrupt {
		return m.quitWith(quitInterrupt)
	}
	return m.quitWith(quitSignal)
}

// quitWith asks to quit from wherever the user is: work typed but not yet
// saved (a memo) is what the screen shows too, so it is queued first and
// the quit then drains it with the rest.
func (m *Model) quitWith(how quitHow) tea.Cmd {
	var save []tea.Cmd
	if !m.quit.abandons() {
		for i := len(m.stack) - 1; i >= 0; i-- {
			if f, ok := m.stack[i].(flusher); ok {
				if r, ok := f.flush(); ok {
					m.stack = m.stack[:i]
					save = append(save, m.enqueue(r))
				}
			}
		}
	}
	return tea.Batch(append(save, m.askQuit(how))...)
}

// quitText is the status line while the queue drains before quitting.
func (m *Model) quitText(n int) string {
	text := fmt.Sprintf("saving %d, then quitting", n)
	switch {
	case m.quit.q == 1:
		text += " · q q: quit without them"
	case m.quit.q == 2:
		text += " · q: quit without them"
	case m.quit.ctrlC == 1:
		text += " · ctrl+c: quit without them"
	}
	return text
}

// unsaved counts the actions the screen showed that the store does not
// hold once the program has ended: those still queued, the one sent if it
// never committed, and those lost while a signal drained the queue. It
// waits for a write still running, and stops any later one from starting.
func (m *Model) unsaved() int {
	n := m.lost + len(m.writes)
	if saved := m.flight.stop(); m.writing && !saved {
		n++
	}
	return n
}

// finishQueue is unsaved for a program that has ended: when it ended on
// its own, the user not having asked to leave the queue (Bubble Tea stops
// when its input ends, which on a closed terminal can come before the
// hang-up's signal is read), it runs what was left — the write sent, if no
// command started it, then the queue in order, until one fails — and
// counts what it could not save.
func (m *Model) finishQueue() int {
	if m.quit.abandons() || (!m.writing && len(m.writes) == 0) {
		return m.unsaved()
	}
	state := m.flight.end()
	n := m.lost
	queue := m.writes
	if m.writing {
		switch state {
		case flightSent: // never started: it runs here
			queue = append([]write{m.inFlight}, queue...)
		case flightFailed: // the queue after a failed write is dropped
			return n + 1 + len(queue)
		}
	}
	for i, w := range queue {
		if m.c.opts.WriteGate != nil {
			m.c.opts.WriteGate()
		}
		if _, err := perform(m.c.store, m.c.proj.who, w.req); err != nil {
			return n + len(queue) - i
		}
		if m.c.opts.Saved != nil {
			m.c.opts.Saved()
		}
	}
	m.writes, m.writing = nil, false
	return n
}

// flight is the write sent to the store, shared by the model and the
// command that runs it, so that when the program ends with a write sent
// Run can tell whether it reached the store. Bubble Tea does not wait for
// commands when it quits, and may never start one sent just before.
type flight struct {
	mu      sync.Mutex
	state   flightState
	done    chan struct{} // closed when a started write ends
	stopped bool          // the program has ended: a write not started never starts
}

type flightState int

const (
	flightSent flightState = iota + 1 // zero: nothing sent yet
	flightRunning
	flightSaved
	flightFailed
)

// sent records that the model handed a write to a command.
func (f *flight) sent() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = flightSent
}

// start is called by the command before it writes; false means the program
// has ended and the write must not start.
func (f *flight) start() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return false
	}
	f.state, f.done = flightRunning, make(chan struct{})
	return true
}

// finish records whether the write reached the store.
func (f *flight) finish(saved bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = flightFailed
	if saved {
		f.state = flightSaved
	}
	close(f.done)
}

// stop keeps any write not yet started from starting, waits for one
// running, and tells whether the last write sent reached the store.
func (f *flight) stop() bool { return f.end() == flightSaved }

// end is stop, telling how the last write sent ended (flightSent: it never
// started, and now never will).
func (f *flight) end() flightState {
	f.mu.Lock()
	f.stopped = true
	state, done := f.state, f.done
	f.mu.Unlock()
	if state == flightRunning {
		<-done
		f.mu.Lock()
		state = f.state
		f.mu.Unlock()
	}
	return state
}

// relaySignals hands SIGTERM, SIGHUP and SIGINT to the program as messages
// until stop is called.
func relaySignals(p *tea.Program) (stop func()) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGHUP, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-ch:
				p.Send(signalMsg{sig})
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
