package corpus

import (
	"path/filepath"
	"strconv"
)

// ReadCases reads a cases sheet (CSV, TSV or XLSX; opts.Sheet picks an XLSX
// sheet, default the first): one case per row, named by the value in
// opts.IDCol, with every other non-empty cell as an attribute. Ids must be
// present and unique.
func ReadCases(path string, opts Options) ([]Case, error) {
	name := filepath.Base(path)
	if err := casesFormat(name); err != nil {
		return nil, err // before reading what cannot be used
	}
	data, err := ReadInput(path, opts.Limits.InputSize)
	if err != nil {
		return nil, err
	}
	return ParseCases(name, data, opts)
}

// ParseCases is ReadCases for bytes already in memory; name is the file's
// base name, extension included.
func ParseCases(name string, data []byte, opts Options) ([]Case, error) {
	if err := casesFormat(name); err != nil {
		return nil, err
	}
	format, _ := formatOf(name)
	lim := opts.Limits.orDefault()
	if int64(len(data)) > lim.InputSize {
		return nil, tooLarge(name, int64(len(data)), lim.InputSize)
	}
	t, err := readTable(name, format, data, opts.Sheet, lim)
	if err != nil {
		return nil, err
	}
	t.stripControls()
	col, err := t.column(opts.IDCol)
	if err != nil {
		return nil, err
	}
	if col < 0 {
		return nil, &InputError{File: name, Msg: "say which column names the cases (--id-col; columns: " + listColumns(t.header) + ")"}
	}
	attrCols := make([]int, 0, len(t.header))
	for i := range t.header {
		if i != col {
			attrCols = append(attrCols, i)
		}
	}
	ids := newIDIndex(len(t.rows))
	cases := make([]Case, 0, len(t.rows))
	for _, r := range t.rows {
		attrs := t.attributes(r, attrCols)
		if r.cells[col] == "" && len(attrs) == 0 {
			continue // a blank row
		}
		id, err := ids.add(t, r, col)
		if err != nil {
			return nil, err
		}
		cases = append(cases, Case{Name: id, Attributes: attrs})
	}
	if len(cases) == 0 {
		return nil, &InputError{File: name, Msg: "no cases in column " + strconv.Quote(Excerpt(t.header[col]))}
	}
	stripCases(cases)
	return cases, nil
}

// casesFormat refuses a file that cannot be a cases sheet.
func casesFormat(name string) error {
	format, err := formatOf(name)
	if err != nil {
		return err
	}
	if format != "csv" && format != "tsv" && format != "xlsx" {
		return &InputError{File: name, Msg: "a cases sheet must be CSV, TSV or XLSX", Err: ErrUnsupported}
	}
	return nil
}
