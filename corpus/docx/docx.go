// Package docx reads the paragraphs of a Word document (.docx): their text,
// style, list membership and leading bold text, which is what the corpus
// package needs to find headings and speaker turns in interview notes.
//
// It uses archive/zip and encoding/xml on word/document.xml and nothing else:
// the Go DOCX libraries that exist are writers, unmaintained, or commercial,
// and reading text needs none of what they offer. It does not lay out, render
// or write documents.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"qcode/corpus/ooxml"
)

// MaxPartSize caps the unzipped size of word/document.xml (and styles.xml),
// so that a zip bomb is refused instead of filling memory.
const MaxPartSize = 64 << 20

// Errors for files that are not a Word document at all, or over a limit.
var (
	ErrNotZip      = errors.New("not a DOCX file (not a zip archive)")
	ErrNoDocument  = errors.New("not a DOCX file (no word/document.xml)")
	ErrTooLarge    = fmt.Errorf("word/document.xml is larger than %d MiB unzipped", MaxPartSize>>20)
	ErrTooDeep     = errors.New("word/document.xml nests elements deeper than the limit")
	ErrParagraphs  = errors.New("more paragraphs than the limit")
	errStylesLarge = errors.New("styles too large")
)

// Limits bound what Read builds: 123 KiB of zip can hold twelve million
// unclosed paragraphs. A zero field means its default (DefaultLimits).
type Limits struct {
	Paragraphs int // paragraphs, nested ones included
	Depth      int // nesting of XML elements
}

// DefaultLimits are far above any real document: a long interview is a few
// thousand paragraphs, and Word nests tables, text boxes and runs a few
// dozen elements deep.
var DefaultLimits = Limits{Paragraphs: 2_000_000, Depth: 256}

func (l Limits) orDefault() Limits {
	if l.Paragraphs <= 0 {
		l.Paragraphs = DefaultLimits.Paragraphs
	}
	if l.Depth <= 0 {
		l.Depth = DefaultLimits.Depth
	}
	return l
}

// Paragraph is one w:p of the document, tables' and text boxes' included.
type Paragraph struct {
	// Text is the paragraph's visible text: w:t runs, w:tab as a tab, w:br
	// and w:cr as a newline. Deleted and moved-away text (tracked changes) and
	// hidden text are left out; inserted text is kept.
	Text string
	// Style is the paragraph style's name ("heading 1", "Title", "Normal"…),
	// or its id when styles.xml does not name it; "" for the default style.
	Style string
	// Heading is true for the Title style and Heading 1–9.
	Heading bool
	// List is true when the paragraph is an item of a numbered or bulleted
	// list (w:numPr); the number itself is not part of Text.
	List bool
	// BoldLead is the start of Text that is set in bold (with any spaces
	// around it), "" when the paragraph does not start in bold.
	BoldLead string
}

// Read returns the paragraphs of the .docx file in data, in document order
// (a paragraph inside a text box comes before the paragraph holding the box).
// Errors are one line: ErrNotZip, ErrNoDocument, ErrTooLarge, ErrTooDeep,
// ErrParagraphs, or a damaged archive or XML.
func Read(data []byte, lim Limits) ([]Paragraph, error) {
	lim = lim.orDefault()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, ErrNotZip
	}
	var doc, styles *zip.File
	for _, f := range zr.File {
		switch {
		case f.Name == "word/document.xml" && doc == nil:
			doc = f
		case f.Name == "word/styles.xml" && styles == nil:
			styles = f
		}
	}
	if doc == nil {
		return nil, ErrNoDocument
	}
	names := map[string]string{}
	if styles != nil && checkPart(styles, lim.Depth, errStylesLarge) == nil {
		// Styles only name headings better; a damaged styles part is no
		// reason to refuse the text.
		names, _ = readStyles(styles)
	}
	if err := checkPart(doc, lim.Depth, ErrTooLarge); err != nil {
		return nil, err
	}
	r, err := openPart(doc, ErrTooLarge)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	p := &parser{styles: names, maxParas: lim.Paragraphs}
	if err := p.parse(r); err != nil {
		if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrParagraphs) {
			return nil, err
		}
		return nil, fmt.Errorf("damaged DOCX file (word/document.xml: %v)", err)
	}
	return p.out, nil
}

