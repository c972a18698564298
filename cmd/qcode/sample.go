package main

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"qcode/coding"
	"qcode/corpus"
)

func (a *app) sampleCommand() *cobra.Command {
	var size, segments, format string
	var seed uint64
	var sources []string
	var replace, del bool
	cmd := &cobra.Command{
		Use:   "sample [NAME]",
		Short: "Make, list or delete double-coding samples (the segments coders compare)",
		Long: `A sample is a named set of segments that two or more coders code, so that
their agreement can be measured: qcode agree --sample NAME computes on exactly
its segments, and the coding screen's filter (f, s) lists only them.

  qcode sample NAME --size N|P% [--seed S] [--source S]...
      a random sample of N segments, or P % of them, shared among the sources
      in proportion to their segments (stratified by source); the same seed
      on the same project gives the same segments. Without --seed one is
      chosen and printed, so the sample can be drawn again.
  qcode sample NAME --segments FILE [--source S]...
      the segments listed in FILE: one ID a line, or a CSV with a "segment"
      or "id" column (what qcode segments --format csv and codings export
      write). With --source, IDs are looked up in those sources.
  qcode sample            list the samples: size, segments per source, and
                          how many of them each coder has reviewed
  qcode sample NAME       list a sample's segments
  qcode sample NAME --delete

Making, replacing (--replace) and deleting a sample are undoable actions.`,
		Example: `  qcode --coder lead sample icr --size 10% --seed 2024
  qcode sample pilot --segments pilot-ids.txt
  qcode sample
  qcode agree --sample icr`,
		Args: rangeArgs(0, 1, "at most one NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, listFormats); err != nil {
				return err
			}
			making := size != "" || segments != ""
			switch {
			case size != "" && segments != "":
				return usagef("a sample is random (--size) or listed (--segments), not both")
			case len(args) == 0 && (making || del || replace):
				return usagef("name the sample: qcode sample NAME …")
			case del && (making || replace):
				return usagef("--delete takes no --size, --segments or --replace")
			case cmd.Flags().Changed("seed") && size == "":
				return usagef("--seed goes with --size")
			case len(sources) > 0 && !making:
				return usagef("--source goes with --size or --segments")
			case replace && !making:
				return usagef("--replace goes with --size or --segments")
			}
			if size != "" {
				if _, _, err := coding.ParseSampleSize(size); err != nil {
					return usagef("--size %s: write N segments or P%% of them (e.g. 50 or 10%%)", size)
				}
			}
			switch {
			case len(args) == 0:
				return a.listSamples(format)
			case del:
				return a.withStore(func(s *coding.Store) error {
					res, err := s.DeleteSample(a.coder, args[0])
					if err == nil {
						a.note("%s (undo takes it back)", res.Desc)
					}
					return err
				})
			case !making:
				return a.showSample(args[0], format)
			}
			spec := coding.SampleSpec{Name: args[0], Sources: sources, Replace: replace}
			if size != "" {
				spec.Size, spec.Seed = size, seed
				if !cmd.Flags().Changed("seed") {
					spec.Seed = randomSeed()
				}
			} else {
				if err := a.checkProject(); err != nil {
					return err
				}
				r, err := corpus.OpenInput(segments, int64(a.maxInput))
				if err != nil {
					return err
				}
				spec.Segments, err = coding.ReadSegmentList(segments, r)
				r.Close()
				if err != nil {
					return err
				}
				spec.File = filepath.Base(segments)
			}
			return a.withStore(func(s *coding.Store) error {
				res, err := s.CreateSample(a.coder, spec)
				if err != nil {
					return err
				}
				sm := res.Sample
				verb := "made"
				if res.Replaced {
					verb = "replaced"
				}
				how := "listed in " + sm.File
				if sm.Seed != nil {
					how = fmt.Sprintf("size %s, seed %d", sm.Size, *sm.Seed)
				}
				a.note("%s sample %s: %s (%s; %s)", verb, sm.Name, counted(sm.Segments, "segment", "segments"), bySource(sm.BySource), how)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&size, "size", "", "a random sample of N segments, or P% of them")
	f.Uint64Var(&seed, "seed", 0, "the random sample's seed (default: chosen and printed)")
	f.StringVar(&segments, "segments", "", "a file of segment IDs (one a line, or a CSV with a segment column)")
	f.StringArrayVar(&sources, "source", nil, "only this source's segments (repeatable)")
	f.BoolVar(&replace, "replace", false, "replace a sample of the same name")
	f.BoolVar(&del, "delete", false, "delete the sample (its segments and codings stay)")
	formatFlag(cmd, &format)
	return cmd
}

// randomSeed picks a seed for a sample drawn without one.
func randomSeed() uint64 {
	var b [8]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) >> 11 // 53 bits: survives a trip through JSON numbers
}

// bySource writes segments per source, e.g. "fg2 12, survey 38".
func bySource(m map[string]int) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, m[n])
	}
	return strings.Join(parts, ", ")
}

func (a *app) listSamples(format string) error {
	return a.withReader(func(s *coding.Store) error {
		list, err := s.Samples()
		if err != nil {
			return err
		}
		t := table{head: []string{"sample", "segments", "by source", "how", "reviewed", "made"}, fill: 2}
		for _, sm := range list {
			how := "listed in " + sm.File
			if sm.Seed != nil {
				how = fmt.Sprintf("size %s, seed %d", sm.Size, *sm.Seed)
			}
			if len(sm.Sources) > 0 {
				how += ", sources " + strings.Join(sm.Sources, ", ")
			}
			coders := make([]string, 0, len(sm.Reviewed))
			for c := range sm.Reviewed {
				coders = append(coders, c)
			}
			sort.Strings(coders)
			var reviewed []string
			for _, c := range coders {
				reviewed = append(reviewed, fmt.Sprintf("%s %d/%d", c, sm.Reviewed[c], sm.Segments))
			}
			t.rows = append(t.rows, []string{sm.Name, strconv.Itoa(sm.Segments), bySource(sm.BySource), how,
				strings.Join(reviewed, ", "), sm.By + " " + sm.Created.Format("2006-01-02")})
		}
		if len(list) == 0 && format != "json" {
			a.note("no samples yet: make one with qcode sample NAME --size 10%%")
			return nil
		}
		return t.write(a.stdout, format, list)
	})
}

func (a *app) showSample(name, format string) error {
	return a.withReader(func(s *coding.Store) error {
		sm, err := s.Sample(name)
		if err != nil {
			return err
		}
		segs, err := s.Load(sm.Refs, []coding.CoderID{})
		if err != nil {
			return err
		}
		type segJSON struct {
			Segment string `json:"segment"`
			Source  string `json:"source"`
		}
		js := []segJSON{}
		t := table{head: []string{"segment", "source", "text"}, fill: 2}
		for i := range segs {
			id := s.QualifiedID(&segs[i])
			js = append(js, segJSON{id, segs[i].Source})
			t.rows = append(t.rows, []string{id, segs[i].Source, segs[i].Text})
		}
		return t.write(a.stdout, format, js)
	})
}
