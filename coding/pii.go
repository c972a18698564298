package coding

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Kinds of personal detail the scanner finds.
const (
	PIIEmail = "e-mail address"
	PIIPhone = "phone number"
	PIIName  = "name"
)

// Redacted replaces each personal detail when an export is redacted.
const Redacted = "[redacted]"

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
	Segment string // segment ID (always given: warnings go to the researcher, not the report)
	Code    string // the code path the quote was listed under
	Where   string // "quote" or "attribution"
	Kind    string // PIIEmail, PIIPhone or PIIName
	Text    string // what was found
}

// PIIScanner finds e-mail addresses, phone numbers and the names of a
// project's cases in text. It errs towards warning: a researcher reads the
// warnings and decides; --redact replaces every hit.
//
// Names come from the project's cases (respondents, speakers). A name is
// matched as whole words, ignoring case, with its words separated by
// spaces, hyphens or apostrophes ("O'Brien", "Mary-Jane"). A case name is
// not treated as a person's name when it holds a digit (respondent ids such
// as R017 or P3) or fewer than three letters (initials), or when it is a
// role ("Interviewer", "Facilitator", "Team manager", "Learning lead": a
// word in lower case marks a description). Each word of a
// longer name counts as well (a first name alone identifies someone in a
// small study) unless it is short, a title (Mr, Dr) or an everyday English
// word (Will, Hope, Green): those words are only found as part of the full
// name, and a one-word name that is an everyday word is found only when
// capitalised as a name is.
type PIIScanner struct {
	fold     map[string]bool // lower-cased names, words joined by one space
	exact    map[string]bool // names matched only as written
	maxWords int
}

// NewPIIScanner makes a scanner for the given case names.
func NewPIIScanner(names []string) *PIIScanner {
	p := &PIIScanner{fold: map[string]bool{}, exact: map[string]bool{}}
	add := func(m map[string]bool, words []string) {
		m[strings.Join(words, " ")] = true
		p.maxWords = max(p.maxWords, len(words))
	}
	for _, name := range names {
		words := nameWords(name)
		if !personName(name, words) {
			continue
		}
		lower := make([]string, len(words))
		for i, w := range words {
			lower[i] = strings.ToLower(w)
		}
		switch {
		case len(words) == 1 && commonWords[lower[0]]:
			add(p.exact, words)
		case len(words) == 1:
			add(p.fold, lower)
		default:
			add(p.fold, lower)
			for _, w := range lower {
				if letterCount(w) >= 3 && !commonWords[w] && !titles[w] && !roleWords[w] {
					add(p.fold, []string{w})
				}
			}
		}
	}
	return p
}

// personName tells whether a case name looks like a person's name. A name
// with a word in lower case is a description, not a person ("Learning
// lead", "Social worker"): people's names are written capitalised.
func personName(name string, words []string) bool {
	if strings.IndexFunc(name, unicode.IsDigit) >= 0 || letterCount(name) < 3 || len(words) == 0 {
		return false
	}
	for _, w := range words {
		if r := []rune(w)[0]; unicode.IsLower(r) {
			return false
		}
	}
	for _, w := range words {
		lw := strings.ToLower(w)
		if !roleWords[lw] && !titles[lw] {
			return true
		}
	}
	return false
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// nameWords splits a name or a text into words: runs of letters, digits
// and combining marks.
func nameWords(s string) []string {
	var out []string
	for _, t := range tokens(s) {
		out = append(out, s[t.start:t.end])
	}
	return out
}

type token struct{ start, end int }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func tokens(s string) []token {
	var out []token
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, token{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, token{start, len(s)})
	}
	return out
}

// nameGap tells whether the text between two words of a name may join them.
func nameGap(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsSpace(r) && r != '-' && r != '\'' && r != '’' && r != '‐' {
			return false
		}
	}
	return true
}

