package tui

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
	"qcode/corpus"
)

func TestFramesAtSizes(t *testing.T) {
	s := newProject(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}, {56, 20}} {
		h := newHarness(t, s, size[0], size[1], Options{})
		golden(t, fmt.Sprintf("start-%dx%d", size[0], size[1]), h.frame())
		for i, line := range strings.Split(h.frame(), "\n") {
			if w := len([]rune(line)); w > size[0] {
				t.Errorf("%dx%d: line %d is %d cells wide", size[0], size[1], i, w)
			}
		}
		if n := strings.Count(h.frame(), "\n") + 1; n != size[1] {
			t.Errorf("%dx%d: frame has %d lines", size[0], size[1], n)
		}
	}
}

func TestResize(t *testing.T) {
	h := newHarness(t, newProject(t), 80, 24, Options{})
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	if n := strings.Count(h.frame(), "\n") + 1; n != 40 {
		t.Errorf("after a resize to 120×40 the frame has %d lines", n)
	}
	if !strings.Contains(h.frame(), "Codebook") {
		t.Errorf("the codebook panel is missing at 120×40")
	}
	h.send(tea.WindowSizeMsg{Width: 50, Height: 20})
	if strings.Contains(h.frame(), "│ Codebook") {
		t.Errorf("the panel should hide below 60 columns (the legend stands in for it)")
	}
}

func TestCodeWithDigits(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	// Row 1 is the theme Motivations, row 2 its first code.
	h.keys("jj2")
	if got := codings(t, s); !slices.Equal(got, []string{"R003,Motivations/Career progression,alice,,,false,"}) {
		t.Fatalf("store after 2: %v", got)
	}
	golden(t, "digit-80x24", h.frame())
	if !strings.Contains(h.frame(), "coded 1/205") || !strings.Contains(h.frame(), "saved") {
		t.Errorf("status line does not say it was saved:\n%s", h.frame())
	}
	h.keys("2")
	if got := codings(t, s); len(got) != 0 {
		t.Errorf("pressing 2 again should remove it: %v", got)
	}
	if !strings.Contains(h.frame(), "coded 0/205") {
		t.Errorf("coded count after removal:\n%s", h.frame())
	}
}

func TestThemesRenumberAndGroupLevels(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 120, 40, Options{})
	h.keys("[") // back from every theme: the last group, Kirkpatrick
	frame := h.frame()
	if !strings.Contains(frame, "1   L1 Reaction") || !strings.Contains(frame, "2   L2 Learning") {
		t.Fatalf("Kirkpatrick's levels are not numbered 1 and 2:\n%s", frame)
	}
	h.keys("1")
	h.keys("2")
	// The pq template's Kirkpatrick is a plain group: an answer may show
	// several levels.
	if got := codings(t, s); !slices.Equal(got, []string{"R001,Kirkpatrick/L1 Reaction,alice,,,false,", "R001,Kirkpatrick/L2 Learning,alice,,,false,"}) {
		t.Errorf("L1 and L2 should both stay: %v", got)
	}
	if strings.Contains(h.frame(), "replaced") {
		t.Errorf("nothing was replaced:\n%s", h.frame())
	}
	// The editor's X makes it exclusive; the next level replaces both, and
	// the status line says so.
	h.keys("e" + strings.Repeat("j", 42) + "X")
	if !strings.Contains(h.frame(), "Kirkpatrick ⋮ exclusive: one level per passage") {
		t.Fatalf("the editor should mark Kirkpatrick exclusive:\n%s", h.frame())
	}
	h.keys("<esc>")
	h.keys("3")
	if got := codings(t, s); !slices.Equal(got, []string{"R001,Kirkpatrick/L3 Behaviour,alice,,,false,"}) {
		t.Errorf("L3 should replace L1 and L2: %v", got)
	}
	if !strings.Contains(joined(h.frame()), "replaced L1 Reaction and L2 Learning with L3 Behaviour: Kirkpatrick is exclusive") {
		t.Errorf("the status line should say what was replaced:\n%s", h.frame())
	}
	golden(t, "group-120x40", h.frame())
	h.keys("<backspace>")
	if !strings.Contains(h.frame(), "1 ▾ Motivations") {
		t.Errorf("backspace should go back to every theme:\n%s", h.frame())
	}
}

