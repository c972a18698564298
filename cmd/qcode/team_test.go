package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// teamFixture is a six-answer survey coded by alice and bob (and a
// consensus decision that agree must leave out).
func teamFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	project := filepath.Join(dir, "team.qcode")
	answers := filepath.Join(dir, "answers.csv")
	codings := filepath.Join(dir, "codings.csv")
	os.WriteFile(answers, []byte(`id,respondent,answer
A1,P1,The course gave me confidence in court
A2,P1,Workload made study hard and there was no backfill
A3,P2,Travel to the university took hours
A4,P2,My manager supported release
A5,P3,I got a pay rise and a new role
A6,P3,Nothing to add
`), 0o600)
	os.WriteFile(codings, []byte(`segment,code,coder,start,end
A1,Benefits/For the practitioner/Confidence,alice,,
A1,Benefits/For the practitioner/Confidence,bob,,
A1,Kirkpatrick/L2 Learning,alice,,
A1,Kirkpatrick/L3 Behaviour,bob,,
A2,Barriers/Workload and time,alice,0,8
A2,Barriers/Workload and time,bob,,
A2,Barriers/Release and backfill,alice,,
A3,Barriers/Travel and distance,alice,,
A3,Barriers/Travel and distance,bob,,
A4,Barriers/Manager support and supervision,bob,,
A5,Motivations/Salary and reward,alice,,
A5,Motivations/Salary and reward,bob,,
A5,Motivations/Career progression,bob,,
A6,Motivations/Salary and reward,consensus,,
`), 0o600)
	mustQcode(t, "init", project, "--codebook", "pq")
	mustQcode(t, "-p", project, "--coder", "lead", "import", answers, "--text-col", "answer", "--id-col", "id", "--case-col", "respondent")
	mustQcode(t, "-p", project, "--coder", "lead", "codings", "import", codings)
	return project
}

func TestAgreeJSONGolden(t *testing.T) {
	project := teamFixture(t)
	got := mustQcode(t, "-p", project, "agree", "--format", "json", "--codes", "Barriers")
	golden := filepath.Join("testdata", "agree.golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/qcode -run TestAgreeJSONGolden -update)", err)
	}
	if got != string(want) {
		t.Errorf("agree JSON differs from %s (rerun with -update if intended):\n%s", golden, got)
	}
	if strings.Contains(got, "NaN") {
		t.Error("NaN in JSON")
	}
	var shape struct {
		Coders    []string         `json:"coders"`
		Units     int              `json:"units"`
		UnitScope string           `json:"unit_scope"`
		Codes     []map[string]any `json:"codes"`
		Overall   map[string]any   `json:"overall"`
	}
	if err := json.Unmarshal([]byte(got), &shape); err != nil {
		t.Fatal(err)
	}
	// The units are the segments both reviewed: A1, A2, A3, A5 (alice
	// never coded A4, and only consensus A6).
	if strings.Join(shape.Coders, ",") != "alice,bob" || shape.Units != 4 || shape.UnitScope != "reviewed" || len(shape.Codes) != 11 {
		t.Errorf("shape %+v", shape)
	}
	for _, key := range []string{"path", "percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "units", "used"} {
		if _, ok := shape.Codes[0][key]; !ok {
			t.Errorf("codes[0] lacks %q", key)
		}
	}
	for _, key := range []string{"percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "pairs", "used"} {
		if _, ok := shape.Overall[key]; !ok {
			t.Errorf("overall lacks %q", key)
		}
	}
}

