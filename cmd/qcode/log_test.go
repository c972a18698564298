package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A lead imports and merges; alice and bob code their copies. qcode log
// lists what undo would take back for the coder asking, --all everyone's
// with who may undo each; a coder with nothing of their own to undo is
// told so, and whose the latest action is, and nothing changes.
func TestLogAndUndoOwnership(t *testing.T) {
	project := teamFixture(t) // lead: import, codings import
	dir := filepath.Dir(project)
	copyTo := func(name string) string {
		p := filepath.Join(dir, name)
		b, _ := os.ReadFile(project)
		os.WriteFile(p, b, 0o600)
		return p
	}
	carol := copyTo("carol.qcode")
	codings := filepath.Join(dir, "carol.csv")
	os.WriteFile(codings, []byte("segment,code,coder\nA6,Barriers/Workload and time,carol\n"), 0o600)
	mustQcode(t, "-p", carol, "--coder", "carol", "codings", "import", codings)
	mustQcodeErr(t, "-p", project, "--coder", "lead", "merge", carol)
	mustQcodeErr(t, "-p", project, "--coder", "alice", "codebook", "add", "Barriers/Stigma")

	// alice's log: her one action, next to undo.
	out := mustQcode(t, "-p", project, "--coder", "alice", "log", "--format", "json")
	var mine []logEntryJSON
	if err := json.Unmarshal([]byte(out), &mine); err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].Action != "add code Barriers/Stigma" || !mine[0].Yours || !mine[0].NextUndo || mine[0].UndoWith != "qcode undo" {
		t.Errorf("alice's log: %s", out)
	}
	// --all: every action, newest first, the lead's to be undone by the lead.
	out = mustQcode(t, "-p", project, "--coder", "alice", "log", "--all", "--format", "json")
	var all []logEntryJSON
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range all {
		got = append(got, e.Coder+": "+strings.Fields(e.Action)[0]+" → "+e.UndoWith)
	}
	want := []string{"alice: add → qcode undo", "lead: merge → qcode --coder lead undo", "lead: import → qcode --coder lead undo", "lead: import → qcode --coder lead undo"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log --all:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !all[1].NextUndo || all[2].NextUndo || all[1].Yours {
		t.Errorf("the merge is the lead's next undo, not alice's: %+v", all[1:3])
	}
	table := mustQcode(t, "-p", project, "--coder", "alice", "log", "--all")
	if !strings.Contains(table, "done · next undo  qcode --coder lead undo") {
		t.Errorf("log --all table:\n%s", table)
	}

	// bob coded (through the lead's codings import) but made no action.
	before := snapshot(t, project)
	_, errs, code := qcode(t, "-p", project, "--coder", "bob", "undo")
	if code != 1 || !strings.Contains(errs, "nothing to undo for coder bob: the latest action, #4 add code Barriers/Stigma, is alice's (qcode --coder alice undo takes it back)") {
		t.Errorf("bob's undo: exit %d %s", code, errs)
	}
	_, errs = mustQcodeErr(t, "-p", project, "--coder", "bob", "log")
	if !strings.Contains(errs, "coder bob has made no action: nothing to undo") {
		t.Errorf("bob's log: %s", errs)
	}
	// Once alice's action is undone, the newest still done is the merge:
	// still not bob's (nor alice's) to take.
	mustQcodeErr(t, "-p", project, "--coder", "alice", "undo")
	before = snapshot(t, project)
	for _, who := range []string{"bob", "alice", "carol"} {
		_, errs, code = qcode(t, "-p", project, "--coder", who, "undo")
		if code != 1 || !strings.Contains(errs, "is lead's (qcode --coder lead undo takes it back)") {
			t.Errorf("%s's undo: exit %d %s", who, code, errs)
		}
	}
	if after := snapshot(t, project); after != before {
		t.Error("an undo by someone with nothing to undo changed the project")
	}
	// The lead's undo takes back the whole merge.
	_, errs = mustQcodeErr(t, "-p", project, "--coder", "lead", "undo")
	if !strings.Contains(errs, "undone: merge") {
		t.Errorf("lead's undo: %s", errs)
	}
	if out := mustQcode(t, "-p", project, "--coder", "lead", "log"); !strings.Contains(out, "undone (redo)") || !strings.Contains(out, "done · next undo") {
		t.Errorf("lead's log after the undo:\n%s", out)
	}
}
