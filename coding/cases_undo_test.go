package coding

import (
	"errors"
	"strings"
	"testing"

	"qcode/corpus"
)

// TestUndoImportKeepsAColleaguesCaseAttributes: lead imports a survey,
// bob gives one of its respondents an attribute from a cases sheet; lead's
// undo of the import would delete that case and its redo make it again
// without bob's attribute, so the undo is refused until bob's change is
// undone, and nothing is lost either way.
func TestUndoImportKeepsAColleaguesCaseAttributes(t *testing.T) {
	s, _ := newProject(t)
	importSurvey(t, s, "s")
	if _, err := s.ImportCases("bob", []corpus.Case{{Name: "A", Attributes: []corpus.Attribute{{Name: "team", Value: "North"}}}}); err != nil {
		t.Fatal(err)
	}
	withBob := dump(s)
	_, err := s.Undo("lead")
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), `case "A" was given attributes by a later action`) {
		t.Fatalf("undo of the import under bob's attribute: %v", err)
	}
	if dump(s) != withBob {
		t.Fatal("the refused undo changed the project")
	}
	if _, err := s.Undo("bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatalf("undo once bob's change is undone: %v", err)
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Redo("bob"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != withBob {
		t.Errorf("after the redos:\n%s", diffLines(withBob, got))
	}
}
