package tui

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"qcode/coding"
)

// These tests run the screen as a real Bubble Tea program (teatest): keys go
// through the program's loop and commands run in the background, as in a
// terminal.

func startProgram(t *testing.T, s *coding.Store, w, h int) *teatest.TestModel {
	t.Helper()
	return startProgramWith(t, s, Options{Coder: "alice"}, w, h)
}

// startProgramWith starts the screen with opts and waits for its first
// segment.
func startProgramWith(t *testing.T, s *coding.Store, opts Options, w, h int) *teatest.TestModel {
	t.Helper()
	tm := teatest.NewTestModel(t, New(s, opts),
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("R001")) },
		teatest.WithDuration(5*time.Second))
	return tm
}

// waitCodings waits until the store holds n codings.
func waitCodings(t *testing.T, tm *teatest.TestModel, s *coding.Store, n int) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func([]byte) bool {
		info, err := s.Info()
		return err == nil && info.Codings == n
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// watched runs the screen in a program and keeps, for the test, how many
// store answers it has folded in and its last frame: what it shows, not
// what the terminal was last sent (the renderer sends only the cells that
// changed, and frames drawn in quick succession may never be sent at all).
type watched struct {
	*Model
	mu      sync.Mutex
	answers int
	frame   string
}

func (w *watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := w.Model.Update(msg)
	frame := ansi.Strip(w.Model.render())
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := msg.(writeDoneMsg); ok {
		w.answers++
	}
	w.frame = frame
	return w, cmd
}

// watch starts the screen on a project in a program w×h.
func watch(t *testing.T, s *coding.Store, opts Options, w, h int) (*watched, *teatest.TestModel) {
	t.Helper()
	m := &watched{Model: New(s, opts)}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	m.wait(t, tm, func(frame string, _ int) bool { return strings.Contains(frame, "R001") })
	return m, tm
}

// wait waits until the screen's frame and answers meet a condition.
func (w *watched) wait(t *testing.T, tm *teatest.TestModel, cond func(frame string, answers int) bool) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func([]byte) bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return cond(w.frame, w.answers)
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// answered waits until the screen has folded in n answers of the store.
func (w *watched) answered(t *testing.T, tm *teatest.TestModel, n int) {
	t.Helper()
	w.wait(t, tm, func(_ string, answers int) bool { return answers >= n })
}

func TestProgramCodesUndoesAndRestarts(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			s := newProject(t)
			a, tm := watch(t, s, Options{Coder: "alice"}, size[0], size[1])
			tm.Type("jj2")
			a.answered(t, tm, 1)
			tm.Type("cworkload")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			a.answered(t, tm, 2)
			tm.Type("u")
			a.answered(t, tm, 3)
			tm.Send(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
			// The store holds each action before the screen has its answer:
			// wait for the answer, or it could come after j s and say
			// something else than the golden frame does.
			a.answered(t, tm, 4)
			tm.Type("js")
			teatest.WaitFor(t, tm.Output(), func([]byte) bool {
				rows := codings(t, s)
				return len(rows) == 2 && rows[1] == "R003,Barriers/Workload and time,alice,,,false," // R004 not coded: no star
			}, teatest.WithDuration(2*time.Second))
			// alice has coded one segment: too few for suggestions (suggestFrom),
			// so the frame does not wait for the model's answers.
			tm.Type("q")
			final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*watched).Model
			golden(t, fmt.Sprintf("program-%dx%d", size[0], size[1]), ansi.Strip(final.render()))
			want := []string{"R003,Motivations/Career progression,alice,,,false,", "R003,Barriers/Workload and time,alice,,,false,"}
			if got := codings(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("store %v, want %v", got, want)
			}

			// A new session: undo takes back alice's last action.
			tm = startProgram(t, s, size[0], size[1])
			tm.Type("u")
			waitCodings(t, tm, s, 1)
			tm.Type("q")
			tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
			if got := codings(t, s); len(got) != 1 || got[0] != want[0] {
				t.Errorf("undo after a restart: %v", got)
			}
		})
	}
}

