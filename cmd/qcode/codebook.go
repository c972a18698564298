package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/coding/refi"
	"qcode/corpus"
	"qcode/corpus/printable"
)

func (a *app) codebookCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "codebook",
		Short: "List, export, import and reshape the codebook",
		Long: `With no sub-command, list the codebook with the number of codings per code
(a parent counts its sub-codes' codings too). Every change is one undoable
action; no coding is ever lost by a rename, move or merge.`,
		Example: `  qcode codebook
  qcode codebook export --format yaml > codebook.yaml
  qcode codebook rename "Barriers/Workload and time" "Caseload and time"
  qcode codebook merge "Barriers/Travel and distance" "Barriers/Unequal access"
  qcode codebook delete Barriers/Stigma --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			return a.withReader(func(s *coding.Store) error { return a.listCodebook(s, format) })
		},
	}
	formatFlag(cmd, &format)
	cmd.AddCommand(a.codebookExport(), a.codebookImport(), a.codeAdd(false), a.codeAdd(true),
		a.codeRename(), a.codeMove(), a.codeMerge(), a.codeDelete())
	return cmd
}

// codeJSON is a code as `qcode codebook --format json` lists it.
type codeJSON struct {
	Path        string `json:"path"`
	Description string `json:"description,omitempty"`
	Include     string `json:"include,omitempty"`
	Exclude     string `json:"exclude,omitempty"`
	Color       string `json:"color,omitempty"`
	Key         string `json:"key,omitempty"`
	Group       bool   `json:"group,omitempty"`
	Exclusive   bool   `json:"exclusive,omitempty"`
	Codings     int    `json:"codings"`
}

func (a *app) listCodebook(s *coding.Store, format string) error {
	book := s.Codebook()
	counts, err := s.Counts()
	if err != nil {
		return err
	}
	own := map[coding.CodeID]int{}
	for _, c := range counts {
		own[c.Code] += c.Codings
	}
	t := table{head: []string{"code", "codings", "description"}, fill: 2}
	var js []codeJSON
	for _, c := range book.Codes() {
		n := 0
		for _, id := range book.Subtree(c.ID) {
			n += own[id]
		}
		name := strings.Repeat("  ", c.Depth) + c.Name
		if format != "table" {
			name = c.Path
		}
		switch {
		case c.Exclusive:
			name += " (exclusive levels: one per passage)"
		case c.Group:
			name += " (group of levels)"
		}
		t.rows = append(t.rows, []string{name, strconv.Itoa(n), c.Description})
		js = append(js, codeJSON{Path: c.Path, Description: c.Description, Include: c.Include, Exclude: c.Exclude,
			Color: c.Color, Key: c.Key, Group: c.Group, Exclusive: c.Exclusive, Codings: n})
	}
	if js == nil {
		js = []codeJSON{}
	}
	return t.write(a.stdout, format, js)
}

func (a *app) codebookExport() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:     "export",
		Short:   "Write the codebook to stdout as YAML, JSON or a REFI-QDA codebook (qdc)",
		Example: "  qcode codebook export > codebook.yaml\n  qcode codebook export --format json\n  qcode codebook export --format qdc > codebook.qdc   for NVivo, ATLAS.ti, MAXQDA, QualCoder",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, []string{"yaml", "json", "qdc"}); err != nil {
				return err
			}
			return a.withReader(func(s *coding.Store) error {
				var b bytes.Buffer
				if format == "qdc" {
					if err := refi.WriteQDC(&b, s.Codebook(), s.Meta()); err != nil {
						return err
					}
					// XML escapes what it cannot hold; bidi overrides are
					// shown as U+FFFD, as in YAML.
					_, err := a.stdout.Write([]byte(printable.String(b.String())))
					return err
				}
				if err := coding.WriteCodebook(&b, s.Codebook().Specs(), format); err != nil {
					return err
				}
				// Both encoders escape C0 controls; JSON leaves C1 and bidi
				// overrides raw (escaped here, losslessly), YAML bidi
				// overrides (shown as U+FFFD: a YAML plain scalar has no
				// escapes).
				out := jsonEscapeControls(b.Bytes())
				if format == "yaml" {
					out = []byte(printable.String(b.String()))
				}
				_, err := a.stdout.Write(out)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "yaml", "yaml, json or qdc (REFI-QDA)")
	return cmd
}

func (a *app) codebookImport() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Merge codes from a YAML, JSON or REFI-QDA (.qdc) codebook: new paths are added, existing codes take the file's details",
		Args:  exactArgs(1, "one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.checkProject(); err != nil {
				return err
			}
			data, err := corpus.ReadInput(args[0], int64(a.maxInput))
			if err != nil {
				return err
			}
			specs, err := coding.ParseCodebook(args[0], data)
			if err != nil {
				return err
			}
			return a.withStore(func(s *coding.Store) error {
				res, err := s.ImportCodebook(a.coder, specs)
				if err != nil {
					return err
				}
				a.note("codebook: %s added, %d updated", counted(len(res.Created), "code", "codes"), len(res.Updated))
				return nil
			})
		},
	}
}

// codeAdd makes `codebook add PATH` or, with edit, `codebook edit PATH`.
func (a *app) codeAdd(edit bool) *cobra.Command {
	var d coding.CodeDetails
	use, short := "add PATH", "Add a code (and any missing parents)"
	if edit {
		use, short = "edit PATH", "Change a code's description, notes, colour, key, group or exclusive flag"
	}
	example := `  qcode codebook add "Barriers/Stigma" --description "Fear of being seen to struggle"
  qcode codebook add Sentiment --exclusive     levels of which a passage takes one`
	if edit {
		example = `  qcode codebook edit Barriers/Stigma --include "Fear of judgement by colleagues"
  qcode codebook edit Kirkpatrick --exclusive=false   an answer may show several levels
  qcode codebook edit Sentiment --exclusive           one level per passage`
	}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    exactArgs(1, "a code PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(s *coding.Store) error {
				if !edit {
					c, _, err := s.AddCode(a.coder, args[0], d)
					if err == nil {
						a.note("added %s", c.Path)
					}
					return err
				}
				c, ok := s.Codebook().Lookup(args[0])
				if !ok {
					return fmt.Errorf("no code %q", args[0])
				}
				next := c.Details()
				f := cmd.Flags()
				for _, set := range []struct {
					flag string
					to   *string
					from string
				}{{"description", &next.Description, d.Description}, {"include", &next.Include, d.Include},
					{"exclude", &next.Exclude, d.Exclude}, {"color", &next.Color, d.Color}, {"key", &next.Key, d.Key}} {
					if f.Changed(set.flag) {
						*set.to = set.from
					}
				}
				if f.Changed("group") {
					next.Group = d.Group
					next.Exclusive = next.Exclusive && d.Group // a plain code has no levels to exclude
				}
				if f.Changed("exclusive") {
					next.Exclusive = d.Exclusive
				}
				_, err := s.UpdateCode(a.coder, c.Path, next)
				if err == nil {
					a.note("updated %s", c.Path)
				}
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.Description, "description", "", "one line: what the code means")
	f.StringVar(&d.Include, "include", "", "inclusion note: when to apply it")
	f.StringVar(&d.Exclude, "exclude", "", "exclusion note: when not to")
	f.StringVar(&d.Color, "color", "", "colour as #rrggbb")
	f.StringVar(&d.Key, "key", "", "quick key")
	f.BoolVar(&d.Group, "group", false, "a code group (facet): its children are levels, tabled together in reports")
	f.BoolVar(&d.Exclusive, "exclusive", false, "a group whose levels exclude each other: one level per passage and coder (implies --group)")
	return cmd
}

func (a *app) codeRename() *cobra.Command {
	return &cobra.Command{
		Use:     "rename PATH NEW-NAME",
		Short:   "Rename a code; its codings and sub-codes stay",
		Example: `  qcode codebook rename "Barriers/Workload and time" "Caseload and time"`,
		Args:    exactArgs(2, "a code PATH and a NEW-NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(s *coding.Store) error {
				res, err := s.RenameCode(a.coder, args[0], args[1])
				if err == nil {
					a.note("%s", res.Desc)
				}
				return err
			})
		},
	}
}

func (a *app) codeMove() *cobra.Command {
	return &cobra.Command{
		Use:     "move PATH PARENT",
		Short:   `Move a code under another parent ("" or / for the top level)`,
		Example: `  qcode codebook move "Barriers/Travel and distance" "Barriers/Access"`,
		Args:    exactArgs(2, "a code PATH and a PARENT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(s *coding.Store) error {
				res, err := s.MoveCode(a.coder, args[0], args[1])
				if err == nil {
					a.note("%s", res.Desc)
				}
				return err
			})
		},
	}
}

func (a *app) codeMerge() *cobra.Command {
	return &cobra.Command{
		Use:   "merge FROM INTO",
		Short: "Fold code FROM into INTO: its codings and sub-codes move, FROM goes",
		Args:  exactArgs(2, "two code paths, FROM and INTO"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(s *coding.Store) error {
				res, err := s.MergeCode(a.coder, args[0], args[1])
				if err == nil {
					a.note("%s: %s moved, %d combined with one already there", res.Desc, counted(res.Moved, "coding", "codings"), res.Fused)
				}
				return err
			})
		},
	}
}

func (a *app) codeDelete() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete PATH --yes",
		Short: "Delete a code, its sub-codes and all their codings (undo brings them back)",
		Args:  exactArgs(1, "a code PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(s *coding.Store) error {
				c, ok := s.Codebook().Lookup(args[0])
				if !ok {
					return fmt.Errorf("no code %q", args[0])
				}
				codings, segments, err := s.Usage(c.Path)
				if err != nil {
					return err
				}
				n := len(s.Codebook().Subtree(c.ID))
				memos, err := s.Memos(coding.MemoQuery{Kinds: []coding.MemoKind{coding.MemoCode}, Code: c.Path})
				if err != nil {
					return err
				}
				what := fmt.Sprintf("%s (%s, %s on %s", c.Path, counted(n, "code", "codes"), counted(codings, "coding", "codings"), counted(segments, "segment", "segments"))
				if len(memos) > 0 {
					what += ", " + counted(len(memos), "memo", "memos") + " on the codes"
				}
				what += ")"
				if !yes {
					return fmt.Errorf("delete %s? run again with --yes to confirm", what)
				}
				if _, err := s.DeleteCode(a.coder, c.Path); err != nil {
					return err
				}
				a.note("deleted %s; `qcode undo` brings it back", what)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	return cmd
}
