package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qcode/coding/codingtest"
)

// A project left by an older qcode is upgraded once, with a backup, by the
// first command that reads it, and read as asked; afterwards reading
// leaves it alone. A file the user may not write is not upgraded and says
// what to do.
func TestReadingAnOlderProjectUpgradesItOnce(t *testing.T) {
	p, _ := project(t)
	before := mustQcode(t, "-p", p, "segments", "--format", "json")
	codingtest.AsSchema2(t, p)

	if err := os.Chmod(p, 0o400); err != nil {
		t.Fatal(err)
	}
	_, errs, code := qcode(t, "-p", p, "info")
	if code != 1 || !strings.Contains(errs, "older schema (2)") || strings.Count(errs, "\n") != 1 {
		t.Errorf("read-only older file: exit %d, %q", code, errs)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}

	out, errs := mustQcodeErr(t, "-p", p, "segments", "--format", "json")
	if out != before || !strings.Contains(errs, "upgraded "+p) || !strings.Contains(errs, p+".schema2.bak") {
		t.Errorf("first read: stderr %q, same output %v", errs, out == before)
	}
	if _, err := os.Stat(p + ".schema2.bak"); err != nil {
		t.Errorf("no backup: %v", err)
	}
	st := stateOf(t, p)
	if _, errs = mustQcodeErr(t, "-p", p, "info"); strings.Contains(errs, "upgraded") {
		t.Errorf("second read upgraded again: %q", errs)
	}
	if !stateOf(t, p).same(st) {
		t.Errorf("reading an upgraded project changed it")
	}
}

// TestASchema4ProjectMigratesExactly opens a project written by the
// schema-4 qcode (testdata/schema4/v4.qcode, made with commit f102dcc: the
// study survey and focus groups fg2 and fg3 imported by lead, the
// transcripts' codings imported, alice's and bob's `code --search`, an
// import of interview-lead-03.md undone and dropped, an import of
// interview-lead-03-followup.md undone, so that its records sit in the
// journal as that qcode wrote them; then compacted). The schema-4 qcode's
// `segments --format json` of that file, of it after `redo`, and after a
// further two undos are the .json files beside it. Schema 5 moves texts
// into chunks and the bysource index into the source records: every
// segment, text, attribute and coding must read the same, and the undone
// import must come back from its schema-4 journal entry exactly.
func TestASchema4ProjectMigratesExactly(t *testing.T) {
	p := filepath.Join(t.TempDir(), "v4.qcode")
	fixture, err := os.ReadFile("testdata/schema4/v4.qcode")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	want := func(name string) string {
		b, err := os.ReadFile("testdata/schema4/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	segments := func(step string, golden string) {
		t.Helper()
		if got := mustQcode(t, "-p", p, "segments", "--format", "json"); got != want(golden) {
			t.Errorf("%s: segments differ from what the schema-4 qcode listed (%s)", step, golden)
		}
	}
	out, errs := mustQcodeErr(t, "-p", p, "segments", "--format", "json")
	if out != want("segs4.json") || !strings.Contains(errs, "upgraded "+p) {
		t.Errorf("first read: stderr %q, same segments %v", errs, out == want("segs4.json"))
	}
	if _, err := os.Stat(p + ".schema4.bak"); err != nil {
		t.Errorf("no backup: %v", err)
	}
	if info := mustQcode(t, "-p", p, "info"); !strings.Contains(info, "schema 5") {
		t.Errorf("info after the upgrade:\n%s", info)
	}
	mustQcode(t, "-p", p, "check")
	mustQcode(t, "-p", p, "--coder", "lead", "redo") // the followup import, from its schema-4 snapshot
	segments("redo of the undone import", "segs4-redo.json")
	mustQcode(t, "-p", p, "check")
	mustQcode(t, "-p", p, "--coder", "lead", "undo")
	mustQcode(t, "-p", p, "--coder", "lead", "undo")
	segments("two undos", "segs4-undo2.json")
	mustQcode(t, "-p", p, "--coder", "lead", "redo")
	mustQcode(t, "-p", p, "--coder", "lead", "redo")
	segments("two redos", "segs4-redo.json")
	if out := mustQcode(t, "-p", p, "check"); !strings.HasPrefix(out, "ok") {
		t.Errorf("check: %s", out)
	}
}

// TestTornSchema4ProjectRecoversThenMigrates: the project and write-ahead
// file a schema-4 qcode left with an action in it
// (coding/testdata/schema4/pending.qcode, see
// TestSchema4PendingRecordAppliedBeforeTheMigration: copied before that
// action's commit), and then the meta page that commit writes (the older
// one) torn, as a power cut during the commit leaves it.
// The first command applies the action (rewriting the page) on the file as
// that qcode left it, then upgrades it: both of alice's codings are there
// and the project checks.
func TestTornSchema4ProjectRecoversThenMigrates(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pending.qcode")
	codingtest.CopyFile(t, "../../coding/testdata/schema4/pending.qcode", p)
	codingtest.CopyFile(t, "../../coding/testdata/schema4/pending.qcode.wal", p+".wal")
	page := 1 - codingtest.Newest(t, p)
	old, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	codingtest.TearMeta(t, p, page, old, codingtest.Tears()[0])
	out, errs := mustQcodeErr(t, "-p", p, "codings", "export")
	note := fmt.Sprintf("bbolt's meta page %d, torn by that stop, is rewritten", page)
	if !strings.Contains(errs, note) || !strings.Contains(errs, "upgraded "+p) {
		t.Errorf("stderr %q: want the torn page's note and the upgrade", errs)
	}
	if !strings.Contains(out, "base-1,") || !strings.Contains(out, "base-2,") {
		t.Errorf("alice's two codings are not both there:\n%s", out)
	}
	if info := mustQcode(t, "-p", p, "info"); !strings.Contains(info, "schema 5") {
		t.Errorf("info after the upgrade:\n%s", info)
	}
	if out := mustQcode(t, "-p", p, "check"); !strings.HasPrefix(out, "ok") {
		t.Errorf("check: %s", out)
	}
}
