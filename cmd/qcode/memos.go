package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qcode/coding"
)

// memoJSON is the shape of `qcode memos --format json`.
type memoJSON struct {
	Kind    string `json:"kind"`
	About   string `json:"about"` // what it is on, as `qcode memo set` names it
	Author  string `json:"author"`
	Created string `json:"created"`
	Updated string `json:"updated"`
	Text    string `json:"text"`
	Segment string `json:"segment,omitempty"` // the segment to read it beside
	Source  string `json:"source,omitempty"`
	Case    string `json:"case,omitempty"`
	Code    string `json:"code,omitempty"`
	Entry   int    `json:"entry,omitempty"` // a journal entry's number
}

func (a *app) memosCommand() *cobra.Command {
	var q coding.MemoQuery
	var format string
	var kinds []string
	cmd := &cobra.Command{
		Use:   "memos",
		Short: "List memos: the journal, and memos on sources, cases, codes, segments and codings",
		Long: `List memos, grouped by what they are on: the project's research journal
(dated entries), sources, cases, codes, segments, and codings. Each author
has their own memo on a thing; all are listed, with who wrote them and when.

--kind keeps some kinds (project or journal, source, case, code, segment,
coding; a comma list); --code keeps what is about a code or its sub-codes:
its memos, memos on its codings and on segments coded with it; --source
keeps what is about a source: its memo, its segments' and codings', and its
participants'. An explicit --coder keeps that author's memos.

Memos are listed as written (this is your working listing, like
'qcode segments'); 'qcode export --memos' adds them to the report
anonymous and redacted. On the coding screen, M browses them and m writes
one (on your coding, the segment, its participant or source, a code, or
the journal).`,
		Example: `  qcode memos
  qcode memos --kind journal --format md > journal.md
  qcode memos --code Barriers --coder sam
  qcode memos --kind segment,coding --source fg2 --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			for _, list := range kinds {
				for _, k := range splitList(list) {
					kind, err := coding.ParseMemoKind(k)
					if err != nil {
						return usageError{err}
					}
					q.Kinds = append(q.Kinds, kind)
				}
			}
			if cmd.Flags().Changed("coder") {
				q.Author = a.coder
			}
			if a.blind() { // a served coder: no one else's coding memos
				q.Coders = []string{a.coder}
			}
			return a.withReader(func(s *coding.Store) error {
				if format == "md" {
					var buf bytes.Buffer
					if _, err := s.WriteMemosMarkdown(&buf, coding.MemoDocument{Query: q, Level: 1, ShowIDs: true}); err != nil {
						return err
					}
					_, err := a.stdout.Write(buf.Bytes())
					return err
				}
				list, err := s.Memos(q)
				if err != nil {
					return err
				}
				return memosTable(list).write(a.stdout, format, memosJSON(list))
			})
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&kinds, "kind", nil, "only these kinds: project (journal), source, case, code, segment, coding (comma list, repeatable)")
	f.StringVar(&q.Code, "code", "", "only memos about this code or a sub-code (its memos, its codings', segments coded with it)")
	f.StringVar(&q.Source, "source", "", "only memos about this source (its memo, its segments', codings' and participants')")
	formatFlag(cmd, &format)
	return cmd
}

func memoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func memosJSON(list []coding.Memo) []memoJSON {
	out := make([]memoJSON, 0, len(list))
	for _, m := range list {
		j := memoJSON{Kind: string(m.Target.Kind), About: m.About, Author: m.Author, Text: m.Text,
			Created: memoTime(m.Created), Updated: memoTime(m.Updated),
			Segment: m.JumpID, Source: m.Source, Case: m.Case, Code: m.Code, Entry: m.Entry}
		out = append(out, j)
	}
	return out
}

func memosTable(list []coding.Memo) table {
	t := table{head: []string{"kind", "on", "author", "updated", "memo"}, fill: 4}
	for _, m := range list {
		t.rows = append(t.rows, []string{string(m.Target.Kind), m.About, m.Author, m.Updated.Local().Format("2006-01-02 15:04"), m.Text})
	}
	return t
}

// memoTargetFlags are the flags that name what `qcode memo` writes on.
type memoTargetFlags struct {
	segment, source, caseName, code string
	project                         bool
	entry                           int
}

func (f *memoTargetFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.segment, "segment", "", "a segment, by its ID (source:ID where IDs clash); with --code, your coding of that code there")
	fl.StringVar(&f.source, "source", "", "a source, by its name")
	fl.StringVar(&f.caseName, "case", "", "a case (participant), by its name: fg2:P1 for a transcript's speaker")
	fl.StringVar(&f.code, "code", "", "a code, by its path")
	fl.BoolVar(&f.project, "journal", false, "the project's research journal: a new dated entry (or --entry N)")
	fl.IntVar(&f.entry, "entry", 0, "with --journal: journal entry N (qcode memos --kind journal lists them)")
}

// target resolves the flags to a memo's target.
func (f *memoTargetFlags) target(a *app, s *coding.Store) (coding.MemoTarget, error) {
	set := 0
	for _, on := range []bool{f.segment != "", f.source != "", f.caseName != "", f.code != "" && f.segment == "", f.project} {
		if on {
			set++
		}
	}
	if set != 1 {
		return coding.MemoTarget{}, usagef("name one thing to write on: --segment ID, --source NAME, --case NAME, --code PATH or --journal (--segment with --code: your coding)")
	}
	if f.entry != 0 && !f.project {
		return coding.MemoTarget{}, usagef("--entry goes with --journal")
	}
	switch {
	case f.segment != "" && f.code != "":
		return a.codingTarget(s, f.segment, f.code)
	case f.segment != "":
		return s.FindMemoTarget(coding.MemoSegment, f.segment)
	case f.source != "":
		return s.FindMemoTarget(coding.MemoSource, f.source)
	case f.caseName != "":
		return s.FindMemoTarget(coding.MemoCase, f.caseName)
	case f.code != "":
		return s.FindMemoTarget(coding.MemoCode, f.code)
	}
	if f.entry < 0 {
		return coding.MemoTarget{}, usagef("--entry %d: journal entries are numbered from 1", f.entry)
	}
	if f.entry == 0 {
		return coding.MemoTarget{Kind: coding.MemoProject}, nil
	}
	return s.FindMemoTarget(coding.MemoProject, fmt.Sprint(f.entry))
}

// codingTarget finds the coder's coding of a code on a segment: the whole
// segment's, else the only passage's.
func (a *app) codingTarget(s *coding.Store, segID, path string) (coding.MemoTarget, error) {
	ref, err := s.Resolve(segID)
	if err != nil {
		return coding.MemoTarget{}, err
	}
	c, ok := s.Codebook().Lookup(path)
	if !ok {
		return coding.MemoTarget{}, fmt.Errorf("no code %q", path)
	}
	var mine []coding.Coding
	if id, ok := s.CoderID(a.coder); ok {
		list, err := s.CodingsOf(ref, []coding.CoderID{id})
		if err != nil {
			return coding.MemoTarget{}, err
		}
		for _, cd := range list {
			if cd.Code == c.ID {
				mine = append(mine, cd)
			}
		}
	}
	switch len(mine) {
	case 0:
		return coding.MemoTarget{}, fmt.Errorf("you (%s) have not coded %s with %s: a coding's memo needs the coding; write on the segment with --segment alone", a.coder, segID, c.Path)
	case 1:
		return coding.MemoTarget{Kind: coding.MemoCoding, Coding: mine[0].CodingKey}, nil
	}
	for _, cd := range mine {
		if cd.Span.Whole() {
			return coding.MemoTarget{Kind: coding.MemoCoding, Coding: cd.CodingKey}, nil
		}
	}
	return coding.MemoTarget{}, fmt.Errorf("you have %d passages of %s coded on %s: write their memos on the coding screen (m)", len(mine), c.Path, segID)
}

func (a *app) memoCommand() *cobra.Command {
	memo := &cobra.Command{
		Use:   "memo",
		Short: "Write, add to or delete your memo on a segment, source, case, code, coding or the journal",
		Args:  noArgs,
		RunE:  helpOnly,
	}
	var tf memoTargetFlags
	var add bool
	set := &cobra.Command{
		Use:   "set TEXT",
		Short: "Write your memo on something (TEXT, or - to read it from stdin)",
		Long: `Write your memo on a segment, a source, a case, a code, your coding of a
code on a segment, or a new entry in the project's research journal.

Each author has their own memo on a thing: set replaces yours (--append adds
a paragraph to it) and leaves everyone else's alone. The journal is a list
of dated entries: --journal adds one; --journal --entry N replaces your
entry N. TEXT - reads the memo from stdin (a file, several paragraphs).
One undoable action ('qcode undo' takes it back).`,
		Example: `  qcode memo set --segment R012 "Ask the lead what 'backfill' meant here."
  qcode memo set --segment R012 --code "Barriers/Release and backfill" "Borderline: could be workload."
  qcode memo set --case fg2:P1 "Newly qualified, adult services."
  qcode memo set --code Barriers "Workload and release overlap: merge?"
  qcode memo set --source fg2 - < fg2-memo.md
  qcode memo set --journal "Merged sam's and priya's copies; 14 disagreements left."
  qcode memo set --segment R012 --append "Second reading: it is about time, not money."`,
		Args: exactArgs(1, "the memo's TEXT (or - to read it from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			text := args[0]
			if text == "-" {
				b, err := io.ReadAll(io.LimitReader(a.stdin, 1<<20+1))
				if err != nil {
					return err
				}
				text = string(b)
			}
			if strings.TrimSpace(text) == "" {
				return usagef("the memo is empty (to delete yours: qcode memo delete …)")
			}
			if add && tf.project {
				return usagef("--append adds to a memo on a thing; a journal entry is added with --journal alone")
			}
			return a.withStore(func(s *coding.Store) error {
				t, err := tf.target(a, s)
				if err != nil {
					return err
				}
				if add {
					if old, ok, err := s.MemoOn(a.coder, t); err != nil {
						return err
					} else if ok {
						text = old.Text + "\n\n" + text
					}
				}
				res, err := s.SetMemoOn(a.coder, t, text)
				if err != nil {
					return err
				}
				switch {
				case res.Seq == 0:
					a.note("your memo on %s %s already says that; nothing changed", t.Kind, res.About)
				case t.Kind == coding.MemoProject && tf.entry == 0:
					a.note("journal entry added (qcode memos --kind journal lists the journal; qcode undo takes it back)")
				case t.Kind == coding.MemoProject:
					a.note("journal entry #%d replaced", tf.entry)
				default:
					a.note("memo on %s %s saved", t.Kind, res.About)
				}
				return nil
			})
		},
	}
	tf.add(set)
	set.Flags().BoolVar(&add, "append", false, "add TEXT to your memo as a new paragraph instead of replacing it")
	var dtf memoTargetFlags
	del := &cobra.Command{
		Use:   "delete",
		Short: "Delete your memo on something (or your journal entry N)",
		Example: `  qcode memo delete --segment R012
  qcode memo delete --journal --entry 3`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dtf.project && dtf.entry == 0 {
				return usagef("name the journal entry to delete: --journal --entry N")
			}
			return a.withStore(func(s *coding.Store) error {
				t, err := dtf.target(a, s)
				if err != nil {
					return err
				}
				res, err := s.SetMemoOn(a.coder, t, "")
				if err != nil {
					return err
				}
				if res.Seq == 0 {
					return fmt.Errorf("you have no memo on %s %s", t.Kind, res.About)
				}
				if t.Kind == coding.MemoProject {
					a.note("journal entry #%d deleted; qcode undo brings it back", dtf.entry)
				} else {
					a.note("memo on %s %s deleted; qcode undo brings it back", t.Kind, res.About)
				}
				return nil
			})
		},
	}
	dtf.add(del)
	memo.AddCommand(set, del)
	return memo
}
