package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
)

func (a *app) checkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify the project file: pages, indexes, tallies and journal",
		Long: `Verify the project file without changing it: bbolt's meta pages and every
page of its trees, bbolt's own consistency check, every record, every index
(bycode, bycoder, memos, segname, bycase, texts, casename, strix,
sourcehash, codername) and tally against the records, each source's run
of segments against its segments, every memo (on a
coding, segment, source, case or code, and the journal: what it is on and
its author exist), and the journal and undo stacks, and a write-ahead file
beside it (FILE.wal: an action a qcode that stopped had saved there but
not yet in the project is reported, not a problem; the next writable open
applies it; so is a meta page of bbolt torn by a power cut while that very
action was written into the project). What is wrong is listed on stdout (the first few of each kind,
then a count) and the exit status is 1; a sound file prints "ok: …".`,
		Example: "  qcode check\n  qcode -p coder-copy.qcode check",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := coding.CheckFile(a.project)
			if errors.Is(err, coding.ErrNoProject) {
				return a.noProject()
			}
			if err != nil {
				return err
			}
			if rep.OK() {
				fmt.Fprintf(a.stdout, "ok: %s: %s\n", rep.Path, strings.Join(rep.Checked, "; "))
				return nil
			}
			fmt.Fprintf(a.stdout, "%s is damaged:\n", rep.Path)
			total := 0
			for _, p := range rep.Problems {
				total += p.Count
				fmt.Fprintf(a.stdout, "  %s: %d %s\n", p.Kind, p.Count, plural(p.Count, "problem", "problems"))
				for _, e := range p.Examples {
					fmt.Fprintf(a.stdout, "    %s\n", e)
				}
				if more := p.Count - len(p.Examples); more > 0 {
					fmt.Fprintf(a.stdout, "    … and %d more\n", more)
				}
			}
			if len(rep.Checked) > 0 {
				fmt.Fprintf(a.stdout, "checked: %s\n", strings.Join(rep.Checked, "; "))
			}
			return fmt.Errorf("%s: %w: %d %s (listed on stdout); qcode will not write to it", rep.Path, coding.ErrDamaged, total, plural(total, "problem", "problems"))
		},
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
