package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"qcode/coding"
)

// memoOn reads an author's memo on a target ("" when there is none).
func memoOn(t *testing.T, s *coding.Store, author string, target coding.MemoTarget) string {
	t.Helper()
	m, _, err := s.MemoOn(author, target)
	if err != nil {
		t.Fatal(err)
	}
	return m.Text
}

// seg is a segment of the project by ID.
func seg(t *testing.T, s *coding.Store, id string) coding.Segment {
	t.Helper()
	segs, err := s.Segments(coding.SegmentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sg := range segs {
		if sg.ID == id {
			return sg
		}
	}
	t.Fatalf("no segment %s", id)
	return coding.Segment{}
}

// m asks what the memo is on, always in the same order, and each choice
// writes the coder's own memo there as one undoable action.
func TestMemoMenuWritesMemosOnEveryKind(t *testing.T) {
	s := smallTeam(t)
	a1 := seg(t, s, "A1")
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("m")
	ch, ok := h.m.top().(*chooser)
	if !ok {
		t.Fatalf("m should ask what the memo is on:\n%s", h.frame())
	}
	want := []string{"your coding Barriers/Workload and time", "segment A1", "participant P0", "source survey", "a code… (pick it)", "the project journal: a new entry"}
	if got := labels(ch); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("m offers %q, want %q", got, want)
	}
	h.keys("2Ask the lead what backfill meant.<ctrl+s>")
	if got := memoOn(t, s, "alice", coding.MemoTarget{Kind: coding.MemoSegment, Segment: a1.Ref}); got != "Ask the lead what backfill meant." {
		t.Errorf("segment memo: %q", got)
	}
	if !strings.Contains(h.frame(), "saved memo on segment A1") {
		t.Errorf("the status line should say the memo was saved:\n%s", h.frame())
	}
	// Opened again, the editor holds the memo; an edit replaces it.
	h.keys("m2")
	if e, ok := h.m.top().(*memoEditor); !ok || e.area.Value() != "Ask the lead what backfill meant." {
		t.Fatalf("the editor should open on the memo written:\n%s", h.frame())
	}
	h.keys(" Or the manager.<ctrl+s>")
	h.keys("m3Works part time.<ctrl+s>")
	h.keys("m4Six boroughs, 2010.<ctrl+s>")
	h.keys("m5career<enter>Taking the award to get on.<ctrl+s>")
	h.keys("m6Merged bob's copy.<ctrl+s>")
	career, _ := s.Codebook().Lookup("Motivations/Career progression")
	for _, c := range []struct {
		target coding.MemoTarget
		want   string
	}{
		{coding.MemoTarget{Kind: coding.MemoSegment, Segment: a1.Ref}, "Ask the lead what backfill meant. Or the manager."},
		{coding.MemoTarget{Kind: coding.MemoCase, Case: a1.CaseID}, "Works part time."},
		{coding.MemoTarget{Kind: coding.MemoSource, Source: a1.SourceID}, "Six boroughs, 2010."},
		{coding.MemoTarget{Kind: coding.MemoCode, Code: career.ID}, "Taking the award to get on."},
	} {
		if got := memoOn(t, s, "alice", c.target); got != c.want {
			t.Errorf("%s memo: %q, want %q", c.target.Kind, got, c.want)
		}
	}
	journal, err := s.Memos(coding.MemoQuery{Kinds: []coding.MemoKind{coding.MemoProject}})
	if err != nil || len(journal) != 1 || journal[0].Text != "Merged bob's copy." || journal[0].Author != "alice" {
		t.Errorf("journal: %+v %v", journal, err)
	}
	// Each was one action: u takes back the journal entry, then the code's memo.
	h.keys("uu")
	if got, _ := s.Memos(coding.MemoQuery{Kinds: []coding.MemoKind{coding.MemoProject, coding.MemoCode}}); len(got) != 0 {
		t.Errorf("u u should take back the journal entry and the code's memo: %+v", got)
	}
	// The coding's memo is item 1, as before.
	h.keys("m1On the coding.<ctrl+s>")
	if got := codings(t, s); !strings.Contains(strings.Join(got, "\n"), "A1,Barriers/Workload and time,alice,,,false,On the coding.") {
		t.Errorf("coding memo: %v", got)
	}
}

