package demo

import (
	_ "embed"

	"qcode/corpus"
)

// The demo shows team work: two colleagues, sam and priya, have
// double-coded a sample of the survey and the interview, so that
// agreement, the disagreements queue and settling can be tried at once.
// The user codes as themselves and sees none of this until they ask (C,
// a): coding is blind.

// InterviewFile is the interview's file name; the source is named after it.
const InterviewFile = "interview-lead-03.md"

//go:embed interview-lead-03.md
var interviewMD []byte

//go:embed team-codings.csv
var teamCodings []byte

// Interview reads the short interview with a learning lead (notes of a
// telephone call, with the interviewer's questions and a front matter).
func Interview() (*corpus.Source, error) {
	return corpus.Parse(InterviewFile, interviewMD, corpus.Options{})
}

// TeamCodings is a codings CSV (segment,code,coder,start,end,starred,memo):
// sam's codings of the motivations question (Q11) and of the sample, and
// priya's of the sample, with a few disagreements and review marks.
func TeamCodings() []byte { return teamCodings }

// Coders are the demo's colleagues.
var Coders = []string{"sam", "priya"}

// SampleName is the double-coding sample both colleagues coded.
const SampleName = "icr"

// SampleIDs are its segments: answers to Q11, Q15 and Q20 and the
// interview's answers.
var SampleIDs = []string{
	"R023", "R025", "R028", "R030", "R033", "R034", "R037", "R044", "R047", "R049", "R055", "R058",
	"R065", "R066", "R073", "R080", "R083", "R088", "R090", "R091", "R095", "R097", "R100",
	"R170", "R176", "R183", "R188", "R197",
	"interview-lead-03#3", "interview-lead-03#5", "interview-lead-03#7", "interview-lead-03#8",
	"interview-lead-03#10", "interview-lead-03#12", "interview-lead-03#13",
}

// Memo is a memo one of the colleagues wrote: Kind is "project" (a
// journal entry), "code", "segment" or "source"; On names what it is on
// (a code's path, a segment's ID, a source's name).
type Memo struct {
	Author, Kind, On, Text string
}

// Memos are the colleagues' memos.
var Memos = []Memo{
	{"priya", "project", "", "Double-coded the icr sample (28 survey answers and the learning lead interview). Where the answer names a barrier under a motivations question I coded the barrier too: let's agree a rule."},
	{"sam", "project", "", "Coded all of Q11 and the icr sample. Kirkpatrick: I code a level only where an evaluation method is described, not where someone says they enjoyed it."},
	{"sam", "code", "Motivations/Role requirement", "Use when the employer or the post required the award; 'a necessity' alone is borderline."},
	{"priya", "segment", "interview-lead-03#8", "Is a case-file audit level 3 (practice) or level 4 (results)? It looks at practice, but the lead reads it as results."},
	{"priya", "source", "interview-lead-03", "Notes typed up after a telephone call, not a transcript: quote with care."},
}
