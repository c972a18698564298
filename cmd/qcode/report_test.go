package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportProject builds the reports fixture through the command line: a
// survey (17 answers, one with no respondent), an interview with a learning
// lead and a focus group (speakers as cases), a cases sheet, and the
// codings of two coders and consensus.
func reportProject(t *testing.T) string {
	t.Helper()
	fx, err := filepath.Abs(filepath.Join("testdata", "reports"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "p.qcode")
	mustQcodeErr(t, "init", p, "--codebook", "pq", "--name", "PQ learning (test)")
	mustQcodeErr(t, "-p", p, "import", filepath.Join(fx, "survey.csv"), "--text-col", "answer", "--id-col", "id",
		"--case-col", "respondent", "--attr", "method=survey")
	mustQcodeErr(t, "-p", p, "import", filepath.Join(fx, "interview-lead-01.md"), filepath.Join(fx, "focus-group-01.md"))
	mustQcodeErr(t, "-p", p, "cases", "import", filepath.Join(fx, "cases.csv"), "--id-col", "case")
	mustQcodeErr(t, "-p", p, "codings", "import", filepath.Join(fx, "codings.csv"))
	return p
}

const studyAttribution = "{role}, {org_size} {geography} local authority, {method}"

func TestReportJSONGolden(t *testing.T) {
	p := reportProject(t)
	out, _ := mustQcodeErr(t, "-p", p, "report", "--format", "json")
	golden(t, "report.json", out)

	// The contract's shape, read back as a stranger would.
	var r struct {
		SegmentsTotal *int `json:"segments_total"`
		CasesTotal    *int `json:"cases_total"`
		Codes         []struct {
			Path         *string                       `json:"path"`
			Segments     *int                          `json:"segments"`
			Cases        *int                          `json:"cases"`
			PercentCases *float64                      `json:"percent_cases"`
			By           map[string]map[string]float64 `json:"by"`
		} `json:"codes"`
	}
	out, _ = mustQcodeErr(t, "-p", p, "report", "--by", "role", "--codes", "Barriers", "--format", "json")
	golden(t, "report-by-role.json", out)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	// 23 segments of 14 participants: the interviewer's and facilitator's
	// 4 turns are prompts, neither segments nor cases. Barriers: 7 of 14.
	if r.SegmentsTotal == nil || *r.SegmentsTotal != 23 || r.CasesTotal == nil || *r.CasesTotal != 14 || len(r.Codes) != 11 {
		t.Fatalf("report shape: %s", out)
	}
	top := r.Codes[0]
	if *top.Path != "Barriers" || *top.Segments != 7 || *top.Cases != 7 || *top.PercentCases != 50 {
		t.Errorf("Barriers row: %s", out)
	}
	if c := top.By["Social worker"]; c["segments"] != 2 || c["cases"] != 2 || c["percent_cases"] != 25 {
		t.Errorf("Barriers × Social worker: %v", c)
	}

	out, _ = mustQcodeErr(t, "-p", p, "report", "--codes", "Kirkpatrick", "--unit", "authority", "--examples", "--format", "json")
	golden(t, "report-kirkpatrick.json", out)
}

func TestReportTables(t *testing.T) {
	p := reportProject(t)
	// The study's Table 2: level, authorities, an example (starred first).
	out, errs := mustQcodeErr(t, "-p", p, "report", "--codes", "Kirkpatrick", "--unit", "authority", "--examples",
		"--attribution", studyAttribution, "--redact", "--format", "md")
	golden(t, "report-kirkpatrick.md", out)
	// The one survey answer with no respondent (the prompts, which had no
	// authority either, are no segments now).
	if !strings.Contains(errs, "note: 1 of 23 segments has no authority") {
		t.Errorf("no note on segments without the unit: %s", errs)
	}
	out, _ = mustQcodeErr(t, "-p", p, "report", "--codes", "Motivations", "--by", "role")
	golden(t, "report-motivations-by-role.txt", out)
	out, _ = mustQcodeErr(t, "-p", p, "report", "--codes", "Kirkpatrick", "--by", "method", "--format", "csv")
	golden(t, "report-kirkpatrick-by-method.csv", out)
}

func TestReportCoderFlag(t *testing.T) {
	p := reportProject(t)
	any, _ := mustQcodeErr(t, "-p", p, "report", "--codes", "Benefits", "--format", "csv")
	bob, _ := mustQcodeErr(t, "-p", p, "report", "--codes", "Benefits", "--format", "csv", "--coder", "bob")
	settled, errs := mustQcodeErr(t, "-p", p, "report", "--codes", "Benefits", "--format", "csv", "--coder", "consensus")
	// Benefits: 9 segments by anyone (8 cases), 1 by bob (R086), of 14
	// participants (10 survey respondents and an answer with no respondent,
	// its own case; Jane Smith; P1 and P2 — the interviewer and the
	// facilitator are no cases): 8/14 = 57.14 %, 1/14 = 7.14 %.
	// Consensus: every Benefits segment but R160, where bob coded L4 and
	// not Better outcomes (alice's): R065, R080, R086 (bob alone), R105,
	// R110 (consensus's own Benefits; alice alone coded Skilled
	// workforce), R147 and focus-group-01#2, #3 → 8 segments of 8 cases
	// (R086 has no respondent: its own case): 8/14.
	for _, c := range []struct{ name, out, want string }{
		{"any coder", any, "Benefits,0,9,8,57.142857142857146\n"},
		{"bob", bob, "Benefits,0,1,1,7.142857142857143\n"},
		{"consensus", settled, "Benefits,0,8,8,57.142857142857146\n"},
	} {
		if !strings.Contains(c.out, c.want) {
			t.Errorf("%s: no line %q in\n%s", c.name, c.want, c.out)
		}
	}
	// Alice and bob both coded R013 (agreed), R023 (salary agreed; alice's
	// professional development not), R033 (salary vs career), R034 (agreed),
	// R160 (better outcomes vs L4) and interview-lead-01#4 (L3 vs L2: one
	// item). Within Benefits: R160 better outcomes → 1 open.
	if want := "consensus: 1 disagreement not yet settled (of 1; coders alice, bob)"; !strings.Contains(errs, want) ||
		!strings.Contains(errs, "run qcode disagreements --unsettled --code Benefits") {
		t.Errorf("consensus note: %s", errs)
	}
	if _, errs, code := qcode(t, "-p", p, "report", "--coder", "zed"); code != 1 || !strings.Contains(errs, `no coder "zed"`) {
		t.Errorf("unknown coder: exit %d, %s", code, errs)
	}
	if _, errs, code := qcode(t, "-p", p, "report", "--codes", "Nothing"); code != 1 || !strings.Contains(errs, `no code "Nothing"`) {
		t.Errorf("unknown code: exit %d, %s", code, errs)
	}
}

// personalDetails are the fixture's e-mail addresses, phone numbers and
// names, each listed once on stderr with its segment ID.
var personalDetails = []string{
	`R200: e-mail address "sw07@example.org" in a quote`,
	`interview-lead-01#4: name "Jane" in a quote`,
	`interview-lead-01#4: e-mail address "jane.smith@example.gov.uk" in a quote`,
	`interview-lead-01#5: phone number "020 7946 0958" in a quote`,
	`interview-lead-01#5: phone number "+44 7700 900123" in a quote`,
}

func TestQuotesMarkdownGolden(t *testing.T) {
	p := reportProject(t)
	// Redacted by default, each replacement listed with its segment.
	out, errs := mustQcodeErr(t, "-p", p, "quotes")
	golden(t, "quotes.md", out)
	for _, want := range append(personalDetails, "replaced 5 personal details with [email], [phone] or [name]") {
		if strings.Count(errs, want) != 1 {
			t.Errorf("stderr should say once %q:\n%s", want, errs)
		}
	}
	for _, hit := range []string{"sw07@example.org", "jane.smith@example.gov.uk", "020 7946 0958", "+44 7700 900123", "Jane"} {
		if strings.Contains(out, hit) {
			t.Errorf("quotes left %q", hit)
		}
	}
	for _, want := range []string{"and [name]'s team audits case files a year on. Email [email] for the audit.", "Call me on [phone] or [phone] for the figures."} {
		if !strings.Contains(out, want) {
			t.Errorf("quotes lack %q", want)
		}
	}
	// Anonymous: no segment ID or case name.
	for _, id := range []string{"R012", "S01", "L02", "interview-lead-01#", "Jane Smith", "P1"} {
		if strings.Contains(out, id) {
			t.Errorf("quotes without --show-ids print %q", id)
		}
	}
	// --redact, from before redaction was the default, still works.
	if again, _ := mustQcodeErr(t, "-p", p, "quotes", "--redact"); again != out {
		t.Errorf("--redact differs from the default")
	}

	// --no-redact prints the text as coded, and still lists every detail.
	out, errs = mustQcodeErr(t, "-p", p, "quotes", "--attribution", studyAttribution, "--per-code", "1", "--no-redact")
	golden(t, "quotes-study-unredacted.md", out)
	for _, hit := range []string{"sw07@example.org", "jane.smith@example.gov.uk", "020 7946 0958", "+44 7700 900123", "Jane"} {
		if !strings.Contains(out, hit) {
			t.Errorf("--no-redact hides %q", hit)
		}
	}
	if !strings.Contains(out, "(Learning lead, medium-sized rural local authority, interview)") ||
		!strings.Contains(out, "(Practice educator, small island local authority, focus group)") {
		t.Errorf("study attributions missing:\n%s", out)
	}
	for _, want := range append(personalDetails, "5 possible personal details in the output") {
		if strings.Count(errs, want) != 1 {
			t.Errorf("--no-redact: stderr should say once %q:\n%s", want, errs)
		}
	}

	out, _ = mustQcodeErr(t, "-p", p, "quotes", "--code", "Kirkpatrick", "--starred", "--show-ids", "--format", "json")
	golden(t, "quotes-kirkpatrick-starred.json", out)
	out, _ = mustQcodeErr(t, "-p", p, "quotes", "--code", "Barriers/Travel and distance", "--format", "csv")
	if out != "theme,code,text,attribution,starred,segment,case\nBarriers,Barriers/Travel and distance,Travel: two hours each way for island staff.,\"Local authority adult care social worker, focus group\",true,,\n" {
		t.Errorf("quotes csv:\n%s", out)
	}
}

func TestQuotesUsage(t *testing.T) {
	p := reportProject(t)
	for _, args := range [][]string{
		{"quotes", "--format", "table"},
		{"quotes", "--per-code", "-1"},
		{"quotes", "extra"},
	} {
		if _, _, code := qcode(t, append([]string{"-p", p}, args...)...); code != 2 {
			t.Errorf("qcode %v: exit %d, want 2", args, code)
		}
	}
	if _, errs, code := qcode(t, "-p", p, "quotes", "--attribution", "{role"); code != 1 || !strings.Contains(errs, "never closed") {
		t.Errorf("bad template: exit %d, %s", code, errs)
	}
}

func TestExportMarkdownGolden(t *testing.T) {
	p := reportProject(t)
	t.Setenv("SOURCE_DATE_EPOCH", "1790000000")
	out := filepath.Join(t.TempDir(), "report.md")
	_, errs := mustQcodeErr(t, "-p", p, "export", "--format", "md", out)
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "export.md", string(doc))
	if !strings.Contains(errs, "replaced 5 personal details") || !strings.Contains(errs, "wrote "+out) {
		t.Errorf("stderr: %s", errs)
	}
	for _, hit := range []string{"sw07@example.org", "jane.smith@example.gov.uk", "020 7946 0958", "+44 7700 900123", "Jane"} {
		if strings.Contains(string(doc), hit) {
			t.Errorf("export left %q", hit)
		}
	}
	for _, want := range []string{"```mermaid\nmindmap\n", "```mermaid\nxychart-beta horizontal\n", "**Table 4.** Kirkpatrick: number of participants at each level, with an example (n = 14).",
		"## Quotes", "(n = 14)", "| Participants (cases) | 14 |", "| Interviewer turns (prompts, not counted) | 4 |"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("export lacks %q", want)
		}
	}

	// Split by speaker, counted in authorities, to stdout: a speaker's
	// name in a column header is redacted too.
	red, errs := mustQcodeErr(t, "-p", p, "export", "--format", "md", "-", "--unit", "authority", "--by", "speaker",
		"--attribution", studyAttribution)
	golden(t, "export-by-speaker.md", red)
	for _, hit := range []string{"sw07@example.org", "jane.smith@example.gov.uk", "020 7946 0958", "+44 7700 900123", "Jane"} {
		if strings.Contains(red, hit) {
			t.Errorf("export --by speaker left %q", hit)
		}
	}
	if !strings.Contains(red, "| [name] (n = 1) |") {
		t.Errorf("the speaker's column is not redacted:\n%s", red)
	}
	if !strings.Contains(errs, `redacted: name "Jane Smith" in a column header (speaker)`) || !strings.Contains(errs, "replaced 6 personal details") {
		t.Errorf("stderr: %s", errs)
	}

	// --no-redact prints names, addresses and numbers as coded.
	plain, errs := mustQcodeErr(t, "-p", p, "export", "--format", "md", "-", "--by", "speaker", "--no-redact")
	for _, hit := range []string{"sw07@example.org", "jane.smith@example.gov.uk", "020 7946 0958", "+44 7700 900123", "Jane Smith (n = 1)"} {
		if !strings.Contains(plain, hit) {
			t.Errorf("export --no-redact hides %q", hit)
		}
	}
	if !strings.Contains(errs, `warning: name "Jane Smith" in a column header (speaker)`) {
		t.Errorf("stderr: %s", errs)
	}
}

func TestExportFormats(t *testing.T) {
	p := reportProject(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "pdf", filepath.Join(dir, "x.pdf")}, "--format pdf: use md, docx, html, qdpx or qdc"},
		{[]string{"--format", "md"}, "needs one OUT file"},
		{[]string{"--format", "qdpx", "--by", "role", filepath.Join(dir, "x.qdpx")}, "--by applies to --format md, docx or html, not qdpx"},
		{[]string{"--format", "qdc", "--no-redact", filepath.Join(dir, "x.qdc")}, "--no-redact applies to --format md, docx or html, not qdc"},
		{[]string{"--format", "qdpx", "--coder", "alice", filepath.Join(dir, "x.qdpx")}, "--coder applies to --format md"},
	} {
		_, errs, code := qcode(t, append([]string{"-p", p, "export"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("export %q: exit %d, %s", c.args, code, errs)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused exports left files: %v", entries)
	}
}
