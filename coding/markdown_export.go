package coding

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// ExportQuotesPerCode is how many quotes per code the report document's
// quote bank holds unless asked otherwise: enough to choose from, few
// enough to read.
const ExportQuotesPerCode = 5

// ExportOptions say what goes into the Markdown report document.
type ExportOptions struct {
	Coders      []string        // coders whose codings count; nil: any coder
	Source      string          // only this source (printed by its title: SourceLabel)
	Where       []AttrCondition // only segments that meet every condition
	Unit        string          // attribute counted instead of cases ("" cases)
	By          string          // attribute whose values split the frequency tables ("" none)
	Attribution string          // attribution template ("" DefaultAttribution)
	// PerCode is how many quotes per code the quote bank holds, starred
	// first: 0 ExportQuotesPerCode (what the TUI's export asks), < 0 all
	// (the command line's --per-code 0).
	PerCode int
	ShowIDs bool // name segments and cases beside quotes
	Redact  bool // replace personal details found with [email], [phone], [name]
	Date    time.Time
	// Memos appends the project's memos (of Source's, when set), headed
	// anonymously unless ShowIDs and redacted like the quotes.
	Memos bool
}

// ExportMarkdown writes the whole report document: a summary, the
// thematic map (a Mermaid mindmap), per theme a frequency table and a bar
// chart, per code group (Kirkpatrick) a table of levels with an example,
// the quote bank, and with opts.Memos the memos. It returns the personal details found in quotes,
// attributions and in the values printed as column headers (replaced when
// opts.Redact).
func (s *Store) ExportMarkdown(w io.Writer, opts ExportOptions) ([]PIIHit, error) {
	q := ReportQuery{Coders: opts.Coders, Source: opts.Source, Where: opts.Where, Unit: opts.Unit, By: opts.By,
		Attribution: opts.Attribution, Redact: opts.Redact}
	rep, err := s.Report(q)
	if err != nil {
		return nil, err
	}
	if opts.Unit != "" { // the attributes as stored, whatever case they were asked in
		opts.Unit = rep.Unit
	}
	if opts.By != "" {
		opts.By = rep.By
	}
	book := s.Codebook()
	// Code groups get a table with an example per level.
	groupRows := map[CodeID]ReportRow{}
	var hits []PIIHit
	for _, theme := range book.Children(0) {
		if !theme.Group {
			continue
		}
		gq := q
		gq.Codes, gq.By, gq.Examples = theme.Path, "", true
		gr, err := s.Report(gq)
		if err != nil {
			return nil, err
		}
		for _, r := range gr.Codes {
			groupRows[r.Code] = r
		}
		hits = append(hits, gr.Warnings...)
	}
	perCode := opts.PerCode
	switch {
	case perCode == 0:
		perCode = ExportQuotesPerCode
	case perCode < 0:
		perCode = 0 // Quotes: no limit
	}
	bank, err := s.Quotes(QuoteQuery{PerCode: perCode, Coders: opts.Coders, Source: opts.Source, Where: opts.Where,
		Attribution: opts.Attribution, ShowIDs: opts.ShowIDs, Redact: opts.Redact})
	if err != nil {
		return nil, err
	}
	hits = append(hits, bank.Warnings...)
	info, err := s.Info()
	if err != nil {
		return nil, err
	}
	// The split by method is a courtesy: a survey-only project has no
	// method attribute, and that is no reason to refuse the report (Report
	// would take the missing attribute for a typo).
	methods, err := s.report(ReportQuery{Codes: "", Coders: opts.Coders, Source: opts.Source, Where: opts.Where, Unit: opts.Unit, By: "method"})
	if err != nil {
		return nil, err
	}
	scan, err := s.piiScanner()
	if err != nil {
		return nil, err
	}

	d := &document{w: bufio.NewWriter(w), rep: rep, book: book, unit: unitWords(opts.Unit)}
	d.columns = redactLabels(scan, opts.By, rep.Columns, opts.Redact, &hits)
	d.methods = redactLabels(scan, "method", methods.Columns, opts.Redact, &hits)
	if opts.Source != "" {
		// The source by its title, never its file name (often the
		// person's), scanned like a quote.
		if d.source, err = s.SourceLabel(opts.Source); err != nil {
			return nil, err
		}
		if found := scan.Scan(d.source); len(found) > 0 {
			for _, f := range found {
				hits = append(hits, PIIHit{Where: "source title", Kind: f.Kind, Text: f.Text})
			}
			if opts.Redact {
				d.source = Redact(d.source, found)
			}
		}
	}
	d.title(s.Meta().Name, opts.Date)
	d.summary(info, rep, methods, opts)
	d.thematicMap(s.Meta().Name)
	d.themes(groupRows)
	d.quotes(bank)
	if opts.Memos {
		found, err := s.WriteMemosMarkdown(d.w, MemoDocument{Query: MemoQuery{Source: opts.Source}, Level: 2,
			ShowIDs: opts.ShowIDs, Attribution: opts.Attribution, Redact: opts.Redact})
		if err != nil {
			return nil, err
		}
		hits = append(hits, found...)
	}
	return dedupeHits(hits), d.w.Flush()
}

