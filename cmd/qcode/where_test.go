package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --where on report, quotes, agree, disagreements and export: the same conditions,
// combined with --codes, --unit and --source, stated in the output.
func TestWhereEverywhere(t *testing.T) {
	p := reportProject(t)

	// Kirkpatrick beyond the survey, in authorities: the interview
	// (Jane Smith, Authority E: #2, #4, #5) and the focus group (P1, P2,
	// Authority F: #2, #3, #5) are 6 segments of 2 authorities; the levels
	// are on #2 (L1) and #4 (L3 by alice, L2 by bob): 2 segments of
	// Authority E, 1 of 2 = 50 %.
	out, _ := mustQcodeErr(t, "-p", p, "report", "--codes", "Kirkpatrick", "--unit", "authority", "--where", "method!=survey", "--format", "json")
	var r struct {
		SegmentsTotal int `json:"segments_total"`
		CasesTotal    int `json:"cases_total"`
		Where         []struct {
			Attribute string   `json:"attribute"`
			Values    []string `json:"values"`
			Not       bool     `json:"not"`
		} `json:"where"`
		Codes []struct {
			Path         string  `json:"path"`
			Segments     int     `json:"segments"`
			Cases        int     `json:"cases"`
			PercentCases float64 `json:"percent_cases"`
		} `json:"codes"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.SegmentsTotal != 6 || r.CasesTotal != 2 || len(r.Where) != 1 || r.Where[0].Attribute != "method" || !r.Where[0].Not ||
		r.Codes[0].Path != "Kirkpatrick" || r.Codes[0].Segments != 2 || r.Codes[0].Cases != 1 || r.Codes[0].PercentCases != 50 {
		t.Errorf("report --where method!=survey:\n%s", out)
	}

	// PQ leads (R012, R013, R017: three respondents) and the learning
	// lead (three turns): 6 segments of 4 participants, and each raised a
	// barrier (R012, R013, R017, interview #5): 4 of 4.
	out, _ = mustQcodeErr(t, "-p", p, "report", "--codes", "Barriers", "--where", "role=PQ lead,Learning lead")
	if !strings.Contains(out, "n = 4 participants, 6 segments where role = PQ lead or Learning lead (coded: 4 participants, 4 segments)") ||
		!strings.Contains(out, "Barriers                                  4      4     100%") {
		t.Errorf("report --where role=…,…:\n%s", out)
	}
	// With --source: the survey's PQ leads only.
	out, _ = mustQcodeErr(t, "-p", p, "report", "--codes", "Barriers", "--where", "role=PQ lead,Learning lead", "--source", "survey")
	if !strings.Contains(out, "n = 3 participants, 3 segments of survey where role = PQ lead or Learning lead") {
		t.Errorf("report --where --source:\n%s", out)
	}

	// Quotes: the learning lead's three Kirkpatrick passages (L1 on #2; L2
	// and L3 on #4), the filter said first.
	out, errs := mustQcodeErr(t, "-p", p, "quotes", "--code", "Kirkpatrick", "--where", "ROLE=Learning lead")
	if !strings.HasPrefix(out, "Quotes from segments where ROLE = Learning lead.\n\n## Kirkpatrick") || strings.Count(out, "(Learning lead, interview)") != 3 {
		t.Errorf("quotes --where:\n%s", out)
	}
	out, errs = mustQcodeErr(t, "-p", p, "quotes", "--code", "Kirkpatrick", "--where", "ROLE=Learning lead", "--format", "json")
	var quotes []any
	if err := json.Unmarshal([]byte(out), &quotes); err != nil || len(quotes) != 3 || !strings.Contains(errs, "quotes from segments where ROLE = Learning lead") {
		t.Errorf("quotes --where --format json: %v\n%s\n%s", err, out, errs)
	}

	// Agreement among PQ leads: only R013 was reviewed by both (alice
	// and bob coded Framework complexity): one unit, agreed.
	out, _ = mustQcodeErr(t, "-p", p, "agree", "--where", "role=PQ lead", "--codes", "Barriers")
	if !strings.Contains(out, "alice vs bob: 1 unit (segments alice and bob both reviewed, where role = PQ lead)") {
		t.Errorf("agree --where:\n%s", out)
	}

	// Disagreements among PQ leads: the same single unit (R013), on which
	// alice and bob agree: nothing to settle, and stderr says where.
	out, errs = mustQcodeErr(t, "-p", p, "disagreements", "--where", "role=PQ lead", "--code", "Barriers", "--format", "json")
	var dl struct {
		Units int `json:"units"`
		Total int `json:"total"`
		Where []struct {
			Attribute string `json:"attribute"`
		} `json:"where"`
	}
	if err := json.Unmarshal([]byte(out), &dl); err != nil || dl.Units != 1 || dl.Total != 0 || len(dl.Where) != 1 || !strings.Contains(errs, "segments where role = PQ lead") {
		t.Errorf("disagreements --where: %v\n%s\n%s", err, out, errs)
	}
	out, _ = mustQcodeErr(t, "-p", p, "disagreements", "--code", "Barriers", "--format", "json")
	var all struct {
		Units int `json:"units"`
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil || all.Units <= 1 {
		t.Errorf("disagreements without --where compares more than the PQ leads' unit: %v\n%s", err, out)
	}

	// The export says whose segments it counts.
	dir := t.TempDir()
	doc := filepath.Join(dir, "r.md")
	mustQcodeErr(t, "-p", p, "export", "--format", "md", doc, "--where", "role=PQ lead,Learning lead")
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| Segments selected | role = PQ lead or Learning lead |", "| Segments (participants' answers) | 6 |", "| Participants (cases) | 4 |"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("export --where lacks %q", want)
		}
	}

	// Mistakes: a name or value the project lacks (exit 1, naming what
	// there is), a malformed spec (exit 2), --where beside qdpx (exit 2).
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report", "--where", "rol=PQ lead"}, 1, `no attribute "rol" (attributes: authority, geography, method`},
		{[]string{"quotes", "--where", "role=PQ Lead"}, 1, `role never has the value "PQ Lead" (values: Learning lead, Local authority adult care social worker, PQ lead`},
		{[]string{"agree", "--where", "role"}, 2, "write NAME=VALUE or NAME!=VALUE"},
		{[]string{"disagreements", "--where", "rol=PQ lead"}, 1, `no attribute "rol"`},
		{[]string{"report", "--where", "role=A", "--where", "role=B"}, 2, "role is named twice with ="},
		{[]string{"export", "--format", "qdpx", "--where", "role=PQ lead", filepath.Join(dir, "x.qdpx")}, 2, "--where applies to --format md"},
	} {
		_, errs, code := qcode(t, append([]string{"-p", p}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %s", c.args, code, errs)
		}
	}
}

// --per-code 0 is every quote in export as in quotes; without the flag
// the report's quote bank keeps 5 per code.
func TestExportPerCodeZero(t *testing.T) {
	p := reportProject(t)
	// Career progression has 4 passages (R012, R033, R034 — coded by
	// both, one passage —, R062); three more make 7.
	more := filepath.Join(t.TempDir(), "more.csv")
	if err := os.WriteFile(more, []byte("segment,code,coder\nR013,Motivations/Career progression,alice\nR017,Motivations/Career progression,alice\nR023,Motivations/Career progression,alice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustQcodeErr(t, "-p", p, "codings", "import", more)
	five, _ := mustQcodeErr(t, "-p", p, "export", "--format", "md", "-")
	all, _ := mustQcodeErr(t, "-p", p, "export", "--format", "md", "-", "--per-code", "0")
	career := func(doc string) int {
		doc = doc[strings.Index(doc, "## Quotes"):]
		doc = doc[strings.Index(doc, "### Career progression"):]
		doc = doc[:strings.Index(doc, "### Professional development")]
		return strings.Count(doc, "\n> ")
	}
	if career(five) != 5 || career(all) != 7 {
		t.Errorf("career progression quotes: default %d (want 5), --per-code 0 %d (want 7)", career(five), career(all))
	}
	quotes := func(doc string) int { return strings.Count(doc, "\n> ") }
	bank, _ := mustQcodeErr(t, "-p", p, "quotes", "--per-code", "0")
	if got, want := quotes(all[strings.Index(all, "## Quotes"):]), quotes(bank); got != want {
		t.Errorf("export --per-code 0 holds %d quotes, qcode quotes --per-code 0 %d", got, want)
	}
}
