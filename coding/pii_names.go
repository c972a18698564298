package coding

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// PIIScanner finds e-mail addresses, phone numbers and people's names in
// text: the names of a project's cases (respondents, speakers), and any
// capitalised name after a title ("Mrs Baker", "Dr Wood"). It errs towards
// finding: a researcher reads the list and decides; redaction replaces
// every hit.
//
// A case name is matched as whole words, ignoring case and accents ("Zoe"
// finds Zoë), with its words separated by spaces, hyphens or apostrophes
// ("O'Brien", "Mary-Jane"). A case name is not treated as a person's name
// when it holds a digit (respondent ids such as R017 or P3), is a role
// ("Interviewer", "Team manager", "Learning lead": a word in lower case
// marks a description), or is initials ("JB"). Each word of a longer name
// counts alone as well (a first name alone identifies someone in a small
// study), except titles and roles. Some names are found only capitalised
// as written: two-letter first names ("Al", "Jo": "et al" is not a name),
// everyday words (Will, Hope, Green; alone only as a one-word case name,
// else as part of the full name or after a title), and months ("Jan"),
// which are not names next to a day, a year or after "in", "since"…
type PIIScanner struct {
	fold     map[string]bool // folded names (lower case, no accents), words joined by one space
	exact    map[string]bool // names found only as written (accents aside)
	maxWords int
}

// NewPIIScanner makes a scanner for the given case names.
func NewPIIScanner(names []string) *PIIScanner {
	p := &PIIScanner{fold: map[string]bool{}, exact: map[string]bool{}, maxWords: 1}
	add := func(m map[string]bool, words []string) {
		m[strings.Join(words, " ")] = true
		p.maxWords = max(p.maxWords, len(words))
	}
	for _, name := range names {
		words := nameWords(name)
		if !personName(name, words) {
			continue
		}
		folded := make([]string, len(words))
		for i, w := range words {
			folded[i] = foldWord(w)
		}
		if len(words) > 1 {
			add(p.fold, folded)
		}
		for i, w := range words {
			lw := folded[i]
			switch {
			case titles[lw] || roleWords[lw] || letterCount(w) < 2:
			case letterCount(w) == 2:
				if twoLetterName(w) {
					add(p.exact, []string{stripMarks(w)})
				}
			case commonWords[lw] || months[lw]:
				if len(words) == 1 {
					add(p.exact, []string{stripMarks(w)})
				}
			default:
				add(p.fold, []string{lw})
			}
		}
	}
	return p
}

// personName tells whether a case name looks like a person's name. A name
// with a word in lower case is a description, not a person ("Learning
// lead", "Social worker"): people's names are written capitalised.
func personName(name string, words []string) bool {
	if strings.IndexFunc(name, unicode.IsDigit) >= 0 || len(words) == 0 {
		return false
	}
	switch n := letterCount(name); {
	case n < 2, n == 2 && !twoLetterName(name):
		return false
	}
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
			return false
		}
	}
	for _, w := range words {
		lw := foldWord(w)
		if !roleWords[lw] && !titles[lw] {
			return true
		}
	}
	return false
}

// twoLetterName tells whether a two-letter word can be a first name: a
// capital then a small letter ("Al", "Jo"; not initials "JB"), and not a
// word that starts a sentence ("In", "So").
func twoLetterName(w string) bool {
	r := []rune(w)
	return len(r) == 2 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) && !twoLetterWords[strings.ToLower(w)]
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

// foldWord is a word as names are compared: lower case, without accents.
func foldWord(w string) string {
	return strings.ToLower(stripMarks(w))
}

// stripMarks removes accents ("Zoë" → "Zoe", "Siobhán" → "Siobhan") and
// spells out the letters that have no decomposition (ø, ł, ß…).
func stripMarks(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return w
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if s, ok := letterSpelling[r]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var letterSpelling = map[rune]string{'ø': "o", 'Ø': "O", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ß': "ss",
	'æ': "ae", 'Æ': "Ae", 'œ': "oe", 'Œ': "Oe", 'ı': "i"}

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
		if !unicode.IsSpace(r) && !joiner(r) {
			return false
		}
	}
	return true
}

