package tui

import (
	"strings"
	"testing"
)

// A lead's agreement view on a shared store follows the coders: a write
// by another session is read within one watch tick (a second), and the
// status line names who is connected. The figures: R005 coded the same by
// alice and bob adds a fifth unit every coder reviewed.
func TestSharedScreenFollowsOthersWrites(t *testing.T) {
	s := twoCoders(t)
	peers := []string{"alice", "bob"}
	h := newHarness(t, s, 120, 40, Options{Coder: "lead", Peers: func() []string { return peers }})
	h.keys("a")
	h.fire() // the first look: the generation as it is now
	frame := h.frame()
	if !strings.Contains(frame, "4 units: segments every coder reviewed") || !strings.Contains(frame, "with alice, bob") {
		t.Fatalf("before:\n%s", frame)
	}
	csv := "segment,code,coder\nR005,Barriers/Workload and time,alice\nR005,Barriers/Workload and time,bob\n"
	if _, err := s.ImportCodings("alice", "more.csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	h.fire()
	if frame := h.frame(); !strings.Contains(frame, "5 units: segments every coder reviewed") {
		t.Errorf("after a coder's write and one tick, the view should count 5 units:\n%s", frame)
	}
	peers = nil
	h.fire()
	if strings.Contains(h.frame(), "with alice") {
		t.Errorf("nobody is connected any more:\n%s", h.frame())
	}
}

// A screen alone sets no watch timer: it never reads again for nothing.
func TestScreenAloneDoesNotWatch(t *testing.T) {
	h := newHarness(t, twoCoders(t), 80, 24, Options{})
	for _, msg := range h.timers {
		if _, ok := msg.(watchAsk); ok {
			t.Fatal("a screen alone set a watch timer")
		}
	}
}

// A command run through the owner's socket (nobody connected to a screen)
// moves the generation while the owner's screen saved nothing: the screen
// reads what it shows again.
func TestOwnersScreenFollowsACommand(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "lead", Peers: func() []string { return nil }})
	h.keys("a")
	h.fire()
	csv := "segment,code,coder\nR005,Barriers/Workload and time,alice\nR005,Barriers/Workload and time,bob\n"
	if _, err := s.ImportCodings("lead", "more.csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	h.fire()
	if frame := h.frame(); !strings.Contains(frame, "5 units: segments every coder reviewed") {
		t.Errorf("after a command's write and one tick, the view should count 5 units:\n%s", frame)
	}
}
