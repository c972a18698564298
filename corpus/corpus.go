// Package corpus reads the files researchers bring — survey exports (CSV, TSV,
// XLSX), interview and focus-group notes (TXT, Markdown, DOCX) and cases sheets —
// into plain values: sources, segments, cases and attributes.
//
// It owns the rules of DESIGN.md's Import section (segment IDs, speaker turns,
// headings, front matter, encodings) and the one-line errors for bad input. It
// must not store anything or talk to a terminal: the coding package stores what
// it returns, in one transaction, and the command line prints its errors.
package corpus

import (
	"errors"
	"fmt"
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
	// Cases holds the cases that carry attributes (the rows of a wide sheet).
	// Cases named only by Segment.Case need no entry here.
	Cases []Case
}

// Options say how to read a sheet. The zero value reads notes as they are and
// asks a sheet to name its text column(s) unless exactly one column holds free
// text.
type Options struct {
	TextCol  string   // long sheet: the column holding each answer
	TextCols []string // wide sheet: each column becomes one segment per row
	IDCol    string   // the column holding a unique answer (long) or respondent (wide) id
	CaseCol  string   // long sheet: the column naming the respondent
	Sheet    string   // XLSX: the sheet to read (default: the first)
}

// InputError is bad input: it names the file, where in it (a line or row, when
// known) and what is wrong, on one line.
type InputError struct {
	File  string // base name of the file
	Where string // "line 12", "row 5", "sheet \"Answers\"" or ""
	Msg   string
}

func (e *InputError) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Where, e.Msg)
}

// ErrUnsupported is returned (wrapped in an InputError) for a file whose
// extension names no format qcode reads.
var ErrUnsupported = errors.New("unsupported file type")
