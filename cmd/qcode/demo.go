package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/corpus/demo"
	"qcode/tui"
)

func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo [FILE]",
		Short: "Open a demo project built from a sample survey",
		Long: `Open the coding screen on a demo project: the free-text answers of a 2010
survey of post-qualifying learning in six London boroughs, with the "pq"
codebook. The project is created on first use at FILE (default
$XDG_DATA_HOME/qcode/demo.qcode) and kept, so your coding survives.`,
		Example: "  qcode demo\n  qcode demo /tmp/try.qcode",
		Args:    rangeArgs(0, 1, "at most one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := defaultDemoPath()
			if len(args) == 1 {
				path = args[0]
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

// demoActor imports the demo survey, so that a coder's undo never reaches
// back to the import.
const demoActor = "qcode-demo"

// ensureDemo creates the demo project at path unless it exists.
func ensureDemo(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	src, err := demo.Survey()
	if err != nil {
		return fmt.Errorf("demo survey: %w", err)
	}
	s, err := coding.Create(path, coding.CreateOptions{Name: "PQ learning in London (demo)", Codes: coding.PQTemplate()})
	if err != nil {
		return err
	}
	if _, err := s.ImportSource(demoActor, src, coding.ImportOptions{}); err != nil {
		s.Close()
		os.Remove(path)
		return fmt.Errorf("demo survey: %w", err)
	}
	return s.Close()
}

// tuiWriteGate is set by tests only: it holds the coding screen's writes
// back, as a slow disk would (see tui.Options.WriteGate).
var tuiWriteGate func()

// openTUI opens the coding screen on the project at path.
func (a *app) openTUI(cmd *cobra.Command, path string, demo bool) error {
	if err := coding.CheckCoderName(a.coder); err != nil {
		return fmt.Errorf("--coder: %w", err)
	}
	a.project = path
	return a.withStore(func(s *coding.Store) error {
		return tui.Run(s, tui.Options{Coder: a.coder, ShowCoders: a.showCoders, Demo: demo, WriteGate: tuiWriteGate})
	})
}
