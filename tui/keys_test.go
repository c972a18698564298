package tui

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/demo"
)

var fuzzKeys = []string{"j", "k", "n", "N", "1", "2", "3", "0", "9", "c", "/", "f", "s", "S", "m", "v", "u", "<ctrl+r>", "<tab>",
	"e", "r", "a", "C", "]", "[", "<backspace>", "<enter>", "<esc>", "<esc>", "<up>", "<down>", "<left>", "<right>", "<shift+right>", "<shift+left>",
	"x", "g", "d", "y", "G", "i", "D", "b", "z", "J", "K", "h", "l", "w", "$", "^", "<space>", "?", "+", "-", "L", "H", "<pgdown>", "Q", "A", "M", "t", "o", "p", "<ctrl+s>", "ä", "İ", "r", "e", "n", "4", "5", "6", "=", "-"}

func tinyProject(t *testing.T, codes []coding.CodeSpec, segs []string) *coding.Store {
	s, err := coding.Create(filepath.Join(t.TempDir(), "p.qcode"), coding.CreateOptions{Codes: codes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if len(segs) > 0 {
		src := &corpus.Source{Name: "s", File: "s.csv", Hash: "h"}
		for i, txt := range segs {
			src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprint("R", i), Text: txt, Case: "P"})
		}
		if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestKeysNeverCrash presses random keys (and clicks) on projects of every
// awkward shape — empty, no codes, no segments, one segment, odd text — at
// three sizes: nothing may panic.
func TestKeysNeverCrash(t *testing.T) {
	small := []coding.CodeSpec{{Name: "A", Codes: []coding.CodeSpec{{Name: "a1"}}}, {Name: "G", Group: true, Codes: []coding.CodeSpec{{Name: "L1"}, {Name: "L2"}}}}
	cases := []struct {
		name  string
		codes []coding.CodeSpec
		segs  []string
	}{
		{"empty", nil, nil},
		{"codes-no-segs", small, nil},
		{"one-seg-no-codes", nil, []string{"hello world"}},
		{"one-seg", small, []string{"hello"}},
		{"punct", small, []string{",", "İstanbul i"}},
	}
	for _, c := range cases {
		for seed := uint64(0); seed < uint64(keySeeds()); seed++ {
			for _, size := range [][2]int{{80, 24}, {40, 10}, {200, 50}} {
				func() {
					s := tinyProject(t, c.codes, c.segs)
					rng := rand.New(rand.NewPCG(seed, 1))
					var pressed []string
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("%s %v seed %d: panic %v after keys %q\n%s", c.name, size, seed, r, strings.Join(pressed, " "), debug.Stack())
						}
					}()
					h := newHarness(t, s, size[0], size[1], Options{Coder: "alice"})
					for i := 0; i < 60; i++ {
						k := fuzzKeys[rng.IntN(len(fuzzKeys))]
						pressed = append(pressed, k)
						if rng.IntN(10) == 0 {
							h.send(tea.MouseClickMsg{X: rng.IntN(size[0]), Y: rng.IntN(size[1]), Button: tea.MouseLeft})
							pressed = append(pressed, "<click>")
						}
						h.keys(k)
						_ = h.m.View()
					}
				}()
			}
		}
	}
}

// keySeeds is how many random key sequences each project shape gets
// (KEYSEEDS=n runs more).
func keySeeds() int {
	if n, err := strconv.Atoi(os.Getenv("KEYSEEDS")); err == nil {
		return n
	}
	return 3
}

