package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomutex/godocx"
	dunits "github.com/gomutex/godocx/common/units"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"qcode/corpus/printable"
)

// Word documents are written with github.com/gomutex/godocx (MIT, pure
// Go, no dependencies, deterministic output), from its template: Word's
// own styles (Title, Heading 1–9, Quote, Caption, List Bullet, Table
// Grid), so that a researcher restyles the report in Word as any other.

// chartInches is a chart's width on the page.
const chartInches = 6.0

// WriteDOCX writes a Document as a Word document: the title in Title
// style, headings as Heading 1… (a Markdown "##" is Heading 1), tables as
// Word tables with their caption above in Caption style ("Table 2. …"),
// quotes in Quote style with the attribution below, charts as PNG images
// with their caption below ("Figure 3. …"), the researcher's Markdown as
// Word paragraphs, lists and tables. Nothing in it names the machine or
// person that wrote it: its properties say qcode and the report's date.
func WriteDOCX(w io.Writer, d *Document) error {
	doc, err := godocx.NewDocument()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "qcode-docx-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	x := &docxWriter{doc: doc, tmp: tmp}
	if _, err := doc.AddHeading(plain(d.Title), 0); err != nil {
		return err
	}
	if !d.Date.IsZero() {
		doc.AddParagraph("Report written by qcode on " + d.Date.Format("2 January 2006") + ".")
	}
	for _, b := range d.Blocks {
		if err := x.block(b); err != nil {
			return err
		}
	}
	doc.FileMap.Store("docProps/core.xml", coreProperties(plain(d.Title), d.Date))
	return doc.Write(w)
}

type docxWriter struct {
	doc    *docx.RootDoc
	tmp    string
	images int
}

// plain makes text fit for a Word run: printable, as everywhere.
func plain(s string) string { return printable.String(s) }

// headingLevel maps a Markdown heading level to Word's: "##" (a
// report's sections) is Heading 1.
func headingLevel(md int) uint { return uint(min(max(md-1, 1), 9)) }

func (x *docxWriter) block(b Block) error {
	switch b := b.(type) {
	case *Heading:
		_, err := x.doc.AddHeading(plain(b.Text), headingLevel(b.Level))
		return err
	case *Markdown:
		return x.markdown(b.Source)
	case *Table:
		x.caption("Table", b.Number, b.Caption)
		x.table(b)
	case *Quote:
		p := x.doc.AddEmptyParagraph()
		p.Style("Quote")
		for i, line := range strings.Split(strings.TrimSpace(b.Text), "\n") {
			if i > 0 {
				p.AddRun().AddBreak(nil)
			}
			p.AddText(plain(line))
		}
		tail := ""
		if b.Attribution != "" {
			tail = "(" + b.Attribution + ")"
		}
		if b.IDs != "" {
			tail = strings.TrimSpace(tail + " — " + b.IDs)
		}
		if tail != "" {
			a := x.doc.AddParagraph(plain(tail))
			a.Justification(stypes.JustificationRight)
		}
	case *Chart:
		png, err := renderChart(b, "png")
		if err != nil {
			return err
		}
		x.images++
		path := filepath.Join(x.tmp, fmt.Sprintf("figure%d.png", x.images))
		if err := os.WriteFile(path, png, 0o600); err != nil {
			return err
		}
		height := chartInches * float64(chartHeight(len(b.Labels))) / chartWidth
		if _, err := x.doc.AddPicture(path, dunits.Inch(chartInches), dunits.Inch(height)); err != nil {
			return err
		}
		x.caption("Figure", b.Number, b.Caption)
	case *Map:
		p := x.doc.AddParagraph(plain(b.Root))
		p.Style("ListBullet")
		for _, n := range b.Nodes {
			p := x.doc.AddParagraph(plain(n.Label))
			p.Style(listStyle("ListBullet", n.Depth+2))
		}
		x.caption("Figure", b.Number, b.Caption)
	}
	return nil
}

// listStyle is the template's list style for a nesting level (1–3).
func listStyle(base string, level int) string {
	if level <= 1 {
		return base
	}
	return fmt.Sprintf("%s%d", base, min(level, 3))
}