func TestPickerAppliesAndCreates(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	h.keys("cbackfill")
	golden(t, "picker-80x24", h.frame())
	h.keys("<enter>")
	h.keys("cBarriers/Stigma<enter>")
	want := []string{"R001,Barriers/Release and backfill,alice,,,false,", "R001,Barriers/Stigma,alice,,,false,"}
	if got := codings(t, s); !slices.Equal(got, want) {
		t.Errorf("store %v, want %v", got, want)
	}
	if _, ok := s.Codebook().Lookup("Barriers/Stigma"); !ok {
		t.Errorf("the picker did not create the new code")
	}
}

func TestUndoRedo(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	h.keys("2j3")
	if n := len(codings(t, s)); n != 2 {
		t.Fatalf("%d codings", n)
	}
	h.keys("k") // move away: undo jumps back to what it changed
	h.keys("u")
	if got := codings(t, s); !slices.Equal(got, []string{"R001,Motivations/Career progression,alice,,,false,"}) {
		t.Errorf("after undo: %v", got)
	}
	if h.m.currentRef() != h.m.screen.list.refs[1] {
		t.Errorf("undo should show the segment it changed (R002), cursor at %d", h.m.screen.list.cursor)
	}
	h.keys("<ctrl+r>")
	if n := len(codings(t, s)); n != 2 {
		t.Errorf("after redo: %d codings", n)
	}
	if !strings.Contains(h.frame(), "redo: ") {
		t.Errorf("status should say redo:\n%s", h.frame())
	}
}

func TestFilter(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	h.keys("2j2j")
	h.keys("fu")
	if len(h.m.screen.list.refs) != 203 || h.m.c.proj.filter != "not reviewed" {
		t.Errorf("not-reviewed filter lists %d segments (%s)", len(h.m.screen.list.refs), h.m.c.proj.filter)
	}
	// Conditions combine: the two coded with career are reviewed.
	h.keys("fccareer<enter>")
	if len(h.m.screen.list.refs) != 0 || h.m.c.proj.filter != "code Motivations/Career progression · not reviewed" {
		t.Errorf("code and not reviewed list %d segments (%s), want none", len(h.m.screen.list.refs), h.m.c.proj.filter)
	}
	// esc takes the last condition away (the bar's rightmost).
	h.keys("<esc>")
	if len(h.m.screen.list.refs) != 2 {
		t.Errorf("code filter lists %d segments, want 2", len(h.m.screen.list.refs))
	}
	// By attribute: role is PQ lead for 20 answers, R001 and R003 among them.
	h.keys("fa")
	for i, a := range labels(h.m.top().(*chooser)) {
		if strings.HasPrefix(a, "role ") {
			h.keys(strings.Repeat("j", i) + "<enter>")
			break
		}
	}
	h.keys("<enter>") // "PQ lead" sorts first
	if len(h.m.screen.list.refs) != 2 || h.m.c.proj.filter != "code Motivations/Career progression · role = PQ lead" {
		t.Errorf("code and attribute: %d segments, %q", len(h.m.screen.list.refs), h.m.c.proj.filter)
	}
	golden(t, "filter-80x24", h.frame())
	// f, then a digit takes that condition away: 1 is the code.
	h.keys("f1")
	if len(h.m.screen.list.refs) != 20 || h.m.c.proj.filter != "role = PQ lead" {
		t.Errorf("attribute filter: %d segments, %q", len(h.m.screen.list.refs), h.m.c.proj.filter)
	}
	h.keys("<esc>")
	if len(h.m.screen.list.refs) != 205 || !h.m.c.proj.query.IsZero() {
		t.Errorf("esc should take the last condition away: %d segments, %q", len(h.m.screen.list.refs), h.m.c.proj.filter)
	}
	// By coder: those who coded, not qcode-demo, who imported the survey,
	// nor a lead who only settled or added codes.
	h.keys("<esc>")
	if _, _, err := s.AddCode("lead", "Barriers/Stigma", coding.CodeDetails{}); err != nil {
		t.Fatal(err)
	}
	h.keys("fk")
	if c, ok := h.m.top().(*chooser); !ok || strings.Join(labels(c), ",") != "alice" {
		t.Errorf("the coder filter offers %+v, want alice only", h.m.top())
	}
}

