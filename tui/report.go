package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/coding/report"
	"qcode/corpus/printable"
)

// reportView is the `r` view: the frequency table for the current filter
// with bars, split by an attribute with b (←/→ scroll its columns); enter
// lists a code's quotes (quoteList); x writes the Markdown report.
type reportView struct {
	c       common
	keys    reportKeys
	q       coding.ReportQuery
	scope   string // who and what is counted, in words
	attrs   []string
	loading bool
	err     error
	rep     coding.Report
	cursor  int
	offset  int
	zeros   bool // show codes nobody applied
	col     int  // the first column of the split shown (←/→ scroll)

	width, height int
}

type reportKeys struct {
	Down, Up, Zeros, Split, Right, Left, Quotes, Cooccur, Write, Close key.Binding
}

func newReportKeys() reportKeys {
	return reportKeys{
		Down:    bind("j/↓", "next code", "j", "down"),
		Up:      bind("k/↑", "previous code", "k", "up"),
		Zeros:   bind("z", "show / hide codes nobody applied", "z"),
		Split:   bind("b", "split by the next attribute", "b"),
		Right:   bind("→/l", "split: next column", "right", "l"),
		Left:    bind("←/h", "split: previous column", "left", "h"),
		Quotes:  bind("enter", "the code's quotes", "enter"),
		Cooccur: bind("o", "co-occurrence table (heat map)", "o"),
		Write:   bind("x", "write the Markdown report", "x"),
		Close:   bind("esc", "close", "esc", "q", "r"),
	}
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

type reportMsg struct {
	q   coding.ReportQuery
	rep coding.Report
	err error
}

// newReportView opens the view on the current filter's scope.
func newReportView(c common) (*reportView, tea.Cmd) {
	p := c.proj
	v := &reportView{c: c, keys: newReportKeys()}
	v.q.Coders = p.visibleNames()
	v.scope = "your codings"
	switch {
	case p.showAll:
		v.scope = "every coder's codings"
	case p.who == coding.Consensus:
		// Consensus is derived from everyone's codings (even before the
		// first settle gives it codings of its own): the team's final
		// coding, which the report, its quotes and x's document read.
		v.q.Coders = []string{coding.Consensus}
		v.scope = "consensus"
	}
	if p.query.Code != "" {
		v.q.Codes = p.query.Code
	}
	for _, t := range p.query.Terms() {
		if t.Kind == coding.TermAttr {
			v.q.By = t.Name // the filter's (first) attribute becomes the split
			break
		}
	}
	return v, tea.Batch(v.load(), attrsCmd(c.store))
}

func (v *reportView) title() string { return "Keys of the report" }

func (v *reportView) ShortHelp() []key.Binding {
	k := v.keys
	return []key.Binding{brief(k.Quotes, "quotes"), brief(k.Cooccur, "co-occurrence"), brief(k.Split, "split"), brief(k.Zeros, "zeros"), brief(k.Write, "write .md"), k.Close}
}

func (v *reportView) FullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.Down, k.Up, k.Quotes, k.Cooccur, k.Zeros}, {k.Split, k.Right, k.Left, k.Write, k.Close}}
}

func (v *reportView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.scroll()
}

func (v *reportView) load() tea.Cmd {
	s, q := v.c.store, v.q
	v.loading = true
	return func() tea.Msg {
		rep, err := s.Report(q)
		return reportMsg{q, rep, err}
	}
}

// reportStaleMsg says stars may have changed the report's examples: the
// quote list posts it when it closes.
type reportStaleMsg struct{}

func (v *reportView) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd = v.key(msg)
	case reportMsg:
		if msg.q.By == v.q.By {
			v.loading, v.rep, v.err = false, msg.rep, msg.err
			v.cursor = step(v.cursor, 0, len(v.rows()))
			v.scrollColumns(0)
		}
	case attrsMsg:
		if msg.err == nil {
			v.attrs = v.attrs[:0]
			for _, a := range msg.attrs {
				v.attrs = append(v.attrs, a.Name)
			}
		}
	case reportStaleMsg:
		cmd = v.load()
	}
	v.scroll()
	return cmd
}

