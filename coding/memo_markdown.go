package coding

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// MemoDocument says how memos are written as Markdown.
type MemoDocument struct {
	Query MemoQuery
	// Level is the heading level of the "Memos" heading (2 in the report
	// document, 1 alone).
	Level int
	// ShowIDs names segments, sources and cases; without it (an export)
	// a memo on a segment or case is headed by the segment's anonymous
	// attribution, one on a source by its method, as quotes are.
	ShowIDs     bool
	Attribution string // attribution template ("" DefaultAttribution)
	// Redact replaces personal details found in the memos (and their
	// headings) with [email], [phone], [name], as quotes.
	Redact bool
}

// memoSections head the kinds in a Markdown document.
var memoSections = map[MemoKind]string{
	MemoProject: "Research journal", MemoSource: "Sources", MemoCase: "Cases", MemoCode: "Codes",
	MemoSegment: "Segments", MemoCoding: "Codings",
}

// WriteMemosMarkdown writes the memos q selects as a Markdown section:
// a heading per kind, each memo under a bold line naming what it is on,
// its author and date. It returns the personal details found in the memos
// and their headings (replaced when opts.Redact).
func (s *Store) WriteMemosMarkdown(w io.Writer, opts MemoDocument) ([]PIIHit, error) {
	list, err := s.Memos(opts.Query)
	if err != nil {
		return nil, err
	}
	if opts.Level <= 0 {
		opts.Level = 1
	}
	bw := bufio.NewWriter(w)
	h := strings.Repeat("#", opts.Level)
	fmt.Fprintf(bw, "%s Memos\n\n", h)
	if len(list) == 0 {
		fmt.Fprintf(bw, "No memos yet.\n\n")
		return nil, bw.Flush()
	}
	var hits []PIIHit
	err = s.view(func(tx *bolt.Tx) error {
		m, err := s.newQuoteMaker(tx, opts.Attribution, opts.ShowIDs, opts.Redact)
		if err != nil {
			return err
		}
		kind := MemoKind("")
		for _, memo := range list {
			if memo.Target.Kind != kind {
				kind = memo.Target.Kind
				fmt.Fprintf(bw, "%s# %s\n\n", h, memoSections[kind])
			}
			where := memo.JumpID
			if where == "" {
				where = memo.About
			}
			head := m.check(memoHeading(tx, m, memo, opts.ShowIDs), where, memo.Code, "memo heading")
			text := m.check(memo.Text, where, memo.Code, "memo")
			fmt.Fprintf(bw, "**%s** · %s · %s\n\n", mdEscape(head), mdEscape(memo.Author), memo.Updated.Format("2 January 2006"))
			writeMemoText(bw, text)
		}
		hits = m.hits
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hits, bw.Flush()
}

// memoHeading names what a memo is on. With ids: its About. Without: a
// code by its path, a journal entry by its number, and a segment, case or
// source anonymously, by the attribution its quotes would carry (a case
// by its first segment's, a source by its method).
func memoHeading(tx *bolt.Tx, m *quoteMaker, memo Memo, showIDs bool) string {
	t := memo.Target
	switch t.Kind {
	case MemoProject:
		return fmt.Sprintf("#%d", memo.Entry)
	case MemoCode:
		return strings.ReplaceAll(memo.About, "/", " › ")
	}
	if showIDs {
		if t.Kind == MemoCoding {
			return strings.ReplaceAll(memo.Code, "/", " › ") + " on " + memo.JumpID
		}
		return memo.About
	}
	switch t.Kind {
	case MemoSource:
		method := ""
		srcs, _ := readSources(tx)
		for _, src := range srcs {
			if src.ID == t.Source {
				method = attrValue(src.Attributes, "method")
			}
		}
		if method == "" {
			return "A source"
		}
		return "A source (" + method + ")"
	case MemoCase:
		return withAttribution(tx, m, "A participant", memo.Jump)
	case MemoSegment:
		return withAttribution(tx, m, "A segment", memo.Jump)
	case MemoCoding:
		return withAttribution(tx, m, strings.ReplaceAll(memo.Code, "/", " › ")+", on a segment", memo.Jump)
	}
	return memo.About
}

// withAttribution follows a label with a segment's anonymous attribution.
func withAttribution(tx *bolt.Tx, m *quoteMaker, label string, seg SegRef) string {
	if seg == 0 {
		return label
	}
	rec, err := recs(tx).segment(seg)
	if err != nil {
		return label
	}
	attrs := m.lookup.merged(&rec)
	a := attributeOrFallback(m.tmpl, func(name string) string { return attrValue(attrs, name) }, m.format(rec.source))
	if a == "" {
		return label
	}
	return label + " (" + a + ")"
}

// writeMemoText writes a memo's text as Markdown paragraphs: its line
// breaks stay (a hard break within a paragraph), blank lines part
// paragraphs, and nothing in it reads as Markdown.
func writeMemoText(w io.Writer, text string) {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			fmt.Fprintln(w)
			continue
		}
		end := "\n"
		if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
			end = "  \n"
		}
		fmt.Fprint(w, mdEscapeLine(line)+end)
	}
	fmt.Fprintln(w)
}
