package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/corpus"
)

func (a *app) suggestCommand() *cobra.Command {
	var format, segments string
	var uncoded bool
	var top int
	var where []string
	cmd := &cobra.Command{
		Use:   "suggest [--segments FILE | --uncoded]",
		Short: "Suggest codes for segments, learnt offline from your own coding",
		Long: `Suggest codes for segments you have not coded yet, learnt from the codings
of the coder (--coder, your name by default): which words, questions and
interviewer's prompts went with which of your codes. The codebook's own
words (each code's name, description and inclusion note) are the start, so
a new coder gets suggestions too; your codings soon outweigh them.

Nothing leaves this machine: the model (naive Bayes) is learnt here, from
this project, each time; the same codings give the same suggestions.
Nothing is applied: the coding screen shows suggestions, you choose.

Each suggestion has a score (the model's probability that you would give
the code: the order matters more than the number) and "because": the words
of the segment that weigh most for the code.

  --uncoded          segments you have neither coded nor marked "nothing
                     applies" (the default)
  --segments FILE    the segments listed in FILE (one ID a line, or a CSV
                     with a segment column)
  --top N            at most N suggestions per segment (default 3)

` + whereQueryHelp,
		Example: `  qcode suggest --format json > suggestions.json
  qcode suggest --coder sam --where question_id=Q11 --top 2
  qcode suggest --segments todo.txt --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			if segments != "" && uncoded {
				return usagef("--segments and --uncoded: give one")
			}
			if top < 1 {
				return usagef("--top %d: give a number ≥ 1", top)
			}
			if segments != "" && len(where) > 0 {
				return usagef("--where selects among the uncoded segments; with --segments the file says which")
			}
			q, err := parseWhereQuery(where)
			if err != nil {
				return err
			}
			var lines []coding.SegmentLine
			if segments != "" {
				if err := a.checkProject(); err != nil {
					return err
				}
				r, err := corpus.OpenInput(segments, int64(a.maxInput))
				if err != nil {
					return err
				}
				lines, err = coding.ReadSegmentList(segments, r)
				r.Close()
				if err != nil {
					return err
				}
			}
			return a.withReader(func(s *coding.Store) error {
				g, err := s.TrainSuggester(a.coder)
				if err != nil {
					return err
				}
				var refs []coding.SegRef
				if segments != "" {
					refs, err = s.ResolveList(lines, filepath.Base(segments))
				} else {
					refs, err = g.Unreviewed(s, q)
				}
				if err != nil {
					return err
				}
				if g.Codings() == 0 {
					a.note("note: %s has coded nothing yet: suggestions come from the codebook's descriptions alone", a.coder)
				} else {
					a.note("learnt from the %s %s gave %s (and the codebook's descriptions)", counted(g.Codings(), "code", "codes"), a.coder, counted(g.Segments(), "segment", "segments"))
				}
				list, err := g.Suggest(s, refs, top)
				if err != nil {
					return err
				}
				return writeSuggestions(a.stdout, list, format)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&segments, "segments", "", "suggest for the segments listed in FILE")
	f.BoolVar(&uncoded, "uncoded", false, "suggest for the segments you have not reviewed (the default)")
	f.IntVar(&top, "top", 3, "at most N suggestions per segment")
	f.StringArrayVar(&where, "where", nil, "only segments meeting this condition (repeatable; see above)")
	formatFlag(cmd, &format)
	return cmd
}

// writeSuggestions renders suggestions: JSON as the shape; a
// row per suggestion otherwise (the score rounded, except in CSV).
func writeSuggestions(w io.Writer, list []coding.SegmentSuggestions, format string) error {
	if format == "json" {
		if list == nil {
			list = []coding.SegmentSuggestions{}
		}
		return writeJSON(w, list)
	}
	t := table{head: []string{"segment", "rank", "code", "score", "because"}, fill: 4}
	for _, ss := range list {
		for i, sg := range ss.Suggestions {
			score := fmt.Sprintf("%.2f", sg.Score)
			if format == "csv" {
				score = strconv.FormatFloat(sg.Score, 'g', -1, 64)
			}
			t.rows = append(t.rows, []string{ss.Segment, strconv.Itoa(i + 1), sg.Path, score, strings.Join(sg.Because, ", ")})
		}
	}
	return t.write(w, format, nil)
}