func TestAgreeTable(t *testing.T) {
	project := teamFixture(t)
	out := mustQcode(t, "-p", project, "agree", "--units", "coded", "--codes", "Barriers")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "alice vs bob: 5 units (segments some compared coder coded); reviewed by alice 4, bob 5; coded by alice 4, bob 5" {
		t.Errorf("preamble %q", lines[0])
	}
	if !strings.HasPrefix(lines[len(lines)-1], "n: units") {
		t.Errorf("no legend for n and used: %q", lines[len(lines)-1])
	}
	for units, want := range map[string]string{
		"":    "alice vs bob: 4 units (segments alice and bob both reviewed); reviewed by alice 4, bob 4; coded by alice 4, bob 4",
		"all": "alice vs bob: 6 units (all segments); reviewed by alice 4, bob 5; coded by alice 4, bob 5",
	} {
		args := []string{"-p", project, "agree"}
		if units != "" {
			args = append(args, "--units", units)
		}
		if first, _, _ := strings.Cut(mustQcode(t, args...), "\n"); first != want {
			t.Errorf("--units %q: %q", units, first)
		}
	}
	md := mustQcode(t, "-p", project, "agree", "--format", "md", "--codes", "Barriers/Travel and distance")
	if !strings.Contains(md, "| code | n | used | agree % | Cohen κ |") || !strings.Contains(md, "| Barriers/Travel and distance | 4 | 1 | 100.0 |") {
		t.Errorf("md:\n%s", md)
	}
	if !strings.Contains(lines[1], "strength") || !strings.Contains(out, "–") || !strings.Contains(out, "overall (leaf codes pooled)") {
		t.Errorf("table:\n%s", out)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "Barriers/Travel and distance") && !strings.Contains(l, "almost perfect") {
			t.Errorf("travel row %q", l)
		}
		if strings.HasPrefix(l, "Barriers/Funding") && strings.Count(l, "–") != 4 {
			t.Errorf("unused code row %q", l)
		}
	}
	csv := mustQcode(t, "-p", project, "agree", "--format", "csv", "--codes", "Barriers/Travel and distance")
	if !strings.HasPrefix(csv, "code,n,used,agree %,Cohen κ,Fleiss κ,α,strength,differ\nBarriers/Travel and distance,4,1,100.0,1.000,") {
		t.Errorf("csv:\n%s", csv)
	}
	// Three coders: no Cohen kappa.
	out = mustQcode(t, "-p", project, "agree", "--coders", "alice,bob,consensus", "--format", "json")
	if !strings.Contains(out, `"cohen_kappa": null`) || strings.Contains(out, `"cohen_kappa": 0`) {
		t.Errorf("three coders:\n%s", out)
	}
	for _, args := range [][]string{{"--units", "some"}, {"--format", "xml"}, {"--sample", "x", "--units", "all"}} {
		if _, _, code := qcode(t, append([]string{"-p", project, "agree"}, args...)...); code != 2 {
			t.Errorf("agree %v: exit %d, want 2", args, code)
		}
	}
	if _, errs, code := qcode(t, "-p", project, "agree", "--coders", "alice"); code != 1 || strings.Count(errs, "\n") != 1 {
		t.Errorf("one coder: exit %d, %q", code, errs)
	}
}