// caption writes "Table 2. …" or "Figure 3. …" in Caption style.
func (x *docxWriter) caption(kind string, n int, caption string) {
	p := x.doc.AddEmptyParagraph()
	p.Style("Caption")
	p.AddText(fmt.Sprintf("%s %d. ", kind, n)).Bold(true)
	p.AddText(plain(caption))
}

// textWidth is the page's text width in twips (6.25 in: A4 or Letter
// with the template's margins).
const textWidth = 9000

// charTwips is about one character's width in the template's body text.
const charTwips = 130

// columnWidths shares the text width among a table's columns: a count
// column gets the width of its longest cell (a count never wraps), and the
// text columns — a code's name, an example — share the rest by what they
// hold, so that Word and LibreOffice do not break names letter by letter.
func columnWidths(t *Table) []int {
	want := make([]int, len(t.Head))
	for i, h := range t.Head {
		for _, w := range strings.Fields(h) {
			want[i] = max(want[i], len([]rune(w))+1)
		}
	}
	for _, row := range t.Rows {
		for i, c := range row {
			if i < len(want) {
				want[i] = max(want[i], len([]rune(c.Text+c.Note))+3*c.Indent+1)
			}
		}
	}
	out := make([]int, len(want))
	numbers, text := 0, 0
	for i := range want {
		if i < len(t.Align) && t.Align[i] == Right {
			out[i] = (want[i] + 1) * charTwips
			numbers += out[i]
		} else {
			want[i] = min(max(want[i], 14), 60)
			text += want[i]
		}
	}
	rest := textWidth - numbers
	if text > 0 && rest < textWidth/3 { // too many counts: squeeze them too
		scale := float64(textWidth*2/3) / float64(numbers)
		for i := range out {
			out[i] = int(float64(out[i]) * scale)
		}
		rest = textWidth / 3
	}
	for i := range want {
		if !(i < len(t.Align) && t.Align[i] == Right) {
			out[i] = rest * want[i] / text
		}
	}
	return out
}

func (x *docxWriter) table(t *Table) {
	tbl := x.doc.AddTable()
	tbl.Style("TableGrid")
	widths := columnWidths(t)
	grid := make([]uint64, len(widths))
	for i, w := range widths {
		grid[i] = uint64(w)
	}
	tbl.Width(textWidth, stypes.TableWidthDxa)
	tbl.Grid(grid...)
	cell := func(r *docx.Row, i int) *docx.Cell {
		c := r.AddCell()
		if i < len(widths) {
			c.Width(widths[i], stypes.TableWidthDxa)
		}
		return c
	}
	head := tbl.AddRow()
	for i, h := range t.Head {
		p := cell(head, i).AddEmptyPara()
		p.AddText(plain(h)).Bold(true)
		if i < len(t.Align) && t.Align[i] == Right {
			p.Justification(stypes.JustificationRight)
		}
	}
	for _, row := range t.Rows {
		r := tbl.AddRow()
		for i, c := range row {
			p := cell(r, i).AddEmptyPara()
			if c.Text != "" {
				addRun(p, plain(c.Text), c.Bold, false)
			}
			if c.Note != "" {
				p.AddText(plain(c.Note))
			}
			if c.Indent > 0 {
				left := 284 * c.Indent // a fifth of an inch a level, in twips
				p.Indent(&ctypes.Indent{Left: &left})
			}
			if i < len(t.Align) && t.Align[i] == Right {
				p.Justification(stypes.JustificationRight)
			}
		}
	}
}

// markdown turns the researcher's Markdown into Word paragraphs: headings,
// paragraphs with bold, italic and code, lists, block quotes and tables.
// Raw HTML is left out, as in the HTML report.
func (x *docxWriter) markdown(src string) error {
	source := []byte(plain(src))
	root := markdown.Parser().Parse(text.NewReader(source))
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		x.mdBlock(n, source, "", 0)
	}
	return nil
}

