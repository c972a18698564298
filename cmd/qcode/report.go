package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/coding/report"
	"qcode/corpus"
	"qcode/corpus/printable"
)

// coderFilter is the --coder flag as reports read it: only when the user
// gave it; without it, codings by any coder count. A served coder (blind)
// always reads their own.
func (a *app) coderFilter(cmd *cobra.Command) []string {
	if cmd.Flags().Changed("coder") || a.blind() {
		return []string{a.coder}
	}
	return nil
}

func (a *app) reportCommand() *cobra.Command {
	var q coding.ReportQuery
	var format string
	var where []string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Theme frequency table: segments and cases per code, split by an attribute",
		Long: `Count, per code, the segments coded with it and the cases (participants)
they belong to, with the percent of all cases in scope. A parent code counts
its sub-codes; a segment counts once per code however often it was coded; a
segment with no case counts as its own case. Interviewer and facilitator
turns are prompts, neither segments nor cases: no total counts them.

  --by ATTR      add a column per value of ATTR: cases and column percent
  --unit ATTR    count distinct values of ATTR (e.g. authority) instead of cases
  --coder NAME   count only NAME's codings; without it, a code counts where
                 any coder applied it
  --examples     add an example quote per code, starred ones first

--coder consensus counts the team's final coding: per segment and code, the
lead's settled decision where there is one, else the code when every coder
who reviewed (coded) the segment applied it. A code the coders differ on
counts only once settled; how many such disagreements are open is said on
stderr and in the caption.

` + whereHelp,
		Example: `  qcode report
  qcode report --codes Barriers --by role --format md > barriers.md
  qcode report --codes Kirkpatrick --unit authority --examples
  qcode report --codes Kirkpatrick --unit authority --where "sector=local authority"
  qcode report --by geography --where "role!=PQ lead,Learning lead"
  qcode report --coder consensus --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			var err error
			if q.Where, err = parseWhere(where); err != nil {
				return err
			}
			q.Coders = a.coderFilter(cmd)
			return a.withReader(func(s *coding.Store) error {
				r, err := s.Report(q)
				if err != nil {
					return err
				}
				a.warnPII(r.Warnings, q.Redact, "with --redact")
				a.consensusNote(r.Consensus, q.Codes, q.Source)
				if r.WithoutUnit > 0 {
					a.note("note: %d of %s %s no %s; they count as segments, not as %s values", r.WithoutUnit, segments(r.SegmentsTotal), plural(r.WithoutUnit, "has", "have"), r.Unit, r.Unit)
				}
				return writeReport(a.stdout, r, format)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Codes, "codes", "", "only this code and its sub-codes (a path, e.g. Barriers)")
	f.StringVar(&q.By, "by", "", "split each count by the values of this attribute (e.g. role)")
	f.StringVar(&q.Unit, "unit", "", "count distinct values of this attribute instead of cases (e.g. authority)")
	f.StringVar(&q.Source, "source", "", "only segments of this source")
	f.BoolVar(&q.Examples, "examples", false, "add an example quote per code (starred first)")
	f.StringVar(&q.Attribution, "attribution", "", "attribution template for examples (default "+strconv.Quote(coding.DefaultAttribution)+")")
	f.BoolVar(&q.Redact, "redact", false, "replace e-mail addresses, phone numbers and names in examples with [email], [phone], [name]")
	whereFlag(cmd, &where)
	formatFlag(cmd, &format)
	return cmd
}

// unitName is what a report's case column counts.
func unitName(r coding.Report) string {
	if r.Unit == "case" {
		return "cases"
	}
	return r.Unit
}

// count writes n with its noun: "1 participant", "3 participants" (a case
// is a participant: interviewers are none), "2 authority values".
func count(n int, r coding.Report) string {
	switch {
	case r.Unit != "case" && n == 1:
		return fmt.Sprintf("%d %s value", n, r.Unit)
	case r.Unit != "case":
		return fmt.Sprintf("%d %s values", n, r.Unit)
	case n == 1:
		return "1 participant"
	}
	return fmt.Sprintf("%d participants", n)
}

func segments(n int) string {
	if n == 1 {
		return "1 segment"
	}
	return fmt.Sprintf("%d segments", n)
}

// writeReport renders a report: JSON as the contract says, CSV with every
// number unrounded, Markdown and the terminal table rounded for reading.
func writeReport(w io.Writer, r coding.Report, format string) error {
	switch format {
	case "json":
		if r.Codes == nil {
			r.Codes = []coding.ReportRow{}
		}
		return writeJSON(w, r)
	case "csv":
		return reportCSV(r).write(w, "csv", nil)
	}
	examples := false
	for _, c := range r.Codes {
		examples = examples || c.Example != nil
	}
	head := []string{"code", "segments", unitName(r), "% " + unitName(r)}
	for _, c := range r.Columns {
		head = append(head, fmt.Sprintf("%s (n=%d)", c.Value, c.Cases))
	}
	if examples {
		head = append(head, "example")
	}
	var rows [][]string
	for _, c := range r.Codes {
		name := c.Name
		if format == "md" {
			name = strings.Repeat("&emsp;", c.Depth) + name
		} else {
			name = strings.Repeat("  ", c.Depth) + name
		}
		row := []string{name, strconv.Itoa(c.Segments), strconv.Itoa(c.Cases), coding.Percent(c.PercentCases)}
		for _, col := range r.Columns {
			cell := c.By[col.Value]
			row = append(row, fmt.Sprintf("%d (%s)", cell.Cases, coding.Percent(cell.PercentCases)))
		}
		if examples {
			row = append(row, exampleCell(c.Example))
		}
		rows = append(rows, row)
	}
	caption := printable.String(reportCaption(r))
	if format == "md" {
		fmt.Fprintf(w, "%s\n\n", caption)
		return table{head: head, rows: rows, fill: -1}.write(w, "md", nil)
	}
	fmt.Fprintln(w, caption)
	fill := -1
	if examples {
		fill = len(head) - 1
	}
	return alignedTable(w, head, rows, fill, termWidth(w))
}

// reportCaption states n, as every table in a report should, and whose
// codings count: consensus says how many disagreements are still open.
func reportCaption(r coding.Report) string {
	who := "codings by any coder"
	switch {
	case r.Consensus != nil:
		who = consensusWho(*r.Consensus)
	case r.Coders != nil:
		who = "codings by " + strings.Join(r.Coders, ", ")
	}
	scope := ""
	if r.Source != "" {
		scope = " of " + r.Source
	}
	if len(r.Where) > 0 {
		scope += " where " + coding.DescribeWhere(r.Where)
	}
	caption := fmt.Sprintf("n = %s, %s%s (coded: %s, %s); %s",
		count(r.CasesTotal, r), segments(r.SegmentsTotal), scope, count(r.CasesCoded, r), segments(r.SegmentsCoded), who)
	if r.Prompts > 0 {
		caption += fmt.Sprintf("; not counted: %s (prompts)", counted(r.Prompts, "interviewer turn", "interviewer turns"))
	}
	return caption
}

// consensusWho names consensus in a caption: whose work it compares and
// how many disagreements are not yet settled.
func consensusWho(sum coding.ConsensusSummary) string {
	who := "consensus"
	if len(sum.Coders) > 0 {
		who += " of " + strings.Join(sum.Coders, ", ")
	}
	if sum.Unsettled > 0 {
		who += fmt.Sprintf(" (%s not yet settled)", disagreements(sum.Unsettled))
	}
	return who
}

// consensusNote says on stderr, when consensus was read, how far settling
// has got within the scope read (code: a --code/--codes path; source: a
// --source name) and how to go on.
func (a *app) consensusNote(sum *coding.ConsensusSummary, code, source string) {
	if sum != nil {
		a.note("%s", consensusLine(*sum, code, source))
	}
}

func consensusLine(sum coding.ConsensusSummary, code, source string) string {
	coders := strings.Join(sum.Coders, ", ")
	switch {
	case len(sum.Coders) == 0:
		return "consensus: nothing is coded yet"
	case sum.Unsettled > 0:
		hint := "qcode disagreements --unsettled"
		if code != "" {
			hint += " --code " + shellWord(code)
		}
		if source != "" {
			hint += " --source " + shellWord(source)
		}
		return fmt.Sprintf("consensus: %s not yet settled (of %d; coders %s): until settled, a code counts only where every coder who reviewed the segment applied it; run %s",
			disagreements(sum.Unsettled), sum.Disagreements, coders, hint)
	case sum.Disagreements > 0:
		return fmt.Sprintf("consensus: all %s settled (coders %s)", disagreements(sum.Disagreements), coders)
	case len(sum.Coders) == 1:
		return fmt.Sprintf("consensus: one coder (%s), nothing to compare", coders)
	}
	return fmt.Sprintf("consensus: no disagreements (coders %s)", coders)
}

// disagreements writes n with its noun: "1 disagreement", "3 disagreements".
func disagreements(n int) string {
	return fmt.Sprintf("%d %s", n, plural(n, "disagreement", "disagreements"))
}

// shellWord quotes s for a command line a user may copy, when it needs it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$`\\*?[]()&;|<>#~!{}") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func exampleCell(q *coding.Quote) string {
	if q == nil {
		return ""
	}
	s := "“" + strings.Join(strings.Fields(q.Text), " ") + "”"
	if q.Attribution != "" {
		s += " (" + q.Attribution + ")"
	}
	return s
}

