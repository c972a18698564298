package coding

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"qcode/corpus"
)

// describeDoc is a document as one line per part: its kind and text (a
// segment's ID and text).
func describeDoc(d Document) []string {
	kinds := map[DocKind]string{DocSegment: "seg", DocTitle: "title", DocPreamble: "preamble", DocHeading: "heading", DocPrompt: "prompt"}
	var out []string
	for _, p := range d.Parts {
		switch {
		case p.Kind == DocSegment:
			seg := d.Segments[p.Segment]
			out = append(out, fmt.Sprintf("seg %s %s: %s", seg.ID, seg.Attr("speaker"), seg.Text))
		case p.Speaker != "":
			out = append(out, kinds[p.Kind]+" "+p.Speaker+": "+p.Text)
		default:
			out = append(out, kinds[p.Kind]+" "+p.Text)
		}
	}
	return out
}

// A source reads back as a document: a transcript in the order of its
// file, prompts, headings and title included; a sheet's answers under
// their questions.
func TestDocument(t *testing.T) {
	transcript := "# Interview with a learning lead\n\nTelephone interview, notes typed up after the call\n\n" +
		"## Q1. Support\n\nInterviewer: How do you support PQ?\n\nLead: We fund the fees.\n\nLead: And a study day.\n\n" +
		"## Q2. Evaluation\n\nInterviewer: How do you know?\n\nInterviewer: Anything else?\n\nLead: Feedback forms.\n\n## Q3. Closing\n"
	wide := "id,role,Why did you apply?,What got in the way?\nP1,lead,Career,Time\nP2,sw,,Money\nP3,sw,Pay,Travel\n"
	for _, tc := range []struct {
		name, file, data string
		opts             corpus.Options
		sheet            bool
		want             []string
	}{
		{"transcript", "lead.md", transcript, corpus.Options{}, false, []string{
			"title Interview with a learning lead",
			"preamble Telephone interview, notes typed up after the call",
			"heading Q1. Support",
			"prompt Interviewer: How do you support PQ?",
			"seg lead#3 Lead: We fund the fees.",
			"seg lead#4 Lead: And a study day.",
			"heading Q2. Evaluation",
			"prompt Interviewer: How do you know?",
			"prompt Interviewer: Anything else?",
			"seg lead#7 Lead: Feedback forms.",
			"heading Q3. Closing", // nothing under it: last
		}},
		{"paragraphs", "notes.md", "First point about workload.\n\nSecond point about travel.\n", corpus.Options{}, false, []string{
			"seg notes#1 : First point about workload.",
			"seg notes#2 : Second point about travel.",
		}},
		// A wide sheet stores answers respondent by respondent; the
		// document reads them question by question.
		{"wide sheet", "survey.csv", wide, corpus.Options{IDCol: "id", TextCols: []string{"Why did you apply?", "What got in the way?"}}, true, []string{
			"heading Why did you apply?",
			"seg P1/Why did you apply? : Career",
			"seg P3/Why did you apply? : Pay",
			"heading What got in the way?",
			"seg P1/What got in the way? : Time",
			"seg P2/What got in the way? : Money",
			"seg P3/What got in the way? : Travel",
		}},
		{"long sheet, no question", "answers.csv", "id,text\nR1,One\nR2,Two\n", corpus.Options{IDCol: "id", TextCol: "text"}, true, []string{
			"seg R1 : One",
			"seg R2 : Two",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newProject(t)
			src, err := corpus.Parse(tc.file, []byte(tc.data), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.ImportSource("lead", src, ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			id := sourceID(t, s, res.Source)
			doc, err := s.Document(id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Sheet != tc.sheet || doc.Source.Name != res.Source {
				t.Errorf("sheet %v, source %s; want %v, %s", doc.Sheet, doc.Source.Name, tc.sheet, res.Source)
			}
			if got := describeDoc(doc); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("document:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// The question heading an answer names the question's id too, once.
func TestDocumentQuestionHeading(t *testing.T) {
	for _, tc := range []struct {
		attrs []Attribute
		want  string
	}{
		{[]Attribute{{Name: "question_id", Value: "Q9"}, {Name: "question", Value: "Why?"}}, "Q9 · Why?"},
		{[]Attribute{{Name: "Question_ID", Value: "Q9"}, {Name: "Question", Value: "Q9. Why?"}}, "Q9. Why?"},
		{[]Attribute{{Name: "question", Value: "Why?"}}, "Why?"},
		{[]Attribute{{Name: "question_id", Value: "Q9"}}, "Q9"},
		{nil, ""},
	} {
		if got := question(&Segment{Attributes: tc.attrs}); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.attrs, got, tc.want)
		}
	}
}

// Codings come with the document, of the coders asked for; a source that
// is not there is not found.
func TestDocumentCodings(t *testing.T) {
	s, refs := combinedProject(t)
	seg, err := s.Load(refs[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := s.CoderID("alice")
	doc, err := s.Document(seg[0].SourceID, []CoderID{alice})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, seg := range doc.Segments {
		for _, c := range seg.Codings {
			got = append(got, seg.ID+" "+c.CoderName)
		}
	}
	if fmt.Sprint(got) != "[R001 alice R002 alice]" {
		t.Errorf("codings %v", got)
	}
	if _, err := s.Document(SourceID(99), nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("no such source: %v", err)
	}
}

// sourceID is the ID of the source named so.
func sourceID(t *testing.T, s *Store, name string) SourceID {
	t.Helper()
	srcs, err := s.Sources()
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		if src.Name == name {
			return src.ID
		}
	}
	t.Fatalf("no source %s", name)
	return 0
}
