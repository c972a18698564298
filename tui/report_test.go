package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportView(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("r")
	frame := h.frame()
	// alice (blind) coded R001–R004: Barriers on R001, R002; Career progression on R003, R004.
	for _, want := range []string{"Report", "your codings", "n = 205 cases", "Workload and time", "█"} {
		if !strings.Contains(frame, want) {
			t.Errorf("report lacks %q:\n%s", want, frame)
		}
	}
	golden(t, "report-120x40", frame)
	v := h.m.overlay.(*reportView)
	var barriers int
	for _, row := range v.rep.Codes {
		if row.Path == "Barriers" {
			barriers = row.Segments
		}
	}
	if barriers != 2 {
		t.Errorf("alice coded Barriers on 2 segments, report says %d", barriers)
	}
	// b splits by the first attribute, then the next.
	h.keys("b")
	if v.q.By == "" || len(v.rep.Columns) == 0 {
		t.Errorf("b should split the table by an attribute: by %q, %d columns", v.q.By, len(v.rep.Columns))
	}
	// Quotes of a code; s stars from the list.
	for i, row := range v.rows() {
		if row.Path == "Barriers/Workload and time" {
			v.cursor = i
		}
	}
	h.keys("<enter>")
	if len(v.quotes.quotes) != 2 || !strings.Contains(h.frame(), "Quotes · Barriers/Workload and time") {
		t.Fatalf("quote list:\n%s", h.frame())
	}
	h.keys("s")
	starred := 0
	for _, row := range codings(t, s) {
		if strings.Contains(row, ",true,") {
			starred++
		}
	}
	if starred != 1 {
		t.Errorf("s in the quote list should star the quote's coding: %v", codings(t, s))
	}
	// x writes the Markdown report next to the project.
	h.keys("<esc>x")
	path := strings.TrimSuffix(s.Path(), filepath.Ext(s.Path())) + "-report.md"
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("x did not write the report: %v (status %q)", err, h.m.status.text)
	}
	for _, want := range []string{"```mermaid", "mindmap", "Workload and time"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !strings.Contains(h.m.status.text, "wrote ") {
		t.Errorf("status %q", h.m.status.text)
	}
}
