package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestCooccurGolden pins `qcode cooccur` in every format on the reports
// fixture, and reads the JSON back in the shape.
func TestCooccurGolden(t *testing.T) {
	p := reportProject(t)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"cooccur.txt", []string{"cooccur"}},
		{"cooccur-case-leaves.md", []string{"cooccur", "--unit", "case", "--leaves", "--format", "md"}},
		{"cooccur-benefits.csv", []string{"cooccur", "--codes", "Benefits", "--format", "csv"}},
		{"cooccur-consensus-where.json", []string{"cooccur", "--coder", "consensus", "--where", "ROLE=Social worker", "--format", "json"}},
	} {
		out, _ := mustQcodeErr(t, append([]string{"-p", p}, c.args...)...)
		golden(t, c.name, out)
	}
	out, _ := mustQcodeErr(t, "-p", p, "cooccur", "--format", "json")
	var got struct {
		Unit  *string `json:"unit"`
		Pairs []struct {
			A        *string  `json:"a"`
			B        *string  `json:"b"`
			Segments *int     `json:"segments"`
			Jaccard  *float64 `json:"jaccard"`
		} `json:"pairs"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Unit == nil || *got.Unit != "segment" || len(got.Pairs) == 0 {
		t.Fatalf("shape: %s", out)
	}
	// R080 carries Confidence and L3 Behaviour, and no other segment
	// carries either: 1 shared, Jaccard 1 ÷ (1 + 1 − 1).
	found := false
	for _, p := range got.Pairs {
		if p.A == nil || p.B == nil || p.Segments == nil || p.Jaccard == nil {
			t.Fatalf("a pair without a, b, segments or jaccard: %s", out)
		}
		if *p.A == "Benefits/For the practitioner/Confidence" && *p.B == "Kirkpatrick/L3 Behaviour" {
			found = true
			// Confidence: R080, focus-group-01#2; L3: R080, interview-lead-01#4.
			if *p.Segments != 1 || *p.Jaccard != 1.0/3 {
				t.Errorf("Confidence × L3: %d, %v", *p.Segments, *p.Jaccard)
			}
		}
	}
	if !found {
		t.Errorf("no Confidence × L3 pair: %s", out)
	}
}

// TestCooccurUsage refuses what cannot be counted, before opening the
// project.
func TestCooccurUsage(t *testing.T) {
	p := reportProject(t)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"cooccur", "--unit", "answer"}, 2, "--unit answer: use segment or case"},
		{[]string{"cooccur", "--where", "uncoded=yes"}, 2, "uncoded takes no value"},
		{[]string{"cooccur", "--format", "xlsx"}, 2, "--format xlsx"},
		{[]string{"cooccur", "--codes", "Nope"}, 1, `no code "Nope"`},
		{[]string{"cooccur", "--coder", "zed"}, 1, `no coder "zed"`},
	} {
		_, errs, code := qcode(t, append([]string{"-p", p}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d, %q; want %d, %q", c.args, code, errs, c.code, c.msg)
		}
	}
}

// TestMatrixGolden pins `qcode matrix` in every text format, and the XLSX
// read back: the same cells as the CSV, a header row, column A frozen.
func TestMatrixGolden(t *testing.T) {
	p := reportProject(t)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"matrix-role.txt", []string{"matrix", "--cols", "role", "--codes", "Barriers"}},
		{"matrix-sources-cases.md", []string{"matrix", "--cols", "sources", "--count", "cases", "--format", "md"}},
		{"matrix-cases.csv", []string{"matrix", "--cols", "cases", "--codes", "Motivations", "--format", "csv"}},
		{"matrix-question-consensus.json", []string{"matrix", "--rows", "codes", "--cols", "question_id", "--coder", "consensus",
			"--codes", "Motivations", "--where", "method=survey", "--format", "json"}},
	} {
		out, _ := mustQcodeErr(t, append([]string{"-p", p}, c.args...)...)
		golden(t, c.name, out)
	}

	// The CSV's first column is the code path, one column per value.
	out := mustQcode(t, "-p", p, "matrix", "--cols", "role", "--format", "csv")
	want, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want[0][0] != "code" || want[1][0] != "Motivations" || want[2][0] != "Motivations/Career progression" ||
		!reflect.DeepEqual(want[0][1:], []string{"Learning lead", "Local authority adult care social worker", "PQ lead", "Practice educator", "Social worker"}) {
		t.Errorf("csv head %q, first rows %q %q", want[0], want[1][0], want[2][0])
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "m.xlsx")
	_, errs := mustQcodeErr(t, "-p", p, "matrix", "--cols", "role", "--format", "xlsx", "-o", path)
	if !strings.Contains(errs, "wrote "+path) {
		t.Errorf("stderr %q", errs)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"Matrix", "About"}) {
		t.Errorf("sheets %q", got)
	}
	rows, err := f.GetRows("Matrix")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("xlsx cells differ from the csv:\n%q\n%q", rows, want)
	}
	// Numbers are numbers, not text, so that Excel sums them.
	if typ, err := f.GetCellType("Matrix", "F2"); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("F2 type %v %v", typ, err)
	}
	panes, err := f.GetPanes("Matrix")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.XSplit != 1 || panes.YSplit != 1 || panes.TopLeftCell != "B2" {
		t.Errorf("panes %+v: want the header row and column A frozen", panes)
	}
	about, _ := f.GetRows("About")
	if len(about) < 5 || !strings.HasPrefix(about[0][0], "n = 14 participants, 23 segments") || about[3][0] != "column" {
		t.Errorf("about sheet %q", about)
	}
}

func TestMatrixUsage(t *testing.T) {
	p := reportProject(t)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"matrix"}, 2, "say what the columns are"},
		{[]string{"matrix", "--cols", "role", "--rows", "cases"}, 2, "--rows cases: rows are codes"},
		{[]string{"matrix", "--cols", "role", "--count", "codings"}, 2, "--count codings"},
		{[]string{"matrix", "--cols", "role", "--format", "pdf"}, 2, "--format pdf"},
		{[]string{"matrix", "--cols", "rôle"}, 1, `no attribute "rôle"`},
		{[]string{"matrix", "--cols", "role", "--where", "source=nowhere"}, 1, "nowhere"},
	} {
		_, errs, code := qcode(t, append([]string{"-p", p}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d, %q; want %d, %q", c.args, code, errs, c.code, c.msg)
		}
	}
}

// TestSegmentsInContext pins `qcode segments --context` in every format:
// a focus group's turns with the facilitator's prompts and headings, an
// interview, and a survey answer beside its respondent's other answers.
func TestSegmentsInContext(t *testing.T) {
	p := reportProject(t)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"context-barriers.txt", []string{"segments", "--code", "Barriers", "--context", "2"}},
		{"context-l3.md", []string{"segments", "--code", "Kirkpatrick/L3 Behaviour", "--context", "1", "--format", "md"}},
		{"context-focus-group.json", []string{"segments", "--source", "focus-group-01", "--context", "1", "--format", "json"}},
		{"context-benefits.csv", []string{"segments", "--code", "Benefits/For the practitioner", "--context", "1", "--format", "csv"}},
	} {
		out, _ := mustQcodeErr(t, append([]string{"-p", p}, c.args...)...)
		golden(t, c.name, out)
	}
	var segs []struct {
		ID      string `json:"id"`
		Context *struct {
			Prompt   *string `json:"prompt"`
			Question string  `json:"question"`
			Before   []struct {
				Kind, Speaker, Text string
			} `json:"before"`
			After []struct{ Kind string } `json:"after"`
		} `json:"context"`
	}
	out := mustQcode(t, "-p", p, "segments", "--source", "focus-group-01", "--context", "1", "--format", "json")
	if err := json.Unmarshal([]byte(out), &segs); err != nil {
		t.Fatal(err)
	}
	// The first answer: the facilitator's question before it.
	if len(segs) == 0 || segs[0].Context == nil || segs[0].Context.Prompt == nil || len(segs[0].Context.Before) == 0 ||
		segs[0].Context.Before[len(segs[0].Context.Before)-1].Kind != "prompt" {
		t.Errorf("first focus group answer: %s", out)
	}
	// Without --context, no context object.
	if out := mustQcode(t, "-p", p, "segments", "--source", "focus-group-01", "--format", "json"); strings.Contains(out, `"context"`) {
		t.Errorf("context without --context: %s", out)
	}
	if _, errs, code := qcode(t, "-p", p, "segments", "--context", "-1"); code != 2 || !strings.Contains(errs, "--context -1") {
		t.Errorf("--context -1: %d %s", code, errs)
	}
}

// TestSuggestCLI pins `qcode suggest` (JSON in the shape, and the
// table), runs it twice for the same answer, and refuses what it cannot
// do.
func TestSuggestCLI(t *testing.T) {
	p := reportProject(t)
	out, errs := mustQcodeErr(t, "-p", p, "--coder", "alice", "suggest", "--top", "2", "--where", "method=survey", "--format", "json")
	golden(t, "suggest-alice.json", out)
	// alice's 29 rows of codings.csv: 29 codes on 21 segments.
	if !strings.Contains(errs, "learnt from the 29 codes alice gave 21 segments (and the codebook's descriptions)") {
		t.Errorf("stderr %q", errs)
	}
	if again := mustQcode(t, "-p", p, "--coder", "alice", "suggest", "--top", "2", "--where", "method=survey", "--format", "json"); again != out {
		t.Errorf("two runs differ")
	}
	var list []struct {
		Segment     *string `json:"segment"`
		Suggestions []struct {
			Code    *string  `json:"code"`
			Score   *float64 `json:"score"`
			Because []string `json:"because"`
		} `json:"suggestions"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatalf("no segments: %s", out)
	}
	for _, ss := range list {
		if ss.Segment == nil || len(ss.Suggestions) == 0 || len(ss.Suggestions) > 2 {
			t.Fatalf("shape: %s", out)
		}
		for _, sg := range ss.Suggestions {
			if sg.Code == nil || sg.Score == nil || *sg.Score <= 0 || *sg.Score >= 1 || sg.Because == nil {
				t.Fatalf("suggestion shape: %s", out)
			}
		}
	}
	dir := t.TempDir()
	list2 := filepath.Join(dir, "todo.txt")
	os.WriteFile(list2, []byte("R086\nfocus-group-01#3\n"), 0o600)
	out = mustQcode(t, "-p", p, "--coder", "bob", "suggest", "--segments", list2)
	golden(t, "suggest-bob.txt", out)

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"suggest", "--top", "0"}, 2, "--top 0"},
		{[]string{"suggest", "--uncoded", "--segments", list2}, 2, "give one"},
		{[]string{"--coder", "consensus", "suggest"}, 1, "consensus is derived"},
		{[]string{"suggest", "--segments", list2, "--where", "role=x"}, 2, "--where selects"},
	} {
		_, errs, code := qcode(t, append([]string{"-p", p}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d, %q; want %d, %q", c.args, code, errs, c.code, c.msg)
		}
	}
}
