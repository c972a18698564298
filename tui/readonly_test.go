package tui

import (
	"os"
	"strings"
	"testing"

	"qcode/coding"
)

// A project the user may not write opens read-only: the screen says so
// from the first frame, and a digit is refused in one line, storing nothing.
func TestReadOnlyProjectSaysSo(t *testing.T) {
	s := newProject(t)
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	ro, err := coding.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	h := newHarness(t, ro, 80, 24, Options{})
	if f := h.frame(); !strings.Contains(f, "read-only") || !strings.Contains(f, "not code") {
		t.Fatalf("a read-only project should say so at once:\n%s", f)
	}
	h.keys("2")
	if f := h.frame(); !strings.Contains(f, "not saved") || !strings.Contains(f, "read-only") {
		t.Errorf("a digit on a read-only project should say it was not saved:\n%s", f)
	}
	if got := codings(t, ro); len(got) != 0 {
		t.Errorf("read-only project took codings: %v", got)
	}
}
