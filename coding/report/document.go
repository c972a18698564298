package report

import (
	"fmt"
	"io"
	"time"
)

// Document is a report as the writers see it: a title and blocks in
// order, with every placeholder resolved, every count made, every quote
// redacted and every table and figure numbered. The Markdown, HTML and
// Word writers render the same Document, so the three formats hold the
// same words and numbers.
type Document struct {
	Title string
	Date  time.Time // the "written on" line; zero: none
	// Blocks are the report's content in order.
	Blocks []Block
}

// Block is one piece of a Document: *Heading, *Markdown, *Table, *Quote,
// *Chart or *Map.
type Block interface{ block() }

// Heading is a section heading (level 2–6; the title is level 1).
type Heading struct {
	Level int
	Text  string
}

// Markdown is prose the researcher wrote (a text section, a memo), with
// placeholders resolved and personal details redacted. The Markdown
// writer copies it; the HTML and Word writers parse it (CommonMark with
// tables), so headings, lists, emphasis and tables in it survive.
type Markdown struct {
	Source string
}

// Align is a table column's alignment.
type Align int

// Column alignments: text left, numbers right.
const (
	Left Align = iota
	Right
)

// Table is a numbered table with its caption (without "Table N.").
type Table struct {
	Number  int
	Caption string
	Head    []string
	Align   []Align
	Rows    [][]Cell
}

// Cell is one table cell: plain text, bold where it heads a group of rows,
// indented by depth under its parent, with a plain note after it ("(all
// codes)").
type Cell struct {
	Text   string
	Bold   bool
	Indent int
	Note   string
}

// Quote is one quote with its anonymous attribution (without the
// parentheses) and, only when asked (--show-ids), its segment and case.
type Quote struct {
	Text        string
	Attribution string
	IDs         string
}

// Chart is a numbered horizontal bar chart: one bar per label, in order
// from the top, with its caption (without "Figure N.").
type Chart struct {
	Number  int
	Caption string
	Title   string
	Axis    string // what the values count ("Participants")
	Labels  []string
	Values  []int
}

// Map is the thematic map, a numbered figure: themes and the codes under
// them with their counts (a Mermaid mindmap in Markdown, an indented
// outline in HTML and Word).
type Map struct {
	Number  int
	Caption string
	Root    string
	Nodes   []MapNode
}

// MapNode is one code of the map, at its depth under the root (0: a
// theme).
type MapNode struct {
	Depth int
	Label string
}

func (*Heading) block()  {}
func (*Markdown) block() {}
func (*Table) block()    {}
func (*Quote) block()    {}
func (*Chart) block()    {}
func (*Map) block()      {}

// Write renders a Document as md, html or docx.
func Write(w io.Writer, d *Document, format string) error {
	switch format {
	case "md":
		return WriteMarkdown(w, d)
	case "html":
		return WriteHTML(w, d)
	case "docx":
		return WriteDOCX(w, d)
	}
	return fmt.Errorf("no report format %q (md, docx or html)", format)
}
