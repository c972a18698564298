//go:build linux

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twinProjects makes the same small project in two directories, under the
// same name, so that a command's output is the same in either.
func twinProjects(t *testing.T) (alone, owned string) {
	t.Helper()
	var dirs [2]string
	for i := range dirs {
		dirs[i] = t.TempDir()
		t.Chdir(dirs[i])
		mustQcode(t, "init", "p.qcode", "--codebook", "pq", "--name", "Twin")
		write(t, "survey.csv", "id,respondent,role,answer\n"+
			"A1,P1,Social worker,\"Career progression, and a pay rise\"\n"+
			"A2,P1,Social worker,No backfill and no time\n"+
			"A3,P2,PQ lead,Travel to the university took hours\n")
		write(t, "more.csv", "id,respondent,role,answer\nB1,P4,Team manager,Our manager gave us the time\n")
		write(t, "codings.csv", "segment,code,coder\n"+
			"A1,Motivations/Career progression,alice\n"+
			"A2,Barriers/Release and backfill,alice\n"+
			"A3,Barriers/Travel and distance,bob\n")
		write(t, "bad.csv", "segment,code,coder\nA1,Barriers,alice\nA9,Barriers,alice\n")
		mustQcode(t, "-p", "p.qcode", "import", "survey.csv", "--text-col", "answer", "--id-col", "id", "--case-col", "respondent")
	}
	return dirs[0], dirs[1]
}

// Commands on a project whose coding screen is open run through the
// screen's process: the same stdout, stderr and exit status, byte for byte,
// as the same commands on a twin project nobody holds. Without the socket
// every one of them would fail with "project is open in another qcode".
func TestCommandsThroughTheOwnerMatchStandAlone(t *testing.T) {
	alone, owned := twinProjects(t)
	t.Chdir(owned)
	screen := startTUI(t, "p.qcode")
	screen.waitFor("Travel to the university")
	st, err := os.Lstat(filepath.Join(owned, "p.qcode.sock"))
	if err != nil || st.Mode()&fs.ModeSocket == 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("the owner's socket: %v, mode %v; want a socket of mode 0600", err, st.Mode())
	}
	for _, args := range [][]string{
		{"info"},
		{"codings", "import", "codings.csv"},
		{"codings", "import", "bad.csv"},             // fails: exit 1, one line
		{"report", "--format", "md"},                 // read
		{"segments", "--format", "json"},             // read
		{"code", "A2", "Barriers/Workload and time"}, // write
		{"undo"},
		{"undo"},
		{"redo"},
		{"import", "more.csv", "--text-col", "answer", "--id-col", "id", "--case-col", "respondent"},
		{"import", "more.csv", "--text-col", "answer"}, // refused: imported already
		{"report", "--by", "role"},
		{"codings", "export"},
		{"--coder", "bob", "segments", "--uncoded", "--format", "csv"},
		{"report", "--by"}, // usage error: exit 2
		{"reprot"},         // unknown command: exit 2
		{"info", "--format", "json"},
	} {
		args = append([]string{"-p", "p.qcode"}, args...)
		t.Chdir(alone)
		wantOut, wantErr, wantCode := qcode(t, args...)
		t.Chdir(owned)
		gotOut, gotErr, gotCode := qcode(t, args...)
		if gotOut != wantOut || gotErr != wantErr || gotCode != wantCode {
			t.Errorf("qcode %s through the owner:\n exit %d, stdout %q, stderr %q\nalone:\n exit %d, stdout %q, stderr %q",
				strings.Join(args, " "), gotCode, gotOut, gotErr, wantCode, wantOut, wantErr)
		}
	}
	screen.typeKeys("q")
	if code, errs := screen.wait(); code != 0 {
		t.Fatalf("the screen quit with %d: %s", code, errs)
	}
	if _, err := os.Lstat(filepath.Join(owned, "p.qcode.sock")); !os.IsNotExist(err) {
		t.Errorf("the socket outlived its owner: %v", err)
	}
	// Alone again: the file holds what the commands wrote through the owner.
	t.Chdir(alone)
	want := mustQcode(t, "-p", "p.qcode", "codings", "export")
	t.Chdir(owned)
	if got := mustQcode(t, "-p", "p.qcode", "codings", "export"); got != want {
		t.Errorf("after the owner closed: %q, want %q", got, want)
	}
}

// A second coding screen on a held project runs in the owner, on the same
// store: each status line names the other, and what the second codes is in
// the file once both have quit.
func TestSecondScreenSharesTheOwnersStore(t *testing.T) {
	p, _ := project(t)
	first := startTUI(t, p)
	first.waitFor("Travel to the university")
	second := startQcode(t, "-p", p, "--coder", "bob")
	second.waitFor("bob · coded")
	second.waitFor("with alice")
	first.waitFor("with bob")
	second.release()
	first.release()
	second.typeKeys("1")
	second.waitFor("saved 1")
	second.typeKeys("q")
	if code, errs := second.wait(); code != 0 {
		t.Fatalf("the second screen quit with %d: %s", code, errs)
	}
	first.typeKeys("q")
	if code, errs := first.wait(); code != 0 {
		t.Fatalf("the first screen quit with %d: %s", code, errs)
	}
	if n := storedCodings(t, p); n != 1 {
		t.Errorf("%d codings stored; want bob's 1", n)
	}
}

// The owner's screen quits first: the second screen, running in it, is
// told, saves what it was saving and ends, and its client exits cleanly.
func TestOwnerQuitsBeforeTheSecondScreen(t *testing.T) {
	p, _ := project(t)
	first := startTUI(t, p)
	first.release()
	first.waitFor("Travel to the university")
	second := startQcode(t, "-p", p, "--coder", "bob")
	second.release()
	second.waitFor("with alice")
	second.typeKeys("1")
	second.waitFor("saved 1")
	first.typeKeys("q")
	if code, errs := first.wait(); code != 0 {
		t.Fatalf("the owner quit with %d: %s", code, errs)
	}
	if code, errs := second.wait(); code != 0 {
		t.Errorf("the second screen's client exited %d: %s", code, errs)
	}
	if n := storedCodings(t, p); n != 1 {
		t.Errorf("%d codings stored; want bob's 1", n)
	}
}