// dedupeHits drops repeats: an example is often also in the quote bank.
func dedupeHits(hits []PIIHit) []PIIHit {
	seen := map[PIIHit]bool{}
	out := hits[:0]
	for _, h := range hits {
		key := h
		key.Code = ""
		if !seen[key] {
			seen[key] = true
			out = append(out, h)
		}
	}
	return out
}

// units names what the counts count, singular and plural.
type units struct{ one, many string }

func unitWords(attr string) units {
	if attr == "" {
		// A case is a participant (interviewers are none): say so.
		return units{"participant", "participants"}
	}
	return units{attr + " value", attr + " values"}
}

func (u units) n(n int) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, u.one)
	}
	return fmt.Sprintf("%d %s", n, u.many)
}

// document writes one report; tables and figures are numbered as written.
type document struct {
	w       *bufio.Writer
	rep     Report
	book    *Codebook
	unit    units
	columns map[string]string // the --by values as headers print them
	methods map[string]string // the method values, likewise
	source  string            // the --source name as printed
	tables  int
	figures int
}

// redactLabels scans the values of a crosstab's columns, which the tables
// print as headers (`--by speaker` would print every participant's name),
// records what it finds, and returns the label each value is printed
// under: the value, or its redaction, numbered where two redacted labels
// would read the same ("[name 1]", "[name 2]") so that columns stay apart.
func redactLabels(scan *PIIScanner, attr string, cols []ReportColumn, redact bool, hits *[]PIIHit) map[string]string {
	labels := make(map[string]string, len(cols))
	var redacted []string // values whose label changed, in column order
	for _, c := range cols {
		labels[c.Value] = c.Value
		if c.Value == MissingValue {
			continue
		}
		found := scan.Scan(c.Value)
		for _, f := range found {
			*hits = append(*hits, PIIHit{Where: "column header (" + attr + ")", Kind: f.Kind, Text: f.Text})
		}
		if redact && len(found) > 0 {
			labels[c.Value] = Redact(c.Value, found)
			redacted = append(redacted, c.Value)
		}
	}
	same := map[string]int{}
	for _, v := range labels {
		same[v]++
	}
	n := map[string]int{}
	for _, v := range redacted {
		label := labels[v]
		if same[label] < 2 {
			continue
		}
		n[label]++
		if strings.HasSuffix(label, "]") {
			labels[v] = fmt.Sprintf("%s %d]", strings.TrimSuffix(label, "]"), n[label])
		} else {
			labels[v] = fmt.Sprintf("%s (%d)", label, n[label])
		}
	}
	return labels
}

func (d *document) printf(format string, args ...any) { fmt.Fprintf(d.w, format, args...) }

func (d *document) title(name string, date time.Time) {
	if name == "" {
		name = "Report"
	}
	d.printf("# %s\n\n", mdEscape(name))
	if !date.IsZero() {
		d.printf("Report written by qcode on %s.\n\n", date.Format("2 January 2006"))
	}
}

func (d *document) summary(info Info, rep Report, methods Report, opts ExportOptions) {
	d.printf("## Summary\n\n")
	d.printf("| | |\n| --- | ---: |\n")
	row := func(k string, v any) { d.printf("| %s | %v |\n", k, v) }
	if opts.Source != "" {
		row("Source", mdCell(d.source))
	} else {
		row("Sources", info.Sources)
	}
	if len(opts.Where) > 0 {
		row("Segments selected", mdCell(DescribeWhere(opts.Where)))
	}
	row("Segments (participants' answers)", rep.SegmentsTotal)
	row("Segments coded", rep.SegmentsCoded)
	if opts.Unit != "" {
		row(mdCell(capital(d.unit.many)), rep.CasesTotal)
		row(mdCell(capital(d.unit.many))+" coded", rep.CasesCoded)
	} else {
		row("Participants (cases)", rep.CasesTotal)
		row("Participants coded", rep.CasesCoded)
	}
	if rep.Prompts > 0 {
		row("Interviewer turns (prompts, not counted)", rep.Prompts)
	}
	coders := make([]string, 0, len(info.Coders))
	total := 0
	for c, n := range info.Coders {
		coders = append(coders, c)
		total += n
	}
	sort.Strings(coders)
	row("Codings in the project", total)
	if len(coders) > 0 {
		row("Coders", mdCell(strings.Join(coders, ", ")))
	}
	counted := "any coder"
	switch {
	case rep.Consensus != nil:
		counted = "consensus (the team's final coding)"
	case opts.Coders != nil:
		counted = strings.Join(opts.Coders, ", ")
	}
	row("Codings counted", mdCell(counted))
	d.printf("\n")
	if rep.Consensus != nil {
		d.consensus(*rep.Consensus)
	}
	var parts []string
	for _, c := range methods.Columns {
		if c.Value != MissingValue {
			parts = append(parts, fmt.Sprintf("%s: %s, %s", mdCell(d.methods[c.Value]), plural(c.Segments, "segment"), d.unit.n(c.Cases)))
		}
	}
	if len(parts) > 0 {
		d.printf("By method: %s.\n\n", strings.Join(parts, "; "))
	}
	what := "a case is a participant (a segment with no known participant counts as its own case)"
	if rep.Prompts > 0 {
		what = "a case is a participant (a segment with no known participant counts as its own case); interviewers and facilitators are not participants, and their turns are prompts, not segments"
	}
	if opts.Unit != "" {
		what = fmt.Sprintf("counts are of distinct values of %s; segments without one are counted as segments only", mdCell(opts.Unit))
		if rep.WithoutUnit > 0 {
			what += fmt.Sprintf(" (%d here)", rep.WithoutUnit)
		}
	}
	d.printf("How to read the tables: %s. A code's count includes its sub-codes, and a segment counts once per code however many times it was coded. Percentages are of the %s with at least one segment (n = %d).\n\n",
		what, d.unit.many, rep.CasesTotal)
}

