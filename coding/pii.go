package coding

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Kinds of personal detail the scanner finds.
const (
	PIIEmail = "e-mail address"
	PIIPhone = "phone number"
	PIIName  = "name"
)

// Placeholder is what replaces a personal detail of a kind in a redacted
// text: "[email]", "[phone]" or "[name]", so that a reader still knows
// what was there.
func Placeholder(kind string) string {
	switch kind {
	case PIIEmail:
		return "[email]"
	case PIIPhone:
		return "[phone]"
	}
	return "[name]"
}

// PIIMatch is a personal detail found in a text, at byte offsets
// [Start, End).
type PIIMatch struct {
	Kind       string
	Start, End int
	Text       string
}

// PIIHit is a personal detail found in an export, with where it was, so
// that the researcher can look at the segment.
type PIIHit struct {
	Segment string // segment ID (always given for text: warnings go to the researcher, not the report)
	Code    string // the code path the quote was listed under
	Where   string // "quote", "attribution", "column header (ATTR)" or "source name"
	Kind    string // PIIEmail, PIIPhone or PIIName
	Text    string // what was found
}

// String describes the hit on one line for the researcher:
// `R200: e-mail address "sw07@example.org" in a quote (code Barriers)`.
func (h PIIHit) String() string {
	s := fmt.Sprintf("%s %q in a %s", h.Kind, h.Text, h.Where)
	if h.Segment != "" {
		s = h.Segment + ": " + s
	}
	if h.Code != "" {
		s += " (code " + h.Code + ")"
	}
	return s
}

// Scan finds personal details in text, in order and not overlapping (a name
// inside an e-mail address is reported as the address).
func (p *PIIScanner) Scan(text string) []PIIMatch {
	var found []PIIMatch
	for _, m := range emailRE.FindAllStringIndex(text, -1) {
		found = append(found, PIIMatch{Kind: PIIEmail, Start: m[0], End: m[1]})
	}
	found = append(found, scanPhones(text)...)
	found = append(found, p.scanNames(text)...)
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].Start != found[j].Start {
			return found[i].Start < found[j].Start
		}
		return found[i].End > found[j].End
	})
	out := found[:0]
	end := -1
	for _, f := range found {
		if f.Start < end {
			continue
		}
		f.Text = text[f.Start:f.End]
		out = append(out, f)
		end = f.End
	}
	return out
}

// emailRE finds e-mail addresses, international ones included.
var emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`)

// Redact replaces each match (from Scan on the same text) with its kind's
// Placeholder.
func Redact(text string, found []PIIMatch) string {
	var b strings.Builder
	last := 0
	for _, f := range found {
		if f.Start < last || f.End > len(text) {
			continue
		}
		b.WriteString(text[last:f.Start])
		b.WriteString(Placeholder(f.Kind))
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// placeholderRE matches a placeholder at the start of a string, with the
// number a redacted column header may carry ("[name 2]").
var placeholderRE = regexp.MustCompile(`^\[(?:email|phone|name)(?: [0-9]+)?\]`)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
