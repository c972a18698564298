package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/coding/report"
	"qcode/corpus/printable"
)

// reportView is the `r` view: the frequency table for the current filter
// with bars, split by an attribute with b; enter lists a code's quotes (s
// stars from there); x writes the Markdown report.
type reportView struct {
	q       coding.ReportQuery
	scope   string // who and what is counted, in words
	attrs   []string
	loading bool
	err     error
	rep     coding.Report
	cursor  int
	offset  int
	quotes  *quoteList
	zeros   bool // show codes nobody applied
	col     int  // the first column of the split shown (←/→ scroll)
}

// rows are the report's rows the table shows: without codes nobody applied,
// unless z asked for them.
func (v *reportView) rows() []coding.ReportRow {
	if v.zeros {
		return v.rep.Codes
	}
	out := make([]coding.ReportRow, 0, len(v.rep.Codes))
	for _, r := range v.rep.Codes {
		if r.Segments > 0 {
			out = append(out, r)
		}
	}
	return out
}

type quoteList struct {
	path    string
	loading bool
	err     error
	quotes  []coding.Quote
	cursor  int
}

type reportMsg struct {
	q   coding.ReportQuery
	rep coding.Report
	err error
}

type quotesMsg struct {
	path string
	bank coding.QuoteBank
	err  error
}

type exportMsg struct {
	path string
	list string // the companion file listing the redactions ("" none)
	hits int
	err  error
}

// newReportView opens the view on the current filter's scope.
func newReportView(m *Model) (overlay, tea.Cmd) {
	v := &reportView{}
	v.q.Coders = m.visibleNames()
	v.scope = "your codings"
	switch {
	case m.showAll:
		v.scope = "every coder's codings"
	case m.opts.Coder == coding.Consensus:
		// Consensus is derived from everyone's codings (even before the
		// first settle gives it codings of its own): the team's final
		// coding, which the report, its quotes and x's document read.
		v.q.Coders = []string{coding.Consensus}
		v.scope = "consensus"
	}
	if m.query.Code != "" {
		v.q.Codes = m.query.Code
	}
	if m.query.Attr.Name != "" {
		v.q.By = m.query.Attr.Name // the filter's attribute becomes the split
	}
	s := m.store
	attrs := func() tea.Msg {
		a, err := s.AttributeValues()
		return attrsMsg{a, err}
	}
	return v, tea.Batch(v.load(m), attrs)
}

func (v *reportView) load(m *Model) tea.Cmd {
	s, q := m.store, v.q
	v.loading = true
	return func() tea.Msg {
		rep, err := s.Report(q)
		return reportMsg{q, rep, err}
	}
}

func (m *Model) reportLoaded(msg reportMsg) {
	if v, ok := m.overlay.(*reportView); ok && msg.q.By == v.q.By {
		v.loading, v.rep, v.err = false, msg.rep, msg.err
		v.cursor = step(v.cursor, 0, len(v.rows()))
		v.scrollColumns(m, 0)
	}
}

func (m *Model) quotesLoaded(msg quotesMsg) {
	v, ok := m.overlay.(*reportView)
	if !ok || v.quotes == nil || v.quotes.path != msg.path {
		return
	}
	ql := v.quotes
	ql.loading, ql.err = false, msg.err
	for _, g := range msg.bank.Groups {
		ql.quotes = append(ql.quotes, g.Quotes...)
	}
	if n := len(msg.bank.Warnings); n > 0 {
		m.status.set(fmt.Sprintf("%d personal details in these quotes (names, e-mail, phone): x's report redacts them", n), statusInfo)
	}
}

func (m *Model) exported(msg exportMsg) {
	if msg.err != nil {
		m.status.set("report not written: "+msg.err.Error(), statusError)
		return
	}
	text := "wrote " + msg.path
	if msg.hits > 0 {
		text += fmt.Sprintf(" · %d personal details redacted, listed in %s", msg.hits, filepath.Base(msg.list))
	}
	m.status.set(text, statusOK)
}