// reportCSV is one row per code with unrounded numbers, for spreadsheets.
func reportCSV(r coding.Report) table {
	head := []string{"path", "depth", "segments", "cases", "percent_cases"}
	for _, c := range r.Columns {
		head = append(head, c.Value+" segments", c.Value+" cases", c.Value+" percent_cases")
	}
	examples := false
	for _, c := range r.Codes {
		examples = examples || c.Example != nil
	}
	if examples {
		head = append(head, "example", "example_attribution")
	}
	t := table{head: head, fill: -1}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	for _, c := range r.Codes {
		row := []string{c.Path, strconv.Itoa(c.Depth), strconv.Itoa(c.Segments), strconv.Itoa(c.Cases), num(c.PercentCases)}
		for _, col := range r.Columns {
			cell := c.By[col.Value]
			row = append(row, strconv.Itoa(cell.Segments), strconv.Itoa(cell.Cases), num(cell.PercentCases))
		}
		if examples {
			if c.Example != nil {
				row = append(row, c.Example.Text, c.Example.Attribution)
			} else {
				row = append(row, "", "")
			}
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// alignedTable writes a terminal table that keeps the code column's
// indentation and right-aligns numbers; the fill column is cut to width.
func alignedTable(w io.Writer, head []string, rows [][]string, fill, width int) error {
	t := table{head: head, rows: rows}.printable()
	head, rows = t.head, t.rows
	oneLine := strings.NewReplacer("\n", " ", "\t", " ") // keeping the code column's indentation
	for _, r := range append([][]string{head}, rows...) {
		for i, c := range r {
			r[i] = oneLine.Replace(c)
		}
	}
	widths := make([]int, len(head))
	for i, h := range head {
		widths[i] = ansi.StringWidth(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	if width > 0 && fill >= 0 {
		used := 0
		for i, n := range widths {
			if i != fill {
				used += n + 2
			}
		}
		widths[fill] = min(widths[fill], max(width-used, 10))
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			c = ansi.Truncate(c, widths[i], "…")
			pad := strings.Repeat(" ", widths[i]-ansi.StringWidth(c))
			switch {
			case i == 0 || i == fill:
				b.WriteString(c + pad)
			default:
				b.WriteString(pad + c)
			}
			if i < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(head)
	for _, r := range rows {
		line(r)
	}
	return nil
}

// warnPII lists each personal detail found on stderr, with the segment to
// look at, and says what was done about them: replaced, or printed as coded
// (--no-redact, or a report without --redact).
func (a *app) warnPII(hits []coding.PIIHit, redacted bool, again string) {
	verb := "warning"
	if redacted {
		verb = "redacted"
	}
	for _, h := range hits {
		a.note("%s: %s", verb, h)
	}
	if len(hits) == 0 {
		return
	}
	if redacted {
		a.note("replaced %s with [email], [phone] or [name]; --no-redact prints the text as coded", counted(len(hits), "personal detail", "personal details"))
	} else {
		a.note("%d possible personal details in the output: check them, or run again %s", len(hits), again)
	}
}

// redactFlags adds --no-redact (redaction is on by default) and keeps the
// older --redact working, hidden.
func redactFlags(cmd *cobra.Command, noRedact *bool) {
	f := cmd.Flags()
	f.BoolVar(noRedact, "no-redact", false, "print e-mail addresses, phone numbers and names as coded (each is still listed on stderr)")
	f.Bool("redact", true, "replace e-mail addresses, phone numbers and names (the default)")
	f.MarkHidden("redact")
}

// quoteFormats are what `qcode quotes` writes.
var quoteFormats = []string{"md", "json", "csv"}

// quoteJSON is one quote as `qcode quotes --format json|csv` lists it.
type quoteJSON struct {
	Theme       string `json:"theme"`
	Code        string `json:"code"`
	Text        string `json:"text"`
	Attribution string `json:"attribution"`
	Starred     bool   `json:"starred"`
	Segment     string `json:"segment,omitempty"`
	Case        string `json:"case,omitempty"`
}

func (a *app) quotesCommand() *cobra.Command {
	var q coding.QuoteQuery
	var format string
	var noRedact bool
	var where []string
	cmd := &cobra.Command{
		Use:   "quotes",
		Short: "Quote bank: coded passages with anonymous attributions, by theme and code",
		Long: `List coded passages as quotes, grouped by theme and code: a passage is the
coded span of text, or the whole segment. Starred passages come first, then
the rest in project order; a passage coded by several coders appears once.

Each quote is followed by an attribution built from the attributes of its
segment, case and source. The template names attributes in braces, and
{a|b} takes the first that has a value. An attribute that is missing drops
out with its punctuation, and a clause or bracket whose attributes are all
missing goes entirely:

  "{role}, {org_size} {geography} local authority, {method}"
      → (Learning lead, medium-sized rural local authority, interview)
      → (Learning lead, interview)            without org_size and geography

With --coder consensus the quotes are the team's final coding: settled
decisions, and elsewhere the passages every coder who reviewed the segment
coded (their union where spans differ); open disagreements are counted on
stderr.

Segment IDs and case names are never printed unless --show-ids. Quotes and
attributions are scanned for e-mail addresses, phone numbers and people's
names (the project's cases and speakers, and any name after Mr, Mrs, Ms,
Miss, Dr or Prof), which are replaced with [email], [phone] and [name]. Each
replacement is listed on stderr with its segment ID; --no-redact prints the
text as coded (and still lists them).

` + whereHelp + ` In Markdown the filter is the first line; in JSON
and CSV (a list of quotes) it is said on stderr.`,
		Example: `  qcode quotes --code Barriers --starred > barriers-quotes.md
  qcode quotes --per-code 3 --attribution "{role}, {org_size} {geography} local authority, {method}"
  qcode quotes --code Barriers --where "geography=rural,island"
  qcode quotes --coder consensus --format csv 2> redactions.txt`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, quoteFormats); err != nil {
				return err
			}
			if q.PerCode < 0 {
				return usagef("--per-code %d: give a number ≥ 0 (0: no limit)", q.PerCode)
			}
			var err error
			if q.Where, err = parseWhere(where); err != nil {
				return err
			}
			q.Coders = a.coderFilter(cmd)
			q.Redact = !noRedact
			return a.withReader(func(s *coding.Store) error {
				bank, err := s.Quotes(q)
				if err != nil {
					return err
				}
				a.warnPII(bank.Warnings, q.Redact, "without --no-redact")
				a.consensusNote(bank.Consensus, q.Code, q.Source)
				if len(bank.Groups) == 0 {
					a.note("no quotes: nothing coded matches")
				}
				if len(q.Where) > 0 {
					if format == "md" {
						fmt.Fprintf(a.stdout, "Quotes from segments where %s.\n\n", printable.String(coding.DescribeWhere(q.Where)))
					} else {
						a.note("quotes from segments where %s", coding.DescribeWhere(q.Where))
					}
				}
				return writeQuotes(a.stdout, bank, format)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Code, "code", "", "only this code and its sub-codes")
	f.BoolVar(&q.Starred, "starred", false, "only passages starred as quotes")
	f.IntVar(&q.PerCode, "per-code", 0, "at most N quotes per code, starred first (0: all)")
	f.StringVar(&q.Attribution, "attribution", "", "attribution template (default "+strconv.Quote(coding.DefaultAttribution)+")")
	f.BoolVar(&q.ShowIDs, "show-ids", false, "print each quote's segment ID and case name (not anonymous)")
	redactFlags(cmd, &noRedact)
	f.StringVar(&q.Source, "source", "", "only segments of this source")
	whereFlag(cmd, &where)
	f.StringVar(&format, "format", "md", "output format: "+strings.Join(quoteFormats, ", "))
	return cmd
}

func writeQuotes(w io.Writer, bank coding.QuoteBank, format string) error {
	if format == "md" {
		return coding.WriteQuotesMarkdown(w, bank, 2)
	}
	list := []quoteJSON{}
	t := table{head: []string{"theme", "code", "text", "attribution", "starred", "segment", "case"}, fill: -1}
	for _, g := range bank.Groups {
		for _, q := range g.Quotes {
			list = append(list, quoteJSON{Theme: g.Theme, Code: g.Path, Text: q.Text, Attribution: q.Attribution,
				Starred: q.Starred, Segment: q.Segment, Case: q.Case})
			t.rows = append(t.rows, []string{g.Theme, g.Path, q.Text, q.Attribution, strconv.FormatBool(q.Starred), q.Segment, q.Case})
		}
	}
	return t.write(w, format, list)
}

// starterRecipe is --recipe's value when it is given without a file:
// write the starter recipe.
const starterRecipe = "\x00starter"

// exportFormats are what export writes.
var exportFormats = []string{"md", "docx", "html", "qdpx", "qdc"}

// recipeFlags are the default report's options, which a recipe file sets
// itself.
var recipeFlags = map[string]string{"unit": "unit", "by": "by (on a table)", "attribution": "attribution", "per-code": "per_code (on quotes)", "memos": "a memo: all section"}

func (a *app) exportCommand() *cobra.Command {
	var opts report.ExportOptions
	var format, recipe string
	var noRedact bool
	var where []string
	cmd := &cobra.Command{
		Use:   "export [--recipe RECIPE.yaml] OUT",
		Short: "Write the report (Markdown, Word, HTML) from a recipe, or the project or codebook for other QDA tools (REFI-QDA)",
		Long: `With --format md (the default), docx or html, write the report document.
Without --recipe it is qcode's default report: a summary, the thematic map
(a mindmap of themes and codes with counts), per theme a frequency table
and bar charts (n in every caption), the Kirkpatrick table (levels, count,
an example quote each), and the quote bank (5 quotes per code, starred
first; --per-code 0 is every quote). md renders on GitHub as it is (Mermaid
charts); docx is a Word document (Word's styles: headings, tables, block
quotes, PNG charts, captions), html one self-contained file (inline SVG
charts).

A recipe (--recipe report.yaml) writes the report's shape once, to run
again after every coding session: a title and an ordered list of sections
— text (Markdown with placeholders such as {n_cases} or
{n_of_n:code=Kirkpatrick/L1 Reaction,unit=authority}), memo (the journal,
a code's or a case's memo), table (codes, by, unit, where, coder, sort,
style: n_of_n for "17 of 20 (85%)", examples, caption), quotes (code,
where, starred, per_code, attribution, max_chars, dedupe), chart (a bar
chart of a code's sub-codes or of a table), agreement. Tables and figures
are numbered in order. A mistake in the recipe — a key, code, attribute,
value or placeholder — is one line naming the recipe's line, and nothing
is written. 'qcode export --recipe' without a file writes a starter
recipe that reproduces the default report, to edit (to stdout, or to a new
file: qcode export --recipe report.yaml). docs/recipes/study.yaml is a
recipe shaped like a published study. With a recipe, --coder, --source and
--where apply on top of it; the default report's --unit, --by,
--attribution, --per-code and --memos are the recipe's keys instead.

Quotes are anonymous and redacted as in 'qcode quotes': e-mail addresses,
phone numbers and names become [email], [phone] and [name], in quotes,
attributions, the column headers of --by (a split by speaker shows [name 1],
[name 2]…), memos and the recipe's text; each replacement is listed on
stderr, and --no-redact prints them as coded. --source names the source by
its title, never its file name. With --coder consensus the document counts
and quotes the team's final coding (as 'qcode report --coder consensus')
and states how many disagreements are not yet settled. --memos appends the
memos (the research journal, then memos on sources, cases, codes, segments
and codings), redacted like quotes; a memo on a segment or participant is
headed by its anonymous attribution, not its ID, unless --show-ids.

` + whereHelp + `

With --format qdpx, write the whole project as a REFI-QDA project that
NVivo, ATLAS.ti, MAXQDA and QualCoder open: each source as a UTF-8 text
(a transcript whole, its title, headings and the interviewer's prompts
included; a sheet one answer per paragraph after its ID), every segment a
selection named by its ID, cases with their attributes as typed variables,
the codebook, coders as users, every coding by character position, memos
and stars as notes, samples and review marks as sets. Consensus is written
as stored: the lead's decisions; what every reviewer agreed on is derived
again wherever the project is read. qcode reads the file back whole
('qcode import OUT' into a new project). The texts, case names and memos are
written as they are, not redacted: the file is the project, to share as you
would share the project file.

With --format qdc, write the codebook as a REFI-QDA codebook: every code
with its description (inclusion and exclusion notes as paragraphs of it),
colour and nesting.

OUT is written atomically (a temporary file renamed over it) with mode 0600.`,
		Example: `  qcode export --format md report.md
  qcode export --format docx report.docx --unit authority --by role
  qcode export --format html report.html --where "sector=local authority"
  qcode export --recipe > report.yaml             a starter recipe to edit
  qcode export --recipe docs/recipes/study.yaml --format docx study.docx
  qcode export --format md - --coder consensus | less
  qcode export --format md report.md --memos
  qcode export --format qdpx study.qdpx        open it in NVivo, MAXQDA, ATLAS.ti or QualCoder
  qcode export --format qdc codebook.qdc`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(exportFormats, format) {
				return usagef("--format %s: use md, docx, html, qdpx or qdc", format)
			}
			starter := recipe == starterRecipe
			if starter && len(args) == 2 { // --recipe FILE OUT: the flag's value came as an argument
				recipe, args, starter = args[0], args[1:], false
			}
			if !starter && len(args) != 1 {
				return usagef("export needs one OUT file (or - for stdout)")
			}
			switch format {
			case "qdpx", "qdc":
				for _, f := range []string{"recipe", "source", "where", "unit", "by", "attribution", "per-code", "show-ids", "no-redact", "redact", "memos"} {
					if cmd.Flags().Changed(f) {
						return usagef("--%s applies to --format md, docx or html, not %s", f, format)
					}
				}
				if cmd.Flags().Changed("coder") {
					return usagef("--format %s writes every coder's codings; --coder applies to --format md, docx or html", format)
				}
				return a.withReader(func(s *coding.Store) error { return a.exportREFI(s, format, args[0]) })
			}
			if opts.PerCode < 0 {
				return usagef("--per-code %d: give a number ≥ 0 (0: every quote)", opts.PerCode)
			}
			conds, err := parseWhere(where)
			if err != nil {
				return err
			}
			coders := a.coderFilter(cmd)
			build := report.Options{Source: opts.Source, ShowIDs: opts.ShowIDs, Redact: !noRedact}
			if build.Date, err = reportDate(); err != nil {
				return err
			}
			// A recipe file is read before the project is opened.
			var r *report.Recipe
			if recipe != "" && !starter {
				for f, key := range recipeFlags {
					if cmd.Flags().Changed(f) {
						return usagef("--%s is the default report's: a recipe sets %s itself", f, key)
					}
				}
				data, err := corpus.ReadInput(recipe, int64(a.maxInput))
				if err != nil {
					return err
				}
				if r, err = report.ParseRecipe(recipe, data); err != nil {
					return err
				}
				build.Coders, build.Where = coders, conds
			}
			opts.Where, opts.Coders, opts.Redact = conds, coders, build.Redact
			if opts.PerCode == 0 {
				opts.PerCode = -1 // every quote
			}
			if starter {
				return a.writeStarter(opts, args)
			}
			out := args[0]
			if format == "docx" && out == "-" && isTerminal(a.stdout) {
				return usagef("a .docx is a zip archive: give a file name, or send - to a pipe")
			}
			return a.withReader(func(s *coding.Store) error {
				if r == nil {
					if r, err = report.DefaultRecipe(s, opts); err != nil {
						return err
					}
				}
				doc, hits, err := report.Build(s, r, build)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if err := report.Write(&buf, doc, format); err != nil {
					return err
				}
				a.warnPII(hits, build.Redact, "without --no-redact")
				if c := build.Coders; (len(c) == 1 && c[0] == coding.Consensus) || (c == nil && r.Coder == coding.Consensus) {
					sum, err := s.ConsensusSummaryWhere("", opts.Source, append(append([]coding.AttrCondition(nil), conds...), r.Where...))
					if err != nil {
						return err
					}
					a.consensusNote(&sum, "", opts.Source)
				}
				return a.writeOut(out, buf.Bytes())
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "md", "md, docx or html (a report), qdpx (the project, REFI-QDA) or qdc (the codebook, REFI-QDA)")
	f.StringVar(&recipe, "recipe", "", "the report's recipe (YAML); without a file, write a starter recipe")
	f.Lookup("recipe").NoOptDefVal = starterRecipe
	f.StringVar(&opts.Source, "source", "", "only segments of this source (named by its title in the report)")
	f.StringVar(&opts.Unit, "unit", "", "count distinct values of this attribute instead of cases (e.g. authority)")
	f.StringVar(&opts.By, "by", "", "split the frequency tables by the values of this attribute (e.g. role)")
	f.StringVar(&opts.Attribution, "attribution", "", "attribution template (default "+strconv.Quote(coding.DefaultAttribution)+")")
	f.IntVar(&opts.PerCode, "per-code", coding.ExportQuotesPerCode, "quotes per code in the quote bank, starred first (0: every quote)")
	f.BoolVar(&opts.ShowIDs, "show-ids", false, "print each quote's segment ID and case name (not anonymous)")
	f.BoolVar(&opts.Memos, "memos", false, "append the memos: the journal, and memos on sources, cases, codes, segments and codings (anonymous, redacted like quotes)")
	whereFlag(cmd, &where)
	redactFlags(cmd, &noRedact)
	return cmd
}

// writeStarter writes the starter recipe: to stdout without OUT, else to
// a new file (an existing one is kept: it may be the recipe meant to be
// rendered, its OUT forgotten).
func (a *app) writeStarter(o report.ExportOptions, args []string) error {
	out := "-"
	if len(args) == 1 {
		out = args[0]
	}
	if out != "-" {
		if _, err := os.Stat(out); err == nil {
			return usagef("%s exists: to render it, name OUT too (qcode export --recipe %s --format md OUT); to write a starter recipe, name a new file", out, shellWord(out))
		}
	}
	return a.withReader(func(s *coding.Store) error {
		r, err := report.DefaultRecipe(s, o)
		if err != nil {
			return err
		}
		text := r.Text()
		if out == "-" {
			_, err := io.WriteString(a.stdout, printable.String(text))
			return err
		}
		if err := a.writeOut(out, []byte(text)); err != nil {
			return err
		}
		a.note("a starter recipe: edit it, then qcode export --recipe %s --format md|docx|html OUT", shellWord(out))
		return nil
	})
}

// writeOut writes an export to OUT (atomically, mode 0600), or to stdout
// for "-".
func (a *app) writeOut(out string, data []byte) error {
	if out == "-" {
		_, err := a.stdout.Write(data)
		return err
	}
	if err := coding.WriteExportFile(out, data); err != nil {
		return err
	}
	a.note("wrote %s", out)
	return nil
}

// reportDate is today, or SOURCE_DATE_EPOCH when set (reproducible output:
// the convention of reproducible builds, used by the golden tests).
func reportDate() (time.Time, error) {
	v := os.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return time.Now(), nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: not a number of seconds", v)
	}
	return time.Unix(sec, 0).UTC(), nil
}
