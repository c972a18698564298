package corpus

import (
	"strings"
	"unicode/utf8"
)

// CSV written for spreadsheets. A spreadsheet reads a cell that starts
// with =, +, - or @ (or a tab or carriage return, and the full-width =,
// +, -, @ some locales accept) as a formula: a survey answer
// "=HYPERLINK(…)" or "@SUM(…)" would run when the file is opened (CSV
// injection). As OWASP recommends, such a cell is written with a single
// quote before it, which a spreadsheet shows as text. A number ("-0.125",
// a kappa below chance; "+3") is no formula and is left as it is, so that
// numeric columns stay numbers.

// formulaStart lists the first characters a spreadsheet reads as a formula.
const formulaStart = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"

// SpreadsheetCell returns s as a CSV cell no spreadsheet runs as a
// formula: with a single quote before it when it starts like one and is
// not a plain number.
func SpreadsheetCell(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if s == "" || !strings.ContainsRune(formulaStart, r) || PlainNumber(s) {
		return s
	}
	return "'" + s
}

// FromSpreadsheetCell reads back a cell SpreadsheetCell wrote: the quote
// before a formula's first character goes.
func FromSpreadsheetCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && SpreadsheetCell(rest) == s {
		return rest
	}
	return s
}

// PlainNumber tells whether s is a decimal number as strconv writes one:
// an optional sign, digits with an optional fraction, an optional
// exponent ("-0.125", "+3", "1e-05").
func PlainNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits := func() int {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		s = s[n:]
		return n
	}
	n := digits()
	if s != "" && s[0] == '.' {
		s = s[1:]
		n += digits()
	}
	if n == 0 {
		return false
	}
	if s != "" && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s != "" && (s[0] == '+' || s[0] == '-') {
			s = s[1:]
		}
		if digits() == 0 {
			return false
		}
	}
	return s == ""
}
