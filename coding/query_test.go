package coding

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseQueryTerm(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want QueryTerm
		err  string
	}{
		{"code=Barriers/Workload and time", QueryTerm{Kind: TermCode, Value: "Barriers/Workload and time"}, ""},
		{" CODE = Barriers ", QueryTerm{Kind: TermCode, Value: "Barriers"}, ""},
		{"source=fg2", QueryTerm{Kind: TermSource, Value: "fg2"}, ""},
		{"case=fg2:P1", QueryTerm{Kind: TermCase, Value: "fg2:P1"}, ""},
		{"Case = Jane Doe", QueryTerm{Kind: TermCase, Value: "Jane Doe"}, ""},
		{"attr:case=7", QueryTerm{Kind: TermAttr, Name: "case", Value: "7"}, ""},
		{"coder=sam", QueryTerm{Kind: TermCoder, Value: "sam"}, ""},
		{"sample=icr", QueryTerm{Kind: TermSample, Value: "icr"}, ""},
		{"text=back fill", QueryTerm{Kind: TermText, Value: "back fill"}, ""},
		{"uncoded", QueryTerm{Kind: TermUncoded}, ""},
		{"Unreviewed", QueryTerm{Kind: TermUnreviewed}, ""},
		{"starred", QueryTerm{Kind: TermStarred}, ""},
		{"coded", QueryTerm{Kind: TermCoded}, ""},
		// Any other name is an attribute; attr: reads a keyword as one.
		{"role=PQ lead", QueryTerm{Kind: TermAttr, Name: "role", Value: "PQ lead"}, ""},
		{"Question_ID=Q11", QueryTerm{Kind: TermAttr, Name: "Question_ID", Value: "Q11"}, ""},
		{"attr:source=interview", QueryTerm{Kind: TermAttr, Name: "source", Value: "interview"}, ""},
		{"ATTR:code=7", QueryTerm{Kind: TermAttr, Name: "code", Value: "7"}, ""},
		{"role=", QueryTerm{Kind: TermAttr, Name: "role", Value: ""}, ""},
		{"a=b=c", QueryTerm{Kind: TermAttr, Name: "a", Value: "b=c"}, ""},
		// != and several values (issue 14's --where, the same terms).
		{"role!=PQ lead", QueryTerm{Kind: TermAttr, Name: "role", Value: "PQ lead", Not: true}, ""},
		{"role = PQ lead, Learning lead", QueryTerm{Kind: TermAttr, Name: "role", Values: []string{"PQ lead", "Learning lead"}}, ""},
		{`place=Leeds\, West Yorkshire`, QueryTerm{Kind: TermAttr, Name: "place", Value: "Leeds, West Yorkshire"}, ""},
		{"attr:code!=7,8", QueryTerm{Kind: TermAttr, Name: "code", Values: []string{"7", "8"}, Not: true}, ""},
		{"role!=", QueryTerm{Kind: TermAttr, Name: "role", Value: "", Not: true}, ""},
		{"code!=Barriers", QueryTerm{}, "!= is for attributes"},
		// Mistakes.
		{"barriers", QueryTerm{}, "write code=PATH"},
		{"code=", QueryTerm{}, "give a value"},
		{"=x", QueryTerm{}, "name the attribute"},
		{"attr:=x", QueryTerm{}, "name the attribute"},
		{"starred=yes", QueryTerm{}, "takes no value"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := ParseQueryTerm(tc.spec)
			if tc.err != "" {
				if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
			// A term spelt back reads as itself.
			if again, err := ParseQueryTerm(got.Spec()); err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("%q reads as %+v, %v", got.Spec(), again, err)
			}
		})
	}
}

// Terms are added and taken away one by one; one that holds one value
// replaces the one there.
func TestQueryTerms(t *testing.T) {
	q, err := ParseQuery([]string{"code=Barriers", "role=PQ lead", "unreviewed", "text=backfill", "Role=Social worker", "source=s1", "coder=sam", "starred", "sample=icr"})
	if err != nil {
		t.Fatal(err)
	}
	want := "text “backfill” · code Barriers · Role = Social worker · source s1 · coded by sam · not reviewed · starred · sample icr"
	if got := q.Describe(); got != want {
		t.Errorf("describe:\n got %s\nwant %s", got, want)
	}
	for _, term := range q.Terms() {
		q = q.Without(term)
	}
	if !q.IsZero() || q.Describe() != "every segment" {
		t.Errorf("after taking every term away: %+v", q)
	}
	// The single Attr field the screen set before is a term like the rest.
	q = SegmentQuery{Attr: Attribute{Name: "role", Value: "PQ lead"}}
	if q, _ = q.With(QueryTerm{Kind: TermAttr, Name: "ROLE", Value: "x"}); q.Describe() != "ROLE = x" {
		t.Errorf("replacing the Attr field: %s", q.Describe())
	}
}

