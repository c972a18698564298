package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Wrapping keeps every rune's offset: each line is a range of the text,
// at most w cells wide, broken at spaces, at line breaks, and inside a
// word wider than a line; wide characters take two cells.
func TestWrapRunes(t *testing.T) {
	for _, tc := range []struct {
		text string
		w    int
		want []string
	}{
		{"We fund the fees for twenty places", 12, []string{"We fund the", "fees for", "twenty", "places"}},
		{"two  spaces kept inside", 11, []string{"two  spaces", "kept inside"}},
		{"  leading and trailing  ", 30, []string{"leading and trailing"}},
		{"first line\nsecond", 30, []string{"first line", "second"}},
		{"a\n\nb", 30, []string{"a", "", "b"}},
		{"", 10, []string{""}},
		{"supercalifragilistic word", 8, []string{"supercal", "ifragili", "stic", "word"}},
		{"没有时间学习 and more", 6, []string{"没有时", "间学习", "and", "more"}},
		{"没有时间", 1, []string{"没", "有", "时", "间"}}, // a wide character on a line narrower than it
		{"İstanbul ünïcödé", 8, []string{"İstanbul", "ünïcödé"}},
	} {
		t.Run(fmt.Sprintf("%q/%d", tc.text, tc.w), func(t *testing.T) {
			runes := []rune(tc.text)
			var got []string
			for _, r := range wrapRunes(runes, tc.w) {
				line := string(runes[r[0]:r[1]])
				got = append(got, line)
				if ansi.StringWidth(line) > tc.w && len([]rune(line)) > 1 {
					t.Errorf("line %q is wider than %d", line, tc.w)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// Positions move by lines across parts of any height, and stop at the
// document's ends.
func TestDocPositions(t *testing.T) {
	heights := []int{3, 1, 4, 2} // 10 lines
	h := func(i int) int { return heights[i] }
	n := len(heights)
	for _, tc := range []struct {
		from docPos
		by   int
		want docPos
	}{
		{docPos{0, 0}, 1, docPos{0, 1}},
		{docPos{0, 2}, 1, docPos{1, 0}},
		{docPos{0, 0}, 4, docPos{2, 0}},
		{docPos{0, 0}, 9, docPos{3, 1}},
		{docPos{0, 0}, 10, docPos{4, 0}}, // the end
		{docPos{0, 0}, 99, docPos{4, 0}},
		{docPos{3, 1}, -5, docPos{2, 0}},
		{docPos{2, 0}, -1, docPos{1, 0}},
		{docPos{2, 0}, -2, docPos{0, 2}},
		{docPos{1, 0}, -99, docPos{0, 0}},
		{docPos{4, 0}, -3, docPos{2, 3}}, // from the end: the last three lines
		{docPos{2, 1}, 0, docPos{2, 1}},
	} {
		if got := advance(tc.from, tc.by, n, h); got != tc.want {
			t.Errorf("advance(%v, %d) = %v, want %v", tc.from, tc.by, got, tc.want)
		}
	}
	for _, tc := range []struct {
		a, b  docPos
		limit int
		want  int
	}{
		{docPos{0, 0}, docPos{0, 2}, 99, 2},
		{docPos{0, 1}, docPos{2, 1}, 99, 4},
		{docPos{0, 0}, docPos{4, 0}, 99, 10},
		{docPos{0, 0}, docPos{4, 0}, 6, 6},
		{docPos{2, 0}, docPos{1, 0}, 99, 0}, // b before a
	} {
		if got := linesFrom(tc.a, tc.b, tc.limit, h); got != tc.want {
			t.Errorf("linesFrom(%v, %v, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}

// A turn's chips wrap to the text's width, three lines at most, the last
// saying how many did not fit.
func TestLayoutChips(t *testing.T) {
	chip := func(label string) docChip { return docChip{label: label} }
	show := func(lines [][]docChip) string {
		var out []string
		for _, l := range lines {
			var cs []string
			for _, c := range l {
				if c.more > 0 {
					cs = append(cs, fmt.Sprintf("+%d", c.more))
				} else {
					cs = append(cs, c.label)
				}
			}
			out = append(out, strings.Join(cs, ","))
		}
		return strings.Join(out, " | ")
	}
	six := []docChip{chip("aaaa"), chip("bbbb"), chip("cccc"), chip("dddd"), chip("eeee"), chip("ffff")} // 6 cells each
	for _, tc := range []struct {
		chips []docChip
		w     int
		want  string
	}{
		{six[:2], 13, "aaaa,bbbb"},                                         // 6 + 1 + 6
		{six[:2], 12, "aaaa | bbbb"},                                       // one cell short
		{six[:4], 13, "aaaa,bbbb | cccc,dddd"},                             // two lines
		{six, 13, "aaaa,bbbb | cccc,dddd | eeee,ffff"},                     // three lines, all fit
		{append(six, chip("gggg")), 13, "aaaa,bbbb | cccc,dddd | eeee,+2"}, // "+2" takes the last place
		{[]docChip{chip("a very long label indeed")}, 10, "a very …"},
		{[]docChip{{label: "× reviewed, nothing applies", mark: true}}, 40, "× reviewed, nothing applies"},
		{nil, 10, ""},
	} {
		if got := show(layoutChips(tc.chips, tc.w, 3)); got != tc.want {
			t.Errorf("%d chips in %d cells: %q, want %q", len(tc.chips), tc.w, got, tc.want)
		}
	}
}
