package tui

import (
	"strings"
	"testing"
)

// qcode reopens at the segment the coder last had on screen, not at their
// last action, and each coder at their own.
func TestReopensWhereTheCoderWasReading(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	h.keys("2jjjjj") // code R001, read on to R006
	h.fire()
	h.keys("jj") // R008, then quit before the timer fires
	h.end()
	journal, err := s.History(100)
	if err != nil {
		t.Fatal(err)
	}

	again := newHarness(t, s, 80, 24, Options{})
	if seg := again.m.current(); seg == nil || seg.ID != "R008" {
		t.Fatalf("alice reopens at %v, want R008 where she was reading:\n%s", seg, again.frame())
	}
	if !strings.Contains(again.frame(), "coded 1/205") {
		t.Errorf("the place changed what counts as coded:\n%s", again.frame())
	}
	if after, _ := s.History(100); len(after) != len(journal) {
		t.Errorf("reopening journaled %d entries", len(after)-len(journal))
	}
	again.keys("u") // takes back the coding: a place is not an action
	if got := codings(t, s); len(got) != 0 {
		t.Errorf("u after reopening left %v", got)
	}
	bob := newHarness(t, s, 80, 24, Options{Coder: "bob"})
	if seg := bob.m.current(); seg == nil || seg.ID != "R001" {
		t.Errorf("bob, who never opened the project, starts at %v, want R001", seg)
	}
}

// Moving through the list writes nothing per key: one timer runs at a
// time, and only its firing (or quitting) saves the place.
func TestPlaceIsSavedWhenTheCursorRests(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	for range 30 {
		h.keys("j")
	}
	if n := len(h.timers); n != 1 {
		t.Errorf("30 moves set %d timers, want 1", n)
	}
	if r, ok := s.Place("alice"); ok {
		t.Errorf("the place was written (%d) before its timer fired", r)
	}
	h.fire()
	if r, _ := s.Place("alice"); r != h.m.currentRef() {
		t.Errorf("the timer saved %d, want the segment on screen %d", r, h.m.currentRef())
	}
	if n := len(h.timers); n != 0 {
		t.Errorf("resting set %d more timers", n)
	}
	h.keys("jk") // back where the store has it: nothing to save
	h.fire()
	if r, _ := s.Place("alice"); r != h.m.currentRef() {
		t.Errorf("place %d, want %d", r, h.m.currentRef())
	}
}
