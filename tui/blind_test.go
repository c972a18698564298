package tui

import (
	"strings"
	"testing"

	"qcode/coding"
)

// A blind coder's screen (a coder of a served project) refuses the other
// coders' codings, the agreement view and a filter on another's codings.
func TestBlindScreenRefusesOthersCodings(t *testing.T) {
	h := newHarness(t, twoCoders(t), 120, 40, Options{Coder: "alice", Blind: true})
	h.keys("C")
	if h.m.c.proj.showAll || !strings.Contains(h.frame(), "blind coding: a coder sees only their own codings") {
		t.Errorf("C on a blind screen:\n%s", h.frame())
	}
	h.keys("a")
	if _, ok := h.m.top().(*agreeView); ok || !strings.Contains(h.frame(), "blind coding: the agreement view is the lead's") {
		t.Errorf("a on a blind screen:\n%s", h.frame())
	}
	h.send(filterMsg{q: coding.SegmentQuery{CodedBy: "bob"}, desc: "coder=bob"})
	if h.m.c.proj.filter != "" || !strings.Contains(h.frame(), "their own codings only") {
		t.Errorf("a filter on bob's codings:\n%s", h.frame())
	}
	h.send(filterMsg{q: coding.SegmentQuery{CodedBy: "alice"}, desc: "coder=alice"})
	if h.m.c.proj.filter != "coder=alice" {
		t.Errorf("her own codings filter: %q", h.m.c.proj.filter)
	}
}
