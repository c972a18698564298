package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Consensus through the command line, on teamFixture (alice and bob; A6
// coded by consensus directly). Worked by hand, per answer:
//
//	A1 both Confidence; alice L2, bob L3 → Confidence; Kirkpatrick differs
//	A2 alice workload [0–8) and release, bob workload (whole)
//	                                        → workload, whole; release differs
//	A3 both travel                          → travel
//	A4 bob alone coded it: manager          → manager
//	A5 both salary, bob career              → salary; career differs
//	A6 consensus's own salary               → salary
//
// Barriers: A2, A3, A4 = 3 segments; cases P1 (A1–A2), P2 (A3–A4) = 2 of
// 3 (66.7 %). Motivations: A5, A6 = 2 segments, 1 case (P3). Benefits: A1.
// Disagreements: A1 Kirkpatrick, A2 release, A5 career = 3, none settled.
func TestReportConsensusJSON(t *testing.T) {
	project := teamFixture(t)
	out, errs := mustQcodeErr(t, "-p", project, "report", "--coder", "consensus", "--format", "json")
	if want := "consensus: 3 disagreements not yet settled (of 3; coders alice, bob)"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	var r struct {
		Codes []struct {
			Path         string
			Segments     int
			Cases        int
			PercentCases float64 `json:"percent_cases"`
		}
		Consensus struct {
			Coders                            []string
			Disagreements, Settled, Unsettled int
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	rows := map[string][3]float64{}
	for _, c := range r.Codes {
		rows[c.Path] = [3]float64{float64(c.Segments), float64(c.Cases), c.PercentCases}
	}
	for path, want := range map[string][3]float64{
		"Barriers":                       {3, 2, 200.0 / 3},
		"Barriers/Release and backfill":  {0, 0, 0},
		"Motivations":                    {2, 1, 100.0 / 3},
		"Motivations/Career progression": {0, 0, 0},
		"Benefits":                       {1, 1, 100.0 / 3},
		"Kirkpatrick":                    {0, 0, 0},
	} {
		if rows[path] != want {
			t.Errorf("%s: %v, want %v", path, rows[path], want)
		}
	}
	if c := r.Consensus; strings.Join(c.Coders, ",") != "alice,bob" || c.Disagreements != 3 || c.Settled != 0 || c.Unsettled != 3 {
		t.Errorf("consensus %+v", c)
	}

	// The Markdown report and the quote bank read consensus the same way
	// and say so.
	doc, errs := mustQcodeErr(t, "-p", project, "export", "--format", "md", "-", "--coder", "consensus")
	for _, want := range []string{
		"| Codings counted | consensus (the team's final coding) |",
		"Coders compared: alice, bob. Not yet settled: 3 of 3 disagreements, which are not counted (`qcode disagreements --unsettled` lists them).",
		"| **Barriers** (all codes) | 2 | 67% | 3 |",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("export lacks %q:\n%s", want, doc)
		}
	}
	if !strings.Contains(errs, "consensus: 3 disagreements not yet settled") {
		t.Errorf("export stderr: %s", errs)
	}
	quotes, errs := mustQcodeErr(t, "-p", project, "quotes", "--coder", "consensus", "--code", "Barriers", "--format", "json")
	var bank []struct{ Code, Text string }
	if err := json.Unmarshal([]byte(quotes), &bank); err != nil {
		t.Fatal(err)
	}
	// A2's workload is the whole answer (bob coded all of it), A3 travel,
	// A4 manager; no release.
	if len(bank) != 3 || bank[0].Text != "Workload made study hard and there was no backfill" {
		t.Errorf("consensus quotes %+v", bank)
	}
	if !strings.Contains(errs, "consensus: 1 disagreement not yet settled (of 1; coders alice, bob)") ||
		!strings.Contains(errs, "--code Barriers") {
		t.Errorf("quotes stderr: %s", errs)
	}

	// Settle two: A1's levels take bob's L3; A2's release is "none".
	mustQcode(t, "-p", project, "--coder", "lead", "settle", "A1", "Kirkpatrick", "--take", "bob")
	mustQcode(t, "-p", project, "--coder", "lead", "settle", "A2", "Barriers/Release and backfill", "--none")
	out, errs = mustQcodeErr(t, "-p", project, "report", "--coder", "consensus", "--format", "json")
	golden(t, "report-consensus.json", out)
	if want := "consensus: 1 disagreement not yet settled (of 3; coders alice, bob)"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	// The caption of the table and of Markdown says it too, for the codes
	// shown: A5's career is the one left, under Motivations (A5, A6: 2
	// segments of case P3); Kirkpatrick has none.
	md, _ := mustQcodeErr(t, "-p", project, "report", "--coder", "consensus", "--codes", "Motivations", "--format", "md")
	if !strings.HasPrefix(md, "n = 3 participants, 6 segments (coded: 1 participant, 2 segments); consensus of alice, bob (1 disagreement not yet settled)\n") {
		t.Errorf("md caption:\n%s", md)
	}
	md, _ = mustQcodeErr(t, "-p", project, "report", "--coder", "consensus", "--codes", "Kirkpatrick", "--format", "md")
	if !strings.HasPrefix(md, "n = 3 participants, 6 segments (coded: 1 participant, 1 segment); consensus of alice, bob\n") {
		t.Errorf("md caption:\n%s", md)
	}
	// Undo the none: two open again.
	mustQcode(t, "-p", project, "--coder", "lead", "undo")
	_, errs = mustQcodeErr(t, "-p", project, "report", "--coder", "consensus")
	if !strings.Contains(errs, "consensus: 2 disagreements not yet settled (of 3; coders alice, bob)") {
		t.Errorf("after undo: %s", errs)
	}
}

func TestCodingsExportConsensus(t *testing.T) {
	project := teamFixture(t)
	out, errs := mustQcodeErr(t, "-p", project, "codings", "export", "--coder", "consensus")
	golden(t, "codings-consensus.csv", out)
	if !strings.Contains(errs, "consensus: 3 disagreements not yet settled") {
		t.Errorf("stderr: %s", errs)
	}
	// One coder's codings only, when named.
	bob := mustQcode(t, "-p", project, "codings", "export", "--coder", "bob", "--format", "json")
	var list []struct{ Segment, Code, Coder string }
	if err := json.Unmarshal([]byte(bob), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 7 {
		t.Errorf("bob has %d codings, want 7", len(list))
	}
	for _, r := range list {
		if r.Coder != "bob" {
			t.Errorf("not bob's: %+v", r)
		}
	}
	// Without --coder, everything, as before (14 codings and the header).
	all := mustQcode(t, "-p", project, "codings", "export")
	if n := strings.Count(all, "\n"); n != 15 {
		t.Errorf("every coding: %d lines, want 15", n)
	}

	// Settled: bob's L3 on A1 with the audit memo; the consensus file
	// imports into another project as consensus's codings.
	mustQcode(t, "-p", project, "--coder", "lead", "settle", "A1", "Kirkpatrick", "--take", "bob")
	out = mustQcode(t, "-p", project, "codings", "export", "--coder", "consensus")
	if !strings.Contains(out, "A1,Kirkpatrick/L3 Behaviour,consensus,,,false,\"Settled by lead on "+time.Now().UTC().Format("2006-01-02")) {
		t.Errorf("settled row missing:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "final.csv")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	other := teamFixture(t)
	_, errs = mustQcodeErr(t, "-p", other, "codings", "import", file)
	// A1 confidence and L3, A2 workload, A3 travel, A4 manager, A5 salary,
	// A6 salary (already there: the fixture has it) = 7 rows.
	if !strings.Contains(errs, "7 rows, 6 codings added, 0 updated, 1 already there") {
		t.Errorf("import of the consensus file: %s", errs)
	}
}
