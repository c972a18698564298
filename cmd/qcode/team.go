package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/coding/agreement"
	"qcode/corpus/printable"
)

// The team lead's commands: agree, disagreements, settle, merge.

func (a *app) agreeCommand() *cobra.Command {
	var q coding.AgreeQuery
	var format, coders, units string
	var where []string
	cmd := &cobra.Command{
		Use:   "agree",
		Short: "Inter-coder agreement per code: percent, Cohen's and Fleiss' kappa, Krippendorff's alpha",
		Long: `Compare coders code by code. The unit is the segment: a coder's value is 1
when they applied the code (or a sub-code) anywhere in it. Percent agreement
is the share of units where all coders agree; Cohen's kappa needs exactly two
coders; Fleiss' kappa and Krippendorff's alpha (nominal) take any number. The
last row pools every (unit, leaf code) pair. "–" marks a value that is
undefined (e.g. nobody used the code, so there is no variation to agree on).
The strength column is Landis & Koch's (1977) label for the kappa. Beside
each percentage, n is the number of units (pairs, for the pooled row) and
used the units where some coder applied the code: 99 % agreement on a code
used twice in 200 units says little.

Units: by default the segments every compared coder reviewed — coded with
anything, or marked "reviewed, nothing applies" (x on the coding screen, an
empty code in a codings CSV) — so that a segment one coder was never given
is not a disagreement. --units coded takes the segments some compared coder
coded; --units all every segment of the compared sources. --sample NAME
takes exactly the segments of a sample made with qcode sample (a segment a
coder has not reviewed yet counts as not coded; the preamble says how many
each has reviewed). Default coders: everyone with codings or review marks
except consensus.

` + whereHelp,
		Example: `  qcode agree
  qcode agree --sample icr --format md
  qcode agree --coders alice,bob --units all --codes Barriers
  qcode agree --source london-pq-survey-2010 --format json
  qcode agree --sample icr --where method=interview`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			var err error
			if q.Where, err = parseWhere(where); err != nil {
				return err
			}
			if err := a.unitsFlag(cmd, units, &q.Units, q.Sample); err != nil {
				return err
			}
			q.Coders = splitList(coders)
			return a.withReader(func(s *coding.Store) error {
				res, err := s.Agreement(q)
				if err != nil {
					return err
				}
				if format == "table" || format == "md" {
					fmt.Fprintln(a.stdout, printable.String(agreePreamble(res)))
					if format == "md" {
						fmt.Fprintln(a.stdout)
					}
				}
				if err := agreeTable(res).write(a.stdout, format, res); err != nil {
					return err
				}
				if format == "table" || format == "md" {
					if format == "md" {
						fmt.Fprintln(a.stdout)
					}
					fmt.Fprintln(a.stdout, "n: units (for the pooled row, unit × leaf code pairs); used: of them, those where some coder applied the code.")
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&coders, "coders", "", "coders to compare, comma-separated (default: all with codings or review marks but consensus)")
	f.StringVar(&units, "units", "reviewed", "units: reviewed (by every compared coder), coded (by some) or all (every segment)")
	f.StringVar(&q.Sample, "sample", "", "units: exactly this sample's segments (see qcode sample)")
	f.StringVar(&q.Codes, "codes", "", "only this code and its sub-codes")
	f.StringVar(&q.Source, "source", "", "only this source's segments")
	whereFlag(cmd, &where)
	formatFlag(cmd, &format)
	return cmd
}

// unitsFlag reads --units (and checks it against --sample) into units.
func (a *app) unitsFlag(cmd *cobra.Command, v string, units *coding.UnitScope, sample string) error {
	if sample != "" {
		if cmd.Flags().Changed("units") {
			return usagef("--sample sets the units: leave out --units")
		}
		*units = coding.UnitsSample
		return nil
	}
	u, err := coding.ParseUnitScope(v)
	if err != nil {
		return usagef("--units %s: use reviewed, coded or all", v)
	}
	*units = u
	return nil
}

// unitsText names the units compared, e.g. "segments alice and bob both
// reviewed", "sample icr".
func unitsText(scope coding.UnitScope, sample, source string, coders []string) string {
	var out string
	switch scope {
	case coding.UnitsReviewed:
		switch len(coders) {
		case 2:
			out = "segments " + coders[0] + " and " + coders[1] + " both reviewed"
		default:
			out = "segments every compared coder reviewed"
		}
	case coding.UnitsCoded:
		out = "segments some compared coder coded"
	case coding.UnitsSample:
		switch len(coders) {
		case 2:
			out = "segments of sample " + sample + " " + coders[0] + " and " + coders[1] + " both reviewed"
		default:
			out = "segments of sample " + sample + " every compared coder reviewed"
		}
	default:
		out = "all segments"
	}
	if source != "" {
		out += " of " + source
	}
	return out
}

// agreePreamble says what was compared, e.g. "alice vs bob: 240 units
// (segments alice and bob both reviewed); reviewed by alice 240, bob 240;
// coded by alice 120, bob 131".
func agreePreamble(res coding.Agreement) string {
	var coded, reviewed []string
	for _, c := range res.Coders {
		coded = append(coded, fmt.Sprintf("%s %d", c, res.Coded[c]))
		if res.UnitScope == coding.UnitsSample {
			reviewed = append(reviewed, fmt.Sprintf("%s %d/%d", c, res.Reviewed[c], res.SampleSize))
		} else {
			reviewed = append(reviewed, fmt.Sprintf("%s %d", c, res.Reviewed[c]))
		}
	}
	scope := unitsText(res.UnitScope, res.Sample, res.Source, res.Coders)
	if len(res.Where) > 0 {
		scope += ", where " + coding.DescribeWhere(res.Where)
	}
	out := fmt.Sprintf("%s: %s (%s); reviewed by %s; coded by %s", strings.Join(res.Coders, " vs "), counted(res.Units, "unit", "units"),
		scope, strings.Join(reviewed, ", "), strings.Join(coded, ", "))
	if res.UnitScope == coding.UnitsSample && res.Units < res.SampleSize {
		out += fmt.Sprintf(" (%d of the sample's %d segments not yet reviewed by everyone: not counted)", res.SampleSize-res.Units, res.SampleSize)
	}
	return out
}

func strength(m agreement.Metrics) string {
	band, ok := agreement.LandisKoch(m.Kappa())
	if !ok {
		return "–"
	}
	return band.String()
}

func agreeTable(res coding.Agreement) table {
	t := table{head: []string{"code", "n", "used", "agree %", "Cohen κ", "Fleiss κ", "α", "strength", "differ"}, fill: -1}
	row := func(name string, n, used int, m agreement.Metrics, differ int) {
		t.rows = append(t.rows, []string{name, strconv.Itoa(n), strconv.Itoa(used), m.PercentAgreement.Format(1), m.CohenKappa.Format(3),
			m.FleissKappa.Format(3), m.KrippendorffAlpha.Format(3), strength(m), strconv.Itoa(differ)})
	}
	for _, c := range res.Codes {
		row(c.Path, c.Units, c.Used, c.Metrics, c.Disagreements)
	}
	row("overall (leaf codes pooled)", res.Overall.Pairs, res.Overall.Used, res.Overall.Metrics, res.Overall.Disagreements)
	return t
}

func (a *app) disagreementsCommand() *cobra.Command {
	var q coding.DisagreeQuery
	var format, coders, units string
	var where []string
	cmd := &cobra.Command{
		Use:   "disagreements",
		Short: "List the segments where coders differ, with each coder's codes",
		Long: `List each segment and code where the compared coders differ: one applied the
code and another did not (for a code group such as Kirkpatrick, their levels
differ). ✓ marks a coding of the whole segment, [start–end] a span. The
settled column shows the consensus decision, if any; the count of settled
items, and the units compared, go to stderr. Settle an item with qcode
settle.

The segments compared are agree's: by default those every compared coder
reviewed (coded, or marked "reviewed, nothing applies"), so a segment one
coder never saw is not listed; --units coded|all or --sample NAME as in
agree.

` + whereHelp,
		Example: `  qcode disagreements --code Barriers
  qcode disagreements --sample icr --unsettled --format md
  qcode disagreements --coders alice,bob --units all
  qcode disagreements --where role=PQ lead --unsettled`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			var err error
			if q.Where, err = parseWhere(where); err != nil {
				return err
			}
			if err := a.unitsFlag(cmd, units, &q.Units, q.Sample); err != nil {
				return err
			}
			q.Coders = splitList(coders)
			return a.withReader(func(s *coding.Store) error {
				list, err := s.Disagreements(q)
				if err != nil {
					return err
				}
				if err := disagreementsTable(list).write(a.stdout, format, list); err != nil {
					return err
				}
				a.note("settled %d of %d (%s: %s)", list.Settled, list.Total, counted(list.Units, "unit", "units"),
					unitsText(list.UnitScope, list.Sample, q.Source, list.Coders))
				if len(q.Where) > 0 {
					a.note("segments where %s", coding.DescribeWhere(q.Where))
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Code, "code", "", "only this code and its sub-codes")
	f.StringVar(&coders, "coders", "", "coders to compare, comma-separated (default: all with codings or review marks but consensus)")
	f.StringVar(&units, "units", "reviewed", "units, as agree's: reviewed (by every compared coder), coded (by some) or all")
	f.StringVar(&q.Sample, "sample", "", "only this sample's segments")
	f.StringVar(&q.Source, "source", "", "only this source")
	f.BoolVar(&q.Unsettled, "unsettled", false, "leave out items consensus has decided")
	whereFlag(cmd, &where)
	formatFlag(cmd, &format)
	return cmd
}

// versionCell shows a coder's codings of an item: ✓ for the whole segment,
// [a–b] for spans, and the level's name within a code group.
func versionCell(item string, ps []coding.Passage) string {
	if len(ps) == 0 {
		return "–"
	}
	var out []string
	for _, p := range ps {
		cell := "✓"
		if p.Path != item {
			cell = strings.TrimPrefix(p.Path, item+"/")
		}
		if p.Start != nil {
			cell = strings.TrimPrefix(fmt.Sprintf("%s [%d–%d]", cell, *p.Start, *p.End), "✓ ")
		}
		out = append(out, cell)
	}
	return strings.Join(out, ", ")
}

func decisionCell(d coding.Disagreement) string {
	if !d.Settled {
		return ""
	}
	if st := d.Settlement; st != nil {
		switch st.Kind {
		case coding.TakeCoder:
			return st.Coder + "'s"
		default:
			return string(st.Kind)
		}
	}
	return "consensus"
}

func disagreementsTable(l coding.DisagreementList) table {
	t := table{head: append(append([]string{"segment", "code"}, l.Coders...), "settled", "text")}
	t.fill = len(t.head) - 1
	for _, d := range l.Items {
		row := []string{d.Segment, d.Path}
		for _, v := range d.Versions {
			if v.NotReviewed {
				row = append(row, "not reviewed")
				continue
			}
			row = append(row, versionCell(d.Path, v.Passages))
		}
		t.rows = append(t.rows, append(row, decisionCell(d), d.Text))
	}
	return t
}

func (a *app) settleCommand() *cobra.Command {
	var take, set, coders string
	var union, none bool
	cmd := &cobra.Command{
		Use:   "settle SEGMENT CODE",
		Short: "Settle a disagreement into the consensus coder",
		Long: `Write a decision on one segment and code into the reserved coder
"consensus", as one undoable action of --coder: take one coder's version
(spans included), the union of the compared coders' codings, none (the code
does not apply: recorded, so the item counts as settled), or an explicit set
of codes (PATH or PATH@START-END, comma-separated; they may name other codes).
Each consensus coding gets an audit memo: who settled it, when, and what each
coder had. For a code group, CODE may be the group or any level.`,
		Example: `  qcode --coder lead settle R017 "Barriers/Workload and time" --take alice
  qcode --coder lead settle R017 Kirkpatrick --set "Kirkpatrick/L2 Learning"
  qcode --coder lead settle R018 "Barriers/Travel and distance" --none`,
		Args: exactArgs(2, "SEGMENT and CODE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			chosen := 0
			for _, on := range []bool{take != "", union, none, set != ""} {
				if on {
					chosen++
				}
			}
			if chosen != 1 {
				return usagef("settle needs exactly one of --take CODER, --union, --none, --set CODES")
			}
			return a.withStore(func(s *coding.Store) error {
				seg, err := s.Resolve(args[0])
				if err != nil {
					return err
				}
				c, ok := s.Codebook().Lookup(args[1])
				if !ok {
					return fmt.Errorf("no code %q", args[1])
				}
				d := coding.Decision{Coders: splitList(coders)}
				switch {
				case take != "":
					d.Kind, d.Coder = coding.TakeCoder, take
				case union:
					d.Kind = coding.TakeUnion
				case none:
					d.Kind = coding.TakeNone
				default:
					d.Kind = coding.TakeSet
					if d.Set, err = parseSet(s.Codebook(), set); err != nil {
						return err
					}
				}
				res, err := s.Settle(a.coder, seg, c.ID, d)
				if err != nil {
					return err
				}
				a.note("%s", res.Desc)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&take, "take", "", "take this coder's version")
	f.BoolVar(&union, "union", false, "take every compared coder's codings")
	f.BoolVar(&none, "none", false, "decide the code does not apply")
	f.StringVar(&set, "set", "", "take these codes: PATH or PATH@START-END, comma-separated")
	f.StringVar(&coders, "coders", "", "the compared coders, for --union and the audit memo (default: all with codings but consensus)")
	return cmd
}

// parseSet reads --set: PATH or PATH@START-END, comma-separated.
func parseSet(book *coding.Codebook, v string) ([]coding.Passage, error) {
	var out []coding.Passage
	for _, item := range splitList(v) {
		path, where, hasSpan := strings.Cut(item, "@")
		c, ok := book.Lookup(path)
		if !ok {
			return nil, fmt.Errorf("--set: no code %q", path)
		}
		p := coding.Passage{Code: c.ID}
		if hasSpan {
			from, to, ok := strings.Cut(where, "-")
			start, err1 := strconv.Atoi(from)
			end, err2 := strconv.Atoi(to)
			if !ok || err1 != nil || err2 != nil {
				return nil, usagef("--set %q: write PATH@START-END with whole numbers", item)
			}
			p.Span = coding.Span{Start: start, End: end}
		}
		out = append(out, p)
	}
	return out, nil
}

func (a *app) mergeCommand() *cobra.Command {
	var prefer string
	var renames []string
	cmd := &cobra.Command{
		Use:   "merge FILE...",
		Short: "Bring other coders' copies of this project into it",
		Long: `Merge copies of this project (made by copying the .qcode file) into it, in
one undoable action. Each FILE is only read. Sources are matched by content
(a source missing here is copied in), segments by ID, codes by path (a new
path is created and reported), codings are added under their coders; merging
the same file twice adds nothing.

A coder conflicts when, on a segment both sides have codings of that coder
on, the codes or spans differ. Conflicts refuse the whole merge (nothing
changes) and are listed, unless --prefer here keeps this project's codings on
those segments or --prefer incoming takes the file's. --rename OLD=NEW files
an incoming coder under another name. Files of another project, or that are
not qcode projects, are refused.

Review marks ("reviewed, nothing applies") come in too; codes win over a
mark: a mark here goes when the file brings codes of its coder for its
segment, and an incoming mark on a segment its coder coded here is left
out. A copy made before review marks existed (schema 1) merges as it is.`,
		Example: `  qcode --coder lead merge alice.qcode bob.qcode
  qcode merge alice-v2.qcode --prefer incoming
  qcode merge sam.qcode --rename sam=sam-k`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("merge needs at least one FILE")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := coding.MergeOptions{Prefer: coding.Prefer(prefer), Rename: map[string]string{}}
			if prefer != "" && prefer != "here" && prefer != "incoming" {
				return usagef("--prefer %s: use here or incoming", prefer)
			}
			for _, r := range renames {
				from, to, ok := strings.Cut(r, "=")
				if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
					return usagef("--rename %q: write OLD=NEW", r)
				}
				opts.Rename[strings.TrimSpace(from)] = strings.TrimSpace(to)
			}
			return a.withStore(func(s *coding.Store) error {
				res, err := s.MergeProjects(a.coder, args, opts)
				for _, f := range res.Files {
					a.reportMerge(f, opts.Prefer)
				}
				if err != nil {
					return err
				}
				if res.Seq == 0 {
					a.note("nothing new to merge")
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&prefer, "prefer", "", "on conflicting segments keep here's codings or take the incoming ones: here, incoming")
	cmd.Flags().StringArrayVar(&renames, "rename", nil, "file an incoming coder under another name: OLD=NEW (repeatable)")
	return cmd
}

// reportMerge prints what merging one file did (or would have done).
func (a *app) reportMerge(f coding.FileMerge, prefer coding.Prefer) {
	var parts []string
	switch {
	case f.Matched == 1:
		parts = append(parts, "1 source matched")
	case f.Matched > 1:
		parts = append(parts, fmt.Sprintf("%d sources matched", f.Matched))
	}
	if len(f.Copied) > 0 {
		parts = append(parts, "copied in "+strings.Join(f.Copied, ", "))
	}
	if len(f.Changed) > 0 {
		parts = append(parts, "matched by name (content differs here) "+strings.Join(f.Changed, ", "))
	}
	total, coders := perCoder(f.Added)
	added := counted(total, "coding", "codings") + " added"
	if len(f.Added) > 0 {
		added += " (" + coders + ")"
	}
	parts = append(parts, added)
	if f.Updated > 0 {
		parts = append(parts, counted(f.Updated, "coding", "codings")+" with a star or memo updated")
	}
	if f.Removed > 0 {
		parts = append(parts, counted(f.Removed, "coding", "codings")+" replaced")
	}
	if f.Dropped > 0 {
		parts = append(parts, counted(f.Dropped, "coding", "codings")+" dropped (segment or passage not in this project)")
	}
	if len(f.Marks) > 0 {
		n, marks := perCoder(f.Marks)
		parts = append(parts, fmt.Sprintf("%s added (%s)", counted(n, "review mark", "review marks"), marks))
	}
	if f.MarksRemoved > 0 {
		parts = append(parts, counted(f.MarksRemoved, "review mark", "review marks")+" here replaced by the incoming codes")
	}
	if f.MarksSkipped > 0 {
		parts = append(parts, counted(f.MarksSkipped, "review mark", "review marks")+" not brought (the coder coded those segments here)")
	}
	if f.MarksDropped > 0 {
		parts = append(parts, counted(f.MarksDropped, "review mark", "review marks")+" dropped (segment not in this project)")
	}
	if len(f.Memos) > 0 {
		n, memos := perCoder(f.Memos)
		parts = append(parts, fmt.Sprintf("%s added or extended (%s)", counted(n, "memo", "memos"), memos))
	}
	if f.MemosJoined > 0 {
		parts = append(parts, counted(f.MemosJoined, "memo", "memos")+" differed here and there: both texts kept, one after the other")
	}
	if f.MemosDropped > 0 {
		parts = append(parts, counted(f.MemosDropped, "memo", "memos")+" dropped (what it is on is not in this project)")
	}
	a.note("%s: %s", f.File, strings.Join(parts, "; "))
	a.noteNewCodes("  ", "", f.NewCodes)
	for _, c := range f.NewCoders {
		a.note("  new coder %s", c)
	}
	for _, c := range f.Conflicts {
		segs := c.Segments
		more := ""
		if len(segs) > 10 {
			more = fmt.Sprintf(", … (%d in all)", len(segs))
			segs = segs[:10]
		}
		verdict := "conflict"
		switch prefer {
		case coding.PreferHere:
			verdict = "kept this project's codings"
		case coding.PreferIncoming:
			verdict = "took the incoming codings"
		}
		a.note("  %s: coder %s differs on %s%s", verdict, c.Coder, strings.Join(segs, ", "), more)
	}
}

// perCoder sums counts per coder and lists them, "alice 3, bob 1".
func perCoder(counts map[string]int) (total int, list string) {
	parts := make([]string, 0, len(counts))
	for c, n := range counts {
		parts = append(parts, fmt.Sprintf("%s %d", c, n))
		total += n
	}
	sort.Strings(parts)
	return total, strings.Join(parts, ", ")
}
