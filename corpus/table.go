package corpus

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
)

// table is a sheet as read from CSV, TSV or XLSX: a header and the rows under
// it, every cell trimmed, every row as wide as the header. Rows are added as
// they are read (setHeader, then addRow), keeping only the named columns,
// so that a stray cell far to the right never makes every row that wide.
type table struct {
	file     string // base name, for errors
	unit     string // "line" (CSV, TSV) or "row" (XLSX): how Where counts
	letters  bool   // name columns by letter (XLSX) rather than number
	sheet    string // XLSX: the sheet, named in limit errors
	headerAt int    // line or row of the header
	header   []string
	rows     []tableRow

	lim   Limits
	width int    // cells in the header as read, nameless ones included
	named []bool // named[i]: column i of the header as read has a name
	keep  []int  // the named columns, in order
	all   bool   // every column is named: rows are kept as read
	cells int    // cells read so far, blanks included
}

// tableRow is one data row.
type tableRow struct {
	at    int      // line (CSV) or sheet row (XLSX) where the row starts
	n     int      // 1-based data-row number, header excluded: "<source>#<n>"
	cells []string // trimmed; len(cells) == len(header)
}

// where says where in the file a line or row is, for an InputError.
func (t *table) where(at int) string {
	return t.unit + " " + strconv.Itoa(at)
}

func (t *table) errorAt(at int, format string, args ...any) error {
	return &InputError{File: t.file, Where: t.where(at), Msg: fmt.Sprintf(format, args...)}
}

// limitAt is the error for a sheet over one of its limits, at line or row
// at; it names the sheet of a workbook.
func (t *table) limitAt(at int, msg string) error {
	where := t.where(at)
	if t.sheet != "" {
		where = fmt.Sprintf("sheet %q, %s", Excerpt(t.sheet), where)
	}
	return &InputError{File: t.file, Where: where, Msg: msg}
}

// count adds n cells read at line or row at to the sheet's cells.
func (t *table) count(at, n int, hint string) error {
	t.cells += n
	if t.cells > t.lim.Cells {
		return t.limitAt(at, overLimit("cells", t.lim.Cells)+hint)
	}
	return nil
}

// setHeader settles the header from the first non-blank row as read:
// names are trimmed, inner whitespace folded (a header typed over two lines
// in a cell reads as one); nameless columns are dropped (a row with a value
// in one is refused when it comes); a name used twice, no name at all, or
// more named columns than the limit are refused.
func (t *table) setHeader(at int, cells []string) error {
	t.headerAt, t.width = at, len(cells)
	t.named = make([]bool, len(cells))
	seen := make(map[string]int, len(cells))
	for i, c := range cells {
		h := strings.Join(strings.Fields(c), " ")
		if h == "" {
			continue
		}
		if j, dup := seen[h]; dup {
			return t.errorAt(at, "duplicate column %q (columns %s and %s)", Excerpt(h), t.colName(j), t.colName(i))
		}
		if len(t.keep) == t.lim.Columns {
			return t.limitAt(at, overLimit("columns", t.lim.Columns))
		}
		seen[h] = i
		t.named[i] = true
		t.keep = append(t.keep, i)
		t.header = append(t.header, h)
	}
	if len(t.keep) == 0 {
		return t.errorAt(at, "header row has no column names")
	}
	t.all = len(t.keep) == len(cells)
	return nil
}

// addRow adds a data row as read (trimmed), keeping its named columns; a
// row as wide as an all-named header is kept as it is, so the caller must
// not reuse cells. A value in a nameless column is refused.
func (t *table) addRow(at, n int, cells []string) error {
	if len(t.rows) == t.lim.Rows {
		return t.limitAt(at, overLimit("rows", t.lim.Rows))
	}
	for i, c := range cells {
		if c != "" && (i >= t.width || !t.named[i]) {
			return t.errorAt(at, "value in column %s, which has no header", t.colName(i))
		}
	}
	if !t.all || len(cells) != len(t.keep) {
		kept := make([]string, len(t.keep))
		for k, i := range t.keep {
			if i < len(cells) {
				kept[k] = cells[i]
			}
		}
		cells = kept
	}
	t.rows = append(t.rows, tableRow{at: at, n: n, cells: cells})
	return nil
}

// colName names column i (0-based) as a spreadsheet user would find it.
func (t *table) colName(i int) string {
	if t.letters {
		return columnLetters(i)
	}
	return strconv.Itoa(i + 1)
}

