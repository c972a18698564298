package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// fill turns the table into src's segments (and cases, for a wide sheet)
// following opts: long with TextCol, wide with TextCols, and with neither the
// one column that looks like free text, if there is exactly one.
func (t *table) fill(src *Source, opts Options) error {
	textCols := splitColumns(opts.TextCols)
	if strings.TrimSpace(opts.TextCol) != "" && len(textCols) > 0 {
		return &InputError{File: t.file, Msg: "give --text-col (one row per answer) or --text-cols (one row per respondent), not both"}
	}
	idCol, err := t.column(opts.IDCol)
	if err != nil {
		return err
	}
	caseCol, err := t.column(opts.CaseCol)
	if err != nil {
		return err
	}
	switch {
	case len(textCols) > 0:
		cols := make([]int, 0, len(textCols))
		for _, name := range textCols {
			i, err := t.column(name)
			if err != nil {
				return err
			}
			if i == idCol {
				return &InputError{File: t.file, Msg: fmt.Sprintf("column %q is the id column; it cannot also be a text column", Excerpt(t.header[i]))}
			}
			if !containsInt(cols, i) {
				cols = append(cols, i)
			}
		}
		return t.fillWide(src, cols, idCol, caseCol)
	case strings.TrimSpace(opts.TextCol) != "":
		textCol, err := t.column(opts.TextCol)
		if err != nil {
			return err
		}
		if textCol == idCol {
			return &InputError{File: t.file, Msg: fmt.Sprintf("column %q cannot be both the text column and the id column", Excerpt(t.header[textCol]))}
		}
		return t.fillLong(src, textCol, idCol, caseCol)
	}
	free := t.freeText(idCol, caseCol)
	if len(free) == 1 {
		return t.fillLong(src, free[0], idCol, caseCol)
	}
	return t.noTextColumn(free)
}

// noTextColumn is the error that asks for --text-col or --text-cols,
// proposing the free-text columns found. The proposal quotes headers up to
// suggestRunes, so that a question used as a header can be pasted back; the
// list after it, excerpts.
func (t *table) noTextColumn(free []int) error {
	const suggestRunes = 120
	names := make([]string, len(free))
	shown := make([]string, len(free))
	for i, c := range free {
		names[i] = Cut(t.header[c], suggestRunes)
		shown[i] = Excerpt(t.header[c])
	}
	msg := "say which column holds the answers: --text-col C (one row per answer) or --text-cols "
	if len(names) == 0 {
		msg += "A,B (one row per respondent); no column looks like free text (columns: " + listColumns(t.header) + ")"
	} else {
		msg += shellWord(strings.Join(names, ",")) + " (one row per respondent); free-text columns: " + listColumns(shown)
	}
	return &InputError{File: t.file, Msg: msg, Err: ErrNoTextColumn}
}

// shellWord quotes s for a command line when it needs it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fillLong makes one segment per row with text: the answer in textCol, the ID
// from idCol (or "<source>#<n>"), the case from caseCol, and every other
// column as a segment attribute.
func (t *table) fillLong(src *Source, textCol, idCol, caseCol int) error {
	var ids *idIndex
	if idCol >= 0 {
		ids = newIDIndex(len(t.rows))
	}
	attrCols := make([]int, 0, len(t.header))
	for i := range t.header {
		if i != textCol && i != idCol && i != caseCol {
			attrCols = append(attrCols, i)
		}
	}
	src.Segments = make([]Segment, 0, len(t.rows))
	for _, r := range t.rows {
		text := r.cells[textCol]
		if text == "" {
			continue
		}
		seg := Segment{Text: text}
		if ids != nil {
			id, err := ids.add(t, r, idCol)
			if err != nil {
				return err
			}
			seg.ID = id
		} else {
			seg.ID = src.Name + "#" + strconv.Itoa(r.n)
		}
		if caseCol >= 0 {
			seg.Case = r.cells[caseCol]
		}
		seg.Attributes = t.attributes(r, attrCols)
		src.Segments = append(src.Segments, seg)
	}
	if len(src.Segments) == 0 {
		return &InputError{File: t.file, Msg: fmt.Sprintf("no answers in column %q", Excerpt(t.header[textCol]))}
	}
	return nil
}

