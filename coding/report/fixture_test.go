package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qcode/coding"
	"qcode/corpus"
)

// The small project the package's tests read: six survey answers of five
// respondents in four organisations (LA1–LA3 local authorities, TS1 third
// sector; R6 has no organisation).
//
//	R1 (A, LA1)  L1, L2; Workload (starred)
//	R2 (B, LA2)  L1; Workload and Travel, the whole answer both times
//	R3 (C, LA3)  L1; Travel
//	R4 (D, TS1)  L1 (starred)
//	R5 (D, TS1)  Workload, a span
//	R6 (E)       —
//
// So, counted in organisations of the local authorities: L1 3 of 3, L2 1
// of 3; in all four organisations: L1 4 of 4, L2 1 of 4; Barriers 4 of 5
// participants (A, B, C, D).
var fixtureAnswers = []struct {
	id, cas, org, sector, role, text string
}{
	{"R1", "A", "LA1", "local authority", "Learning lead", "We send forms after every course. Managers then look for changed practice in supervision, months later."},
	{"R2", "B", "LA2", "local authority", "Learning lead", "No backfill and no time: the ferry alone takes a day."},
	{"R3", "C", "LA3", "local authority", "PQ lead", "Forms. Travel is the problem for island staff."},
	{"R4", "D", "TS1", "third sector", "Learning lead", "Feedback forms, and Dr Wood reads every one."},
	{"R5", "D", "TS1", "third sector", "Learning lead", "Caseloads are too high to study."},
	{"R6", "E", "", "", "Social worker", "Nothing to add."},
}

const fixtureCodings = `segment,code,coder,start,end,starred,memo
R1,Kirkpatrick/L1 Reaction,alice,0,33,,
R1,Kirkpatrick/L2 Learning,alice,34,103,,
R1,Barriers/Workload,alice,,,true,
R2,Kirkpatrick/L1 Reaction,alice,,,,
R2,Barriers/Workload,alice,,,,
R2,Barriers/Travel,alice,,,,
R3,Kirkpatrick/L1 Reaction,alice,0,6,,
R3,Barriers/Travel,alice,7,46,,
R4,Kirkpatrick/L1 Reaction,alice,,,true,
R5,Barriers/Workload,alice,0,16,,
`

func fixture(t *testing.T) *coding.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f.qcode")
	s, err := coding.Create(path, coding.CreateOptions{Name: "Fixture", Codes: []coding.CodeSpec{
		{Name: "Barriers", Description: "What gets in the way.", Codes: []coding.CodeSpec{{Name: "Workload"}, {Name: "Travel"}}},
		{Name: "Kirkpatrick", Group: true, Codes: []coding.CodeSpec{{Name: "L1 Reaction"}, {Name: "L2 Learning"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	src := &corpus.Source{Name: "survey", File: "survey.csv", Format: "csv", Hash: "h"}
	for _, a := range fixtureAnswers {
		seg := corpus.Segment{ID: a.id, Case: a.cas, Text: a.text, Attributes: []corpus.Attribute{{Name: "role", Value: a.role}}}
		if a.org != "" {
			seg.Attributes = append(seg.Attributes, corpus.Attribute{Name: "authority", Value: a.org}, corpus.Attribute{Name: "sector", Value: a.sector})
		}
		src.Segments = append(src.Segments, seg)
	}
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{Attributes: []coding.Attribute{{Name: "method", Value: "survey"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportCodings("lead", "codings.csv", strings.NewReader(fixtureCodings)); err != nil {
		t.Fatal(err)
	}
	return s
}

var fixtureDate = time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)

// run parses and builds a recipe on s, redacted.
func run(t *testing.T, s *coding.Store, recipe string) (*Document, []coding.PIIHit, error) {
	t.Helper()
	r, err := ParseRecipe("r.yaml", []byte(recipe))
	if err != nil {
		return nil, nil, err
	}
	return Build(s, r, Options{Date: fixtureDate, Redact: true})
}

// markdownOf builds a recipe and writes it as Markdown.
func markdownOf(t *testing.T, s *coding.Store, recipe string) string {
	t.Helper()
	doc, _, err := run(t, s, recipe)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, doc); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