// consensus says how the counts read consensus and how many disagreements
// they leave out, not yet settled.
func (d *document) consensus(sum ConsensusSummary) {
	d.printf("**Consensus.** The counts are the team's final coding: the lead's decision where one was made, else each code that every coder who reviewed the segment applied (a segment one coder reviewed counts as that coder coded it).")
	if len(sum.Coders) > 0 {
		d.printf(" Coders compared: %s.", mdEscape(strings.Join(sum.Coders, ", ")))
	}
	switch {
	case sum.Unsettled > 0:
		d.printf(" Not yet settled: %d of %d disagreements, which are not counted (`qcode disagreements --unsettled` lists them).", sum.Unsettled, sum.Disagreements)
	case sum.Disagreements > 0:
		d.printf(" Settled: all %d disagreements.", sum.Disagreements)
	case len(sum.Coders) > 1:
		d.printf(" The coders did not disagree.")
	}
	d.printf("\n\n")
}

// rows returns the report rows of a code's subtree, in tree order.
func (d *document) rows(id CodeID) []ReportRow {
	in := map[CodeID]bool{}
	for _, c := range d.book.Subtree(id) {
		in[c] = true
	}
	var out []ReportRow
	for _, r := range d.rep.Codes {
		if in[r.Code] {
			out = append(out, r)
		}
	}
	return out
}

func (d *document) thematicMap(name string) {
	d.printf("## Thematic map\n\n")
	d.figures++
	d.printf("```mermaid\nmindmap\n")
	d.printf("  root((\"%s\"))\n", mermaidLabel(fmt.Sprintf("%s (n = %s)", name, d.unit.n(d.rep.CasesTotal))))
	shown := 0
	for i, r := range d.rep.Codes {
		if r.Cases == 0 && r.Segments == 0 {
			continue
		}
		shown++
		d.printf("%s  n%d[\"%s\"]\n", strings.Repeat("  ", r.Depth+1), i+1, mermaidLabel(fmt.Sprintf("%s (%d)", r.Name, r.Cases)))
	}
	d.printf("```\n\n")
	if shown == 0 {
		d.printf("**Figure %d.** Thematic map: nothing is coded yet.\n\n", d.figures)
		return
	}
	d.printf("**Figure %d.** Thematic map: themes and the codes under them, with the number of %s raising each (codes nobody raised are left out; n = %d).\n\n",
		d.figures, d.unit.many, d.rep.CasesTotal)
}

func (d *document) themes(groups map[CodeID]ReportRow) {
	d.printf("## Themes\n\n")
	if d.book.Len() == 0 {
		d.printf("The codebook is empty.\n\n")
	}
	for _, theme := range d.book.Children(0) {
		d.printf("### %s\n\n", mdEscape(theme.Name))
		if theme.Description != "" {
			d.printf("*%s*\n\n", mdEscape(theme.Description))
		}
		rows := d.rows(theme.ID)
		if theme.Group {
			d.levelsTable(theme, rows, groups)
		} else {
			d.frequencyTable(theme, rows)
		}
		d.charts(theme)
	}
}

