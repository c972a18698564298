package tui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"qcode/coding"
)

// The screen never loses what it showed: quitting drains the write queue,
// and a queued action looks queued until the store has it.

// twentyCodes are twenty digit presses: the panel's first ten rows
// (Motivations and its nine codes) on R001, then on R002.
const twentyCodes = "1234567890j1234567890"

// probeMsg is handled by no one. Sending it returns once the program has
// handled every message sent before it (its channel is unbuffered).
type probeMsg struct{}

// stalledDisk holds every write back until release is closed.
func stalledDisk() (gate func(), release func()) {
	ch := make(chan struct{})
	return func() { <-ch }, func() {
		select {
		case <-ch:
		default:
			close(ch)
		}
	}
}

// reopenCodings closes the test's store and counts the codings a fresh Open
// finds in the file.
func reopenCodings(t *testing.T, s *coding.Store) int {
	t.Helper()
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := coding.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	info, err := s2.Info()
	if err != nil {
		t.Fatal(err)
	}
	return info.Codings
}

func TestProgramSecondQDrainsTheQueue(t *testing.T) {
	s := newProject(t)
	gate, release := stalledDisk()
	t.Cleanup(release)
	tm := startProgramWith(t, s, Options{Coder: "alice", WriteGate: gate}, 80, 24)
	tm.Type(twentyCodes + "qq")
	tm.Send(probeMsg{}) // both q handled, every write still held
	release()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if n := final.unsaved(); n != 0 {
		t.Errorf("q q left %d actions unsaved", n)
	}
	if n := reopenCodings(t, s); n != 20 {
		t.Errorf("q q after twenty digits: the project holds %d codings, want 20", n)
	}
}

func TestProgramThirdQAbandonsTheQueue(t *testing.T) {
	s := newProject(t)
	gate, release := stalledDisk()
	t.Cleanup(release)
	tm := startProgramWith(t, s, Options{Coder: "alice", WriteGate: gate}, 80, 24)
	tm.Type(twentyCodes + "qqq")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	release() // the write already sent finishes; the 19 queued never start
	if n := final.unsaved(); n != 19 {
		t.Errorf("q q q: %d actions counted unsaved, want 19", n)
	}
	if n := reopenCodings(t, s); n != 1 {
		t.Errorf("q q q: the project holds %d codings, want the 1 in flight", n)
	}
}

// held drives a Model with its commands held back: the test decides when
// each write reaches the store.
type held struct {
	*harness
	pending []tea.Cmd
	quit    bool // a command answered tea.QuitMsg
}

func newHeld(t *testing.T, s *coding.Store, w, h int) *held {
	return &held{harness: newHarness(t, s, w, h, Options{Coder: "alice"})}
}