// combinedProject: the survey s1 (R001–R005; question_id Q10 on odd
// answers, Q11 on even ones; case A on odd, B on even) and s2 (the same
// five answers, ids R001–R005 again). alice coded R001 career (starred)
// and R002 workload; bob coded R002 workload and R003 career; alice marked
// R004 "nothing applies"; sample icr holds s1's R001, R002 and R005.
func combinedProject(t *testing.T) (*Store, []SegRef) {
	t.Helper()
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s1")
	refs = append(refs, importSurvey(t, s, "s2")...)
	applyAs(t, s, "alice", refs[0], career)
	applyAs(t, s, "alice", refs[1], workload)
	applyAs(t, s, "bob", refs[1], workload)
	applyAs(t, s, "bob", refs[2], career)
	cs, _ := s.CodingsOf(refs[0], nil)
	if _, err := s.SetStar("alice", cs[0].CodingKey, true); err != nil {
		t.Fatal(err)
	}
	mark(t, s, "alice", refs[3])
	if _, err := s.CreateSample("lead", SampleSpec{Name: "icr", Segments: []SegmentLine{{1, "s1:R001"}, {2, "s1:R002"}, {3, "s1:R005"}}}); err != nil {
		t.Fatal(err)
	}
	return s, refs
}

func qualifiedIDs(t *testing.T, s *Store, q SegmentQuery) string {
	t.Helper()
	segs, err := s.Segments(q)
	if err != nil {
		t.Fatalf("%s: %v", q.Describe(), err)
	}
	var out []string
	for _, seg := range segs {
		out = append(out, seg.Source+":"+seg.ID)
	}
	return strings.Join(out, " ")
}

