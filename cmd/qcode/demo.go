package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/charmbracelet/x/term"

	"qcode/cmd/qcode/serve"
	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/demo"
	"qcode/tui"
)

func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo [FILE]",
		Short: "Open a demo project: a sample survey, an interview and two colleagues' coding",
		Long: `Open the coding screen on a demo project: the free-text answers of a 2010
survey of post-qualifying learning in six London boroughs and a short
interview with a learning lead, with the "pq" codebook. Two colleagues, sam
and priya, have double-coded a sample of the survey (with a few
disagreements), so that agreement (a) and settling can be tried at once,
and the interview read as a document (d); you code as yourself (--coder). The project is created on first use at
FILE (default $XDG_DATA_HOME/qcode/demo.qcode, whose qcode directory is
made if needed; a FILE you name must be in a directory that exists) and
kept, so your coding survives.`,
		Example: "  qcode demo\n  qcode demo /tmp/try.qcode",
		Args:    rangeArgs(0, 1, "at most one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := defaultDemoPath()
			if len(args) == 1 {
				path = args[0]
				if err := dirExists(path); err != nil {
					return err
				}
			}
			if err := a.needTerminal(); err != nil {
				return err // before anything is made
			}
			if len(args) == 0 {
				// qcode's own data directory: made as the XDG spec asks.
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					return err
				}
			}
			if err := ensureDemo(path); err != nil {
				return err
			}
			return a.openTUI(cmd, path, true)
		},
	}
}

func defaultDemoPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "qcode", "demo.qcode")
}

// demoActor imports the demo's sources, sample and colleagues' codings, so
// that a coder's undo never reaches back to them.
const demoActor = "qcode-demo"

// ensureDemo creates the demo project at path unless it exists.
func ensureDemo(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	survey, err := demo.Survey()
	if err != nil {
		return fmt.Errorf("demo survey: %w", err)
	}
	interview, err := demo.Interview()
	if err != nil {
		return fmt.Errorf("demo interview: %w", err)
	}
	s, err := coding.Create(path, coding.CreateOptions{Name: "PQ learning in London (demo)", Codes: coding.PQTemplate()})
	if err != nil {
		return err
	}
	if err := fillDemo(s, survey, interview); err != nil {
		s.Close()
		os.Remove(path)
		return fmt.Errorf("demo: %w", err)
	}
	return s.Close()
}

// fillDemo stores the demo's sources and the colleagues' work: their
// double-coding sample, their codings (with review marks) and memos.
func fillDemo(s *coding.Store, sources ...*corpus.Source) error {
	for _, src := range sources {
		if _, err := s.ImportSource(demoActor, src, coding.ImportOptions{}); err != nil {
			return fmt.Errorf("%s: %w", src.File, err)
		}
	}
	lines := make([]coding.SegmentLine, len(demo.SampleIDs))
	for i, id := range demo.SampleIDs {
		lines[i] = coding.SegmentLine{Line: i + 1, ID: id}
	}
	if _, err := s.CreateSample(demoActor, coding.SampleSpec{Name: demo.SampleName, Segments: lines, File: "the demo"}); err != nil {
		return err
	}
	if _, err := s.ImportCodings(demoActor, "team-codings.csv", bytes.NewReader(demo.TeamCodings())); err != nil {
		return err
	}
	for _, m := range demo.Memos {
		kind, err := coding.ParseMemoKind(m.Kind)
		if err != nil {
			return err
		}
		t, err := s.FindMemoTarget(kind, m.On)
		if err != nil {
			return err
		}
		if _, err := s.SetMemoOn(m.Author, t, m.Text); err != nil {
			return err
		}
	}
	return nil
}

// needTerminal refuses, in one line, to start the coding screen without a
// terminal to draw on and read keys from (a script, a pipe, cron), before
// the project is opened.
func (a *app) needTerminal() error {
	in, ok1 := a.stdin.(*os.File)
	out, ok2 := a.stdout.(*os.File)
	if ok1 && ok2 && term.IsTerminal(in.Fd()) && term.IsTerminal(out.Fd()) {
		return nil
	}
	return errors.New("the coding screen needs a terminal; for scripts use qcode segments, report, quotes, code or memos (qcode --help lists them all)")
}

// dirExists refuses a project path whose directory is not there: qcode
// makes no directories the user did not ask for.
func dirExists(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("cannot create %s: the directory %s does not exist (qcode creates no directories; make it first, or name a file elsewhere)", path, dir)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("cannot create %s: %s is not a directory", path, dir)
	}
	return nil
}

// tuiWriteGate is set by tests only: it holds the coding screen's writes
// back, as a slow disk would (see tui.Options.WriteGate).
var tuiWriteGate func()

// openTUI opens the coding screen on the project at path.
func (a *app) openTUI(cmd *cobra.Command, path string, demo bool) error {
	if err := coding.CheckCoderName(a.coder); err != nil {
		return fmt.Errorf("--coder: %w", err)
	}
	opts := tui.Options{Coder: a.coder, ShowCoders: a.showCoders, Demo: demo, WriteGate: tuiWriteGate}
	if a.shared != nil { // in the owner, for a client's terminal
		return a.screenThere(opts)
	}
	if err := a.needTerminal(); err != nil {
		return err
	}
	a.project = path
	conn, err := serve.Dial(path)
	switch {
	case err == nil: // another qcode holds the project: run the screen there
		return a.screenThrough(conn)
	case !errors.Is(err, serve.ErrNoOwner):
		return err
	}
	if err := a.checkProject(); err != nil {
		return err
	}
	// The owner's store must not depend on the working directory: its
	// clients' commands run in theirs.
	a.project = absProject(path)
	return a.withStore(func(s *coding.Store) error { return a.screenHere(s, opts) })
}