func (v *reportView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.keys
	switch {
	case key.Matches(msg, k.Close):
		v.c.post(closeMsg{v})
	case key.Matches(msg, k.Down):
		v.cursor = step(v.cursor, 1, len(v.rows()))
	case key.Matches(msg, k.Up):
		v.cursor = max(v.cursor-1, 0)
	case key.Matches(msg, k.Zeros):
		v.zeros = !v.zeros
		v.cursor = 0
	case key.Matches(msg, k.Split):
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
		return v.load()
	case key.Matches(msg, k.Right):
		v.scrollColumns(1)
	case key.Matches(msg, k.Left):
		v.scrollColumns(-1)
	case key.Matches(msg, k.Quotes):
		if rows := v.rows(); v.cursor >= 0 && v.cursor < len(rows) {
			ql, cmd := newQuoteList(v.c, rows[v.cursor].Path, v.q.Coders)
			v.c.post(openMsg{ql})
			return cmd
		}
	case key.Matches(msg, k.Cooccur):
		co, cmd := newCooccurView(v.c, v)
		v.c.post(openMsg{co})
		return cmd
	case key.Matches(msg, k.Write):
		return v.export()
	}
	return nil
}

// exported says how the export went, in the status line (it is said
// even if the view was closed meanwhile).
func exported(path, list string, hits int, err error) tea.Msg {
	if err != nil {
		return statusMsg{"report not written: " + err.Error(), statusError}
	}
	text := "wrote " + path
	if hits > 0 {
		text += " · " + plural(hits, "personal detail", "personal details") + " redacted, listed in " + filepath.Base(list)
	}
	return statusMsg{text, statusOK}
}

// export writes the Markdown report next to the project (PROJECT-report.md),
// redacted as `qcode export` is, atomically and with mode 0600. The
// personal details it replaced are listed, with their segments, in a
// companion file beside it (PROJECT-report-redactions.txt, also 0600; gone
// when there are none), since a status line cannot hold the list; the
// status line gives the count.
func (v *reportView) export() tea.Cmd {
	s := v.c.store
	base := strings.TrimSuffix(s.Path(), filepath.Ext(s.Path()))
	path, list := base+"-report.md", base+"-report-redactions.txt"
	opts := report.ExportOptions{Coders: v.q.Coders, By: v.q.By, Redact: true}
	v.c.say("writing "+path+"…", statusPending)
	return func() tea.Msg {
		var doc bytes.Buffer
		hits, err := report.ExportMarkdown(s, &doc, opts)
		if err == nil {
			err = coding.WriteExportFile(path, doc.Bytes())
		}
		if err != nil {
			return exported(path, list, 0, err)
		}
		if len(hits) == 0 {
			if err := os.Remove(list); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return exported(path, list, 0, err)
			}
			return exported(path, list, 0, nil)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Personal details replaced with [email], [phone] or [name] in %s (%d):\n", filepath.Base(path), len(hits))
		for _, h := range hits {
			b.WriteString(printable.String(h.String()) + "\n")
		}
		b.WriteString("`qcode export --no-redact` writes the report with them as coded.\n")
		return exported(path, list, len(hits), coding.WriteExportFile(list, []byte(b.String())))
	}
}

// tableWidth is the width the table is drawn in: the page's, inside its
// border and padding.
func (v *reportView) tableWidth() int { return max(20, v.width-v.c.st.Page.GetHorizontalFrameSize()) }

// unit names what the report counts ("cases", or the --unit's plural).
func (v *reportView) unit() string {
	if u := v.rep.Unit; u != "" && u != "case" {
		return u + "s"
	}
	return "cases"
}

