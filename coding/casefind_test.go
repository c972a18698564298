package coding

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"qcode/corpus"
)

// Every place that takes a case by name reads the same forms, through one
// resolver: FindCase, attributes set --case (SetAttribute), memo set
// --case (FindMemoTarget), a cases sheet's id column (ImportCases) and the
// filter case=NAME (SegmentQuery.Case).
//
// The project: focus groups fg2 and fg3 (speakers P1 and P2 in each,
// cases within their source), an interview lead-03 (LL03), a focus group
// fg4 whose Ruth a cases sheet joined to the survey's respondent Jane Doe,
// and a survey with respondents Jane Doe, R017, Sam and SAM.
func TestCaseNamesEverywhere(t *testing.T) {
	s, _ := newProject(t)
	importNotes(t, s, "fg2.md", fg2Text, corpus.Options{})
	importNotes(t, s, "fg3.md", fg3Text, corpus.Options{})
	importNotes(t, s, "lead-03.md", "Interviewer: Why?\nLL03: Pay.\n", corpus.Options{})
	importNotes(t, s, "fg4.md", "Moderator: Any barriers?\nRuth: Travel.\nTom: Time.\n", corpus.Options{})
	survey := &corpus.Source{Name: "survey", File: "survey.csv", Format: "csv", Hash: "survey"}
	for i, c := range []string{"Jane Doe", "R017", "Sam", "SAM"} {
		survey.Segments = append(survey.Segments, corpus.Segment{ID: "A" + string(rune('1'+i)), Case: c, Text: "An answer of " + c + "."})
	}
	if _, err := s.ImportSource("lead", survey, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if res, err := s.ImportCases("lead", []corpus.Case{{Source: "fg4", Speaker: "Ruth", Name: "Jane Doe"}}); err != nil || res.Joined != 1 {
		t.Fatalf("join Ruth to Jane Doe: %+v %v", res, err)
	}

	for _, c := range []struct {
		name string
		want string // the case, as shown; "" for an error
		kind error
		err  string // the error's message (FindCase's)
		amb  string // how a cases import reports it ambiguous
	}{
		{name: "Jane Doe", want: "Jane Doe"},
		{name: "R017", want: "R017"},
		{name: "fg2:P1", want: "fg2:P1"},     // a speaker within its source
		{name: "fg3:P1", want: "fg3:P1"},     // …not the other group's P1
		{name: "FG2:p2", want: "fg2:P2"},     // ignoring letter case
		{name: "jane doe", want: "Jane Doe"}, // ignoring letter case
		{name: " R017 ", want: "R017"},       // spaces around
		{name: "LL03", want: "lead-03:LL03"}, // a label one source alone has
		{name: "ll03", want: "lead-03:LL03"}, // …ignoring letter case
		{name: "lead-03:ll03", want: "lead-03:LL03"},
		{name: "fg4:Ruth", want: "Jane Doe"}, // a speaker joined to another case
		{name: "Tom", want: "fg4:Tom"},
		{name: "P1", kind: ErrConflict, err: `case "P1" names speakers of several sources: write one of "fg2:P1" and "fg3:P1"`, amb: "P1 (fg2, fg3)"},
		{name: "sam", kind: ErrConflict, err: `case "sam" is ambiguous: write one of "SAM" and "Sam"`, amb: "sam (SAM, Sam)"},
		{name: "Sam", want: "Sam"}, // exact wins
		{name: "P9", kind: ErrNotFound, err: `no case "P9"`},
		{name: "fg9:P1", kind: ErrNotFound, err: `no case "fg9:P1"`},
		{name: "fg2:P9", kind: ErrNotFound, err: `no case "fg2:P9"`},
		{name: "Ruth", kind: ErrNotFound, err: `no case "Ruth"`}, // she is Jane Doe now
	} {
		t.Run(c.name, func(t *testing.T) {
			failed := func(api string, err error) {
				t.Helper()
				if !errors.Is(err, c.kind) || err.Error() != c.err {
					t.Errorf("%s: error %v, want %q", api, err, c.err)
				}
			}
			got, err := s.FindCase(c.name)
			if c.want == "" {
				failed("FindCase", err)
			} else if err != nil || got.Name != c.want {
				t.Errorf("FindCase: %q, %v; want %q", got.Name, err, c.want)
			}

			memo, err := s.FindMemoTarget(MemoCase, c.name)
			if c.want == "" {
				failed("FindMemoTarget", err)
			} else if err != nil || memo.Case != got.ID {
				t.Errorf("FindMemoTarget: case %d, %v; want %d", memo.Case, err, got.ID)
			}

			_, err = s.SetAttribute("lead", AttributeTarget{Case: c.name}, "probe", "set")
			if c.want == "" {
				failed("SetAttribute", err)
			} else {
				if err != nil {
					t.Fatalf("SetAttribute: %v", err)
				}
				after, _ := s.FindCase(c.want)
				if attrValue(after.Attributes, "probe") != "set" {
					t.Errorf("SetAttribute: %s has %v", c.want, after.Attributes)
				}
				undo(t, s)
			}

			res, err := s.ImportCases("lead", []corpus.Case{{Name: c.name, Attributes: []Attribute{{Name: "probe", Value: "sheet"}}}})
			switch {
			case err != nil:
				t.Errorf("ImportCases: %v", err)
			case c.want != "":
				after, _ := s.FindCase(c.want)
				if res.Matched != 1 || attrValue(after.Attributes, "probe") != "sheet" {
					t.Errorf("ImportCases: %+v; %s has %v", res, c.want, after.Attributes)
				}
				undo(t, s)
			case c.amb != "":
				if !slices.Equal(res.Ambiguous, []string{c.amb}) || res.Matched != 0 {
					t.Errorf("ImportCases: %+v, want ambiguous %q", res, c.amb)
				}
			default:
				if !slices.Equal(res.Unmatched, []string{c.name}) || res.Matched != 0 {
					t.Errorf("ImportCases: %+v, want unmatched", res)
				}
			}

			segs, err := s.Segments(SegmentQuery{Case: c.name})
			if c.want == "" {
				failed("Segments", err)
				return
			}
			if err != nil || len(segs) == 0 {
				t.Fatalf("Segments: %d, %v", len(segs), err)
			}
			for _, seg := range segs {
				if seg.Case != c.want {
					t.Errorf("Segments: %s is %q's, want %q's", seg.ID, seg.Case, c.want)
				}
			}
		})
	}
	// Jane Doe's segments are her survey answer and Ruth's turn in fg4.
	segs, _ := s.Segments(SegmentQuery{Case: "fg4:Ruth"})
	var ids []string
	for _, seg := range segs {
		ids = append(ids, seg.ID)
	}
	if strings.Join(ids, " ") != "fg4#2 A1" && strings.Join(ids, " ") != "A1 fg4#2" {
		t.Errorf("case=fg4:Ruth: %q", ids)
	}
}

func undo(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
}
