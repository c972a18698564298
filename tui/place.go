package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// The coder's place (the segment under the cursor) is saved so that qcode
// reopens where they were reading. Saving is one durable commit, so it is
// not done per key: the first move starts a timer, and when it fires the
// segment shown then is saved; quitting saves the last one (see Run).

// placeDelay is how long after a move the place is saved at the latest.
const placeDelay = 2 * time.Second

// placeState is what the store holds of the place and whether a save is
// timed.
type placeState struct {
	saved  coding.SegRef // the place the store has (as far as the screen knows)
	timing bool          // a placeTickMsg is on its way
}

// placeTickMsg says the cursor may have rested: save the place if it moved.
type placeTickMsg struct{}

// tick runs msg after d. Tests replace it with a clock of their own, so
// that no test waits on a timer.
func tick(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// notePlace starts the timer when the cursor is on a segment the store does
// not have as the place. It runs after every message, so it only compares.
func (m *Model) notePlace() tea.Cmd {
	if m.place.timing || !m.c.proj.ready {
		return nil
	}
	if r := m.currentRef(); r == 0 || r == m.place.saved {
		return nil
	}
	m.place.timing = true
	return m.after(placeDelay, placeTickMsg{})
}

// placeTick saves the place the cursor is on now, in a command.
func (m *Model) placeTick() tea.Cmd {
	m.place.timing = false
	r := m.currentRef()
	if r == 0 || r == m.place.saved {
		return nil
	}
	m.place.saved = r
	s, coder := m.c.store, m.c.proj.who
	return func() tea.Msg {
		// A place not saved costs the coder a scroll at most: no message.
		_ = s.SetPlace(coder, r)
		return nil
	}
}

// savePlace saves the place at once; Run calls it when the program has
// ended and the model is no longer updated.
func (m *Model) savePlace() {
	if r := m.currentRef(); r != 0 && r != m.place.saved && m.c.proj.ready {
		if m.c.store.SetPlace(m.c.proj.who, r) == nil {
			m.place.saved = r
		}
	}
}
