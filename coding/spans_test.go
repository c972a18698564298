package coding

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A passage selected across segments (a transcript's turns) is coded as
// each segment's part, in one action that undo and redo take whole.
func TestApplySpans(t *testing.T) {
	s, refs := combinedProject(t)
	before := dump(s)
	// R003 "I learned a lot about mental health law": from "mental" (16) to
	// the end (39); R004 "My manager was supportive" whole (alice's mark
	// on it goes); R005 "Travel to the university took three hours each
	// way": "Travel to the university" (0–24).
	passages := []SegmentSpan{{refs[2], Span{16, 39}}, {refs[3], Span{}}, {refs[4], Span{0, 24}}}
	res, err := s.ApplySpans("alice", code(t, s, workload), passages)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 3 || res.Already != 0 || res.Seq == 0 || res.Desc != "apply "+workload+" to 3 passages" {
		t.Errorf("result %+v", res)
	}
	if got := fmt.Sprint(res.Segments); got != fmt.Sprint(refs[2:5]) {
		t.Errorf("segments touched %s, want %v", got, refs[2:5])
	}
	var got []string
	for _, r := range refs[2:5] {
		for _, c := range codingsOf(t, s, r, "alice") {
			got = append(got, fmt.Sprintf("%d:%d-%d", r, c.Span.Start, c.Span.End))
		}
	}
	want := fmt.Sprintf("[%d:16-39 %d:0-0 %d:0-24]", refs[2], refs[3], refs[4])
	if fmt.Sprint(got) != want {
		t.Errorf("alice's codings %v, want %s", got, want)
	}
	if marked, _ := s.Marked("alice"); marked.Has(refs[3]) {
		t.Error("alice's mark on R004 stayed under a code")
	}
	after := dump(s)
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Fatalf("one undo did not take back every passage:\n%s", diffLines(before, got))
	}
	if _, err := s.Redo("alice"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != after {
		t.Fatalf("redo:\n%s", diffLines(after, got))
	}
	// The same passages again: nothing to do, no action journaled.
	res, err = s.ApplySpans("alice", code(t, s, workload), passages)
	if err != nil || res.Applied != 0 || res.Already != 3 || res.Seq != 0 {
		t.Errorf("again: %+v %v", res, err)
	}
}

// Exclusive levels give way per passage: a level goes only from the
// passages of its own segment that the new passage overlaps.
func TestApplySpansExclusive(t *testing.T) {
	s, refs := combinedProject(t)
	if _, err := s.UpdateCode("lead", "Kirkpatrick", CodeDetails{Group: true, Exclusive: true}); err != nil {
		t.Fatal(err)
	}
	l1, l2 := code(t, s, "Kirkpatrick/L1 Reaction"), code(t, s, "Kirkpatrick/L2 Learning")
	// R003: L1 on "I learned" (0–9) and on "health law" (29–39); R004: L1
	// on "My manager" (0–10); bob's L1 on the whole of R005.
	for _, p := range []SegmentSpan{{refs[2], Span{0, 9}}, {refs[2], Span{29, 39}}, {refs[3], Span{0, 10}}} {
		if _, err := s.Apply("alice", p.Seg, l1, p.Span); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Apply("bob", refs[4], l1, Span{}); err != nil {
		t.Fatal(err)
	}
	// L2 on R003 from "mental" (16–39: overlaps "health law", not "I
	// learned"), R004 from "supportive" (15–25: overlaps nothing), and the
	// whole of R005.
	res, err := s.ApplySpans("alice", l2, []SegmentSpan{{refs[2], Span{16, 39}}, {refs[3], Span{15, 25}}, {refs[4], Span{}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 3 || res.Replaced != 1 || len(res.Notes) != 1 || res.Notes[0] != "replaced L1 Reaction with L2 Learning: Kirkpatrick is exclusive" {
		t.Errorf("result %+v", res)
	}
	var left []string
	for _, c := range codingsOf(t, s, 0, "") {
		if c.Code == l1 {
			left = append(left, fmt.Sprintf("%s %d-%d", c.CoderName, c.Span.Start, c.Span.End))
		}
	}
	// alice's "health law" gave way; "I learned", "My manager" and bob's stay.
	if got := strings.Join(left, ", "); got != "alice 0-9, alice 0-10, bob 0-0" {
		t.Errorf("L1 left: %s", got)
	}
}

// A span outside its segment refuses the whole action: nothing changes.
func TestApplySpansRefusesBadSpans(t *testing.T) {
	s, refs := combinedProject(t)
	before := dump(s)
	for _, tc := range []struct {
		name     string
		passages []SegmentSpan
		want     error
	}{
		{"none", nil, ErrInvalidInput},
		{"past the end", []SegmentSpan{{refs[2], Span{0, 9}}, {refs[3], Span{10, 99}}}, ErrInvalidInput},
		{"empty span", []SegmentSpan{{refs[2], Span{4, 4}}}, ErrInvalidInput},
		{"no segment", []SegmentSpan{{refs[2], Span{0, 9}}, {SegRef(999), Span{}}}, ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.ApplySpans("alice", code(t, s, workload), tc.passages); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if got := dump(s); got != before {
				t.Errorf("the project changed:\n%s", diffLines(before, got))
			}
		})
	}
	if _, err := s.ApplySpans("alice", CodeID(999), []SegmentSpan{{refs[2], Span{}}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown code: %v", err)
	}
}

// codingsOf lists the codings of a segment (0: every segment) by a coder
// ("": anyone), in key order.
func codingsOf(t *testing.T, s *Store, seg SegRef, coder string) []Coding {
	t.Helper()
	var refs []SegRef
	if seg != 0 {
		refs = []SegRef{seg}
	} else {
		var err error
		if refs, err = s.SegmentRefs(SegmentQuery{}); err != nil {
			t.Fatal(err)
		}
	}
	var coders []CoderID
	if coder != "" {
		id, ok := s.CoderID(coder)
		if !ok {
			return nil
		}
		coders = []CoderID{id}
	}
	var out []Coding
	for _, r := range refs {
		cs, err := s.CodingsOf(r, coders)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cs...)
	}
	return out
}