func (v *reportView) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if v.quotes != nil {
		return v.quoteKey(m, msg)
	}
	switch msg.String() {
	case "esc", "q", "r":
		return true, nil
	case "j", "down":
		v.cursor = step(v.cursor, 1, len(v.rows()))
	case "k", "up":
		v.cursor = max(v.cursor-1, 0)
	case "z":
		v.zeros = !v.zeros
		v.cursor = 0
	case "b":
		// Cycle the split: none, then each attribute.
		next := ""
		for i, a := range v.attrs {
			if a == v.q.By && i+1 < len(v.attrs) {
				next = v.attrs[i+1]
			}
		}
		if v.q.By == "" && len(v.attrs) > 0 {
			next = v.attrs[0]
		}
		v.q.By, v.col = next, 0
		return false, v.load(m)
	case "right", "l":
		v.scrollColumns(m, 1)
	case "left", "h":
		v.scrollColumns(m, -1)
	case "enter":
		if rows := v.rows(); v.cursor >= 0 && v.cursor < len(rows) {
			path := rows[v.cursor].Path
			v.quotes = &quoteList{path: path, loading: true}
			s, coders := m.store, v.q.Coders
			return false, func() tea.Msg {
				bank, err := s.Quotes(coding.QuoteQuery{Code: path, Coders: coders})
				for _, g := range bank.Groups {
					for i := range g.Quotes {
						q := &g.Quotes[i]
						q.Text, q.Attribution = printable.String(q.Text), printable.String(q.Attribution)
					}
				}
				return quotesMsg{path, bank, err}
			}
		}
	case "x":
		return false, v.export(m)
	}
	return false, nil
}

// export writes the Markdown report next to the project (PROJECT-report.md),
// redacted as `qcode export` is, atomically and with mode 0600. The
// personal details it replaced are listed, with their segments, in a
// companion file beside it (PROJECT-report-redactions.txt, also 0600; gone
// when there are none), since a status line cannot hold the list; the
// status line gives the count.
func (v *reportView) export(m *Model) tea.Cmd {
	s := m.store
	base := strings.TrimSuffix(s.Path(), filepath.Ext(s.Path()))
	path, list := base+"-report.md", base+"-report-redactions.txt"
	opts := report.ExportOptions{Coders: v.q.Coders, By: v.q.By, Redact: true}
	m.status.set("writing "+path+"…", statusPending)
	return func() tea.Msg {
		var doc bytes.Buffer
		hits, err := report.ExportMarkdown(s, &doc, opts)
		if err == nil {
			err = coding.WriteExportFile(path, doc.Bytes())
		}
		if err != nil {
			return exportMsg{path: path, err: err}
		}
		if len(hits) == 0 {
			if err := os.Remove(list); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return exportMsg{path: path, err: err}
			}
			return exportMsg{path: path}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Personal details replaced with [email], [phone] or [name] in %s (%d):\n", filepath.Base(path), len(hits))
		for _, h := range hits {
			b.WriteString(printable.String(h.String()) + "\n")
		}
		b.WriteString("`qcode export --no-redact` writes the report with them as coded.\n")
		return exportMsg{path: path, list: list, hits: len(hits), err: coding.WriteExportFile(list, []byte(b.String()))}
	}
}

func (v *reportView) quoteKey(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	ql := v.quotes
	switch msg.String() {
	case "esc", "q":
		v.quotes = nil
		return false, v.load(m) // stars may have changed the examples
	case "j", "down":
		ql.cursor = step(ql.cursor, 1, len(ql.quotes))
	case "k", "up":
		ql.cursor = max(ql.cursor-1, 0)
	case "s":
		if ql.cursor >= 0 && ql.cursor < len(ql.quotes) {
			q := &ql.quotes[ql.cursor]
			on := !q.Starred
			keys, actor := q.Codings, m.opts.Coder
			return false, m.enqueue(write{
				pending: "star a quote of " + q.Path,
				seg:     q.Ref,
				do: func(s *coding.Store) (coding.ActionResult, error) {
					return s.SetStars(actor, keys, on)
				},
				after: func(*Model) { q.Starred = on },
			})
		}
	}
	return false, nil
}

func (v *reportView) view(m *Model) string {
	w, h := tableWidth(m)+4, max(8, m.height-4)
	var body string
	if v.quotes != nil {
		body = v.renderQuotes(m, w-4, h-2)
	} else {
		body = v.renderTable(m, w-4, h-2)
	}
	return m.st.Overlay.Width(w).MaxHeight(h + 2).Render(body)
}

