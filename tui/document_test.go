package tui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"qcode/coding"
	"qcode/corpus/demo"
)

// interviewProject is the demo's interview with a learning lead (a title,
// headings, the interviewer's prompts, seven answers #3 #5 #7 #8 #10 #12
// #13) and the pq codebook; alice has coded #3 whole and a passage of #5,
// bob has coded #7 (not shown: coding is blind).
func interviewProject(t *testing.T) *coding.Store {
	t.Helper()
	s, err := coding.Create(filepath.Join(t.TempDir(), "i.qcode"), coding.CreateOptions{Name: "Interviews", Codes: coding.PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	src, err := demo.Interview()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	five := segmentText(t, s, "interview-lead-03#5")
	at := utf8.RuneCountInString(five[:strings.Index(five, "the same confident people")])
	csv := "segment,code,coder,start,end\n" +
		"interview-lead-03#3,Barriers/Release and backfill,alice,,\n" +
		fmt.Sprintf("interview-lead-03#5,Barriers/Unequal access,alice,%d,%d\n", at, at+25) +
		"interview-lead-03#7,Kirkpatrick/L1 Reaction,bob,,\n"
	if _, err := s.ImportCodings("lead", "c.csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	return s
}

// segmentText is a segment's text, by ID.
func segmentText(t *testing.T, s *coding.Store, id string) string {
	t.Helper()
	ref, err := s.Resolve(id)
	if err != nil {
		t.Fatal(err)
	}
	segs, err := s.Load([]coding.SegRef{ref}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return segs[0].Text
}

// docView is the document view on top of the screen.
func docView(t *testing.T, h *harness) *documentView {
	t.Helper()
	for _, c := range h.m.stack {
		if d, ok := c.(*documentView); ok {
			return d
		}
	}
	t.Fatalf("no document view open:\n%s", h.frame())
	return nil
}

// The document view reads the source as one text: the title, headings
// and prompts between the turns, the current turn marked, alice's codes
// as stripes and chips (bob's not: blind coding).
func TestDocumentViewAtSizes(t *testing.T) {
	s := interviewProject(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {56, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := newHarness(t, s, size[0], size[1], Options{Coder: "alice"})
			h.keys("d")
			frame := h.frame()
			golden(t, fmt.Sprintf("document-%dx%d", size[0], size[1]), frame)
			checkFrame(t, frame, size[0], size[1])
			for _, want := range []string{"interview-lead-03", "#3 · turn 1 of 7", "Interviewer: How does the borough support", "▌   Lead · #3", "Barriers › Release and backfill"} {
				if !strings.Contains(frame, want) {
					t.Errorf("the document lacks %q:\n%s", want, frame)
				}
			}
			if strings.Contains(frame, "L1 Reaction") {
				t.Errorf("bob's coding shows in alice's blind view:\n%s", frame)
			}
			// A passage across two turns, being selected.
			h.keys("Jv<right><right>J")
			golden(t, fmt.Sprintf("document-passage-%dx%d", size[0], size[1]), h.frame())
			checkFrame(t, h.frame(), size[0], size[1])
		})
	}
}

// The title, headings and preamble are in the order of the file; the
// coded passage of #5 has a stripe on its lines only.
func TestDocumentShowsContextAndStripes(t *testing.T) {
	s := interviewProject(t)
	h := newHarness(t, s, 120, 60, Options{Coder: "alice"})
	h.keys("d")
	lines := strings.Split(h.frame(), "\n")
	find := func(text string) int {
		for i, l := range lines {
			if strings.Contains(l, text) {
				return i
			}
		}
		t.Fatalf("no %q in:\n%s", text, strings.Join(lines, "\n"))
		return -1
	}
	order := []string{"Telephone interview with a learning", "Q1. How does your authority", "Interviewer: How does the borough",
		"Lead · #3", "Interviewer: Who decides", "Lead · #5", "Q2. How do you know", "Lead · #7"}
	for i := 1; i < len(order); i++ {
		if find(order[i-1]) >= find(order[i]) {
			t.Errorf("%q should come before %q", order[i-1], order[i])
		}
	}
	// #3 is coded whole: a stripe on every line of its text. #5's passage
	// "the same confident people" runs over two lines: those have one, its
	// last line ("in.") none.
	striped := func(i int) bool { return strings.Contains(lines[i], "┃") }
	three, chips := find("Lead · #3"), find("Barriers › Release and backfill")
	for i := three + 1; i < chips; i++ {
		if !striped(i) {
			t.Errorf("#3's line %q should have a stripe", lines[i])
		}
	}
	if striped(three) || striped(chips) {
		t.Errorf("a turn's header and chips have no stripe:\n%s\n%s", lines[three], lines[chips])
	}
	if !striped(find("the same")) || !striped(find("confident people")) || striped(find("    in.")) {
		t.Errorf("#5's passage should stripe its two lines only:\n%s", strings.Join(lines[find("Lead · #5"):find("Unequal access")+1], "\n"))
	}
}

// j and k scroll a line, pgdn a page, G to the end, g to the beginning;
// the current turn follows when it leaves the screen.
func TestDocumentScrolls(t *testing.T) {
	s := interviewProject(t)
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("d")
	d := docView(t, h)
	top := d.top
	h.keys("j")
	if want := advance(top, 1, len(d.parts), d.partHeight); d.top != want {
		t.Errorf("j: top %v, want %v", d.top, want)
	}
	h.keys("k")
	if d.top != top {
		t.Errorf("k: top %v, want %v", d.top, top)
	}
	h.keys("<pgdown>")
	if want := advance(top, d.textH()-2, len(d.parts), d.partHeight); d.top != want {
		t.Errorf("pgdn: top %v, want %v (a page less two lines)", d.top, want)
	}
	if seg := d.turnSeg(d.cur); seg.ID == "interview-lead-03#3" {
		t.Errorf("the current turn should have followed the page:\n%s", h.frame())
	}
	h.keys("G")
	if frame := h.frame(); !strings.Contains(frame, "#13 · turn 7 of 7") || !strings.Contains(frame, "The framework itself") {
		t.Errorf("G should show the end, the last turn current:\n%s", frame)
	}
	h.keys("g")
	if frame := h.frame(); !strings.Contains(frame, "#3 · turn 1 of 7") || !strings.Contains(frame, "Telephone interview") {
		t.Errorf("g should show the beginning:\n%s", frame)
	}
	// Scrolling past the end stops at the end.
	h.keys(strings.Repeat("j", 200))
	if d.top != d.lastTop() {
		t.Errorf("j past the end: top %v, last %v", d.top, d.lastTop())
	}
}

// Digits, the picker, star, memo and x act on the current turn, as on the
// coding screen, and say which code each digit applied; u undoes.
func TestDocumentCodesTheCurrentTurn(t *testing.T) {
	s := interviewProject(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("dJJ") // #7
	h.keys("2")
	if got := codings(t, s); len(got) != 4 || !slices.Contains(got, "interview-lead-03#7,Motivations/Career progression,alice,,,false,") {
		t.Fatalf("2 on #7: %v", got)
	}
	if !strings.Contains(joined(h.frame()), "saved 2 → + Motivations/Career progression on interview-lead-03#7") {
		t.Errorf("the status line should name what 2 applied:\n%s", h.frame())
	}
	if !strings.Contains(h.frame(), "Motivations › Career progression") {
		t.Errorf("the turn should show its new chip:\n%s", h.frame())
	}
	h.keys("s")
	if got := codings(t, s); !slices.Contains(got, "interview-lead-03#7,Motivations/Career progression,alice,,,true,") {
		t.Errorf("s should star it: %v", got)
	}
	h.keys("cworkload<enter>")
	if got := codings(t, s); len(got) != 5 || !strings.Contains(strings.Join(got, "\n"), "interview-lead-03#7,Barriers/Workload and time,alice,,,false,") {
		t.Errorf("the picker should apply to #7: %v", got)
	}
	h.keys("S")
	if !strings.Contains(h.frame(), "Star which coding as a quote?") {
		t.Errorf("S with two codings asks which:\n%s", h.frame())
	}
	h.keys("<esc>m")
	if !strings.Contains(h.frame(), "Memo on…") || !strings.Contains(h.frame(), "one of your 2 codings here…") {
		t.Errorf("m with two codings asks which:\n%s", h.frame())
	}
	h.keys("<esc>")
	h.keys("Jx") // #8: nothing applies
	if marked, _ := s.Marked("alice"); marked.Len() != 1 {
		t.Errorf("x should mark #8 reviewed")
	}
	h.keys("uuu") // the mark, the picker's code, the star
	if got := codings(t, s); len(got) != 4 || !slices.Contains(got, "interview-lead-03#7,Motivations/Career progression,alice,,,false,") {
		t.Errorf("after three undos: %v", got)
	}
	if marked, _ := s.Marked("alice"); marked.Len() != 0 {
		t.Errorf("undo should take the mark away")
	}
}

// A passage selected across turns codes each turn's part, as one action:
// the first turn from the word the passage starts at, the turns it covers
// whole, the last up to its word; one u takes it all back.
func TestDocumentPassageAcrossTurns(t *testing.T) {
	s := interviewProject(t)
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	before := codings(t, s)
	// From #7's third word (the start moved on two words), by turns (J J
	// J, then K back a turn) to #10, less its last word.
	h.keys("dJJv<shift+right><shift+right>JJJK<left>")
	ps, _ := docView(t, h).passages()
	if len(ps) != 3 {
		t.Fatalf("the passage should cover #7, #8 and #10: %+v", ps)
	}
	if !strings.Contains(h.frame(), "passage: 3 turns") {
		t.Errorf("the title line should say the passage runs across 3 turns:\n%s", h.frame())
	}
	h.keys("0") // Client group interest
	got := codings(t, s)
	var added []string
	for _, r := range got {
		if !slices.Contains(before, r) {
			added = append(added, r)
		}
	}
	seven := segmentText(t, s, "interview-lead-03#7")
	ten := segmentText(t, s, "interview-lead-03#10")
	w7, w10 := words(seven), words(ten)
	want := []string{
		fmt.Sprintf("interview-lead-03#7,Motivations/Client group interest,alice,%d,%d,false,", w7[2][0], w7[len(w7)-1][1]),
		"interview-lead-03#8,Motivations/Client group interest,alice,,,false,",
		fmt.Sprintf("interview-lead-03#10,Motivations/Client group interest,alice,%d,%d,false,", w10[0][0], w10[len(w10)-2][1]),
	}
	if !slices.Equal(added, want) {
		t.Errorf("coded:\n%s\nwant:\n%s", strings.Join(added, "\n"), strings.Join(want, "\n"))
	}
	// (The status line wraps at a hyphen: "interview-lead-" "03#7…".)
	if !strings.Contains(strings.ReplaceAll(joined(h.frame()), "- ", "-"), "saved 0 → + Motivations/Client group interest on 3 passages, interview-lead-03#7–#10") {
		t.Errorf("the status line should say what was coded:\n%s", h.frame())
	}
	h.keys("u")
	if got := codings(t, s); !slices.Equal(got, before) {
		t.Errorf("one u should take back every part: %v", got)
	}
}

// d goes back to the list at the current turn; the list followed the
// reader meanwhile (where qcode reopens).
func TestDocumentReturnsToTheListThere(t *testing.T) {
	s := interviewProject(t)
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("dJJJ")
	if got := h.m.current(); got == nil || got.ID != "interview-lead-03#8" {
		t.Errorf("the list should follow the reader to #8: %v", got)
	}
	h.keys("jjjjjjjjjj") // scrolls on: the current turn follows
	cur := docView(t, h).currentRef()
	h.keys("d")
	if len(h.m.stack) != 0 || h.m.currentRef() != cur {
		t.Errorf("d should go back to the list at the current turn:\n%s", h.frame())
	}
	// esc too; and n goes to the next turn not reviewed.
	h.keys("gdn")
	if seg := docView(t, h).turnSeg(docView(t, h).cur); seg.ID != "interview-lead-03#7" {
		t.Errorf("n from #3 should skip #5 (coded) to #7: %s", seg.ID)
	}
	h.keys("<esc>")
	if len(h.m.stack) != 0 || h.m.current().ID != "interview-lead-03#7" {
		t.Errorf("esc should go back at #7")
	}
}

// A survey sheet reads as its answers under their questions, each with
// its ID.
func TestDocumentOfASurvey(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("jjd")
	frame := h.frame()
	for _, want := range []string{"R003 · answer 3 of 205", "Q9 · How is information about social workers", "R001", "I keep my own record also", "Q16 · What further support"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the survey's document lacks %q:\n%s", want, frame)
		}
	}
}

// An action is drawn queued (a hollow stripe, a ◌ chip) in the frame of
// the key that asked for it, before the store has it.
func TestDocumentShowsQueuedActionsAtOnce(t *testing.T) {
	s := interviewProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("d")
	h.drain()
	h.press("JJ2") // #7
	frame := h.frame()
	if !strings.Contains(frame, "◌ Motivations › Career progression") || !strings.Contains(frame, "╎") {
		t.Errorf("the queued coding should show at once, hollow:\n%s", frame)
	}
	h.finishOne()
	frame = h.frame()
	if strings.Contains(frame, "◌") || !strings.Contains(frame, "Motivations › Career progression") {
		t.Errorf("once saved it shows as saved:\n%s", frame)
	}
}

// A filter that leaves the turn out of the list does not stop the view
// from acting on it (the screen's cache is handed the segment first).
func TestDocumentActsOnTurnsTheFilterHides(t *testing.T) {
	s := interviewProject(t)
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.send(filterMsg{coding.SegmentQuery{Text: "caseloads"}, "text caseloads"})
	h.keys("d")
	if got := docView(t, h).turnSeg(docView(t, h).cur).ID; got != "interview-lead-03#12" {
		t.Fatalf("the document should open at the listed #12: %s", got)
	}
	h.keys("g2")
	if got := codings(t, s); !slices.Contains(got, "interview-lead-03#3,Motivations/Career progression,alice,,,false,") {
		t.Errorf("2 on #3 (not listed): %v", got)
	}
	h.keys("d")
	if h.m.current().ID != "interview-lead-03#12" {
		t.Errorf("back to the list: it keeps its listed segment (#3 is not listed): %s", h.m.current().ID)
	}
}

// A source that reads as nothing (every segment of it gone) and a screen
// with no segment open the view without a crash.
func TestDocumentWithNothingToRead(t *testing.T) {
	s := tinyProject(t, nil, nil)
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("d")
	if !strings.Contains(h.frame(), "no segment here to read from") {
		t.Errorf("d with no segment:\n%s", h.frame())
	}
	h.keys("jJ2vd")
	if len(h.m.stack) != 0 {
		t.Errorf("d should close it")
	}
}

// The document view in a program: keys through the program's loop, the
// source read and the writes run as commands, the frame golden.
func TestProgramReadsADocument(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {56, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			s := interviewProject(t)
			w, tm := watchDoc(t, s, size[0], size[1])
			tm.Type("d")
			w.wait(t, tm, func(frame string, _ int) bool { return strings.Contains(frame, "turn 1 of 7") })
			tm.Type("JJ2") // #7
			w.answered(t, tm, 1)
			tm.Type("Jv")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
			tm.Type("J$0") // from #8's first word to #10's last: both whole, one action
			w.answered(t, tm, 2)
			w.wait(t, tm, func(frame string, _ int) bool { return strings.Contains(joined(frame), "on 2 passages") })
			w.mu.Lock()
			frame := w.frame
			w.mu.Unlock()
			golden(t, fmt.Sprintf("program-document-%dx%d", size[0], size[1]), frame)
			tm.Type("d")
			w.wait(t, tm, func(frame string, _ int) bool { return !strings.Contains(frame, "turn 5 of 7") })
			tm.Type("q")
			tm.WaitFinished(t)
			want := []string{"interview-lead-03#7,Motivations/Career progression,alice,,,false,",
				"interview-lead-03#8,Motivations/Client group interest,alice,,,false,",
				"interview-lead-03#10,Motivations/Client group interest,alice,,,false,"}
			got := codings(t, s)
			for _, r := range want {
				if !slices.Contains(got, r) {
					t.Errorf("the store lacks %s: %v", r, got)
				}
			}
		})
	}
}

// watchDoc starts the screen on the interview project in a program.
func watchDoc(t *testing.T, s *coding.Store, w, h int) (*watched, *teatest.TestModel) {
	t.Helper()
	m := &watched{Model: New(s, Options{Coder: "alice"})}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	m.wait(t, tm, func(frame string, _ int) bool { return strings.Contains(frame, "We fund the fees") })
	return m, tm
}
