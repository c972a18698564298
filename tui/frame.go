package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// frameCache keeps rendered pieces between frames. A key press usually only
// moves the cursor: the rows are the same rows, shifted, and the panel has
// not changed. Anything else bumps version, which drops every piece.
type frameCache struct {
	version int // bumped by every message and key that is not pure navigation

	rows    map[rowKey]string
	current struct {
		key rowKey
		out string
	}
	panel struct {
		key panelKey
		out string
	}
}

type rowKey struct {
	ref      coding.SegRef
	w, h     int
	idW      int
	version  int
	scroll   int
	focusSeg bool
}

type panelKey struct {
	w, h    int
	version int
	focus   focusArea
}

// invalidate drops every cached piece.
func (f *frameCache) invalidate() {
	f.version++
	if len(f.rows) > 0 {
		f.rows = nil
	}
}

// isNavigation tells whether a key only moves the cursor in the list, so the
// cached pieces stay valid.
func (m *Model) isNavigation(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || m.overlay != nil || m.span != nil || m.search.editing || m.focus != focusSegments {
		return false
	}
	keys := m.keys
	return key.Matches(k, keys.Down, keys.Up, keys.PageDown, keys.PageUp, keys.Top, keys.Bottom) ||
		(key.Matches(k, keys.NextUncoded) && !m.search.active())
}

// cachedRow renders a neighbour row, padded to w, once per version.
func (m *Model) cachedRow(i, w int) string {
	k := rowKey{ref: m.refs[i], w: w, idW: m.hits.idW, version: m.frames.version}
	if out, ok := m.frames.rows[k]; ok {
		return out
	}
	out := padRight(m.renderRow(i, w), w)
	if m.frames.rows == nil || len(m.frames.rows) > 4096 {
		m.frames.rows = map[rowKey]string{}
	}
	m.frames.rows[k] = out
	return out
}

// padRight pads a line with spaces to w cells.
func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
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
