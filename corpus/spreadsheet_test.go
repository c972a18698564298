package corpus

import "testing"

// Cells a spreadsheet would run as a formula get a quote before them;
// numbers and other text are left alone; FromSpreadsheetCell reads each
// back as it was (all but one that was written with such a quote itself).
func TestSpreadsheetCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Career progression", "Career progression"},
		{"=HYPERLINK(\"http://x.example\",\"click\")", "'=HYPERLINK(\"http://x.example\",\"click\")"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"＝1+1", "'＝1+1"}, // full-width, a formula in some locales
		{"- a list of barriers", "'- a list of barriers"},
		{"+44 20 7946 0000", "'+44 20 7946 0000"},
		{"-", "'-"},
		// Numbers are no formulas: a kappa below chance stays a number.
		{"-0.125", "-0.125"},
		{"-1.000", "-1.000"},
		{"+3", "+3"},
		{"1e-05", "1e-05"},
		{"-.5", "-.5"},
		{"57.142857142857146", "57.142857142857146"},
		// Not numbers.
		{"-1e", "'-1e"},
		{"-.", "'-."},
		{"-1.2.3", "'-1.2.3"},
		{"a=1", "a=1"},
		{" =1", " =1"},
		{"'=1", "'=1"},
	} {
		if got := SpreadsheetCell(c.in); got != c.want {
			t.Errorf("SpreadsheetCell(%q) = %q, want %q", c.in, got, c.want)
		}
		// A text that starts with a quote and a formula's first character
		// ('=1) cannot be told from a quoted formula: it reads back as =1.
		if back := FromSpreadsheetCell(SpreadsheetCell(c.in)); back != c.in && c.in != "'=1" {
			t.Errorf("FromSpreadsheetCell(%q) = %q, want %q", SpreadsheetCell(c.in), back, c.in)
		}
	}
}
