package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// checkFrame fails when a frame is not exactly w×h cells.
func checkFrame(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("%dx%d: the frame has %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > w {
			t.Errorf("%dx%d: line %d is %d cells wide", w, h, i, n)
		}
	}
}

// words is a frame's text with every run of spaces and line breaks as one
// space, so that a message wrapped onto a second line reads whole.
func joined(frame string) string { return strings.Join(strings.Fields(frame), " ") }

// A status message longer than the room beside "coded N/M" wraps to a line
// of its own instead of being cut before its point.
func TestStatusKeepsItsPoint(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {56, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			w, hgt := size[0], size[1]
			h := newHarness(t, exclusiveKirkpatrick(t, newProject(t)), w, hgt, Options{})
			h.keys("[34") // Kirkpatrick (the last group): L3, then L4 replaces it
			frame := h.frame()
			for _, want := range []string{"saved 4 → + Kirkpatrick/L4 Results on R001", "replaced L3 Behaviour with L4 Results: Kirkpatrick is exclusive", "coded 1/205"} {
				if !strings.Contains(joined(frame), want) {
					t.Errorf("the status lost %q:\n%s", want, frame)
				}
			}
			checkFrame(t, frame, w, hgt)
		})
	}
}

// The footer ends with "? help" at every width qcode draws, dropping other
// hints first.
func TestFooterEndsWithHelp(t *testing.T) {
	s := newProject(t)
	for _, w := range []int{20, 40, 56, 80, 120, 200} {
		h := newHarness(t, s, w, 24, Options{})
		lines := strings.Split(h.frame(), "\n")
		footer := strings.TrimRight(lines[len(lines)-1], " ")
		if !strings.HasSuffix(footer, "? help") || strings.Contains(footer, "…") {
			t.Errorf("at %d columns the footer is %q", w, footer)
		}
		checkFrame(t, h.frame(), w, 24)
	}
}

// Without the panel (below 60 columns) a legend names the codes the digits
// toggle, and follows ] into a theme.
func TestLegendNamesTheDigitsWithoutThePanel(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 56, 20, Options{})
	frame := h.frame()
	rows := h.m.screen.panel.rows()
	for i := range 10 {
		want := fmt.Sprintf("%d %s", (i+1)%10, rows[i].code.Name)
		if !strings.Contains(frame, want) {
			t.Errorf("the legend lacks %q:\n%s", want, frame)
		}
	}
	checkFrame(t, frame, 56, 20)
	h.keys("[") // the last group: Kirkpatrick
	frame = h.frame()
	for _, want := range []string{"⌫ Kirkpatrick", "1 L1 Reaction", "2 L2 Learning", "3 L3 Behaviour", "4 L4 Results"} {
		if !strings.Contains(frame, want) {
			t.Errorf("in Kirkpatrick the legend lacks %q:\n%s", want, frame)
		}
	}
	h.keys("2")
	if got := codings(t, s); !slices.Equal(got, []string{"R001,Kirkpatrick/L2 Learning,alice,,,false,"}) {
		t.Errorf("2 should code what the legend names 2: %v", got)
	}
	// A click on a legend cell does what a click in the panel does.
	for y, line := range strings.Split(h.frame(), "\n") {
		if x := strings.Index(line, "4 L4 Results"); x >= 0 {
			h.send(tea.MouseClickMsg{X: len([]rune(line[:x])), Y: y, Button: tea.MouseLeft})
		}
	}
	if got := codings(t, s); !slices.Equal(got, []string{"R001,Kirkpatrick/L2 Learning,alice,,,false,", "R001,Kirkpatrick/L4 Results,alice,,,false,"}) {
		t.Errorf("clicking L4 in the legend: %v", got)
	}
}

// Every size qcode draws at keeps the digits named, down to 20×6.
func TestLegendAtEverySize(t *testing.T) {
	s := newProject(t)
	for _, size := range [][2]int{{20, 6}, {30, 8}, {40, 12}, {59, 30}} {
		w, hgt := size[0], size[1]
		h := newHarness(t, s, w, hgt, Options{})
		frame := h.frame()
		if !strings.Contains(frame, " 1 Mo") || !strings.Contains(frame, " 2 Ca") {
			t.Errorf("%dx%d: no legend of the digits:\n%s", w, hgt, frame)
		}
		checkFrame(t, frame, w, hgt)
	}
}
