package coding

import (
	"errors"
	"testing"

	"qcode/corpus"
)

// Regression tests for undo and redo across actions made since (found by
// review and the random test).

func TestRedoAfterADroppedEntry(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	x, y := code(t, s, "Motivations/Career progression"), code(t, s, "Barriers/Travel and distance")
	start := dump(s)
	s.Apply("alice", refs[0], x, Span{})
	s.Apply("alice", refs[1], y, Span{})
	s.Undo("alice") // the second apply is undone, then dropped by the star
	s.SetStar("alice", CodingKey{Seg: refs[0], Code: x, Coder: mustCoder(t, s, "alice")}, true)
	s.Undo("alice") // star
	s.Undo("alice") // first apply
	r, err := s.Redo("alice")
	if err != nil || r.Desc != "apply Motivations/Career progression" {
		t.Fatalf("redo should bring back the first apply: %q %v", r.Desc, err)
	}
	if r, err := s.Redo("alice"); err != nil || r.Desc != "star Motivations/Career progression" {
		t.Errorf("the second redo brings back the star: %q %v", r.Desc, err)
	}
	for {
		if _, err := s.Undo("alice"); err != nil {
			break
		}
	}
	if dump(s) != start {
		t.Errorf("undoing everything did not return to the start")
	}
}

func TestUndoRefusesToOrphanCodings(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	c, _, err := s.AddCode("lead", "Emerging/Stigma", CodeDetails{})
	if err != nil {
		t.Fatal(err)
	}
	s.Apply("alice", refs[0], c.ID, Span{})
	if _, err := s.Undo("lead"); !errors.Is(err, ErrConflict) {
		t.Errorf("undoing the new code under alice's coding: %v, want a conflict", err)
	}
	if err := checkInvariants(s); err != nil {
		t.Error(err)
	}
	s.Undo("alice")
	if _, err := s.Undo("lead"); err != nil {
		t.Errorf("once alice's coding is undone, the code can go: %v", err)
	}
}

func TestRedoRefusesARemovedSegment(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	s.Apply("alice", refs[0], code(t, s, "Motivations"), Span{})
	s.Undo("alice")
	if _, err := s.Undo("lead"); err != nil { // the import
		t.Fatal(err)
	}
	if _, err := s.Redo("alice"); !errors.Is(err, ErrConflict) {
		t.Errorf("redo onto a removed segment: %v, want a conflict", err)
	}
	if err := checkInvariants(s); err != nil {
		t.Error(err)
	}
}

func TestUndoRefusesADuplicatePath(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	s.Apply("alice", refs[0], code(t, s, "Barriers/Travel and distance"), Span{})
	s.DeleteCode("lead", "Barriers/Travel and distance")
	if _, _, err := s.AddCode("bob", "Barriers/Travel and distance", CodeDetails{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); !errors.Is(err, ErrConflict) {
		t.Errorf("restoring a code whose path is taken: %v, want a conflict", err)
	}
}

func TestUndoImportKeepsASharedCaseName(t *testing.T) {
	s, _ := newProject(t)
	s.ImportSource("alice", newSrc("a", 2, "ha", false), ImportOptions{})
	s.ImportSource("bob", newSrc("b", 2, "hb", false), ImportOptions{})
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
	s.ImportSource("carol", newSrc("c", 2, "hc", false), ImportOptions{})
	cases, _ := s.Cases()
	if len(cases) != 2 { // P0 and P1, shared by b and c
		t.Errorf("cases %+v: a shared case was duplicated", cases)
	}
	res, _ := s.ImportCases("lead", []corpus.Case{{Name: "P0", Attributes: []corpus.Attribute{{Name: "role", Value: "x"}}}})
	if res.Matched != 1 {
		t.Errorf("cases import matched %d", res.Matched)
	}
}

func TestMergeIntoTheParent(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	if _, _, err := s.AddCode("lead", "X/B/B/C", CodeDetails{}); err != nil {
		t.Fatal(err)
	}
	s.Apply("alice", refs[0], code(t, s, "X/B/B/C"), Span{})
	s.Apply("alice", refs[1], code(t, s, "X/B/B"), Span{})
	if _, err := s.MergeCode("lead", "X/B", "X"); err != nil {
		t.Fatalf("merge X/B into X: %v", err)
	}
	for _, p := range []string{"X/B", "X/B/C"} {
		if _, ok := s.Codebook().Lookup(p); !ok {
			t.Errorf("after the merge %s should exist (X/B/B moved up)", p)
		}
	}
	if err := checkInvariants(s); err != nil {
		t.Error(err)
	}
}
