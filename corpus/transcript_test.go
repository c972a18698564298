package corpus

import (
	"path/filepath"
	"strings"
	"testing"

	"qcode/corpus/docx/docxtest"
)

// Real-looking transcript openings: what is the preamble (the source's
// title, not a segment, not a case), who is the interviewer (prompts, not
// segments), and who speaks.
func TestTranscriptOpenings(t *testing.T) {
	tests := []struct {
		what     string
		text     string
		opts     Options
		title    string   // the title attribute ("" none)
		segments []string // as describe prints them
	}{
		{
			what: "title line shaped Label: text, then a facilitator",
			text: "Focus group: newly qualified social workers, Glasgow, March 2019\n" +
				"Facilitator: Welcome, everyone. What made you apply?\n" +
				"P1: The money, honestly.\nP2: Career progression.\n",
			title: "Focus group: newly qualified social workers, Glasgow, March 2019",
			segments: []string{
				`n#3 [P1] "The money, honestly." {question=Welcome, everyone. What made you apply?; prompt=Welcome, everyone. What made you apply?; speaker=P1}`,
				`n#4 [P2] "Career progression." {question=Welcome, everyone. What made you apply?; prompt=Welcome, everyone. What made you apply?; speaker=P2}`,
			},
		},
		{
			what: "Session title, no interviewer, the first participant speaks once",
			text: "Session 2: barriers\nP1: Time. There is never time.\nP2: Backfill, mostly.\nP3: Travel for us.\nP2: And nobody asks.\n",
			// P1 speaks once, but is numbered like P2, who speaks twice.
			title: "Session 2: barriers",
			segments: []string{
				`n#2 [P1] "Time. There is never time." {speaker=P1}`,
				`n#3 [P2] "Backfill, mostly." {speaker=P2}`,
				`n#4 [P3] "Travel for us." {speaker=P3}`,
				`n#5 [P2] "And nobody asks." {speaker=P2}`,
			},
		},
		{
			what:  "notes line, a moderator, participants who speak once",
			text:  "Facilitator notes, 8 participants\n\nModerator: What got in the way?\nAnna: Workload.\nBen: Money, and time\n",
			title: "Facilitator notes, 8 participants",
			segments: []string{
				`n#3 [Anna] "Workload." {question=What got in the way?; prompt=What got in the way?; speaker=Anna}`,
				`n#4 [Ben] "Money, and time" {question=What got in the way?; prompt=What got in the way?; speaker=Ben}`,
			},
		},
		{
			what: "several preamble lines, two shaped Label: text, numbered as turns",
			text: "Transcript, focus group 3 (experienced practitioners)\nDate: 14 March 2019\nPresent: P1–P6, facilitator\n\n" +
				"Facilitator: Shall we start?\nP1: Yes.\n",
			title: "Transcript, focus group 3 (experienced practitioners) — Date: 14 March 2019 — Present: P1–P6, facilitator",
			segments: []string{
				`n#5 [P1] "Yes." {question=Shall we start?; prompt=Shall we start?; speaker=P1}`,
			},
		},
		{
			what: "a first speaker who speaks once, named, no interviewer, no title",
			text: "Anna: I'll start. It was the money.\nBen: For me the career.\nCal: Same.\n",
			segments: []string{
				`n#1 [Anna] "I'll start. It was the money." {speaker=Anna}`,
				`n#2 [Ben] "For me the career." {speaker=Ben}`,
				`n#3 [Cal] "Same." {speaker=Cal}`,
			},
		},
		{
			what: "one-off speakers in rough notes, no full stops",
			text: "Anna: it was the money\nBen: the career for me\n",
			segments: []string{
				`n#1 [Anna] "it was the money" {speaker=Anna}`,
				`n#2 [Ben] "the career for me" {speaker=Ben}`,
			},
		},
		{
			what: "a one-line title without sentence end before a speaker who repeats",
			text: "Newly qualified social workers: west of Scotland\nSW1: Supervision helped.\nSW2: It did.\nSW1: A lot.\n",
			// No preamble word in the label, but its text ends no sentence
			// and the transcript surely starts with SW1.
			title: "Newly qualified social workers: west of Scotland",
			segments: []string{
				`n#2 [SW1] "Supervision helped." {speaker=SW1}`,
				`n#3 [SW2] "It did." {speaker=SW2}`,
				`n#4 [SW1] "A lot." {speaker=SW1}`,
			},
		},
		{
			what: "a participant who speaks once, first, before the interviewer",
			text: "Lead: Sorry, I only have ten minutes.\nInterviewer: Then let us be quick. How do you evaluate?\nLead: Forms.\n",
			segments: []string{
				`n#1 [Lead] "Sorry, I only have ten minutes." {speaker=Lead}`,
				`n#3 [Lead] "Forms." {question=Then let us be quick. How do you evaluate?; prompt=Then let us be quick. How do you evaluate?; speaker=Lead}`,
			},
		},
		{
			what: "focus-group notes with no interviewer at all, labels repeat",
			text: "P1: Time.\nP2: Money.\nP1: And travel.\n",
			segments: []string{
				`n#1 [P1] "Time." {speaker=P1}`,
				`n#2 [P2] "Money." {speaker=P2}`,
				`n#3 [P1] "And travel." {speaker=P1}`,
			},
		},
		{
			what:  "paragraph notes opening with a title line",
			text:  "Facilitator notes, 8 participants\n\nMost said workload was the main barrier.\n\nTwo mentioned travel.\n",
			title: "Facilitator notes, 8 participants",
			segments: []string{
				`n#2 "Most said workload was the main barrier."`,
				`n#3 "Two mentioned travel."`,
			},
		},
		{
			what: "paragraph notes opening with a sentence: no title",
			text: "Interview 4, notes taken by hand.\n\nThe lead said evaluation is by forms.\n",
			segments: []string{
				`n#1 "Interview 4, notes taken by hand."`,
				`n#2 "The lead said evaluation is by forms."`,
			},
		},
		{
			what: "paragraph notes opening with a short line that says nothing of a title",
			text: "Workload and time off\n\nNo backfill was offered.\n",
			segments: []string{
				`n#1 "Workload and time off"`,
				`n#2 "No backfill was offered."`,
			},
		},
		{
			what:  "paragraph notes: a short line with a heading right after it",
			text:  "Learning lead, medium rural authority\n# Evaluation\nForms after every course.\n",
			title: "Learning lead, medium rural authority",
			segments: []string{
				`n#2 "Forms after every course." {question=Evaluation}`,
			},
		},
		{
			what:  "title-shaped lines only: paragraph notes with a title",
			text:  "Focus group: adult care team\nDate: 4 May 2010\n\nThe group agreed that workload came first.\n",
			title: "Focus group: adult care team — Date: 4 May 2010",
			segments: []string{
				`n#2 "The group agreed that workload came first."`,
			},
		},
		{
			what: "only a title: a paragraph of notes after all",
			text: "Facilitator notes, 8 participants\n",
			segments: []string{
				`n#1 "Facilitator notes, 8 participants"`,
			},
		},
		{
			what:  "a lone # heading on top is the title; the prompt is the question",
			text:  "# Interview 7: learning lead\n\nInterviewer: How do you evaluate?\nLL07: Forms, mostly.\nInterviewer: Anything else?\nLL07: Supervision.\n",
			title: "Interview 7: learning lead",
			segments: []string{
				`n#2 [LL07] "Forms, mostly." {question=How do you evaluate?; prompt=How do you evaluate?; speaker=LL07}`,
				`n#4 [LL07] "Supervision." {question=Anything else?; prompt=Anything else?; speaker=LL07}`,
			},
		},
		{
			what: "two # headings are questions; a heading resets the prompt",
			text: "# Motivations\nQ: Why apply?\nR: Pay.\nR: And status.\n# Barriers\nR: Time.\n",
			segments: []string{
				`n#2 [R] "Pay." {question=Motivations; prompt=Why apply?; speaker=R}`,
				`n#3 [R] "And status." {question=Motivations; prompt=Why apply?; speaker=R}`,
				`n#4 [R] "Time." {question=Barriers; speaker=R}`,
			},
		},
		{
			what: "front matter's title wins over the preamble's",
			text: "---\ntitle: Focus group 2\nmethod: focus group\n---\nFocus group two, transcribed by LM\nFacilitator: Go on.\nP1: Fine.\n",
			// The front matter's attributes come first, as written.
			title: "Focus group 2",
			segments: []string{
				`n#3 [P1] "Fine." {question=Go on.; prompt=Go on.; speaker=P1}`,
			},
		},
		{
			what: "--interviewer names another label; the last prompt before an answer counts",
			text: "Sarah: Hello. Ready?\nMOD: Let me add one thing.\nP1: Ready.\nSarah: Good.\nP1: Yes.\n",
			opts: Options{Interviewers: []string{"sarah", "Mod"}},
			segments: []string{
				`n#3 [P1] "Ready." {question=Let me add one thing.; prompt=Let me add one thing.; speaker=P1}`,
				`n#5 [P1] "Yes." {question=Good.; prompt=Good.; speaker=P1}`,
			},
		},
		{
			what: "an interviewer's turn over several lines is one prompt",
			text: "Interviewer: Two things.\nFirst, what helped?\n\nSecond, what did not?\nAnna: Supervision helped.\n",
			segments: []string{
				"n#2 [Anna] \"Supervision helped.\" {question=Two things.\nFirst, what helped?\n\nSecond, what did not?; prompt=Two things.\nFirst, what helped?\n\nSecond, what did not?; speaker=Anna}",
			},
		},
		{
			what:  "numbered topic-guide question above the first turn stays a question",
			text:  "Interview 4, notes taken by hand.\n1. What motivated you?\nI: Tell me why.\nAnna: Career.\n",
			title: "Interview 4, notes taken by hand.",
			segments: []string{
				`n#3 [Anna] "Career." {question=What motivated you?; prompt=Tell me why.; speaker=Anna}`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.what, func(t *testing.T) {
			src, err := Parse("n.md", []byte(tt.text), tt.opts)
			checkSource(t, src, err)
			if err != nil {
				t.Fatal(err)
			}
			checkNumbering(t, src, "n")
			sameLines(t, "segments", describeAll(src.Segments), tt.segments)
			title := ""
			for _, a := range src.Attributes {
				if a.Name == "title" {
					title = a.Value
				}
			}
			if title != tt.title {
				t.Errorf("title %q, want %q", title, tt.title)
			}
		})
	}
}

func TestInterviewerLabels(t *testing.T) {
	roles := newSpeakerRoles(nil, []string{"Sarah Jones", " js "})
	yes := []string{"Interviewer", "INTERVIEWER", "interviewer", "Interviewer 2", "Interviewer2", "Facilitator (JS)",
		"Facilitator A", "Moderator", "MODERATOR 1", "Researcher", "I", "Q", "i", "Q (Sarah)", "sarah  jones", "JS"}
	no := []string{"Interviewee", "Participant", "Respondent", "Facilitators", "Research lead", "Lead interviewer",
		"QA", "Int", "P1", "Interviewer notes", "Sarah", "Anna"}
	for _, s := range yes {
		if !roles.interviewer(s) {
			t.Errorf("%q is the interviewer", s)
		}
	}
	for _, s := range no {
		if roles.interviewer(s) {
			t.Errorf("%q is not the interviewer", s)
		}
	}
}

// A label names a case within its source unless the import shares them.
func TestSharedSpeakers(t *testing.T) {
	text := []byte("Interviewer: Hello.\nLL03: Hello again.\nLL03: Yes.\n")
	for _, shared := range []bool{false, true} {
		src, err := Parse("follow-up.txt", text, Options{SharedSpeakers: shared})
		if err != nil {
			t.Fatal(err)
		}
		if src.ScopedCases == shared {
			t.Errorf("shared %v: ScopedCases %v", shared, src.ScopedCases)
		}
		sameLines(t, "segments", describeAll(src.Segments), []string{
			`follow-up#2 [LL03] "Hello again." {question=Hello.; prompt=Hello.; speaker=LL03}`,
			`follow-up#3 [LL03] "Yes." {question=Hello.; prompt=Hello.; speaker=LL03}`,
		})
	}
	// A sheet's respondents join across sheets, as they always did.
	src, err := Parse("s.csv", []byte("id,who,answer\nA1,P1,Yes\n"), Options{TextCol: "answer", IDCol: "id", CaseCol: "who"})
	if err != nil {
		t.Fatal(err)
	}
	if src.ScopedCases {
		t.Error("a sheet's respondent ids are global")
	}
}

// Word transcripts: bold labels, a Title style, a bold title-like line.
func TestDOCXTranscript(t *testing.T) {
	bold := func(label, text string) docxtest.Paragraph {
		return docxtest.Paragraph{Runs: []docxtest.Run{{Text: label, Bold: true}, {Text: " " + text}}}
	}
	data := docxtest.Build(
		docxtest.H("Title", "Focus group 3"),
		bold("Focus group:", "experienced practitioners, rural authority"),
		docxtest.P(""),
		bold("Facilitator (JS):", "What got in the way?"),
		bold("P1:", "Travel."),
		bold("P2:", "Release from work."),
		docxtest.H("Heading1", "Benefits"),
		bold("Facilitator (JS):", "And what did you gain?"),
		bold("P1:", "Confidence."),
		docxtest.H("Heading1", "Close"),
		bold("P2:", "Thank you."),
	)
	src, err := Parse("fg3.docx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkNumbering(t, src, "fg3")
	sameLines(t, "segments", describeAll(src.Segments), []string{
		`fg3#3 [P1] "Travel." {question=What got in the way?; prompt=What got in the way?; speaker=P1}`,
		`fg3#4 [P2] "Release from work." {question=What got in the way?; prompt=What got in the way?; speaker=P2}`,
		`fg3#6 [P1] "Confidence." {question=Benefits; prompt=And what did you gain?; speaker=P1}`,
		`fg3#7 [P2] "Thank you." {question=Close; speaker=P2}`,
	})
	sameLines(t, "context", describeContext(src.Context), []string{
		`title 1 "Focus group 3"`,
		`preamble 1 "Focus group: experienced practitioners, rural authority"`,
		`prompt 2 Facilitator (JS) "What got in the way?"`,
		`heading 5 "Benefits"`,
		`prompt 5 Facilitator (JS) "And what did you gain?"`,
		`heading 7 "Close"`,
	})
	sameLines(t, "source attributes", describeAttrs(src.Attributes), []string{
		"title=Focus group 3 — Focus group: experienced practitioners, rural authority",
	})
}

// A prompt or title too long for an attribute is cut; the context keeps it.
func TestLongPromptAndTitle(t *testing.T) {
	long := make([]byte, 0, 5000)
	for len(long) < 4990 {
		long = append(long, "word "...)
	}
	text := "Focus group: " + string(long) + "\nInterviewer: " + string(long) + "end?\nP1: Yes.\n"
	src, err := Parse("n.txt", []byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	seg := src.Segments[0]
	for _, a := range append(seg.Attributes, src.Attributes...) {
		n := len([]rune(a.Value))
		limit := map[string]int{"prompt": maxPromptRunes, "question": maxPromptRunes, "title": maxTitleRunes}[a.Name]
		if limit > 0 && (n > limit || a.Value[len(a.Value)-len("…"):] != "…") {
			t.Errorf("%s: %d runes, ending %q", a.Name, n, a.Value[len(a.Value)-5:])
		}
	}
	if got := src.Context[1].Text; got != string(long)+"end?" {
		t.Errorf("context lost the prompt's end: %d bytes", len(got))
	}
}

// The shared fixture transcripts (testdata/transcripts) read as a
// researcher expects: the title line, the interviewer's turns as prompts,
// the participants as speakers.
func TestTranscriptFixtures(t *testing.T) {
	tests := []struct {
		file                        string
		segments, prompts, speakers int
		title                       string
	}{
		{"fg2.md", 15, 4, 6, "Focus group: newly qualified social workers, west of Scotland, March 2019"},
		{"fg3.md", 12, 3, 6, "Focus group: experienced practitioners, rural and island authorities — Facilitator notes, 6 participants, recorded with consent"},
		{"interview-lead-03.md", 5, 4, 1, "Telephone interview with a learning and development lead (LL03), notes typed up from the recording"},
		{"interview-lead-03-followup.md", 2, 2, 1, "Follow-up telephone interview with LL03, six months on"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := Read(filepath.Join("..", "testdata", "transcripts", tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkNumbering(t, src, strings.TrimSuffix(tt.file, ".md"))
			speakers := map[string]bool{}
			for _, s := range src.Segments {
				speakers[s.Case] = true
			}
			prompts := 0
			for _, c := range src.Context {
				if c.Kind == ContextPrompt {
					prompts++
				}
			}
			title := ""
			for _, a := range src.Attributes {
				if a.Name == "title" {
					title = a.Value
				}
			}
			if len(src.Segments) != tt.segments || prompts != tt.prompts || len(speakers) != tt.speakers || title != tt.title {
				t.Errorf("%d segments, %d prompts, speakers %v, title %q", len(src.Segments), prompts, speakers, title)
			}
		})
	}
}
