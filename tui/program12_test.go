package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"qcode/coding"
)

// Coding every match, the memo menu and browser, the filter bar and the
// quote list, each through the program's own loop (keys through its input,
// reads and writes in commands running beside it), at 80×24, 120×40 and
// 56×20, with a golden frame of each.
func TestProgramCodeAllMemosFiltersQuotes(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {56, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			s := memoProject(t)
			w, tm := watchTeam(t, s, size[0], size[1])
			enter, esc := tea.KeyPressMsg{Code: tea.KeyEnter}, tea.KeyPressMsg{Code: tea.KeyEscape}
			ctrlS := tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
			frame := func(name string) {
				t.Helper()
				w.mu.Lock()
				f := w.frame
				w.mu.Unlock()
				checkFrame(t, f, size[0], size[1])
				golden(t, fmt.Sprintf("program-%s-%dx%d", name, size[0], size[1]), dates.ReplaceAllString(f, "YYYY-MM-DD"))
			}

			// A: every match of a search, one action; u takes it back whole.
			tm.Type("/deferred")
			tm.Send(enter)
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "12 matches") })
			tm.Type("Aworkload")
			tm.Send(enter)
			w.wait(t, tm, func(f string, _ int) bool {
				return strings.Contains(f, "Code every match") && !strings.Contains(f, "loading…")
			})
			frame("codeall")
			tm.Type("y")
			w.answered(t, tm, 1)
			if got := codedWith(t, s, "alice", workload); len(got) != 12 {
				t.Fatalf("A coded %d segments, want 12", len(got))
			}
			tm.Type("u")
			w.answered(t, tm, 2)
			if got := codedWith(t, s, "alice", workload); len(got) != 2 {
				t.Fatalf("u left %d segments coded, want the 2 alice had", len(got))
			}

			// m 2: a memo on the segment.
			tm.Send(esc)
			tm.Type("m2")
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "Memo · segment A") })
			tm.Type("Read with A3.")
			tm.Send(ctrlS)
			w.answered(t, tm, 3)

			// M: every memo, the new one among them.
			tm.Type("M")
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "8 memos") })
			frame("memos")
			tm.Send(esc)

			// Filters combine, shown in the bar.
			tm.Type("fu")
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "filter + not reviewed") })
			tm.Type("fa")
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "Filter by which attribute?") })
			tm.Type("2") // role
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "role is…") })
			tm.Type("2") // Social worker
			w.wait(t, tm, func(f string, _ int) bool {
				return strings.Contains(f, "4 of 12") && !strings.Contains(f, "role is…") && !strings.Contains(f, "○ …") && !strings.Contains(f, "loading…") &&
					strings.Contains(f, "suggested (") // the suggestions come in their own command
			})
			frame("filterbar")
			if got := w.Model.c.proj.query.Describe(); got != "role = Social worker · not reviewed" {
				t.Errorf("the filter: %q", got)
			}
			tm.Send(esc)
			tm.Send(esc)
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "filter cleared") })

			// The quote list: codes, cursor, the whole text.
			tm.Type("r")
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "n = ") })
			tm.Send(enter)
			w.wait(t, tm, func(f string, _ int) bool { return strings.Contains(f, "■ Motivations › Career progression") })
			tm.Send(enter)
			w.wait(t, tm, func(f string, _ int) bool {
				return strings.Contains(f, "Quote · 1 of") && !strings.Contains(f, "reading the context")
			})
			frame("quote")

			tm.Type("qqq")
			tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		})
	}
}

// watchTeam starts the screen on the team project as alice and waits for
// its first segment.
func watchTeam(t *testing.T, s *coding.Store, w, h int) (*watched, *teatest.TestModel) {
	t.Helper()
	m := &watched{Model: New(s, Options{Coder: "alice"})}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	m.wait(t, tm, func(frame string, _ int) bool { return strings.Contains(frame, " · survey · ") })
	return m, tm
}
