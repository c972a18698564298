package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readCommands are the commands that only read the project.
func readCommands(dir string) [][]string {
	return [][]string{
		{"info"}, {"info", "--format", "json"},
		{"segments"}, {"report", "--by", "role"}, {"quotes"},
		{"export", "--format", "md", filepath.Join(dir, "report.md")},
		{"export", "--format", "qdpx", filepath.Join(dir, "study.qdpx")},
		{"export", "--format", "qdc", filepath.Join(dir, "codebook.qdc")},
		{"codebook", "export", "--format", "qdc"},
		{"agree"}, {"disagreements"}, {"sample"},
		{"codings", "export"}, {"codebook"}, {"codebook", "export"},
		{"log"}, {"check"},
		{"cooccur"}, {"cooccur", "--unit", "case", "--coder", "consensus"},
		{"matrix", "--cols", "cases"}, {"matrix", "--cols", "sources", "--format", "xlsx", "-o", filepath.Join(dir, "m.xlsx")},
		{"segments", "--context", "2"}, {"suggest"}, {"--coder", "alice", "suggest", "--format", "json"},
	}
}

// codedProject is project's survey coded by alice and bob.
func codedProject(t *testing.T) string {
	p, dir := project(t)
	csv := filepath.Join(dir, "codings.csv")
	write(t, csv, "segment,code,coder,start,end,starred,memo\n"+
		"A1,Motivations/Career progression,alice,,,true,promotion\n"+
		"A1,Motivations/Career progression,bob,,,,\n"+
		"A2,Barriers/Release and backfill,alice,,,,\n"+
		"A3,Barriers/Travel and distance,bob,,,,\n")
	mustQcode(t, "-p", p, "codings", "import", csv)
	return p
}

// TestReadCommandsLeaveTheFileAlone runs every command that only reads and
// checks that the project's bytes and time stamp are as they were (a sync
// folder must not see a change).
func TestReadCommandsLeaveTheFileAlone(t *testing.T) {
	project := codedProject(t)
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(project, old, old); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, project)
	for _, args := range readCommands(t.TempDir()) {
		mustQcode(t, append([]string{"-p", project}, args...)...)
		if !stateOf(t, project).same(before) {
			t.Fatalf("%s changed the project file", strings.Join(args, " "))
		}
	}
	if _, err := os.Lstat(project + ".pid"); err == nil {
		t.Errorf("a read left a pid file behind")
	}
}

// TestReadOnlyProject opens a project the user may not write (mode 0400):
// every read works and leaves it alone; a write says, in one line, that it
// is read-only, and changes nothing.
func TestReadOnlyProject(t *testing.T) {
	project := codedProject(t)
	if err := os.Chmod(project, 0o400); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, project)
	dir := t.TempDir()
	for _, args := range readCommands(dir) {
		mustQcode(t, append([]string{"-p", project}, args...)...)
	}
	csv := filepath.Join(dir, "c.csv")
	write(t, csv, "segment,code,coder\nA3,Barriers/Workload and time,alice\n")
	for _, args := range [][]string{
		{"codings", "import", csv},
		{"undo"},
		{"codebook", "rename", "Barriers/Workload and time", "Caseload"},
	} {
		_, errs, code := qcode(t, append([]string{"-p", project}, args...)...)
		if code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, project+" is read-only: ") {
			t.Errorf("%s: exit %d %q; want 1 and one line saying it is read-only", strings.Join(args, " "), code, errs)
		}
	}
	if !stateOf(t, project).same(before) {
		t.Errorf("the read-only project changed")
	}
}