// checkPart walks a part's XML once, keeping nothing, before encoding/xml
// (which keeps every open element and builds every attribute) reads it.
func checkPart(f *zip.File, depth int, tooLarge error) error {
	r, err := openPart(f, tooLarge)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = ooxml.Scan(r, depth, "", 0)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ooxml.ErrDepth):
		return ErrTooDeep
	case errors.Is(err, ooxml.ErrTagSize):
		return fmt.Errorf("damaged DOCX file (%s has a tag longer than %d KiB)", f.Name, ooxml.MaxTagSize>>10)
	case errors.Is(err, tooLarge):
		return err
	}
	return fmt.Errorf("damaged DOCX file (%s: %v)", f.Name, err)
}

// openPart opens a zip entry for reading, failing with tooLarge once more than
// MaxPartSize bytes come out of it, whatever its header claims.
func openPart(f *zip.File, tooLarge error) (io.ReadCloser, error) {
	if f.UncompressedSize64 > MaxPartSize {
		return nil, tooLarge
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("damaged DOCX file (%s: %v)", f.Name, err)
	}
	return &capped{rc: rc, left: MaxPartSize, err: tooLarge}, nil
}

type capped struct {
	rc   io.ReadCloser
	left int64
	err  error
}

func (c *capped) Read(b []byte) (int, error) {
	if c.left <= 0 {
		// One more byte means the part is over the cap.
		var one [1]byte
		if n, _ := c.rc.Read(one[:]); n > 0 {
			return 0, c.err
		}
		return 0, io.EOF
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.rc.Read(b)
	c.left -= int64(n)
	return n, err
}

func (c *capped) Close() error { return c.rc.Close() }

// Namespaces of WordprocessingML (transitional and strict) and of markup
// compatibility (mc:AlternateContent).
const (
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMC      = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

func isW(n xml.Name) bool { return n.Space == nsW || n.Space == nsWStrict }

// attr returns the value of the attribute with the given local name.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// on reads a w:b / w:vanish style toggle: present means on unless its
// w:val says otherwise.
func on(e xml.StartElement) bool {
	switch strings.ToLower(attr(e, "val")) {
	case "0", "false", "off":
		return false
	}
	return true
}

// readStyles maps style ids to style names from word/styles.xml.
func readStyles(f *zip.File) (map[string]string, error) {
	names := map[string]string{}
	r, err := openPart(f, errStylesLarge)
	if err != nil {
		return names, err
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	id := ""
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				return names, nil
			}
			return names, err
		}
		if e, ok := tok.(xml.StartElement); ok && isW(e.Name) {
			switch e.Name.Local {
			case "style":
				id = attr(e, "styleId")
			case "name":
				if id != "" {
					names[id] = attr(e, "val")
				}
			}
		}
	}
}

var headingStyle = regexp.MustCompile(`(?i)^(heading ?[1-9]|title)$`)

// para is a paragraph being read, with the state of the run being read in it.
type para struct {
	text     strings.Builder
	lead     strings.Builder
	leadOpen bool // still inside the leading bold (or blank) text
	leadBold bool // the lead holds bold text
	style    string
	list     bool

	inPPr, inRun, inRPr bool
	inT                 bool
	bold, hidden        bool
}

// add appends a piece of run text, extending the bold lead while it lasts.
func (p *para) add(s string) {
	if p.hidden || s == "" {
		return
	}
	p.text.WriteString(s)
	if !p.leadOpen {
		return
	}
	switch {
	case p.bold:
		p.lead.WriteString(s)
		p.leadBold = p.leadBold || strings.TrimSpace(s) != ""
	case strings.TrimSpace(s) == "":
		p.lead.WriteString(s)
	default:
		p.leadOpen = false
	}
}

