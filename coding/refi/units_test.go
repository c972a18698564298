package refi

import (
	"fmt"
	"strings"
	"testing"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/qdaxml"
)

// Segments are found in their source's text in order, exactly where they
// are, else with their spacing allowed to differ; a text not there is not
// placed, and the next is still found.
func TestPlaceAll(t *testing.T) {
	for _, c := range []struct {
		name   string
		source string
		texts  []string
		want   string // per text: start–end, and the cut it makes
	}{
		{"exact", "P1: one.\n\nP2: two 💷.\n", []string{"one.", "two 💷."}, `4–8 "one." 14–20 "two 💷."`},
		{"repeated text found after the one before", "A: yes\nB: yes\n", []string{"yes", "yes"}, `3–6 "yes" 10–13 "yes"`},
		{"trailing spaces of a line", "P1: first line  \nsecond line\n", []string{"first line\nsecond line"}, `4–28 "first line  \nsecond line"`},
		{"gap inside a turn", "P1: para one\n \n\npara two\n", []string{"para one\n\npara two"}, `4–24 "para one\n \n\npara two"`},
		{"a text not there", "P1: alpha\nP2: beta\n", []string{"alpha", "gamma", "beta"}, `4–9 "alpha" - 14–18 "beta"`},
		{"a false start", "P1: the cat\nP2: the dog sat\n", []string{"the dog  sat"}, `16–27 "the dog sat"`},
	} {
		got := placeAll(c.source, c.texts)
		var parts []string
		runes := []rune(c.source)
		for _, p := range got {
			if !p.ok {
				parts = append(parts, "-")
				continue
			}
			parts = append(parts, fmt.Sprintf("%d–%d %q", p.start, p.end, string(runes[p.start:p.end])))
		}
		if s := strings.Join(parts, " "); s != c.want {
			t.Errorf("%s: %s, want %s", c.name, s, c.want)
		}
	}
	// A loose placement cuts by code point: "first line" of the turn
	// above is its code points 0–10, whatever the spacing after it.
	p := placeAll("P1: first line  \nsecond line\n", []string{"first line\nsecond line"})[0]
	if a, b, ok := p.cut(4, 14); !ok || a != 0 || b != 10 {
		t.Errorf("cut(4, 14) = %d, %d, %v", a, b, ok)
	}
	if a, b, ok := p.cut(17, 23); !ok || a != 11 || b != 17 {
		t.Errorf("cut(17, 23) = %d, %d, %v (\"second\")", a, b, ok)
	}
	if _, _, ok := p.cut(0, 4); ok {
		t.Error("the speaker's label cuts part of the turn")
	}
}

// Variables take the narrowest type every value fits; values are written
// as stored.
func TestVariableType(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   string
	}{
		{[]string{"2", "11", "-3", "0"}, qdaxml.TypeInteger},
		{[]string{"2", "011"}, qdaxml.TypeText}, // a leading zero would not read back as written
		{[]string{"+2"}, qdaxml.TypeText},
		{[]string{"3.5", "0.25", "-1.0"}, qdaxml.TypeFloat},
		{[]string{"3.5", "4"}, qdaxml.TypeText},
		{[]string{"2019-03-14", "2020-02-29"}, qdaxml.TypeDate},
		{[]string{"2019-02-30"}, qdaxml.TypeText},
		{[]string{"14/03/2019"}, qdaxml.TypeText},
		{[]string{"true", "false"}, qdaxml.TypeBoolean},
		{[]string{"true", "yes"}, qdaxml.TypeText},
		{[]string{"Social worker"}, qdaxml.TypeText},
		{nil, qdaxml.TypeText},
		{[]string{"123456789012345678901234567890"}, qdaxml.TypeText}, // past what a reader's integer holds
	} {
		if got := variableType(c.values); got != c.want {
			t.Errorf("%q: %s, want %s", c.values, got, c.want)
		}
	}
}

// A source whose segment IDs do not number its blocks (made by hand) is
// laid out context first, then segments, and still cuts each segment
// exactly; a heading with no block after it comes last.
func TestLayoutFallbacks(t *testing.T) {
	src := coding.ExportSource{Source: coding.Source{Name: "n", Format: "txt", Context: []coding.ContextItem{
		{Kind: corpus.ContextPrompt, N: 1, Speaker: "Q", Text: "Why?"},
		{Kind: corpus.ContextHeading, N: 0, Text: "Closing"},
	}}, Segments: []coding.ExportSegment{{ID: "a", Text: "one"}, {ID: "b", Text: "two", Attributes: []coding.Attribute{{Name: "Speaker", Value: "P1"}}}}}
	lay := layoutSource(src)
	if lay.text != "Q: Why?\n\none\n\nP1: two\n\n# Closing\n" {
		t.Errorf("text %q", lay.text)
	}
	runes := []rune(lay.text)
	for i, seg := range src.Segments {
		if got := string(runes[lay.segStart[i] : lay.segStart[i]+len([]rune(seg.Text))]); got != seg.Text {
			t.Errorf("segment %s cuts %q", seg.ID, got)
		}
	}
	for i, c := range src.Context {
		if got := string(runes[lay.context[i].start:lay.context[i].end]); got != c.Text {
			t.Errorf("context %d cuts %q", i, got)
		}
	}
	if src.Context[1].N != 0 || src.Context[0].N != 1 {
		t.Error("layout changed the source it was given")
	}
}
