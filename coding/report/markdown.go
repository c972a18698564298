package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"qcode/coding"
	"qcode/corpus/printable"
)

// WriteMarkdown writes a Document as Markdown that renders on GitHub as
// it is: tables as pipe tables with their caption above ("**Table 2.**"),
// charts and the thematic map as Mermaid with their caption below
// ("**Figure 3.**"), quotes as block quotes with the attribution below.
// Text from the project is escaped; the researcher's Markdown is copied.
func WriteMarkdown(w io.Writer, d *Document) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n\n", coding.EscapeMarkdown(d.Title))
	if !d.Date.IsZero() {
		fmt.Fprintf(bw, "Report written by qcode on %s.\n\n", d.Date.Format("2 January 2006"))
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case *Heading:
			fmt.Fprintf(bw, "%s %s\n\n", strings.Repeat("#", b.Level), coding.EscapeMarkdown(b.Text))
		case *Markdown:
			if src := strings.TrimSpace(printable.String(b.Source)); src != "" {
				fmt.Fprintf(bw, "%s\n\n", src)
			}
		case *Table:
			mdTable(bw, b)
		case *Quote:
			mdQuote(bw, b)
		case *Chart:
			mdChart(bw, b)
		case *Map:
			mdMap(bw, b)
		}
	}
	return bw.Flush()
}

// mdCell is text fit for a table cell: escaped, on one line.
func mdCell(s string) string {
	return coding.EscapeMarkdown(strings.Join(strings.Fields(s), " "))
}

func mdTable(w io.Writer, t *Table) {
	fmt.Fprintf(w, "**Table %d.** %s\n\n", t.Number, mdCell(t.Caption))
	head := make([]string, len(t.Head))
	align := make([]string, len(t.Head))
	for i, h := range t.Head {
		head[i] = mdCell(h)
		align[i] = "---"
		if i < len(t.Align) && t.Align[i] == Right {
			align[i] = "---:"
		}
	}
	fmt.Fprintf(w, "| %s |\n| %s |\n", strings.Join(head, " | "), strings.Join(align, " | "))
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			text := mdCell(c.Text)
			if c.Bold && text != "" {
				text = "**" + text + "**"
			}
			// GitHub keeps &emsp; where it trims spaces.
			note := mdCell(c.Note)
			if note != "" && strings.HasPrefix(c.Note, " ") {
				note = " " + note
			}
			cells[i] = strings.Repeat("&emsp;", max(c.Indent, 0)) + text + note
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
}

func mdQuote(w io.Writer, q *Quote) {
	for _, line := range strings.Split(q.Text, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			fmt.Fprintln(w, ">")
			continue
		}
		fmt.Fprintf(w, "> %s\n", coding.EscapeMarkdownLine(line))
	}
	fmt.Fprintln(w)
	var tail []string
	if q.Attribution != "" {
		tail = append(tail, "("+coding.EscapeMarkdown(q.Attribution)+")")
	}
	if q.IDs != "" {
		tail = append(tail, "— "+coding.EscapeMarkdown(q.IDs))
	}
	if len(tail) > 0 {
		fmt.Fprintf(w, "%s\n\n", strings.Join(tail, " "))
	}
}

// mdChart is a Mermaid horizontal bar chart (xychart-beta).
func mdChart(w io.Writer, c *Chart) {
	labels := make([]string, len(c.Labels))
	values := make([]string, len(c.Values))
	top := 0
	for i, l := range c.Labels {
		labels[i] = `"` + coding.MermaidLabel(l) + `"`
		values[i] = fmt.Sprint(c.Values[i])
		top = max(top, c.Values[i])
	}
	fmt.Fprintf(w, "```mermaid\nxychart-beta horizontal\n")
	fmt.Fprintf(w, "  title \"%s\"\n", coding.MermaidLabel(c.Title))
	fmt.Fprintf(w, "  x-axis [%s]\n", strings.Join(labels, ", "))
	fmt.Fprintf(w, "  y-axis \"%s\" 0 --> %d\n", coding.MermaidLabel(c.Axis), max(top, 1))
	fmt.Fprintf(w, "  bar [%s]\n", strings.Join(values, ", "))
	fmt.Fprintf(w, "```\n\n")
	fmt.Fprintf(w, "**Figure %d.** %s\n\n", c.Number, coding.EscapeMarkdown(c.Caption))
}

// mdMap is the thematic map as a Mermaid mindmap.
func mdMap(w io.Writer, m *Map) {
	fmt.Fprintf(w, "```mermaid\nmindmap\n")
	fmt.Fprintf(w, "  root((\"%s\"))\n", coding.MermaidLabel(m.Root))
	for i, n := range m.Nodes {
		fmt.Fprintf(w, "%s  n%d[\"%s\"]\n", strings.Repeat("  ", n.Depth+1), i+1, coding.MermaidLabel(n.Label))
	}
	fmt.Fprintf(w, "```\n\n")
	fmt.Fprintf(w, "**Figure %d.** %s\n\n", m.Number, coding.EscapeMarkdown(m.Caption))
}