func TestSpanSelection(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	h.keys("jjjjjjjjjjjjj") // R014: "Our social workers have reported…"
	h.keys("v<right><right>")
	golden(t, "span-80x24", h.frame())
	h.keys("<enter>writing<enter>")
	want := []string{"R014,Barriers/Academic writing burden,alice,0,18,false,"}
	if got := codings(t, s); !slices.Equal(got, want) {
		t.Errorf("store %v, want %v (\"Our social workers\" is runes 0–18)", got, want)
	}
	// A digit codes a span too.
	h.keys("v<shift+right><right><right>3")
	got := codings(t, s)
	// shift+→ moves the start to "social", → → the end to "workers".
	if len(got) != 2 || !strings.Contains(got[0], "Motivations/Professional development,alice,4,18") {
		t.Errorf("digit on a span: %v", got)
	}
}

func TestStarAndMemo(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	h.keys("s")
	if !strings.Contains(h.frame(), "code this segment first") {
		t.Errorf("star without a coding should explain:\n%s", h.frame())
	}
	h.keys("2s")
	h.keys("m1Only a record kept by the lead<ctrl+s>") // 1: the coding
	want := []string{"R001,Motivations/Career progression,alice,,,true,Only a record kept by the lead"}
	if got := codings(t, s); !slices.Equal(got, want) {
		t.Errorf("store %v, want %v", got, want)
	}
	golden(t, "star-memo-80x24", h.frame())
	// Esc with changes asks first; n discards.
	h.keys("m1 and more<esc>")
	if !strings.Contains(h.frame(), "save the changes?") {
		t.Errorf("esc with changes should ask:\n%s", h.frame())
	}
	h.keys("n")
	if got := codings(t, s); !slices.Equal(got, want) {
		t.Errorf("discarded memo changed the store: %v", got)
	}
	// With two codings, s stars both (they were not all starred); S asks.
	h.keys("3s")
	for _, row := range codings(t, s) {
		if !strings.Contains(row, ",true,") {
			t.Errorf("s should star every coding of the segment: %s", row)
		}
	}
	h.keys("S")
	if _, ok := h.m.top().(*chooser); !ok {
		t.Fatalf("S with two codings: expected a chooser")
	}
	h.keys("2") // the first coding (1 is "all")
	if got := codings(t, s); !strings.Contains(got[0], ",false,") || !strings.Contains(got[1], ",true,") {
		t.Errorf("S then 2 should unstar only the first coding: %v", got)
	}
}

func TestEditorRenameAndDelete(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 120, 40, Options{})
	h.keys("2") // Career progression on R001
	h.keys("ej")
	h.keys("r<ctrl+u>Promotion<enter>")
	if _, ok := s.Codebook().Lookup("Motivations/Promotion"); !ok {
		t.Fatalf("rename did not reach the store")
	}
	if got := codings(t, s); !slices.Equal(got, []string{"R001,Motivations/Promotion,alice,,,false,"}) {
		t.Errorf("the coding must follow the rename: %v", got)
	}
	golden(t, "editor-120x40", h.frame())
	h.keys("d")
	if !strings.Contains(h.frame(), "Delete Motivations/Promotion, 0 sub-codes and 1 coding on 1 segment?") {
		t.Fatalf("delete should ask with the counts:\n%s", h.frame())
	}
	h.keys("y")
	if _, ok := s.Codebook().Lookup("Motivations/Promotion"); ok {
		t.Errorf("delete did not reach the store")
	}
	h.keys("<esc>u")
	if got := codings(t, s); len(got) != 1 {
		t.Errorf("undo should bring the code and its coding back: %v", got)
	}
}