// columnLetters turns 0 into A, 25 into Z, 26 into AA.
func columnLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// readTable reads a sheet of any supported format.
func readTable(name, format string, data []byte, owned bool, sheet string, lim Limits) (*table, error) {
	if format == "xlsx" {
		return readXLSX(name, data, sheet, lim)
	}
	text, problem := decodeText(data, owned)
	if problem != "" {
		return nil, &InputError{File: name, Msg: problem}
	}
	return readDelimited(name, text, delimiter(format, text), lim)
}

// delimiter picks the field separator: tab for TSV; for CSV a comma, unless
// the header line has none but has semicolons (European Excel) or tabs.
func delimiter(format, text string) rune {
	if format == "tsv" {
		return '\t'
	}
	first, _, _ := strings.Cut(text, "\n")
	if !strings.Contains(first, ",") {
		if strings.Contains(first, ";") {
			return ';'
		}
		if strings.Contains(first, "\t") {
			return '\t'
		}
	}
	return ','
}

// readDelimited reads CSV or TSV text (already UTF-8 with \n line endings).
// A large text is read in two parts at once, on two cores (a survey export
// of 200,000 answers: encoding/csv took a third of its parse); should
// either part not read, the text is read again in one piece, so that an
// error is always the one an ordinary reading gives.
func readDelimited(name, text string, comma rune, lim Limits) (*table, error) {
	if cut := recordCut(text); cut > 0 {
		if t, err, ok := readDelimitedFrom(name, text, comma, lim, cut); ok {
			return t, err
		}
	}
	t, err, _ := readDelimitedFrom(name, text, comma, lim, 0)
	return t, err
}

// parallelCSV is the size of text from which readDelimited reads in two
// parts (a variable: tests read small texts in two parts too).
var parallelCSV = 4 << 20

// recordCut is where the second part of a large text starts: just after a
// line end near its middle that no quoted field spans (the quotes before it
// pair up: encoding/csv, not lazy, allows a quote only at a field's ends or
// doubled inside quotes); 0 for a text read in one piece.
func recordCut(text string) int {
	if len(text) < parallelCSV {
		return 0
	}
	mid := len(text) / 2
	quotes := strings.Count(text[:mid], `"`)
	for i := mid; i < len(text)-1; i++ {
		switch text[i] {
		case '"':
			quotes++
		case '\n':
			if quotes%2 == 0 {
				return i + 1
			}
		}
	}
	return 0
}

// csvPart is the records of a text's second part, read meanwhile.
type csvPart struct {
	recs [][]string
	ats  []int
	err  error
}

// readDelimitedFrom reads text; cut > 0 reads the records after cut on
// another goroutine meanwhile. ok is false when a part met a CSV error
// (the text is then read again in one piece); an error of the rows
// themselves (limits, widths) is the text's, as in one piece.
func readDelimitedFrom(name, text string, comma rune, lim Limits, cut int) (_ *table, _ error, ok bool) {
	t := &table{file: name, unit: "line", lim: lim}
	if err := t.checkLines(text, byte(comma)); err != nil {
		return nil, err, true
	}
	t.rows = make([]tableRow, 0, min(strings.Count(text, "\n"), lim.Rows, 1<<20))
	first := text
	var second chan csvPart
	var stop atomic.Bool
	if cut > 0 {
		first, second = text[:cut], make(chan csvPart, 1)
		go func() {
			var p csvPart
			p.err = eachRecord(text[cut:], comma, strings.Count(first, "\n"), &stop, func(rec []string, at int) error {
				p.recs, p.ats = append(p.recs, rec), append(p.ats, at)
				return nil
			})
			second <- p
		}()
		defer func() {
			stop.Store(true)
			if second != nil {
				<-second
			}
		}()
	}
	if err := eachRecord(first, comma, 0, nil, t.record); err != nil {
		var ce csvReadError
		if errors.As(err, &ce) {
			if cut > 0 {
				return nil, nil, false
			}
			return nil, csvError(name, text, ce.err), true
		}
		return nil, err, true
	}
	if cut > 0 {
		p := <-second
		second = nil
		if p.err != nil {
			return nil, nil, false
		}
		for i, rec := range p.recs {
			if err := t.record(rec, p.ats[i]); err != nil {
				return nil, err, true
			}
		}
	}
	if t.header == nil {
		return nil, &InputError{File: name, Msg: msgEmpty}, true
	}
	return t, nil, true
}

