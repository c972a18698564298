package tui

import (
	"slices"
	"strings"
	"testing"

	"qcode/coding"
)

// The coding screen suggests codes for a segment the coder has not
// reviewed, dim under its text, learnt from the coder's own codings only;
// nothing is applied until t (or a digit) is pressed; the model follows
// each saved action (undo included) exactly as one trained afresh.
func TestSuggestionsOnTheCodingScreen(t *testing.T) {
	s := twoCoders(t)
	before := codings(t, s)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	g := h.m.screen.sugg.g
	if g == nil {
		t.Fatal("the suggester should be trained once the screen's first commands ran")
	}
	// Blind coding: alice's four codings (R001–R004), none of bob's.
	if g.Coder() != "alice" || g.Codings() != 4 {
		t.Errorf("trained on %s's %d codings, want alice's 4", g.Coder(), g.Codings())
	}
	h.keys("jjjj") // R005, which nobody coded
	frame := h.frame()
	if !strings.Contains(frame, "suggested (t takes the first): 2 Career progression") {
		t.Fatalf("R005 should show suggestions beside the digits:\n%s", frame)
	}
	if got := codings(t, s); !slices.Equal(got, before) {
		t.Fatalf("showing suggestions applied something:\n%v", got)
	}
	// They are what a suggester trained afresh suggests.
	wantFresh(t, s, h, "R005")
	// t takes the first; the hint goes, and the model learns it.
	h.keys("t")
	if got := codings(t, s); !slices.Contains(got, "R005,Motivations/Career progression,alice,,,false,") {
		t.Fatalf("t should apply Career progression to R005:\n%v", got)
	}
	if strings.Contains(h.frame(), "suggested (") {
		t.Errorf("a coded segment shows no suggestions:\n%s", h.frame())
	}
	if g.Codings() != 5 {
		t.Errorf("after t the model knows %d codings, want 5", g.Codings())
	}
	h.keys("j")
	wantFresh(t, s, h, "R006")
	// Undo: the model forgets it, and R005 is suggested for again.
	h.keys("ku")
	if g.Codings() != 4 {
		t.Errorf("after undo the model knows %d codings, want 4", g.Codings())
	}
	if !strings.Contains(h.frame(), "suggested (t takes the first): 2 Career progression") {
		t.Errorf("after undo R005 is unreviewed again:\n%s", h.frame())
	}
	wantFresh(t, s, h, "R005")
	// x (nothing applies) reviews it: no suggestions, and t says why.
	h.keys("x")
	h.keys("t")
	if !strings.Contains(h.frame(), "no suggestion here") {
		t.Errorf("t on a reviewed segment:\n%s", h.frame())
	}
}

// wantFresh checks that the screen shows, for segment id under the cursor,
// what a suggester trained afresh on the store suggests.
func wantFresh(t *testing.T, s *coding.Store, h *harness, id string) {
	t.Helper()
	seg := h.m.current()
	if seg == nil || seg.ID != id {
		t.Fatalf("at %+v, want %s", seg, id)
	}
	fresh, err := s.TrainSuggester("alice")
	if err != nil {
		t.Fatal(err)
	}
	want, err := fresh.Suggest(s, []coding.SegRef{seg.Ref}, suggestTop)
	if err != nil {
		t.Fatal(err)
	}
	got := h.m.screen.sugg.forSeg(seg)
	var a, b []string
	for _, x := range got {
		a = append(a, x.Path)
	}
	for _, x := range want[0].Suggestions {
		b = append(b, x.Path)
	}
	if !slices.Equal(a, b) {
		t.Errorf("%s: the screen suggests %v, one trained afresh %v", id, a, b)
	}
}

// Training is a command: the model is not built while the screen is made
// (the screen never waits), and consensus, which is derived, gets none.
func TestSuggesterTrainsInACommand(t *testing.T) {
	s := twoCoders(t)
	m := New(s, Options{Coder: "alice"})
	if m.screen.sugg.train() == nil || m.screen.sugg.g != nil {
		t.Fatal("training should be a command, not done in New")
	}
	h := newHarness(t, s, 80, 24, Options{Coder: coding.Consensus})
	h.keys("jjjjt")
	if h.m.screen.sugg.g != nil || strings.Contains(h.frame(), "suggested (") {
		t.Errorf("consensus has no suggestions:\n%s", h.frame())
	}
}

// = lists the segments of the source most like the current one, most
// alike first, each with how alike; g goes to one.
func TestSimilarSegments(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("jjjj=")
	pl, ok := h.m.top().(*passageList)
	if !ok {
		t.Fatalf("= should list similar segments:\n%s", h.frame())
	}
	sim, err := s.Similar(h.m.screen.list.current().Ref, similarTop)
	if err != nil || len(sim) == 0 {
		t.Fatalf("fixture: %v %v", sim, err)
	}
	if len(pl.segs) != len(sim) || pl.segs[0].Ref != sim[0].Ref {
		t.Fatalf("listed %d, first %v; want %d, first %v", len(pl.segs), pl.segs[0].Ref, len(sim), sim[0].Ref)
	}
	if !strings.Contains(h.frame(), "most like R005") || !strings.Contains(h.frame(), "% alike") {
		t.Errorf("the list says what it lists:\n%s", h.frame())
	}
	h.keys("g")
	if seg := h.m.current(); len(h.m.stack) != 0 || seg == nil || seg.Ref != sim[0].Ref {
		t.Errorf("g goes to the first similar segment")
	}
}

// A coder with fewer than suggestFrom segments of their own gets no
// suggestions (the codebook's words alone suggest noise); t says when
// they start.
func TestNoSuggestionsBeforeTheCoderHasCoded(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "carol"}) // carol has coded nothing
	if h.m.screen.sugg.g == nil {
		t.Fatal("the suggester should be trained")
	}
	h.keys("jjjj")
	if strings.Contains(h.frame(), "suggested (") {
		t.Errorf("no suggestions before carol has coded:\n%s", h.frame())
	}
	h.keys("t")
	if !strings.Contains(h.frame(), "no suggestions yet: they start once you have coded 3 segments") {
		t.Errorf("t should say when suggestions start:\n%s", h.frame())
	}
	h.keys("k1k1k1") // R004, R003, R002 coded: three segments
	h.keys("jjjj")   // past them, to one carol has not reviewed
	if !strings.Contains(h.frame(), "suggested (") {
		t.Errorf("after three coded segments, suggestions show:\n%s", h.frame())
	}
}
