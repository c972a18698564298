package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"qcode/coding"
)

// Regression tests for what review found in the screen.

// collect runs a command and returns its messages, without feeding them back.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

func TestReadOlderThanAWriteIsDropped(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 100, 30, Options{Coder: "alice"})
	h.keys("2j")
	// C reloads; the reload reads the store before the write of 2 commits,
	// and its answer arrives after the write's.
	_, reload := h.m.Update(tea.KeyPressMsg{Code: 'C', Text: "C"})
	stale := collect(reload)
	_, write := h.m.Update(tea.KeyPressMsg{Code: '2', Text: "2"})
	for _, msg := range collect(write) {
		h.send(msg)
	}
	for _, msg := range stale {
		h.send(msg)
	}
	if !h.m.c.proj.coded.Has(h.m.currentRef()) || h.m.c.proj.ncoded != 2 {
		t.Errorf("after a stale reload the screen shows R002 uncoded (coded %d)", h.m.c.proj.ncoded)
	}
	if !strings.Contains(h.frame(), "coded 2/205") {
		t.Errorf("status line:\n%s", h.frame())
	}
}

func TestQueuedToggleKeepsWhatTheUserSaw(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 100, 30, Options{Coder: "alice"})
	h.keys("2j")
	_, first := h.m.Update(tea.KeyPressMsg{Code: '2', Text: "2"})  // apply
	_, second := h.m.Update(tea.KeyPressMsg{Code: '2', Text: "2"}) // remove, queued
	if second != nil {
		t.Fatal("the second write should wait in the queue")
	}
	var next tea.Cmd
	for _, msg := range collect(first) {
		_, next = h.m.Update(msg)
	}
	if seg := h.m.current(); len(seg.Codings) != 0 {
		t.Errorf("while the removal is queued the screen must not show the code again: %+v", seg.Codings)
	}
	h.run(next)
	if got := codings(t, s); len(got) != 1 || !strings.HasPrefix(got[0], "R001,") {
		t.Errorf("store: %v (R002 applied then removed)", got)
	}
	// A third press acts on what the screen shows: apply.
	h.keys("2")
	if got := codings(t, s); len(got) != 2 {
		t.Errorf("third press should apply: %v", got)
	}
}

func TestHighlightNonASCII(t *testing.T) {
	st := lipgloss.NewStyle()
	for _, c := range []struct{ text, q string }{{"Mi", "İ"}, {"İstanbul", "i"}, {"Kelvin K", "k"}, {"Å ångström", "å"}} {
		if got := highlight(c.text, c.q, st); got != c.text {
			t.Errorf("highlight(%q, %q) = %q: with no style the text must come back unchanged", c.text, c.q, got)
		}
	}
}

func TestQuotesKeysBeforeTheyLoad(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("2j2r")
	_, load := h.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	h.m.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	h.run(load)
	h.keys("js")
	if !strings.Contains(h.frame(), "★") {
		t.Errorf("s should star a quote once they are loaded:\n%s", h.frame())
	}
}

func TestFailedDecisionDoesNotHangTheReview(t *testing.T) {
	s := exclusiveKirkpatrick(t, newProject(t))
	refs, _ := s.SegmentRefs(coding.SegmentQuery{})
	l1, _ := s.Codebook().Lookup("Kirkpatrick/L1 Reaction")
	l2, _ := s.Codebook().Lookup("Kirkpatrick/L2 Learning")
	s.Apply("alice", refs[0], l1.ID, coding.Span{})
	s.Apply("bob", refs[0], l2.ID, coding.Span{})
	h := newHarness(t, s, 120, 40, Options{Coder: "lead"})
	h.keys("a")
	v := h.m.top().(*agreeView)
	for i, c := range v.res.Codes {
		if c.Path == "Kirkpatrick" {
			v.cursor = i
		}
	}
	h.keys("<enter>a") // the union of two levels of an exclusive group cannot be taken
	if !strings.Contains(h.m.status.text, "not saved") {
		t.Errorf("the refusal should show: %q", h.m.status.text)
	}
	if strings.Contains(h.frame(), "saving the decision") {
		t.Errorf("a refused decision must not leave the review saving:\n%s", h.frame())
	}
	h.keys("1")
	if list, _ := s.Disagreements(coding.DisagreeQuery{Code: "Kirkpatrick"}); list.Settled != 1 {
		t.Errorf("after a refusal the next decision still works: settled %d", list.Settled)
	}
}

// An answer may reach a dialog that is no longer on top (? was pressed
// while it read): it replaces that dialog, in its place, and the help
// stays on top.
func TestAnswerUnderTheHelp(t *testing.T) {
	h := newHeld(t, newProject(t), 80, 24)
	h.press("fa") // the attributes are read in a command, held
	h.press("?")
	if _, ok := h.m.top().(*helpView); !ok {
		t.Fatalf("? should open the help over the filter: %T", h.m.top())
	}
	h.drain() // the attributes arrive
	if _, ok := h.m.top().(*helpView); !ok || len(h.m.stack) != 2 {
		t.Fatalf("the help must stay on top: %T, %d open", h.m.top(), len(h.m.stack))
	}
	h.press(tea.KeyPressMsg{Code: tea.KeyEscape})
	if c, ok := h.m.top().(*chooser); !ok || !strings.HasPrefix(c.title, "Filter by which attribute") {
		t.Errorf("under the help, the attribute chooser: %T", h.m.top())
	}
}
