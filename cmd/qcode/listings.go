package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/corpus/printable"
)

func (a *app) infoCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:     "info",
		Short:   "Count sources, segments, cases, codes and codings per coder",
		Example: "  qcode info\n  qcode info --format json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			return a.withReader(func(s *coding.Store) error {
				info, err := s.Info()
				if err != nil {
					return err
				}
				t := table{head: []string{"what", "count"}, fill: -1}
				add := func(k string, v int) { t.rows = append(t.rows, []string{k, strconv.Itoa(v)}) }
				add("sources", info.Sources)
				add("segments", info.Segments)
				add("cases", info.Cases)
				add("codes", info.Codes)
				add("codings", info.Codings)
				add("memos", info.Memos)
				coders := make([]string, 0, len(info.Coders))
				for c := range info.Coders {
					coders = append(coders, c)
				}
				sort.Strings(coders)
				for _, c := range coders {
					add("  by "+c, info.Coders[c])
				}
				if format == "table" {
					fmt.Fprintln(a.stdout, printable.String(fmt.Sprintf("%s (%s, schema %d)", info.Name, s.Path(), info.SchemaVersion)))
				}
				return t.write(a.stdout, format, info)
			})
		},
	}
	formatFlag(cmd, &format)
	return cmd
}

// segmentJSON is the contract shape of `qcode segments --format json`.
type segmentJSON struct {
	ID         string            `json:"id"`
	Source     string            `json:"source"`
	Case       *string           `json:"case"`
	Text       string            `json:"text"`
	Attributes map[string]string `json:"attributes"`
	Codes      []codingJSON      `json:"codes"`
}

type codingJSON struct {
	Path    string `json:"path"`
	Coder   string `json:"coder"`
	Start   *int   `json:"start,omitempty"`
	End     *int   `json:"end,omitempty"`
	Starred bool   `json:"starred,omitempty"`
	Memo    string `json:"memo,omitempty"`
}

func (a *app) segmentsCommand() *cobra.Command {
	var q coding.SegmentQuery
	var format string
	var attrs, filters []string
	cmd := &cobra.Command{
		Use:   "segments",
		Short: "List segments with their text, attributes and codes",
		Long: `List segments. Every condition given must hold. --code includes the code's
descendants. --uncoded (and the filters uncoded, unreviewed, starred, code)
read everyone's codings, or only those of the coder named by an explicit
--coder; the codes listed are theirs too.

` + filterHelp,
		Example: `  qcode segments --source london-pq-survey-2010 --uncoded
  qcode segments --code Barriers --format md
  qcode segments --attr question_id=Q11 --text backfill --format json
  qcode segments --filter "role=PQ lead" --filter coder=sam --filter starred`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			for _, attr := range attrs {
				name, value, ok := strings.Cut(attr, "=")
				if !ok || strings.TrimSpace(name) == "" {
					return usagef("--attr %q: write NAME=VALUE", attr)
				}
				q.Attrs = append(q.Attrs, coding.Attribute{Name: strings.TrimSpace(name), Value: value})
			}
			for _, spec := range filters {
				t, err := coding.ParseQueryTerm(spec)
				if err != nil {
					return usageError{err}
				}
				if q, err = q.With(t); err != nil {
					return usageError{err}
				}
			}
			if cmd.Flags().Changed("coder") {
				q.Coders = []string{a.coder}
			}
			return a.withReader(func(s *coding.Store) error {
				segs, err := s.Segments(q)
				if err != nil {
					return err
				}
				return segmentsTable(s, segs).write(a.stdout, format, segmentsJSON(s, segs))
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Source, "source", "", "only segments of this source")
	f.StringVar(&q.Code, "code", "", "only segments with this code (or a sub-code)")
	f.BoolVar(&q.Uncoded, "uncoded", false, "only segments without codings")
	f.StringArrayVar(&attrs, "attr", nil, "only segments with attribute NAME=VALUE (repeatable)")
	f.StringVar(&q.Text, "text", "", "only segments whose text contains this (ignoring case)")
	f.StringArrayVar(&filters, "filter", nil, "a condition every segment must meet (repeatable; see above)")
	formatFlag(cmd, &format)
	return cmd
}

func segmentsJSON(s *coding.Store, segs []coding.Segment) []segmentJSON {
	book := s.Codebook()
	out := make([]segmentJSON, 0, len(segs))
	for _, seg := range segs {
		j := segmentJSON{ID: seg.ID, Source: seg.Source, Text: seg.Text, Attributes: map[string]string{}, Codes: []codingJSON{}}
		if seg.Case != "" {
			c := seg.Case
			j.Case = &c
		}
		for _, attr := range seg.Attributes {
			j.Attributes[attr.Name] = attr.Value
		}
		for _, c := range seg.Codings {
			code, _ := book.Code(c.Code)
			cj := codingJSON{Path: code.Path, Coder: c.CoderName, Starred: c.Starred, Memo: c.Memo}
			if !c.Span.Whole() {
				start, end := c.Span.Start, c.Span.End
				cj.Start, cj.End = &start, &end
			}
			j.Codes = append(j.Codes, cj)
		}
		out = append(out, j)
	}
	return out
}

func segmentsTable(s *coding.Store, segs []coding.Segment) table {
	book := s.Codebook()
	t := table{head: []string{"id", "source", "case", "codes", "text"}, fill: 4}
	for _, seg := range segs {
		var codes []string
		for _, c := range seg.Codings {
			code, _ := book.Code(c.Code)
			label := code.Path + " (" + c.CoderName
			if !c.Span.Whole() {
				label += fmt.Sprintf(", %d–%d", c.Span.Start, c.Span.End)
			}
			if c.Starred {
				label += ", ★"
			}
			codes = append(codes, label+")")
		}
		t.rows = append(t.rows, []string{seg.ID, seg.Source, seg.Case, strings.Join(codes, "; "), seg.Text})
	}
	return t
}
