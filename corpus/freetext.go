package corpus

import (
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// Free text, for proposing text columns: over a column's non-empty cells the
// median answer is at least freeTextRunes runes or freeTextWords words long,
// and at least half the cells differ (a long question repeated on every row
// of a long sheet is not an answer). Only the first freeTextSample rows are
// looked at.
const (
	freeTextRunes  = 30
	freeTextWords  = 4
	freeTextSample = 5000
)

// FreeTextColumns reads the sheet at path (opts.Sheet picks an XLSX sheet)
// and returns, in header order, the columns whose values are mostly long free
// text: the ones to offer as --text-cols of a wide sheet. The columns named
// by opts.IDCol and opts.CaseCol are never proposed.
func FreeTextColumns(path string, opts Options) ([]string, error) {
	name := filepath.Base(path)
	format, err := formatOf(name)
	if err != nil {
		return nil, err
	}
	if format != "csv" && format != "tsv" && format != "xlsx" {
		return nil, &InputError{File: name, Msg: "not a sheet (CSV, TSV or XLSX)", Err: ErrUnsupported}
	}
	data, err := ReadInput(path, opts.Limits.InputSize)
	if err != nil {
		return nil, err
	}
	t, err := readTable(name, format, data, false, opts.Sheet, opts.Limits.orDefault())
	if err != nil {
		return nil, err
	}
	idCol, err := t.column(opts.IDCol)
	if err != nil {
		return nil, err
	}
	caseCol, err := t.column(opts.CaseCol)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range t.freeText(idCol, caseCol) {
		names = append(names, t.header[c])
	}
	return names, nil
}

// freeText returns the indexes of the columns that look like free text.
func (t *table) freeText(skip ...int) []int {
	rows := t.rows[:min(len(t.rows), freeTextSample)]
	var cols []int
	runes := make([]int, 0, len(rows))
	words := make([]int, 0, len(rows))
	for c := range t.header {
		if slices.Contains(skip, c) {
			continue
		}
		runes, words = runes[:0], words[:0]
		distinct := make(map[string]struct{}, len(rows))
		for _, r := range rows {
			v := r.cells[c]
			if v == "" {
				continue
			}
			runes = append(runes, utf8.RuneCountInString(v))
			words = append(words, len(strings.Fields(v)))
			distinct[v] = struct{}{}
		}
		if len(runes) == 0 || 2*len(distinct) < len(runes) {
			continue
		}
		if median(runes) >= freeTextRunes || median(words) >= freeTextWords {
			cols = append(cols, c)
		}
	}
	return cols
}

// median of a non-empty slice (the lower middle for an even count); sorts s.
func median(s []int) int {
	slices.Sort(s)
	return s[(len(s)-1)/2]
}
