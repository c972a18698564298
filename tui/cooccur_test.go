package tui

import (
	"strings"
	"testing"
)

// The report's o shows which codes occur together. In twoCoders, with
// every coder shown: Career progression is on R003 (alice) and R004 (both),
// Workload and time on R001, R002 (alice) and R003 (bob), so the two share
// one segment, R003, of 2 and 3: Jaccard 1 ÷ (2 + 3 − 1) = 0.25. Their
// parents pair the same way; a code and its own parent are not paired.
func TestCooccurrenceHeatTable(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("Cro")
	v, ok := h.m.top().(*cooccurView)
	if !ok {
		t.Fatalf("o in the report should open the co-occurrence table:\n%s", h.frame())
	}
	var names []string
	for _, c := range v.codes {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "Motivations,Career progression,Barriers,Workload and time" {
		t.Fatalf("axes %s", got)
	}
	// The cursor starts on the pair most often together (all share one:
	// the first in codebook order).
	if !strings.Contains(h.frame(), "1 Motivations × 3 Barriers: 1 segment") {
		t.Errorf("the cursor should start on the largest cell:\n%s", h.frame())
	}
	h.keys("hh")
	h.keys("jlll") // Career progression × Workload and time
	frame := h.frame()
	for _, want := range []string{"2 Career progression × 4 Workload and time: 1 segment of 2 and 3, Jaccard 0.25", "4 codes applied in scope"} {
		if !strings.Contains(frame, want) {
			t.Errorf("lacks %q:\n%s", want, frame)
		}
	}
	h.keys("h") // × Barriers: 1 too (R003)
	if !strings.Contains(h.frame(), "× 3 Barriers: 1 segment of 2 and 3") {
		t.Errorf("Career progression × Barriers:\n%s", h.frame())
	}
	h.keys("k") // Motivations × Barriers
	if !strings.Contains(h.frame(), "1 Motivations × 3 Barriers: 1 segment") {
		t.Errorf("Motivations × Barriers:\n%s", h.frame())
	}
	h.keys("j") // Career progression × Motivations: its parent
	h.keys("hh")
	if !strings.Contains(h.frame(), "one is within the other") {
		t.Errorf("a code and its parent:\n%s", h.frame())
	}
	h.keys("llJ")
	if !strings.Contains(h.frame(), "Jaccard: shared ÷ segments with either") || !strings.Contains(h.frame(), " .25") {
		t.Errorf("J shows Jaccard:\n%s", h.frame())
	}
	// By case: R003 is P? and so on; the unit changes the words.
	h.keys("u")
	if !strings.Contains(h.frame(), "shared ÷ cases with either") {
		t.Errorf("u counts cases:\n%s", h.frame())
	}
	// p: leaf codes only; the parents go, and come back.
	h.keys("p")
	if len(v.codes) != 2 || !strings.Contains(h.frame(), "2 leaf codes applied in scope") {
		t.Errorf("p shows leaves only:\n%s", h.frame())
	}
	h.keys("p")
	if len(v.codes) != 4 {
		t.Errorf("p again shows the parents: %d codes", len(v.codes))
	}
	h.keys("kkkkhhhh")  // the first cell
	h.keys("jlll")      // Career progression × Workload and time
	h.keys("uJ<enter>") // back to segments, counts
	pl, ok := h.m.top().(*passageList)
	if !ok {
		t.Fatalf("enter on a cell should list its passages:\n%s", h.frame())
	}
	if len(pl.segs) != 1 || pl.segs[0].ID != "R003" {
		t.Fatalf("the cell's passages: %+v", pl.segs)
	}
	if !strings.Contains(h.frame(), "Career progression × Workload and time") || !strings.Contains(h.frame(), "1 passage") {
		t.Errorf("the list says what it lists:\n%s", h.frame())
	}
	// g goes to it in the coding screen, closing the report behind it.
	h.keys("g")
	if len(h.m.stack) != 0 {
		t.Fatalf("g should close the list, the table and the report: %d left", len(h.m.stack))
	}
	if seg := h.m.current(); seg == nil || seg.ID != "R003" {
		t.Errorf("g should go to R003, at %+v", seg)
	}
}

// Fewer than two codes in scope: the table says so rather than draw an
// empty grid (alice alone codes no pair in smallTeam: A1, A2 Workload; A3
// Career; A4 L1).
func TestCooccurrenceNothingTogether(t *testing.T) {
	s := tinyProject(t, nil, []string{"hello"})
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("ro")
	if !strings.Contains(h.frame(), "fewer than two codes applied in scope") {
		t.Errorf("an empty table:\n%s", h.frame())
	}
	h.keys("<enter>jlJu")
	h.keys("<esc>")
	if _, ok := h.m.top().(*reportView); !ok {
		t.Errorf("esc goes back to the report")
	}
}

// A passage read in context: the heading and prompt above it, its
// neighbouring turns, + and - widen and narrow them, each a read in a
// command; esc closes a passage opened with i.
func TestReadInContext(t *testing.T) {
	s := smallTeamWithInterview(t)
	h := newHarness(t, s, 80, 30, Options{Coder: "alice"})
	h.keys("Gkkkk")
	if seg := h.m.current(); seg == nil || !strings.HasPrefix(seg.Text, "Feedback forms") {
		t.Fatalf("fixture: at %+v", seg)
	}
	h.keys("i")
	frame := h.frame()
	for _, want := range []string{"2 turns either side", "§: Q2. How do you know whether it makes a difference?",
		"Interviewer: How do you evaluate the awards?", "▶ Feedback forms", "Lead: Team managers nominate", "Interviewer: What did the audit show?"} {
		if !strings.Contains(frame, want) {
			t.Errorf("lacks %q:\n%s", want, frame)
		}
	}
	if strings.Contains(frame, "question: Q2") {
		t.Errorf("the heading is shown as a turn, not again as the question:\n%s", frame)
	}
	h.keys("-")
	frame = h.frame()
	if strings.Contains(frame, "Team managers nominate") || !strings.Contains(frame, "1 turn either side") || !strings.Contains(frame, "Interviewer: How do you evaluate") {
		t.Errorf("- shows one turn either side:\n%s", frame)
	}
	h.keys("--")
	frame = h.frame()
	if !strings.Contains(frame, "0 turns either side") || !strings.Contains(frame, "prompt: How do you evaluate the awards?") {
		t.Errorf("no turns: the prompt heads the passage:\n%s", frame)
	}
	h.keys("<esc>")
	if len(h.m.stack) != 0 {
		t.Errorf("esc closes a passage opened with i")
	}
}
