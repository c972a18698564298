package tui

import (
	"strings"
	"testing"

	"qcode/coding"
)

// TestReviewMarkKey: x marks the segment "reviewed, nothing applies" through
// the write queue (◌ until saved), u takes it back, a coded segment is not
// marked, and coding a marked segment takes its mark away.
func TestReviewMarkKey(t *testing.T) {
	s := newProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("x")
	frame := h.frame()
	if !strings.Contains(frame, "◌ × reviewed, nothing applies") || !strings.Contains(frame, "1 saving…") {
		t.Errorf("a queued mark must look queued:\n%s", frame)
	}
	h.finishOne()
	frame = h.frame()
	golden(t, "mark-80x24", frame)
	if !strings.Contains(frame, "× reviewed, nothing applies") || strings.Contains(frame, "◌") ||
		!strings.Contains(frame, "saved × reviewed, nothing applies on R001") {
		t.Errorf("after the save:\n%s", frame)
	}
	if m, _ := s.Marked("alice"); m.Len() != 1 {
		t.Fatalf("the store has %d marks, want 1", m.Len())
	}
	// The list shows R001 marked (×) once the cursor has moved on; n skips
	// it as reviewed.
	h.press("j")
	h.drain()
	if !strings.Contains(h.frame(), "× R001") {
		t.Errorf("R001's row should be marked ×:\n%s", h.frame())
	}
	h.press("k", "n")
	h.drain()
	if h.m.current().ID != "R002" {
		t.Errorf("n should pass the marked R001: at %s", h.m.current().ID)
	}

	// u takes the mark back.
	h.press("k", "u")
	h.drain()
	if m, _ := s.Marked("alice"); m.Len() != 0 || strings.Contains(h.frame(), "× reviewed") {
		t.Errorf("undo left the mark (%d):\n%s", m.Len(), h.frame())
	}

	// A coded segment is not marked.
	h.press("2")
	h.drain()
	h.press("x")
	h.drain()
	if m, _ := s.Marked("alice"); m.Len() != 0 || !strings.Contains(h.frame(), "you coded this segment") {
		t.Errorf("x on a coded segment (%d marks):\n%s", m.Len(), h.frame())
	}
	// Coding a marked segment takes the mark away, in one action.
	h.press("j", "x")
	h.drain()
	h.press("2")
	h.drain()
	if m, _ := s.Marked("alice"); m.Len() != 0 || strings.Contains(h.frame(), "× reviewed") {
		t.Errorf("a coded segment kept its mark (%d):\n%s", m.Len(), h.frame())
	}
	h.press("u")
	h.drain()
	if m, _ := s.Marked("alice"); m.Len() != 1 || !strings.Contains(h.frame(), "× reviewed, nothing applies") {
		t.Errorf("undoing the coding should bring the mark back (%d):\n%s", m.Len(), h.frame())
	}
}

