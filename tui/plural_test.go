package tui

import (
	"path/filepath"
	"strings"
	"testing"

	"qcode/coding"
	"qcode/corpus"
)

// Counts read "1 match", "2 matches" everywhere: a project of one answer
// says "1 segment", its attribute "1 value", a search "1 match".
func TestCountsReadRight(t *testing.T) {
	s, err := coding.Create(filepath.Join(t.TempDir(), "one.qcode"), coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	src := &corpus.Source{Name: "survey", File: "survey.csv", Hash: "h", Segments: []corpus.Segment{
		{ID: "A1", Case: "P1", Text: "No time for study.", Attributes: []corpus.Attribute{{Name: "role", Value: "PQ lead"}}}}}
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	if !strings.Contains(h.frame(), "1 segment · press ? for help") {
		t.Errorf("first frame:\n%s", h.frame())
	}
	h.keys("fa")
	if got := labels(h.m.top().(*chooser)); len(got) != 1 || got[0] != "role (1 value)" {
		t.Errorf("attribute chooser: %q", got)
	}
	h.keys("<esc>/time<enter>")
	if f := h.frame(); !strings.Contains(f, "(1 match · n/N)") || !strings.Contains(f, `1 segment contains "time"`) {
		t.Errorf("one match:\n%s", f)
	}
	h.keys("fu")
	if f := h.frame(); !strings.Contains(f, "1 segment listed") {
		t.Errorf("one listed:\n%s", f)
	}
	h.keys("A")
	if f := h.frame(); !strings.Contains(f, "Code the segment of the filter with…") {
		t.Errorf("A on one segment:\n%s", f)
	}
}
