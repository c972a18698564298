package corpus

import (
	"errors"
	"fmt"
	"strings"

	"qcode/corpus/docx"
	"qcode/corpus/printable"
)

// msgNoText is the error for notes that hold nothing but headings and front
// matter.
const msgNoText = "no text to code (only headings and front matter)"

// readTextNotes reads TXT or Markdown notes: front matter, then lines.
func readTextNotes(src *Source, data []byte, owned bool, opts Options, lim Limits) error {
	text, problem := decodeText(data, owned)
	if problem != "" {
		return &InputError{File: src.File, Msg: problem}
	}
	// Escape sequences go before anything is parsed, so that a speaker
	// label or front matter holding one still reads as what it is.
	text = printable.Strip(text)
	yamlText, body, _, ok, err := splitFrontMatter(src.File, text)
	if err != nil {
		return err
	}
	if ok {
		if src.Attributes, err = frontMatter(src.File, yamlText); err != nil {
			return err
		}
	}
	// Each line becomes a value of its own: a file of newlines must not
	// become a hundred million of them.
	if n := strings.Count(body, "\n") + 1; n > lim.Paragraphs {
		return &InputError{File: src.File, Msg: overLimit("lines", lim.Paragraphs)}
	}
	raw := strings.Split(body, "\n")
	lines := make([]noteLine, len(raw))
	for i, l := range raw {
		l = strings.TrimRight(l, " \t")
		switch {
		case strings.TrimSpace(l) == "" || thematicBreak(l):
			lines[i] = noteLine{blank: true}
		default:
			if title, level, ok := headingOf(l); ok {
				lines[i] = noteLine{heading: true, title: title, level: level}
				continue
			}
			nl := noteLine{text: l}
			nl.speaker, nl.rest, nl.turn = turnOf(l)
			lines[i] = nl
		}
	}
	buildNotes(src, lines, notesLayout{}, opts)
	if len(src.Segments) == 0 {
		return &InputError{File: src.File, Msg: msgNoText}
	}
	return nil
}

// readDOCXNotes reads a Word document: each paragraph is a line; heading
// styles and numbered questions are headings; a paragraph starting with a
// bold "Name:" (or any turn marker of plain notes) starts a turn.
func readDOCXNotes(src *Source, data []byte, opts Options, lim Limits) error {
	paras, err := docx.Read(data, docx.Limits{Paragraphs: lim.Paragraphs, Depth: lim.Depth})
	switch {
	case errors.Is(err, docx.ErrTooDeep):
		return &InputError{File: src.File, Msg: fmt.Sprintf("word/document.xml nests elements more than %d deep (the limit)", lim.Depth), Err: err}
	case errors.Is(err, docx.ErrParagraphs):
		return &InputError{File: src.File, Msg: overLimit("paragraphs", lim.Paragraphs), Err: err}
	case err != nil:
		// An XML error names the elements it met: quote little of them.
		return &InputError{File: src.File, Msg: Cut(err.Error(), 200), Err: err}
	}
	var lines []noteLine
	for _, p := range paras {
		text := strings.TrimSpace(cleanText(p.Text))
		switch {
		case text == "":
			lines = append(lines, noteLine{blank: true})
			continue
		case p.Heading, titleStyle(p.Style):
			lines = append(lines, noteLine{heading: true, title: strings.Join(strings.Fields(text), " "),
				level: headingLevel(p.Style), styled: titleStyle(p.Style)})
			continue
		case p.List && strings.HasSuffix(text, "?"):
			lines = append(lines, noteLine{heading: true, title: text})
			continue
		}
		if title, ok := questionOf(text); ok {
			lines = append(lines, noteLine{heading: true, title: title})
			continue
		}
		nl := noteLine{text: text}
		if lead := strings.TrimSpace(p.BoldLead); strings.HasSuffix(lead, ":") && speakerName(strings.TrimSpace(strings.TrimSuffix(lead, ":"))) {
			nl.turn = true
			nl.speaker = strings.TrimSpace(strings.TrimSuffix(lead, ":"))
			nl.rest = strings.TrimSpace(cleanText(p.Text[len(p.BoldLead):]))
		} else {
			nl.speaker, nl.rest, nl.turn = turnOf(text)
		}
		lines = append(lines, nl)
	}
	buildNotes(src, lines, notesLayout{linePerParagraph: true}, opts)
	if len(src.Segments) == 0 {
		return &InputError{File: src.File, Msg: "no text to code (only headings)"}
	}
	return nil
}

// titleStyle tells whether a Word paragraph style makes the document's
// title (Title, Subtitle): part of the preamble, never a question.
func titleStyle(style string) bool {
	return strings.EqualFold(style, "title") || strings.EqualFold(style, "subtitle")
}

// headingLevel is the level of a Word heading style ("heading 2" → 2), 0
// for other styles.
func headingLevel(style string) int {
	s := strings.ToLower(strings.TrimSpace(style))
	if !strings.HasPrefix(s, "heading") {
		return 0
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "heading"))
	if len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		return int(s[0] - '0')
	}
	return 0
}
