package coding

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"qcode/corpus"
)

// contextNotes is an interview with a heading, prompts, several answers
// to one prompt, and a second heading: blocks 1 (preamble) to 9.
const contextNotes = `Interview with a learning lead, notes

# Evaluation
Interviewer: How do you evaluate courses?
LL: Evaluation forms at the end of every course.
LL: And managers look at practice in supervision.
Interviewer: Anything beyond that?
LL: Outcomes for the MHO award.

# Barriers
LL: Backfill, without question.
Interviewer: And distance?
LL: Two hours to the nearest university.
`

// turnsOf renders a context's turns compactly: "P:How do…" for a
// prompt, "H:Barriers" for a heading, the segment ID for a segment.
func turnsOf(turns []ContextTurn) string {
	var out []string
	for _, t := range turns {
		switch t.Kind {
		case TurnPrompt:
			out = append(out, "P:"+t.Text)
		case TurnHeading:
			out = append(out, "H:"+t.Text)
		default:
			out = append(out, t.ID)
		}
	}
	return strings.Join(out, " | ")
}

func TestContextsInNotes(t *testing.T) {
	s, _ := newProject(t)
	importNotes(t, s, "lead.md", contextNotes, corpus.Options{})
	segs, err := s.Segments(SegmentQuery{Source: "lead"})
	if err != nil {
		t.Fatal(err)
	}
	ref := map[string]SegRef{}
	for _, seg := range segs {
		ref[seg.ID] = seg.Ref
	}
	// lead#1 is the preamble, #2, #5 and #8 the interviewer's turns.
	for _, c := range []struct {
		id            string
		n             int
		prompt, quest string
		before, after string
	}{
		// The first answer: its prompt, the heading above it.
		{"lead#3", 1, "How do you evaluate courses?", "Evaluation", "H:Evaluation | P:How do you evaluate courses?", "lead#4"},
		// The second answer to the same prompt keeps it as its prompt.
		{"lead#4", 1, "How do you evaluate courses?", "Evaluation", "lead#3", "P:Anything beyond that?"},
		// A heading right before the window's first turn heads it: shown.
		{"lead#4", 2, "How do you evaluate courses?", "Evaluation", "H:Evaluation | P:How do you evaluate courses? | lead#3", "P:Anything beyond that? | lead#6"},
		// The window runs across a heading, which comes along uncounted.
		{"lead#6", 2, "Anything beyond that?", "Evaluation", "lead#4 | P:Anything beyond that?", "H:Barriers | lead#7 | P:And distance?"},
		// A heading clears the prompt: lead#7 answers none.
		{"lead#7", 1, "", "Barriers", "lead#6 | H:Barriers", "P:And distance?"},
		{"lead#9", 5, "And distance?", "Barriers",
			"lead#4 | P:Anything beyond that? | lead#6 | H:Barriers | lead#7 | P:And distance?", ""},
		// n = 0: the prompt and question only.
		{"lead#9", 0, "And distance?", "Barriers", "", ""},
	} {
		t.Run(fmt.Sprintf("%s/%d", c.id, c.n), func(t *testing.T) {
			ctx, err := s.Contexts([]SegRef{ref[c.id]}, c.n)
			if err != nil {
				t.Fatal(err)
			}
			got := ctx[0]
			if got.Prompt != c.prompt || got.Question != c.quest || turnsOf(got.Before) != c.before || turnsOf(got.After) != c.after {
				t.Errorf("context of %s, %d turns:\n prompt %q question %q\n before %s\n after  %s\nwant %q %q\n before %s\n after  %s",
					c.id, c.n, got.Prompt, got.Question, turnsOf(got.Before), turnsOf(got.After), c.prompt, c.quest, c.before, c.after)
			}
		})
	}
	// Speakers and texts travel with the turns.
	ctx, err := s.Contexts([]SegRef{ref["lead#4"]}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b := ctx[0].Before[0]; b.Speaker != "LL" || b.Text != "Evaluation forms at the end of every course." || b.Ref != ref["lead#3"] {
		t.Errorf("before turn %+v", b)
	}
	if a := ctx[0].After[0]; a.Speaker != "Interviewer" || a.Ref != 0 {
		t.Errorf("after turn %+v", a)
	}
	if _, err := s.Contexts([]SegRef{ref["lead#4"]}, -1); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("negative context: %v", err)
	}
}

// In a survey, neighbours are the respondent's other answers, not the
// next rows of the sheet.
func TestContextsInASurvey(t *testing.T) {
	s, _ := newProject(t)
	src := &corpus.Source{Name: "survey", File: "survey.csv", Format: "csv", Hash: "h"}
	rows := []struct{ id, resp, q, text string }{
		{"A1", "P1", "Q1", "Career."}, {"A2", "P2", "Q1", "Money."}, {"A3", "P1", "Q2", "Confidence."},
		{"A4", "P2", "Q2", "Nothing."}, {"A5", "P1", "Q3", "Time."}, {"A6", "", "Q3", "No respondent."},
	}
	for _, r := range rows {
		src.Segments = append(src.Segments, corpus.Segment{ID: r.id, Case: r.resp, Text: r.text,
			Attributes: []corpus.Attribute{{Name: "question_id", Value: r.q}}})
	}
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	refs, err := s.SegmentRefs(SegmentQuery{Source: "survey"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := s.Contexts([]SegRef{refs[2], refs[0], refs[5]}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// A3 (P1's Q2): A1 before, A5 after, each with its question.
	if got := ctx[0]; got.Question != "Q2" || turnsOf(got.Before) != "A1" || turnsOf(got.After) != "A5" ||
		got.Before[0].Question != "Q1" || got.After[0].Text != "Time." || got.Prompt != "" {
		t.Errorf("A3: %+v", got)
	}
	if got := ctx[1]; turnsOf(got.Before) != "" || turnsOf(got.After) != "A3" {
		t.Errorf("A1: %+v", got)
	}
	if got := ctx[2]; len(got.Before)+len(got.After) != 0 || got.Question != "Q3" {
		t.Errorf("A6 (no respondent): %+v", got)
	}
}
