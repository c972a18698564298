package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// The bar over the list names each condition of the filter; a click on a
// condition takes it away, and the list below it keeps taking clicks.
func TestFilterBarClicks(t *testing.T) {
	s := smallTeam(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("fufo<enter>") // not reviewed by alice, in the source survey
	bar := strings.Split(h.frame(), "\n")[0]
	if !strings.HasPrefix(bar, " filter  1 source survey ×  2 not reviewed ×  8 of 12 · f adds · esc takes the last away") {
		t.Fatalf("the bar:\n%q", bar)
	}
	x := ansi.StringWidth(bar[:strings.Index(bar, "2 not reviewed")]) + 3
	h.send(tea.MouseClickMsg{X: x, Y: 0, Button: tea.MouseLeft})
	if got := h.m.c.proj.query.Terms(); len(got) != 1 || !got[0].Equal(coding.QueryTerm{Kind: coding.TermSource, Value: "survey"}) {
		t.Errorf("a click on “not reviewed” should take it away: %v", got)
	}
	// The list is a line lower: a click on the row under the current
	// segment's box moves there.
	before := h.m.currentRef()
	lines := strings.Split(h.frame(), "\n")
	for y, l := range lines {
		if strings.Contains(l, "○ A2 ") || strings.Contains(l, "● A2 ") || strings.Contains(l, "× A2 ") {
			h.send(tea.MouseClickMsg{X: 5, Y: y, Button: tea.MouseLeft})
			break
		}
	}
	if cur := h.m.current(); cur == nil || cur.ID != "A2" || h.m.currentRef() == before {
		t.Errorf("a click on A2's row should move there:\n%s", h.frame())
	}
}