// csvReadError is encoding/csv's error, apart from the rows' own.
type csvReadError struct{ err error }

func (e csvReadError) Error() string { return e.err.Error() }

// eachRecord reads text's records with encoding/csv, calling fn with each
// and the line it starts on (plus lines, the lines before text), until fn
// fails or stop is set.
func eachRecord(text string, comma rune, lines int, stop *atomic.Bool, fn func(rec []string, at int) error) error {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	// Leading spaces before a quote (`a, "b, c"`) are common in hand-made
	// CSV; with a tab delimiter trimming would swallow empty fields.
	r.TrimLeadingSpace = comma != '\t'
	for stop == nil || !stop.Load() {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvReadError{err}
		}
		at, _ := r.FieldPos(0)
		if err := fn(rec, at+lines); err != nil {
			return err
		}
	}
	return nil
}

// record takes one record of a delimited text, read at line at.
func (t *table) record(rec []string, at int) error {
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		return nil // a line of spaces is a blank line, not a row
	}
	if err := t.count(at, len(rec), ""); err != nil {
		return err
	}
	if t.header == nil {
		return t.setHeader(at, rec)
	}
	if len(rec) != t.width {
		return t.errorAt(at, "row has %d fields, header has %d", len(rec), t.width)
	}
	for i, c := range rec {
		rec[i] = strings.TrimSpace(c)
	}
	return t.addRow(at, len(t.rows)+1, rec)
}

// checkLines refuses text with a line holding more fields than a sheet may
// have columns, before encoding/csv builds them all (a line of a million
// commas would take tens of bytes per comma).
func (t *table) checkLines(text string, comma byte) error {
	for at := 1; text != ""; at++ {
		line, rest, _ := strings.Cut(text, "\n")
		if strings.Count(line, string(comma)) >= t.lim.Columns {
			return t.limitAt(at, overLimit("fields on one line", t.lim.Columns))
		}
		text = rest
	}
	return nil
}

// csvError turns encoding/csv's complaint into a one-line InputError.
func csvError(name, text string, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &InputError{File: name, Msg: err.Error(), Err: err}
	}
	ie := &InputError{File: name, Where: "line " + strconv.Itoa(pe.Line), Err: err}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Column > len(lineOf(text, pe.Line)):
		// The quote ran to the end of the file.
		ie.Where = "line " + strconv.Itoa(pe.StartLine)
		ie.Msg = "unterminated quoted field"
	case errors.Is(pe.Err, csv.ErrQuote):
		ie.Msg = `stray " in a quoted field (a quote inside quotes must be doubled: "")`
	case errors.Is(pe.Err, csv.ErrBareQuote):
		ie.Msg = `stray " in an unquoted field (quote the field and double the quote: "")`
	default:
		ie.Msg = pe.Err.Error()
	}
	return ie
}

// lineOf returns line n (1-based) of text, without its newline.
func lineOf(text string, n int) string {
	for i := 1; i < n; i++ {
		_, rest, ok := strings.Cut(text, "\n")
		if !ok {
			return ""
		}
		text = rest
	}
	line, _, _ := strings.Cut(text, "\n")
	return line
}

// column finds a column by its header: exactly, or else ignoring case when
// that names one column. An empty name is no column (-1, nil).
func (t *table) column(name string) (int, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return -1, nil
	}
	folded := -1
	for i, h := range t.header {
		if h == name {
			return i, nil
		}
		if strings.EqualFold(h, name) {
			if folded >= 0 {
				folded = -2 // ambiguous
			} else if folded == -1 {
				folded = i
			}
		}
	}
	if folded >= 0 {
		return folded, nil
	}
	return -1, &InputError{File: t.file, Msg: fmt.Sprintf("no column %q (columns: %s)", Excerpt(name), listColumns(t.header))}
}

// listColumns lists header names for a message, each cut to an excerpt,
// the list cut short on wide sheets and long names.
func listColumns(names []string) string { return listNames(names, "columns") }

// listNames lists names for a message, each cut to an excerpt, the list cut
// short after 30 names or 300 bytes, saying how many there are.
func listNames(names []string, noun string) string {
	const most, room = 30, 300
	var b strings.Builder
	for i, n := range names {
		if i == most || b.Len() > room {
			fmt.Fprintf(&b, ", … (%d %s)", len(names), noun)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Excerpt(n))
	}
	return b.String()
}