// fillWide makes one segment per (row, text column) with text. The row's ID
// (idCol, or "<source>#<n>") names the case unless caseCol does; the segment
// ID is "<row id>/<column header>" and its attribute question is the header.
// The other columns become attributes of the case.
func (t *table) fillWide(src *Source, textCols []int, idCol, caseCol int) error {
	var ids *idIndex
	if idCol >= 0 {
		ids = newIDIndex(len(t.rows))
	}
	attrCols := make([]int, 0, len(t.header))
	for i := range t.header {
		if i != idCol && i != caseCol && !containsInt(textCols, i) {
			attrCols = append(attrCols, i)
		}
	}
	segAt := make(map[string]int, len(t.rows)*len(textCols))
	for _, r := range t.rows {
		answered := false
		for _, c := range textCols {
			answered = answered || r.cells[c] != ""
		}
		if !answered {
			continue
		}
		rowID := src.Name + "#" + strconv.Itoa(r.n)
		if ids != nil {
			id, err := ids.add(t, r, idCol)
			if err != nil {
				return err
			}
			rowID = id
		}
		caseName := rowID
		if caseCol >= 0 && r.cells[caseCol] != "" {
			caseName = r.cells[caseCol]
		}
		for _, c := range textCols {
			text := r.cells[c]
			if text == "" {
				continue
			}
			id := rowID + "/" + t.header[c]
			if prev, dup := segAt[id]; dup {
				return t.errorAt(r.at, "duplicate segment id %q (also from %s)", Excerpt(id), t.where(prev))
			}
			segAt[id] = r.at
			src.Segments = append(src.Segments, Segment{
				ID:         id,
				Case:       caseName,
				Text:       text,
				Attributes: []Attribute{{Name: "question", Value: t.header[c]}},
			})
		}
		if attrs := t.attributes(r, attrCols); len(attrs) > 0 {
			src.Cases = append(src.Cases, Case{Name: caseName, Attributes: attrs})
		}
	}
	if len(src.Segments) == 0 {
		names := make([]string, len(textCols))
		for i, c := range textCols {
			names[i] = strconv.Quote(Excerpt(t.header[c]))
		}
		return &InputError{File: t.file, Msg: "no answers in columns " + strings.Join(names, ", ")}
	}
	return nil
}

// attributes are a row's non-empty cells in cols, named by their headers.
func (t *table) attributes(r tableRow, cols []int) []Attribute {
	n := 0
	for _, c := range cols {
		if r.cells[c] != "" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	attrs := make([]Attribute, 0, n)
	for _, c := range cols {
		if v := r.cells[c]; v != "" {
			attrs = append(attrs, Attribute{Name: t.header[c], Value: v})
		}
	}
	return attrs
}

// idIndex checks that the values of an id column are present and unique.
//
// Exports mostly list ids in order (R1, R2 … R10, or A0000001 …): while
// each id sorts after the one before (shorter first, then byte order), no
// two can be the same and no map is needed. A map of 200,000 ids cost a
// third of parsing a survey export; the first id out of order fills it
// with those seen so far and it takes over.
type idIndex struct {
	n    int
	at   map[string]int // id → line or row it was first seen on; nil while in order
	seen []idAt         // the ids while in order
}

type idAt struct {
	id string
	at int
}

func newIDIndex(n int) *idIndex { return &idIndex{n: n, seen: make([]idAt, 0, n)} }

// add returns the row's id, or the error for an empty or repeated one.
func (x *idIndex) add(t *table, r tableRow, col int) (string, error) {
	id := r.cells[col]
	if id == "" {
		return "", t.errorAt(r.at, "empty id in column %q", Excerpt(t.header[col]))
	}
	if x.at == nil {
		if k := len(x.seen); k == 0 || IDAfter(id, x.seen[k-1].id) {
			x.seen = append(x.seen, idAt{id, r.at})
			return id, nil
		}
		x.at = make(map[string]int, x.n)
		for _, s := range x.seen {
			x.at[s.id] = s.at
		}
		x.seen = nil
	}
	if prev, dup := x.at[id]; dup {
		return "", t.errorAt(r.at, "duplicate id %q (also on %s)", Excerpt(id), t.where(prev))
	}
	x.at[id] = r.at
	return id, nil
}

// IDAfter tells whether id sorts after prev: longer, or as long and after
// it byte by byte (so R10 follows R9). IDs each after the one before
// cannot repeat: what an import checks before it looks for a repeat.
func IDAfter(id, prev string) bool {
	if len(id) != len(prev) {
		return len(id) > len(prev)
	}
	return id > prev
}

// splitColumns cleans a --text-cols list: names are trimmed and empty ones
// dropped. (Splitting "A,B" is the flag parser's job: a header may hold a
// comma.)
func splitColumns(cols []string) []string {
	var out []string
	for _, c := range cols {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