// TestSampleFilterProgress: f s lists a sample; the status line says how
// much of it the coder has reviewed, marks and codes counting.
func TestSampleFilterProgress(t *testing.T) {
	s := newProject(t)
	var list []coding.SegmentLine
	for i, id := range []string{"R003", "R005", "R008", "R013", "R021"} {
		list = append(list, coding.SegmentLine{Line: i + 1, ID: id})
	}
	if _, err := s.CreateSample("lead", coding.SampleSpec{Name: "icr", Segments: list}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateSample("lead", coding.SampleSpec{Name: "pilot", Size: "3", Seed: 1}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("fs")
	c, ok := h.m.top().(*chooser)
	if !ok || len(c.items) != 2 || c.items[0].label != "icr (5 segments)" {
		t.Fatalf("sample chooser: %#v", h.m.top())
	}
	h.keys("<enter>")
	if len(h.m.screen.list.refs) != 5 || h.m.current().ID != "R003" || !strings.Contains(h.frame(), "sample icr: reviewed 0/5") {
		t.Fatalf("sample filter: %d segments\n%s", len(h.m.screen.list.refs), h.frame())
	}
	h.keys("x") // R003: nothing applies
	h.keys("j2")
	frame := h.frame()
	golden(t, "sample-80x24", frame)
	if !strings.Contains(frame, "sample icr: reviewed 2/5") {
		t.Errorf("after a mark and a code:\n%s", frame)
	}
	h.keys("u")
	if !strings.Contains(h.frame(), "sample icr: reviewed 1/5") {
		t.Errorf("after undo:\n%s", h.frame())
	}
	h.keys("<esc>")
	if len(h.m.screen.list.refs) != 205 || strings.Contains(h.frame(), "sample icr") {
		t.Errorf("esc clears the sample filter:\n%s", h.frame())
	}
	// A project without samples says so.
	h2 := newHarness(t, newProject(t), 80, 24, Options{})
	h2.keys("fs")
	if len(h2.m.stack) != 0 || !strings.Contains(h2.frame(), "no samples yet") {
		t.Errorf("no samples:\n%s", h2.frame())
	}
}

// TestAgreementViewUnitsAndSample: u cycles the units, s computes on a
// sample, and the review lists the disagreements of the same units.
func TestAgreementViewUnitsAndSample(t *testing.T) {
	s := twoCoders(t)
	// alice also coded R009, which bob never saw.
	if _, err := s.ImportCodings("lead", "c.csv", strings.NewReader("segment,code,coder\nR009,Barriers/Workload and time,alice\n")); err != nil {
		t.Fatal(err)
	}
	list := []coding.SegmentLine{{Line: 1, ID: "R002"}, {Line: 2, ID: "R003"}, {Line: 3, ID: "R006"}}
	if _, err := s.CreateSample("lead", coding.SampleSpec{Name: "icr", Segments: list}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, s, 120, 40, Options{Coder: "lead"})
	h.keys("a")
	v := h.m.top().(*agreeView)
	if v.res.Units != 4 || !strings.Contains(h.frame(), "4 units: segments every coder reviewed") {
		t.Fatalf("default units:\n%s", h.frame())
	}
	workload := func() coding.CodeAgreement {
		for _, c := range v.res.Codes {
			if c.Path == "Barriers/Workload and time" {
				return c
			}
		}
		t.Fatal("no workload row")
		return coding.CodeAgreement{}
	}
	// Workload on the reviewed R001–R004: alice R001 R002, bob R001 R003.
	if w := workload(); w.Disagreements != 2 || w.Used != 3 {
		t.Errorf("reviewed: %+v", w)
	}
	h.keys("u") // coded: R001–R004 and R009
	if v.res.UnitScope != coding.UnitsCoded || v.res.Units != 5 || workload().Disagreements != 3 {
		t.Errorf("coded units: %s %d, %d differ", v.res.UnitScope, v.res.Units, workload().Disagreements)
	}
	h.keys("u") // all 205
	if v.res.UnitScope != coding.UnitsAll || v.res.Units != 205 {
		t.Errorf("all units: %s %d", v.res.UnitScope, v.res.Units)
	}
	h.keys("u")
	if v.res.UnitScope != coding.UnitsReviewed {
		t.Errorf("u should come back to reviewed: %s", v.res.UnitScope)
	}
	h.keys("s")
	c, ok := h.m.top().(*chooser)
	if !ok || len(c.items) != 2 || !strings.HasPrefix(c.items[1].label, "icr") {
		t.Fatalf("sample picker: %#v", h.m.top())
	}
	h.keys("2")
	frame := h.frame()
	// Of R002 R003 R006 both reviewed R002 and R003 (R006: nobody): two
	// units; a sample segment not yet read by everyone is not counted.
	if h.m.top() != v || v.res.UnitScope != coding.UnitsSample || v.res.Units != 2 ||
		!strings.Contains(frame, "2 units: sample icr, the 2 of 3 segments every coder reviewed") || !strings.Contains(frame, "reviewed: alice 2/3, bob 2/3") {
		t.Fatalf("sample:\n%s", frame)
	}
	// On R002 R003 R006: workload alice R002, bob R003 → two items.
	for i, c := range v.res.Codes {
		if c.Path == "Barriers/Workload and time" {
			v.cursor = i
		}
	}
	h.keys("<enter>")
	if r, ok := h.m.top().(*reviewView); !ok || r.list.Total != 2 || r.list.UnitScope != coding.UnitsSample {
		t.Fatalf("review on the sample: %+v", h.m.top())
	}
}
