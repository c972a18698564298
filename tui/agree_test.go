package tui

import (
	"strings"
	"testing"

	"qcode/coding"
)

// twoCoders gives alice and bob overlapping but different codings on
// R001–R004, which both reviewed (bob marked R002 "nothing applies").
func twoCoders(t *testing.T) *coding.Store {
	t.Helper()
	s := newProject(t)
	csv := "segment,code,coder\n" +
		"R001,Barriers/Workload and time,alice\nR001,Barriers/Workload and time,bob\n" +
		"R002,Barriers/Workload and time,alice\nR002,,bob\n" +
		"R003,Barriers/Workload and time,bob\nR003,Motivations/Career progression,alice\n" +
		"R004,Motivations/Career progression,alice\nR004,Motivations/Career progression,bob\n"
	if _, err := s.ImportCodings("lead", "c.csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAgreementViewAndSettling(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "lead"})
	h.keys("a")
	frame := h.frame()
	for _, want := range []string{"Agreement", "alice, bob", "4 units: segments every coder reviewed", "Career progression", "Landis & Koch", "almost perfect"} {
		if !strings.Contains(frame, want) {
			t.Errorf("agreement table lacks %q:\n%s", want, frame)
		}
	}
	golden(t, "agree-120x40", frame)
	h.keys("G")
	for i := 0; i < 60; i++ {
		h.keys("j")
	}
	if !strings.Contains(h.frame(), "overall (leaf codes pooled)") {
		t.Errorf("scrolling down should reach the overall row:\n%s", h.frame())
	}
	// Down to Barriers/Workload and time and review it.
	v := h.m.top().(*agreeView)
	for i, c := range v.res.Codes {
		if c.Path == "Barriers/Workload and time" {
			v.cursor = i
		}
	}
	h.keys("<enter>")
	frame = h.frame()
	if !strings.Contains(frame, "Disagreements · Barriers/Workload and time") || !strings.Contains(frame, "1 of 2 · settled 0 of 2") {
		t.Fatalf("review screen:\n%s", frame)
	}
	golden(t, "disagreement-120x40", frame)
	h.keys("1") // R002: take alice's version (she applied it)
	rows := codings(t, s)
	found := false
	for _, r := range rows {
		found = found || strings.HasPrefix(r, "R002,Barriers/Workload and time,consensus,,,false,")
	}
	if !found {
		t.Errorf("consensus should have alice's coding on R002: %v", rows)
	}
	if !strings.Contains(h.m.status.text, "settled 1 of 2") {
		t.Errorf("status %q", h.m.status.text)
	}
	h.keys("0") // R003: none
	list, err := s.Disagreements(coding.DisagreeQuery{Code: "Barriers/Workload and time"})
	if err != nil || list.Settled != 2 || list.Total != 2 {
		t.Errorf("after two decisions: settled %d of %d (%v)", list.Settled, list.Total, err)
	}
	// Undo takes back the last decision.
	h.keys("<esc><esc>u")
	list, _ = s.Disagreements(coding.DisagreeQuery{Code: "Barriers/Workload and time"})
	if list.Settled != 1 {
		t.Errorf("undo should unsettle the last decision: settled %d", list.Settled)
	}
}

func TestAgreementViewNeedsTwoCoders(t *testing.T) {
	h := newHarness(t, newProject(t), 80, 24, Options{})
	h.keys("a")
	if !strings.Contains(h.frame(), "two coders") {
		t.Errorf("with no coders the view should explain:\n%s", h.frame())
	}
}
