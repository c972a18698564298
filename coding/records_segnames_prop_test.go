package coding

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// TestSegmentNamesProperty: random sources whose IDs mix numbered runs
// (padded and not, with gaps, near and past 18 digits, digits only, one
// prefix in several sources, IDs that several sources share, runs longer
// than maxNameRun), plain names and source:ID forms are imported, undone,
// redone and replaced (the only ways a source goes: undo and replace
// remove it). After every step every ID's segmentsNamed equals the
// segments bucket walked by brute force, Resolve and ResolveList answer as
// the command line promises, and check's record joins pass (CheckFile runs
// on the file when the test ends). Ten seeds, 30 steps each: about 200
// imports.
func TestSegmentNamesProperty(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			segmentNamesProperty(t, seed, 30)
		})
	}
}

// nameGen makes IDs for random sources.
type nameGen struct {
	rng   *rand.Rand
	names []string // sources made so far, for source:ID forms
}

var propPrefixes = []string{"R", "A", "fg2#", "", "S01-Q", "x:"}

// piece appends one piece of a source's IDs: a numbered run, a plain
// name or a source:ID form.
func (g *nameGen) piece(ids []string, long bool) []string {
	r := g.rng
	switch k := r.IntN(10); {
	case k < 6 || long: // a numbered run
		prefix := propPrefixes[r.IntN(len(propPrefixes))]
		width := 0
		if r.IntN(2) == 0 {
			width = 1 + r.IntN(8)
		}
		var n uint64
		switch r.IntN(4) {
		case 0:
			n = uint64(r.IntN(3)) // from 0
		case 1:
			n = 999_999_999_999_999_990 + uint64(r.IntN(5)) // into 19 digits
		case 2:
			n = uint64(r.IntN(120)) + 90 // across 99 → 100
		default:
			n = uint64(r.IntN(20))
		}
		length := 1 + r.IntN(15)
		if long {
			length = maxNameRun + 1 + r.IntN(20)
		}
		for range length {
			ids = append(ids, fmt.Sprintf("%s%0*d", prefix, width, n))
			n++
			if r.IntN(12) == 0 {
				n += 1 + uint64(r.IntN(3)) // a gap
			}
		}
	case k < 8:
		ids = append(ids, [...]string{"intro", "outro", "note", "R", "007", "R1234567890123456789"}[r.IntN(6)])
	default:
		if len(g.names) > 0 {
			ids = append(ids, fmt.Sprintf("%s:R%d", g.names[r.IntN(len(g.names))], r.IntN(30)))
		} else {
			ids = append(ids, "q:R1")
		}
	}
	return ids
}

// ids makes a source's IDs, each once (but for a repeat when repeat is
// set).
func (g *nameGen) ids(long, repeat bool) []string {
	var ids []string
	for n := 1 + g.rng.IntN(5); n > 0 || len(ids) == 0; n-- {
		ids = g.piece(ids, long && n == 1)
	}
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if repeat {
		out = slices.Insert(out, g.rng.IntN(len(out)+1), out[g.rng.IntN(len(out))])
	}
	return out
}

func segmentNamesProperty(t *testing.T, seed uint64, steps int) {
	s, _ := newProject(t)
	g := &nameGen{rng: rand.New(rand.NewPCG(seed, 0x5e6))}
	r := g.rng
	imports := 0
	var probes []string
	seen := map[string]bool{}
	probe := func(ids ...string) {
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				probes = append(probes, id)
			}
		}
	}
	longDone := false
	for step := range steps {
		var what string
		switch k := r.IntN(20); {
		case k < 3:
			what = "undo"
			if _, err := s.Undo("lead"); err != nil && !strings.Contains(err.Error(), "nothing to undo") {
				t.Fatalf("step %d: undo: %v", step, err)
			}
		case k < 5:
			what = "redo"
			if _, err := s.Redo("lead"); err != nil && !strings.Contains(err.Error(), "nothing to redo") {
				t.Fatalf("step %d: redo: %v", step, err)
			}
		default:
			replace := k < 9 && len(g.names) > 0
			long := !longDone && r.IntN(steps) < 2
			repeat := r.IntN(15) == 0
			ids := g.ids(long, repeat)
			longDone = longDone || long
			name := fmt.Sprintf("s%d", len(g.names)+1)
			if replace {
				name = g.names[r.IntN(len(g.names))]
			}
			src := &corpus.Source{Name: name, File: name + ".txt", Format: "csv", Hash: fmt.Sprintf("h%d-%d", seed, step)}
			for _, id := range ids {
				src.Segments = append(src.Segments, corpus.Segment{ID: id, Text: "t " + id})
			}
			what = fmt.Sprintf("import %s (%d IDs, replace %v)", name, len(ids), replace)
			_, err := s.ImportSource("lead", src, ImportOptions{Replace: replace})
			imports++
			if repeat {
				if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "appears twice") {
					t.Fatalf("step %d: %s with a repeated ID: %v", step, what, err)
				}
			} else if err != nil {
				t.Fatalf("step %d: %s: %v", step, what, err)
			} else if !replace {
				g.names = append(g.names, name)
			}
			probe(ids...)
			for _, id := range ids[:min(len(ids), 4)] {
				probe(neighbours(id)...)
			}
		}
		// Every probe's index lookup; the command line's for 150 of them.
		resolve := probes
		if len(resolve) > 150 {
			resolve = make([]string, 150)
			for i := range resolve {
				resolve[i] = probes[r.IntN(len(probes))]
			}
		}
		if err := segmentNamesAgree(s, probes, resolve); err != nil {
			t.Fatalf("seed %d step %d, after %s: %v", seed, step, what, err)
		}
	}
	if testing.Verbose() {
		t.Logf("seed %d: %d imports, %d probes", seed, imports, len(probes))
	}
}

