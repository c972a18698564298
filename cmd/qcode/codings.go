package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
)

func (a *app) codingsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "codings",
		Short: "Import or export codings and review marks as CSV (segment,code,coder[,start,end,starred,memo])",
		Args:  noArgs,
		RunE:  helpOnly,
	}
	cmd.AddCommand(a.codingsImport(), a.codingsExport())
	return cmd
}

func (a *app) codingsImport() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Apply the codings of a CSV file in one transaction",
		Long: `Apply codings from a CSV with a header naming its columns: segment, code and
coder are required; start and end (rune offsets, both empty for the whole
segment), starred (true/false) and memo are optional. A segment ID that two
sources share is written source:ID. New code paths are created (with a
warning). A row with an empty code is a review mark: the coder reviewed the
segment and nothing applies (it takes no span, star or memo). Codes win over
a mark: a coded segment loses its coder's mark, and a mark on a segment its
coder coded is left out. Any bad row fails the whole file, naming its line.
The file is read before the project is opened; only a regular file of at
most --max-input-size bytes is read.`,
		Example: "  qcode codings import codings-alice.csv\n\n  segment,code,coder\n  R001,Barriers/Workload and time,alice\n  R002,,alice          (reviewed, nothing applies)",
		Args:    exactArgs(1, "one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.checkProject(); err != nil {
				return err
			}
			// Read before the project is opened: a slow read holds no lock.
			r, err := corpus.OpenInput(args[0], int64(a.maxInput))
			if err != nil {
				return err
			}
			file, err := coding.ReadCodings(args[0], r)
			r.Close()
			if err != nil {
				return err
			}
			return a.withStore(func(s *coding.Store) error {
				res, err := s.ImportCodingsFile(a.coder, file)
				if err != nil {
					return err
				}
				a.noteNewCodes("warning: ", " (not in the codebook before)", res.NewCodes)
				msg := fmt.Sprintf("imported %s: %s, %s added, %d updated, %d already there", filepath.Base(args[0]), counted(res.Rows, "row", "rows"), counted(res.Added, "coding", "codings"), res.Updated, res.Unchanged)
				if res.Replaced > 0 {
					msg += fmt.Sprintf(", %d replaced (one level per passage of an exclusive group)", res.Replaced)
				}
				if n := res.Marked + res.MarksUnchanged + res.MarksSkipped; n > 0 {
					msg += fmt.Sprintf("; %s added, %d already there", counted(res.Marked, "review mark", "review marks"), res.MarksUnchanged)
					if res.MarksSkipped > 0 {
						msg += fmt.Sprintf(", %d left out (the coder coded the segment)", res.MarksSkipped)
					}
				}
				if res.MarksCleared > 0 {
					msg += fmt.Sprintf("; %s taken away (the file codes their segments)", counted(res.MarksCleared, "review mark", "review marks"))
				}
				a.note("%s", msg)
				return nil
			})
		},
	}
}

// maxNewCodesListed is how many created code paths a command names before
// it only counts the rest: a file of emergent codes can create thousands.
const maxNewCodesListed = 20

// noteNewCodes tells which code paths an import or merge created, one line
// each up to maxNewCodesListed, then how many more.
func (a *app) noteNewCodes(prefix, suffix string, paths []string) {
	for i, p := range paths {
		if i == maxNewCodesListed {
			a.note("%s… and %d more new codes (qcode codebook export lists every code)", prefix, len(paths)-i)
			return
		}
		a.note("%snew code %s%s", prefix, corpus.Excerpt(p), suffix)
	}
}

func (a *app) codingsExport() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every coding and review mark (or one coder's) to stdout (CSV or JSON)",
		Long: `Write codings as CSV (segment,code,coder,start,end,starred,memo) or JSON, in
segment order, as codings import reads them: every coding, or with --coder
NAME only NAME's. A review mark ("reviewed, nothing applies") is a row with
an empty code, after the segment's codings.

--coder consensus writes the team's final coding: where the lead settled a
segment and code, the decision (with its audit memo); elsewhere each code
that every coder who reviewed the segment applied, with the union of their
passages (memo "Agreed by alice, bob."). Disagreements not yet settled are
left out and counted on stderr.`,
		Example: "  qcode codings export > codings.csv\n  qcode codings export --coder alice --format json\n  qcode codings export --coder consensus > final.csv",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, []string{"csv", "json"}); err != nil {
				return err
			}
			coders := a.coderFilter(cmd)
			return a.withReader(func(s *coding.Store) error {
				if format == "json" {
					list := []coding.CodingRecord{}
					sum, err := s.ExportCodingsOf(coders, func(r coding.CodingRecord) error { list = append(list, r); return nil })
					if err != nil {
						return err
					}
					a.consensusNote(sum, "", "")
					return writeJSON(a.stdout, list)
				}
				w := csv.NewWriter(a.stdout)
				w.Write(coding.CodingColumns)
				sum, err := s.ExportCodingsOf(coders, func(r coding.CodingRecord) error {
					row := r.CSV()
					for i, c := range row {
						row[i] = printable.String(c)
					}
					return w.Write(row)
				})
				w.Flush()
				if err == nil {
					err = w.Error()
				}
				if err == nil {
					a.consensusNote(sum, "", "")
				}
				return err
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	return cmd
}

func (a *app) undoCommand(undo bool) *cobra.Command {
	use, short := "undo", "Undo your last action (per coder, across restarts)"
	long := `Take back your latest action that is still done: yours only, as --coder
(or $QCODE_CODER, else your user name) names you. Another actor's action (a
lead's merge or import) is theirs to undo: qcode log --all says who may.`
	if !undo {
		use, short = "redo", "Redo the action you last undid"
		long = `Bring back the action you last undid, unless you have made a new one since.`
	}
	return &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    long,
		Example: "  qcode undo\n  qcode --coder alice undo\n  qcode log        what undo would take back",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(s *coding.Store) error {
				var res coding.ActionResult
				var err error
				if undo {
					res, err = s.Undo(a.coder)
				} else {
					res, err = s.Redo(a.coder)
				}
				if errors.Is(err, coding.ErrNothingUndo) || errors.Is(err, coding.ErrNothingRedo) {
					return a.nothingToUndo(s, err)
				}
				if err != nil {
					return err
				}
				a.note("%s: %s", map[bool]string{true: "undone", false: "redone"}[undo], res.Desc)
				return nil
			})
		},
	}
}

