package report

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"qcode/corpus/printable"
)

// markdown parses the researcher's Markdown (CommonMark and GitHub's
// tables, via github.com/yuin/goldmark). Raw HTML in it is left out, not
// copied: a report is opened in a browser.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

// htmlStyle is the page's whole style sheet: the file stands alone. The
// charts' labels are placed for the chart library's own font (Roboto), which
// a browser may not have: a smaller common font keeps them clear of the
// bars.
const htmlStyle = `body{font-family:Georgia,'Times New Roman',serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1,h2,h3,h4,h5,h6{font-family:Helvetica,Arial,sans-serif;line-height:1.25}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem;font-size:0.95rem}
caption{caption-side:top;text-align:left;padding:0 0 0.4rem;font-size:0.95rem}
th,td{border:1px solid #bbb;padding:0.25rem 0.5rem;vertical-align:top}
th{background:#f2f2f2;text-align:left}
td.num{text-align:right;white-space:nowrap}
th.num{text-align:right}
blockquote{margin:1rem 0 0.25rem;padding:0 1rem;border-left:4px solid #ccc;color:#333}
p.attribution{margin:0 0 1rem 1.25rem;color:#555}
figure{margin:1rem 0 1.5rem}
figure svg{max-width:100%;height:auto}
figure svg text{font-family:Arial,Helvetica,sans-serif!important;font-size:13px!important}
figcaption{font-size:0.95rem}
ul.map{font-family:Helvetica,Arial,sans-serif}`

// WriteHTML writes a Document as one self-contained HTML file: its
// style inline, its charts inline SVG, no script and nothing fetched.
// Tables carry their caption ("Table 2. …"), figures theirs.
func WriteHTML(w io.Writer, d *Document) error {
	bw := bufio.NewWriter(w)
	esc := func(s string) string { return html.EscapeString(printable.String(s)) }
	fmt.Fprintf(bw, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"qcode\">\n<title>%s</title>\n<style>\n%s\n</style>\n</head>\n<body>\n", esc(d.Title), htmlStyle)
	fmt.Fprintf(bw, "<h1>%s</h1>\n", esc(d.Title))
	if !d.Date.IsZero() {
		fmt.Fprintf(bw, "<p class=\"date\">Report written by qcode on %s.</p>\n", d.Date.Format("2 January 2006"))
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case *Heading:
			fmt.Fprintf(bw, "<h%d>%s</h%d>\n", b.Level, esc(b.Text), b.Level)
		case *Markdown:
			var buf bytes.Buffer
			if err := markdown.Convert([]byte(printable.String(b.Source)), &buf); err != nil {
				return err
			}
			bw.Write(buf.Bytes())
		case *Table:
			htmlTable(bw, b, esc)
		case *Quote:
			lines := strings.Split(strings.TrimSpace(b.Text), "\n")
			for i := range lines {
				lines[i] = esc(lines[i])
			}
			fmt.Fprintf(bw, "<blockquote><p>%s</p></blockquote>\n", strings.Join(lines, "<br>\n"))
			tail := ""
			if b.Attribution != "" {
				tail = "(" + esc(b.Attribution) + ")"
			}
			if b.IDs != "" {
				tail += " — " + esc(b.IDs)
			}
			if tail != "" {
				fmt.Fprintf(bw, "<p class=\"attribution\">%s</p>\n", strings.TrimSpace(tail))
			}
		case *Chart:
			svg, err := renderChart(b, "svg")
			if err != nil {
				return err
			}
			fmt.Fprintf(bw, "<figure id=\"figure-%d\">\n%s\n<figcaption><strong>Figure %d.</strong> %s</figcaption>\n</figure>\n", b.Number, svg, b.Number, esc(b.Caption))
		case *Map:
			htmlMap(bw, b, esc)
		}
	}
	fmt.Fprintf(bw, "</body>\n</html>\n")
	return bw.Flush()
}

func htmlTable(w io.Writer, t *Table, esc func(string) string) {
	fmt.Fprintf(w, "<table id=\"table-%d\">\n<caption><strong>Table %d.</strong> %s</caption>\n<thead><tr>", t.Number, t.Number, esc(t.Caption))
	class := func(i int) string {
		if i < len(t.Align) && t.Align[i] == Right {
			return ` class="num"`
		}
		return ""
	}
	for i, h := range t.Head {
		fmt.Fprintf(w, "<th%s>%s</th>", class(i), esc(h))
	}
	fmt.Fprintf(w, "</tr></thead>\n<tbody>\n")
	for _, row := range t.Rows {
		fmt.Fprintf(w, "<tr>")
		for i, c := range row {
			text := esc(c.Text)
			if c.Bold && text != "" {
				text = "<strong>" + text + "</strong>"
			}
			text += esc(c.Note)
			style := ""
			if c.Indent > 0 {
				style = fmt.Sprintf(` style="padding-left:%.1frem"`, 0.5+1.25*float64(c.Indent))
			}
			fmt.Fprintf(w, "<td%s%s>%s</td>", class(i), style, text)
		}
		fmt.Fprintf(w, "</tr>\n")
	}
	fmt.Fprintf(w, "</tbody>\n</table>\n")
}

// htmlMap writes the thematic map as a nested list.
func htmlMap(w io.Writer, m *Map, esc func(string) string) {
	fmt.Fprintf(w, "<figure id=\"figure-%d\">\n<ul class=\"map\"><li>%s", m.Number, esc(m.Root))
	depth := -1
	for _, n := range m.Nodes {
		switch {
		case n.Depth > depth:
			for ; depth < n.Depth; depth++ {
				fmt.Fprintf(w, "\n<ul>")
			}
			fmt.Fprintf(w, "<li>")
		default:
			for ; depth > n.Depth; depth-- {
				fmt.Fprintf(w, "</li></ul>")
			}
			fmt.Fprintf(w, "</li>\n<li>")
		}
		fmt.Fprintf(w, "%s", esc(n.Label))
	}
	for ; depth >= 0; depth-- {
		fmt.Fprintf(w, "</li></ul>")
	}
	fmt.Fprintf(w, "</li></ul>\n<figcaption><strong>Figure %d.</strong> %s</figcaption>\n</figure>\n", m.Number, esc(m.Caption))
}
