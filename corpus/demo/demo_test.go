package demo

import (
	"strings"
	"testing"
)

func TestSurvey(t *testing.T) {
	src, err := Survey()
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Segments) != 205 {
		t.Fatalf("%d segments, want the 205 answers", len(src.Segments))
	}
	roles := map[string]int{}
	for _, seg := range src.Segments {
		for _, a := range seg.Attributes {
			if a.Name == "role" {
				roles[a.Value]++
			}
		}
	}
	// The export holds 20 answers from PQ leads and 185 from social workers.
	if roles["PQ lead"] != 20 || roles["Social worker"] != 185 {
		t.Errorf("roles %v", roles)
	}
	first := src.Segments[0]
	if first.ID != "R001" || first.Text != "I keep my own record also" {
		t.Errorf("first segment %+v", first)
	}
	if len(src.Attributes) != 1 || src.Attributes[0].Value != "survey" {
		t.Errorf("source attributes %v", src.Attributes)
	}
}

func TestInterview(t *testing.T) {
	src, err := Interview()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, seg := range src.Segments {
		ids = append(ids, seg.ID)
		if seg.Case != "Lead" {
			t.Errorf("%s is spoken by %q, want the lead", seg.ID, seg.Case)
		}
	}
	// The preamble and the interviewer's turns count in the numbers.
	want := "interview-lead-03#3 interview-lead-03#5 interview-lead-03#7 interview-lead-03#8 interview-lead-03#10 interview-lead-03#12 interview-lead-03#13"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("segments %s", got)
	}
	attrs := map[string]string{}
	for _, a := range src.Attributes {
		attrs[a.Name] = a.Value
	}
	if attrs["method"] != "interview" || attrs["role"] != "Learning lead" || !strings.HasPrefix(attrs["title"], "Telephone interview") {
		t.Errorf("source attributes %v", attrs)
	}
	// Every sample segment is the survey's or the interview's.
	survey, _ := Survey()
	known := map[string]bool{}
	for _, s := range append(survey.Segments, src.Segments...) {
		known[s.ID] = true
	}
	for _, id := range SampleIDs {
		if !known[id] {
			t.Errorf("sample segment %s is in neither source", id)
		}
	}
}
