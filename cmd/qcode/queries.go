package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/corpus/printable"
)

// whereQueryHelp explains --where for cooccur, matrix and suggest, which
// take every condition of --filter (coding.ParseQueryTerm): an attribute's
// NAME=VALUE reads as in report's --where, and source=, code=… filter too.
const whereQueryHelp = `--where (repeatable; every one must hold) keeps only some segments:
  NAME=VALUE     the attribute NAME (any case) is VALUE, e.g. role=PQ lead
  source=NAME    in that source; sample=NAME in that sample
  code=PATH, coder=NAME, text=TEXT, uncoded, coded, unreviewed, starred
                 as for qcode segments --filter`

// parseWhereQuery reads --where specs in the --filter language into a
// segment query.
func parseWhereQuery(specs []string) (coding.SegmentQuery, error) {
	var q coding.SegmentQuery
	for _, spec := range specs {
		t, err := coding.ParseQueryTerm(spec)
		if err != nil {
			return q, usageError{err}
		}
		if q, err = q.With(t); err != nil {
			return q, usageError{err}
		}
	}
	return q, nil
}

// whoCounts says whose codings a table counts, for its caption.
func whoCounts(coders []string, sum *coding.ConsensusSummary) string {
	switch {
	case sum != nil:
		return consensusWho(*sum)
	case coders != nil:
		return "codings by " + strings.Join(coders, ", ")
	}
	return "codings by any coder"
}

// whereCaption is the filter as a caption states it ("" for none).
func whereCaption(q coding.SegmentQuery) string {
	if len(q.Terms()) == 0 {
		return ""
	}
	return "; where " + q.Describe()
}