// Scan finds personal details in text, in order and not overlapping (a name
// inside an e-mail address is reported as the address).
func (p *PIIScanner) Scan(text string) []PIIMatch {
	var found []PIIMatch
	for _, m := range emailRE.FindAllStringIndex(text, -1) {
		found = append(found, PIIMatch{Kind: PIIEmail, Start: m[0], End: m[1]})
	}
	found = append(found, scanPhones(text)...)
	if p != nil && p.maxWords > 0 {
		found = append(found, p.scanNames(text)...)
	}
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

func (p *PIIScanner) scanNames(text string) []PIIMatch {
	var out []PIIMatch
	toks := tokens(text)
	for i := 0; i < len(toks); i++ {
		matched := 0
		for k := min(p.maxWords, len(toks)-i); k >= 1 && matched == 0; k-- {
			words := make([]string, 0, k)
			ok := true
			for j := i; j < i+k; j++ {
				if j > i && !nameGap(text[toks[j-1].end:toks[j].start]) {
					ok = false
					break
				}
				words = append(words, text[toks[j].start:toks[j].end])
			}
			if !ok {
				continue
			}
			key := strings.Join(words, " ")
			if p.fold[strings.ToLower(key)] || p.exact[key] {
				matched = k
			}
		}
		if matched > 0 {
			out = append(out, PIIMatch{Kind: PIIName, Start: toks[i].start, End: toks[i+matched-1].end})
			i += matched - 1
		}
	}
	return out
}

// emailRE finds e-mail addresses, international ones included.
var emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`)

// scanPhones finds phone numbers: international numbers written with a
// leading + (8–15 digits, E.164's limit), UK national numbers (a leading 0
// and 10 or 11 digits: 020 7946 0958, 07700 900123, 01632 960123), and
// North American ones ((415) 555-2671, 415-555-2671). Digits may be grouped
// by single spaces, hyphens or dots and by brackets ("+44 (0)20 …").
// Years, amounts, dates with slashes and short numbers are not phones.
func scanPhones(text string) []PIIMatch {
	var out []PIIMatch
	for i := 0; i < len(text); {
		c := text[i]
		startable := c == '+' || c == '(' || isDigit(c)
		if !startable || (i > 0 && isWordByte(text[i-1])) {
			i++
			continue
		}
		if end := phoneAt(text, i); end > i {
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

func isWordByte(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80 && c < 0xC0
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
		if pos < len(text) && (text[pos] == ' ' || text[pos] == '-' || text[pos] == '.') {
			pos++
		}
		if pos >= len(text) || !(isDigit(text[pos]) || text[pos] == '(') {
			break
		}
	}
	for n := len(groups); n > 0; n-- {
		if phoneGroups(groups[:n], plus) {
			end := ends[n-1]
			if end < len(text) && isWordByte(text[end]) {
				continue
			}
			return end
		}
	}
	return i
}

// phoneGroups tells whether digit groups make a phone number.
func phoneGroups(groups []string, plus bool) bool {
	digits := 0
	for _, g := range groups {
		digits += len(g)
	}
	first := groups[0]
	switch {
	case plus:
		return digits >= 8 && digits <= 15
	case first[0] == '0':
		return digits == 10 || digits == 11
	case len(groups) == 3 && len(groups[0]) == 3 && len(groups[1]) == 3 && len(groups[2]) == 4:
		return first[0] >= '2'
	}
	return false
}

// Redact replaces each match (from Scan on the same text) with Redacted.
func Redact(text string, found []PIIMatch) string {
	var b strings.Builder
	last := 0
	for _, f := range found {
		if f.Start < last || f.End > len(text) {
			continue
		}
		b.WriteString(text[last:f.Start])
		b.WriteString(Redacted)
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// titles are honorifics, never a name on their own.
var titles = setOf("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord", "rev", "cllr")

// roleWords name roles in notes and transcripts, not people.
var roleWords = setOf("interviewer", "interviewee", "facilitator", "cofacilitator", "moderator", "researcher",
	"respondent", "participant", "speaker", "chair", "note", "taker", "notetaker", "observer", "unknown",
	"anonymous", "anon", "all", "group", "everyone", "several", "others", "other", "team", "manager",
	"practitioner", "worker", "social", "lead", "leads", "member", "members", "staff", "student", "trainer",
	"tutor", "assessor", "mentor", "supervisor", "officer", "director", "head", "senior", "junior",
	"voice", "voices", "male", "female", "man", "woman", "inaudible", "crosstalk", "question", "answer")

// commonWords are given names and surnames that are also everyday English
// words; as words of a longer name they are not matched alone.
var commonWords = setOf("will", "may", "mark", "rose", "hope", "grace", "frank", "bill", "june", "april",
	"august", "dawn", "faith", "joy", "iris", "ray", "pat", "sue", "rob", "art", "amber", "ruby", "jack",
	"jean", "summer", "holly", "heather", "violet", "ivy", "lily", "daisy", "penny", "sandy", "rusty",
	"hall", "wood", "young", "white", "green", "brown", "black", "gray", "grey", "king", "page", "long",
	"bell", "hill", "cook", "baker", "lane", "price", "rich", "wells", "field", "banks", "fisher", "hunter",
	"turner", "walker", "mason", "carter", "booth", "ward", "sharp", "little", "ford", "stone", "mills",
	"case", "love", "well", "best", "good", "hardy", "bond", "street", "marsh", "brook", "brooks", "north",
	"south", "west", "east", "may", "rice", "bush", "nash", "park", "day", "law", "short", "small", "noble",
	"moss", "steel", "gold", "silver", "fox", "lamb", "swan", "crane", "bird", "wolf", "hope", "chance",
	"major", "power", "cross", "church", "march", "bright", "strong", "clay", "glass", "bishop", "dean",
	"knight", "porter", "miller", "taylor", "cooper", "parker", "archer", "chase", "hunt", "shepherd")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
