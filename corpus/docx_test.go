package corpus

import (
	"testing"

	"qcode/corpus/docx"
	"qcode/corpus/docx/docxtest"
)

func TestReadDOCXNotes(t *testing.T) {
	tests := []struct {
		name     string
		title    string
		segments []string
		context  []string
	}{
		{
			// Title and heading styles (Heading1, a German style id named
			// "heading 1"), a numbered question, bold "Name:" turns and a
			// typed one; a continuation paragraph joins its turn; tracked
			// deletions are left out, insertions kept; tab and line break.
			// The Title style and the paragraph before anyone speaks are the
			// preamble; the interviewer's turns are prompts.
			name:  "interview.docx",
			title: "Interview 7: learning lead — Notes typed after the call.",
			segments: []string{
				`interview#3 [Lead] "To keep up to date.\nAnd for the salary, mostly." {question=Motivations; prompt=Why did you apply?; speaker=Lead}`,
				`interview#5 [Lead] "Time.\tNo backfill.\nNone at all." {question=What got in the way?; prompt=Plain typed turn.; speaker=Lead}`,
				`interview#6 [Lead] "Nothing else." {question=Other; speaker=Lead}`,
			},
			context: []string{
				`title 1 "Interview 7: learning lead"`,
				`preamble 1 "Notes typed after the call."`,
				`heading 2 "Motivations"`,
				`prompt 2 Interviewer "Why did you apply?"`,
				`heading 4 "What got in the way?"`,
				`prompt 4 Interviewer "Plain typed turn."`,
				`heading 6 "Other"`,
			},
		},
		{
			// No turns: every paragraph is a segment; table cells and text
			// boxes (read once) too; field codes and hidden text are not.
			name: "paragraphs.docx",
			segments: []string{
				`paragraphs#1 "First paragraph."`,
				`paragraphs#2 "The manager always." {question=Who decides?}`,
				`paragraphs#3 "Note: one turn marker only." {question=Who decides?}`,
				`paragraphs#4 "In a table cell." {question=Who decides?}`,
				`paragraphs#5 "In a text box." {question=Who decides?}`,
				`paragraphs#6 "Beside the box." {question=Who decides?}`,
				`paragraphs#7 "Visible." {question=Who decides?}`,
			},
			context: []string{`heading 2 "Who decides?"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Parse(tt.name, fixture(t, tt.name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkSource(t, src, nil)
			if src.Format != "docx" {
				t.Errorf("format %q", src.Format)
			}
			sameLines(t, "segments", describeAll(src.Segments), tt.segments)
			sameLines(t, "context", describeContext(src.Context), tt.context)
			checkNumbering(t, src, tt.name[:len(tt.name)-5])
			var title []string
			if tt.title != "" {
				title = []string{"title=" + tt.title}
			}
			sameLines(t, "source attributes", describeAttrs(src.Attributes), title)
		})
	}
}

func TestDOCXTurnRules(t *testing.T) {
	data := docxtest.Build(
		docxtest.P("Before anyone speaks."),
		// Bold lead ending in ":" with no space after it.
		docxtest.Paragraph{Runs: []docxtest.Run{{Text: "Anna:", Bold: true}, {Text: "Straight on."}}},
		// Bold name split over runs, then the colon in bold.
		docxtest.Paragraph{Runs: []docxtest.Run{{Text: "Team ", Bold: true}, {Text: "Lead", Bold: true}, {Text: ":", Bold: true}, {Text: " Split runs."}}},
		docxtest.P("A second paragraph of the lead's turn."),
		docxtest.P(""),
		docxtest.P("After a blank paragraph."),
		// Bold that is not a name: a sentence.
		docxtest.Paragraph{Runs: []docxtest.Run{{Text: "Important, please note:", Bold: true}, {Text: " not a turn."}}},
	)
	src, err := Parse("turns.docx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// "Before anyone speaks." is the preamble: Anna, speaking once, ends a
	// sentence and starts the transcript.
	sameLines(t, "segments", describeAll(src.Segments), []string{
		`turns#2 [Anna] "Straight on." {speaker=Anna}`,
		`turns#3 [Team Lead] "Split runs.\nA second paragraph of the lead's turn.\n\nAfter a blank paragraph.\nImportant, please note: not a turn." {speaker=Team Lead}`,
	})
}

func TestDOCXErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not-a-docx.docx", fixture(t, "not-a-docx.docx"), "not-a-docx.docx: not a DOCX file (not a zip archive)"},
		{"no-document.docx", fixture(t, "no-document.docx"), "no-document.docx: not a DOCX file (no word/document.xml)"},
		{"empty.docx", nil, "empty.docx: not a DOCX file (not a zip archive)"},
		{"bomb.docx", claimedSizeZip(t, "word/document.xml", docx.MaxPartSize+1), "bomb.docx: word/document.xml is larger than 64 MiB unzipped"},
		{"bad.docx", docxtest.Zip(map[string]string{"word/document.xml": "<w:document><w:body><w:p>"}),
			"bad.docx: damaged DOCX file (word/document.xml: XML syntax error on line 1: unexpected EOF)"},
		{"headings.docx", docxtest.Build(docxtest.H("Heading1", "Only a heading")), "headings.docx: no text to code (only headings)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Parse(tt.name, tt.data, Options{})
			checkSource(t, src, err)
			wantError(t, err, tt.want)
		})
	}
}