// joiner joins the parts of one name without a space: Mary-Jane, O'Brien.
func joiner(r rune) bool {
	return r == '-' || r == '\'' || r == '’' || r == '‐' || r == '‑'
}

// tightGap tells whether two tokens are parts of one word (Mary-Jane,
// O'Brien): joined by a hyphen or an apostrophe, without spaces.
func tightGap(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && joiner(r)
}

// textWords is a text's tokens, with each word folded and with its accents
// stripped, computed once per text.
type textWords struct {
	text     string
	toks     []token
	folded   []string
	stripped []string
}

func newTextWords(text string) *textWords {
	tw := &textWords{text: text, toks: tokens(text)}
	tw.folded = make([]string, len(tw.toks))
	tw.stripped = make([]string, len(tw.toks))
	for i, t := range tw.toks {
		tw.stripped[i] = stripMarks(text[t.start:t.end])
		tw.folded[i] = strings.ToLower(tw.stripped[i])
	}
	return tw
}

func (tw *textWords) word(i int) string { return tw.text[tw.toks[i].start:tw.toks[i].end] }

// gap is the text between tokens i and i+1.
func (tw *textWords) gap(i int) string { return tw.text[tw.toks[i].end:tw.toks[i+1].start] }

func (p *PIIScanner) scanNames(text string) []PIIMatch {
	tw := newTextWords(text)
	var out []PIIMatch
	for i := 0; i < len(tw.toks); i++ {
		n := p.knownName(tw, i)
		if t := titledName(tw, i); t > n {
			n = t
		}
		if n > 0 {
			out = append(out, PIIMatch{Kind: PIIName, Start: tw.toks[i].start, End: tw.toks[i+n-1].end})
			i += n - 1
		}
	}
	return out
}

// knownName returns how many tokens from i make a case's name (0: none),
// the longest first.
func (p *PIIScanner) knownName(tw *textWords, i int) int {
	if p == nil {
		return 0
	}
	for k := min(p.maxWords, len(tw.toks)-i); k >= 1; k-- {
		ok := true
		for j := i + 1; j < i+k && ok; j++ {
			ok = nameGap(tw.gap(j - 1))
		}
		if !ok {
			continue
		}
		if p.fold[strings.Join(tw.folded[i:i+k], " ")] {
			return k
		}
		if p.exact[strings.Join(tw.stripped[i:i+k], " ")] {
			if k == 1 && months[tw.folded[i]] && dateContext(tw, i) {
				continue
			}
			return k
		}
	}
	return 0
}

// titledName returns how many tokens from i make a title and the name
// after it ("Mrs Baker", "Dr. Wood", "Prof Mary-Jane Ellis"; 0: none): a
// title written with a capital, then a capitalised word, the parts of a
// joined name, and one more capitalised word if it is not one that starts
// a sentence ("Dr Wood I think…").
func titledName(tw *textWords, i int) int {
	if i+1 >= len(tw.toks) || !titles[tw.folded[i]] || !capitalised(tw.word(i)) {
		return 0
	}
	gap := strings.TrimPrefix(tw.gap(i), ".")
	if gap == "" || strings.TrimSpace(gap) != "" || !capitalised(tw.word(i+1)) || titles[tw.folded[i+1]] {
		return 0
	}
	j := i + 1
	for j+1 < len(tw.toks) && tightGap(tw.gap(j)) && capitalised(tw.word(j+1)) {
		j++
	}
	if j+1 < len(tw.toks) && tw.gap(j) == " " && capitalised(tw.word(j+1)) && letterCount(tw.word(j+1)) >= 2 &&
		!sentenceWords[tw.folded[j+1]] && !titles[tw.folded[j+1]] {
		j++
		for j+1 < len(tw.toks) && tightGap(tw.gap(j)) && capitalised(tw.word(j+1)) {
			j++
		}
	}
	return j - i + 1
}

func capitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// dateContext tells whether the month word at token i is used as a month:
// next to a number ("10 Jan", "Jan 2020", "Jan-24") or after a word that
// introduces a time ("in Jan", "since June").
func dateContext(tw *textWords, i int) bool {
	number := func(j int) bool {
		w := tw.word(j)
		return strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 ||
			ordinal(w)
	}
	near := func(gap string) bool {
		return len(gap) <= 3 && strings.Trim(gap, " ,.-/'’") == ""
	}
	if i > 0 && near(tw.gap(i-1)) && (number(i-1) || timeWords[tw.folded[i-1]]) {
		return true
	}
	return i+1 < len(tw.toks) && near(tw.gap(i)) && number(i+1)
}