func TestSearch(t *testing.T) {
	h := newHarness(t, newProject(t), 80, 24, Options{})
	h.keys("/time<enter>")
	if n := len(h.m.screen.search.hits); n < 2 {
		t.Fatalf("%d hits for time", n)
	}
	first := h.m.current()
	if first == nil || !strings.Contains(strings.ToLower(first.Text), "time") {
		t.Fatalf("enter should jump to the first match, got %+v", first)
	}
	golden(t, "search-80x24", h.frame())
	h.keys("n")
	second := h.m.current()
	if second.Ref == first.Ref || !strings.Contains(strings.ToLower(second.Text), "time") {
		t.Errorf("n should jump to the next match")
	}
	h.keys("N")
	if h.m.current().Ref != first.Ref {
		t.Errorf("N should jump back")
	}
	h.keys("<esc>n")
	if h.m.screen.search.active() {
		t.Errorf("esc should clear the search")
	}
}

func TestBlindCodingAndShowCoders(t *testing.T) {
	s := newProject(t)
	ref, _ := s.Resolve("R001")
	bob, _ := s.Codebook().Lookup("Barriers/Workload and time")
	if _, err := s.Apply("bob", ref, bob.ID, coding.Span{}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, s, 80, 24, Options{})
	if strings.Contains(h.frame(), "Workload") {
		t.Errorf("alice must not see bob's coding by default:\n%s", h.frame())
	}
	h.keys("C")
	if !strings.Contains(h.frame(), "bob: Barriers › Workload and time") {
		t.Errorf("C should show bob's coding:\n%s", h.frame())
	}
	h2 := newHarness(t, s, 80, 24, Options{ShowCoders: true})
	if !strings.Contains(h2.frame(), "bob: Barriers") {
		t.Errorf("--show-coders should show bob's coding")
	}
}

func TestNextUncoded(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	h.keys("2j2j2")
	h.keys("gn")
	if h.m.current().ID != "R004" {
		t.Errorf("n from the top should stop at R004, got %s", h.m.current().ID)
	}
}

func TestFailedWriteIsShownAndRolledBack(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	if err := os.Remove(s.Path()); err != nil {
		t.Fatal(err)
	}
	h.keys("2")
	frame := h.frame()
	if !strings.Contains(frame, "not saved: 2 → + Motivations/Career progression on R001") {
		t.Errorf("the status line must show the failed write:\n%s", frame)
	}
	if !strings.Contains(h.m.status.text, "removed or replaced") {
		t.Errorf("the error should say the file is gone: %q", h.m.status.text)
	}
	if strings.Contains(frame, "Career progression ") && strings.Contains(frame, "› Career progression") {
		t.Errorf("the optimistic chip must be rolled back:\n%s", frame)
	}
	h.keys("jjk")
	if h.m.screen.list.cursor != 1 {
		t.Errorf("the screen must stay usable after a failed write")
	}
}

func TestMouse(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	h.frame() // the program draws a frame before any click arrives
	// The current segment's box is on top; the row below it is R002.
	y := h.m.screen.list.above + h.m.screen.list.currentH
	h.send(tea.MouseClickMsg{X: 5, Y: y, Button: tea.MouseLeft})
	if h.m.current().ID != "R002" {
		t.Errorf("clicking the row under the current segment selects R002, got %s", h.m.current().ID)
	}
	// Row 2 of the panel is Career progression.
	h.frame()
	h.send(tea.MouseClickMsg{X: h.m.screen.list.width + 4, Y: h.m.screen.panel.top() + 1, Button: tea.MouseLeft})
	if got := codings(t, s); !slices.Equal(got, []string{"R002,Motivations/Career progression,alice,,,false,"}) {
		t.Errorf("clicking a code applies it: %v", got)
	}
	h.frame()
	h.send(tea.MouseWheelMsg{X: 5, Y: 3, Button: tea.MouseWheelDown})
	if h.m.current().ID != "R003" {
		t.Errorf("the wheel should move to R003, got %s", h.m.current().ID)
	}
}