// frequencyTable is one theme's table: the theme, then its codes indented
// by depth; with By, a column per value (cases and column percent).
func (d *document) frequencyTable(theme Code, rows []ReportRow) {
	d.tables++
	d.printf("**Table %d.** %s: number of %s raising each code (n = %d).\n\n", d.tables, mdEscape(theme.Name), d.unit.many, d.rep.CasesTotal)
	head := []string{"Code", capital(d.unit.many), "% of " + d.unit.many}
	align := []string{"---", "---:", "---:"}
	for _, c := range d.rep.Columns {
		head = append(head, fmt.Sprintf("%s (n = %d)", mdCell(d.columns[c.Value]), c.Cases))
		align = append(align, "---:")
	}
	head = append(head, "Segments")
	align = append(align, "---:")
	d.printf("| %s |\n| %s |\n", strings.Join(head, " | "), strings.Join(align, " | "))
	for _, r := range rows {
		name := indent(r.Depth) + mdCell(r.Name)
		if r.Depth == 0 {
			name = "**" + mdCell(r.Name) + "** (all codes)"
		}
		cells := []string{name, fmt.Sprint(r.Cases), Percent(r.PercentCases)}
		for _, c := range d.rep.Columns {
			cell := r.By[c.Value]
			cells = append(cells, fmt.Sprintf("%d (%s)", cell.Cases, Percent(cell.PercentCases)))
		}
		cells = append(cells, fmt.Sprint(r.Segments))
		d.printf("| %s |\n", strings.Join(cells, " | "))
	}
	d.printf("\n")
}

// levelsTable is a code group's table, the study's Table 2: each level,
// how many cases (or units) are at it, and an example, starred first.
func (d *document) levelsTable(theme Code, rows []ReportRow, groups map[CodeID]ReportRow) {
	d.tables++
	d.printf("**Table %d.** %s: number of %s at each level, with an example (n = %d).\n\n", d.tables, mdEscape(theme.Name), d.unit.many, d.rep.CasesTotal)
	d.printf("| Level | %s | %% of %s | Example |\n| --- | ---: | ---: | --- |\n", capital(d.unit.many), d.unit.many)
	for _, r := range rows {
		name := indent(r.Depth-1) + mdCell(r.Name)
		if r.Depth == 0 {
			name = "**All levels**"
		}
		example := ""
		if ex := groups[r.Code].Example; ex != nil && r.Depth > 0 {
			example = "“" + mdCell(shorten(ex.Text, 200)) + "”"
			if ex.Attribution != "" {
				example += " (" + mdCell(ex.Attribution) + ")"
			}
		}
		d.printf("| %s | %d | %s | %s |\n", name, r.Cases, Percent(r.PercentCases), example)
	}
	d.printf("\n")
}

// charts draws a horizontal bar chart of the theme's children, then one
// for each child that has children of its own, so that every chart
// compares siblings.
func (d *document) charts(theme Code) {
	var walk func(c Code)
	walk = func(c Code) {
		kids := d.book.Children(c.ID)
		if len(kids) == 0 {
			return
		}
		d.barChart(c, kids, c.Group)
		for _, k := range kids {
			walk(k)
		}
	}
	walk(theme)
}

func (d *document) barChart(parent Code, kids []Code, levels bool) {
	byID := map[CodeID]ReportRow{}
	for _, r := range d.rep.Codes {
		byID[r.Code] = r
	}
	var labels, values []string
	top := 0
	for _, k := range kids {
		r := byID[k.ID]
		labels = append(labels, `"`+mermaidLabel(k.Name)+`"`)
		values = append(values, fmt.Sprint(r.Cases))
		top = max(top, r.Cases)
	}
	if top == 0 {
		return
	}
	d.figures++
	title := strings.ReplaceAll(parent.Path, "/", " › ")
	d.printf("```mermaid\nxychart-beta horizontal\n")
	d.printf("  title \"%s\"\n", mermaidLabel(fmt.Sprintf("%s (n = %d)", title, d.rep.CasesTotal)))
	d.printf("  x-axis [%s]\n", strings.Join(labels, ", "))
	d.printf("  y-axis \"%s\" 0 --> %d\n", mermaidLabel(capital(d.unit.many)), top)
	d.printf("  bar [%s]\n", strings.Join(values, ", "))
	d.printf("```\n\n")
	what := "raising each code"
	if levels {
		what = "at each level"
	}
	d.printf("**Figure %d.** %s: number of %s %s (n = %d).\n\n", d.figures, mdEscape(title), d.unit.many, what, d.rep.CasesTotal)
}

func (d *document) quotes(bank QuoteBank) {
	d.printf("## Quotes\n\n")
	if len(bank.Groups) == 0 {
		d.printf("No coded passages yet.\n\n")
		return
	}
	d.w.Flush()
	WriteQuotesMarkdown(d.w, bank, 3)
}

// indent pads a table cell by depth; GitHub keeps &emsp; where it trims
// spaces.
func indent(depth int) string {
	if depth <= 0 {
		return ""
	}
	return strings.Repeat("&emsp;", depth)
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
