package report

import (
	"io"
	"time"

	"qcode/coding"
)

// ExportOptions say what goes into the default report document (the
// TUI's `x`, and `qcode export` without a recipe).
type ExportOptions struct {
	Coders      []string               // coders whose codings count; nil: any coder; {coding.Consensus}: the team's final coding
	Source      string                 // only this source (named by its title: Store.SourceLabel)
	Where       []coding.AttrCondition // only segments that meet every condition
	Unit        string                 // attribute counted instead of cases ("" cases)
	By          string                 // attribute whose values split the frequency tables ("" none)
	Attribution string                 // attribution template ("" coding.DefaultAttribution)
	// PerCode is how many quotes per code the quote bank holds, starred
	// first: 0 coding.ExportQuotesPerCode (what the TUI asks), < 0 every
	// quote (the command line's --per-code 0).
	PerCode int
	ShowIDs bool // name segments and cases beside quotes
	Redact  bool // replace personal details found with [email], [phone], [name]
	Date    time.Time
	// Memos appends the project's memos (of Source's, when set), headed
	// anonymously unless ShowIDs and redacted like the quotes.
	Memos bool
}

// DefaultRecipe is the recipe of the default report for opts (Starter,
// parsed).
func DefaultRecipe(s *coding.Store, opts ExportOptions) (*Recipe, error) {
	so := StarterOptions{Where: opts.Where, Source: opts.Source, Unit: opts.Unit, By: opts.By, Attribution: opts.Attribution, Memos: opts.Memos}
	switch {
	case opts.PerCode == 0:
		so.PerCode = -1 // QuotesPerCode
	case opts.PerCode < 0:
		so.PerCode = 0 // every quote
	default:
		so.PerCode = opts.PerCode
	}
	if len(opts.Coders) == 1 {
		so.Coder = opts.Coders[0]
	}
	text, err := Starter(s, so)
	if err != nil {
		return nil, err
	}
	r, err := ParseRecipe("the default report", []byte(text))
	if err != nil {
		return nil, err
	}
	if len(opts.Coders) > 1 {
		r.Coder = "" // several coders: Build's Coders
	}
	return r, nil
}

// ExportMarkdown writes the default report document as Markdown: a
// summary, the thematic map, per theme a frequency table and bar charts,
// per code group (Kirkpatrick) a table of levels with an example, the
// quote bank, and with opts.Memos the memos. It returns the personal
// details found (replaced when opts.Redact).
func ExportMarkdown(s *coding.Store, w io.Writer, opts ExportOptions) ([]coding.PIIHit, error) {
	r, err := DefaultRecipe(s, opts)
	if err != nil {
		return nil, err
	}
	bo := Options{Date: opts.Date, Source: opts.Source, ShowIDs: opts.ShowIDs, Redact: opts.Redact}
	if len(opts.Coders) > 1 {
		bo.Coders = opts.Coders
	}
	doc, hits, err := Build(s, r, bo)
	if err != nil {
		return nil, err
	}
	return hits, WriteMarkdown(w, doc)
}