// bar draws a horizontal bar of frac (0–1) in width cells, with eighths.
func bar(frac float64, width int) string {
	if frac <= 0 || width <= 0 {
		return ""
	}
	eighths := int(frac*float64(width*8) + 0.5)
	if eighths == 0 {
		eighths = 1
	}
	full, rest := eighths/8, eighths%8
	return strings.Repeat("█", full) + []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}[rest]
}

func (v *reportView) renderTable(m *Model, w, h int) string {
	title := m.st.OverlayTitle.Render("Report")
	switch {
	case v.loading && len(v.rep.Codes) == 0:
		return title + "\n\n" + m.st.Dim.Render("counting…")
	case v.err != nil:
		return title + "\n\n" + m.st.StatusErr.Render(v.err.Error())
	}
	r := v.rep
	unit := "cases"
	if r.Unit != "" && r.Unit != "case" {
		unit = r.Unit + "s"
	}
	n := unit
	if n == "cases" {
		n = "participants" // a case is a participant; interviewer turns are not counted
	}
	scope := v.scope
	if c := r.Consensus; c != nil && c.Unsettled > 0 {
		scope += fmt.Sprintf(" (%d of %d disagreements not yet settled)", c.Unsettled, c.Disagreements)
	}
	head := fmt.Sprintf(" · %s · n = %d %s, %d segments", scope, r.CasesTotal, n, r.SegmentsTotal)
	if v.q.Codes != "" {
		head += " · " + v.q.Codes
	}
	lines := []string{title + m.st.Dim.Render(ansi.Truncate(head, w-8, "…"))}

	rows := v.rows()
	l := v.layout(w)
	first, last := l.first, l.first+l.fit // the columns shown
	header := padRight("code", l.nameW) + fmt.Sprintf(" %6s %6s %7s", "segs", ansi.Truncate(unit, 6, ""), "%")
	if len(r.Columns) > 0 {
		// Each column its own header (cut to the column), its n, and its
		// own figures and bar in every row.
		sub := strings.Repeat(" ", l.nameW+22)
		for _, c := range r.Columns[first:last] {
			header += " " + padRight(ansi.Truncate(c.Value, splitColW-1, "…"), splitColW-1)
			sub += " " + padRight(fmt.Sprintf("n = %d", c.Cases), splitColW-1)
		}
		lines = append(lines, m.st.Bold.Render(header), m.st.Dim.Render(sub))
	} else {
		lines = append(lines, m.st.Bold.Render(header))
	}
	maxPct := 0.0 // bars are scaled to the largest figure they show
	for _, row := range rows {
		if len(r.Columns) == 0 {
			maxPct = max(maxPct, row.PercentCases)
		}
		for _, c := range r.Columns[first:last] {
			maxPct = max(maxPct, row.By[c.Value].PercentCases)
		}
	}
	room := max(3, h-len(lines)-3)
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if v.cursor >= v.offset+room {
		v.offset = v.cursor - room + 1
	}
	barW := max(0, w-l.nameW-26)
	for i := v.offset; i < len(rows) && i < v.offset+room; i++ {
		row := rows[i]
		colour := colorStyle(colorOr(m.book.ColorOf(row.Code), "#6e7781"))
		name := ansi.Truncate(strings.Repeat("  ", row.Depth)+row.Name, l.nameW, "…")
		line := padRight(name, l.nameW) + fmt.Sprintf(" %6d %6d %7s", row.Segments, row.Cases, coding.Percent(row.PercentCases))
		for _, c := range r.Columns[first:last] {
			cell := row.By[c.Value]
			figures := fmt.Sprintf("%4d %4s ", cell.Cases, coding.Percent(cell.PercentCases))
			if maxPct > 0 {
				figures += colour.Render(bar(cell.PercentCases/maxPct, splitColW-11))
			}
			line += " " + padRight(ansi.Truncate(figures, splitColW-1, "…"), splitColW-1)
		}
		if len(r.Columns) == 0 && barW > 0 && maxPct > 0 {
			line += " " + colour.Render(bar(row.PercentCases/maxPct, barW))
		}
		if i == v.cursor {
			line = m.st.ItemSelected.Render(ansi.Strip(line))
		}
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		lines = append(lines, m.st.Dim.Render("nothing coded in scope yet"))
	}
	zeros := "z show codes nobody applied"
	if hidden := len(r.Codes) - len(rows); hidden > 0 {
		zeros = fmt.Sprintf("z show the %d codes nobody applied", hidden)
	} else if v.zeros {
		zeros = "z hide codes nobody applied"
	}
	split, scale := "b split by an attribute", "bars: % of "+unit+", scaled to the largest"
	if v.q.By != "" {
		split = "b split: " + v.q.By
		scale = "bars: % of each column's " + unit + ", scaled to the largest"
		if n := len(r.Columns); l.fit < n {
			var off []string
			if first > 0 {
				off = append(off, fmt.Sprintf("%d ←", first))
			}
			if n > last {
				off = append(off, fmt.Sprintf("%d →", n-last))
			}
			shown := fmt.Sprintf("columns %d–%d", first+1, last)
			if l.fit == 1 {
				shown = fmt.Sprintf("column %d", last)
			}
			split += fmt.Sprintf(" · %s of %d, off screen: %s (←/→ scroll)", shown, n, strings.Join(off, ", "))
		}
	}
	lines = append(lines, "", m.st.Dim.Render(ansi.Wrap(scale+" · "+split+" · "+zeros+" · enter quotes · x write the Markdown report · esc close", w, " ")))
	return strings.Join(lines, "\n")
}

