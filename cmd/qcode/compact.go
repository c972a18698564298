package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
)

func (a *app) compactCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "Rewrite the project into a smaller file, keeping the old one as a backup",
		Long: `Rewrite the project file with every page full. A project file never shrinks
by itself: what an undone import, a deleted source or an undone merge took
stays in the file as free pages for later changes. compact copies every
record (sources, codings, memos, the journal with its undo and redo) into a
new file, compares the two record by record, and only then renames the new
file over the project. The file as it was is kept beside it as FILE.bak
(FILE.DATE.bak when that name is taken); remove it when you are satisfied.

The project must not be open in another qcode. A damaged file is not
compacted: run qcode check.`,
		Example: "  qcode compact\n  qcode -p study.qcode compact",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := coding.Compact(a.project)
			if errors.Is(err, coding.ErrNoProject) {
				return a.noProject()
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, printable.String(fmt.Sprintf("compacted %s: %s → %s (%d records compared); the file as it was is kept as %s",
				a.project, corpus.SizeText(res.Before), corpus.SizeText(res.After), res.Records, res.Backup)))
			return nil
		},
	}
}
