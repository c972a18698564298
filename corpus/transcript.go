package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules that tell, in a transcript, who is a participant: interviewer
// turns are prompts (context for the answers that follow, not segments or
// cases), and the lines before anyone really speaks are the preamble (the
// source's title), however much they look like "Label: text".

// interviewerLabel matches the labels of whoever asks the questions, in
// any letter case, numbered or not: "Interviewer", "Facilitator 2",
// "Moderator (JS)", "Researcher", "I", "Q".
var interviewerLabel = regexp.MustCompile(`(?i)^(?:interviewer|facilitator|moderator|researcher|i|q)(?:\s*\d{1,3}|\s+[a-z])?(?:\s*\([^()]{1,30}\))?$`)

// titleWords are words a preamble's labels are made of ("Focus group:",
// "Session 2:", "Date:", "Present:") and participants' labels are not.
var titleWords = map[string]bool{
	"focus": true, "group": true, "session": true, "interview": true, "transcript": true,
	"transcription": true, "notes": true, "note": true, "date": true, "location": true,
	"venue": true, "setting": true, "present": true, "participants": true, "attendees": true,
	"topic": true, "subject": true, "project": true, "study": true, "recorded": true,
	"recording": true, "duration": true, "title": true, "meeting": true, "workshop": true,
}

// speakerRoles knows the labels of a transcript: how often each starts a
// turn, and which are the interviewer's.
type speakerRoles struct {
	turns  int            // turn starts in all
	count  map[string]int // folded label → turn starts
	stems  map[string]int // folded label without its number → distinct labels
	extra  map[string]bool
	isStem map[string]string // folded label → its stem, for labels that have a number
}

func newSpeakerRoles(lines []noteLine, interviewers []string) *speakerRoles {
	r := &speakerRoles{count: map[string]int{}, stems: map[string]int{}, extra: map[string]bool{}, isStem: map[string]string{}}
	for _, name := range interviewers {
		if name = foldLabel(name); name != "" {
			r.extra[name] = true
		}
	}
	for _, l := range lines {
		if !l.turn {
			continue
		}
		r.turns++
		label := foldLabel(l.speaker)
		if r.count[label] == 0 {
			if stem, ok := labelStem(label); ok {
				r.isStem[label] = stem
				r.stems[stem]++
			}
		}
		r.count[label]++
	}
	return r
}

