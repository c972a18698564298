package main

import (
	"os"
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