// neighbours are IDs near id that may or may not be there: the numbers
// either side, the number padded once more, with no number, qualified.
func neighbours(id string) []string {
	out := []string{"s1:" + id, "s2:" + id}
	prefix, n, digits, ok := nameParts(id)
	if !ok {
		return append(out, id+"1")
	}
	out = append(out,
		fmt.Sprintf("%s%0*d", prefix, digits, n+1),
		fmt.Sprintf("%s%0*d", prefix, digits+1, n),
		fmt.Sprintf("%s%d", prefix, n+maxNameRun))
	if n > 0 {
		out = append(out, fmt.Sprintf("%s%0*d", prefix, digits, n-1))
	}
	return out
}

// segmentNamesAgree holds the segname index, Resolve and ResolveList to
// the segments bucket walked whole, and runs check's record joins.
func segmentNamesAgree(s *Store, probes, resolve []string) error {
	type seg struct {
		ref    SegRef
		source string
	}
	var want map[string][]seg
	var names sourceNames
	var problems []Problem
	err := s.view(func(tx *bolt.Tx) error {
		names = newSourceNames(tx)
		want = map[string][]seg{}
		err := tx.Bucket(bktSegments).ForEach(func(k, v []byte) error {
			r, err := decodeSegment(v)
			if err != nil {
				return err
			}
			want[r.id] = append(want[r.id], seg{SegRef(getU64(k)), names[r.source]})
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range probes {
			var refs []SegRef
			for _, sg := range want[id] {
				refs = append(refs, sg.ref)
			}
			if got := recs(tx).segmentsNamed(id); !slices.Equal(got, refs) {
				return fmt.Errorf("segmentsNamed(%q) = %v, want %v", id, got, refs)
			}
		}
		found := &findings{}
		(&recordCheck{tx: tx, found: found}).run()
		problems = found.problems()
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("check: %v", problems)
	}
	// What the command line promises for an ID.
	var list []SegmentLine
	var listWant []SegRef
	for i, id := range resolve {
		segs := want[id]
		got, err := s.Resolve(id)
		switch {
		case len(segs) == 1:
			if err != nil || got != segs[0].ref {
				return fmt.Errorf("Resolve(%q) = %d, %v; want %d", id, got, err, segs[0].ref)
			}
		case len(segs) > 1:
			if !errors.Is(err, ErrConflict) {
				return fmt.Errorf("Resolve(%q) in %d sources = %d, %v; want a conflict", id, len(segs), got, err)
			}
			for _, sg := range segs {
				if !strings.Contains(err.Error(), sg.source) {
					return fmt.Errorf("Resolve(%q): %v does not name source %s", id, err, sg.source)
				}
			}
		default:
			var wantRef SegRef
			if c := strings.IndexByte(id, ':'); c > 0 {
				for _, sg := range want[id[c+1:]] {
					if sg.source == id[:c] {
						wantRef = sg.ref
					}
				}
			}
			if wantRef != 0 && (err != nil || got != wantRef) {
				return fmt.Errorf("Resolve(%q) = %d, %v; want %d", id, got, err, wantRef)
			}
			if wantRef == 0 && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("Resolve(%q) = %d, %v; want not found", id, got, err)
			}
			if wantRef == 0 {
				continue
			}
			got = wantRef
		}
		if len(segs) <= 1 {
			list = append(list, SegmentLine{Line: i + 1, ID: id})
			listWant = append(listWant, got)
		}
	}
	slices.Sort(listWant)
	listWant = slices.Compact(listWant)
	got, err := s.ResolveList(list, "")
	if err != nil || !slices.Equal(got, listWant) {
		return fmt.Errorf("ResolveList of %d IDs = %d refs, %v; want %d", len(list), len(got), err, len(listWant))
	}
	return nil
}
