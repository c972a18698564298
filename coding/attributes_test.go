package coding

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"qcode/corpus"
)

// staffProject is a survey of five answers by four respondents, with
// spellings that need fixing, on every layer:
//
//	segment  case  own attributes
//	R1       P1    authority=LA01, Role=Learning lead
//	R2       P1    authority=LA01
//	R3       P2    authority=la01, Role=learning  lead   (two spaces)
//	R4       P3    authority=LA02
//	R5       -     authority=LA02
//
// case P1 role=Learning lead, case P3 role=Team manager; the source has
// method=survey. An import stores the source's attributes, then its cases',
// then its segments': "role" is the first spelling stored, "Role" the second.
func staffProject(t *testing.T) *Store {
	t.Helper()
	s, _ := newProject(t)
	a := func(kv ...string) []corpus.Attribute {
		var out []corpus.Attribute
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, corpus.Attribute{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	src := &corpus.Source{Name: "staff", File: "staff.csv", Format: "csv", Hash: "staff",
		Attributes: a("method", "survey"),
		Cases:      []corpus.Case{{Name: "P1", Attributes: a("role", "Learning lead")}, {Name: "P3", Attributes: a("role", "Team manager")}},
		Segments: []corpus.Segment{
			{ID: "R1", Case: "P1", Text: "feedback forms", Attributes: a("authority", "LA01", "Role", "Learning lead")},
			{ID: "R2", Case: "P1", Text: "supervision", Attributes: a("authority", "LA01")},
			{ID: "R3", Case: "P2", Text: "nothing", Attributes: a("authority", "la01", "Role", "learning  lead")},
			{ID: "R4", Case: "P3", Text: "audits", Attributes: a("authority", "LA02")},
			{ID: "R5", Text: "outcomes", Attributes: a("authority", "LA02")},
		}}
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return s
}

func summaryText(sum AttributeSummary) string {
	var b strings.Builder
	for _, a := range sum.Attributes {
		fmt.Fprintf(&b, "%s %v %v %d/%d:", a.Name, a.Spellings, a.On, a.Segments, a.Cases)
		for _, v := range a.Values {
			fmt.Fprintf(&b, " %q %d/%d", v.Value, v.Segments, v.Cases)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// The counts, by hand: a segment carries its own value, else its case's,
// else its source's; R5 (no case) is its own case.
//
//	authority: LA01 on R1, R2 (P1) = 2/1; la01 on R3 (P2) = 1/1; LA02 on R4 (P3), R5 = 2/2
//	role: R1 Learning lead (own), R2 Learning lead (P1's) = 2/1; R3 "learning  lead" = 1/1;
//	      R4 Team manager (P3's) = 1/1; R5 none. In all 4 segments, 3 cases.
//	method: every segment, 5 segments, 4 cases.
func TestAttributeSummary(t *testing.T) {
	s := staffProject(t)
	sum, err := s.Attributes()
	if err != nil {
		t.Fatal(err)
	}
	want := `authority [] [segment] 5/4: "LA01" 2/1 "la01" 1/1 "LA02" 2/2
method [] [source] 5/4: "survey" 5/4
role [role Role] [case segment] 4/3: "learning  lead" 1/1 "Learning lead" 2/1 "Team manager" 1/1
`
	if got := summaryText(sum); got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
	var warns []string
	for _, w := range sum.Warnings {
		warns = append(warns, fmt.Sprintf("%s %s %q", w.Kind, w.Attribute, w.Variants))
	}
	wantWarns := []string{
		`values authority ["LA01" "la01"]`,
		`names role ["role" "Role"]`,
		`values role ["Learning lead" "learning  lead"]`,
	}
	if fmt.Sprint(warns) != fmt.Sprint(wantWarns) {
		t.Errorf("warnings %q, want %q", warns, wantWarns)
	}
	if m := sum.Warnings[0].Message; !strings.Contains(m, `qcode attributes rename authority la01 LA01`) {
		t.Errorf("the warning should say how to merge: %s", m)
	}
	if m := sum.Warnings[2].Message; !strings.Contains(m, `qcode attributes rename role 'learning  lead' 'Learning lead'`) {
		t.Errorf("the warning should quote values with spaces: %s", m)
	}
}

// Each change is one action, and its undo gives back exactly what was
// there (the segments' merged attributes, the summary, the records' bytes).
func TestAttributeChangesUndo(t *testing.T) {
	type step struct {
		name string
		do   func(s *Store) (AttributeChange, error)
		want string // the summary's changed line(s), by hand
		n    [3]int // sources, cases, segments changed
	}
	steps := []step{
		{"merge a value", func(s *Store) (AttributeChange, error) {
			return s.RenameAttributeValue("lead", "AUTHORITY", "la01", "LA01")
		}, `authority [] [segment] 5/4: "LA01" 3/2 "LA02" 2/2`, [3]int{0, 0, 1}},
		{"rename a value on cases and segments", func(s *Store) (AttributeChange, error) {
			return s.RenameAttributeValue("lead", "role", "Learning lead", "Learning and development lead")
		}, `role [role Role] [case segment] 4/3: "learning  lead" 1/1 "Learning and development lead" 2/1 "Team manager" 1/1`, [3]int{0, 1, 1}},
		{"keep one spelling of a name", func(s *Store) (AttributeChange, error) {
			return s.RenameAttribute("lead", "ROLE", "Role")
		}, `Role [] [case segment] 4/3: "learning  lead" 1/1 "Learning lead" 2/1 "Team manager" 1/1`, [3]int{0, 2, 0}},
		{"rename a source attribute", func(s *Store) (AttributeChange, error) {
			return s.RenameAttribute("lead", "method", "data source")
		}, `data source [] [source] 5/4: "survey" 5/4`, [3]int{1, 0, 0}},
		{"set on a case", func(s *Store) (AttributeChange, error) {
			return s.SetAttribute("lead", AttributeTarget{Case: "p2"}, "ROLE", "Social worker")
		}, `role [role Role ROLE] [case segment] 4/3: "learning  lead" 1/1 "Learning lead" 2/1 "Social worker" 0/0 "Team manager" 1/1`, [3]int{0, 1, 0}},
		{"remove from a case", func(s *Store) (AttributeChange, error) {
			return s.SetAttribute("lead", AttributeTarget{Case: "P3"}, "role", "")
		}, `role [role Role] [case segment] 3/2: "learning  lead" 1/1 "Learning lead" 2/1`, [3]int{0, 1, 0}},
		{"set on a source", func(s *Store) (AttributeChange, error) {
			return s.SetAttribute("lead", AttributeTarget{Source: "staff"}, "Method", "online survey")
		}, `method [] [source] 5/4: "online survey" 5/4`, [3]int{1, 0, 0}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			s := staffProject(t)
			before, beforeSum := state(t, s), summaryOf(t, s)
			res, err := st.do(s)
			if err != nil {
				t.Fatal(err)
			}
			if got := [3]int{res.Sources, res.Cases, res.Segments}; got != st.n || res.Seq == 0 {
				t.Errorf("changed %v (seq %d), want %v", got, res.Seq, st.n)
			}
			if after := summaryOf(t, s); !strings.Contains(after, st.want+"\n") {
				t.Errorf("after:\n%s\nwant the line:\n%s", after, st.want)
			}
			if _, err := s.Undo("lead"); err != nil {
				t.Fatal(err)
			}
			if got := state(t, s); got != before {
				t.Errorf("undo did not give back the segments:\n%s", diffLines(before, got))
			}
			if got := summaryOf(t, s); got != beforeSum {
				t.Errorf("undo did not give back the attributes:\n%s", diffLines(beforeSum, got))
			}
			if _, err := s.Redo("lead"); err != nil {
				t.Fatal(err)
			}
			if after := summaryOf(t, s); !strings.Contains(after, st.want+"\n") {
				t.Errorf("after redo:\n%s", after)
			}
		})
	}
}

func summaryOf(t *testing.T, s *Store) string {
	t.Helper()
	sum, err := s.Attributes()
	if err != nil {
		t.Fatal(err)
	}
	return summaryText(sum)
}

// Merging an attribute into another is refused where a record has both
// with different values; with the same value, one stays.
func TestRenameAttributeMerges(t *testing.T) {
	s := staffProject(t)
	if _, err := s.SetAttribute("lead", AttributeTarget{Case: "P1"}, "position", "Learning lead"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAttribute("lead", AttributeTarget{Case: "P3"}, "position", "Manager"); err != nil {
		t.Fatal(err)
	}
	before := summaryOf(t, s)
	_, err := s.RenameAttribute("lead", "position", "role")
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), `1 records have both with different values (case P3 has position="Manager" and role="Team manager")`) {
		t.Errorf("clash: %v", err)
	}
	if got := summaryOf(t, s); got != before {
		t.Errorf("a refused merge changed something:\n%s", diffLines(before, got))
	}
	if _, err := s.SetAttribute("lead", AttributeTarget{Case: "P3"}, "position", "Team manager"); err != nil {
		t.Fatal(err)
	}
	res, err := s.RenameAttribute("lead", "position", "role")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Merged || res.Cases != 2 {
		t.Errorf("merge %+v", res)
	}
	if got := summaryOf(t, s); strings.Contains(got, "position") || !strings.Contains(got, `role [role Role] [case segment] 4/3:`) {
		t.Errorf("after the merge:\n%s", got)
	}
}

func TestAttributeChangeErrors(t *testing.T) {
	s := staffProject(t)
	cases := []struct {
		name string
		do   func() (AttributeChange, error)
		kind error
		msg  string
	}{
		{"no attribute", func() (AttributeChange, error) { return s.RenameAttributeValue("lead", "colour", "a", "b") },
			ErrNotFound, `no attribute "colour" (attributes: authority, method, role)`},
		{"no value, with the near ones", func() (AttributeChange, error) {
			return s.RenameAttributeValue("lead", "role", "learning lead", "Learning lead")
		}, ErrNotFound, `attribute "role" has no value "learning lead" (it has "Learning lead", "learning  lead": values match exactly, spaces included)`},
		{"empty new value", func() (AttributeChange, error) { return s.RenameAttributeValue("lead", "role", "Team manager", "") },
			ErrInvalidInput, "to remove an attribute, use qcode attributes set"},
		{"control character", func() (AttributeChange, error) {
			return s.RenameAttributeValue("lead", "role", "Team manager", "Team\x1b[2Jmanager")
		}, ErrInvalidInput, "holds a control character"},
		{"rename-name to nothing", func() (AttributeChange, error) { return s.RenameAttribute("lead", "role", " ") },
			ErrInvalidInput, "an attribute needs a name"},
		{"no case", func() (AttributeChange, error) {
			return s.SetAttribute("lead", AttributeTarget{Case: "P9"}, "role", "x")
		}, ErrNotFound, `no case "P9"`},
		{"no source", func() (AttributeChange, error) {
			return s.SetAttribute("lead", AttributeTarget{Source: "nope"}, "role", "x")
		}, ErrNotFound, `no source "nope"`},
		{"both targets", func() (AttributeChange, error) {
			return s.SetAttribute("lead", AttributeTarget{Source: "staff", Case: "P1"}, "role", "x")
		}, ErrInvalidInput, "one source or one case"},
		{"remove what is not there", func() (AttributeChange, error) {
			return s.SetAttribute("lead", AttributeTarget{Case: "P2"}, "role", "")
		}, ErrNotFound, `case P2 has no attribute "role"`},
		{"name with =", func() (AttributeChange, error) {
			return s.SetAttribute("lead", AttributeTarget{Case: "P2"}, "a=b", "x")
		}, ErrInvalidInput, `no "="`},
	}
	before := summaryOf(t, s)
	for _, c := range cases {
		_, err := c.do()
		if !errors.Is(err, c.kind) || err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %v with %q", c.name, err, c.kind, c.msg)
		}
	}
	if got := summaryOf(t, s); got != before {
		t.Errorf("a refused change changed something:\n%s", diffLines(before, got))
	}
	if h, _ := s.History(100); len(h) != 1 {
		t.Errorf("refused changes were journaled: %+v", h)
	}
}

// The journal holds whole records: undoing a set that another coder's set
// on the same case has followed would take that one back too, so it is
// refused until the later one is undone.
func TestUndoAttributeRefusesLaterChange(t *testing.T) {
	s := staffProject(t)
	if _, err := s.SetAttribute("alice", AttributeTarget{Case: "P2"}, "role", "Social worker"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAttribute("bob", AttributeTarget{Case: "P2"}, "sector", "Adults"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Undo("alice")
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "the case's attributes were changed by a later action; undo that first") {
		t.Fatalf("undo under a later change: %v", err)
	}
	if _, err := s.Undo("bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if got := summaryOf(t, s); strings.Contains(got, "Social worker") || strings.Contains(got, "sector") {
		t.Errorf("after both undos:\n%s", got)
	}
}

// A set on a case whose segments have a value of their own says so: their
// own value wins.
func TestSetAttributeCountsOverridden(t *testing.T) {
	s := staffProject(t)
	res, err := s.SetAttribute("lead", AttributeTarget{Case: "P1"}, "role", "Manager")
	if err != nil {
		t.Fatal(err)
	}
	if res.Overridden != 1 { // R1 has its own Role
		t.Errorf("overridden %d, want 1 (R1)", res.Overridden)
	}
	res, err = s.SetAttribute("lead", AttributeTarget{Source: "staff"}, "role", "Staff")
	if err != nil {
		t.Fatal(err)
	}
	if res.Overridden != 4 { // R1, R3 own; R2 (P1), R4 (P3) their case's; R5 takes it
		t.Errorf("overridden %d, want 4", res.Overridden)
	}
}

// ActorHistory lists one actor's actions in the order undo takes them,
// with what was undone (redo brings it back) or dropped since.
func TestActorHistory(t *testing.T) {
	s := staffProject(t) // lead: the import
	refs := mustRefs(t, s, SegmentQuery{})
	l1 := code(t, s, "Kirkpatrick/L1 Reaction")
	s.Apply("alice", refs[0], l1, Span{})
	s.Apply("alice", refs[1], l1, Span{})
	s.Undo("alice")
	s.Apply("alice", refs[2], l1, Span{}) // drops the undone one
	s.Apply("alice", refs[3], l1, Span{})
	s.Undo("alice")
	got := func(h []HistoryEntry) string {
		var out []string
		for _, e := range h {
			s := fmt.Sprintf("%d %s %s", e.Seq, e.Coder, e.State)
			if e.NextUndo {
				s += " next"
			}
			out = append(out, s)
		}
		return strings.Join(out, ", ")
	}
	h, err := s.ActorHistory("alice", 10)
	if err != nil {
		t.Fatal(err)
	}
	if g := got(h); g != "5 alice undone, 4 alice done next, 3 alice dropped, 2 alice done" {
		t.Errorf("alice: %s", g)
	}
	if h, _ := s.ActorHistory("alice", 2); got(h) != "5 alice undone, 4 alice done next" {
		t.Errorf("alice, 2: %s", got(h))
	}
	if h, err := s.ActorHistory("nobody", 10); err != nil || len(h) != 0 {
		t.Errorf("nobody: %v %v", h, err)
	}
	all, _ := s.History(10)
	if g := got(all); g != "5 alice undone, 4 alice done next, 3 alice dropped, 2 alice done, 1 lead done next" {
		t.Errorf("everyone: %s", g)
	}
	if e, ok, _ := s.LatestAction(); !ok || e.Seq != 4 {
		t.Errorf("latest action %+v", e)
	}
}
