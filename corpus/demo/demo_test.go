package demo

import "testing"

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
