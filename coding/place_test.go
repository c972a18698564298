package coding

import (
	"errors"
	"testing"
)

// A place is per coder, survives a reopen, and is not an action: no journal
// entry, no undo, no coder created.
func TestPlace(t *testing.T) {
	s, path := newProject(t)
	refs := importSurvey(t, s, "survey")
	if _, ok := s.Place("alice"); ok {
		t.Fatal("a new project has a place for alice")
	}
	before, err := s.History(100)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPlace("alice", refs[2]); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPlace("bob", refs[4]); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPlace("alice", refs[3]); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPlace("alice", refs[3]); err != nil { // unchanged
		t.Fatal(err)
	}
	if err := s.SetPlace("alice", SegRef(1<<40)); !errors.Is(err, ErrNotFound) {
		t.Errorf("a place on a missing segment: %v, want ErrNotFound", err)
	}
	after, err := s.History(100)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("setting places journaled %d entries", len(after)-len(before))
	}
	if _, ok := s.CoderID("alice"); ok {
		t.Errorf("setting a place made alice a coder")
	}
	if _, err := s.Undo("alice"); !errors.Is(err, ErrNothingUndo) {
		t.Errorf("undo after setting places: %v, want nothing to undo", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for coder, want := range map[string]SegRef{"alice": refs[3], "bob": refs[4], "carol": 0} {
		if got, _ := s.Place(coder); got != want {
			t.Errorf("after a reopen %s's place is %d, want %d", coder, got, want)
		}
	}
	// The segment's import undone: the place is gone with it.
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got, ok := s.Place("alice"); ok {
		t.Errorf("alice's place %d outlived its segment", got)
	}
}
