package main

import (
	"os"
	"regexp"
	"testing"
)

// compact keeps what a user sees, says what it did, and keeps the old file.
func TestCompactCommand(t *testing.T) {
	p, _ := project(t)
	before := snapshot(t, p)
	old, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := mustQcode(t, "-p", p, "compact")
	if !regexp.MustCompile(`^compacted .*p\.qcode: [0-9.]+ KiB → [0-9.]+ KiB \(\d+ records compared\); the file as it was is kept as .*p\.qcode\.bak\n$`).MatchString(out) {
		t.Errorf("compact said %q", out)
	}
	if got := snapshot(t, p); got != before {
		t.Errorf("compact changed the project:\n%s\nwas\n%s", got, before)
	}
	bak, err := os.ReadFile(p + ".bak")
	if err != nil || string(bak) != string(old) {
		t.Errorf("the backup is not the file as it was (%v)", err)
	}
	mustQcode(t, "-p", p, "check")
	if _, errs, code := qcode(t, "-p", p+"x", "compact"); code != 1 || !regexp.MustCompile(`no project at`).MatchString(errs) {
		t.Errorf("compact of no project: exit %d, %q", code, errs)
	}
}
