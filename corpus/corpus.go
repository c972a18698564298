// Package corpus reads the files researchers bring — survey exports (CSV, TSV,
// XLSX), interview and focus-group notes (TXT, Markdown, DOCX) and cases sheets —
// into plain values: sources, segments, cases and attributes.
//
// It owns the rules of DESIGN.md's Import section (segment IDs, speaker turns,
// headings, front matter, encodings), the one-line errors for bad input, and
// the limits that keep a hostile file from exhausting the machine: only
// regular files of a capped size are read (OpenInput), and sheets, workbooks
// and documents are refused past their Limits. It must not store anything or
// talk to a terminal: the coding package stores what it returns, in one
// transaction, and the command line prints its errors.
package corpus

import (
	"errors"
	"fmt"
	"strings"
)

// Attribute is one named value on a source, case or segment (role, question,
// speaker, method…). Order is kept as read, so listings follow the file.
type Attribute struct {
	Name  string
	Value string
}

// Segment is the unit a coder reads: one survey answer, one speaker turn or one
// paragraph of notes.
type Segment struct {
	// ID is the stable, human-readable segment ID of DESIGN.md: the --id-col
	// value, "<source>#<row>", "<id>/<column header>" or "<source>#<n>".
	ID string
	// Case names the participant the segment belongs to ("" when unknown).
	Case string
	// Text is the segment's text, UTF-8, with line endings normalised to \n.
	Text string
	// Attributes are the segment's own attributes (question, speaker, other
	// columns of a long sheet's row).
	Attributes []Attribute
}

// Case is a participant with the attributes read for it, from a wide sheet's
// row or a cases sheet.
type Case struct {
	Name       string
	Attributes []Attribute
	// Source and Speaker, from a cases sheet that maps speakers, name a
	// speaker label of one source: that speaker is the case Name (or, with
	// Name empty, keeps the case it has).
	Source, Speaker string
}

// Source is one imported file or sheet.
type Source struct {
	// Name is the file name without extension; it prefixes generated IDs.
	Name string
	// File is the base name of the file read.
	File string
	// Format is one of "csv", "tsv", "xlsx", "txt", "md", "docx".
	Format string
	// Hash is the hex SHA-256 of the file's bytes, used to refuse re-imports.
	Hash string
	// Attributes are source-level attributes (YAML front matter of notes).
	Attributes []Attribute
	// Segments are in file order; empty answers make no segment.
	Segments []Segment
	// Cases holds the cases that carry attributes (the answered rows of a
	// wide sheet, with their other columns).
	// Cases named only by Segment.Case need no entry here.
	Cases []Case
	// ScopedCases says that Segment.Case holds speaker labels, which name
	// a participant only within this source: P1 of one focus group is not
	// P1 of another, so the store keeps them apart. False for sheets (a
	// survey's respondent ids join its sheets) and for notes read with
	// Options.SharedSpeakers.
	ScopedCases bool
	// Context is what notes hold besides their segments, in file order:
	// the preamble, headings and interviewer turns. With the segments it
	// gives back the whole transcript, for a document view or an export.
	// Empty for sheets.
	Context []ContextItem
}

// ContextKind says what a ContextItem is.
type ContextKind string

// The kinds of context a transcript holds.
const (
	// ContextPreamble is a block before anyone speaks ("Focus group: newly
	// qualified social workers, …"); it has a number of its own.
	ContextPreamble ContextKind = "preamble"
	// ContextTitle is a document title written as a heading (a Word Title
	// or Subtitle, a lone "# " heading on top): the title, not a question.
	ContextTitle ContextKind = "title"
	// ContextHeading is a heading or numbered topic-guide question; its
	// text is the question of the segments under it.
	ContextHeading ContextKind = "heading"
	// ContextPrompt is an interviewer's, facilitator's or moderator's
	// turn: context for the answers after it, not a segment to code; it
	// has a number of its own.
	ContextPrompt ContextKind = "prompt"
)

// ContextItem is one piece of a transcript that is not a segment.
type ContextItem struct {
	Kind ContextKind
	// N places the item among the segments: a prompt's or preamble
	// block's own number (segment IDs count them: segments, prompts and
	// preamble blocks number 1, 2, 3… in file order), or for a heading or
	// title the number of the block that follows it (0 if none does).
	N       int
	Speaker string // a prompt's label ("Facilitator", "Interviewer 2")
	Text    string
}

// Options say how to read a sheet. The zero value reads notes as they are and
// asks a sheet to name its text column(s) unless exactly one column holds free
// text.
type Options struct {
	TextCol  string   // long sheet: the column holding each answer
	TextCols []string // wide sheet: each column becomes one segment per row
	IDCol    string   // the column holding a unique answer (long) or respondent (wide) id
	CaseCol  string   // the column naming the respondent (a wide sheet's rows default to their id)
	Sheet    string   // XLSX: the sheet to read (default: the first)
	Limits   Limits   // caps on what the file may hold; zero fields: DefaultLimits

	// Interviewers are speaker labels, beside the usual ones (Interviewer,
	// Facilitator, Moderator, Researcher, I, Q), whose turns are prompts:
	// context for the answers, not segments or cases. Matched ignoring case.
	Interviewers []string
	// SharedSpeakers makes notes' speaker labels name cases across sources
	// (a follow-up interview of the same person) instead of within one.
	SharedSpeakers bool

	// SourceCol and SpeakerCol name a cases sheet's columns that map a
	// speaker of a source to a case (ReadCases only).
	SourceCol, SpeakerCol string
}

// InputError is bad input: it names the file, where in it (a line or row, when
// known) and what is wrong, on one line.
type InputError struct {
	File  string // base name of the file
	Where string // "line 12", "row 5", "sheet \"Answers\"" or ""
	Msg   string // what is wrong; when empty, Err's message is used
	Err   error  // the cause or sentinel (ErrUnsupported, ErrNoTextColumn…), if any
}

// maxMessageRunes caps a whole message, behind the excerpts of its parts:
// no input is ever echoed at length, whatever path built the message.
const maxMessageRunes = 600

// Error returns "file: where: what", always on one line.
func (e *InputError) Error() string {
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	var s string
	if e.Where == "" {
		s = fmt.Sprintf("%s: %s", e.File, msg)
	} else {
		s = fmt.Sprintf("%s: %s: %s", e.File, e.Where, msg)
	}
	return Cut(oneLine(s), maxMessageRunes)
}

// Unwrap lets errors.Is and errors.As see the cause (ErrUnsupported,
// ErrNoTextColumn, fs.ErrNotExist…).
func (e *InputError) Unwrap() error { return e.Err }

// oneLine folds any line breaks a message picked up from the input (a column
// name, a parser's message) into spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// ErrUnsupported is returned (wrapped in an InputError) for a file whose
// extension names no format qcode reads.
var ErrUnsupported = errors.New("unsupported file type")

// ErrNoTextColumn is returned (wrapped in an InputError) when a sheet is read
// without Options.TextCol or TextCols and not exactly one column looks like
// free text. The message proposes the options to use; FreeTextColumns gives
// the candidate columns to a caller that wants to ask.
var ErrNoTextColumn = errors.New("say which column holds the answers")