// nothingToUndo says that the coder has nothing to undo (or redo), and, so
// that nobody takes another's action for theirs, whose the latest one is.
func (a *app) nothingToUndo(s *coding.Store, err error) error {
	msg := fmt.Sprintf("%s for coder %s", err, a.coder)
	if errors.Is(err, coding.ErrNothingUndo) {
		if h, ok, _ := s.LatestAction(); ok && h.Coder != a.coder {
			msg += fmt.Sprintf(": the latest action, #%d %s, is %s's (%s undo takes it back)", h.Seq, h.Desc, h.Coder, coderFlag(h.Coder))
		}
	}
	return errors.New(msg)
}

// coderFlag is "qcode --coder NAME", quoted for a shell when it must be.
func coderFlag(name string) string {
	if strings.ContainsAny(name, " '\"$`\\!*?;&|<>()[]{}#~") {
		name = "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
	}
	return "qcode --coder " + name
}

func (a *app) logCommand() *cobra.Command {
	var n int
	var all bool
	var format string
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Show your latest actions: what undo would take back, in order",
		Long: `List your latest actions (as --coder names you), newest first: qcode undo
takes back the first one still done ("next undo"), then the one after it.
Actions undone since show as undone (redo brings back the latest) or
dropped (a newer action made redo impossible).

--all lists everyone's actions; for an action that is not yours (a merge or
an import by the lead) it says who may undo it.`,
		Example: "  qcode log\n  qcode log --all -n 50\n  qcode --coder lead log",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			return a.withReader(func(s *coding.Store) error {
				var hist []coding.HistoryEntry
				var err error
				if all {
					hist, err = s.History(n)
				} else {
					hist, err = s.ActorHistory(a.coder, n)
				}
				if err != nil {
					return err
				}
				if !all && len(hist) == 0 && format != "json" {
					a.note("coder %s has made no action: nothing to undo (qcode log --all lists everyone's)", a.coder)
				}
				return logTable(hist, a.coder, all).write(a.stdout, format, logJSON(hist, a.coder))
			})
		},
	}
	cmd.Flags().IntVarP(&n, "number", "n", 20, "how many actions")
	cmd.Flags().BoolVar(&all, "all", false, "everyone's actions, with who may undo each")
	formatFlag(cmd, &format)
	return cmd
}

// logEntryJSON is an action as `qcode log --format json` lists it.
type logEntryJSON struct {
	Seq      uint64 `json:"seq"`
	Coder    string `json:"coder"` // the actor: only they may undo it
	Time     string `json:"time"`
	Action   string `json:"action"`
	Undone   bool   `json:"undone"`
	State    string `json:"state"`     // done, undone or dropped
	Yours    bool   `json:"yours"`     // the --coder's own action
	NextUndo bool   `json:"next_undo"` // the one its actor's next undo takes back
	UndoWith string `json:"undo_with,omitempty"`
}

func logJSON(hist []coding.HistoryEntry, me string) []logEntryJSON {
	out := []logEntryJSON{}
	for _, h := range hist {
		j := logEntryJSON{Seq: h.Seq, Coder: h.Coder, Time: h.Time.UTC().Format("2006-01-02T15:04:05Z"), Action: h.Desc,
			Undone: h.Undone, State: h.State, Yours: h.Coder == me, NextUndo: h.NextUndo}
		if h.State == "done" {
			j.UndoWith = undoWith(h.Coder, me)
		}
		out = append(out, j)
	}
	return out
}

func undoWith(actor, me string) string {
	if actor == me {
		return "qcode undo"
	}
	return coderFlag(actor) + " undo"
}

func logTable(hist []coding.HistoryEntry, me string, all bool) table {
	state := func(h coding.HistoryEntry) string {
		switch {
		case h.NextUndo:
			return "done · next undo"
		case h.State == "undone":
			return "undone (redo)"
		}
		return h.State
	}
	if !all {
		t := table{head: []string{"#", "when", "action", "state"}, fill: 2}
		for _, h := range hist {
			t.rows = append(t.rows, []string{fmt.Sprint(h.Seq), h.Time.Format("2006-01-02 15:04:05"), h.Desc, state(h)})
		}
		return t
	}
	t := table{head: []string{"#", "when", "coder", "action", "state", "undo with"}, fill: 3}
	for _, h := range hist {
		with := ""
		if h.State == "done" {
			with = undoWith(h.Coder, me)
		}
		t.rows = append(t.rows, []string{fmt.Sprint(h.Seq), h.Time.Format("2006-01-02 15:04:05"), h.Coder, h.Desc, state(h), with})
	}
	return t
}
