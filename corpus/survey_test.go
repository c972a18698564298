package corpus

import (
	"path/filepath"
	"testing"
)

// The real survey export the demo is built from.
func TestReadLondonSurvey(t *testing.T) {
	path := filepath.Join("..", "testdata", "london-pq-survey-2010.csv")
	src, err := Read(path, Options{TextCol: "response", IDCol: "response_id"})
	if err != nil {
		t.Fatal(err)
	}
	checkSource(t, src, nil)
	if src.Name != "london-pq-survey-2010" || src.Format != "csv" {
		t.Errorf("source %q format %q", src.Name, src.Format)
	}
	if len(src.Segments) != 205 {
		t.Fatalf("%d segments, want 205", len(src.Segments))
	}
	first := src.Segments[0]
	if first.ID != "R001" || first.Text != "I keep my own record also" || first.Case != "" {
		t.Errorf("first segment %s", describe(first))
	}
	var names []string
	for _, a := range first.Attributes {
		names = append(names, a.Name)
	}
	sameLines(t, "attribute names", names, []string{"survey", "question_id", "question"})
	if q := first.Attributes[1].Value; q != "Q9" {
		t.Errorf("question_id %q", q)
	}
	for _, s := range src.Segments {
		if len(s.Attributes) != 3 {
			t.Errorf("%s has %d attributes", s.ID, len(s.Attributes))
		}
	}

	// Without --text-col the one free-text column is found.
	auto, err := Read(path, Options{IDCol: "response_id"})
	if err != nil {
		t.Fatal(err)
	}
	if len(auto.Segments) != 205 || auto.Segments[0].ID != "R001" {
		t.Errorf("auto-detected read: %d segments, first %q", len(auto.Segments), auto.Segments[0].ID)
	}
}
