package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
)

func (a *app) attributesCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "attributes",
		Short: "List attributes and their values; rename, merge or set them",
		Long: `With no sub-command, list every attribute (of sources, cases and segments)
with its values and how many segments and cases carry each: a segment
carries its own value, else its case's, else its source's, and a segment
with no case counts as its own case, as in reports. Attribute names match
whatever their case ("role" finds a sheet's "Role" column); values match
exactly. Values that differ only in case or spacing ("LA01" and "la01",
"Learning lead" and "learning lead "), and names that differ only in case,
are listed as warnings on stderr (in the JSON under "warnings"), each with
the command that merges them.

Every change is one undoable action (qcode undo).`,
		Example: `  qcode attributes
  qcode attributes --format json
  qcode attributes rename role "learning lead " "Learning lead"
  qcode attributes rename-name Role role
  qcode attributes set --case P7 role="Team manager"
  qcode attributes set --source interview-03 method=interview`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			return a.withReader(func(s *coding.Store) error {
				sum, err := s.Attributes()
				if err != nil {
					return err
				}
				if format != "json" {
					for _, w := range sum.Warnings {
						a.note("warning: %s", w.Message)
					}
				}
				return attributesTable(sum, format).write(a.stdout, format, sum)
			})
		},
	}
	formatFlag(cmd, &format)
	cmd.AddCommand(a.attributesRename(), a.attributesRenameName(), a.attributesSet())
	return cmd
}

// attributesTable groups values under their attribute for a terminal; the
// other formats get one row per value, for spreadsheets.
func attributesTable(sum coding.AttributeSummary, format string) table {
	if format != "table" {
		t := table{head: []string{"attribute", "value", "segments", "cases"}, fill: -1}
		for _, at := range sum.Attributes {
			for _, v := range at.Values {
				t.rows = append(t.rows, []string{at.Name, v.Value, strconv.Itoa(v.Segments), strconv.Itoa(v.Cases)})
			}
		}
		return t
	}
	t := table{head: []string{"attribute", "value", "segments", "cases", "set on"}, fill: 1}
	for _, at := range sum.Attributes {
		name := at.Name
		if len(at.Spellings) > 1 {
			name += " (" + strings.Join(at.Spellings, ", ") + ")"
		}
		t.rows = append(t.rows, []string{name, fmt.Sprintf("%d %s", len(at.Values), plural(len(at.Values), "value", "values")), strconv.Itoa(at.Segments), strconv.Itoa(at.Cases), strings.Join(at.On, ", ")})
		for _, v := range at.Values {
			t.rows = append(t.rows, []string{"", "  " + showValue(v.Value), strconv.Itoa(v.Segments), strconv.Itoa(v.Cases), ""})
		}
	}
	return t
}

// showValue quotes a value whose spacing a table would hide ("learning
// lead " beside "learning lead").
func showValue(v string) string {
	if v != strings.Join(strings.Fields(v), " ") {
		return strconv.Quote(v)
	}
	return v
}

func (a *app) noteChange(res coding.AttributeChange) {
	if res.Seq == 0 {
		a.note("%s: nothing changed", res.Desc)
		return
	}
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{res.Sources, "source"}, {res.Cases, "case"}, {res.Segments, "segment"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, plural(c.n, c.what, c.what+"s")))
		}
	}
	msg := fmt.Sprintf("%s: %s changed", res.Desc, strings.Join(parts, ", "))
	if res.Merged {
		msg += " (merged with what was there: undo separates them again)"
	}
	if res.Overridden > 0 {
		msg += fmt.Sprintf("; %d %s (a segment's own value wins over its case's, a case's over its source's)", res.Overridden,
			plural(res.Overridden, "segment keeps a value of its own", "segments keep a value of their own"))
	}
	if res.Dropped > 0 {
		msg += fmt.Sprintf("; %d %s dropped that a first spelling hid", res.Dropped, plural(res.Dropped, "value", "values"))
	}
	a.note("%s", msg)
}

func (a *app) attributesRename() *cobra.Command {
	return &cobra.Command{
		Use:   "rename NAME OLD NEW",
		Short: "Rename a value of an attribute everywhere (a merge when NEW exists)",
		Long: `Rename value OLD of attribute NAME to NEW on every source, case and segment
that has it. When NEW is already a value of NAME, the two become one. NAME
matches whatever its case; OLD must be spelt exactly, spaces included
(quote it). One undoable action.`,
		Example: `  qcode attributes rename role "learning lead " "Learning lead"
  qcode attributes rename authority la01 LA01`,
		Args: exactArgs(3, "NAME OLD NEW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(s *coding.Store) error {
				res, err := s.RenameAttributeValue(a.coder, args[0], args[1], args[2])
				if err != nil {
					return err
				}
				a.noteChange(res)
				return nil
			})
		},
	}
}

func (a *app) attributesRenameName() *cobra.Command {
	return &cobra.Command{
		Use:   "rename-name OLD NEW",
		Short: "Rename an attribute everywhere, fix its spelling, or merge it into another",
		Long: `Rename attribute OLD (every spelling of it: names match whatever their case)
to NEW on every source, case and segment. NEW may be another spelling of OLD
("Role" to "role", so that one spelling remains), a new name, or the name of
another attribute: then the two merge, which is refused while any record has
both with different values. One undoable action.`,
		Example: `  qcode attributes rename-name Role role
  qcode attributes rename-name position role`,
		Args: exactArgs(2, "OLD NEW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(s *coding.Store) error {
				res, err := s.RenameAttribute(a.coder, args[0], args[1])
				if err != nil {
					return err
				}
				a.noteChange(res)
				return nil
			})
		},
	}
}

func (a *app) attributesSet() *cobra.Command {
	var on coding.AttributeTarget
	cmd := &cobra.Command{
		Use:   "set (--source S | --case C) NAME=VALUE",
		Short: "Set an attribute on one source or case (NAME= removes it)",
		Long: `Set attribute NAME to VALUE on one source (all its segments take it unless
their case or they have their own) or one case (a participant). An empty
VALUE removes the attribute. NAME matches whatever its case: a source or
case that has the attribute keeps its spelling. One undoable action.

A case is named as qcode shows it: a respondent's id, or SOURCE:LABEL for a
transcript's speaker (fg2:P1), in any letter case; a bare label (P7) when
one source alone has a speaker of that label.`,
		Example: `  qcode attributes set --source interview-03 method=interview
  qcode attributes set --case fg2:P7 "role=Team manager"
  qcode attributes set --case R017 role=`,
		Args: exactArgs(1, "NAME=VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, value, ok := strings.Cut(args[0], "=")
			if !ok {
				return usagef("%q: write NAME=VALUE (NAME= removes the attribute)", args[0])
			}
			if (on.Source == "") == (on.Case == "") {
				return usagef("attributes set needs --source or --case (one of them)")
			}
			return a.withStore(func(s *coding.Store) error {
				res, err := s.SetAttribute(a.coder, on, name, value)
				if err != nil {
					return err
				}
				a.noteChange(res)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&on.Source, "source", "", "the source (its name, as qcode info and segments show it)")
	cmd.Flags().StringVar(&on.Case, "case", "", "the case (participant): its name, or fg2:P1 for a transcript's speaker")
	return cmd
}
