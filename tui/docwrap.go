package tui

import (
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// The document view draws only the lines on screen, whatever the length
// of the source: a part's text is wrapped when it is first drawn (and kept
// for the width), and positions are (part, line) pairs, never line numbers
// counted from the top, so that scrolling a 10,000-turn transcript wraps
// the parts it passes, not the whole text.

// wrapRunes breaks text into lines of at most w cells: at spaces, at line
// breaks, and inside a word wider than a line. Each line is the rune range
// [start, end) it shows, without the spaces it broke at, so that coded
// spans and a selection (rune offsets) fall on the lines they cover.
func wrapRunes(text []rune, w int) [][2]int {
	w = max(1, w)
	var out [][2]int
	for i := 0; i <= len(text); {
		j := i
		for j < len(text) && text[j] != '\n' {
			j++
		}
		out = append(out, wrapParagraph(text, i, j, w)...)
		i = j + 1
	}
	return out
}

// wrapParagraph wraps text[a:b], which holds no line break.
func wrapParagraph(text []rune, a, b, w int) [][2]int {
	var out [][2]int
	start, end, width := -1, -1, 0
	for k := a; k < b; {
		for k < b && unicode.IsSpace(text[k]) {
			k++
		}
		if k >= b {
			break
		}
		ws := k
		for k < b && !unicode.IsSpace(text[k]) {
			k++
		}
		ww := ansi.StringWidth(string(text[ws:k]))
		switch {
		case start < 0:
			start, end, width = ws, k, ww
		case width+(ws-end)+ww <= w: // the spaces between take a cell each
			end, width = k, width+(ws-end)+ww
		default:
			out = append(out, [2]int{start, end})
			start, end, width = ws, k, ww
		}
		for width > w { // a word wider than the line: cut it where the line ends
			cut, cw := start, 0
			for cut < end {
				rw := ansi.StringWidth(string(text[cut]))
				if cw+rw > w && cut > start {
					break
				}
				cw += rw
				cut++
			}
			out = append(out, [2]int{start, cut})
			start, width = cut, width-cw
			if start == end { // nothing left of it on the line
				start = -1
			}
		}
	}
	if start < 0 && len(out) == 0 {
		return append(out, [2]int{a, a}) // an empty line keeps its place
	}
	if start >= 0 {
		out = append(out, [2]int{start, end})
	}
	return out
}

// docPos is a line of the document: the line-th line of a part.
type docPos struct{ part, line int }

// before tells whether a comes before b.
func (a docPos) before(b docPos) bool {
	return a.part < b.part || a.part == b.part && a.line < b.line
}

// advance moves pos by n lines (back, when n is negative), within
// [start, end] of a document whose part i is height(i) lines tall.
func advance(pos docPos, n, parts int, height func(int) int) docPos {
	for n > 0 && pos.part < parts {
		rest := height(pos.part) - pos.line
		if n < rest {
			return docPos{pos.part, pos.line + n}
		}
		n -= rest
		pos = docPos{pos.part + 1, 0}
	}
	for n < 0 {
		if -n <= pos.line {
			return docPos{pos.part, pos.line + n}
		}
		if pos.part == 0 {
			return docPos{}
		}
		n += pos.line + 1
		pos = docPos{pos.part - 1, height(pos.part-1) - 1}
	}
	if pos.part >= parts {
		return docPos{parts, 0}
	}
	return pos
}

// linesFrom counts the lines from a to b (b after a), stopping at limit.
func linesFrom(a, b docPos, limit int, height func(int) int) int {
	n := 0
	for a.before(b) && n < limit {
		if a.part == b.part {
			return min(limit, n+b.line-a.line)
		}
		n += height(a.part) - a.line
		a = docPos{a.part + 1, 0}
	}
	return min(n, limit)
}
