// Package printable keeps the control characters and terminal escape
// sequences that imported text may carry from acting on a terminal.
//
// A survey export or a transcript can hold an ESC that, printed raw, clears
// the screen, retitles the window or writes the clipboard (OSC 52). qcode
// removes them when it reads a file (Strip) and shows whatever older
// projects, merges or codings files still carry as visible stand-ins at
// every output (String), so that nothing from a project ever reaches a
// terminal as a command. It imports nothing of qcode's, so that corpus,
// coding, tui and the command line all use the same rules.
package printable

import (
	"strings"
	"unicode/utf8"
)

// Unsafe tells whether r must not reach a terminal as it is: C0 controls
// other than newline and tab, DEL, C1 controls (CSI, OSC… as single
// characters), and the bidirectional overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) that make text display in an order other
// than the one it is stored in.
func Unsafe(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// stand-in for an unsafe rune: a C0 control becomes its Control Pictures
// glyph (ESC → ␛, BEL → ␇), DEL becomes ␡, the rest U+FFFD.
func standIn(r rune) rune {
	switch {
	case r < 0x20:
		return 0x2400 + r
	case r == 0x7f:
		return 0x2421
	}
	return utf8.RuneError
}

// plainASCII marks the bytes that are printable ASCII, newline or tab.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\n'], t['\t'] = true, true
	return t
}()

// clean tells quickly whether s needs no change: valid UTF-8 without an
// unsafe rune. Most text is plain ASCII, checked a byte at a time (imports
// check every cell: 100,000 rows of a survey in some 20 ms).
func clean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if plainASCII[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

// String makes s safe to print: every unsafe rune becomes one visible
// stand-in (ESC → ␛, BEL → ␇, DEL → ␡, C1 controls and bidi overrides →
// U+FFFD), and so does each byte that is not UTF-8. An escape sequence
// therefore shows as text ("␛]52;c;…␇") and does nothing. Newlines and tabs
// stay: callers that need one line fold them. One rune becomes one rune,
// so rune offsets (coded spans) still point at the same text.
func String(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case Unsafe(r):
			b.WriteRune(standIn(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Find returns the byte offset and the rune of the first unsafe rune in s
// (or byte that is not UTF-8), and false when there is none. Names that
// must be plain text (code names) are refused with it.
func Find(s string) (int, rune, bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			return i, r, true
		}
		i += size
	}
	return 0, 0, false
}

// Strip removes terminal escape sequences and unsafe runes from text being
// imported, so that the project never holds them: a whole sequence goes
// (ESC [ 2 J, not just its ESC), carriage returns become newlines, vertical
// tabs and form feeds spaces. An unterminated OSC, DCS, SOS, PM or APC
// loses only its introducer, so that the rest of an answer is not lost with
// it. Bytes that are not UTF-8 become U+FFFD.
func Strip(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if n := sequence(s, i, false); n > 0 {
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r':
			if !strings.HasPrefix(s[i+1:], "\n") {
				b.WriteByte('\n')
			}
		case r == '\v' || r == '\f':
			b.WriteByte(' ')
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case Unsafe(r):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Frame removes from a rendered screen every escape sequence but SGR
// (colours and text attributes, the only ones the TUI's styles emit) and
// every unsafe rune. It is the TUI's last line of defence: text from the
// project is made printable before it is laid out, and whatever slipped
// through (a code name from an old project, an error naming one) cannot
// move the cursor, retitle the window or reach the clipboard.
func Frame(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	run := 0 // start of the plain text not yet copied
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			i++
			continue
		}
		if n := sequence(s, i, true); n != 0 {
			b.WriteString(s[run:i])
			if n < 0 {
				n = -n
				b.WriteString(s[i : i+n]) // SGR, kept
			}
			i += n
			run = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			b.WriteString(s[run:i])
			run = i + size
		}
		i += size
	}
	b.WriteString(s[run:])
	return b.String()
}

// C1 controls as they appear in UTF-8 text.
const (
	c1DCS = 0x90
	c1SOS = 0x98
	c1CSI = 0x9b
	c1ST  = 0x9c
	c1OSC = 0x9d
	c1PM  = 0x9e
	c1APC = 0x9f
)

// sequence measures the escape sequence starting at s[i], in bytes; 0 when
// none starts there. With keepSGR, an SGR sequence (CSI … m) is returned
// negated, so that Frame can keep it.
func sequence(s string, i int, keepSGR bool) int {
	kind, intro := 0, 0
	switch {
	case s[i] == 0x1b:
		if i+1 >= len(s) {
			return 1
		}
		switch s[i+1] {
		case '[':
			kind, intro = c1CSI, 2
		case ']':
			kind, intro = c1OSC, 2
		case 'P':
			kind, intro = c1DCS, 2
		case 'X':
			kind, intro = c1SOS, 2
		case '^':
			kind, intro = c1PM, 2
		case '_':
			kind, intro = c1APC, 2
		default:
			// ESC, intermediates 0x20–0x2F, a final 0x30–0x7E (ESC c,
			// ESC ( B); anything else ends it after the ESC.
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
				j++
			}
			return j - i
		}
	case s[i] == 0xc2 && i+1 < len(s):
		switch s[i+1] {
		case c1CSI, c1OSC, c1DCS, c1SOS, c1PM, c1APC:
			kind, intro = int(s[i+1]), 2
		default:
			return 0
		}
	default:
		return 0
	}
	start := i + intro
	if kind == c1CSI {
		// Parameters and intermediates 0x20–0x3F, then a final 0x40–0x7E.
		j := start
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
			j++
		}
		if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
			// Only the 7-bit form is kept: it is all lipgloss writes.
			if keepSGR && s[j] == 'm' && s[i] == 0x1b && sgrParams(s[start:j]) {
				return -(j + 1 - i)
			}
			return j + 1 - i
		}
		return j - i // malformed: drop what was read, keep the rest as text
	}
	// A string sequence runs to ST (ESC \ or C1 ST), or BEL for OSC (and,
	// leniently, for the others: terminals differ).
	for j := start; j < len(s); j++ {
		switch {
		case s[j] == 0x07:
			return j + 1 - i
		case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
			return j + 2 - i
		case s[j] == 0xc2 && j+1 < len(s) && s[j+1] == c1ST:
			return j + 2 - i
		}
	}
	return intro // unterminated: only the introducer goes
}

// sgrParams tells whether CSI parameters are those of a plain SGR: digits,
// ";" and ":" (colours such as 38;2;r;g;b or 4:3).
func sgrParams(p string) bool {
	for i := 0; i < len(p); i++ {
		if c := p[i]; (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}