func TestHelp(t *testing.T) {
	h := newHarness(t, newProject(t), 80, 24, Options{})
	h.keys("?")
	golden(t, "help-80x24", h.frame())
	checkFrame(t, h.frame(), 80, 24)
	// The keys do not fit 80×24: j scrolls to the rest.
	seen := h.frame()
	for range 40 {
		h.keys("j")
		seen += h.frame()
	}
	for _, want := range []string{"next not reviewed", "reviewed, nothing applies", "code picker", "undo", "redo", "codebook editor", "filter", "memo", "star as quote", "select a passage",
		// keys the help used to leave out
		"1-9 0  toggle the numbered code", "N   previous match", "J    scroll the text down", "K    scroll the text up"} {
		if !strings.Contains(seen, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	h.keys("?")
	if len(h.m.stack) != 0 {
		t.Errorf("? should close the help")
	}
}

func TestQuit(t *testing.T) {
	h := newHarness(t, newProject(t), 80, 24, Options{})
	_, cmd := h.m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Errorf("q should quit")
	}
}

func TestQuitWaitsForUnsavedWork(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 80, 24, Options{})
	// Press 2 but hold its command back, as if the disk were slow.
	_, pending := h.m.Update(tea.KeyPressMsg{Code: '2', Text: "2"})
	_, cmd := h.m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if cmd != nil {
		t.Fatalf("q with a write in flight must not quit yet")
	}
	if !strings.Contains(h.frame(), "saving 1, then quitting") {
		t.Errorf("status should say it is saving first:\n%s", h.frame())
	}
	msg := pending() // the write finishes
	_, after := h.m.Update(msg)
	quit := false
	if after != nil {
		switch m := after().(type) {
		case tea.QuitMsg:
			quit = true
		case tea.BatchMsg:
			for _, c := range m {
				if c != nil {
					if _, ok := c().(tea.QuitMsg); ok {
						quit = true
					}
				}
			}
		}
	}
	if !quit {
		t.Errorf("once saved, the screen should quit")
	}
	if got := codings(t, s); len(got) != 1 {
		t.Errorf("the coding made before quitting is lost: %v", got)
	}
}

// A transcript's answer shows the interviewer's prompt above it, and the
// question too when a heading set one; a prompt that is the question shows
// once.
func TestPromptShown(t *testing.T) {
	s, err := coding.Create(t.TempDir()+"/t.qcode", coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	notes := "Focus group 2\n# Motivations\nFacilitator: Why did you apply?\nP1: For the pay.\n#\nFacilitator: Anything else?\nP2: Supervision.\n"
	src, err := corpus.Parse("fg2.md", []byte(notes), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, s, 100, 30, Options{})
	frame := h.frame()
	for _, want := range []string{"fg2#3 · fg2 · fg2:P1", "question: Motivations", "prompt: Why did you apply?", "speaker: P1"} {
		if !strings.Contains(frame, want) {
			t.Errorf("first answer lacks %q:\n%s", want, frame)
		}
	}
	h.keys("j")
	frame = h.frame()
	if !strings.Contains(frame, "prompt: Anything else?") || strings.Contains(frame, "question: Anything else?") {
		t.Errorf("second answer: the prompt, once:\n%s", frame)
	}
	if !strings.Contains(frame, "coded 0/2") {
		t.Errorf("progress counts the participants' answers only:\n%s", frame)
	}
}