// Conditions combine with AND.
func TestCombinedFilters(t *testing.T) {
	s, _ := combinedProject(t)
	alice := []string{"alice"}
	for _, tc := range []struct {
		filters []string
		coders  []string
		want    string
	}{
		{nil, nil, "s1:R001 s1:R002 s1:R003 s1:R004 s1:R005 s2:R001 s2:R002 s2:R003 s2:R004 s2:R005"},
		{[]string{"question_id=Q10"}, nil, "s1:R001 s1:R003 s1:R005 s2:R001 s2:R003 s2:R005"},
		{[]string{"question_id=Q10", "source=s1"}, nil, "s1:R001 s1:R003 s1:R005"},
		{[]string{"question_id=Q10", "QUESTION_ID=Q11"}, nil, "s1:R002 s1:R004 s2:R002 s2:R004"}, // the later value replaces
		{[]string{"code=Motivations"}, nil, "s1:R001 s1:R003"},
		{[]string{"code=Motivations"}, alice, "s1:R001"},
		{[]string{"code=Motivations", "coder=bob"}, alice, ""}, // alice's career, on what bob coded
		{[]string{"coder=bob"}, alice, "s1:R002 s1:R003"},
		{[]string{"coder=bob", "code=Barriers"}, nil, "s1:R002"},
		{[]string{"starred"}, nil, "s1:R001"},
		{[]string{"starred"}, []string{"bob"}, ""},
		{[]string{"uncoded", "source=s1"}, nil, "s1:R004 s1:R005"},
		{[]string{"unreviewed", "source=s1"}, alice, "s1:R003 s1:R005"},
		{[]string{"sample=icr"}, nil, "s1:R001 s1:R002 s1:R005"},
		{[]string{"sample=icr", "unreviewed"}, alice, "s1:R005"},
		{[]string{"sample=icr", "text=travel"}, nil, "s1:R005"},
		{[]string{"text=TRAVEL", "question_id=Q10"}, nil, "s1:R005 s2:R005"},
		{[]string{"role=none"}, nil, ""},
	} {
		t.Run(strings.Join(tc.filters, "&")+fmt.Sprint(tc.coders), func(t *testing.T) {
			q, err := ParseQuery(tc.filters)
			if err != nil {
				t.Fatal(err)
			}
			q.Coders = tc.coders
			if got := qualifiedIDs(t, s, q); got != tc.want {
				t.Errorf("%s:\n got %s\nwant %s", q.Describe(), got, tc.want)
			}
		})
	}
	if _, err := s.Segments(SegmentQuery{CodedBy: "zoe"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown coder: %v", err)
	}
}

// Code every match: one action, counted, that undo takes back whole.
func TestCodeAll(t *testing.T) {
	s, refs := combinedProject(t)
	before := dump(s)
	q, _ := ParseQuery([]string{"question_id=Q10"})
	res, err := s.CodeAll("alice", q, code(t, s, career))
	if err != nil {
		t.Fatal(err)
	}
	// Q10: s1 R001 (alice has career already), R003, R005; s2 R001, R003, R005.
	if res.Matched != 6 || res.Coded != 5 || res.Already != 1 || res.Desc != "code 5 segments with "+career || res.Seq == 0 {
		t.Errorf("result %+v", res)
	}
	if got := qualifiedIDs(t, s, SegmentQuery{Code: career, Coders: []string{"alice"}}); got != "s1:R001 s1:R003 s1:R005 s2:R001 s2:R003 s2:R005" {
		t.Errorf("coded: %s", got)
	}
	after := dump(s)
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Fatalf("undo:\n%s", diffLines(before, got))
	}
	if _, err := s.Redo("alice"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != after {
		t.Fatalf("redo:\n%s", diffLines(after, got))
	}
	// A mark of the coder's goes; nothing matched changes nothing.
	res, err = s.CodeAll("alice", SegmentQuery{Source: "s1", Text: "manager"}, code(t, s, workload))
	if err != nil || res.Coded != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if marked, _ := s.Marked("alice"); marked.Has(refs[3]) {
		t.Errorf("alice's mark on R004 stayed under a code")
	}
	if res, err := s.CodeAll("alice", SegmentQuery{Text: "no such words"}, code(t, s, workload)); err != nil || res.Matched != 0 || res.Seq != 0 {
		t.Errorf("nothing matched: %+v %v", res, err)
	}
}

// In an exclusive group, coding every match replaces the coder's other
// levels on those segments, and says so.
func TestCodeAllExclusive(t *testing.T) {
	s, refs := combinedProject(t)
	if _, err := s.UpdateCode("lead", "Kirkpatrick", CodeDetails{Group: true, Exclusive: true}); err != nil {
		t.Fatal(err)
	}
	l1, l2 := code(t, s, "Kirkpatrick/L1 Reaction"), code(t, s, "Kirkpatrick/L2 Learning")
	if _, err := s.Apply("alice", refs[0], l1, Span{0, 6}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("bob", refs[2], l1, Span{}); err != nil {
		t.Fatal(err)
	}
	res, err := s.CodeAll("alice", SegmentQuery{Source: "s1", Attrs: []Attribute{{Name: "question_id", Value: "Q10"}}}, l2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Coded != 3 || res.Replaced != 1 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "gave way on 1 segment: Kirkpatrick is exclusive") {
		t.Errorf("result %+v", res)
	}
	if got := qualifiedIDs(t, s, SegmentQuery{Code: "Kirkpatrick/L1 Reaction"}); got != "s1:R003" {
		t.Errorf("L1 left on %s (bob's stays)", got)
	}
}

// Refs keeps only the segments named: a screen codes exactly what it
// showed, and a ref the project no longer has is passed over.
func TestCodeAllShownSegments(t *testing.T) {
	s, refs := combinedProject(t)
	// s1:R002 was coded with workload by alice: an "uncoded" filter would
	// no longer select it, but it was shown, so it is coded.
	shown := []SegRef{refs[1], refs[4], refs[6], 9999}
	res, err := s.CodeAll("alice", SegmentQuery{Refs: shown}, code(t, s, career))
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != 3 || res.Coded != 3 || res.Already != 0 {
		t.Errorf("result %+v", res)
	}
	if got := qualifiedIDs(t, s, SegmentQuery{Code: career, Coders: []string{"alice"}}); got != "s1:R001 s1:R002 s1:R005 s2:R002" {
		t.Errorf("coded: %s", got)
	}
	// Refs combines with the other conditions; an empty list selects none.
	if got := qualifiedIDs(t, s, SegmentQuery{Refs: refs[:5], Source: "s2"}); got != "" {
		t.Errorf("s1's refs within s2: %q", got)
	}
	if q := (SegmentQuery{Refs: []SegRef{}}); q.IsZero() || len(q.Terms()) != 0 {
		t.Errorf("an empty Refs selects none (not zero), and is not a term: %v %v", q.IsZero(), q.Terms())
	}
	if got := qualifiedIDs(t, s, SegmentQuery{Refs: []SegRef{}}); got != "" {
		t.Errorf("empty Refs: %q", got)
	}
}