// foldLabel is a label compared: lower case, spaces collapsed.
func foldLabel(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// labelStem is a numbered label without its number: "p" for "p3",
// "participant" for "participant 12", "sw" for "sw-4".
func labelStem(label string) (string, bool) {
	stem := strings.TrimRightFunc(label, unicode.IsDigit)
	if stem == label || stem == "" {
		return "", false
	}
	return strings.TrimRight(stem, " -_#"), true
}

// interviewer tells whether a turn's label is the interviewer's.
func (r *speakerRoles) interviewer(label string) bool {
	return interviewerLabel.MatchString(strings.TrimSpace(label)) || r.extra[foldLabel(label)]
}

// firstAnchor is the index of the first block where a transcript really
// starts, or -1 when none does. Everything before it is the preamble.
//
// A turn surely starts it when it is the interviewer's, or its label starts
// a turn again later, or its label is numbered like another one (P1
// beside P2). Before such a turn, a label is a participant who speaks once
// and first when it has none of the preamble's words and its text ends a
// sentence: "Anna: I'll start. It was the money." is a turn, "Focus group:
// newly qualified social workers, Glasgow" and "Session 2: barriers" are
// the preamble. With no sure turn at all (one-off speakers only), the first
// label without a preamble word starts it.
func (r *speakerRoles) firstAnchor(blocks []noteBlock) int {
	sure := -1
	for i, b := range blocks {
		if b.speaker != "" && r.surelySpeaks(b.speaker) {
			sure = i
			break
		}
	}
	for i, b := range blocks {
		if sure >= 0 && i == sure {
			return i
		}
		if b.speaker == "" || hasTitleWord(foldLabel(b.speaker)) {
			continue
		}
		if sure < 0 || endsSentence(b.text) {
			return i
		}
	}
	return sure
}

// surelySpeaks tells whether a label is someone in the conversation: the
// interviewer, a label used more than once, or one numbered like another.
func (r *speakerRoles) surelySpeaks(speaker string) bool {
	label := foldLabel(speaker)
	stem := r.isStem[label]
	return r.interviewer(speaker) || r.count[label] > 1 || (stem != "" && r.stems[stem] > 1)
}

func hasTitleWord(label string) bool {
	for _, w := range strings.FieldsFunc(label, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if titleWords[w] {
			return true
		}
	}
	return false
}

// endsSentence tells whether text ends as a sentence does: . ! ? or …,
// perhaps inside quotes or brackets.
func endsSentence(text string) bool {
	text = strings.TrimRight(text, ` "'”’)]*_`)
	r, _ := utf8.DecodeLastRuneInString(text)
	return r == '.' || r == '!' || r == '?' || r == '…'
}

// loneTopHeading is the index of a document title written as a heading:
// the first thing in the notes, at level 1, with no other level-1 heading
// after it ("# Focus group 2, adult care team" above "## Benefits"). -1
// when there is none: then every heading sets the question.
func loneTopHeading(blocks []noteBlock) int {
	if len(blocks) == 0 || !blocks[0].heading || blocks[0].level != 1 {
		return -1
	}
	for _, b := range blocks[1:] {
		if b.heading && b.level == 1 {
			return -1
		}
	}
	return 0
}

// maxTitleLines and maxTitleLine bound what paragraphs-only notes may open
// with as a title: a line or three, no sentence.
const (
	maxTitleLines = 3
	maxTitleLine  = 120
)

// paragraphTitle is 1 past the index of the first block of paragraph
// notes when that block is a title, else 0. It is a title when it comes
// first (after title headings only), holds at most three short lines none
// of which ends a sentence, is not all there is, and says what it is: a
// preamble word ("Facilitator notes, 8 participants"), lines all shaped
// "Label: text" ("Focus group: …" / "Date: …"), or a heading right after.
func paragraphTitle(blocks []noteBlock, titleHead int) int {
	i := 0
	for i < len(blocks) && blocks[i].heading && (blocks[i].styled || i == titleHead) {
		i++
	}
	if i >= len(blocks) || blocks[i].heading {
		return 0
	}
	lines := strings.Split(blocks[i].text, "\n")
	if len(lines) > maxTitleLines {
		return 0
	}
	more, headingNext := false, false
	for j, b := range blocks[i+1:] {
		if !b.heading {
			more = true
			break
		}
		if j == 0 {
			headingNext = true
		}
	}
	if !more {
		return 0
	}
	words, labels := false, true
	for _, l := range lines {
		if utf8.RuneCountInString(l) > maxTitleLine || endsSentence(l) {
			return 0
		}
		words = words || hasTitleWord(foldLabel(l))
		_, _, ok := turnOf(l)
		labels = labels && ok
	}
	if !words && !labels && !headingNext {
		return 0
	}
	return i + 1
}

// maxTitleRunes caps the title attribute: it goes into attributions and
// listings. The preamble itself is kept whole in the source's context.
const maxTitleRunes = 200

// titleOf joins the preamble's lines into the one-line title attribute:
// "Focus group: newly qualified social workers — 12 March 2019".
func titleOf(preamble []string) string {
	var b strings.Builder
	for _, p := range preamble {
		for _, l := range strings.Split(p, "\n") {
			l = strings.Join(strings.Fields(l), " ")
			if l == "" {
				continue
			}
			if b.Len() > 0 {
				last, _ := utf8.DecodeLastRuneInString(b.String())
				if strings.ContainsRune(".,;:!?…", last) {
					b.WriteString(" ")
				} else {
					b.WriteString(" — ")
				}
			}
			b.WriteString(l)
		}
	}
	return capRunes(b.String(), maxTitleRunes)
}

// maxPromptRunes caps a prompt as an attribute (interned, so bounded);
// the whole turn is kept in the source's context.
const maxPromptRunes = 2000

// capRunes cuts s to n runes, ending in "…" when cut.
func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}
