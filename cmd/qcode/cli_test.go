package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qcode/coding"
)

var update = flag.Bool("update", false, "rewrite golden files")

// qcode runs the command line in-process and returns stdout, stderr and the
// exit status.
func qcode(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	t.Setenv("QCODE_CODER", "alice")
	code := run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func mustQcode(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := qcode(t, args...)
	if code != 0 {
		t.Fatalf("qcode %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// mustQcodeErr is mustQcode that also returns stderr (notes, warnings).
func mustQcodeErr(t *testing.T, args ...string) (string, string) {
	t.Helper()
	out, errs, code := qcode(t, args...)
	if code != 0 {
		t.Fatalf("qcode %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out, errs
}

// golden compares got with testdata/NAME.golden (go test ./... -update
// rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/qcode -update creates it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from its golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// project makes a project with a small survey and returns its path and dir.
func project(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "p.qcode")
	mustQcode(t, "init", p, "--codebook", "pq")
	csv := "id,respondent,role,answer\n" +
		"A1,P1,Social worker,\"Career progression, and a pay rise\"\n" +
		"A2,P1,Social worker,No backfill and no time\n" +
		"A3,P2,PQ lead,Travel to the university took hours\n" +
		"A4,P3,Team manager,\n"
	write(t, filepath.Join(dir, "survey.csv"), csv)
	mustQcode(t, "-p", p, "import", filepath.Join(dir, "survey.csv"), "--text-col", "answer", "--id-col", "id", "--case-col", "respondent", "--attr", "method=survey")
	return p, dir
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot is what a user sees of the project: info and every segment.
func snapshot(t *testing.T, p string) string {
	return mustQcode(t, "-p", p, "info", "--format", "json") + mustQcode(t, "-p", p, "segments", "--format", "json")
}

func TestBadInputChangesNothing(t *testing.T) {
	p, dir := project(t)
	before := snapshot(t, p)
	xlsx, _ := filepath.Abs(filepath.Join("..", "..", "corpus", "testdata", "answers.xlsx"))
	cases := []struct {
		name, file, data string
		args             []string
		want             string // the message, after "qcode: "
	}{
		{"unterminated quote", "quote.csv", "id,answer\nA1,\"never closed\nA2,fine\n", []string{"--text-col", "answer"}, "quote.csv: line 2: "},
		{"ragged row", "ragged.csv", "id,answer,role\nA1,hello,x\nA2,world\n", []string{"--text-col", "answer"}, "ragged.csv: line 3: "},
		{"binary file", "binary.csv", "id,answer\x00\x01\x02\x00\xff\xfe\x00", []string{"--text-col", "answer"}, "binary.csv: "},
		{"empty file", "empty.csv", "", []string{"--text-col", "answer"}, "empty.csv: "},
		{"unknown text column", "cols.csv", "id,answer\nA1,hello\n", []string{"--text-col", "respons"}, `cols.csv: no column "respons"`},
		{"docx not a zip", "notes.docx", "this is not a zip", nil, "notes.docx: not a DOCX file"},
		{"missing sheet", "", "", []string{"--sheet", "Nope", "--text-col", "answer"}, `answers.xlsx: sheet "Nope"`},
	}
	for _, c := range cases {
		file := xlsx
		if c.file != "" {
			file = filepath.Join(dir, c.file)
			write(t, file, c.data)
		}
		_, errs, code := qcode(t, append([]string{"-p", p, "import", file}, c.args...)...)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1 (%s)", c.name, code, errs)
		}
		if !strings.HasPrefix(errs, "qcode: "+c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%s: stderr %q, want one line starting %q", c.name, errs, "qcode: "+c.want)
		}
		if after := snapshot(t, p); after != before {
			t.Errorf("%s: the project changed", c.name)
		}
	}
	// Re-importing the same file is refused, and changes nothing.
	_, errs, code := qcode(t, "-p", p, "import", filepath.Join(dir, "survey.csv"), "--text-col", "answer", "--id-col", "id")
	if code != 1 || !strings.Contains(errs, "already imported") {
		t.Errorf("re-import: exit %d %q", code, errs)
	}
	if after := snapshot(t, p); after != before {
		t.Errorf("a refused re-import changed the project")
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	p, _ := project(t)
	for _, args := range [][]string{
		{"-p", p, "info", "--format", "xml"},
		{"-p", p, "info", "--bogus"},
		{"-p", p, "import"},
		{"-p", p, "codebook", "rename", "Barriers"},
		{"-p", p, "nosuchcommand"},
		{"-p", p, "import", "x.csv", "--text-col", "a", "--text-cols", "b"},
	} {
		_, errs, code := qcode(t, args...)
		if code != 2 || !strings.HasPrefix(errs, "qcode: ") {
			t.Errorf("%v: exit %d, stderr %q; want 2", args, code, errs)
		}
	}
	_, errs, code := qcode(t, "-p", filepath.Join(t.TempDir(), "none.qcode"), "info")
	if code != 1 || !strings.Contains(errs, "no project at") || !strings.Contains(errs, "qcode demo") {
		t.Errorf("missing project: exit %d %q", code, errs)
	}
}

func TestSegmentsJSONAndCodings(t *testing.T) {
	p, dir := project(t)
	codings := "segment,code,coder,start,end,starred,memo\n" +
		"A1,Motivations/Career progression,alice,,,true,promotion\n" +
		"A1,Motivations/Salary and reward,bob,24,34,false,\n" +
		"A2,Barriers/Release and backfill,alice,,,,\n" +
		"A3,Barriers/Travel and distance,bob,,,,\n" +
		"A3,Barriers/Rural isolation,bob,,,,\n"
	write(t, filepath.Join(dir, "codings.csv"), codings)
	_, errs, code := qcode(t, "-p", p, "codings", "import", filepath.Join(dir, "codings.csv"))
	if code != 0 || !strings.Contains(errs, "warning: new code Barriers/Rural isolation") {
		t.Errorf("codings import: exit %d, stderr %q", code, errs)
	}
	golden(t, "segments.json", mustQcode(t, "-p", p, "segments", "--format", "json"))
	golden(t, "segments-barriers.md", mustQcode(t, "-p", p, "segments", "--code", "Barriers", "--format", "md"))
	golden(t, "info.json", mustQcode(t, "-p", p, "info", "--format", "json"))
	export := mustQcode(t, "-p", p, "codings", "export")
	if export != strings.ReplaceAll(codings, ",,,,\n", ",,,false,\n") {
		t.Errorf("export does not round-trip the import:\n%s", export)
	}
	if got := mustQcode(t, "-p", p, "segments", "--uncoded", "--format", "csv"); got != "id,source,case,codes,text\n" {
		t.Errorf("every answer is coded (the empty A4 made no segment): %q", got)
	}
	if got := mustQcode(t, "--coder", "bob", "-p", p, "segments", "--uncoded", "--format", "csv"); !strings.Contains(got, "A2,survey,P1,") {
		t.Errorf("A2 is uncoded by bob: %q", got)
	}
	// A bad row fails the whole file, naming its line.
	write(t, filepath.Join(dir, "bad.csv"), "segment,code,coder\nA1,Barriers,alice\nA9,Barriers,alice\n")
	before := snapshot(t, p)
	_, errs, code = qcode(t, "-p", p, "codings", "import", filepath.Join(dir, "bad.csv"))
	if code != 1 || errs != "qcode: bad.csv: line 3: unknown segment \"A9\"\n" {
		t.Errorf("bad codings: exit %d %q", code, errs)
	}
	if snapshot(t, p) != before {
		t.Errorf("a failed codings import changed the project")
	}
}

func TestCodebookCommandsAndUndo(t *testing.T) {
	p, dir := project(t)
	write(t, filepath.Join(dir, "c.csv"), "segment,code,coder\nA2,Barriers/Workload and time,alice\nA3,Barriers/Travel and distance,alice\n")
	mustQcode(t, "-p", p, "codings", "import", filepath.Join(dir, "c.csv"))
	before := snapshot(t, p)
	mustQcode(t, "-p", p, "codebook", "rename", "Barriers/Workload and time", "Caseload")
	mustQcode(t, "-p", p, "codebook", "move", "Barriers/Caseload", "/")
	mustQcode(t, "-p", p, "codebook", "merge", "Barriers/Travel and distance", "Caseload")
	if got := mustQcode(t, "-p", p, "segments", "--code", "Caseload", "--format", "csv"); strings.Count(got, "\n") != 3 {
		t.Errorf("after rename, move, merge both codings are under Caseload:\n%s", got)
	}
	_, errs, code := qcode(t, "-p", p, "codebook", "delete", "Caseload")
	if code != 1 || !strings.Contains(errs, "delete Caseload (1 code, 2 codings on 2 segments)? run again with --yes") {
		t.Errorf("delete without --yes: exit %d %q", code, errs)
	}
	mustQcode(t, "-p", p, "codebook", "delete", "Caseload", "--yes")
	if got := mustQcode(t, "-p", p, "info", "--format", "json"); !strings.Contains(got, `"codings": 0`) {
		t.Errorf("delete left codings: %s", got)
	}
	for i := 0; i < 4; i++ {
		mustQcode(t, "-p", p, "undo")
	}
	if got := snapshot(t, p); got != before {
		t.Errorf("four undos did not restore the project:\n%s\nwant\n%s", got, before)
	}
	_, errs, _ = qcode(t, "-p", p, "redo")
	if !strings.Contains(errs, "redone: rename Barriers/Workload and time to Caseload") {
		t.Errorf("redo: %q", errs)
	}
	out := mustQcode(t, "-p", p, "codebook", "export", "--format", "json")
	if !strings.Contains(out, `"name": "Caseload"`) {
		t.Errorf("codebook export after redo lacks the renamed code")
	}
	// A codebook file round-trips through init.
	write(t, filepath.Join(dir, "cb.json"), out)
	q := filepath.Join(dir, "q.qcode")
	mustQcode(t, "init", q, "--codebook", filepath.Join(dir, "cb.json"))
	if got := mustQcode(t, "-p", q, "codebook", "export", "--format", "json"); got != out {
		t.Errorf("codebook did not survive export → init → export")
	}
}

func TestSecondProcessIsRefused(t *testing.T) {
	// An open project in this process holds the lock as another qcode would.
	p, _ := project(t)
	s, err := coding.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, errs, code := qcode(t, "-p", p, "info")
	if code != 1 || !strings.Contains(errs, "project is open in another qcode (pid") {
		t.Errorf("second open: exit %d %q", code, errs)
	}
}

// An import or merge that creates many codes names the first twenty and
// counts the rest, rather than printing a line per code.
func TestManyNewCodesSummarised(t *testing.T) {
	p, dir := project(t)
	cp := filepath.Join(dir, "copy.qcode")
	b, _ := os.ReadFile(p)
	write(t, cp, string(b))
	var csv strings.Builder
	csv.WriteString("segment,code,coder\n")
	for i := 0; i < 45; i++ {
		fmt.Fprintf(&csv, "A%d,Emergent/Code %02d,alice\n", i%3+1, i)
	}
	write(t, filepath.Join(dir, "emergent.csv"), csv.String())
	_, errs := mustQcodeErr(t, "-p", cp, "codings", "import", filepath.Join(dir, "emergent.csv"))
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 22 || lines[0] != "warning: new code Emergent (not in the codebook before)" ||
		lines[19] != "warning: new code Emergent/Code 18 (not in the codebook before)" ||
		lines[20] != "warning: … and 26 more new codes (qcode codebook export lists every code)" {
		t.Errorf("codings import creating 46 codes said:\n%s", errs)
	}
	_, errs = mustQcodeErr(t, "-p", p, "--coder", "lead", "merge", cp)
	if n := strings.Count(errs, "  new code "); n != 20 || !strings.Contains(errs, "\n  … and 26 more new codes (") {
		t.Errorf("merge creating 46 codes listed %d:\n%s", n, errs)
	}
}
