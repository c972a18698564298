package corpus

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"qcode/corpus/docx"
	"qcode/corpus/printable"
)

// Limits bound what qcode builds from one input file, so that a damaged or
// hostile file is refused with a one-line error naming the limit instead of
// taking the machine's memory or hours of its time. A zero field means its
// default (DefaultLimits); tests lower them.
type Limits struct {
	// InputSize caps the bytes of the file itself.
	InputSize int64
	// Rows caps the data rows of a sheet (blank rows not counted).
	Rows int
	// Columns caps the named columns of a sheet, and the fields of any one
	// CSV/TSV line (a line of a million commas is refused before it is split).
	Columns int
	// Cells caps the cells of a sheet: every field of CSV/TSV; for XLSX every
	// cell up to the last filled one of each row, blanks included, because
	// that is what reading a row costs.
	Cells int
	// SharedStrings caps the entries of an XLSX shared-string table, which
	// excelize holds in memory whole.
	SharedStrings int
	// Paragraphs caps the paragraphs of a DOCX and the lines of TXT and
	// Markdown notes.
	Paragraphs int
	// Depth caps the nesting of elements in the XML parts of XLSX and DOCX.
	Depth int
}

// DefaultLimits are far above real research data (Excel itself stops at
// 1,048,576 rows and 16,384 columns; a long interview is a few thousand
// paragraphs) and far below what would exhaust a laptop.
var DefaultLimits = Limits{
	InputSize:     1 << 30,
	Rows:          5_000_000,
	Columns:       4_096,
	Cells:         50_000_000,
	SharedStrings: 10_000_000,
	Paragraphs:    docx.DefaultLimits.Paragraphs,
	Depth:         docx.DefaultLimits.Depth,
}

// orDefault fills the zero fields of l from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.InputSize > 0 {
		d.InputSize = l.InputSize
	}
	if l.Rows > 0 {
		d.Rows = l.Rows
	}
	if l.Columns > 0 {
		d.Columns = l.Columns
	}
	if l.Cells > 0 {
		d.Cells = l.Cells
	}
	if l.SharedStrings > 0 {
		d.SharedStrings = l.SharedStrings
	}
	if l.Paragraphs > 0 {
		d.Paragraphs = l.Paragraphs
	}
	if l.Depth > 0 {
		d.Depth = l.Depth
	}
	return d
}

// overLimit is the message for a file over one of its limits.
func overLimit(what string, limit int) string {
	return fmt.Sprintf("more than %s %s (the limit)", groupDigits(limit), what)
}

// groupDigits writes 5000000 as 5,000,000.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// SizeText writes a byte count as people read it: 512 B, 64 KiB, 1.5 GiB.
func SizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v, i = v/unit, i+1
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s + " " + []string{"KiB", "MiB", "GiB", "TiB"}[i]
}

// ExcerptRunes is how much of a value from the input an error message
// quotes.
const ExcerptRunes = 60

// Excerpt is s cut to ExcerptRunes runes and "…": what an error message may
// quote of a column name, cell, id, key or label read from a file, so that
// a 50 MB header line is not echoed whole. Control characters become their
// visible stand-ins first (printable), one rune each: %q would spell each
// as four ("\x06"), and sixty of them made a line of 300 runes. Invalid
// UTF-8 becomes U+FFFD.
func Excerpt(s string) string { return Cut(printable.String(s), ExcerptRunes) }

// Cut is s cut to n runes and "…": for a whole message from another parser
// (XML, YAML, JSON, excelize), which may quote the file somewhere inside.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for r := 0; r < n; r++ {
		if i >= len(s) {
			return s
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}
