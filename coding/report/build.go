package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"qcode/coding"
)

// QuotesPerCode is a quotes section's number of quotes per code unless it
// says per_code (0 there is every quote).
const QuotesPerCode = coding.ExportQuotesPerCode

// Options are what the command line adds to a recipe.
type Options struct {
	Date time.Time // the "written on" date
	// Coders, when set (--coder), count instead of every section's own
	// coder; {coding.Consensus} is the team's final coding.
	Coders []string
	Source string                 // only this source's segments (--source)
	Where  []coding.AttrCondition // added to every section's conditions (--where)
	// ShowIDs names segments and cases beside quotes; Redact replaces
	// personal details found with [email], [phone], [name].
	ShowIDs bool
	Redact  bool
}

// Build runs a recipe on a project: every section's counts, quotes and
// memos are read, placeholders resolved, personal details found (and
// redacted with opts.Redact), tables and figures numbered. The first
// mistake — a code, attribute, value, coder or placeholder the project
// does not have — is a *RecipeError naming the recipe's line, and no
// Document is returned, so that nothing is written. The hits list every
// personal detail found, once.
func Build(s *coding.Store, r *Recipe, opts Options) (*Document, []coding.PIIHit, error) {
	scan, err := s.PIIScanner()
	if err != nil {
		return nil, nil, err
	}
	info, err := s.Info()
	if err != nil {
		return nil, nil, err
	}
	b := &builder{s: s, r: r, opts: opts, book: s.Codebook(), scan: scan, info: info,
		reports: map[string]coding.Report{}, tableByID: map[string]*Section{}}
	if opts.Source != "" {
		if b.sourceLabel, err = s.SourceLabel(opts.Source); err != nil {
			return nil, nil, err
		}
		b.sourceLabel = b.redact(b.sourceLabel, "", "", "source title")
	}
	b.doc.Title = s.Meta().Name
	if b.doc.Title == "" {
		b.doc.Title = "Report"
	}
	if r.Title != "" {
		title, _, err := expand(r.Title, b.placeholder())
		if err != nil {
			return nil, nil, r.wrapErr(r.lines["title"], "title", err)
		}
		b.doc.Title = b.redact(title, "", "", "title")
	}
	if r.Date {
		b.doc.Date = opts.Date
	}
	for i := range r.Sections {
		if err := b.section(&r.Sections[i]); err != nil {
			return nil, nil, err
		}
	}
	return &b.doc, dedupeHits(b.hits), nil
}

type builder struct {
	s    *coding.Store
	r    *Recipe
	opts Options
	book *coding.Codebook
	scan *coding.PIIScanner
	info coding.Info

	doc         Document
	tables      int
	figures     int
	hits        []coding.PIIHit
	reports     map[string]coding.Report
	tableByID   map[string]*Section
	sourceLabel string
}

func (b *builder) add(blocks ...Block) { b.doc.Blocks = append(b.doc.Blocks, blocks...) }

// redact scans text the report adds (a recipe's prose, a memo, a
// heading), records what it finds and returns it redacted when asked.
func (b *builder) redact(text, segment, code, where string) string {
	found := b.scan.Scan(text)
	for _, f := range found {
		b.hits = append(b.hits, coding.PIIHit{Segment: segment, Code: code, Where: where, Kind: f.Kind, Text: f.Text})
	}
	if b.opts.Redact && len(found) > 0 {
		return coding.Redact(text, found)
	}
	return text
}

func (b *builder) section(s *Section) error {
	if s.Heading != "" {
		level := s.Level
		if level == 0 || s.Kind == KindQuotes {
			level = 2
		}
		b.add(&Heading{Level: level, Text: b.redact(s.Heading, "", "", "heading")})
	}
	switch s.Kind {
	case KindText:
		return b.text(s)
	case KindMemo:
		return b.memo(s)
	case KindTable:
		return b.table(s)
	case KindQuotes:
		return b.quotes(s)
	case KindChart:
		return b.chart(s)
	case KindAgreement:
		return b.agreement(s)
	}
	return nil
}