type parser struct {
	styles   map[string]string
	maxParas int
	paras    int // w:p started, nested ones included
	stack    []*para
	out      []Paragraph
}

func (ps *parser) top() *para {
	if len(ps.stack) == 0 {
		return nil
	}
	return ps.stack[len(ps.stack)-1]
}

func (ps *parser) parse(r io.Reader) error {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := ps.start(d, t); err != nil {
				return err
			}
		case xml.EndElement:
			ps.end(t)
		case xml.CharData:
			if p := ps.top(); p != nil && p.inT {
				p.add(string(t))
			}
		}
	}
}

// skipped elements hold text or formatting that is not the document's
// current visible content.
var skipped = map[string]bool{
	"del":          true, // tracked deletion
	"moveFrom":     true, // tracked move: the old place
	"rPrChange":    true, // tracked formatting change: the old formatting
	"pPrChange":    true,
	"sectPrChange": true,
	"tblPrChange":  true,
	"delText":      true,
	"instrText":    true, // field codes
}

func (ps *parser) start(d *xml.Decoder, e xml.StartElement) error {
	if e.Name.Space == nsMC && e.Name.Local == "Fallback" {
		return d.Skip() // the same content as mc:Choice, for old readers
	}
	if !isW(e.Name) {
		return nil
	}
	if skipped[e.Name.Local] {
		return d.Skip()
	}
	if e.Name.Local == "p" {
		if ps.paras++; ps.paras > ps.maxParas {
			return ErrParagraphs
		}
		ps.stack = append(ps.stack, &para{leadOpen: true})
		return nil
	}
	p := ps.top()
	if p == nil {
		return nil
	}
	switch e.Name.Local {
	case "pPr":
		p.inPPr = true
	case "pStyle":
		if p.inPPr {
			p.style = attr(e, "val")
		}
	case "numId":
		if p.inPPr {
			v := attr(e, "val")
			p.list = v != "" && v != "0"
		}
	case "r":
		p.inRun, p.bold, p.hidden = true, false, false
	case "rPr":
		p.inRPr = p.inRun
	case "b":
		if p.inRPr {
			p.bold = on(e)
		}
	case "rStyle":
		if p.inRPr {
			s := attr(e, "val")
			p.bold = p.bold || strings.EqualFold(s, "Strong") || strings.EqualFold(ps.styles[s], "Strong")
		}
	case "vanish":
		if p.inRPr {
			p.hidden = on(e)
		}
	case "t":
		p.inT = p.inRun
	case "tab":
		if p.inRun && !p.inRPr {
			p.add("\t")
		}
	case "br", "cr":
		if p.inRun {
			p.add("\n")
		}
	case "noBreakHyphen":
		if p.inRun {
			p.add("-")
		}
	}
	return nil
}

func (ps *parser) end(e xml.EndElement) {
	if !isW(e.Name) {
		return
	}
	p := ps.top()
	if p == nil {
		return
	}
	switch e.Name.Local {
	case "p":
		ps.stack = ps.stack[:len(ps.stack)-1]
		ps.out = append(ps.out, ps.finish(p))
	case "pPr":
		p.inPPr = false
	case "r":
		p.inRun, p.inRPr, p.inT = false, false, false
	case "rPr":
		p.inRPr = false
	case "t":
		p.inT = false
	}
}

func (ps *parser) finish(p *para) Paragraph {
	out := Paragraph{Text: p.text.String(), Style: p.style, List: p.list}
	if name := ps.styles[p.style]; name != "" {
		out.Style = name
	}
	out.Heading = headingStyle.MatchString(p.style) || headingStyle.MatchString(out.Style)
	if p.leadBold {
		out.BoldLead = p.lead.String()
	}
	return out
}
