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
		Coders  []string         `json:"coders"`
		Units   int              `json:"units"`
		Codes   []map[string]any `json:"codes"`
		Overall map[string]any   `json:"overall"`
	}
	if err := json.Unmarshal([]byte(got), &shape); err != nil {
		t.Fatal(err)
	}
	if strings.Join(shape.Coders, ",") != "alice,bob" || shape.Units != 6 || len(shape.Codes) != 11 {
		t.Errorf("shape %+v", shape)
	}
	for _, key := range []string{"path", "percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha"} {
		if _, ok := shape.Codes[0][key]; !ok {
			t.Errorf("codes[0] lacks %q", key)
		}
	}
	for _, key := range []string{"percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha"} {
		if _, ok := shape.Overall[key]; !ok {
			t.Errorf("overall lacks %q", key)
		}
	}
}

func TestAgreeTable(t *testing.T) {
	project := teamFixture(t)
	out := mustQcode(t, "-p", project, "agree", "--units", "coded", "--codes", "Barriers")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "alice vs bob: 5 units (segments some compared coder coded); coded by alice 4, bob 5") {
		t.Errorf("preamble %q", lines[0])
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
	if !strings.HasPrefix(csv, "code,agree %,Cohen κ,Fleiss κ,α,strength,differ\nBarriers/Travel and distance,100.0,1.000,") {
		t.Errorf("csv:\n%s", csv)
	}
	// Three coders: no Cohen kappa.
	out = mustQcode(t, "-p", project, "agree", "--coders", "alice,bob,consensus", "--format", "json")
	if !strings.Contains(out, `"cohen_kappa": null`) || strings.Contains(out, `"cohen_kappa": 0`) {
		t.Errorf("three coders:\n%s", out)
	}
	for _, args := range [][]string{{"--units", "some"}, {"--format", "xml"}} {
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
	out, errs, code := qcode(t, "-p", project, "disagreements")
	if code != 0 || !strings.Contains(errs, "settled 0 of 4") {
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
