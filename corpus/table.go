package corpus

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// table is a sheet as read from CSV, TSV or XLSX: a header and the rows under
// it, every cell trimmed, every row as wide as the header.
type table struct {
	file     string // base name, for errors
	unit     string // "line" (CSV, TSV) or "row" (XLSX): how Where counts
	letters  bool   // name columns by letter (XLSX) rather than number
	headerAt int    // line or row of the header
	header   []string
	rows     []tableRow
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
func readTable(name, format string, data []byte, sheet string) (*table, error) {
	if format == "xlsx" {
		return readXLSX(name, data, sheet)
	}
	text, problem := decodeText(data)
	if problem != "" {
		return nil, &InputError{File: name, Msg: problem}
	}
	return readDelimited(name, text, delimiter(format, text))
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
func readDelimited(name, text string, comma rune) (*table, error) {
	t := &table{file: name, unit: "line", rows: make([]tableRow, 0, strings.Count(text, "\n"))}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	// Leading spaces before a quote (`a, "b, c"`) are common in hand-made
	// CSV; with a tab delimiter trimming would swallow empty fields.
	r.TrimLeadingSpace = comma != '\t'
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, text, err)
		}
		at, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a line of spaces is a blank line, not a row
		}
		if t.header == nil {
			t.headerAt = at
			t.header = rec
			continue
		}
		if len(rec) != len(t.header) {
			return nil, t.errorAt(at, "row has %d fields, header has %d", len(rec), len(t.header))
		}
		for i, c := range rec {
			rec[i] = strings.TrimSpace(c)
		}
		t.rows = append(t.rows, tableRow{at: at, n: len(t.rows) + 1, cells: rec})
	}
	if t.header == nil {
		return nil, &InputError{File: name, Msg: msgEmpty}
	}
	if err := t.settleHeader(); err != nil {
		return nil, err
	}
	return t, nil
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

// settleHeader trims the header's names (folding inner whitespace, so a
// header typed over two lines in a cell reads as one), pads the header to the
// widest row, drops nameless columns that hold nothing, and refuses a
// nameless column with values or a name used twice.
func (t *table) settleHeader() error {
	width := len(t.header)
	for _, r := range t.rows {
		width = max(width, len(r.cells))
	}
	header := make([]string, width)
	for i := range header {
		if i < len(t.header) {
			header[i] = strings.Join(strings.Fields(t.header[i]), " ")
		}
	}
	for i := range t.rows {
		if c := t.rows[i].cells; len(c) < width {
			t.rows[i].cells = append(c, make([]string, width-len(c))...)
		}
	}
	keep := make([]int, 0, width)
	seen := make(map[string]int, width)
	for i, h := range header {
		if h == "" {
			for _, r := range t.rows {
				if r.cells[i] != "" {
					return t.errorAt(r.at, "value in column %s, which has no header", t.colName(i))
				}
			}
			continue
		}
		if j, dup := seen[h]; dup {
			return t.errorAt(t.headerAt, "duplicate column %q (columns %s and %s)", h, t.colName(j), t.colName(i))
		}
		seen[h] = i
		keep = append(keep, i)
	}
	if len(keep) == 0 {
		return t.errorAt(t.headerAt, "header row has no column names")
	}
	t.header = header
	if len(keep) == width {
		return nil
	}
	t.header = pick(header, keep)
	for i := range t.rows {
		t.rows[i].cells = pick(t.rows[i].cells, keep)
	}
	return nil
}

func pick(s []string, idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = s[j]
	}
	return out
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
	return -1, &InputError{File: t.file, Msg: fmt.Sprintf("no column %q (columns: %s)", name, listColumns(t.header))}
}

// listColumns lists header names for a message, cut short on very wide sheets.
func listColumns(names []string) string {
	const most = 30
	if len(names) <= most {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:most], ", ") + fmt.Sprintf(", … (%d columns)", len(names))
}
