package corpus

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// noteLine is one line of TXT or Markdown notes, or one paragraph of a DOCX,
// classified: a heading, a turn start, a blank, or plain text.
type noteLine struct {
	text    string // the line as written, for plain text
	blank   bool
	heading bool   // sets the question for what follows
	title   string // heading: its text without # or number
	level   int    // heading: 1 for "# " or Heading 1, 2 for "## "…; 0 for a numbered question
	styled  bool   // heading: a Word Title or Subtitle paragraph, always the document's title
	turn    bool   // starts a speaker turn (if the notes have turns at all)
	speaker string // turn: the speaker's name
	rest    string // turn: the text after the speaker marker
}

// notesLayout tells buildNotes how a format makes paragraphs.
type notesLayout struct {
	// linePerParagraph: every line is a paragraph of its own (DOCX w:p);
	// otherwise paragraphs are runs of lines between blank lines.
	linePerParagraph bool
}

// minTurns is how many turn starts make notes a transcript. One "Note: the
// room was cold" does not.
const minTurns = 2

// noteBlock is a heading, or a numbered block of notes: one turn (in a
// transcript) or one paragraph.
type noteBlock struct {
	heading bool
	level   int  // heading: as noteLine
	styled  bool // heading: as noteLine
	n       int  // block: 1-based, counting every block, whatever it becomes
	speaker string
	text    string // heading: its title; block: its text
}

// line is the block as one line of the file would have it: "Label: text"
// for a turn.
func (b noteBlock) line() string {
	if b.speaker == "" {
		return b.text
	}
	return b.speaker + ": " + b.text
}

// buildNotes makes the segments of notes from their lines: speaker turns
// when there are at least minTurns, else paragraphs. Headings set the
// question attribute of the segments under them and are not segments; in
// a transcript, interviewer turns set the prompt (see transcript.go) and
// the preamble sets the source's title. Blocks are numbered as they come,
// whatever they become, so that segment IDs stay as they were before
// interviewer turns and preambles stopped being segments.
func buildNotes(src *Source, lines []noteLine, layout notesLayout, opts Options) {
	roles := newSpeakerRoles(lines, opts.Interviewers)
	turnMode := roles.turns >= minTurns
	blocks := groupNotes(lines, layout, turnMode)
	start := -1 // blocks before start are the preamble
	if turnMode {
		if start = roles.firstAnchor(blocks); start < 0 {
			// Only title-like labels ("Focus group: …", "Date: …"):
			// nobody speaks, so these are notes in paragraphs.
			turnMode = false
			blocks = groupNotes(lines, layout, false)
		}
	}
	titleHead := loneTopHeading(blocks)
	if !turnMode {
		start = paragraphTitle(blocks, titleHead)
	}

	var (
		question, prompt string
		preamble         []string
	)
	nextN := func(i int) int { // the number of the first block after i
		for _, b := range blocks[i+1:] {
			if !b.heading {
				return b.n
			}
		}
		return 0
	}
	for i, b := range blocks {
		switch {
		case b.heading && (b.styled || i == titleHead):
			preamble = append(preamble, b.text)
			src.Context = append(src.Context, ContextItem{Kind: ContextTitle, N: nextN(i), Text: b.text})
		case b.heading:
			question, prompt = b.text, ""
			src.Context = append(src.Context, ContextItem{Kind: ContextHeading, N: nextN(i), Text: b.text})
		case i < start:
			preamble = append(preamble, b.line())
			src.Context = append(src.Context, ContextItem{Kind: ContextPreamble, N: b.n, Text: b.line()})
		case turnMode && b.speaker != "" && roles.interviewer(b.speaker):
			prompt = b.text
			src.Context = append(src.Context, ContextItem{Kind: ContextPrompt, N: b.n, Speaker: b.speaker, Text: b.text})
		default:
			src.Segments = append(src.Segments, noteSegment(src.Name, b, question, prompt))
		}
	}
	if title := titleOf(preamble); title != "" && !hasAttribute(src.Attributes, "title") {
		src.Attributes = append(src.Attributes, Attribute{Name: "title", Value: title})
	}
	src.ScopedCases = !opts.SharedSpeakers
}

// groupNotes gathers lines into headings and numbered blocks: turns when
// turnMode, else paragraphs.
func groupNotes(lines []noteLine, layout notesLayout, turnMode bool) []noteBlock {
	var (
		blocks  []noteBlock
		n       int
		speaker string // of the open block; "" for a paragraph
		text    strings.Builder
		open    bool // a block is being gathered
		gap     bool // blank line(s) inside the open turn
	)
	flush := func() {
		if open {
			if t := strings.TrimSpace(text.String()); t != "" {
				n++
				blocks = append(blocks, noteBlock{n: n, speaker: speaker, text: t})
			}
		}
		text.Reset()
		open, gap, speaker = false, false, ""
	}
	for _, l := range lines {
		switch {
		case l.heading:
			flush()
			blocks = append(blocks, noteBlock{heading: true, level: l.level, styled: l.styled, text: l.title})
		case turnMode && l.turn:
			flush()
			open, speaker = true, l.speaker
			text.WriteString(l.rest)
		case l.blank:
			if open && speaker != "" {
				gap = true // a paragraph break inside a turn
			} else {
				flush()
			}
		case !open || (layout.linePerParagraph && speaker == ""):
			flush()
			open = true
			text.WriteString(l.text)
		default:
			if text.Len() > 0 {
				if gap {
					text.WriteString("\n\n")
				} else {
					text.WriteString("\n")
				}
			}
			gap = false
			text.WriteString(l.text)
		}
	}
	flush()
	return blocks
}

