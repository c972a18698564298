package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"qcode/corpus"
	"qcode/corpus/printable"
)

// formats every listing accepts.
var listFormats = []string{"table", "md", "csv", "json"}

// formatFlag adds --format to a listing command.
func formatFlag(cmd *cobra.Command, target *string) {
	cmd.Flags().StringVar(target, "format", "table", "output format: "+strings.Join(listFormats, ", ")+" (csv is for spreadsheets: a cell that would run as a formula gets a ' before it)")
}

func checkFormat(format string, allowed []string) error {
	for _, f := range allowed {
		if f == format {
			return nil
		}
	}
	return usagef("--format %s: use one of %s", format, strings.Join(allowed, ", "))
}

// table is a listing before it is rendered.
type table struct {
	head []string
	rows [][]string
	// fill is the column that absorbs the terminal's width (long text is
	// cut with …); -1 for none.
	fill int
}

// write renders t as format, or writes asJSON for "json". Every cell is
// made printable first: text from a project never reaches a terminal or a
// file as a control character.
func (t table) write(w io.Writer, format string, asJSON any) error {
	if format == "json" {
		return writeJSON(w, asJSON)
	}
	t = t.printable()
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(spreadsheetRow(t.head))
		for _, r := range t.rows {
			cw.Write(spreadsheetRow(r))
		}
		cw.Flush()
		return cw.Error()
	case "md":
		return t.markdown(w)
	default:
		return t.plain(w, termWidth(w))
	}
}

// printable returns a copy of t whose cells are safe to print.
func (t table) printable() table {
	out := table{head: make([]string, len(t.head)), rows: make([][]string, len(t.rows)), fill: t.fill}
	for i, h := range t.head {
		out.head[i] = printable.String(h)
	}
	for i, r := range t.rows {
		row := make([]string, len(r))
		for j, c := range r {
			row[j] = printable.String(c)
		}
		out.rows[i] = row
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(jsonEscapeControls(b.Bytes()))
	return err
}

// jsonEscapeControls writes as \uXXXX escapes the characters encoding/json
// leaves raw but a terminal would obey: DEL, C1 controls and bidi
// overrides (it escapes C0 controls itself). Outside strings JSON is ASCII,
// so every such rune is inside a string and the data stay the same.
func jsonEscapeControls(data []byte) []byte {
	if _, _, found := printable.Find(string(data)); !found {
		return data
	}
	var out bytes.Buffer
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if printable.Unsafe(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.Write(data[:size])
		}
		data = data[size:]
	}
	return out.Bytes()
}

func (t table) markdown(w io.Writer) error {
	esc := func(s string) string {
		s = strings.ReplaceAll(s, "|", `\|`)
		return strings.ReplaceAll(s, "\n", "<br>")
	}
	line := func(cells []string) {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = esc(c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(out, " | "))
	}
	line(t.head)
	sep := make([]string, len(t.head))
	for i := range sep {
		sep[i] = "---"
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(sep, " | "))
	for _, r := range t.rows {
		line(r)
	}
	return nil
}

// plain writes aligned columns; with a width, the fill column is cut to fit.
func (t table) plain(w io.Writer, width int) error {
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	widths := make([]int, len(t.head))
	for i, h := range t.head {
		widths[i] = ansi.StringWidth(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			if n := ansi.StringWidth(oneLine(c)); n > widths[i] {
				widths[i] = n
			}
		}
	}
	if width > 0 && t.fill >= 0 && t.fill < len(widths) {
		used := 0
		for i, n := range widths {
			if i != t.fill {
				used += n + 2
			}
		}
		if room := width - used; room < widths[t.fill] {
			widths[t.fill] = max(room, 10)
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			c = ansi.Truncate(oneLine(c), widths[i], "…")
			if i == len(cells)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(t.head)
	for _, r := range t.rows {
		line(r)
	}
	return nil
}

// spreadsheetRow makes a listing's CSV row safe to open in a spreadsheet:
// no cell runs as a formula (corpus.SpreadsheetCell). codings export does
// not use it: codings import reads its cells back as they are.
func spreadsheetRow(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = corpus.SpreadsheetCell(c)
	}
	return out
}