// An item that does not apply keeps its number and says why.
func TestMemoMenuSaysWhy(t *testing.T) {
	s := newProject(t) // survey answers: no codings yet, no participant
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("m1")
	if len(h.m.stack) != 0 || !strings.Contains(h.frame(), "code this segment first") {
		t.Errorf("1 without a coding should say why:\n%s", h.frame())
	}
	h.keys("m3")
	if len(h.m.stack) != 0 || !strings.Contains(h.frame(), "this segment has no participant") {
		t.Errorf("3 without a participant should say why:\n%s", h.frame())
	}
	h.keys("m6<esc>")
	if len(h.m.stack) != 0 {
		t.Errorf("esc on an empty journal entry should close it")
	}
}

// memoProject is the team project with a memo of every kind, by alice and
// sam.
func memoProject(t *testing.T) *coding.Store {
	t.Helper()
	s := smallTeam(t)
	a3, a1 := seg(t, s, "A3"), seg(t, s, "A1")
	career, _ := s.Codebook().Lookup("Motivations/Career progression")
	cs, err := s.CodingsOf(a3.Ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	var alices coding.CodingKey
	for _, c := range cs {
		if c.CoderName == "alice" {
			alices = c.CodingKey
		}
	}
	for _, m := range []struct {
		who    string
		target coding.MemoTarget
		text   string
	}{
		{"sam", coding.MemoTarget{Kind: coding.MemoProject}, "Merged priya's copy; 12 disagreements left to settle."},
		{"alice", coding.MemoTarget{Kind: coding.MemoProject}, "Started on the survey."},
		{"sam", coding.MemoTarget{Kind: coding.MemoSource, Source: a1.SourceID}, "Six boroughs answered in 2010."},
		{"alice", coding.MemoTarget{Kind: coding.MemoCase, Case: a1.CaseID}, "A PQ lead who also teaches."},
		{"alice", coding.MemoTarget{Kind: coding.MemoCode, Code: career.ID}, "Getting on: promotion, a new post."},
		{"sam", coding.MemoTarget{Kind: coding.MemoSegment, Segment: a3.Ref}, "Ask the lead what backfill meant here.\n\nIt may be the manager's word, not the worker's: " + strings.Repeat("more words to read ", 20)},
		{"alice", coding.MemoTarget{Kind: coding.MemoCoding, Coding: alices}, "Career, not barriers: the award was deferred."},
	} {
		if _, err := s.SetMemoOn(m.who, m.target, m.text); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// dates stand in for the days the memos were written on.
var dates = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// M lists every memo, shows the one under the cursor whole, filters by
// kind, code and author, and goes to a memo's segment.
func TestMemoBrowser(t *testing.T) {
	s := memoProject(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {56, 20}} {
		h := newHarness(t, s, size[0], size[1], Options{Coder: "alice"})
		h.keys("M")
		frame := h.frame()
		checkFrame(t, frame, size[0], size[1])
		golden(t, fmt.Sprintf("memos-%dx%d", size[0], size[1]), dates.ReplaceAllString(frame, "YYYY-MM-DD"))
	}
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("M")
	b := h.m.top().(*memoBrowser)
	var abouts []string
	for _, m := range b.memos {
		abouts = append(abouts, about(m)+" by "+m.Author)
	}
	want := "journal #1 by sam|journal #2 by alice|source survey by sam|participant P0 by alice|code Motivations/Career progression by alice|segment A3 by sam|coding Motivations/Career progression on A3 by alice"
	if got := strings.Join(abouts, "|"); got != want {
		t.Errorf("memos in order:\n got %s\nwant %s", got, want)
	}
	// t steps through the kinds: the journal first.
	h.keys("t")
	if len(b.memos) != 2 || !strings.Contains(h.frame(), "2 memos · journal") {
		t.Errorf("t: the journal's 2 entries:\n%s", h.frame())
	}
	h.keys("x")
	// a steps through the authors: alice first.
	h.keys("a")
	if len(b.memos) != 4 || !strings.Contains(h.frame(), "by alice") {
		t.Errorf("a: alice's 4 memos, got %d:\n%s", len(b.memos), h.frame())
	}
	h.keys("aa")
	if len(b.memos) != 7 {
		t.Errorf("a past the last author: everyone's again, got %d", len(b.memos))
	}
	// c: memos about a code (its own, its codings', coded segments').
	h.keys("ccareer<enter>")
	if len(b.memos) != 3 || b.q.Code != "Motivations/Career progression" {
		t.Errorf("c career: %d memos (%q)", len(b.memos), b.q.Code)
	}
	h.keys("x")
	// enter on a journal entry reads it; on a segment's memo it goes there.
	h.keys("<enter>")
	if !b.reading || !strings.Contains(h.frame(), "Merged priya's copy") {
		t.Errorf("enter on a journal entry should read it:\n%s", h.frame())
	}
	h.keys("e")
	if len(h.m.stack) != 1 || !strings.Contains(h.frame(), "journal entry is sam's") {
		t.Errorf("e on sam's entry should say it is his:\n%s", h.frame())
	}
	h.keys("<esc>jjjjj<enter>")
	if len(h.m.stack) != 0 || h.m.current() == nil || h.m.current().ID != "A3" {
		t.Errorf("enter on A3's memo should go to A3:\n%s", h.frame())
	}
	// e on one's own memo edits it; the browser shows the edit.
	h.keys("Mjjj")
	b = h.m.top().(*memoBrowser)
	h.keys("e")
	if e, ok := h.m.top().(*memoEditor); !ok || e.area.Value() != "A PQ lead who also teaches." {
		t.Fatalf("e should edit alice's memo on P0:\n%s", h.frame())
	}
	h.keys(" And writes.<ctrl+s>")
	if !strings.Contains(h.frame(), "A PQ lead who also teaches. And writes.") {
		t.Errorf("the browser should show the memo as edited:\n%s", h.frame())
	}
	// n writes a journal entry.
	h.keys("nSettled three.<ctrl+s>")
	if m, _ := b.current(); len(b.memos) != 8 || m.Text != "A PQ lead who also teaches. And writes." {
		t.Errorf("n: the browser should list the new entry: %d memos\n%s", len(b.memos), h.frame())
	}
}

// A memo's segment the filter leaves out: the filter goes, and the cursor
// goes to the segment.
func TestMemoBrowserGoesPastTheFilter(t *testing.T) {
	s := memoProject(t)
	h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
	h.keys("fu") // not reviewed by alice: A3 is coded, so left out
	h.keys("Mjjjjj<enter>")
	if !h.m.c.proj.query.IsZero() || h.m.current() == nil || h.m.current().ID != "A3" {
		t.Errorf("enter should clear the filter and go to A3 (filter %q):\n%s", h.m.c.proj.filter, h.frame())
	}
}

// Keys typed while the editor reads the memo are typed after it, not
// lost (a fast typist presses m 2 and starts writing at once).
func TestMemoTypedWhileReadIsKept(t *testing.T) {
	s := memoProject(t)
	h := newHeld(t, s, 80, 24)
	h.press("fu") // list A5…A12; A5 first
	h.drain()
	if _, err := s.SetMemoOn("alice", coding.MemoTarget{Kind: coding.MemoSegment, Segment: seg(t, s, "A5").Ref}, "Seen."); err != nil {
		t.Fatal(err)
	}
	h.press("m2", " Twice.")
	e, ok := h.m.top().(*memoEditor)
	if !ok || !e.loading {
		t.Fatalf("the editor should be reading the memo:\n%s", h.frame())
	}
	h.drain()
	if got := e.area.Value(); got != "Seen. Twice." {
		t.Errorf("the editor holds %q, want the memo then what was typed", got)
	}
}

// Blind coding holds in the memo browser: bob does not see alice's memo
// on her coding, nor a segment's memo through a code only alice applied
// there; C (every coder) shows both.
func TestMemoBrowserIsBlind(t *testing.T) {
	s := memoProject(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "bob"})
	h.keys("M")
	b := h.m.top().(*memoBrowser)
	for _, m := range b.memos {
		if m.Target.Kind == coding.MemoCoding {
			t.Errorf("bob sees a coding's memo by %s: %q", m.Author, m.Text)
		}
	}
	if len(b.memos) != 6 {
		t.Errorf("bob should see the 6 memos that are not on alice's codings, got %d", len(b.memos))
	}
	h.keys("ccareer<enter>") // only alice coded A3 with Career progression
	if len(b.memos) != 1 || b.memos[0].Target.Kind != coding.MemoCode {
		t.Errorf("c career as bob: only the code's own memo, got %d", len(b.memos))
	}
	h.keys("<esc>C")
	h.keys("M")
	b = h.m.top().(*memoBrowser)
	if len(b.memos) != 7 {
		t.Errorf("with every coder shown: 7 memos, got %d", len(b.memos))
	}
}