// headH is the number of lines above the rows: the title and the header
// (with each split column's n under it).
func (v *reportView) headH() int {
	if len(v.rep.Columns) > 0 {
		return 3
	}
	return 2
}

// room is how many rows fit between the header and the keys.
func (v *reportView) room() int {
	inner := v.height - v.c.st.Page.GetVerticalFrameSize()
	return max(3, inner-v.headH()-1-len(v.foot(v.tableWidth())))
}

// scroll keeps the cursor's row in view.
func (v *reportView) scroll() {
	room := v.room()
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if v.cursor >= v.offset+room {
		v.offset = v.cursor - room + 1
	}
	v.offset = max(0, min(v.offset, len(v.rows())-room))
}

func (v *reportView) View() string {
	st := v.c.st
	return st.Page.Width(v.width).Height(v.height).MaxHeight(v.height).Render(v.renderTable(v.tableWidth()))
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

func (v *reportView) renderTable(w int) string {
	st, book := v.c.st, v.c.proj.book
	title := st.OverlayTitle.Render("Report")
	switch {
	case v.loading && len(v.rep.Codes) == 0:
		return title + "\n\n" + st.Dim.Render("counting…")
	case v.err != nil:
		return title + "\n\n" + st.StatusErr.Render(v.err.Error())
	}
	r := v.rep
	unit := v.unit()
	n := unit
	if n == "cases" {
		n = "participants" // a case is a participant; interviewer turns are not counted
	}
	scope := v.scope
	if c := r.Consensus; c != nil && c.Unsettled > 0 {
		scope += fmt.Sprintf(" (%d of %s not yet settled)", c.Unsettled, plural(c.Disagreements, "disagreement", "disagreements"))
	}
	head := fmt.Sprintf(" · %s · n = %d %s, %s", scope, r.CasesTotal, n, plural(r.SegmentsTotal, "segment", "segments"))
	if v.q.Codes != "" {
		head += " · " + v.q.Codes
	}
	lines := []string{title + st.Dim.Render(ansi.Truncate(head, w-8, "…"))}

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
		lines = append(lines, st.Bold.Render(header), st.Dim.Render(sub))
	} else {
		lines = append(lines, st.Bold.Render(header))
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
	room := v.room()
	barW := max(0, w-l.nameW-26)
	for i := v.offset; i < len(rows) && i < v.offset+room; i++ {
		row := rows[i]
		colour := colorStyle(colorOr(book.ColorOf(row.Code), "#6e7781"))
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
			line = st.ItemSelected.Render(ansi.Strip(line))
		}
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		lines = append(lines, st.Dim.Render("nothing coded in scope yet"))
	}
	for len(lines) < v.headH()+room { // the keys at the foot of the page
		lines = append(lines, "")
	}
	lines = append(lines, "")
	lines = append(lines, v.foot(w)...)
	return strings.Join(lines, "\n")
}

// foot is the line (or lines) of keys and notes under the table, w wide:
// what the bars show, the split and its columns off screen, the codes
// hidden.
func (v *reportView) foot(w int) []string {
	r, rows, l := v.rep, v.rows(), v.layout(w)
	first, last := l.first, l.first+l.fit
	unit := v.unit()
	zeros := "z show codes nobody applied"
	if hidden := len(r.Codes) - len(rows); hidden > 0 {
		zeros = "z show the " + plural(hidden, "code", "codes") + " nobody applied"
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
	text := ansi.Wrap(scale+" · "+split+" · "+zeros+" · enter quotes · o co-occurrence · x write the Markdown report · esc close", max(1, w), " ")
	return strings.Split(v.c.st.Dim.Render(text), "\n")
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

// scrollColumns moves the split's columns by d, within what there is.
func (v *reportView) scrollColumns(d int) {
	l := v.layout(v.tableWidth())
	v.col = max(0, min(l.first+d, len(v.rep.Columns)-l.fit))
}
