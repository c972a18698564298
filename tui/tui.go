// Package tui is qcode's coding screen: a Bubble Tea program that reads
// segments, applies codes by key, and reshapes the codebook.
//
// It shows; it decides nothing. Every read and write goes through package
// coding inside a tea.Cmd, so Update never waits on the disk: a key press
// changes the screen at once (optimistically, where that is safe) and the
// store's answer arrives as a message.
//
// The screen is built from components (a model each, with its own key map,
// Update, View and SetSize) under a router that owns the write queue; see
// common.go, and "How the screen is built" in docs/design-notes.md for how
// to add a view.
package tui

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// Run opens the coding screen on an open project until the user quits.
// It returns an UnsavedError when the user quit without waiting for the
// write queue (or a write failed while a signal drained it); the screen is
// restored by then, so the caller can print it.
func Run(s *coding.Store, opts Options) error {
	m := New(s, opts)
	// Signals reach the model as messages, so that the queue drains first.
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithoutSignalHandler()}, opts.Program...)...)
	if opts.Program == nil {
		stop := relaySignals(p)
		defer stop()
	}
	if opts.Stop != nil || opts.Events != nil {
		defer relay(p, opts.Stop, opts.Events)()
	}
	_, err := p.Run()
	n := m.finishQueue() // waits for a write still running
	m.savePlace()
	if n > 0 {
		if err != nil {
			return fmt.Errorf("%w (%v)", UnsavedError{N: n}, err)
		}
		return UnsavedError{N: n}
	}
	if terminalGone(err) {
		return nil // a hang-up: everything is saved, and nobody is left to tell
	}
	return err
}

// terminalGone tells whether the program ended because its terminal went
// away (reading a closed pseudo-terminal fails with EIO, or ends), which
// is a hang-up that came in through the input before its signal.
func terminalGone(err error) bool {
	return errors.Is(err, syscall.EIO) || errors.Is(err, io.EOF)
}
