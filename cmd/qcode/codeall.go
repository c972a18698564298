package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"qcode/coding"
)

// askAbove is how many segments `qcode code` codes without asking: more
// need a yes on a terminal, or --yes in a script.
const askAbove = 100

// filterHelp explains --filter, for the commands that take it.
const filterHelp = `--filter (repeatable; every one must hold):
  code=PATH      coded with PATH or a sub-code
  source=NAME    in that source
  case=NAME      said by that case (participant): a name, or fg2:P1 for a
                 transcript's speaker (P1 alone when one source has a P1)
  coder=NAME     coded by NAME
  sample=NAME    in that double-coding sample
  text=TEXT      the text holds TEXT (ignoring case)
  uncoded        not coded; unreviewed: neither coded nor marked "nothing applies"
  coded          coded with anything; starred: holds a starred quote
  NAME=VALUE     the attribute NAME (any case) is VALUE, e.g. role=PQ lead
                 (attr:NAME=VALUE for an attribute named like a keyword);
                 NAME=A,B either value; NAME!=VALUE not it (\, is a comma)`

// whereHelp explains --where in the commands that take it.
const whereHelp = `--where ATTR=VALUE (repeatable; every one must hold) keeps the segments
whose attribute ATTR (any case; a segment's own, else its participant's,
else its source's) has that value: ATTR=A,B either value, ATTR!=VALUE any
other value or none, ATTR= no value (\, is a comma inside a value).
Totals and percentages are then of those segments, and the output states
the filter. A name or value the project does not have is an error.`

// whereFlag adds --where to a command.
func whereFlag(cmd *cobra.Command, specs *[]string) {
	cmd.Flags().StringArrayVar(specs, "where", nil, "only segments whose attribute has a value: ATTR=V, ATTR=V1,V2, ATTR!=V (repeatable; all must hold)")
}

// parseWhere reads --where flags; a malformed one is a usage error.
func parseWhere(specs []string) ([]coding.AttrCondition, error) {
	conds, err := coding.ParseWhere(specs)
	if err != nil {
		return nil, usageError{err}
	}
	return conds, nil
}

func (a *app) codeCommand() *cobra.Command {
	var path, search string
	var filters []string
	var yes bool
	cmd := &cobra.Command{
		Use:   "code --code PATH (--search TEXT | --filter F...)",
		Short: "Code every segment a search or filter matches, in one undoable action",
		Long: `Apply a code to the whole of every segment that matches a search (--search,
ignoring case) and filters (--filter), as one action that 'qcode undo' takes
back whole. Segments where you have the code already are counted and left
as they are; in an exclusive code group your other levels on a matched
segment give way, as when you apply one by hand.

Filters read your codings (--coder), as the coding screen shows them:
uncoded means not coded by you. More than ` + fmt.Sprint(askAbove) + ` segments are coded only
after a yes on a terminal, or with --yes.

On the coding screen, A does the same for what is shown: the matches of a
search (/), else the segments a filter (f) lists.

` + filterHelp,
		Example: `  qcode code --search backfill --code "Barriers/Release and backfill"
  qcode code --filter "role=PQ lead" --filter question_id=Q16 --code "Motivations/Role requirement"
  qcode code --search "no time" --filter uncoded --code "Barriers/Workload and time" --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if path == "" {
				return usagef("name the code to apply: --code PATH")
			}
			if search == "" && len(filters) == 0 {
				return usagef("say which segments: --search TEXT and/or --filter (qcode code --help lists the filters)")
			}
			q, err := coding.ParseQuery(filters)
			if err != nil {
				return usageError{err}
			}
			if search != "" {
				q.Text = search
			}
			return a.withStore(func(s *coding.Store) error {
				c, ok := s.Codebook().Lookup(path)
				if !ok {
					return fmt.Errorf("no code %q (add it with: qcode codebook add %s)", path, shellQuote(path))
				}
				// Your codings, as the coding screen shows them; none yet
				// is an empty list, not "everyone's".
				q.Coders = []string{}
				if _, ok := s.CoderID(a.coder); ok {
					q.Coders = []string{a.coder}
				}
				refs, err := s.SegmentRefs(q)
				if err != nil {
					return err
				}
				if len(refs) == 0 {
					a.note("no segment matches (%s): nothing coded", q.Describe())
					return nil
				}
				if len(refs) > askAbove && !yes {
					if !a.confirm(fmt.Sprintf("code %s with %s? [y/N] ", counted(len(refs), "segment", "segments"), c.Path)) {
						return fmt.Errorf("%s match (%s); nothing coded: add --yes to code more than %d at once",
							counted(len(refs), "segment", "segments"), q.Describe(), askAbove)
					}
				}
				res, err := s.CodeAll(a.coder, q, c.ID)
				if err != nil {
					return err
				}
				msg := fmt.Sprintf("coded %s with %s", counted(res.Coded, "segment", "segments"), c.Path)
				if res.Already > 0 {
					msg += fmt.Sprintf(" (%d already had it)", res.Already)
				}
				a.note("%s", msg)
				for _, n := range res.Notes {
					a.note("%s", n)
				}
				if res.Coded > 0 {
					a.note("qcode undo takes all %s back", counted(res.Coded, "coding", "codings"))
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&path, "code", "", "the code to apply (its path)")
	f.StringVar(&search, "search", "", "segments whose text holds this (ignoring case)")
	f.StringArrayVar(&filters, "filter", nil, "a filter the segments must pass (repeatable; see above)")
	f.BoolVar(&yes, "yes", false, fmt.Sprintf("code more than %d segments without asking", askAbove))
	return cmd
}

// confirm asks a yes/no question on a terminal; without one it says no.
func (a *app) confirm(question string) bool {
	f, ok := a.stdin.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return false
	}
	fmt.Fprint(a.stderr, question)
	line, _ := bufio.NewReader(f).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}

// shellQuote quotes a word for a command the user may paste.
func shellQuote(s string) string {
	if strings.ContainsAny(s, " '\"$`\\!*?&;|<>()") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}