// press sends keys (a string of them) or messages and holds the commands
// they return.
func (h *held) press(msgs ...tea.Msg) {
	for _, msg := range msgs {
		switch msg := msg.(type) {
		case string:
			for _, r := range msg {
				h.press(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		case tea.QuitMsg:
			h.quit = true
			continue
		}
		if _, cmd := h.m.Update(msg); cmd != nil {
			h.pending = append(h.pending, cmd)
		}
	}
}

// pressQuits sends quit keys or signals and tells whether the screen quits
// at once. Their commands run at once: they never write.
func (h *held) pressQuits(msgs ...tea.Msg) bool {
	for _, msg := range msgs {
		if k, ok := msg.(string); ok {
			for _, r := range k {
				if h.pressQuits(tea.KeyPressMsg{Code: r, Text: string(r)}) {
					return true
				}
			}
			continue
		}
		_, cmd := h.m.Update(msg)
		for _, out := range collect(cmd) {
			if _, ok := out.(tea.QuitMsg); ok {
				return true
			}
		}
	}
	return false
}

// finishOne runs the held commands in order until a write has reached the
// store and its answer has been handled.
func (h *held) finishOne() {
	h.t.Helper()
	for len(h.pending) > 0 {
		cmd := h.pending[0]
		h.pending = h.pending[1:]
		done := false
		for _, msg := range collect(cmd) {
			_, done = msg.(writeDoneMsg)
			h.press(msg)
		}
		if done {
			return
		}
	}
	h.t.Fatal("no write held")
}

// drain runs every held command and what follows from it.
func (h *held) drain() {
	for len(h.pending) > 0 {
		cmd := h.pending[0]
		h.pending = h.pending[1:]
		h.press(collect(cmd)...)
	}
}

func TestQueuedCodingLooksQueued(t *testing.T) {
	s := newProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("2j2") // apply on R001 (sent, held), apply on R002 (queued behind it)
	frame := h.frame()
	if !strings.Contains(frame, "◌ R001") || !strings.Contains(frame, "◌ Motivations › Career progression") {
		t.Errorf("queued codings must look queued (◌):\n%s", frame)
	}
	if !strings.Contains(frame, "coded 0/205") {
		t.Errorf("nothing is saved yet: coded must count saved codings only:\n%s", frame)
	}
	if !strings.Contains(frame, "2 saving…") {
		t.Errorf("the status line should count what is still saving:\n%s", frame)
	}

	h.finishOne() // R001's write reaches the store; R002's is sent
	frame = h.frame()
	golden(t, "queued-80x24", frame)
	if !strings.Contains(frame, "● R001") || strings.Contains(frame, "◌ R001") {
		t.Errorf("R001 is saved: its mark should be ●:\n%s", frame)
	}
	if !strings.Contains(frame, "coded 1/205") {
		t.Errorf("one segment's coding is saved:\n%s", frame)
	}
	if want := "saved 2 → + Motivations/Career progression on R001 · 1 saving…"; !strings.Contains(frame, want) {
		t.Errorf("the status line's \"saved\" must name the action it belongs to (%q):\n%s", want, frame)
	}

	h.finishOne()
	frame = h.frame()
	if strings.Contains(frame, "◌") || !strings.Contains(frame, "coded 2/205") ||
		!strings.Contains(frame, "saved 2 → + Motivations/Career progression on R002") || strings.Contains(frame, "saving…") {
		t.Errorf("once both are saved nothing looks queued:\n%s", frame)
	}
}

func TestDigitOnACodingQueuedBeforeTheFirstSaveRemovesIt(t *testing.T) {
	s := newProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("2j2") // the coder has no ID in the store until the first write
	h.finishOne()
	if strings.Contains(h.frame(), "alice:") {
		t.Errorf("the coder's own queued coding must not be shown as another coder's:\n%s", h.frame())
	}
	h.press("2") // R002 shows the code: 2 removes it
	h.drain()
	if got := codings(t, s); len(got) != 1 || !strings.HasPrefix(got[0], "R001,") {
		t.Errorf("store %v, want only R001's coding", got)
	}
}

func TestQuitStepsWhileWritesAreQueued(t *testing.T) {
	for _, c := range []struct {
		name     string
		keys     []tea.Msg
		abandons bool
	}{
		{"q", []tea.Msg{"q"}, false},
		{"q q", []tea.Msg{"qq"}, false},
		{"q q q", []tea.Msg{"qqq"}, true},
		{"ctrl+c", []tea.Msg{ctrlC}, false},
		{"ctrl+c ctrl+c", []tea.Msg{ctrlC, ctrlC}, true},
		{"SIGTERM", []tea.Msg{signalMsg{syscall.SIGTERM}}, false},
		{"SIGHUP twice", []tea.Msg{signalMsg{syscall.SIGHUP}, signalMsg{syscall.SIGHUP}}, false},
		{"SIGINT twice", []tea.Msg{signalMsg{syscall.SIGINT}, signalMsg{syscall.SIGINT}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newProject(t)
			h := newHeld(t, s, 80, 24)
			h.press("2j2j2") // three writes: one sent, two queued
			if h.pressQuits(c.keys...) != c.abandons {
				t.Fatalf("with writes queued, %s: quits at once = %v, want %v", c.name, !c.abandons, c.abandons)
			}
			if c.abandons {
				if n := h.m.unsaved(); n != 3 {
					t.Errorf("%s abandons 3 actions, counted %d", c.name, n)
				}
				return
			}
			if !strings.Contains(h.frame(), "then quitting") {
				t.Errorf("the status line should say it quits once saved:\n%s", h.frame())
			}
			h.drain()
			if !h.quit {
				t.Errorf("%s: once the queue is saved the screen should quit", c.name)
			}
			if got := codings(t, s); len(got) != 3 {
				t.Errorf("%s: store %v, want the three codings", c.name, got)
			}
			if n := h.m.unsaved(); n != 0 {
				t.Errorf("%s: %d counted unsaved after the drain", c.name, n)
			}
		})
	}
}

var ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}

func TestSignalDrainQuitsEvenAfterAFailedWrite(t *testing.T) {
	s := newProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("2j2j2")
	h.pressQuits(signalMsg{syscall.SIGTERM})
	s.Close() // the disk goes away: the write sent fails, the two queued are dropped
	h.drain()
	if !h.quit {
		t.Fatalf("after SIGTERM nobody may be there to read the error: quit anyway\n%s", h.frame())
	}
	if n := h.m.unsaved(); n != 3 {
		t.Errorf("the failed write and the two dropped are unsaved: counted %d", n)
	}
}

func TestUnsavedError(t *testing.T) {
	for n, want := range map[int]string{1: "1 action not saved", 19: "19 actions not saved"} {
		if got := (UnsavedError{N: n}).Error(); got != want {
			t.Errorf("UnsavedError{%d} = %q, want %q", n, got, want)
		}
	}
}

// A memo typed but not saved is on the screen too: ctrl+c or a signal
// saves it with the queue rather than dropping it.
func TestQuitSavesTheMemoBeingTyped(t *testing.T) {
	for _, c := range []struct {
		name string
		quit tea.Msg
	}{
		{"ctrl+c", ctrlC},
		{"SIGTERM", signalMsg{syscall.SIGTERM}},
		{"SIGHUP", signalMsg{syscall.SIGHUP}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newProject(t)
			h := newHeld(t, s, 80, 24)
			h.press("2")
			h.drain()                     // the coding is saved; the memo editor opens on it
			h.press("m1kept by the lead") // m asks what the memo is on: 1 is the coding
			h.press(c.quit)
			h.drain()
			if !h.quit {
				t.Errorf("%s: once the memo is saved the screen should quit", c.name)
			}
			want := []string{"R001,Motivations/Career progression,alice,,,false,kept by the lead"}
			if got := codings(t, s); !slices.Equal(got, want) {
				t.Errorf("store %v, want %v", got, want)
			}
		})
	}
}