// splitColW is a split column's width in cells, its separator included:
// cases, percent and a bar, under a header cut to fit.
const splitColW = 16

// tableLayout is how the report's table fits its width.
type tableLayout struct {
	nameW int // the code column
	fit   int // split columns shown at once
	first int // the first shown
}

// layout fits the table into w cells: the code column takes a third (a
// quarter when split, to leave room for columns), then as many split
// columns as fit, from v.col, kept so that the last page is full.
func (v *reportView) layout(w int) tableLayout {
	n := len(v.rep.Columns)
	if n == 0 {
		return tableLayout{nameW: min(40, max(16, w/3))}
	}
	// Narrow: the code column gives way, so that one column always fits.
	l := tableLayout{nameW: max(8, min(40, max(16, w/4), w-22-splitColW))}
	l.fit = min(n, max(1, (w-l.nameW-22)/splitColW))
	l.first = max(0, min(v.col, n-l.fit))
	return l
}

// tableWidth is the width the table is drawn in (see view).
func tableWidth(m *Model) int { return max(40, m.width-2) - 4 }

// scrollColumns moves the split's columns by d, within what there is.
func (v *reportView) scrollColumns(m *Model, d int) {
	l := v.layout(tableWidth(m))
	v.col = max(0, min(l.first+d, len(v.rep.Columns)-l.fit))
}

func (v *reportView) renderQuotes(m *Model, w, h int) string {
	ql := v.quotes
	title := m.st.OverlayTitle.Render("Quotes · " + ql.path)
	switch {
	case ql.loading:
		return title + "\n\n" + m.st.Dim.Render("collecting quotes…")
	case ql.err != nil:
		return title + "\n\n" + m.st.StatusErr.Render(ql.err.Error())
	case len(ql.quotes) == 0:
		return title + "\n\n" + m.st.Dim.Render("no coded passages yet") + "\n\n" + m.st.Dim.Render("esc back")
	}
	lines := []string{title + m.st.Dim.Render(fmt.Sprintf(" · %d quotes", len(ql.quotes))), ""}
	room := max(4, h-4)
	start := max(0, ql.cursor-room/3)
	for i := start; i < len(ql.quotes) && len(lines) < room; i++ {
		q := ql.quotes[i]
		star := "  "
		if q.Starred {
			star = "★ "
		}
		text := strings.Split(ansi.Wordwrap("“"+q.Text+"”", w-4, " "), "\n")
		if len(text) > 3 {
			text = append(text[:2], ansi.Truncate(strings.Join(text[2:], " "), w-4, "…"))
		}
		if q.Attribution != "" {
			text = append(text, m.st.Dim.Render("("+ansi.Truncate(q.Attribution, w-6, "…")+")"))
		}
		for j, l := range text {
			prefix := "  "
			if j == 0 {
				prefix = star
			}
			l = prefix + l
			if i == ql.cursor {
				l = m.st.ItemSelected.Render(ansi.Strip(l))
			}
			lines = append(lines, l)
		}
		if i < len(ql.quotes)-1 {
			lines = append(lines, "")
		}
	}
	lines = append(lines, "", m.st.Dim.Render("j/k move · s star as a report quote · esc back"))
	return strings.Join(lines, "\n")
}

func colorStyle(hex string) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(lipgloss.Color(hex))
}
