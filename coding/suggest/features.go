package suggest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Feature is a word (stemmed), a pair of adjacent words, or the
// question or prompt a segment answers: what the model counts.
type Feature struct {
	Key  string // what the model counts: "backfill", "no backfill", "q:what motivated you…", "p:workload"
	Word string // what a person reads in "because": the words as written
}

// Features extracts a segment's features: the words of its text (lower
// case, stop words dropped, plural and verb endings taken off, so that
// "develop", "developing" and "developed" count as one), the question it
// answers as one feature (every answer to a survey question shares it),
// and the words of the interviewer's prompt, apart from the answer's own.
// Repeats are kept: counts matter. (Pairs of words were tried and left
// out: on the coded survey they made suggestions slightly worse, having
// too few examples each.)
func Features(text, question, prompt string) []Feature {
	words, asked := tokens(text), tokens(prompt)
	out := make([]Feature, 0, len(words)+len(asked)+1)
	for _, w := range words {
		out = append(out, Feature{Key: w.stem, Word: w.surface})
	}
	if q := strings.Join(strings.Fields(strings.ToLower(question)), " "); q != "" {
		out = append(out, Feature{Key: "q:" + q, Word: "question: " + shorten(question, 40)})
	}
	for _, w := range asked {
		out = append(out, Feature{Key: "p:" + w.stem, Word: "prompt: " + w.surface})
	}
	return out
}

// word is a kept word of a text.
type word struct{ stem, surface string }

// tokens splits text into kept words: runs of letters and digits (with
// apostrophes inside: "don't", "manager's"), lower-cased, a possessive
// "'s" taken off, stop words and one-letter words left out. Words are
// slices of the lower-cased text: a million answers allocate little.
func tokens(text string) []word {
	lower := strings.ToLower(text)
	out := make([]word, 0, len(lower)/6+1)
	start := -1         // where the current word started
	apostrophe := false // the current word holds one
	emit := func(end int) {
		w := lower[start:end]
		start = -1
		if apostrophe {
			apostrophe = false
			w = strings.TrimRight(w, "'’")
			if base, ok := strings.CutSuffix(w, "'s"); ok {
				w = base
			} else if base, ok := strings.CutSuffix(w, "’s"); ok {
				w = base
			}
			w = strings.NewReplacer("'", "", "’", "").Replace(w)
		}
		if len(w) < 2 || utf8.RuneCountInString(w) < 2 || stopWords[w] {
			return
		}
		out = append(out, word{stem: stem(w), surface: w})
	}
	for i, r := range lower {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'), r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if start < 0 {
				start = i
			}
		case (r == '\'' || r == '’') && start >= 0:
			apostrophe = true
		case start >= 0:
			emit(i)
		}
	}
	if start >= 0 {
		emit(len(lower))
	}
	return out
}

// stem takes common English endings off a word, after the first step of
// Porter's stemmer, so that short answers share their words: plurals
// ("managers" → "manager", "studies" → "study"), "-ing" and "-ed"
// ("developing", "developed" → "develop"), and "-ment", "-ly"
// ("development" → "develop"). A word keeps at least three letters and a
// vowel; other endings stay ("career" is not "care").
func stem(w string) string {
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") && len(w) > 3:
		w = w[:len(w)-1]
	}
	for _, suf := range []string{"ments", "ment", "ingly", "ing", "edly", "ed", "ly"} {
		if base, ok := strings.CutSuffix(w, suf); ok && len(base) >= 3 && strings.ContainsAny(base, "aeiouy") {
			// "hoped" → "hope", "studied" → "study": a consonant-vowel-consonant
			// or a doubled letter before the ending is put right.
			switch {
			case strings.HasSuffix(base, "i"):
				base = base[:len(base)-1] + "y"
			case len(base) >= 2 && base[len(base)-1] == base[len(base)-2] && !strings.ContainsRune("lsz", rune(base[len(base)-1])):
				base = base[:len(base)-1]
			}
			return base
		}
	}
	return w
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// stopWords are words too common to say anything about a code.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about above after again against all also am an and any are aren't as at be
because been before being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more
most mustn't my myself nor of off on once only or other ought our ours ourselves out over own same shan't she
she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up very was wasn't we we'd
we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's with won't
would wouldn't you you'd you'll you're you've your yours yourself yourselves im ive dont cant wont also etc`) {
		stopWords[strings.ReplaceAll(w, "'", "")] = true
	}
}
