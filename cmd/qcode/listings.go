package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
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
				if a.blind() { // a served coder counts their own codings only
					info.Codings = info.Coders[a.coder]
					info.Coders = map[string]int{a.coder: info.Codings}
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
					fmt.Fprintln(a.stdout, printable.String(fmt.Sprintf("%s (%s, schema %d)", info.Name, a.project, info.SchemaVersion)))
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
	// Context is the passage's surroundings, with --context only.
	Context *coding.SegmentContext `json:"context,omitempty"`
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
	var context int
	cmd := &cobra.Command{
		Use:   "segments",
		Short: "List segments with their text, attributes and codes",
		Long: `List segments. Every condition given must hold. --code includes the code's
descendants. --uncoded (and the filters uncoded, unreviewed, starred, code)
read everyone's codings, or only those of the coder named by an explicit
--coder; the codes listed are theirs too.

--context N shows each segment in its context: the interviewer's prompt it
answers, its question, and N turns before and after it. In an interview or
focus group the turns are the source's, in the order they were spoken (the
interviewer's included; a heading inside the window is shown too). In a
survey they are the same respondent's other answers, each with its
question (a sheet's next row is someone else); an answer with no
respondent has none.

` + filterHelp,
		Example: `  qcode segments --source london-pq-survey-2010 --uncoded
  qcode segments --code Barriers --format md
  qcode segments --code "Barriers/Release and backfill" --context 2
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
			if cmd.Flags().Changed("coder") || a.blind() {
				q.Coders = []string{a.coder}
			}
			withContext := cmd.Flags().Changed("context")
			if withContext && context < 0 {
				return usagef("--context %d: give a number of turns ≥ 0", context)
			}
			return a.withReader(func(s *coding.Store) error {
				segs, err := s.Segments(q)
				if err != nil {
					return err
				}
				if !withContext {
					return segmentsTable(s, segs).write(a.stdout, format, segmentsJSON(s, segs))
				}
				refs := make([]coding.SegRef, len(segs))
				for i, seg := range segs {
					refs[i] = seg.Ref
				}
				ctxs, err := s.Contexts(refs, context)
				if err != nil {
					return err
				}
				return writeInContext(a.stdout, s, segs, ctxs, format)
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
	f.IntVar(&context, "context", 0, "show each segment with its prompt and N turns before and after it")
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

// writeInContext lists segments each with its context: JSON with a
// "context" object; CSV with the prompt, question and the turns before
// and after (one "speaker: text" a line); Markdown and the terminal as
// the conversation reads, the segment marked ▶.
func writeInContext(w io.Writer, s *coding.Store, segs []coding.Segment, ctxs []coding.SegmentContext, format string) error {
	switch format {
	case "json":
		list := segmentsJSON(s, segs)
		for i := range list {
			list[i].Context = &ctxs[i]
		}
		return writeJSON(w, list)
	case "csv":
		t := segmentsTable(s, segs)
		t.head = append(t.head, "prompt", "question", "before", "after")
		for i, c := range ctxs {
			t.rows[i] = append(t.rows[i], c.Prompt, c.Question, turnLines(c.Before), turnLines(c.After))
		}
		return t.write(w, "csv", nil)
	}
	t := segmentsTable(s, segs).printable()
	width := termWidth(w)
	line := func(s string) {
		if width > 0 {
			s = ansi.Truncate(s, width, "…")
		}
		fmt.Fprintln(w, s)
	}
	for i, seg := range segs {
		c := ctxs[i]
		head := t.rows[i][0] + " · " + t.rows[i][1]
		if seg.Case != "" {
			head += " · " + t.rows[i][2]
		}
		if format == "md" {
			fmt.Fprintf(w, "### %s\n\n", coding.MarkdownInline(head))
			if codes := t.rows[i][3]; codes != "" {
				fmt.Fprintf(w, "Codes: %s\n\n", coding.MarkdownInline(codes))
			}
			if c.Question != "" {
				fmt.Fprintf(w, "Question: %s\n\n", coding.MarkdownInline(c.Question))
			}
			if promptHidden(c) {
				fmt.Fprintf(w, "Prompt: *%s*\n\n", coding.MarkdownInline(c.Prompt))
			}
			for _, turn := range c.Before {
				fmt.Fprintf(w, "- %s\n", mdTurn(turn))
			}
			fmt.Fprintf(w, "- ▶ **%s**\n", mdTurn(coding.ContextTurn{Kind: coding.TurnSegment, Speaker: seg.Attr("speaker"), Text: seg.Text}))
			for _, turn := range c.After {
				fmt.Fprintf(w, "- %s\n", mdTurn(turn))
			}
			fmt.Fprintln(w)
			continue
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		line(head)
		if codes := t.rows[i][3]; codes != "" {
			line("  codes: " + codes)
		}
		if c.Question != "" {
			line("  question: " + printable.String(oneSpaced(c.Question)))
		}
		if promptHidden(c) {
			line("  prompt: " + printable.String(oneSpaced(c.Prompt)))
		}
		for _, turn := range c.Before {
			line("  " + turnLine(turn))
		}
		line("▶ " + turnLine(coding.ContextTurn{Kind: coding.TurnSegment, Speaker: seg.Attr("speaker"), Text: seg.Text}))
		for _, turn := range c.After {
			line("  " + turnLine(turn))
		}
	}
	if len(segs) == 0 && format != "md" {
		fmt.Fprintln(w, "no segments")
	}
	return nil
}

// promptHidden tells whether a passage's prompt is not among the turns
// shown before it (too far back, or --context 0): then it is shown apart.
func promptHidden(c coding.SegmentContext) bool {
	if c.Prompt == "" {
		return false
	}
	for _, t := range c.Before {
		if t.Kind == coding.TurnPrompt && t.Text == c.Prompt {
			return false
		}
	}
	return true
}

// turnLine is a turn on one printable line: "Interviewer: …", "P2: …", a
// survey answer as "[R014 · Q15] …", a heading as "# …".
func turnLine(t coding.ContextTurn) string {
	text := oneSpaced(t.Text)
	switch {
	case t.Kind == coding.TurnHeading:
		return printable.String("# " + text)
	case t.Speaker != "":
		return printable.String(t.Speaker + ": " + text)
	case t.ID != "" && t.Question != "":
		return printable.String("[" + t.ID + " · " + t.Question + "] " + text)
	case t.ID != "":
		return printable.String("[" + t.ID + "] " + text)
	}
	return printable.String(text)
}

// mdTurn is a turn as a Markdown list item's text: an interviewer's
// prompt in italics, a heading in bold.
func mdTurn(t coding.ContextTurn) string {
	text := coding.MarkdownInline(t.Text)
	switch {
	case t.Kind == coding.TurnHeading:
		return "**" + text + "**"
	case t.Kind == coding.TurnPrompt && t.Speaker != "":
		return "*" + coding.MarkdownInline(t.Speaker) + ": " + text + "*"
	case t.Kind == coding.TurnPrompt:
		return "*" + text + "*"
	case t.Speaker != "":
		return coding.MarkdownInline(t.Speaker) + ": " + text
	case t.ID != "" && t.Question != "":
		return coding.MarkdownInline("["+t.ID+" · "+t.Question+"]") + " " + text
	}
	return text
}

// turnLines joins turns for a CSV cell, one a line.
func turnLines(turns []coding.ContextTurn) string {
	var out []string
	for _, t := range turns {
		out = append(out, turnLine(t))
	}
	return strings.Join(out, "\n")
}

// oneSpaced puts text on one line with single spaces.
func oneSpaced(s string) string { return strings.Join(strings.Fields(s), " ") }
