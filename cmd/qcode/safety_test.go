package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
)

// The attack's payloads: a screen clear, a window title, an OSC 52
// clipboard write, a C1 CSI, a bidi override and a bell.
const (
	escClear = "\x1b[2J\x1b[H"
	escTitle = "\x1b]0;pwned\x07"
	escClip  = "\x1b]52;c;SGVsbG8=\x07"
	escC1    = "\u009b2J"
	escBidi  = "\u202e"
)

// hostileProject is a project as an older qcode, a merge or a codings file
// could leave it: escape sequences in the project name, source name,
// segment IDs, case names, text, attribute names and values, code
// descriptions, coder names and memos. (Imports strip them now, so the
// source goes in through the store's API, as an old import did.)
func hostileProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "p.qcode")
	mustQcode(t, "init", p, "--codebook", "pq", "--name", "Study"+escTitle)
	src := &corpus.Source{Name: "old" + escTitle, File: "old.csv", Format: "csv", Hash: "h"}
	for i, text := range []string{
		"Career" + escClip + " progression and a pay rise" + escC1,
		"No backfill" + escClear + ", and Jane Smith said so" + escBidi,
		"Travel to the university\x07 took hours",
	} {
		src.Segments = append(src.Segments, corpus.Segment{
			ID:   []string{"R1" + escClear, "R2", "R3"}[i],
			Case: []string{"Jane" + escClip + " Smith", "P2", "P3"}[i],
			Text: text,
			Attributes: []corpus.Attribute{
				{Name: "role" + escBidi, Value: "Social" + escTitle + " worker"},
				{Name: "role", Value: []string{"Lead" + escClear, "PQ lead", "Social worker"}[i]},
			},
		})
	}
	s, err := coding.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ImportSource("alice", src, coding.ImportOptions{Attributes: []coding.Attribute{{Name: "method", Value: "survey" + escC1}}})
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	mustQcode(t, "-p", p, "codebook", "edit", "Barriers", "--description", "What gets in the way"+escClip)
	csv := "segment,code,coder,start,end,starred,memo\n" +
		"R1" + escClear + ",Motivations/Career progression,alice,,,true,memo" + escClip + "\n" +
		"R1" + escClear + ",Motivations/Career progression,bob,,,,\n" +
		"R2,Barriers/Release and backfill,alice,,,,\n" +
		"R2,Kirkpatrick/L1 Reaction,alice,,,,\n" +
		"R3,Barriers/Travel and distance,bob,,,true,\n" +
		"R3,,alice,,,,\n"
	file := filepath.Join(dir, "codings.csv")
	write(t, file, csv)
	mustQcode(t, "-p", p, "codings", "import", file)
	mustQcode(t, "-p", p, "--coder", "lead", "sample", "s", "--size", "3", "--seed", "1")
	return p
}

// unsafe names the first control character in out, if any.
func unsafeIn(out string) (string, bool) {
	i, r, found := printable.Find(out)
	if !found {
		return "", false
	}
	return strings.ToValidUTF8(out[max(0, i-30):min(len(out), i+30)], "?") + " (" + string(rune(r)) + ")", true
}

// Nothing from a project reaches a terminal or a report as a control
// character: every command's stdout and stderr, in every format.
func TestNoControlsReachOutput(t *testing.T) {
	p := hostileProject(t)
	out := filepath.Join(t.TempDir(), "report.md")
	runs := [][]string{
		{"info"}, {"info", "--format", "json"},
		{"log"}, {"log", "--format", "md"}, {"log", "--all"}, {"log", "--all", "--format", "csv"},
		{"attributes"}, {"attributes", "--format", "md"}, {"attributes", "--format", "csv"}, {"attributes", "--format", "json"},
		{"codebook"}, {"codebook", "--format", "md"}, {"codebook", "--format", "csv"}, {"codebook", "--format", "json"},
		{"codebook", "export"}, {"codebook", "export", "--format", "json"},
		{"codings", "export"}, {"codings", "export", "--format", "json"},
		{"report", "--by", "role", "--examples"}, {"report", "--by", "role", "--examples", "--format", "md"},
		{"report", "--by", "role", "--examples", "--format", "csv"}, {"report", "--by", "role", "--examples", "--format", "json"},
		{"report", "--by", "role" + escBidi},
		{"quotes", "--no-redact"}, {"quotes"}, {"quotes", "--show-ids", "--format", "csv"}, {"quotes", "--show-ids", "--format", "json"},
		{"quotes", "--attribution", "{role" + escBidi + "}, {method}", "--no-redact"},
		{"export", "--format", "md", "-", "--by", "role", "--show-ids", "--no-redact"},
		{"export", "--format", "md", out, "--by", "role"},
		{"agree"}, {"agree", "--format", "md"}, {"agree", "--format", "json"},
		{"disagreements"}, {"disagreements", "--format", "md"}, {"disagreements", "--format", "csv"},
		{"sample"}, {"sample", "--format", "md"}, {"sample", "s"}, {"sample", "s", "--format", "csv"},
		{"agree", "--sample", "s", "--format", "md"}, {"disagreements", "--sample", "s"},
	}
	for _, format := range listFormats {
		runs = append(runs, []string{"segments", "--format", format})
	}
	for _, args := range runs {
		stdout, stderr, code := qcode(t, append([]string{"-p", p}, args...)...)
		if code != 0 {
			t.Errorf("qcode %q: exit %d: %s", args, code, stderr)
		}
		if bad, found := unsafeIn(stdout); found {
			t.Errorf("qcode %q prints a control on stdout: %q", args, bad)
		}
		if bad, found := unsafeIn(stderr); found {
			t.Errorf("qcode %q prints a control on stderr: %q", args, bad)
		}
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bad, found := unsafeIn(string(doc)); found {
		t.Errorf("export file holds a control: %q", bad)
	}

	// Shown escaped, so the researcher sees what the data hold.
	if got := mustQcode(t, "-p", p, "segments", "--format", "csv"); !strings.Contains(got, "Career␛]52;c;SGVsbG8=␇ progression") {
		t.Errorf("segments csv does not show the sequence escaped:\n%s", got)
	}
	// JSON keeps the data exactly, escaped.
	if got := mustQcode(t, "-p", p, "segments", "--format", "json"); !strings.Contains(got, `progression and a pay rise\u009b2J`) ||
		!strings.Contains(got, `Career\u001b]52;c;SGVsbG8=\u0007 progression`) {
		t.Errorf("segments json does not escape the controls:\n%s", got)
	}

	// Errors and notes that quote the project.
	for _, args := range [][]string{
		{"segments", "--source", "old" + escTitle + "x"},
		{"report", "--by", "ro" + escClear + "le"},
		{"quotes", "--code", "Barriers" + escClip},
		{"codebook", "rename", "Barriers", "Barr" + escClear + "iers"},
		{"codebook", "add", "New" + escC1},
		{"settle", "R1" + escClear, "Motivations", "--take", "zed" + escTitle},
	} {
		_, stderr, code := qcode(t, append([]string{"-p", p}, args...)...)
		if code == 0 {
			t.Errorf("qcode %q succeeded", args)
		}
		if bad, found := unsafeIn(stderr); found {
			t.Errorf("qcode %q: the error prints a control: %q", args, bad)
		}
	}
	if _, stderr, _ := qcode(t, "-p", p, "undo"); strings.ContainsAny(stderr, "\x1b\x07") {
		t.Errorf("undo's note prints a control: %q", stderr)
	}
}
