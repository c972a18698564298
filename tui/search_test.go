package tui

import (
	"strings"
	"testing"
)

// From a fresh start, the first match of "training" lies beyond the window
// of segments loaded around R001: the jump must load it and its
// neighbours, not leave them "loading…" for the rest of the session.
func TestSearchJumpLoadsTheMatchFromAFreshStart(t *testing.T) {
	h := newHarness(t, newProject(t), 80, 24, Options{})
	h.keys("/training<enter>")
	if len(h.m.screen.search.hits) == 0 {
		t.Fatal("no hits for training")
	}
	if i, _ := h.m.screen.list.indexOf(h.m.screen.search.hits[0]); i < window {
		t.Fatalf("the first match is at %d, inside the first window: the test proves nothing", i)
	}
	seg := h.m.current()
	if seg == nil || !strings.Contains(strings.ToLower(seg.Text), "training") {
		t.Fatalf("enter should show the first match, got %+v:\n%s", seg, h.frame())
	}
	for i := max(0, h.m.screen.list.cursor-3); i <= h.m.screen.list.cursor+3 && i < len(h.m.screen.list.refs); i++ {
		if h.m.c.proj.segs[h.m.screen.list.refs[i]] == nil {
			t.Errorf("segment %d around the match never loaded:\n%s", i, h.frame())
		}
	}
	if strings.Contains(h.frame(), "loading…") {
		t.Errorf("the frame still says loading:\n%s", h.frame())
	}
}

// `/` opens empty, whatever was searched before; ↑ recalls the earlier
// queries, newest first, and ↓ goes forward again to what was typed.
func TestSearchOpensEmptyAndRecallsHistory(t *testing.T) {
	h := newHarness(t, newProject(t), 80, 24, Options{})
	h.keys("/time<enter>")
	h.keys("/")
	if v := h.m.screen.search.input.Value(); v != "" {
		t.Fatalf("/ reopened with %q, want an empty query", v)
	}
	h.keys("fund<enter>")
	if h.m.screen.search.query != "fund" {
		t.Fatalf("typing after / searched %q, want \"fund\"", h.m.screen.search.query)
	}
	h.keys("/wor")
	steps := []struct {
		key, want string
	}{
		{"<up>", "fund"},
		{"<up>", "time"},
		{"<up>", "time"}, // the oldest stays
		{"<down>", "fund"},
		{"<down>", "wor"}, // back to what was being typed
		{"<down>", "wor"},
	}
	for i, s := range steps {
		h.keys(s.key)
		if v := h.m.screen.search.input.Value(); v != s.want {
			t.Fatalf("step %d (%s): the input holds %q, want %q", i, s.key, v, s.want)
		}
	}
	h.keys("<up><up><enter>")
	if h.m.screen.search.query != "time" || len(h.m.screen.search.hits) == 0 {
		t.Errorf("enter on a recalled query searched %q with %d hits", h.m.screen.search.query, len(h.m.screen.search.hits))
	}
	// A query searched again is not listed twice.
	h.keys("/<up>")
	if v := h.m.screen.search.input.Value(); v != "time" {
		t.Errorf("↑ after searching time again gives %q", v)
	}
	h.keys("<up>")
	if v := h.m.screen.search.input.Value(); v != "fund" {
		t.Errorf("↑↑ gives %q, want fund (time is listed once)", v)
	}
}