// scope is what a section counts: its keys, else the recipe's, with the
// command line's on top.
type scope struct {
	codes     string
	by        string
	unit      string
	unitLabel string
	where     []coding.AttrCondition
	coders    []string
	source    string
}

func (b *builder) scopeOf(s *Section) scope {
	sc := scope{codes: s.Codes, by: s.By, unit: s.Unit, unitLabel: s.UnitLabel, source: b.opts.Source}
	if s.Kind == KindQuotes {
		sc.codes = s.Code
	}
	if sc.unit == "" {
		sc.unit = b.r.Unit
	}
	if sc.unitLabel == "" && strings.EqualFold(sc.unit, b.r.Unit) {
		sc.unitLabel = b.r.UnitLabel
	}
	sc.where = append(append(append([]coding.AttrCondition(nil), b.opts.Where...), b.r.Where...), s.Where...)
	sc.coders = b.coders(s.Coder)
	return sc
}

// coders is whose codings count: --coder, else the section's, else the
// recipe's; nil is any coder.
func (b *builder) coders(section string) []string {
	switch {
	case b.opts.Coders != nil:
		return b.opts.Coders
	case section != "":
		return []string{section}
	case b.r.Coder != "":
		return []string{b.r.Coder}
	}
	return nil
}

// report counts a scope, once per build for each distinct scope.
func (b *builder) report(sc scope, examples bool, attribution string) (coding.Report, error) {
	key := fmt.Sprintf("%q|%q|%q|%q|%q|%q|%v|%q", sc.codes, sc.by, sc.unit, coding.DescribeWhere(sc.where), sc.coders, sc.source, examples, attribution)
	if rep, ok := b.reports[key]; ok {
		return rep, nil
	}
	if attribution == "" {
		attribution = b.r.Attribution
	}
	rep, err := b.s.Report(coding.ReportQuery{Codes: sc.codes, By: sc.by, Unit: sc.unit, Where: sc.where, Coders: sc.coders,
		Source: sc.source, Examples: examples, Attribution: attribution, Redact: b.opts.Redact})
	if err != nil {
		return rep, err
	}
	b.hits = append(b.hits, rep.Warnings...)
	b.reports[key] = rep
	return rep, nil
}

// units names what a report counts, one and many: participants, or the
// unit attribute's values ("authorities"), or the recipe's words.
type units struct{ one, many string }

func unitsOf(sc scope, rep coding.Report) units {
	if sc.unitLabel != "" {
		return units{sc.unitLabel, sc.unitLabel}
	}
	if sc.unit == "" {
		return units{"participant", "participants"}
	}
	return units{rep.Unit, plural(rep.Unit)}
}

func (u units) n(n int) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, u.one)
	}
	return fmt.Sprintf("%d %s", n, u.many)
}

