package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"qcode/coding"
)

// bigBook is a codebook where the digits used to leave codes out: a theme
// of twelve codes, a theme whose codes are sub-themes, and a leaf at the
// top level.
func bigBook() []coding.CodeSpec {
	var big []coding.CodeSpec
	for i := range 12 {
		big = append(big, coding.CodeSpec{Name: fmt.Sprintf("B%02d", i+1)})
	}
	return []coding.CodeSpec{
		{Name: "Motivations", Codes: []coding.CodeSpec{{Name: "Career"}, {Name: "Pay"}, {Name: "Duty"}}},
		{Name: "Big", Codes: big},
		{Name: "Benefits", Codes: []coding.CodeSpec{
			{Name: "Practitioner", Codes: []coding.CodeSpec{{Name: "Skills"}, {Name: "Confidence"}}},
			{Name: "Employer", Codes: []coding.CodeSpec{{Name: "Retention"}}},
		}},
		{Name: "Other"},
	}
}

// ] steps through groups of at most ten sibling codes so that every leaf
// is a digit away: the top level (it holds a leaf), each theme with leaves,
// Big as 1–10 and 11–12, each sub-theme; [ walks back; both wrap through
// every theme.
func TestDigitGroupsReachEveryLeaf(t *testing.T) {
	s := tinyProject(t, bigBook(), []string{"an answer"})
	book := s.Codebook()
	var titles []string
	reached := map[string]bool{}
	var g *codeGroup
	for range 20 {
		if g = stepGroup(book, g, 1); g == nil {
			break
		}
		titles = append(titles, g.title(book, 40))
		codes := g.codes(book)
		if len(codes) == 0 || len(codes) > 10 {
			t.Errorf("%s holds %d codes", g.title(book, 40), len(codes))
		}
		for _, c := range codes {
			if book.IsLeaf(c.ID) {
				if reached[c.Path] {
					t.Errorf("%s is in two groups", c.Path)
				}
				reached[c.Path] = true
			}
		}
	}
	want := []string{"Top level", "Motivations", "Big · 1–10 of 12", "Big · 11–12 of 12", "Benefits/Practitioner", "Benefits/Employer"}
	if !slices.Equal(titles, want) {
		t.Errorf("] steps through %q, want %q", titles, want)
	}
	for _, c := range book.Codes() {
		if book.IsLeaf(c.ID) && !reached[c.Path] {
			t.Errorf("no digit reaches %s", c.Path)
		}
	}
	// Backwards: the same groups in reverse, then every theme.
	var back []string
	g = nil
	for range 20 {
		if g = stepGroup(book, g, -1); g == nil {
			break
		}
		back = append(back, g.title(book, 40))
	}
	slices.Reverse(back)
	if !slices.Equal(back, want) {
		t.Errorf("[ steps through %q (reversed), want %q", back, want)
	}
	// A group entered by hand (Benefits, from the panel: no leaf of its
	// own) steps to its neighbours in the codebook's order.
	ben, _ := book.Lookup("Benefits")
	if next := stepGroup(book, &codeGroup{parent: ben.ID}, 1); next == nil || next.title(book, 40) != "Benefits/Practitioner" {
		t.Errorf("] from Benefits: %+v", next)
	}
	if prev := stepGroup(book, &codeGroup{parent: ben.ID}, -1); prev == nil || prev.title(book, 40) != "Big · 11–12 of 12" {
		t.Errorf("[ from Benefits: %+v", prev)
	}
}

// A group's title keeps which codes it holds when the path must be cut.
func TestDigitGroupTitle(t *testing.T) {
	s := tinyProject(t, bigBook(), nil)
	book := s.Codebook()
	big, _ := book.Lookup("Big")
	pr, _ := book.Lookup("Benefits/Practitioner")
	for _, tc := range []struct {
		g    codeGroup
		w    int
		want string
	}{
		{codeGroup{big.ID, 1}, 40, "Big · 11–12 of 12"},
		{codeGroup{big.ID, 0}, 18, "Big · 1–10 of 12"},
		{codeGroup{big.ID, 1}, 8, "Big · 1…"},
		{codeGroup{pr.ID, 0}, 12, "Benefits/Pr…"},
		{codeGroup{0, 0}, 40, "Top level"},
	} {
		if got := tc.g.title(book, tc.w); got != tc.want {
			t.Errorf("%+v in %d cells: %q, want %q", tc.g, tc.w, got, tc.want)
		}
	}
}

// On the screen: the panel's title (or, narrow, the legend's) names the
// group, the digits number its codes, and the status line names the code
// each digit applied.
func TestDigitsNameTheirGroup(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {56, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			s := tinyProject(t, bigBook(), []string{"an answer", "another"})
			h := newHarness(t, s, size[0], size[1], Options{})
			h.keys("]]]]") // Top level, Motivations, Big 1–10, Big 11–12
			frame := h.frame()
			if !strings.Contains(frame, "⌫ Big · 11–12 of 12") {
				t.Errorf("the title should name the group:\n%s", frame)
			}
			h.keys("2")
			if got := codings(t, s); !slices.Equal(got, []string{"R0,Big/B12,alice,,,false,"}) {
				t.Errorf("2 in Big 11–12 should code B12: %v", got)
			}
			if !strings.Contains(joined(h.frame()), "saved 2 → + Big/B12 on R0") {
				t.Errorf("the status line should name the code 2 applied:\n%s", h.frame())
			}
			golden(t, fmt.Sprintf("digit-group-%dx%d", size[0], size[1]), h.frame())
			checkFrame(t, h.frame(), size[0], size[1])
			h.keys("2")
			if !strings.Contains(joined(h.frame()), "saved 2 → − Big/B12 on R0") {
				t.Errorf("the status line should name the code 2 removed:\n%s", h.frame())
			}
			h.keys("<backspace>")
			if strings.Contains(h.frame(), "⌫") {
				t.Errorf("backspace from a theme's group goes back to every theme:\n%s", h.frame())
			}
		})
	}
}

// A group whose parent goes (the code is deleted) gives way to every
// theme; one past its parent's codes, to the last.
func TestDigitGroupAfterTheCodebookChanged(t *testing.T) {
	s := tinyProject(t, bigBook(), nil)
	book := s.Codebook()
	big, _ := book.Lookup("Big")
	if g := (&codeGroup{big.ID, 1}).valid(book); g == nil || *g != (codeGroup{big.ID, 1}) {
		t.Errorf("Big 11–12 is valid: %+v", g)
	}
	if g := (&codeGroup{big.ID, 5}).valid(book); g == nil || g.chunk != 1 {
		t.Errorf("a chunk past the last: %+v", g)
	}
	if g := (&codeGroup{coding.CodeID(999), 0}).valid(book); g != nil {
		t.Errorf("a parent that went: %+v", g)
	}
	other, _ := book.Lookup("Other")
	if g := (&codeGroup{other.ID, 0}).valid(book); g != nil {
		t.Errorf("a parent with no codes: %+v", g)
	}
}
