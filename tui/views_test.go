package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus"
)

// TestViewsAtSizes draws every view and dialog at 80×24, 120×40 and 56×20
// (golden frames: go test ./tui -update rewrites them). A view takes the
// body in the place of the coding screen; a dialog is drawn over the view
// below it with a blank ring round its border.
func TestViewsAtSizes(t *testing.T) {
	views := []struct{ name, keys string }{
		{"screen", ""},
		{"picker", "c"},
		{"filter", "f"},
		{"chooser", "fk"},
		{"memo-menu", "m"},
		{"memo", "m1"},
		{"memo-segment", "m2"},
		{"journal", "m6"},
		{"memos", "M"},
		{"memos-reading", "Mr"},
		{"code-all-pick", "/time<enter>A"},
		{"code-all", "/time<enter>Aworkload<enter>"},
		{"filter-bar", "fufccareer<enter>"},
		{"filter-terms", "fufccareer<enter>f"},
		{"editor", "e"},
		{"report", "r"},
		{"quotes", "r<enter>"},
		{"quote-reading", "r<enter><enter>"},
		{"cooccur", "Cro"},
		{"cooccur-cell", "Crojlll"},
		{"cooccur-passages", "Crojlll<enter>"},
		{"passage-reading", "Crojlll<enter><enter>"},
		{"agree", "a"},
		{"review", "a<enter>"},
		{"help", "?"},
		{"report-help", "r?"},
		{"document", "jjd"},
		{"suggested", "jjjj"},
		{"similar", "jjjj="},
		{"in-context", "jjji"},
	}
	s := twoCoders(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {56, 20}} {
		for _, v := range views {
			h := newHarness(t, s, size[0], size[1], Options{Coder: "alice"})
			h.keys(v.keys)
			frame := h.frame()
			golden(t, fmt.Sprintf("view-%s-%dx%d", v.name, size[0], size[1]), frame)
			checkFrame(t, frame, size[0], size[1])
		}
	}
}

// Text is measured in cells: a code or coder named in a wide script lines
// up with the rest in the editor and the agreement view, and every line
// fits the screen.
func TestWideTextKeepsColumns(t *testing.T) {
	s, err := coding.Create(t.TempDir()+"/w.qcode", coding.CreateOptions{Codes: []coding.CodeSpec{
		{Name: "障碍", Codes: []coding.CodeSpec{{Name: "工作量和时间"}, {Name: "Funding"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	src := &corpus.Source{Name: "s", File: "s.csv", Hash: "h", Segments: []corpus.Segment{
		{ID: "回答1", Text: "没有时间学习", Case: "P1"}, {ID: "R2", Text: "No funding", Case: "P2"}}}
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	csv := "segment,code,coder\n回答1,障碍/工作量和时间,alice\n回答1,障碍/工作量和时间,bob\nR2,障碍/Funding,alice\nR2,,bob\n"
	if _, err := s.ImportCodings("lead", "c.csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ keys, row string }{{"e", "工作量和时间"}, {"a", "工作量和时间"}} {
		h := newHarness(t, s, 80, 24, Options{Coder: "alice"})
		h.keys(c.keys)
		frame := h.frame()
		checkFrame(t, frame, 80, 24)
		var wide, narrow string
		for _, l := range strings.Split(frame, "\n") {
			switch {
			case strings.Contains(l, c.row):
				wide = l
			case strings.Contains(l, "Funding"):
				narrow = l
			}
		}
		if wide == "" || narrow == "" {
			t.Fatalf("%s: rows missing:\n%s", c.keys, frame)
		}
		// The figures after the name start in the same cell on both rows.
		if a, b := figuresAt(wide), figuresAt(narrow); a != b {
			t.Errorf("%s: the figures start at cell %d on %q and %d on %q", c.keys, a, wide, b, narrow)
		}
	}
}

// figuresAt is the cell where a row's figures start: the first digit
// after the name and its padding.
func figuresAt(line string) int {
	i := figures.FindStringIndex(line)
	if i == nil {
		return -1
	}
	return ansi.StringWidth(line[:i[1]-1])
}

var figures = regexp.MustCompile(`\S\s{2,}[0-9]`)
