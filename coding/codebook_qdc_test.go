package coding

import (
	"testing"

	"qcode/corpus/qdaxml"
)

// A code's inclusion and exclusion notes travel in its QDA-XML description
// as paragraphs of their own, and come back out of it, also from a
// description another tool wrote with such paragraphs.
func TestQDADescription(t *testing.T) {
	for _, c := range []struct {
		code                Code
		text                string
		desc, include, excl string
	}{
		{Code{Description: "d"}, "d", "d", "", ""},
		{Code{Description: "d", Include: "i", Exclude: "e"}, "d\n\nInclude: i\n\nExclude: e", "d", "i", "e"},
		{Code{Include: "i"}, "Include: i", "", "i", ""},
		{Code{Description: "line one\nline two\n\nsecond paragraph", Exclude: "x\n\nmore of x"}, "line one\nline two\n\nsecond paragraph\n\nExclude: x\n\nmore of x",
			"line one\nline two\n\nsecond paragraph", "", "x\n\nmore of x"},
		{Code{}, "", "", "", ""},
	} {
		if got := QDADescription(c.code); got != c.text {
			t.Errorf("QDADescription(%+v) = %q, want %q", c.code, got, c.text)
		}
		d, i, e := splitQDADescription(c.text)
		if d != c.desc || i != c.include || e != c.excl {
			t.Errorf("split %q = %q, %q, %q", c.text, d, i, e)
		}
	}
	// Another tool's wording: any case, CRLF, spaces around.
	d, i, e := splitQDADescription("Funding cuts.\r\n\r\n  INCLUDE:  budget, backfill \r\n\r\nexclude:travel")
	if d != "Funding cuts." || i != "budget, backfill" || e != "travel" {
		t.Errorf("got %q, %q, %q", d, i, e)
	}
}

// Code names from other tools are made fit for a path; colours become
// "#rrggbb" or nothing.
func TestQDASpecs(t *testing.T) {
	specs, paths, notes := QDASpecs([]qdaxml.Code{
		{GUID: "{AA}", Name: "Work/life", Color: "#ABC", Codes: []qdaxml.Code{{GUID: "b", Name: " two\n lines "}, {GUID: "c", Name: "Two lines"}}},
		{GUID: "d", Name: "\x1b[2Jx", Color: "red"},
		{GUID: "e", Name: ""},
	})
	if len(specs) != 3 || specs[0].Name != "Work∕life" || specs[0].Color != "#aabbcc" || specs[0].Codes[0].Name != "two lines" ||
		specs[0].Codes[1].Name != "Two lines (2)" || specs[1].Name != "x" || specs[1].Color != "" || specs[2].Name != "(unnamed)" {
		t.Errorf("specs %+v", specs)
	}
	if paths["aa"] != "Work∕life" || paths["c"] != "Work∕life/Two lines (2)" {
		t.Errorf("paths %v", paths)
	}
	if len(notes) != 1 || notes[0] != `5 code names changed to fit a path (no "/", line breaks or control characters; siblings differ)` {
		t.Errorf("notes %q", notes)
	}
	if err := checkSpecs(specs, ""); err != nil {
		t.Errorf("fitted names refused: %v", err)
	}
}
