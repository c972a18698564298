package printable

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// attacks are the sequences an attack on qcode printed raw: a screen clear,
// a window title, an OSC 52 clipboard write, a DCS (tmux passes its payload
// to the outer terminal), C1 controls, a bidi override and stray controls.
var attacks = []string{
	"\x1b[2J\x1b[H",
	"\x1b]0;pwned\x07",
	"\x1b]52;c;SGVsbG8=\x07",
	"\x1b]52;c;SGVsbG8=\x1b\\",
	"\x1bPtmux;\x1b\x1b]52;c;SGVsbG8=\x07\x1b\\",
	"\u009b2J",
	"\u009d0;title\u009c",
	"\x1b_Gf=100;AAAA\x1b\\",
	"abc\u202edcba",
	"\u2066isolated\u2069",
	"bell\x07 back\x08space\x7f",
	"\x1bc",
	"\x1b(B",
	"tail\x1b",
	"bad \xff\xfe bytes",
}

// safe tells whether s could be written to a terminal without effect.
func safe(s string) bool {
	_, _, found := Find(s)
	return !found
}

func TestString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text, accents: Zoë, Siobhán — “quoted”", "plain text, accents: Zoë, Siobhán — “quoted”"},
		{"two\nlines\tand a tab", "two\nlines\tand a tab"},
		{"\x1b[2J", "␛[2J"},
		{"\x1b]52;c;SGVsbG8=\x07", "␛]52;c;SGVsbG8=␇"},
		{"a\rb", "a␍b"},
		{"del\x7f", "del␡"},
		{"c1 \u009b2J", "c1 \uFFFD2J"},
		{"abc\u202edcba", "abc\uFFFDdcba"},
		{"bad \xff", "bad \uFFFD"},
	}
	for _, c := range cases {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, a := range attacks {
		got := String(a)
		if !safe(got) {
			t.Errorf("String(%q) = %q still holds a control", a, got)
		}
		// One rune for one rune: coded spans keep pointing at the same text.
		if utf8.RuneCountInString(got) != len([]rune(a)) {
			t.Errorf("String(%q) = %q changes the rune count", a, got)
		}
	}
}

func TestStrip(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain\ttext\nlines", "plain\ttext\nlines"},
		{"before\x1b[2J\x1b[Hafter", "beforeafter"},
		{"title\x1b]0;pwned\x07 gone", "title gone"},
		{"clip\x1b]52;c;SGVsbG8=\x1b\\board", "clipboard"},
		{"dcs\x1bPtmux;\x1b\x1b]52;c;SGVsbG8=\x07\x1b\\end", "dcsend"},
		{"colour \x1b[31mred\x1b[0m", "colour red"},
		{"c1\u009b2Jcsi", "c1csi"},
		{"osc\u009d0;t\u009cend", "oscend"},
		{"reset\x1bc!", "reset!"},
		{"charset\x1b(Bset", "charsetset"},
		{"abc\u202edcba", "abcdcba"},
		{"bell\x07 and\x08\x7f", "bell and"},
		{"crlf\r\nand cr\rend", "crlf\nand cr\nend"},
		{"page\fbreak\vtab", "page break tab"},
		{"unterminated \x1b]52;c;SGVsbG8= rest", "unterminated 52;c;SGVsbG8= rest"},
		{"malformed \x1b[12é", "malformed é"},
		{"trailing\x1b", "trailing"},
		{"bad \xff byte", "bad \uFFFD byte"},
	}
	for _, c := range cases {
		if got := Strip(c.in); got != c.want {
			t.Errorf("Strip(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, a := range attacks {
		if got := Strip(a); !safe(got) {
			t.Errorf("Strip(%q) = %q still holds a control", a, got)
		}
	}
}

func TestFind(t *testing.T) {
	if i, r, ok := Find("Barr\x1b[2Jiers"); !ok || i != 4 || r != 0x1b {
		t.Errorf("Find: %d %U %v", i, r, ok)
	}
	if _, _, ok := Find("Barriers/Travel and distance — “far”"); ok {
		t.Error("Find flags plain text")
	}
}

func TestFrame(t *testing.T) {
	styled := "\x1b[1;38;2;255;0;0mbold red\x1b[m plain\n\x1b[4:3mcurly\x1b[0m"
	if got := Frame(styled); got != styled {
		t.Errorf("Frame changed styling:\n got %q\nwant %q", got, styled)
	}
	for _, a := range attacks {
		got := Frame("x" + a + "y")
		if strings.ContainsAny(got, "\x07\x08\x7f") || strings.Contains(got, "\x1b]") || strings.Contains(got, "\x1bP") ||
			strings.Contains(got, "\x1b[2J") || strings.Contains(got, "\u009b") || strings.Contains(got, "\u202e") {
			t.Errorf("Frame(%q) = %q keeps a control", a, got)
		}
	}
	if got := Frame("a\x1b[2Jb\x1b[31mc\u009b32md"); got != "ab\x1b[31mcd" {
		t.Errorf("Frame keeps only 7-bit SGR: %q", got)
	}
}

func BenchmarkFrame(b *testing.B) {
	// A styled 120×40 screen, the size of a large terminal.
	line := strings.Repeat("\x1b[38;2;110;119;129mcode \x1b[1mname\x1b[m ", 12) + "\n"
	frame := strings.Repeat(line, 40)
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		Frame(frame)
	}
}