func TestDisagreementsAndSettle(t *testing.T) {
	project := teamFixture(t)
	// alice never reviewed A4: bob's code there is not a disagreement.
	out, errs, code := qcode(t, "-p", project, "disagreements")
	if code != 0 || errs != "settled 0 of 3 (4 units: segments alice and bob both reviewed)\n" || strings.Contains(out, "A4") {
		t.Fatalf("exit %d, %s\n%s", code, errs, out)
	}
	// Once she marks it "reviewed, nothing applies", it is.
	marks := filepath.Join(filepath.Dir(project), "marks.csv")
	os.WriteFile(marks, []byte("segment,code,coder\nA4,,alice\n"), 0o600)
	if _, errs, _ := qcode(t, "-p", project, "codings", "import", marks); !strings.Contains(errs, "1 review mark added") {
		t.Errorf("mark import: %s", errs)
	}
	out, errs, code = qcode(t, "-p", project, "disagreements")
	if code != 0 || !strings.Contains(errs, "settled 0 of 4 (5 units") {
		t.Fatalf("exit %d, %s", code, errs)
	}
	// A1 Kirkpatrick (levels differ), A2 release, A4 manager, A5 career; the
	// A2 workload span is not a disagreement.
	for _, want := range []string{"A1       Kirkpatrick", "L2 Learning", "L3 Behaviour", "A2       Barriers/Release and backfill", "A4", "A5"} {
		if !strings.Contains(out, want) {
			t.Errorf("disagreements lack %q:\n%s", want, out)
		}
	}
	mustQcode(t, "-p", project, "--coder", "lead", "settle", "A1", "Kirkpatrick/L3 Behaviour", "--take", "bob")
	mustQcode(t, "-p", project, "--coder", "lead", "settle", "A4", "Barriers/Manager support and supervision", "--none")
	mustQcode(t, "-p", project, "--coder", "lead", "settle", "A2", "Barriers/Release and backfill", "--set", "Barriers/Release and backfill@0-8")
	var list struct {
		Total, Settled int
		Items          []struct {
			Segment, Code string
			Settled       bool
			Consensus     []struct {
				Path  string
				Start *int
				Memo  string
			}
		}
	}
	js := mustQcode(t, "-p", project, "disagreements", "--format", "json")
	if err := json.Unmarshal([]byte(js), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 4 || list.Settled != 3 {
		t.Errorf("settled %d of %d", list.Settled, list.Total)
	}
	a2 := list.Items[1]
	if a2.Segment != "A2" || len(a2.Consensus) != 1 || *a2.Consensus[0].Start != 0 || !strings.Contains(a2.Consensus[0].Memo, "Settled by lead") {
		t.Errorf("A2 %+v", a2)
	}
	out = mustQcode(t, "-p", project, "disagreements", "--unsettled", "--format", "csv")
	if strings.Count(strings.TrimSpace(out), "\n") != 1 || !strings.Contains(out, "A5,Motivations/Career progression,–,✓,,") {
		t.Errorf("unsettled:\n%s", out)
	}
	if _, errs, _ := qcode(t, "-p", project, "--coder", "lead", "undo"); !strings.Contains(errs, "settle Barriers/Release and backfill on A2") {
		t.Errorf("undo: %s", errs)
	}
	for _, args := range [][]string{
		{"settle", "A1", "Kirkpatrick"},
		{"settle", "A1", "Kirkpatrick", "--none", "--union"},
		{"settle", "A1"},
	} {
		if _, _, code := qcode(t, append([]string{"-p", project}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	// The pq template's Kirkpatrick is a plain group: the union of two
	// levels is a decision like any other.
	if _, errs, code := qcode(t, "-p", project, "--coder", "lead", "settle", "A1", "Kirkpatrick", "--union"); code != 0 {
		t.Errorf("union of levels of a plain group: %d %s", code, errs)
	}
	// Made exclusive, a passage takes one level, consensus's too.
	mustQcodeErr(t, "-p", project, "codebook", "edit", "Kirkpatrick", "--exclusive")
	if out := mustQcode(t, "-p", project, "codebook"); !strings.Contains(out, "Kirkpatrick (exclusive levels: one per passage)") {
		t.Errorf("codebook listing:\n%s", out)
	}
	if _, errs, code := qcode(t, "-p", project, "--coder", "lead", "settle", "A1", "Kirkpatrick", "--union"); code != 1 || !strings.Contains(errs, "Kirkpatrick is exclusive (one level per passage)") {
		t.Errorf("union of levels of an exclusive group: %d %s", code, errs)
	}
}

func TestMergeCommand(t *testing.T) {
	project := teamFixture(t)
	dir := filepath.Dir(project)
	cp := filepath.Join(dir, "carol.qcode")
	b, _ := os.ReadFile(project)
	os.WriteFile(cp, b, 0o600)
	codings := filepath.Join(dir, "carol.csv")
	os.WriteFile(codings, []byte("segment,code,coder\nA3,Barriers/Travel and distance,carol\nA6,Barriers/Childcare,carol\nA2,Barriers/Workload and time,alice\n"), 0o600)
	mustQcode(t, "-p", cp, "--coder", "carol", "codings", "import", codings)

	_, errs, code := qcode(t, "-p", project, "--coder", "lead", "merge", cp)
	if code != 1 || !strings.Contains(errs, "conflict: coder alice differs on A2") || !strings.Contains(errs, "qcode: merge refused, nothing changed") {
		t.Fatalf("conflict: exit %d\n%s", code, errs)
	}
	_, errs, code = qcode(t, "-p", project, "--coder", "lead", "merge", cp, "--prefer", "here")
	if code != 0 || !strings.Contains(errs, "2 codings added (carol 2)") || !strings.Contains(errs, "new code Barriers/Childcare") ||
		!strings.Contains(errs, "kept this project's codings: coder alice differs on A2") {
		t.Errorf("prefer here: exit %d\n%s", code, errs)
	}
	if _, errs, _ = qcode(t, "-p", project, "merge", cp, "--prefer", "here"); !strings.Contains(errs, "nothing new to merge") {
		t.Errorf("second merge: %s", errs)
	}
	junk := filepath.Join(dir, "notes.txt")
	os.WriteFile(junk, []byte("hello"), 0o600)
	if _, errs, code := qcode(t, "-p", project, "merge", junk); code != 1 || errs != "qcode: "+junk+": not a qcode project (not a bbolt database)\n" {
		t.Errorf("junk: exit %d %q", code, errs)
	}
	for _, args := range [][]string{{"merge"}, {"merge", cp, "--prefer", "mine"}, {"merge", cp, "--rename", "alice"}} {
		if _, _, code := qcode(t, append([]string{"-p", project}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestSampleCommand(t *testing.T) {
	project := teamFixture(t)
	dir := filepath.Dir(project)
	if _, errs, _ := qcode(t, "-p", project, "sample"); !strings.Contains(errs, "no samples yet") {
		t.Errorf("no samples: %q", errs)
	}
	_, errs, code := qcode(t, "-p", project, "--coder", "lead", "sample", "icr", "--size", "50%", "--seed", "7")
	if code != 0 || !strings.HasPrefix(errs, "made sample icr: 3 segments (answers 3; size 50%, seed 7)") {
		t.Fatalf("make: %d %q", code, errs)
	}
	ids := mustQcode(t, "-p", project, "sample", "icr", "--format", "csv")
	again := filepath.Join(dir, "again.qcode")
	b, _ := os.ReadFile(project)
	os.WriteFile(again, b, 0o600)
	mustQcode(t, "-p", again, "--coder", "lead", "sample", "icr", "--size", "50%", "--seed", "7", "--replace")
	if got := mustQcode(t, "-p", again, "sample", "icr", "--format", "csv"); got != ids {
		t.Errorf("the same seed drew\n%s\nthen\n%s", ids, got)
	}

	// A listed sample from the first sample's CSV; agree on it.
	list := filepath.Join(dir, "ids.csv")
	os.WriteFile(list, []byte(ids), 0o600)
	if _, errs, code := qcode(t, "-p", project, "--coder", "lead", "sample", "pilot", "--segments", list); code != 0 || !strings.Contains(errs, "listed in ids.csv") {
		t.Errorf("listed: %d %q", code, errs)
	}
	out := mustQcode(t, "-p", project, "sample")
	if !strings.Contains(out, "icr") || !strings.Contains(out, "pilot") || !strings.Contains(out, "alice ") || !strings.Contains(out, "/3") {
		t.Errorf("list:\n%s", out)
	}
	js := mustQcode(t, "-p", project, "sample", "--format", "json")
	for _, key := range []string{`"name": "icr"`, `"segments": 3`, `"by_source"`, `"seed": 7`, `"reviewed"`} {
		if !strings.Contains(js, key) {
			t.Errorf("JSON lacks %s:\n%s", key, js)
		}
	}
	first, _, _ := strings.Cut(mustQcode(t, "-p", project, "agree", "--sample", "icr"), "\n")
	// Of the sample's three segments both reviewed two: the third is not
	// counted, and the preamble says so.
	if !strings.HasPrefix(first, "alice vs bob: 2 units (segments of sample icr alice and bob both reviewed); reviewed by alice 2/3") ||
		!strings.HasSuffix(first, "(1 of the sample's 3 segments not yet reviewed by everyone: not counted)") {
		t.Errorf("agree --sample: %q", first)
	}
	if _, errs, _ := qcode(t, "-p", project, "disagreements", "--sample", "pilot"); !strings.Contains(errs, "2 units: segments of sample pilot alice and bob both reviewed") {
		t.Errorf("disagreements --sample: %q", errs)
	}

	// Delete, undo the delete.
	if _, errs, code := qcode(t, "-p", project, "--coder", "lead", "sample", "pilot", "--delete"); code != 0 || !strings.Contains(errs, "delete sample pilot") {
		t.Errorf("delete: %d %q", code, errs)
	}
	if _, _, code := qcode(t, "-p", project, "agree", "--sample", "pilot"); code != 1 {
		t.Errorf("agree on a deleted sample: exit %d", code)
	}
	mustQcode(t, "-p", project, "--coder", "lead", "undo")
	mustQcode(t, "-p", project, "agree", "--sample", "pilot")

	for _, args := range [][]string{
		{"sample", "x", "--size", "10%", "--segments", list},
		{"sample", "--size", "10%"},
		{"sample", "x", "--size", "ten"},
		{"sample", "x", "--seed", "3"},
		{"sample", "x", "--delete", "--size", "3"},
		{"sample", "a", "b"},
		{"sample", "x", "--source", "answers"},
	} {
		if _, _, code := qcode(t, append([]string{"-p", project}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sample", "icr", "--size", "2"}, "exists"},
		{[]string{"sample", "big", "--size", "99"}, "population"},
		{[]string{"sample", "nope"}, `no sample "nope" (samples: icr, pilot)`},
	} {
		if _, errs, code := qcode(t, append([]string{"-p", project}, c.args...)...); code != 1 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d %q", c.args, code, errs)
		}
	}
}

// TestCodingsExportMarks: a review mark goes out as a row with an empty
// code and comes back in as one.
func TestCodingsExportMarks(t *testing.T) {
	project := teamFixture(t)
	dir := filepath.Dir(project)
	marks := filepath.Join(dir, "marks.csv")
	os.WriteFile(marks, []byte("segment,code,coder\nA4,,alice\nA6,,bob\n"), 0o600)
	mustQcode(t, "-p", project, "codings", "import", marks)
	out := mustQcode(t, "-p", project, "codings", "export")
	for _, want := range []string{"\nA4,Barriers/Manager support and supervision,bob,,,false,\nA4,,alice,,,false,\n", "\nA6,,bob,,,false,\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	exported := filepath.Join(dir, "export.csv")
	os.WriteFile(exported, []byte(out), 0o600)
	fresh := filepath.Join(dir, "fresh.qcode")
	mustQcode(t, "init", fresh, "--codebook", "pq")
	mustQcode(t, "-p", fresh, "--coder", "lead", "import", filepath.Join(dir, "answers.csv"), "--text-col", "answer", "--id-col", "id", "--case-col", "respondent")
	mustQcode(t, "-p", fresh, "codings", "import", exported)
	if got := mustQcode(t, "-p", fresh, "codings", "export"); got != out {
		t.Errorf("round trip:\n%s\nwant\n%s", got, out)
	}
}
