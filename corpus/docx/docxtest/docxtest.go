// Package docxtest builds small .docx files for tests and fixtures: enough of
// WordprocessingML for Word and LibreOffice to open them, byte-for-byte the
// same on every run.
package docxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Run is a stretch of text with one formatting.
type Run struct {
	Text     string // "\t" becomes w:tab, "\n" w:br
	Bold     bool
	Deleted  bool // a tracked deletion (w:del)
	Inserted bool // a tracked insertion (w:ins)
}

// Paragraph is one w:p.
type Paragraph struct {
	Style    string // style id: "Heading1", "Title", "ListParagraph"…; "" for Normal
	Numbered bool   // an item of numbered list 1 (w:numPr)
	Runs     []Run
}

// P is a plain paragraph of one run.
func P(text string) Paragraph { return Paragraph{Runs: []Run{{Text: text}}} }

// H is a paragraph in the given heading style id ("Heading1", "Title").
func H(style, text string) Paragraph {
	return Paragraph{Style: style, Runs: []Run{{Text: text}}}
}

// Turn is a paragraph starting with the speaker's name in bold, Word-style.
func Turn(speaker, text string) Paragraph {
	return Paragraph{Runs: []Run{{Text: speaker + ":", Bold: true}, {Text: " " + text}}}
}

// Build returns a .docx file holding the paragraphs.
func Build(paras ...Paragraph) []byte {
	var b strings.Builder
	for _, p := range paras {
		b.WriteString("<w:p>")
		if p.Style != "" || p.Numbered {
			b.WriteString("<w:pPr>")
			if p.Style != "" {
				b.WriteString(`<w:pStyle w:val="` + esc(p.Style) + `"/>`)
			}
			if p.Numbered {
				b.WriteString(`<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>`)
			}
			b.WriteString("</w:pPr>")
		}
		for i, r := range p.Runs {
			run := runXML(r)
			switch {
			case r.Deleted:
				run = strings.ReplaceAll(run, "<w:t xml:space=\"preserve\">", "<w:delText xml:space=\"preserve\">")
				run = strings.ReplaceAll(run, "</w:t>", "</w:delText>")
				b.WriteString(`<w:del w:id="` + strconv.Itoa(i) + `" w:author="qcode" w:date="2010-01-01T00:00:00Z">` + run + "</w:del>")
			case r.Inserted:
				b.WriteString(`<w:ins w:id="` + strconv.Itoa(i) + `" w:author="qcode" w:date="2010-01-01T00:00:00Z">` + run + "</w:ins>")
			default:
				b.WriteString(run)
			}
		}
		b.WriteString("</w:p>")
	}
	return Document(b.String())
}

func runXML(r Run) string {
	var b strings.Builder
	b.WriteString("<w:r>")
	if r.Bold {
		b.WriteString("<w:rPr><w:b/></w:rPr>")
	}
	for i, line := range strings.Split(r.Text, "\n") {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		for j, piece := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString("<w:tab/>")
			}
			if piece != "" {
				b.WriteString(`<w:t xml:space="preserve">` + esc(piece) + "</w:t>")
			}
		}
	}
	b.WriteString("</w:r>")
	return b.String()
}

// Document returns a .docx file whose body is the given WordprocessingML
// (w:p and w:tbl elements; the w: and mc: prefixes are declared), with
// styles naming Title and Heading 1–3.
func Document(body string) []byte {
	doc := xml.Header + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"` +
		` xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"` +
		` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<w:body>` + body + `<w:sectPr/></w:body></w:document>`
	return Zip(map[string]string{
		"[Content_Types].xml": contentTypes,
		"_rels/.rels":         rels,
		"word/document.xml":   doc,
		"word/styles.xml":     styles,
	})
}

// Zip returns a zip archive of the named files, in name order, with fixed
// times, so the bytes are the same on every run.
func Zip(files map[string]string) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := w.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			panic(err) // writing to memory cannot fail
		}
		if _, err := f.Write([]byte(files[n])); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

const contentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`</Types>`

const rels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

const styles = xml.Header + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style>` +
	`</w:styles>`