// plural makes an attribute's name a plural noun for captions:
// authority → authorities, sector → sectors, branch → branches.
func plural(s string) string {
	lower := strings.ToLower(s)
	switch {
	case s == "":
		return s
	case strings.HasSuffix(lower, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(lower[len(lower)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(lower, "s"), strings.HasSuffix(lower, "x"), strings.HasSuffix(lower, "ch"), strings.HasSuffix(lower, "sh"):
		return s + "es"
	}
	return s + "s"
}

// scopeNote says, for a default caption, what else limits the counts:
// the conditions and whose codings count (when not any coder's).
func scopeNote(rep coding.Report) string {
	var parts []string
	if len(rep.Where) > 0 {
		parts = append(parts, "where "+coding.DescribeWhere(rep.Where))
	}
	switch {
	case rep.Consensus != nil:
		who := "consensus"
		if len(rep.Consensus.Coders) > 0 {
			who += " of " + strings.Join(rep.Consensus.Coders, ", ")
		}
		if n := rep.Consensus.Unsettled; n > 0 {
			who += fmt.Sprintf(", %d %s not yet settled", n, pluralWord(n, "disagreement", "disagreements"))
		}
		parts = append(parts, who)
	case rep.Coders != nil:
		parts = append(parts, "codings by "+strings.Join(rep.Coders, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// caption is a section's caption: its own with placeholders ({n}: the
// base), else the default one.
func (b *builder) caption(s *Section, def string, base int) (string, error) {
	if s.Caption == "" {
		return def, nil
	}
	out, _, err := expand(s.Caption, b.placeholderWith(map[string]string{"n": fmt.Sprint(base)}))
	if err != nil {
		return "", b.r.wrapErr(s.lines["caption"], "caption", err)
	}
	return b.redact(out, "", "", "caption"), nil
}

// text resolves a text section's placeholders and scans it.
func (b *builder) text(s *Section) error {
	out, line, err := expand(s.Text, b.placeholder())
	if err != nil {
		return b.r.wrapErr(s.textLine+line-1, "", err)
	}
	b.add(&Markdown{Source: b.redact(out, "", "", "text")})
	return nil
}

// table is a frequency table (a levels table for a code group): a row per
// code, the counts in the section's style, a column per value of by, an
// example per code.
func (b *builder) table(s *Section) error {
	sc := b.scopeOf(s)
	rep, err := b.report(sc, s.Examples, s.Attribution)
	if err != nil {
		return b.r.wrapErr(s.Line, "table", err)
	}
	if s.ID != "" {
		b.tableByID[s.ID] = s
	}
	u := unitsOf(sc, rep)
	style := s.Style
	if style == "" {
		style = b.r.Style
	}
	var root coding.Code
	if sc.codes != "" {
		root, _ = b.book.Lookup(sc.codes)
	}
	group := root.Group
	rows := rep.Codes
	if s.Sort == "frequency" {
		rows = byFrequency(rows)
	}
	segments := !group
	if s.Segments != nil {
		segments = *s.Segments
	}
	t := &Table{}
	first := "Code"
	if group {
		first = "Level"
	}
	t.Head, t.Align = []string{first}, []Align{Left}
	if style == StyleNofN {
		t.Head, t.Align = append(t.Head, capital(u.many)), append(t.Align, Right)
	} else {
		t.Head, t.Align = append(t.Head, capital(u.many), "% of "+u.many), append(t.Align, Right, Right)
	}
	labels := b.columnLabels(rep)
	for _, c := range rep.Columns {
		t.Head, t.Align = append(t.Head, fmt.Sprintf("%s (n = %d)", labels[c.Value], c.Cases)), append(t.Align, Right)
	}
	if segments {
		t.Head, t.Align = append(t.Head, "Segments"), append(t.Align, Right)
	}
	if s.Examples {
		t.Head, t.Align = append(t.Head, "Example"), append(t.Align, Left)
	}
	for _, r := range rows {
		name := Cell{Text: r.Name, Indent: r.Depth - root.Depth}
		switch {
		case group && r.Code == root.ID:
			name = Cell{Text: "All levels", Bold: true}
		case group:
			name.Indent--
		case sc.codes != "" && r.Code == root.ID, sc.codes == "" && r.Depth == 0:
			name = Cell{Text: r.Name, Bold: true, Note: " (all codes)"}
		}
		cells := []Cell{name}
		if style == StyleNofN {
			cells = append(cells, Cell{Text: nOfN(r.Cases, rep.CasesTotal, r.PercentCases)})
		} else {
			cells = append(cells, Cell{Text: fmt.Sprint(r.Cases)}, Cell{Text: coding.Percent(r.PercentCases)})
		}
		for _, c := range rep.Columns {
			cell := r.By[c.Value]
			if style == StyleNofN {
				cells = append(cells, Cell{Text: nOfN(cell.Cases, c.Cases, cell.PercentCases)})
			} else {
				cells = append(cells, Cell{Text: fmt.Sprintf("%d (%s)", cell.Cases, coding.Percent(cell.PercentCases))})
			}
		}
		if segments {
			cells = append(cells, Cell{Text: fmt.Sprint(r.Segments)})
		}
		if s.Examples {
			ex := ""
			if r.Example != nil && !(group && r.Code == root.ID) {
				ex = "“" + shorten(r.Example.Text, 200) + "”"
				if r.Example.Attribution != "" {
					ex += " (" + r.Example.Attribution + ")"
				}
			}
			cells = append(cells, Cell{Text: ex})
		}
		t.Rows = append(t.Rows, cells)
	}
	if s.Describe && root.Description != "" {
		b.add(&Markdown{Source: "*" + coding.EscapeMarkdown(root.Description) + "*"})
	}
	b.tables++
	t.Number = b.tables
	def := tableCaption(root, sc.codes != "", group, s.Examples, u, rep)
	if t.Caption, err = b.caption(s, def, rep.CasesTotal); err != nil {
		return err
	}
	b.add(t)
	return nil
}

// tableCaption says what a table counts: "Barriers: number of
// participants raising each code (n = 14)."; "Kirkpatrick: number of
// authorities at each level, with an example (n = 20; where …)."
func tableCaption(root coding.Code, scoped, group, examples bool, u units, rep coding.Report) string {
	what := "Number of " + u.many + " raising each code"
	switch {
	case group:
		what = root.Name + ": number of " + u.many + " at each level"
		if examples {
			what += ", with an example"
		}
	case scoped:
		what = root.Name + ": number of " + u.many + " raising each code"
	}
	return fmt.Sprintf("%s (n = %d%s).", what, rep.CasesTotal, scopeNote(rep))
}

// byFrequency orders each code's children by how many cases (units)
// raised them, most first, keeping the tree: a child stays under its
// parent. Ties keep codebook order.
func byFrequency(rows []coding.ReportRow) []coding.ReportRow {
	type node struct {
		row  coding.ReportRow
		kids []*node
	}
	top := &node{row: coding.ReportRow{Depth: -1}}
	stack := []*node{top}
	for _, r := range rows {
		for len(stack) > 1 && stack[len(stack)-1].row.Depth >= r.Depth {
			stack = stack[:len(stack)-1]
		}
		n := &node{row: r}
		parent := stack[len(stack)-1]
		parent.kids = append(parent.kids, n)
		stack = append(stack, n)
	}
	var out []coding.ReportRow
	var walk func(n *node)
	walk = func(n *node) {
		sort.SliceStable(n.kids, func(i, j int) bool { return n.kids[i].row.Cases > n.kids[j].row.Cases })
		for _, k := range n.kids {
			out = append(out, k.row)
			walk(k)
		}
	}
	walk(top)
	return out
}

// columnLabels are the by values as table headers print them, scanned
// and redacted like quotes (a split by speaker would print names).
func (b *builder) columnLabels(rep coding.Report) map[string]string {
	labels := make(map[string]string, len(rep.Columns))
	var redacted []string
	for _, c := range rep.Columns {
		labels[c.Value] = c.Value
		if c.Value == coding.MissingValue {
			continue
		}
		found := b.scan.Scan(c.Value)
		for _, f := range found {
			b.hits = append(b.hits, coding.PIIHit{Where: "column header (" + rep.By + ")", Kind: f.Kind, Text: f.Text})
		}
		if b.opts.Redact && len(found) > 0 {
			labels[c.Value] = coding.Redact(c.Value, found)
			redacted = append(redacted, c.Value)
		}
	}
	// Redacted labels that read alike are numbered, so columns stay apart.
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

// chart is a bar chart of a code's children (the themes without codes),
// or of a table above it; type map is the thematic map.
func (b *builder) chart(s *Section) error {
	if s.Type == "map" {
		return b.thematicMap(s)
	}
	src := s
	if s.Table != "" {
		src = b.tableByID[s.Table]
	}
	sc := b.scopeOf(src)
	sc.by = ""
	rep, err := b.report(sc, false, "")
	if err != nil {
		return b.r.wrapErr(s.Line, "chart", err)
	}
	u := unitsOf(sc, rep)
	var parent coding.Code
	kids := b.book.Children(0)
	if sc.codes != "" {
		parent, _ = b.book.Lookup(sc.codes)
		kids = b.book.Children(parent.ID)
	}
	if len(kids) == 0 {
		return b.r.lineErr(s.Line, "chart: %s has no sub-codes to draw", parent.Path)
	}
	byID := map[coding.CodeID]coding.ReportRow{}
	for _, r := range rep.Codes {
		byID[r.Code] = r
	}
	c := &Chart{Axis: capital(u.many)}
	top := 0
	for _, k := range kids {
		r := byID[k.ID]
		c.Labels = append(c.Labels, k.Name)
		c.Values = append(c.Values, r.Cases)
		top = max(top, r.Cases)
	}
	if top == 0 && s.Caption == "" {
		return nil // nothing to compare: no chart, as the default report
	}
	title := "All themes"
	if sc.codes != "" {
		title = strings.ReplaceAll(parent.Path, "/", " › ")
	}
	c.Title = fmt.Sprintf("%s (n = %d)", title, rep.CasesTotal)
	if s.Title != "" {
		c.Title = b.redact(s.Title, "", "", "chart title")
	}
	what := "raising each code"
	if parent.Group {
		what = "at each level"
	}
	b.figures++
	c.Number = b.figures
	def := fmt.Sprintf("%s: number of %s %s (n = %d%s).", title, u.many, what, rep.CasesTotal, scopeNote(rep))
	if c.Caption, err = b.caption(s, def, rep.CasesTotal); err != nil {
		return err
	}
	b.add(c)
	return nil
}

// thematicMap draws themes and codes with their counts, leaving out codes
// nobody raised.
func (b *builder) thematicMap(s *Section) error {
	sc := b.scopeOf(s)
	rep, err := b.report(sc, false, "")
	if err != nil {
		return b.r.wrapErr(s.Line, "chart", err)
	}
	u := unitsOf(sc, rep)
	m := &Map{Root: fmt.Sprintf("%s (n = %s)", b.doc.Title, u.n(rep.CasesTotal))}
	base := 0
	if sc.codes != "" {
		root, _ := b.book.Lookup(sc.codes)
		base = root.Depth
	}
	for _, r := range rep.Codes {
		if r.Cases == 0 && r.Segments == 0 {
			continue
		}
		m.Nodes = append(m.Nodes, MapNode{Depth: r.Depth - base, Label: fmt.Sprintf("%s (%d)", r.Name, r.Cases)})
	}
	b.figures++
	m.Number = b.figures
	def := fmt.Sprintf("Thematic map: themes and the codes under them, with the number of %s raising each (codes nobody raised are left out; n = %d%s).",
		u.many, rep.CasesTotal, scopeNote(rep))
	if len(m.Nodes) == 0 {
		def = "Thematic map: nothing is coded yet."
	}
	if m.Caption, err = b.caption(s, def, rep.CasesTotal); err != nil {
		return err
	}
	b.add(m)
	return nil
}

// quotes is a quote bank: a heading per theme and code, each quote with
// its attribution; dedupe shows a passage once, under the first code that
// has it; max_chars cuts long quotes at a sentence's end.
func (b *builder) quotes(s *Section) error {
	sc := b.scopeOf(s)
	perCode := QuotesPerCode
	if s.perCodeSet {
		perCode = s.PerCode
	}
	ask := perCode
	if s.Dedupe {
		ask = 0 // cut after dropping repeats, so each code keeps its share
	}
	attribution := s.Attribution
	if attribution == "" {
		attribution = b.r.Attribution
	}
	bank, err := b.s.Quotes(coding.QuoteQuery{Code: sc.codes, Starred: s.Starred, PerCode: ask, Coders: sc.coders, Source: sc.source,
		Where: sc.where, Attribution: attribution, ShowIDs: b.opts.ShowIDs, Redact: b.opts.Redact})
	if err != nil {
		return b.r.wrapErr(s.Line, "quotes", err)
	}
	b.hits = append(b.hits, bank.Warnings...)
	if s.Dedupe {
		bank.Groups = dedupe(bank.Groups, perCode)
	}
	level := s.Level
	if level == 0 {
		level = 3
	}
	if len(sc.where) > 0 {
		b.add(&Markdown{Source: "Quotes from segments where " + coding.EscapeMarkdown(coding.DescribeWhere(sc.where)) + "."})
	}
	if len(bank.Groups) == 0 {
		b.add(&Markdown{Source: "No coded passages yet."})
		return nil
	}
	theme := ""
	for _, g := range bank.Groups {
		if g.Theme != theme {
			theme = g.Theme
			b.add(&Heading{Level: min(level, 6), Text: theme})
		}
		if g.Depth > 0 {
			_, below, _ := strings.Cut(g.Path, "/")
			b.add(&Heading{Level: min(level+1, 6), Text: strings.ReplaceAll(below, "/", " › ")})
		}
		for _, q := range g.Quotes {
			text := q.Text
			if s.MaxChars > 0 {
				text = cutQuote(text, s.MaxChars)
			}
			b.add(&Quote{Text: text, Attribution: q.Attribution, IDs: quoteIDs(q)})
		}
	}
	return nil
}

// dedupe keeps each passage (segment and span) under the first code that
// has it, in the bank's order, then cuts each code to perCode (0: all);
// codes left without quotes go.
func dedupe(groups []coding.QuoteGroup, perCode int) []coding.QuoteGroup {
	type passage struct {
		ref  coding.SegRef
		span coding.Span
	}
	seen := map[passage]bool{}
	var out []coding.QuoteGroup
	for _, g := range groups {
		var kept []coding.Quote
		for _, q := range g.Quotes {
			p := passage{q.Ref, q.Span}
			if seen[p] {
				continue
			}
			seen[p] = true
			if perCode == 0 || len(kept) < perCode {
				kept = append(kept, q)
			}
		}
		if len(kept) > 0 {
			g.Quotes = kept
			out = append(out, g)
		}
	}
	return out
}

func quoteIDs(q coding.Quote) string {
	var parts []string
	if q.Segment != "" {
		parts = append(parts, "segment "+q.Segment)
	}
	if q.Case != "" {
		parts = append(parts, "case "+q.Case)
	}
	return strings.Join(parts, ", ")
}

// agreement is an agreement table: per code, units, used, percent
// agreement and the kappas, with the pooled row.
func (b *builder) agreement(s *Section) error {
	sc := b.scopeOf(s)
	q := coding.AgreeQuery{Coders: s.Coders, Sample: s.Sample, Codes: s.Codes, Source: sc.source, Where: sc.where}
	if s.Units != "" {
		q.Units = coding.UnitScope(s.Units)
	}
	if s.Sample != "" && s.Units != "" {
		return b.r.lineErr(s.lines["units"], "agreement: a sample sets the units; leave out units")
	}
	res, err := b.s.Agreement(q)
	if err != nil {
		return b.r.wrapErr(s.Line, "agreement", err)
	}
	t := &Table{Head: []string{"Code", "Units", "Used", "Agreement", "Cohen's κ", "Fleiss' κ", "Krippendorff's α"},
		Align: []Align{Left, Right, Right, Right, Right, Right, Right}}
	base := 0
	if s.Codes != "" {
		root, _ := b.book.Lookup(s.Codes)
		base = root.Depth
	}
	for _, c := range res.Codes {
		name := c.Path
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			name = name[i+1:]
		}
		t.Rows = append(t.Rows, []Cell{{Text: name, Indent: c.Depth - base, Bold: c.Depth == 0}, {Text: fmt.Sprint(c.Units)}, {Text: fmt.Sprint(c.Used)},
			{Text: percentText(c.PercentAgreement.Float())}, {Text: c.CohenKappa.Format(2)}, {Text: c.FleissKappa.Format(2)}, {Text: c.KrippendorffAlpha.Format(2)}})
	}
	o := res.Overall
	t.Rows = append(t.Rows, []Cell{{Text: "All codes", Bold: true, Note: " (leaf codes pooled)"}, {Text: fmt.Sprint(o.Pairs)}, {Text: fmt.Sprint(o.Used)},
		{Text: percentText(o.PercentAgreement.Float())}, {Text: o.CohenKappa.Format(2)}, {Text: o.FleissKappa.Format(2)}, {Text: o.KrippendorffAlpha.Format(2)}})
	b.tables++
	t.Number = b.tables
	units := map[coding.UnitScope]string{coding.UnitsReviewed: "segments every compared coder reviewed", coding.UnitsCoded: "segments some compared coder coded",
		coding.UnitsAll: "every segment", coding.UnitsSample: "the segments of sample " + res.Sample + " every compared coder reviewed"}[res.UnitScope]
	where := ""
	if len(res.Where) > 0 {
		where = "; where " + coding.DescribeWhere(res.Where)
	}
	def := fmt.Sprintf("Agreement between %s on %s, code by code; the last row pools the leaf codes' unit × code pairs (n = %d%s).",
		orList(res.Coders), units, res.Units, where)
	if t.Caption, err = b.caption(s, def, res.Units); err != nil {
		return err
	}
	b.add(t)
	return nil
}

func percentText(p float64, ok bool) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", p)
}

// orList joins names as prose: "alice and bob", "a, b and c".
func orList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// memo prints a memo the recipe names: the journal (or one entry), a
// code's or a case's memo (each author's), or every memo (as export
// --memos). The memo's text is Markdown, redacted like a quote.
func (b *builder) memo(s *Section) error {
	m := s.Memo
	if m.Kind == "all" {
		level := s.Level
		if level == 0 {
			level = 2
		}
		var buf strings.Builder
		found, err := b.s.WriteMemosMarkdown(&buf, coding.MemoDocument{Query: coding.MemoQuery{Source: b.opts.Source, Where: append(append([]coding.AttrCondition(nil), b.opts.Where...), b.r.Where...)}, Level: level,
			ShowIDs: b.opts.ShowIDs, Attribution: b.r.Attribution, Redact: b.opts.Redact})
		if err != nil {
			return b.r.wrapErr(s.Line, "memo", err)
		}
		b.hits = append(b.hits, found...)
		b.add(&Markdown{Source: buf.String()})
		return nil
	}
	kind := map[string]coding.MemoKind{"journal": coding.MemoProject, "code": coding.MemoCode, "case": coding.MemoCase}[m.Kind]
	var target coding.MemoTarget
	if m.Kind != "journal" {
		var err error
		if target, err = b.s.FindMemoTarget(kind, m.Name); err != nil {
			return b.r.wrapErr(s.Line, "memo", err)
		}
	}
	list, err := b.s.Memos(coding.MemoQuery{Kinds: []coding.MemoKind{kind}})
	if err != nil {
		return b.r.wrapErr(s.Line, "memo", err)
	}
	var memos []coding.Memo
	for _, memo := range list {
		switch {
		case m.Kind == "journal" && (m.Entry == 0 || memo.Entry == m.Entry):
		case m.Kind == "code" && memo.Target.Code == target.Code:
		case m.Kind == "case" && memo.Target.Case == target.Case:
		default:
			continue
		}
		memos = append(memos, memo)
	}
	if m.Kind == "journal" && m.Entry > 0 && len(memos) == 0 {
		// Not a mistake in the recipe: the entry is not written yet (a
		// shipped recipe names the key findings before anyone has them).
		// The document shows the gap rather than refusing to be written.
		b.add(&Markdown{Source: fmt.Sprintf("*No journal entry #%d yet: write it with `qcode memo set --journal`.*", m.Entry)})
		return nil
	}
	if len(memos) == 0 {
		b.add(&Markdown{Source: "*No memo yet.*"})
		return nil
	}
	for _, memo := range memos {
		if len(memos) > 1 {
			head := memo.Author + " · " + memo.Updated.Format("2 January 2006")
			if m.Kind == "journal" {
				head = fmt.Sprintf("#%d · %s", memo.Entry, head)
			}
			b.add(&Markdown{Source: "**" + coding.EscapeMarkdown(head) + "**"})
		}
		b.add(&Markdown{Source: b.redact(memo.Text, memo.JumpID, memo.Code, "memo")})
	}
	return nil
}

// dedupeHits lists each personal detail once: an example is often in the
// quote bank too.
func dedupeHits(hits []coding.PIIHit) []coding.PIIHit {
	seen := map[coding.PIIHit]bool{}
	var out []coding.PIIHit
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

func capital(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// shorten cuts text to at most n runes at a word boundary, with "…".
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	cut := string(runes[:n])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
