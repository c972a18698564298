package corpus

import (
	"strings"

	"qcode/corpus/printable"
)

// stripControls removes terminal escape sequences and control characters
// from everything read out of a file (IDs, case names, text, attribute names
// and values), so that a project never holds them from an import: printed
// raw, they would clear a screen or write a clipboard. Newlines and tabs in
// text stay.
func stripControls(src *Source) {
	src.Attributes = stripAttributes(src.Attributes)
	kept := src.Segments[:0]
	for _, seg := range src.Segments {
		seg.ID = printable.Strip(seg.ID)
		seg.Case = printable.Strip(seg.Case)
		seg.Text = printable.Strip(seg.Text)
		seg.Attributes = stripAttributes(seg.Attributes)
		// A turn that was nothing but escape sequences is an empty answer:
		// no segment (the others keep their numbers).
		if strings.TrimSpace(seg.Text) != "" {
			kept = append(kept, seg)
		}
	}
	src.Segments = kept
	for i := range src.Context {
		c := &src.Context[i]
		c.Speaker, c.Text = printable.Strip(c.Speaker), printable.Strip(c.Text)
	}
	stripCases(src.Cases)
}

func stripCases(cases []Case) {
	for i := range cases {
		cases[i].Name = printable.Strip(cases[i].Name)
		cases[i].Source = printable.Strip(cases[i].Source)
		cases[i].Speaker = printable.Strip(cases[i].Speaker)
		cases[i].Attributes = stripAttributes(cases[i].Attributes)
	}
}

func stripAttributes(attrs []Attribute) []Attribute {
	for i := range attrs {
		attrs[i].Name = printable.Strip(attrs[i].Name)
		attrs[i].Value = printable.Strip(attrs[i].Value)
	}
	return attrs
}

// stripControls cleans a sheet's header and cells before anything reads
// them, so that IDs are checked for uniqueness as they will be stored, and
// a cell holding nothing but escape sequences counts as empty.
func (t *table) stripControls() {
	for i, h := range t.header {
		if s := printable.Strip(h); s != h {
			t.header[i] = strings.TrimSpace(s)
		}
	}
	for _, r := range t.rows {
		for i, c := range r.cells {
			if s := printable.Strip(c); s != c {
				r.cells[i] = strings.TrimSpace(s) // the cell was trimmed; what the sequences hid may not be
			}
		}
	}
}
