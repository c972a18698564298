package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/corpus"
)

func (a *app) initCommand() *cobra.Command {
	var codebook, name string
	cmd := &cobra.Command{
		Use:   "init FILE",
		Short: "Create a project file",
		Long: `Create a new project file (mode 0600) with a starting codebook: the
built-in "pq" themes of post-qualifying learning studies, "empty", or a
codebook file: YAML, JSON, or a REFI-QDA codebook (.qdc) from NVivo,
ATLAS.ti, MAXQDA or QualCoder.`,
		Example: `  qcode init study.qcode --codebook pq
  qcode init study.qcode --codebook team-codebook.yaml --name "PQ evaluation 2026"
  qcode init study.qcode --codebook codebook.qdc`,
		Args: rangeArgs(0, 1, "one FILE (or -p FILE)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := a.project
			if len(args) == 1 {
				path = args[0]
			}
			if err := dirExists(path); err != nil {
				return err
			}
			codes, err := coding.LoadCodebook(codebook, int64(a.maxInput))
			if err != nil {
				return err
			}
			s, err := coding.Create(path, coding.CreateOptions{Name: name, Codes: codes})
			if errors.Is(err, coding.ErrExists) {
				return fmt.Errorf("%s exists already; open it with `qcode -p %s`", path, path)
			}
			if err != nil {
				return err
			}
			n := s.Codebook().Len()
			if err := s.Close(); err != nil {
				return err
			}
			a.note("created %s (codebook %s: %s)", path, codebook, counted(n, "code", "codes"))
			a.note("next: qcode -p %s import answers.csv --text-col ANSWER --id-col ID", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&codebook, "codebook", "pq", "starting codebook: "+strings.Join(coding.TemplateNames(), ", ")+", or a .yaml, .json or .qdc file")
	cmd.Flags().StringVar(&name, "name", "", "the project's name (default: the file name)")
	return cmd
}

func (a *app) importCommand() *cobra.Command {
	var opts corpus.Options
	var textCols, attrs []string
	var replace bool
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import survey answers, notes, or a REFI-QDA project (.qdpx)",
		Long: `Import files as sources. Every file is read first, without holding the
project; then each is stored in one transaction: a file that fails leaves the
project exactly as it was. Only regular files are read, of at most
--max-input-size bytes (default 1 GiB).

  long sheet (CSV/TSV/XLSX, one row per answer):  --text-col C [--id-col C] [--case-col C]
  wide sheet (one row per respondent):             --text-cols A,B [--id-col C]
  notes or transcripts (TXT/MD/DOCX):              speaker turns, headings and front matter are read

Without --text-col or --text-cols, a sheet with exactly one free-text column is
read as long; otherwise qcode lists the free-text columns it sees.

In a transcript, each participant's turn is a segment and each speaker label
a case within its file: P1 of fg2 is not P1 of fg3 (shown as fg2:P1). The
interviewer's turns (Interviewer, Facilitator, Moderator, Researcher, I, Q,
numbered or not, and any --interviewer label) are not segments or cases:
their text becomes the attribute prompt of the answers that follow (and
question too, where no heading sets it). Lines before the transcript starts
(a title such as "Focus group: newly qualified social workers") become the
source's title attribute. Segment IDs count every turn, so they stay stable.
A survey's respondent ids (--case-col) join across sheets.

A REFI-QDA project (.qdpx, from NVivo, ATLAS.ti, MAXQDA, QualCoder or
'qcode export --format qdpx') is imported on its own into a new project
(made, when -p names no file) or one with no sources yet: its sources,
cases and their variables, codes, codings, coders and memos; a project
qcode wrote comes back whole, with its segment IDs, review marks, samples,
memos and journal. Another tool's texts become segments by speaker turn or
paragraph, as above, and every coded passage is cut along them: a passage
across two turns codes both, part of one codes that span. Sets of sources
become the attribute set. Its notes become memos: on the project (journal
entries, as are notes nothing refers to), on documents, codes, cases (their
descriptions) and codings, each under its author.`,
		Example: `  qcode import london-pq-survey-2010.csv --text-col response --id-col response_id
  qcode import survey.xlsx --sheet Answers --text-cols Q3,Q7 --id-col RespondentID
  qcode import interview-01.md focus-group-02.docx --attr method=interview
  qcode import fg2.md fg3.md --interviewer "Dr Lee" --interviewer JS
  qcode import lead-03.md lead-03-followup.md --shared-speakers   # one person, two interviews
  qcode -p study.qcode import study.qdpx                         # a project from NVivo, MAXQDA…`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("import needs at least one FILE")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, path := range args {
				if err := notCodebookFile(path); err != nil {
					return err
				}
				if isProjectFile(path) {
					if len(args) > 1 {
						return usagef("%s is a whole project: import it on its own", filepath.Base(path))
					}
					for _, f := range []string{"text-col", "text-cols", "id-col", "case-col", "sheet", "replace", "attr", "interviewer", "shared-speakers"} {
						if cmd.Flags().Changed(f) {
							return usagef("--%s does not apply to a REFI-QDA project (.qdpx)", f)
						}
					}
					return a.importProject(path)
				}
			}
			for _, c := range textCols {
				opts.TextCols = append(opts.TextCols, splitList(c)...)
			}
			if opts.TextCol != "" && len(opts.TextCols) > 0 {
				return usagef("give --text-col (long sheet) or --text-cols (wide sheet), not both")
			}
			extra, err := parseAttrs(attrs)
			if err != nil {
				return err
			}
			if err := a.checkProject(); err != nil {
				return err
			}
			opts.Limits = a.limits()
			return a.importFiles(args, opts, coding.ImportOptions{Replace: replace, Attributes: extra})
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.TextCol, "text-col", "", "long sheet: the column holding each answer")
	f.StringSliceVar(&textCols, "text-cols", nil, "wide sheet: columns that each become a segment per row (A,B,…)")
	f.StringVar(&opts.IDCol, "id-col", "", "the column with a unique answer (long) or respondent (wide) id")
	f.StringVar(&opts.CaseCol, "case-col", "", "long sheet: the column naming the respondent")
	f.StringVar(&opts.Sheet, "sheet", "", "XLSX: the sheet to read (default: the first)")
	f.BoolVar(&replace, "replace", false, "replace an earlier import of the same file, keeping codings of segments still there")
	f.StringArrayVar(&attrs, "attr", nil, "a source attribute NAME=VALUE (repeatable), e.g. method=survey")
	f.StringArrayVar(&opts.Interviewers, "interviewer", nil, "transcripts: a speaker label whose turns are prompts, not answers (repeatable)")
	f.BoolVar(&opts.SharedSpeakers, "shared-speakers", false, "transcripts: a speaker label names one case across these files (and existing cases of that name)")
	return cmd
}

// importFiles reads every file, then opens the project and stores each
// file read in its own transaction: no lock is held during a slow or huge
// read. With one file its error is returned; with several, each failure is
// noted and the count returned.
func (a *app) importFiles(paths []string, opts corpus.Options, io coding.ImportOptions) error {
	failed := 0
	fail := func(err error) error {
		if len(paths) == 1 {
			return err
		}
		a.note("qcode: %s", err)
		failed++
		return nil
	}
	var srcs []*corpus.Source
	for _, path := range paths {
		src, err := a.readSource(path, opts)
		if err != nil {
			if err := fail(err); err != nil {
				return err
			}
			continue
		}
		srcs = append(srcs, src)
	}
	if len(srcs) > 0 {
		err := a.withStore(func(s *coding.Store) error {
			for i, src := range srcs {
				if err := a.storeSource(s, src, io); err != nil {
					if err := fail(err); err != nil {
						return err
					}
				}
				srcs[i] = nil // stored: its memory can go
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files not imported (see above)", failed, len(paths))
	}
	return nil
}

// readSource reads one file, with a progress bar when slow.
func (a *app) readSource(path string, opts corpus.Options) (*corpus.Source, error) {
	bar := startProgress(a.stderr, "reading "+filepath.Base(path))
	defer bar.end()
	return corpus.Read(path, opts)
}

// storeSource stores one source read by readSource, in one transaction,
// with a progress bar when slow.
func (a *app) storeSource(s *coding.Store, src *corpus.Source, io coding.ImportOptions) error {
	bar := startProgress(a.stderr, "storing "+src.File)
	defer bar.end()
	io.Progress = func(done, total int) { bar.set("storing "+src.File, done, total) }
	res, err := s.ImportSource(a.coder, src, io)
	bar.end()
	if err != nil {
		return err
	}
	verb := "imported"
	if res.Replaced {
		verb = "replaced"
	}
	msg := fmt.Sprintf("%s %s: %s as source %q", verb, src.File, segments(res.Segments), res.Source)
	if res.Prompts > 0 || res.Cases > 0 && src.Format != "csv" && src.Format != "tsv" && src.Format != "xlsx" {
		msg += fmt.Sprintf(" (%s", counted(res.Cases, "participant", "participants"))
		if res.Prompts > 0 {
			msg += fmt.Sprintf("; %s as prompts", counted(res.Prompts, "interviewer turn", "interviewer turns"))
		}
		msg += ")"
	}
	if res.NewCases > 0 {
		msg += ", " + counted(res.NewCases, "new case", "new cases")
	}
	if res.Replaced {
		msg += fmt.Sprintf("; %s kept", counted(res.Kept, "coding", "codings"))
		if res.Dropped > 0 {
			msg += fmt.Sprintf(", %d dropped (their segment or passage is gone)", res.Dropped)
		}
	}
	a.note("%s", msg)
	return nil
}

// counted writes n with its noun.
func counted(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, plural(n, one, many))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseAttrs(list []string) ([]coding.Attribute, error) {
	var out []coding.Attribute
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usagef("--attr %q: write NAME=VALUE", kv)
		}
		out = append(out, coding.Attribute{Name: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	return out, nil
}

func (a *app) casesCommand() *cobra.Command {
	cases := &cobra.Command{
		Use:   "cases",
		Short: "Attach attributes to cases (participants)",
		Args:  noArgs,
		RunE:  helpOnly,
	}
	var opts corpus.Options
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Attach attributes from a cases sheet; map transcript speakers to cases",
		Long: `Attach attributes from a cases sheet (CSV, TSV or XLSX) to cases. Every
column other than the id (and source and speaker) becomes an attribute.

With --id-col only, each row's id is matched to a case as every command
reads a case's name (letter case aside): a respondent id, a shared speaker,
"source:speaker" (fg2:P1), or a speaker label that only one source has (a label such as P1 in several focus groups must be written
fg2:P1, or given by source and speaker columns).

A sheet with columns source and speaker (or named by --source-col and
--speaker-col) names speakers of transcripts. A row with an id too makes
that speaker the case the id names: rows with the same id join speakers of
several files into one case (a follow-up interview of the same person). A
row with no id gives the speaker's own case the row's attributes.

Rows that match nothing are listed, not created. One undoable action.`,
		Example: `  qcode cases import respondents.csv --id-col respondent
  qcode cases import participants.xlsx --sheet Interviews --id-col Name
  qcode cases import speakers.csv --id-col case      # columns source,speaker,case,role,…
  qcode cases import roles.csv                       # columns source,speaker,role: attributes only`,
		Args: exactArgs(1, "one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opts.SourceCol == "") != (opts.SpeakerCol == "") {
				return usagef("give both --source-col and --speaker-col")
			}
			if err := a.checkProject(); err != nil {
				return err
			}
			opts.Limits = a.limits()
			// Read before the project is opened: a slow read holds no lock.
			list, err := corpus.ReadCases(args[0], opts)
			if err != nil {
				return err
			}
			return a.withStore(func(s *coding.Store) error {
				res, err := s.ImportCases(a.coder, list)
				if err != nil {
					return err
				}
				msg := fmt.Sprintf("attached attributes to %s from %s", counted(res.Matched, "case", "cases"), filepath.Base(args[0]))
				if res.Joined > 0 {
					msg += fmt.Sprintf("; %s joined to the case a row names", counted(res.Joined, "speaker", "speakers"))
				}
				if res.Created > 0 {
					msg += fmt.Sprintf(" (%d new)", res.Created)
				}
				a.note("%s", msg)
				if n := len(res.Unmatched); n > 0 {
					a.note("warning: %s no case in the project: %s", counted(n, "id matches", "ids match"), excerpts(res.Unmatched))
				}
				if n := len(res.Ambiguous); n > 0 {
					a.note("warning: %s several sources, so matched none (write source:speaker, or give the sheet source and speaker columns): %s",
						counted(n, "speaker label names a speaker in", "speaker labels name speakers in"), excerpts(res.Ambiguous))
				}
				return nil
			})
		},
	}
	f := imp.Flags()
	f.StringVar(&opts.IDCol, "id-col", "", "the column holding the case id or speaker name (needed unless the sheet maps speakers)")
	f.StringVar(&opts.SourceCol, "source-col", "", `the column naming a transcript's source (default: a column named "source", with "speaker")`)
	f.StringVar(&opts.SpeakerCol, "speaker-col", "", `the column naming a speaker of that source (default: a column named "speaker")`)
	f.StringVar(&opts.Sheet, "sheet", "", "XLSX: the sheet to read")
	cases.AddCommand(imp)
	return cases
}

// excerpts lists values for a warning: the first ten, each cut short.
func excerpts(list []string) string {
	n := len(list)
	shown := make([]string, 0, 11)
	for _, id := range list[:min(n, 10)] {
		shown = append(shown, corpus.Excerpt(id))
	}
	if n > 10 {
		shown = append(shown, fmt.Sprintf("… %d more", n-10))
	}
	return strings.Join(shown, ", ")
}