func TestProgramSettlesADisagreement(t *testing.T) {
	s := twoCoders(t)
	tm := teatest.NewTestModel(t, New(s, Options{Coder: "lead"}),
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("R001")) }, teatest.WithDuration(5*time.Second))
	tm.Type("a")
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Landis")) }, teatest.WithDuration(5*time.Second))
	// The table lists codes in codebook order: walk down to the code.
	for _, c := range s.Codebook().Codes() {
		if c.Path == "Barriers/Workload and time" {
			break
		}
		tm.Type("j")
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("not settled yet")) }, teatest.WithDuration(5*time.Second))
	tm.Type("2") // R002: take bob's version: bob did not apply it
	teatest.WaitFor(t, tm.Output(), func([]byte) bool {
		list, err := s.Disagreements(coding.DisagreeQuery{Code: "Barriers/Workload and time"})
		return err == nil && list.Settled == 1
	}, teatest.WithDuration(5*time.Second))
	tm.Type("qqq")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	list, _ := s.Disagreements(coding.DisagreeQuery{Code: "Barriers/Workload and time"})
	it := list.Items[0]
	if it.Segment != "R002" || !it.Settled || len(it.Consensus) != 0 || it.Settlement == nil || it.Settlement.Coder != "bob" {
		t.Errorf("R002 should be settled as bob had it (not applied): %+v", it)
	}
	if !strings.Contains(it.Settlement.Audit, "alice") {
		t.Errorf("the audit memo should say what each coder had: %q", it.Settlement.Audit)
	}
}

// Every view and dialog opens and closes through the program's own loop:
// the keys reach the component on top, its store reads run as commands,
// and esc hands the keys back to what is below.
func TestProgramOpensEveryView(t *testing.T) {
	s := twoCoders(t)
	before, err := s.Info()
	if err != nil {
		t.Fatal(err)
	}
	w, tm := watch(t, s, Options{Coder: "alice"}, 80, 24)
	esc := tea.KeyPressMsg{Code: tea.KeyEscape}
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	for _, step := range []struct {
		open  []tea.Msg
		shows string
		close int // esc presses back to the coding screen
	}{
		{[]tea.Msg{press("?")}, "Keys of the coding screen", 1},
		{[]tea.Msg{press("c")}, "Apply a code", 1},
		{[]tea.Msg{press("f")}, "Filter the segments", 1},
		{[]tea.Msg{press("f"), press("k")}, "Show segments coded by", 1},
		{[]tea.Msg{press("e")}, "Codebook editor", 1},
		{[]tea.Msg{press("r")}, "Report · your codings", 0},
		{[]tea.Msg{enter}, "Quotes · Motivations", 0},
		{[]tea.Msg{press("?")}, "Keys of the quote list", 3},
		{[]tea.Msg{press("a")}, "Landis & Koch", 0},
		{[]tea.Msg{enter}, "Disagreements · Motivations", 2},
		{[]tea.Msg{press("d")}, "R001 · answer 1 of 205", 1},
	} {
		for _, msg := range step.open {
			tm.Send(msg)
		}
		w.wait(t, tm, func(frame string, _ int) bool { return strings.Contains(frame, step.shows) })
		for range step.close {
			tm.Send(esc)
		}
		w.wait(t, tm, func(frame string, _ int) bool { return step.close == 0 || strings.Contains(frame, "R001 · london") })
	}
	// Back on the coding screen, keys and all: 5 codes R005.
	tm.Type("jjjj5")
	waitCodings(t, tm, s, before.Codings+1)
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*watched).Model
	if n := len(final.stack); n != 0 {
		t.Errorf("%d views left open", n)
	}
}

func press(s string) tea.KeyPressMsg { r := []rune(s)[0]; return tea.KeyPressMsg{Code: r, Text: s} }
