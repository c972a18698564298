package tui

import (
	"slices"
	"strings"
	"testing"

	"qcode/coding"
)

// workload is the code the tests of A apply.
const workload = "Barriers/Workload and time"

// codedWith lists the IDs of the segments a coder coded with a code.
func codedWith(t *testing.T, s *coding.Store, coder, path string) []string {
	t.Helper()
	segs, err := s.Segments(coding.SegmentQuery{Code: path, Coders: []string{coder}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, seg := range segs {
		out = append(out, seg.ID)
	}
	return out
}

// matching lists the IDs of the segments whose text holds a word.
func matching(t *testing.T, s *coding.Store, word string) []string {
	t.Helper()
	segs, err := s.Segments(coding.SegmentQuery{Text: word})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, seg := range segs {
		out = append(out, seg.ID)
	}
	return out
}

// A after a search codes every match, as one action that u takes back
// whole and ctrl+r brings back; a match coded with it already is counted.
func TestCodeEveryMatchOfASearch(t *testing.T) {
	s := newProject(t)
	hits := matching(t, s, "time")
	if len(hits) != 7 {
		t.Fatalf("the survey has %d answers with “time”, the test expects 7: %v", len(hits), hits)
	}
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("/time<enter>")
	h.keys("cworkload<enter>") // the first match, coded by hand
	h.keys("A")
	a, ok := h.m.top().(*codeAll)
	if !ok || !strings.Contains(h.frame(), "Code the 7 matches of “time” with…") {
		t.Fatalf("A should open the picker for the 7 matches:\n%s", h.frame())
	}
	h.keys("workload<enter>")
	if !strings.Contains(h.frame(), "Code 7 segments with Barriers/Workload") {
		t.Fatalf("A should ask before coding:\n%s", h.frame())
	}
	if a.code.Path != workload {
		t.Fatalf("picked %q", a.code.Path)
	}
	h.keys("y")
	if got := codedWith(t, s, "alice", workload); !slices.Equal(got, hits) {
		t.Errorf("coded %v, want every match %v", got, hits)
	}
	if want := "saved coded 6 segments with " + workload + " · 1 already had it"; !strings.Contains(flat(h.frame()), want) {
		t.Errorf("the status line should say %q:\n%s", want, h.frame())
	}
	if !strings.Contains(h.frame(), "coded 7/205") {
		t.Errorf("coded N/M should count the 7:\n%s", h.frame())
	}
	h.keys("u")
	if got := codedWith(t, s, "alice", workload); len(got) != 1 {
		t.Errorf("u should take back the 6 at once, leaving the one coded by hand: %v", got)
	}
	h.keys("<ctrl+r>")
	if got := codedWith(t, s, "alice", workload); len(got) != 7 {
		t.Errorf("ctrl+r should bring the 6 back: %v", got)
	}
}

// flat joins a frame's lines, so that a status message wrapped onto two
// lines reads as one.
func flat(frame string) string {
	var parts []string
	for _, l := range strings.Split(frame, "\n") {
		parts = append(parts, strings.TrimSpace(l))
	}
	return strings.Join(parts, " ")
}

// Without a search, A codes the filtered list: exactly the segments shown,
// one of them coded since the filter was read (a "not reviewed" filter
// would no longer select it, but it was shown, so it is coded too).
func TestCodeEveryMatchOfAFilter(t *testing.T) {
	s := smallTeam(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("fu") // alice has not reviewed A5–A12
	listed := len(h.m.screen.list.refs)
	if listed != 8 {
		t.Fatalf("not reviewed by alice: %d listed, want 8", listed)
	}
	h.keys("3") // codes the first listed (A5) by hand: still listed
	h.keys("Aworkload<enter>")
	if !strings.Contains(h.frame(), "Code 8 segments with "+workload+"?") || !strings.Contains(h.frame(), "the 8 segments of the filter") {
		t.Fatalf("A on a filter should offer the 8 listed:\n%s", h.frame())
	}
	h.keys("y")
	want := []string{"A1", "A10", "A11", "A12", "A2", "A5", "A6", "A7", "A8", "A9"} // A1 and A2 alice had
	got := codedWith(t, s, "alice", workload)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("coded %v, want %v", got, want)
	}
}

// A says why it cannot code, and opens nothing, without a search or a
// filter, or when nothing is shown; n codes nothing.
func TestCodeEveryMatchRefuses(t *testing.T) {
	s := smallTeam(t)
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("A")
	if len(h.m.stack) != 0 || !strings.Contains(flat(h.frame()), "A codes every match of a search (/) or every segment of a filter (f)") {
		t.Errorf("A with neither a search nor a filter should say so:\n%s", h.frame())
	}
	h.keys("/no such words<enter>A")
	if len(h.m.stack) != 0 || !strings.Contains(h.frame(), "nothing to code") {
		t.Errorf("A with no matches should say so:\n%s", h.frame())
	}
	before := codings(t, s)
	h.keys("<esc>/backfill<enter>Aworkload<enter>n")
	if len(h.m.stack) != 0 || !slices.Equal(codings(t, s), before) {
		t.Errorf("n should code nothing and close: %v", codings(t, s))
	}
	h.keys("A<esc>")
	if len(h.m.stack) != 0 {
		t.Errorf("esc in the picker should close A")
	}
}

// While the store has not answered, the matches shown are drawn coded with
// a hollow chip and ◌ in the list, as a digit's coding is.
func TestCodeEveryMatchLooksQueued(t *testing.T) {
	s := smallTeam(t)
	h := newHeld(t, s, 120, 40)
	h.press("fu")
	h.drain()
	h.press("Aworkload", namedKey("enter"), "y")
	frame := h.frame()
	if !strings.Contains(frame, "◌ A6") || !strings.Contains(frame, "◌ Barriers › Workload and time") || !strings.Contains(frame, "1 saving…") {
		t.Errorf("A's codings must look queued until saved:\n%s", frame)
	}
	h.drain()
	frame = h.frame()
	if strings.Contains(frame, "◌") || !strings.Contains(frame, "● A6") {
		t.Errorf("once saved, A's codings are drawn as saved:\n%s", frame)
	}
}

// A while the list for a new filter is still being read codes nothing: the
// count it would ask about is the old list's.
func TestCodeEveryMatchWaitsForTheList(t *testing.T) {
	s := smallTeam(t)
	h := newHeld(t, s, 80, 24)
	h.press("fu", "A")
	if len(h.m.stack) != 0 || !strings.Contains(h.frame(), "still being read") {
		t.Errorf("A before the filtered list arrived should wait:\n%s", h.frame())
	}
	h.drain()
	h.press("A")
	if _, ok := h.m.top().(*codeAll); !ok {
		t.Errorf("A once the list is read should open:\n%s", h.frame())
	}
}
