// Package tui is qcode's coding screen: a Bubble Tea program that reads
// segments, applies codes by key, and reshapes the codebook.
//
// It shows; it decides nothing. Every read and write goes through package
// coding inside a tea.Cmd, so Update never waits on the disk: a key press
// changes the screen at once (optimistically, where that is safe) and the
// store's answer arrives as a message.
package tui

import (
	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// Run opens the coding screen on an open project until the user quits.
func Run(s *coding.Store, opts Options) error {
	_, err := tea.NewProgram(New(s, opts)).Run()
	return err
}