// Undo moves to what it changed, unless the user has moved on before the
// store answered: then they stay where they went.
func TestUndoAnsweredLateDoesNotPullTheCursorBack(t *testing.T) {
	s := newProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("2")
	h.drain()
	h.press("u")  // held: not answered yet
	h.press("jj") // the user reads on
	h.drain()
	if id := h.currentID(); id != "R003" {
		t.Errorf("after u j j the cursor is on %q, want R003", id)
	}
	if got := codings(t, s); len(got) != 0 {
		t.Errorf("undo not saved: %v", got)
	}
	h.press("u") // redo? no: nothing more to undo; the cursor stays
	h.drain()
	if id := h.currentID(); id != "R003" {
		t.Errorf("a refused undo moved the cursor to %q", id)
	}
}

// currentID is the ID of the segment under the cursor ("" if not loaded).
func (h *held) currentID() string {
	if seg := h.m.c.proj.segs[h.m.currentRef()]; seg != nil {
		return seg.ID
	}
	return ""
}

// A reload (here a filter's) answered after the user moved keeps them where
// they are now, not where they were when it was asked for.
func TestReloadKeepsWhereTheUserMovedSince(t *testing.T) {
	s := newProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("2j2j")
	h.drain()
	h.press("fu") // uncoded only: R003 on; the list's load is held
	h.press("j")  // the user reads on, in the list still shown
	h.drain()
	if h.m.c.proj.filter != "not reviewed" {
		t.Fatalf("filter %q, want \"not reviewed\"", h.m.c.proj.filter)
	}
	if id := h.currentID(); id != "R004" {
		t.Errorf("after f u j the cursor is on %q, want R004", id)
	}
}

// TestAProgramThatEndsOnItsOwnStillSavesItsQueue: Bubble Tea ends on its
// own when its input ends (a closed terminal can end it before the
// hang-up's signal is read). What the screen showed — the write sent, which
// no command started, and the two queued — is saved when Run finishes,
// in order; before, they were counted "not saved" (exit 1, a coding lost).
func TestAProgramThatEndsOnItsOwnStillSavesItsQueue(t *testing.T) {
	s := newProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("2j2j2") // three writes: one sent (its command held), two queued
	if n := h.m.finishQueue(); n != 0 {
		t.Errorf("%d counted unsaved", n)
	}
	if got := codings(t, s); len(got) != 3 {
		t.Errorf("store %v, want the three codings", got)
	}
}

// TestAbandonedQueueIsNotRunAfterTheProgram: q q q leaves the queue; Run
// must not save it behind the user's back.
func TestAbandonedQueueIsNotRunAfterTheProgram(t *testing.T) {
	s := newProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("2j2j2")
	h.pressQuits("qqq")
	if n := h.m.finishQueue(); n != 3 {
		t.Errorf("%d counted unsaved, want 3", n)
	}
	if got := codings(t, s); len(got) != 0 {
		t.Errorf("store %v, want nothing", got)
	}
}

// TestTerminalGone: the program's end on a closed terminal is a hang-up,
// not an error to print; anything else still is.
func TestTerminalGone(t *testing.T) {
	for _, c := range []struct {
		err  error
		gone bool
	}{
		{fmt.Errorf("%w: %w", tea.ErrProgramKilled, &os.PathError{Op: "read", Path: "/dev/ptmx", Err: syscall.EIO}), true},
		{fmt.Errorf("%w: %w", tea.ErrProgramKilled, io.EOF), true},
		{tea.ErrProgramKilled, false},
		{errors.New("disk full"), false},
		{nil, false},
	} {
		if got := terminalGone(c.err); got != c.gone {
			t.Errorf("terminalGone(%v) = %v, want %v", c.err, got, c.gone)
		}
	}
}