func (a *app) cooccurCommand() *cobra.Command {
	var q coding.CooccurQuery
	var format string
	var where []string
	cmd := &cobra.Command{
		Use:   "cooccur",
		Short: "Which codes occur together: shared segments (or cases) and Jaccard, per pair of codes",
		Long: `For every pair of codes applied to the same unit, count the units that carry
both, and their Jaccard index (shared ÷ units with either). Pairs that share
no unit are left out; the most shared come first.

A unit is a segment (--unit segment, the default) or a case (--unit case: a
participant; a segment with no case is its own case). A code counts where it
or any of its sub-codes was applied, anywhere in the unit, as in qcode
report: the pair (Barriers, Benefits) is segments with any barrier and any
benefit. A code is never paired with its own sub-codes (they always
co-occur); --leaves pairs only codes without sub-codes.

Without --coder a code counts where any coder applied it, so a segment alice
coded A and bob coded B counts for (A, B); --coder NAME counts NAME's
codings only, and --coder consensus the team's final coding (open
disagreements are counted on stderr).

` + whereQueryHelp,
		Example: `  qcode cooccur --codes Barriers --leaves
  qcode cooccur --unit case --coder consensus --format md > cooccurrence.md
  qcode cooccur --where "role=PQ lead" --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			if q.Unit != coding.UnitSegment && q.Unit != coding.UnitCase {
				return usagef("--unit %s: use segment or case", q.Unit)
			}
			var err error
			if q.Where, err = parseWhereQuery(where); err != nil {
				return err
			}
			q.Coders = a.coderFilter(cmd)
			return a.withReader(func(s *coding.Store) error {
				c, err := s.Cooccur(q)
				if err != nil {
					return err
				}
				a.consensusNote(c.Consensus, q.Codes, "")
				if len(c.Pairs) == 0 {
					a.note("no pairs: no two codes in scope share a %s", c.Unit)
				}
				return writeCooccur(a.stdout, c, q.Where, format)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Codes, "codes", "", "only this code and its sub-codes (a path, e.g. Barriers)")
	f.StringVar(&q.Unit, "unit", coding.UnitSegment, "count shared segments or shared cases: segment or case")
	f.BoolVar(&q.Leaves, "leaves", false, "pair only codes without sub-codes")
	f.StringArrayVar(&where, "where", nil, "only segments meeting this condition (repeatable; see above)")
	formatFlag(cmd, &format)
	return cmd
}

// unitsWord is a count of a table's units with its noun.
func unitsWord(n int, unit string) string {
	if unit == coding.UnitCase {
		return counted(n, "participant", "participants")
	}
	return segments(n)
}

// writeCooccur renders a co-occurrence table: JSON as documented, CSV
// with unrounded Jaccard, Markdown and the terminal table rounded.
func writeCooccur(w io.Writer, c coding.Cooccurrence, where coding.SegmentQuery, format string) error {
	if format == "json" {
		return writeJSON(w, c)
	}
	shared := "segments"
	if c.Unit == coding.UnitCase {
		shared = "cases"
	}
	t := table{head: []string{"code a", "code b", shared, "jaccard"}, fill: -1}
	for _, p := range c.Pairs {
		j := strconv.FormatFloat(p.Jaccard, 'f', 2, 64)
		if format == "csv" {
			j = strconv.FormatFloat(p.Jaccard, 'g', -1, 64)
		}
		t.rows = append(t.rows, []string{p.A, p.B, strconv.Itoa(p.Shared()), j})
	}
	if format == "csv" {
		t.head = []string{"a", "b", shared, "jaccard"}
		return t.write(w, "csv", nil)
	}
	caption := printable.String(fmt.Sprintf("n = %s; pairs of codes sharing a %s; %s%s",
		unitsWord(c.UnitsTotal, c.Unit), c.Unit, whoCounts(c.Coders, c.Consensus), whereCaption(where)))
	if format == "md" {
		fmt.Fprintf(w, "%s\n\n", caption)
	} else {
		fmt.Fprintln(w, caption)
	}
	return t.write(w, format, nil)
}

// matrixFormats are what `qcode matrix` writes.
var matrixFormats = []string{"table", "md", "csv", "json", "xlsx"}

func (a *app) matrixCommand() *cobra.Command {
	var q coding.MatrixQuery
	var format, rows, out string
	var where []string
	cmd := &cobra.Command{
		Use:   "matrix --cols cases|sources|ATTR",
		Short: "Codes against cases, sources or an attribute's values (a matrix coding query)",
		Long: `Cross codes (one row each, sub-codes under their parent, a parent counting
its sub-codes) with cases, sources or the values of an attribute (one
column each). A cell counts the segments with the code in that column
(--count segments, the default), or the cases (participants) they belong
to (--count cases). A segment counts once per cell however often it was
coded. With --cols ATTR, segments without the attribute make a last column,
(missing); a segment with no case is its own case, named by its segment ID.
Columns are in natural order (Q2 before Q10), sources in import order.

  --cols cases      one column per participant
  --cols sources    one column per imported file or sheet
  --cols role       one column per value of the attribute role (any case;
                    attr:NAME for an attribute called cases or sources)

In CSV and XLSX the first column is the code's path and there is one
column per case, source or value; the XLSX workbook has a header row and
the code column frozen, and a second sheet saying what was counted. -o
FILE writes atomically, mode 0600; XLSX needs -o FILE or a pipe.

Without --coder a code counts where any coder applied it; --coder consensus
counts the team's final coding. Case names and source names are printed as
they are: this is an analysis table, not an anonymous report.

` + whereQueryHelp,
		Example: `  qcode matrix --cols role
  qcode matrix --cols cases --count cases --codes Barriers --format csv > barriers-by-case.csv
  qcode matrix --cols question_id --coder consensus --format xlsx -o matrix.xlsx
  qcode matrix --cols sources --where "role=PQ lead" --format md`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, matrixFormats); err != nil {
				return err
			}
			if rows != "codes" {
				return usagef("--rows %s: rows are codes (--rows codes); columns are --cols cases, sources or an attribute", rows)
			}
			if strings.TrimSpace(q.Cols) == "" {
				return usagef("say what the columns are: --cols cases, --cols sources or --cols ATTRIBUTE")
			}
			if q.Count != coding.CountSegments && q.Count != coding.CountCases {
				return usagef("--count %s: use segments or cases", q.Count)
			}
			if format == "xlsx" && out == "" && isTerminal(a.stdout) {
				return usagef("an .xlsx workbook is a zip archive: give -o FILE, or send it to a pipe")
			}
			var err error
			if q.Where, err = parseWhereQuery(where); err != nil {
				return err
			}
			q.Coders = a.coderFilter(cmd)
			return a.withReader(func(s *coding.Store) error {
				m, err := s.Matrix(q)
				if err != nil {
					return err
				}
				a.consensusNote(m.Consensus, q.Codes, "")
				var buf strings.Builder
				if format == "xlsx" {
					data, err := matrixXLSX(m, matrixCaption(m, q.Where))
					if err != nil {
						return err
					}
					buf.Write(data)
				} else if err := writeMatrix(&buf, m, q.Where, format); err != nil {
					return err
				}
				if out == "" {
					_, err := io.WriteString(a.stdout, buf.String())
					return err
				}
				return a.writeOut(out, []byte(buf.String()))
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&rows, "rows", "codes", "what the rows are: codes")
	f.StringVar(&q.Cols, "cols", "", "what the columns are: cases, sources, or an attribute's name")
	f.StringVar(&q.Count, "count", coding.CountSegments, "what a cell counts: segments or cases")
	f.StringVar(&q.Codes, "codes", "", "only this code and its sub-codes (a path, e.g. Barriers)")
	f.StringArrayVar(&where, "where", nil, "only segments meeting this condition (repeatable; see above)")
	f.StringVarP(&out, "output", "o", "", "write to FILE (atomically, mode 0600) instead of stdout")
	f.StringVar(&format, "format", "table", "output format: "+strings.Join(matrixFormats, ", "))
	return cmd
}

// matrixCaption states n, what a cell counts, whose codings and the
// filter.
func matrixCaption(m coding.Matrix, where coding.SegmentQuery) string {
	return printable.String(fmt.Sprintf("n = %s, %s; cells: %s per code and %s; %s%s",
		counted(m.CasesTotal, "participant", "participants"), segments(m.SegmentsTotal), m.Count, colsNoun(m.Cols),
		whoCounts(m.Coders, m.Consensus), whereCaption(where)))
}

// colsNoun names one column of a matrix in a caption.
func colsNoun(cols string) string {
	switch cols {
	case coding.MatrixCases:
		return "participant"
	case coding.MatrixSources:
		return "source"
	}
	return cols
}

// writeMatrix renders a matrix: JSON as documented; CSV with the code's
// path first and one column per case, source or value; Markdown and the
// terminal table with codes indented under their parents and each
// column's n.
func writeMatrix(w io.Writer, m coding.Matrix, where coding.SegmentQuery, format string) error {
	if format == "json" {
		if m.Columns == nil {
			m.Columns = []coding.MatrixColumn{}
		}
		if m.Codes == nil {
			m.Codes = []coding.MatrixRow{}
		}
		return writeJSON(w, m)
	}
	head := []string{"code"}
	for _, c := range m.Columns {
		if format == "csv" {
			head = append(head, c.Value)
			continue
		}
		n := c.Segments
		if m.Count == coding.CountCases {
			n = c.Cases
		}
		head = append(head, fmt.Sprintf("%s (n=%d)", c.Value, n))
	}
	var rows [][]string
	for _, r := range m.Codes {
		name := r.Path
		switch format {
		case "md":
			name = strings.Repeat("&emsp;", r.Depth) + r.Name
		case "table":
			name = strings.Repeat("  ", r.Depth) + r.Name
		}
		row := []string{name}
		for _, n := range r.Cells {
			row = append(row, strconv.Itoa(n))
		}
		rows = append(rows, row)
	}
	switch format {
	case "csv":
		return table{head: head, rows: rows, fill: -1}.write(w, "csv", nil)
	case "md":
		fmt.Fprintf(w, "%s\n\n", matrixCaption(m, where))
		return table{head: head, rows: rows, fill: -1}.write(w, "md", nil)
	}
	fmt.Fprintln(w, matrixCaption(m, where))
	return alignedTable(w, head, rows, -1, 0)
}
