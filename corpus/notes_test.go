package corpus

import (
	"strings"
	"testing"
)

func TestReadNotes(t *testing.T) {
	tests := []struct {
		name     string
		format   string
		source   []string // source attributes
		segments []string
		context  []string
	}{
		{
			// Name: turns; the line before anyone speaks is the preamble
			// (the title); Interviewer turns are prompts, not segments, yet
			// keep their numbers; a blank line inside a turn is a paragraph
			// break; numbered questions ending in ? are headings, and reset
			// the prompt.
			name:   "interview.txt",
			format: "txt",
			source: []string{"title=Interview 4, notes taken by hand."},
			segments: []string{
				`interview#3 [Anna] "Mostly career progression.\n\nIt also helped with confidence." {question=What motivated you to take the award?; prompt=Tell me why you applied.; speaker=Anna}`,
				`interview#5 [Anna] "Salary, a little." {question=What motivated you to take the award?; prompt=Anything else?; speaker=Anna}`,
				`interview#6 [Anna] "Workload. No backfill at all." {question=What got in the way?; speaker=Anna}`,
			},
			context: []string{
				`preamble 1 "Interview 4, notes taken by hand."`,
				`heading 2 "What motivated you to take the award?"`,
				`prompt 2 Interviewer "Tell me why you applied."`,
				`prompt 4 Interviewer "Anything else?"`,
				`heading 6 "What got in the way?"`,
			},
		},
		{
			// Front matter; a lone # heading on top is the title, ## headings
			// questions; **Name:**, **Name**:, [Name] and [Name]: turns;
			// emphasis inside the text is kept.
			name:   "focus-group.md",
			format: "md",
			source: []string{"method=focus group", "setting=rural local authority", "date=2010-05-04", "participants=P1, P2, P3", "title=Focus group, adult care team"},
			segments: []string{
				`focus-group#2 [P1] "Confidence in court." {question=Benefits; prompt=What did the award *give* you?; speaker=P1}`,
				`focus-group#3 [P2] "More *reflective* practice,\nand better supervision." {question=Benefits; prompt=What did the award *give* you?; speaker=P2}`,
				`focus-group#4 [P3] "Knowing the law." {question=Benefits; prompt=What did the award *give* you?; speaker=P3}`,
				`focus-group#6 [P1] "Travel — two hours each way." {question=Barriers; prompt=And the barriers?; speaker=P1}`,
			},
			context: []string{
				`title 1 "Focus group, adult care team"`,
				`heading 1 "Benefits"`,
				`prompt 1 Facilitator "What did the award *give* you?"`,
				`heading 5 "Barriers"`,
				`prompt 5 Facilitator "And the barriers?"`,
			},
		},
		{
			// One "Note:" line is not a transcript: paragraph mode. Q1. and
			// 2) questions are headings; "3. Budget…" (no ?) is text. The
			// first paragraph ends a sentence: a segment, not a title.
			name:   "topic-guide.txt",
			format: "txt",
			segments: []string{
				`topic-guide#1 "Notes from the learning lead interview.\nNote: the room was cold."`,
				`topic-guide#2 "It is kept in a spreadsheet\nby the training team." {question=How is PQ information recorded?}`,
				`topic-guide#3 "Nobody else sees it." {question=How is PQ information recorded?}`,
				`topic-guide#4 "The team manager decides.\n3. Budget was discussed at length." {question=Who decides who goes?}`,
			},
			context: []string{
				`heading 2 "How is PQ information recorded?"`,
				`heading 4 "Who decides who goes?"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Parse(tt.name, fixture(t, tt.name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkSource(t, src, nil)
			if src.Format != tt.format {
				t.Errorf("format %q, want %q", src.Format, tt.format)
			}
			var source []string
			for _, a := range src.Attributes {
				source = append(source, a.Name+"="+a.Value)
			}
			sameLines(t, "source attributes", source, tt.source)
			sameLines(t, "segments", describeAll(src.Segments), tt.segments)
			sameLines(t, "context", describeContext(src.Context), tt.context)
			checkNumbering(t, src, strings.TrimSuffix(tt.name, "."+tt.format))
			if len(src.Cases) != 0 {
				t.Errorf("notes made cases %v", src.Cases)
			}
			if !src.ScopedCases {
				t.Error("notes' speakers should be cases within the source")
			}
		})
	}
}

func TestNotesRules(t *testing.T) {
	tests := []struct {
		what, text string
		segments   []string
	}{
		{"paragraphs", "One.\nStill one.\n\n\nTwo.\n",
			[]string{`n#1 "One.\nStill one."`, `n#2 "Two."`}},
		{"crlf and thematic breaks", "One.\r\n---\r\nTwo.\r\n***\r\n",
			[]string{`n#1 "One."`, `n#2 "Two."`}},
		{"atx heading with closing hashes", "## Why apply? ##\nBecause.\n#hashtag is text\n",
			[]string{`n#1 "Because.\n#hashtag is text" {question=Why apply?}`}},
		{"empty heading clears the question", "# Q\nA.\n#\nB.\n",
			[]string{`n#1 "A." {question=Q}`, `n#2 "B."`}},
		{"q-numbered headings need no ?", "Q3: Career\nYes.\nq4) Pay\nNo.\n",
			[]string{`n#1 "Yes." {question=Career}`, `n#2 "No." {question=Pay}`}},
		{"turn marker alone, text below", "Anna:\nI applied.\n\nTwice.\nBen: Me too.\n",
			[]string{`n#1 [Anna] "I applied.\n\nTwice." {speaker=Anna}`, `n#2 [Ben] "Me too." {speaker=Ben}`}},
		{"turns with no text make no segment", "Anna:\nBen: Hello.\nAnna: Hi.\n",
			[]string{`n#1 [Ben] "Hello." {speaker=Ben}`, `n#2 [Anna] "Hi." {speaker=Anna}`}},
		{"a heading ends a turn", "Anna: One.\n# Next\nstill mine?\nBen: Two.\n",
			[]string{`n#1 [Anna] "One." {speaker=Anna}`, `n#2 "still mine?" {question=Next}`, `n#3 [Ben] "Two." {question=Next; speaker=Ben}`}},
		{"not speakers", "the lead: lower case.\nDr. Smith: dotted.\nTime 10:30 today.\nOne two three four five: too many words.\nhttp://example.org\n[Laughter] Yes.\n[inaudible] no.\n",
			[]string{`n#1 "the lead: lower case.\nDr. Smith: dotted.\nTime 10:30 today.\nOne two three four five: too many words.\nhttp://example.org\n[Laughter] Yes.\n[inaudible] no."`}},
		{"speaker rules", "P 12: digits.\nSocial Worker 3: three words.\nÉlodie: accent.\n",
			[]string{`n#1 [P 12] "digits." {speaker=P 12}`, `n#2 [Social Worker 3] "three words." {speaker=Social Worker 3}`, `n#3 [Élodie] "accent." {speaker=Élodie}`}},
		// "[Anna]" alone is no turn: a line before anyone speaks, the preamble.
		{"bracket turns need text", "[Anna]\n[Ben] Yes.\n[Cal]: No.\n",
			[]string{`n#2 [Ben] "Yes." {speaker=Ben}`, `n#3 [Cal] "No." {speaker=Cal}`}},
		{"indented markers", "  Anna: One.\n\tBen: Two.\n",
			[]string{`n#1 [Anna] "One." {speaker=Anna}`, `n#2 [Ben] "Two." {speaker=Ben}`}},
		{"front matter only sets attributes", "---\nmethod: interview\n...\nText.\n",
			[]string{`n#1 "Text."`}},
		{"dashes not on the first line are text", "Text.\n---\nmethod: x\n---\n",
			[]string{`n#1 "Text."`, `n#2 "method: x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.what, func(t *testing.T) {
			src, err := Parse("n.md", []byte(tt.text), Options{})
			checkSource(t, src, err)
			if err != nil {
				t.Fatal(err)
			}
			checkNumbering(t, src, "n")
			sameLines(t, "segments", describeAll(src.Segments), tt.segments)
		})
	}
}

func TestFrontMatter(t *testing.T) {
	src, err := Parse("fm.md", []byte("---\nmethod: interview\nempty:\nyears: 12\nok: yes\nsites:\n  - Leeds\n  - ''\n  - York\nwhen: &d 2010-05-04\nagain: *d\nnote: |\n  two\n  lines\n---\nText.\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Attribute{
		{"method", "interview"}, {"years", "12"}, {"ok", "yes"}, {"sites", "Leeds, York"},
		{"when", "2010-05-04"}, {"again", "2010-05-04"}, {"note", "two\nlines"},
	}
	sameLines(t, "attributes", []string{attrs(src.Attributes)}, []string{attrs(want)})

	errs := []struct{ text, want string }{
		{"---\nmethod: interview\nText.\n", `fm.md: line 1: front matter has no closing "---" line`},
		{"---\nmethod: interview\nplace:\n  town: Leeds\n---\nText.\n", "fm.md: line 3: front matter: key place: nested values are not supported"},
		{"---\nsites: [[a, b]]\n---\nText.\n", "fm.md: line 2: front matter: key sites: nested values are not supported"},
		{"---\na: 1\nb: 2\nc 2\nd: 3\n---\nText.\n", "fm.md: line 4: front matter: could not find expected ':'"},
		{"---\n- a\n- b\n---\nText.\n", "fm.md: line 2: front matter: expected key: value lines"},
		{"---\na: 1\na: 2\n---\nText.\n", "fm.md: line 3: front matter: key a appears twice"},
		{"---\nmethod: interview\n---\n# Only a heading\n", "fm.md: no text to code (only headings and front matter)"},
	}
	for _, e := range errs {
		src, err := Parse("fm.md", []byte(e.text), Options{})
		checkSource(t, src, err)
		wantError(t, err, e.want)
	}
}

func TestNotesErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"empty.txt", "", "empty.txt: empty file"},
		{"blank.md", "\n \n\t\n", "blank.md: empty file"},
		{"binary.txt", "\x7fELF\x02\x01\x01\x00\x00", "binary.txt: binary file, not text"},
		{"headings.txt", "# One\nQ2. Two\n", "headings.txt: no text to code (only headings and front matter)"},
	}
	for _, tt := range tests {
		src, err := Parse(tt.name, []byte(tt.data), Options{})
		checkSource(t, src, err)
		wantError(t, err, tt.want)
	}
}

func TestSpeakerName(t *testing.T) {
	yes := []string{"Anna", "P1", "1", "Social worker", "Team Lead North East", "Mrs O'Neil", "Participant 3 (manager)", "张伟", "Ærø"}
	no := []string{"", "anna", "Dr. Smith", "Yes, well", "Why?", "A B C D E", "This name is far far too long to be a name", "**A", "[A]", "#1", "\"Quoted\""}
	for _, s := range yes {
		if !speakerName(s) {
			t.Errorf("speakerName(%q) = false", s)
		}
	}
	for _, s := range no {
		if speakerName(s) {
			t.Errorf("speakerName(%q) = true", s)
		}
	}
}
