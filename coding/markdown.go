package coding

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"qcode/corpus/printable"
)

// This file writes Markdown that renders on GitHub as it is: quote banks,
// and (in markdown_export.go) the whole report document. Text from the
// project is escaped so that an answer that starts with "#" or holds a "|"
// or "*" stays plain text.

// WriteQuotesMarkdown writes a quote bank: a heading per theme (at level,
// 1–5) and per code below it, each quote as a block quote followed by its
// attribution in parentheses.
func WriteQuotesMarkdown(w io.Writer, bank QuoteBank, level int) error {
	bw := bufio.NewWriter(w)
	theme := ""
	for _, g := range bank.Groups {
		if g.Theme != theme {
			theme = g.Theme
			fmt.Fprintf(bw, "%s %s\n\n", strings.Repeat("#", level), mdEscape(theme))
		}
		if g.Depth > 0 {
			fmt.Fprintf(bw, "%s %s\n\n", strings.Repeat("#", level+1), mdEscape(belowTheme(g.Path)))
		}
		for _, q := range g.Quotes {
			writeQuote(bw, q)
		}
	}
	return bw.Flush()
}

// belowTheme is a code's path under its theme, for headings:
// "For the practitioner › Confidence".
func belowTheme(path string) string {
	_, rest, _ := strings.Cut(path, "/")
	return strings.ReplaceAll(rest, "/", " › ")
}

func writeQuote(w io.Writer, q Quote) {
	for _, line := range strings.Split(q.Text, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			fmt.Fprintln(w, ">")
			continue
		}
		fmt.Fprintf(w, "> %s\n", mdEscapeLine(line))
	}
	fmt.Fprintln(w)
	var tail []string
	if q.Attribution != "" {
		tail = append(tail, "("+mdEscape(q.Attribution)+")")
	}
	if ids := quoteIDs(q); ids != "" {
		tail = append(tail, "— "+mdEscape(ids))
	}
	if len(tail) > 0 {
		fmt.Fprintf(w, "%s\n\n", strings.Join(tail, " "))
	}
}

// quoteIDs names a quote's segment and case, present only with --show-ids.
func quoteIDs(q Quote) string {
	var parts []string
	if q.Segment != "" {
		parts = append(parts, "segment "+q.Segment)
	}
	if q.Case != "" {
		parts = append(parts, "case "+q.Case)
	}
	return strings.Join(parts, ", ")
}

// mdEscape backslash-escapes the characters that would turn plain text
// into Markdown or HTML inline: emphasis, code, links, HTML, table pipes.
// A placeholder ("[name]", "[email]", "[phone]") stays as it is (it cannot
// be a link without a "(" or "[" after it), so that a redacted report reads
// well as plain text too.
func mdEscape(s string) string {
	s = printable.String(s) // a report is read in terminals too
	var b strings.Builder
	for i := 0; i < len(s); {
		if m := placeholderAt(s[i:]); m != "" {
			if next := s[i+len(m):]; next == "" || (next[0] != '(' && next[0] != '[') {
				b.WriteString(m)
				i += len(m)
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\\', '*', '_', '`', '[', ']', '<', '>', '|', '~':
			b.WriteByte('\\')
		case '&':
			// Only an entity ("&amp;", "&#8212;") would be read as one.
			if entityRE.MatchString(s[i:]) {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// placeholderAt returns the placeholder s starts with, if any.
func placeholderAt(s string) string {
	if s == "" || s[0] != '[' {
		return ""
	}
	return placeholderRE.FindString(s)
}

var entityRE = regexp.MustCompile(`^&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);`)

// mdEscapeLine escapes a line that starts a block: what would make it a
// heading, list, rule or numbered item is escaped too.
func mdEscapeLine(s string) string {
	s = mdEscape(s)
	switch {
	case strings.HasPrefix(s, "#"), strings.HasPrefix(s, "+"), strings.HasPrefix(s, "-"), strings.HasPrefix(s, "="):
		return `\` + s
	}
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n > 0 && n < len(s) && (s[n] == '.' || s[n] == ')') {
		return s[:n] + `\` + s[n:]
	}
	return s
}

// MarkdownInline is text fit for a line of Markdown (a list item, a table
// cell): on one line, printable, with what Markdown would read as markup
// escaped.
func MarkdownInline(s string) string { return mdCell(s) }

// mdCell is text fit for a table cell: escaped, on one line.
func mdCell(s string) string {
	return mdEscape(strings.Join(strings.Fields(s), " "))
}

// mermaidLabel makes text safe inside a quoted Mermaid label: Mermaid
// strings cannot hold a double quote, a backtick opens a Markdown string,
// and "#…;" is read as an entity.
func mermaidLabel(s string) string {
	s = strings.Join(strings.Fields(printable.String(s)), " ")
	return strings.NewReplacer(`"`, "'", "`", "'", "#", "＃").Replace(s)
}

// Percent formats a percentage for display: whole numbers, "<1%" for a
// small non-zero share (so that a code someone raised never reads 0%).
func Percent(p float64) string {
	switch {
	case p == 0:
		return "0%"
	case p < 0.5:
		return "<1%"
	}
	return strconv.Itoa(int(math.Round(p))) + "%"
}

// shorten cuts text to at most n runes at a word boundary, with "…".
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)[:n]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}

// EscapeMarkdown escapes text from the project for Markdown prose or a
// table cell, as the report document does (placeholders such as [name]
// stay readable); recipes' writers use it for counts and names they put
// into the researcher's Markdown.
func EscapeMarkdown(s string) string { return mdEscape(s) }

// EscapeMarkdownLine escapes a line that starts a block (a quote's line):
// what would make it a heading, list or numbered item is escaped too.
func EscapeMarkdownLine(s string) string { return mdEscapeLine(s) }

// MermaidLabel makes text safe inside a quoted Mermaid label.
func MermaidLabel(s string) string { return mermaidLabel(s) }
