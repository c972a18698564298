package coding

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// scanPhones finds phone numbers:
//
//   - international, with a leading + or 00 (8–15 digits after it, E.164's
//     limit): +44 20 7946 0958, +44 (0)20 7946 0958, 0044 20 7946 0958,
//     00 353 1 234 5678, +353 87 123 4567;
//   - national, a leading 0 and 9–11 digits: UK 020 7946 0958, 07700
//     900123, 01632 960123; Irish 01 234 5678, 087 123 4567, 021 123 4567
//     (nine digits only when grouped, and a first group of two or more);
//   - North American: (415) 555-2671, 415-555-2671, 415.555.2671.
//
// Digits may be grouped by one space (a non-breaking or thin one too), a
// hyphen or Unicode dash, or a dot, and by brackets. An extension after the
// number belongs to it (ext. 123, x123). Not phones: years, amounts, counts
// ("0 10 20 30"), dates with or without a time (03.04.2019 10.30), ISBNs
// and room numbers (after "ISBN" or "room").
func scanPhones(text string) []PIIMatch {
	var out []PIIMatch
	for i := 0; i < len(text); {
		c := text[i]
		if !(c == '+' || c == '(' || isDigit(c)) || wordBefore(text, i) {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			continue
		}
		if end := notPhone(text, i); end > i {
			i = end
			continue
		}
		if end := phoneAt(text, i); end > i {
			end = extension(text, end)
			out = append(out, PIIMatch{Kind: PIIPhone, Start: i, End: end})
			i = end
			continue
		}
		// Skip the rest of this number so that no phone starts inside it.
		i++
		for i < len(text) && isDigit(text[i]) {
			i++
		}
	}
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// wordBefore tells whether text[i] continues a word (R017, x2, é1).
func wordBefore(text string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return r == '_' || isWordRune(r)
}

// separatorLen measures the separator of digit groups at text[i]: a space
// (ordinary, non-breaking, narrow or thin), a hyphen or dash, or a dot; 0
// when there is none.
func separatorLen(text string, i int) int {
	if i >= len(text) {
		return 0
	}
	switch text[i] {
	case ' ', '-', '.':
		return 1
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	switch r {
	case '\u00a0', '\u202f', '\u2009', '\u2007', // no-break, narrow no-break, thin and figure spaces
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212': // hyphens, dashes, minus
		return size
	}
	return 0
}

// phoneAt reads digit groups from i and returns the end of the longest run
// of groups that makes a phone number, or i when none does.
func phoneAt(text string, i int) int {
	pos := i
	plus := false
	if text[pos] == '+' {
		plus = true
		pos++
	}
	var groups []string // digits of each group
	var ends []int
	for len(groups) < 8 {
		p := pos
		paren := p < len(text) && text[p] == '('
		if paren {
			p++
		}
		d := p
		for d < len(text) && isDigit(text[d]) {
			d++
		}
		if d == p {
			break
		}
		g := text[p:d]
		if paren {
			if d >= len(text) || text[d] != ')' {
				break
			}
			d++
		}
		groups, ends = append(groups, g), append(ends, d)
		pos = d
		// One separator may follow; a bracket may follow directly.
		pos += separatorLen(text, pos)
		if pos >= len(text) || !(isDigit(text[pos]) || text[pos] == '(') {
			break
		}
	}
	for n := len(groups); n > 0; n-- {
		if phoneGroups(groups[:n], plus) {
			end := ends[n-1]
			if end < len(text) && !wordEnds(text, end) {
				continue
			}
			return end
		}
	}
	return i
}

// wordEnds tells whether a number may end at text[end]: not inside a word
// or a longer number.
func wordEnds(text string, end int) bool {
	r, _ := utf8.DecodeRuneInString(text[end:])
	return r != '_' && !isWordRune(r)
}

// phoneGroups tells whether digit groups make a phone number.
func phoneGroups(groups []string, plus bool) bool {
	digits := strings.Join(groups, "")
	first := groups[0]
	switch {
	case plus:
		return len(digits) >= 8 && len(digits) <= 15 && digits[0] != '0'
	case strings.HasPrefix(digits, "00"):
		// The international prefix written out: 0044 …, 00 353 ….
		rest := digits[2:]
		return len(first) >= 2 && len(rest) >= 8 && len(rest) <= 15 && rest[0] != '0'
	case first[0] == '0':
		if len(first) < 2 {
			return false // "0 10 20 30" counts, "0.5" amounts
		}
		for _, g := range groups[1:] {
			if len(g) < 2 {
				return false
			}
		}
		n := len(digits)
		return n == 10 || n == 11 || n == 9 && len(groups) >= 2
	case len(groups) == 3 && len(groups[0]) == 3 && len(groups[1]) == 3 && len(groups[2]) == 4:
		return first[0] >= '2'
	}
	return false
}

// extensionRE is an extension after a phone number: ", ext. 123", " x123",
// " extension 4".
var extensionRE = regexp.MustCompile(`^,?[ \x{a0}]*(?:(?i:ext|extn|extension)\.?[ \x{a0}]*|[xX][ \x{a0}]?|#[ \x{a0}]?)[0-9]{1,6}`)

// extension extends a phone number that ends at end over its extension.
func extension(text string, end int) int {
	m := extensionRE.FindStringIndex(text[end:])
	if m == nil || (end+m[1] < len(text) && !wordEnds(text, end+m[1])) {
		return end
	}
	return end + m[1]
}

// notPhone returns the end of a number at i that is known not to be a
// phone (a date with its time, an ISBN, a room number), or i.
func notPhone(text string, i int) int {
	if m := dateTimeRE.FindStringIndex(text[i:]); m != nil && (i+m[1] == len(text) || wordEnds(text, i+m[1])) {
		return i + m[1]
	}
	before := text[max(0, i-24):i]
	if isbnBeforeRE.MatchString(before) || roomBeforeRE.MatchString(before) {
		end := i
		for end < len(text) {
			if n := separatorLen(text, end); n > 0 && end+n < len(text) && isDigit(text[end+n]) {
				end += n
				continue
			}
			r, size := utf8.DecodeRuneInString(text[end:])
			if !isDigit(text[end]) && !(unicode.IsLetter(r) && end > i) {
				break
			}
			end += size
		}
		return end
	}
	return i
}

var (
	// dateTimeRE is a date (2019-03-04, 04/03/2019, 03.04.19) with an
	// optional time (10:30, 10.30.15, T10:30).
	dateTimeRE   = regexp.MustCompile(`^(?:[0-9]{4}([-./])[0-9]{1,2}([-./])[0-9]{1,2}|[0-9]{1,2}([-./])[0-9]{1,2}([-./])(?:[0-9]{4}|[0-9]{2}))(?:(?:,? +|T)[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?)?`)
	isbnBeforeRE = regexp.MustCompile(`(?i)\bISBN(?:-1[03])?:?[ \x{a0}]*$`)
	roomBeforeRE = regexp.MustCompile(`(?i)\b(?:room|rm\.?|flat|suite)[ \x{a0}]*(?:no\.?[ \x{a0}]*)?$`)
)
