package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Text is measured in terminal cells, never in bytes or runes: a wide
// character takes two cells, a combining mark none, and a styled string
// carries escape sequences that take none.

// padRight pads a line with spaces to w cells.
func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// fitCells pads or cuts s to exactly n cells.
func fitCells(s string, n int) string {
	if ansi.StringWidth(s) > n {
		s = ansi.Truncate(s, n, "…")
	}
	return padRight(s, n)
}

// joinColumns puts two blocks side by side, line by line. Both are already
// exactly their width and the same height, so no measuring is needed.
func joinColumns(left, right string) string {
	l, r := strings.Split(left, "\n"), strings.Split(right, "\n")
	var b strings.Builder
	for i := 0; i < max(len(l), len(r)); i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(l) {
			b.WriteString(l[i])
		}
		if i < len(r) {
			b.WriteString(r[i])
		}
	}
	return b.String()
}

// step moves a list cursor by d within n rows, never below 0 (an empty list
// keeps it at 0; callers check before indexing).
func step(cur, d, n int) int {
	return max(0, min(cur+d, n-1))
}

// blockList fills lines up to limit with the blocks of a list of n items
// (block(i) draws item i as several lines): the cursor's block, with the
// one before it when both fit, then those after it while they fit; blank
// lines pad it to limit. The quote and passage lists draw with it.
func blockList(lines []string, n, cursor, limit int, block func(int) []string) []string {
	start := cursor
	if start > 0 && len(lines)+len(block(start-1))+len(block(start)) <= limit {
		start--
	}
	for i := start; i < n; i++ {
		b := block(i)
		if len(lines)+len(b) > limit && i > cursor {
			break
		}
		lines = append(lines, b...)
	}
	for len(lines) < limit {
		lines = append(lines, "")
	}
	return lines[:min(len(lines), limit)]
}