// mdBlock writes one Markdown block; style is the paragraph style of the
// container (Quote, a list's) and depth the list nesting.
func (x *docxWriter) mdBlock(n ast.Node, src []byte, style string, depth int) {
	switch n := n.(type) {
	case *ast.Heading:
		p, err := x.doc.AddHeading("", headingLevel(n.Level))
		if err == nil {
			p.GetCT().Children = nil
			x.inlines(p, n, src, false, false)
		}
	case *ast.Paragraph, *ast.TextBlock:
		p := x.doc.AddEmptyParagraph()
		if style != "" {
			p.Style(style)
		}
		x.inlines(p, n, src, false, false)
	case *ast.List:
		base := "ListBullet"
		if n.IsOrdered() {
			base = "ListNumber"
		}
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				if _, nested := c.(*ast.List); nested {
					x.mdBlock(c, src, "", depth+1)
					continue
				}
				x.mdBlock(c, src, listStyle(base, depth+1), depth+1)
			}
		}
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			x.mdBlock(c, src, "Quote", depth)
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			p := x.doc.AddEmptyParagraph()
			p.AddText(strings.TrimRight(string(seg.Value(src)), "\n")).Font("Courier New")
		}
	case *east.Table:
		x.mdTable(n, src)
	}
}

// inlines adds a block's inline content to p as runs.
func (x *docxWriter) inlines(p *docx.Paragraph, n ast.Node, src []byte, bold, italic bool) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			r := addRun(p, string(c.Segment.Value(src)), bold, italic)
			if c.HardLineBreak() {
				r.AddBreak(nil)
			} else if c.SoftLineBreak() {
				addRun(p, " ", bold, italic)
			}
		case *ast.String:
			addRun(p, string(c.Value), bold, italic)
		case *ast.CodeSpan:
			var b strings.Builder
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			addRun(p, b.String(), bold, italic).Font("Courier New")
		case *ast.Emphasis:
			x.inlines(p, c, src, bold || c.Level >= 2, italic || c.Level == 1)
		case *ast.Link:
			x.inlines(p, c, src, bold, italic)
		case *ast.AutoLink:
			addRun(p, string(c.URL(src)), bold, italic)
		case *ast.Image:
			x.inlines(p, c, src, bold, italic) // its alt text
		case *east.Strikethrough:
			x.inlines(p, c, src, bold, italic)
		case *ast.RawHTML:
			// left out
		default:
			x.inlines(p, c, src, bold, italic)
		}
	}
}

// addRun adds text to p, bold or italic only when asked: a run that says
// "not bold" would override a heading's style.
func addRun(p *docx.Paragraph, text string, bold, italic bool) *docx.Run {
	r := p.AddText(text)
	if bold {
		r.Bold(true)
	}
	if italic {
		r.Italic(true)
	}
	return r
}

// mdTable writes a Markdown table as a Word table (no caption: the
// researcher's own table, e.g. a summary).
func (x *docxWriter) mdTable(t *east.Table, src []byte) {
	tbl := x.doc.AddTable()
	tbl.Style("TableGrid")
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		r := tbl.AddRow()
		_, header := row.(*east.TableHeader)
		i := 0
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			p := r.AddCell().AddEmptyPara()
			x.inlines(p, cell, src, header, false)
			if i < len(t.Alignments) && t.Alignments[i] == east.AlignRight {
				p.Justification(stypes.JustificationRight)
			}
			i++
		}
	}
}

// coreProperties is the document's docProps/core.xml: its title, qcode
// as its creator and the report's date — not the template's author.
func coreProperties(title string, date time.Time) []byte {
	if date.IsZero() {
		date = time.Unix(0, 0).UTC()
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString("<dc:title>")
	xml.EscapeText(&b, []byte(title))
	b.WriteString("</dc:title><dc:creator>qcode</dc:creator><cp:lastModifiedBy>qcode</cp:lastModifiedBy><cp:revision>1</cp:revision>")
	stamp := date.UTC().Format("2006-01-02T15:04:05Z")
	fmt.Fprintf(&b, `<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>`, stamp, stamp)
	b.WriteString("</cp:coreProperties>")
	return []byte(b.String())
}