// noteSegment makes a participant's turn or a paragraph a segment. Where
// no heading sets the question, the prompt is the question too.
func noteSegment(source string, b noteBlock, question, prompt string) Segment {
	seg := Segment{ID: source + "#" + strconv.Itoa(b.n), Case: b.speaker, Text: b.text}
	prompt = capRunes(prompt, maxPromptRunes)
	if question == "" {
		question = prompt
	}
	if question != "" {
		seg.Attributes = append(seg.Attributes, Attribute{Name: "question", Value: question})
	}
	if prompt != "" {
		seg.Attributes = append(seg.Attributes, Attribute{Name: "prompt", Value: prompt})
	}
	if b.speaker != "" {
		seg.Attributes = append(seg.Attributes, Attribute{Name: "speaker", Value: b.speaker})
	}
	return seg
}

func hasAttribute(attrs []Attribute, name string) bool {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return true
		}
	}
	return false
}

var (
	// A Markdown ATX heading: up to three spaces, one to six #, a space.
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	// A topic-guide question: "Q3. …", "Q3: …", "Q3) …", "Q3 …".
	qHeading = regexp.MustCompile(`^\s*[Qq](\d{1,3})(?:[.:)]\s*|\s+)(\S.*)$`)
	// A numbered line: "3. …", "3) …"; a heading when it asks a question.
	numHeading = regexp.MustCompile(`^\s*(\d{1,3})[.)]\s+(\S.*)$`)
)

// headingOf recognises a heading line of TXT or Markdown notes and returns
// its text without the # or number marker, and its level (the number of
// #, 0 for a numbered question).
func headingOf(line string) (string, int, bool) {
	if m := atxHeading.FindStringSubmatch(line); m != nil {
		return strings.TrimSpace(m[2]), len(m[1]), true
	}
	title, ok := questionOf(line)
	return title, 0, ok
}

// questionOf recognises a numbered topic-guide question: "Q<n>" followed by
// anything, or "<n>." / "<n>)" followed by a line ending in "?".
func questionOf(line string) (string, bool) {
	line = strings.TrimRight(line, " \t")
	if m := qHeading.FindStringSubmatch(line); m != nil {
		return strings.TrimSpace(m[2]), true
	}
	if m := numHeading.FindStringSubmatch(line); m != nil && strings.HasSuffix(m[2], "?") {
		return strings.TrimSpace(m[2]), true
	}
	return "", false
}

// transcriptNotes are bracketed remarks transcribers write that are not
// speakers: "[Laughter] …".
var transcriptNotes = map[string]bool{
	"laughter": true, "laughs": true, "laughing": true, "inaudible": true,
	"crosstalk": true, "cross talk": true, "pause": true, "silence": true,
	"unclear": true, "overlapping": true, "applause": true, "noise": true,
	"interruption": true, "break": true, "end": true, "start": true,
}

// turnOf recognises the start of a speaker turn: "Name: …", "[Name] …",
// "**Name:** …" or "**Name**: …". It returns the speaker and the text after
// the marker.
func turnOf(line string) (speaker, rest string, ok bool) {
	s := strings.TrimLeft(line, " \t")
	switch {
	case strings.HasPrefix(s, "**"):
		inner, after, found := strings.Cut(s[2:], "**")
		if !found {
			return "", "", false
		}
		switch {
		case strings.HasSuffix(inner, ":"): // **Name:** rest
			speaker = strings.TrimSuffix(inner, ":")
		case strings.HasPrefix(after, ":"): // **Name**: rest
			speaker, after = inner, after[1:]
		default:
			return "", "", false
		}
		rest = after
	case strings.HasPrefix(s, "["):
		inner, after, found := strings.Cut(s[1:], "]")
		if !found || transcriptNotes[strings.ToLower(strings.TrimSpace(inner))] {
			return "", "", false
		}
		speaker, rest = inner, strings.TrimPrefix(after, ":")
		if strings.TrimSpace(rest) == "" {
			return "", "", false // "[Name]" alone is more likely a remark
		}
	default:
		i := strings.IndexByte(s, ':')
		if i < 0 || (i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t') {
			return "", "", false // "10:30", "http://"
		}
		speaker, rest = s[:i], s[i+1:]
	}
	speaker = strings.TrimSpace(speaker)
	if !speakerName(speaker) {
		return "", "", false
	}
	return speaker, strings.TrimSpace(rest), true
}

// speakerName reports whether s can be a speaker's name: one to four words,
// at most 40 runes, starting with an upper-case (or caseless) letter or a
// digit, with no sentence punctuation or markup in it.
func speakerName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 40 {
		return false
	}
	if w := len(strings.Fields(s)); w < 1 || w > 4 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !(unicode.IsUpper(first) || unicode.IsDigit(first) || unicode.IsTitle(first) ||
		(unicode.IsLetter(first) && !unicode.IsLower(first))) {
		return false
	}
	for _, r := range s {
		if strings.ContainsRune(".,;?!:*[]#\"", r) || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// thematicBreak is a line of three or more -, *, _ or = (with spaces): a
// separator, read as a blank line.
func thematicBreak(line string) bool {
	s := strings.ReplaceAll(strings.TrimSpace(line), " ", "")
	if len(s) < 3 {
		return false
	}
	c := s[0]
	if c != '-' && c != '*' && c != '_' && c != '=' {
		return false
	}
	return strings.Count(s, string(c)) == len(s)
}
