package corpus

import (
	"reflect"
	"strings"
	"testing"
)

// readBothWays reads text in one piece and, with the threshold lowered, in
// two parts at once, and returns where they differ ("" when they agree:
// the same error, or the same header and rows).
func readBothWays(t *testing.T, text string) string {
	t.Helper()
	one, err1, _ := readDelimitedFrom("f.csv", text, ',', DefaultLimits, 0)
	old := parallelCSV
	parallelCSV = 1
	defer func() { parallelCSV = old }()
	two, err2 := readDelimited("f.csv", text, ',', DefaultLimits)
	switch {
	case (err1 == nil) != (err2 == nil):
		return "one piece: " + errText(err1) + "; two parts: " + errText(err2)
	case err1 != nil:
		if err1.Error() != err2.Error() {
			return "one piece: " + err1.Error() + "; two parts: " + err2.Error()
		}
		return ""
	case !reflect.DeepEqual(one.header, two.header) || !reflect.DeepEqual(one.rows, two.rows):
		return "tables differ"
	}
	return ""
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// TestReadDelimitedInTwoParts: a text read in two parts on two cores gives
// what reading it in one piece gives — rows, their lines, and errors —
// wherever its middle falls: in a quoted field spanning lines, in a
// doubled quote, on a blank line, in a row with too many fields, in a
// malformed quote.
func TestReadDelimitedInTwoParts(t *testing.T) {
	rows := func(n int, row string) string { return strings.Repeat(row, n) }
	for _, tt := range []struct{ name, text string }{
		{"plain", "id,answer\n" + rows(50, "R,plain answer\n")},
		{"quoted lines across the middle", "id,answer\n" + rows(20, "R,\"one\ntwo\nthree\"\n")},
		{"doubled quotes", "id,answer\n" + rows(30, "R,\"he said \"\"no\"\"\"\n")},
		{"a quoted field spanning the middle", "id,answer\nR,\"" + rows(40, "line\n") + "\"\nS,after\n"},
		{"blank lines", "id,answer\n" + rows(30, "R,a\n\n   \n")},
		{"too many fields after the middle", "id,answer\n" + rows(30, "R,a\n") + "R,a,b\n" + rows(5, "R,a\n")},
		{"a bare quote after the middle", "id,answer\n" + rows(30, "R,a\n") + "R,a\"b\n" + rows(5, "R,a\n")},
		{"a stray quote in quotes after the middle", "id,answer\n" + rows(30, "R,a\n") + "R,\"a\"b\"\n" + rows(5, "R,a\n")},
		{"an unterminated quote after the middle", "id,answer\n" + rows(30, "R,a\n") + "R,\"open\n" + rows(5, "R,a\n")},
		{"a bare quote before the middle", "id,answer\nR,a\"b\n" + rows(30, "R,a\n")},
		{"an odd quote that fools the count", "id,answer\n" + rows(10, "R,a\"b\n") + rows(10, "R,a\n")},
		{"no line end after the middle", "id,answer\nR,\"" + rows(40, "x") + "\""},
	} {
		if diff := readBothWays(t, tt.text); diff != "" {
			t.Errorf("%s: %s", tt.name, diff)
		}
	}
}

// FuzzReadDelimitedInTwoParts holds readDelimited's two-part reading to the
// one-piece reading on any text.
func FuzzReadDelimitedInTwoParts(f *testing.F) {
	f.Add("id,answer\nR1,\"a\nb\"\nR2,c\n")
	f.Add("a,b\n\"x\"\"y\",z\n\n1,2\n")
	f.Add("a\n\"\n\"\n\"")
	f.Fuzz(func(t *testing.T, text string) {
		if diff := readBothWays(t, text); diff != "" {
			t.Errorf("%q: %s", text, diff)
		}
	})
}
