package coding

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// --where reads the attribute terms of --filter: =, !=, several values,
// names in any case; one attribute twice with = is refused.
func TestParseWhere(t *testing.T) {
	for _, tc := range []struct {
		specs []string
		want  []AttrCondition
		text  string // DescribeWhere
		err   string
	}{
		{[]string{"role=PQ lead"}, []AttrCondition{{Name: "role", Values: []string{"PQ lead"}}}, "role = PQ lead", ""},
		{[]string{"sector != local authority"}, []AttrCondition{{Name: "sector", Values: []string{"local authority"}, Not: true}}, "sector ≠ local authority", ""},
		{[]string{"role=PQ lead,Learning lead"}, []AttrCondition{{Name: "role", Values: []string{"PQ lead", "Learning lead"}}}, "role = PQ lead or Learning lead", ""},
		{[]string{"geography=urban, rural,island"}, []AttrCondition{{Name: "geography", Values: []string{"urban", "rural", "island"}}}, "geography = urban, rural or island", ""},
		{[]string{"role!=A,B"}, []AttrCondition{{Name: "role", Values: []string{"A", "B"}, Not: true}}, "role neither A nor B", ""},
		{[]string{`place=Leeds\, West Yorkshire`}, []AttrCondition{{Name: "place", Values: []string{"Leeds, West Yorkshire"}}}, "place = Leeds, West Yorkshire", ""},
		{[]string{"role="}, []AttrCondition{{Name: "role", Values: []string{""}}}, "no role", ""},
		{[]string{"role!="}, []AttrCondition{{Name: "role", Values: []string{""}, Not: true}}, "has a role", ""},
		// Keywords of --filter are attribute names here.
		{[]string{"source=interview"}, []AttrCondition{{Name: "source", Values: []string{"interview"}}}, "source = interview", ""},
		{[]string{"attr:code=7"}, []AttrCondition{{Name: "code", Values: []string{"7"}}}, "code = 7", ""},
		// Several conditions all hold, != on one attribute too.
		{[]string{"role!=A", "ROLE!=B", "sector=x"}, []AttrCondition{{Name: "role", Values: []string{"A"}, Not: true}, {Name: "ROLE", Values: []string{"B"}, Not: true}, {Name: "sector", Values: []string{"x"}}},
			"role ≠ A · ROLE ≠ B · sector = x", ""},
		{[]string{"role=A", "role!=B"}, []AttrCondition{{Name: "role", Values: []string{"A"}}, {Name: "role", Values: []string{"B"}, Not: true}}, "role = A · role ≠ B", ""},
		// Mistakes.
		{[]string{"role=A", "Role=B"}, nil, "", "named twice with =; write Role=A,B"},
		{[]string{"starred"}, nil, "", "write NAME=VALUE"},
		{[]string{"=x"}, nil, "", "name the attribute"},
	} {
		t.Run(strings.Join(tc.specs, "&"), func(t *testing.T) {
			got, err := ParseWhere(tc.specs)
			if tc.err != "" {
				if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
			if d := DescribeWhere(got); d != tc.text {
				t.Errorf("describe %q, want %q", d, tc.text)
			}
			// Spelt back, each reads as itself.
			for _, c := range got {
				again, err := ParseWhere([]string{c.Spec()})
				if err != nil || !reflect.DeepEqual(again, []AttrCondition{c}) {
					t.Errorf("%q reads as %+v, %v", c.Spec(), again, err)
				}
			}
		})
	}
}

// whereProject is combinedProject with a role on case A ("lead") and
// none on case B.
func whereProject(t *testing.T) *Store {
	t.Helper()
	s, _ := combinedProject(t)
	if _, err := s.SetAttribute("lead", AttributeTarget{Case: "A"}, "Role", "lead"); err != nil {
		t.Fatal(err)
	}
	return s
}

// Conditions select segments by their merged attributes: = any of the
// values, != none of them (a segment without the attribute has none), the
// empty value is "no value"; with the other terms of a query, all hold.
func TestWhereSelects(t *testing.T) {
	s := whereProject(t)
	odd := "s1:R001 s1:R003 s1:R005 s2:R001 s2:R003 s2:R005" // case A, Q10
	even := "s1:R002 s1:R004 s2:R002 s2:R004"                // case B, Q11
	for _, tc := range []struct {
		where  []string
		source string
		want   string
	}{
		{[]string{"role=lead"}, "", odd},
		{[]string{"ROLE=lead"}, "", odd},
		{[]string{"role!=lead"}, "", even},
		{[]string{"role="}, "", even},
		{[]string{"role!="}, "", odd},
		{[]string{"question_id=Q10,Q11"}, "s2", "s2:R001 s2:R002 s2:R003 s2:R004 s2:R005"},
		{[]string{"question_id!=Q10,Q11"}, "", ""},
		{[]string{"question_id=Q11", "role!=lead"}, "s1", "s1:R002 s1:R004"},
		{[]string{"question_id=Q11", "role=lead"}, "", ""},
		{[]string{"question_id=Q99"}, "", ""}, // a value nobody has
	} {
		t.Run(strings.Join(tc.where, "&")+tc.source, func(t *testing.T) {
			conds, err := ParseWhere(tc.where)
			if err != nil {
				t.Fatal(err)
			}
			if got := qualifiedIDs(t, s, SegmentQuery{Source: tc.source, Where: conds}); got != tc.want {
				t.Errorf("got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// A typo in a name or value is an error naming what there is, not an
// empty table.
func TestCheckWhere(t *testing.T) {
	s := whereProject(t)
	for _, tc := range []struct {
		spec, err string
	}{
		{"role=lead", ""},
		{"question_ID=Q10,Q11", ""},
		{"role=", ""},
		{"rol=lead", `no attribute "rol" (attributes: question_id, Role)`},
		{"role=Lead", `Role never has the value "Lead" (values: lead)`},
		{"question_id!=Q10,Q12", `question_id never has the value "Q12" (values: Q10, Q11)`},
	} {
		conds, err := ParseWhere([]string{tc.spec})
		if err != nil {
			t.Fatal(err)
		}
		err = s.CheckWhere(conds)
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.spec, err, tc.err)
		}
	}
}