// TestKeysNeverCrashInEveryView opens each view and dialog, then presses
// random keys (and clicks) in it: nothing may panic, and every frame must
// be exactly the terminal's size, no line wider than it.
func TestKeysNeverCrashInEveryView(t *testing.T) {
	openers := []struct{ name, keys string }{
		{"coding screen", ""},
		{"panel", "<tab>"},
		{"passage", "v"},
		{"search", "/tim"},
		{"picker", "c"},
		{"filter", "f"},
		{"filter by code", "fc"},
		{"filter by attribute", "fa"},
		{"attribute values", "fa<enter>"},
		{"filter by coder", "fk"},
		{"filter by sample", "fs"},
		{"memo menu", "2m"},
		{"memo", "2m1"},
		{"segment memo", "m2"},
		{"journal entry", "m6"},
		{"memo code picker", "m5"},
		{"memo browser", "M"},
		{"memo browser reading", "Mr"},
		{"memo browser code", "Mc"},
		{"code every match", "/time<enter>A"},
		{"code every match: confirm", "/time<enter>A<enter>"},
		{"code every filtered", "fu" + "A"},
		{"filter bar", "fuft"},
		{"filter source", "fo"},
		{"quote reading", "r<enter><enter>"},
		{"quote in context", "r<enter><enter>++"},
		{"co-occurrence", "Cro"},
		{"co-occurrence by case", "Crou"},
		{"co-occurrence passages", "Crojlll<enter>"},
		{"passage in context", "Crojlll<enter><enter>"},
		{"suggested", "jjjjj"},
		{"similar", "jjjj="},
		{"similar, reading", "jjjj=<enter>"},
		{"segment in context", "Gkki"},
		{"star chooser", "23S"},
		{"memo chooser", "23m"},
		{"editor", "e"},
		{"editor input", "ea"},
		{"editor move", "em"},
		{"editor merge", "eg"},
		{"editor delete", "ed"},
		{"report", "r"},
		{"report split", "rb"},
		{"quotes", "r<enter>"},
		{"agreement", "a"},
		{"agreement sample", "as"},
		{"review", "a<enter>"},
		{"review picker", "a<enter>c"},
		{"help", "?"},
		{"report help", "r?"},
		{"document", "d"},
		{"document passage", "dv"},
		{"document of a transcript", "Gd"},
		{"document picker", "Gdc"},
	}
	sizes := [][2]int{{80, 24}, {56, 20}, {120, 40}, {20, 6}, {40, 10}}
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) {
			s := smallTeamWithInterview(t)
			// Two walks a view by default (KEYSEEDS=n runs n-1), each at another size.
			for seed := uint64(0); seed < uint64(max(1, keySeeds()-1)); seed++ {
				size := sizes[(int(seed)+len(o.name))%len(sizes)]
				rng := rand.New(rand.NewPCG(seed, 2))
				pressed := []string{o.keys}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("%v seed %d: panic %v after keys %q\n%s", size, seed, r, strings.Join(pressed, " "), debug.Stack())
						}
					}()
					h := newHarness(t, s, size[0], size[1], Options{Coder: "alice"})
					h.keys(o.keys)
					checkSize(t, h, size, pressed)
					for i := 0; i < 30; i++ {
						k := fuzzKeys[rng.IntN(len(fuzzKeys))]
						pressed = append(pressed, k)
						if rng.IntN(10) == 0 {
							h.send(tea.MouseClickMsg{X: rng.IntN(size[0]), Y: rng.IntN(size[1]), Button: tea.MouseLeft})
							pressed = append(pressed, "<click>")
						}
						h.keys(k)
						checkSize(t, h, size, pressed)
					}
				}()
			}
		})
	}
}

// checkSize fails when a frame is not exactly w×h cells.
func checkSize(t *testing.T, h *harness, size [2]int, pressed []string) {
	t.Helper()
	frame := h.frame()
	lines := strings.Split(frame, "\n")
	bad := len(lines) != size[1]
	for _, l := range lines {
		bad = bad || ansi.StringWidth(l) > size[0]
	}
	if bad {
		t.Fatalf("%dx%d after %q: the frame is not the terminal's size (%d lines):\n%s", size[0], size[1], strings.Join(pressed, " "), len(lines), frame)
	}
}

// smallTeam is a project of twelve answers with attributes, the pq
// codebook, two coders who differ, a review mark and a sample: every view
// has something to show, and each key is quick to answer.
func smallTeam(t *testing.T) *coding.Store {
	t.Helper()
	s, err := coding.Create(filepath.Join(t.TempDir(), "team.qcode"), coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	src := &corpus.Source{Name: "survey", File: "survey.csv", Hash: "h"}
	for i := range 12 {
		src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprint("A", i+1), Case: fmt.Sprint("P", i%5),
			Text:       "No time for study, and no backfill; funding was cut, so the award was deferred.",
			Attributes: []corpus.Attribute{{Name: "role", Value: []string{"PQ lead", "Social worker"}[i%2]}, {Name: "question", Value: fmt.Sprint("Q", i%3)}}})
	}
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	csv := "segment,code,coder,start,end\n" +
		"A1,Barriers/Workload and time,alice,,\nA1,Barriers/Workload and time,bob,,\n" +
		"A2,Barriers/Workload and time,alice,0,12\nA2,,bob,,\n" +
		"A3,Barriers/Release and backfill,bob,,\nA3,Motivations/Career progression,alice,,\n" +
		"A4,Kirkpatrick/L1 Reaction,alice,,\nA4,Kirkpatrick/L2 Learning,bob,,\n"
	if _, err := s.ImportCodings("lead", "c.csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateSample("lead", coding.SampleSpec{Name: "icr", Size: "5", Seed: 1}); err != nil {
		t.Fatal(err)
	}
	return s
}

// smallTeamWithInterview is smallTeam with an interview last (G goes to
// it), for the document view.
func smallTeamWithInterview(t *testing.T) *coding.Store {
	s := smallTeam(t)
	interview, err := demo.Interview()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("lead", interview, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return s
}