// ordinal tells whether w is a day such as 1st, 22nd, 3rd, 14th.
func ordinal(w string) bool {
	n := 0
	for n < len(w) && w[n] >= '0' && w[n] <= '9' {
		n++
	}
	switch strings.ToLower(w[n:]) {
	case "st", "nd", "rd", "th":
		return n > 0 && n <= 2
	}
	return false
}

// titles are honorifics, never a name on their own; a capitalised word
// after one is a name.
var titles = setOf("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "cllr")

// roleWords name roles in notes and transcripts, not people.
var roleWords = setOf("interviewer", "interviewee", "facilitator", "cofacilitator", "moderator", "researcher",
	"respondent", "participant", "speaker", "chair", "note", "taker", "notetaker", "observer", "unknown",
	"anonymous", "anon", "all", "group", "everyone", "several", "others", "other", "team", "manager",
	"practitioner", "worker", "social", "lead", "leads", "member", "members", "staff", "student", "trainer",
	"tutor", "assessor", "mentor", "supervisor", "officer", "director", "head", "senior", "junior",
	"voice", "voices", "male", "female", "man", "woman", "inaudible", "crosstalk", "question", "answer",
	"sir", "dame", "lady", "lord")

// commonWords are given names and surnames that are also everyday English
// words; as words of a longer name they are found only with the whole name
// or after a title.
var commonWords = setOf("will", "may", "mark", "rose", "hope", "grace", "frank", "bill", "june", "april",
	"august", "dawn", "faith", "joy", "iris", "ray", "pat", "sue", "rob", "art", "amber", "ruby", "jack",
	"jean", "summer", "holly", "heather", "violet", "ivy", "lily", "daisy", "penny", "sandy", "rusty",
	"hall", "wood", "young", "white", "green", "brown", "black", "gray", "grey", "king", "page", "long",
	"bell", "hill", "cook", "baker", "lane", "price", "rich", "wells", "field", "banks", "fisher", "hunter",
	"turner", "walker", "mason", "carter", "booth", "ward", "sharp", "little", "ford", "stone", "mills",
	"case", "love", "well", "best", "good", "hardy", "bond", "street", "marsh", "brook", "brooks", "north",
	"south", "west", "east", "rice", "bush", "nash", "park", "day", "law", "short", "small", "noble",
	"moss", "steel", "gold", "silver", "fox", "lamb", "swan", "crane", "bird", "wolf", "chance",
	"major", "power", "cross", "church", "march", "bright", "strong", "clay", "glass", "bishop", "dean",
	"knight", "porter", "miller", "taylor", "cooper", "parker", "archer", "chase", "hunt", "shepherd")

// months are found as names only outside dates.
var months = setOf("january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
	"oct", "nov", "dec")

// timeWords before a month make it a month: "in Jan", "since June".
var timeWords = setOf("in", "since", "until", "till", "from", "before", "after", "during", "of", "early",
	"late", "mid", "last", "next", "this", "end", "start", "throughout", "every", "each")

// twoLetterWords are two-letter words that start sentences, never first
// names.
var twoLetterWords = setOf("am", "an", "as", "at", "be", "by", "do", "go", "he", "hi", "if", "in", "is",
	"it", "me", "my", "no", "of", "oh", "ok", "on", "or", "so", "to", "up", "us", "we", "ye", "yo", "ah",
	"eh", "uh", "um", "er", "ha", "ta", "ex", "re", "vs", "mr", "ms", "dr", "mx", "st")

// sentenceWords are capitalised words that start a clause rather than
// continue a name after a title.
var sentenceWords = setOf("i", "a", "the", "and", "but", "or", "so", "if", "he", "she", "we", "they", "it",
	"you", "my", "our", "his", "her", "this", "that", "in", "on", "at", "to", "of", "for", "from", "with",
	"was", "is", "said", "says", "told", "who", "when", "then", "there")
