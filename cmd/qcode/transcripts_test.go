package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// transcripts is the shared fixture directory of realistic transcripts:
// two focus groups (fg2, fg3: P1…P6 and a facilitator, a title line, front
// matter), a telephone interview with a learning lead and its follow-up.
func transcripts(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "transcripts"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// transcriptProject builds the project of the transcripts as a researcher
// would: focus groups as they are, the two interviews with one speaker
// shared, roles from a cases sheet of source and speaker, alice's codings.
func transcriptProject(t *testing.T) (string, string) {
	t.Helper()
	fx := transcripts(t)
	p := filepath.Join(t.TempDir(), "t.qcode")
	mustQcodeErr(t, "init", p, "--codebook", "pq", "--name", "Transcripts (test)")
	_, errs := mustQcodeErr(t, "-p", p, "import", filepath.Join(fx, "fg2.md"), filepath.Join(fx, "fg3.md"))
	for _, want := range []string{
		`imported fg2.md: 15 segments as source "fg2" (6 participants; 4 interviewer turns as prompts), 6 new cases`,
		`imported fg3.md: 12 segments as source "fg3" (6 participants; 3 interviewer turns as prompts), 6 new cases`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("import says\n%s\nwant %q", errs, want)
		}
	}
	_, errs = mustQcodeErr(t, "-p", p, "import", "--shared-speakers",
		filepath.Join(fx, "interview-lead-03.md"), filepath.Join(fx, "interview-lead-03-followup.md"))
	if !strings.Contains(errs, `imported interview-lead-03-followup.md: 2 segments as source "interview-lead-03-followup" (1 participant; 2 interviewer turns as prompts)`+"\n") {
		t.Errorf("the follow-up's speaker should be the first interview's case:\n%s", errs)
	}
	_, errs = mustQcodeErr(t, "-p", p, "cases", "import", filepath.Join(fx, "speakers.csv"))
	if !strings.Contains(errs, "attached attributes to 12 cases from speakers.csv") {
		t.Errorf("cases import: %s", errs)
	}
	mustQcodeErr(t, "-p", p, "codings", "import", filepath.Join(fx, "codings.csv"))
	return p, fx
}

func TestTranscriptsGolden(t *testing.T) {
	p, _ := transcriptProject(t)
	out, _ := mustQcodeErr(t, "-p", p, "segments", "--format", "json")
	golden(t, "transcripts-segments.json", out)
	var segs []struct {
		ID         string            `json:"id"`
		Case       *string           `json:"case"`
		Attributes map[string]string `json:"attributes"`
	}
	if err := json.Unmarshal([]byte(out), &segs); err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{}
	for _, s := range segs {
		cases[*s.Case] = true
		if s.Attributes["speaker"] == "Facilitator" || strings.HasPrefix(s.Attributes["speaker"], "Facilitator") ||
			s.Attributes["speaker"] == "Interviewer" {
			t.Errorf("%s: an interviewer's turn is a segment", s.ID)
		}
	}
	// 15 + 12 + 5 + 2 answers; P1…P6 twice over and LL03 once: 13 cases.
	if len(segs) != 34 || len(cases) != 13 || !cases["fg2:P1"] || !cases["fg3:P1"] || !cases["LL03"] {
		t.Errorf("%d segments of %d cases: %v", len(segs), len(cases), cases)
	}
	first := segs[0]
	if first.ID != "fg2#3" || first.Attributes["title"] != "Focus group: newly qualified social workers, west of Scotland, March 2019" ||
		first.Attributes["prompt"] != first.Attributes["question"] || !strings.HasPrefix(first.Attributes["prompt"], "Thanks for coming") ||
		first.Attributes["method"] != "focus group" || first.Attributes["role"] != "Newly qualified social worker" {
		t.Errorf("first segment: %s %v", first.ID, first.Attributes)
	}

	out, _ = mustQcodeErr(t, "-p", p, "report", "--by", "role", "--codes", "Barriers", "--format", "json")
	golden(t, "transcripts-report-by-role.json", out)
	var r struct {
		SegmentsTotal int `json:"segments_total"`
		CasesTotal    int `json:"cases_total"`
		Prompts       int `json:"prompts"`
		Codes         []struct {
			Path         string                    `json:"path"`
			Segments     int                       `json:"segments"`
			Cases        int                       `json:"cases"`
			PercentCases float64                   `json:"percent_cases"`
			By           map[string]map[string]any `json:"by"`
		} `json:"codes"`
		Columns []struct {
			Value    string `json:"value"`
			Segments int    `json:"segments"`
			Cases    int    `json:"cases"`
		} `json:"by_totals"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	// Worked by hand from codings.csv. Barriers: fg2's P3 (twice), P4, P5,
	// P6; fg3's P1…P5; LL03 in the interview (twice) and the follow-up:
	// 5 + 5 + 3 = 13 segments of 4 + 5 + 1 = 10 of the 13 participants,
	// 100 × 10 / 13 = 76.92 %. 4 + 3 + 4 + 2 = 13 interviewer turns count
	// nowhere.
	if r.SegmentsTotal != 34 || r.CasesTotal != 13 || r.Prompts != 13 {
		t.Errorf("totals: %d segments, %d cases, %d prompts", r.SegmentsTotal, r.CasesTotal, r.Prompts)
	}
	top := r.Codes[0]
	if top.Path != "Barriers" || top.Segments != 13 || top.Cases != 10 || top.PercentCases != 100*10.0/13 {
		t.Errorf("Barriers: %+v", top)
	}
	// One learning lead, two interviews: n = 1, not 2, and 3 segments.
	cols := map[string][2]int{}
	for _, c := range r.Columns {
		cols[c.Value] = [2]int{c.Segments, c.Cases}
	}
	want := map[string][2]int{
		"Learning lead": {7, 1}, "Newly qualified social worker": {15, 6}, "Senior practitioner": {4, 2},
		"Mental health officer": {4, 2}, "Social worker": {2, 1}, "Practice educator": {2, 1},
	}
	for v, n := range want {
		if cols[v] != n {
			t.Errorf("column %q: %v, want %v segments and cases", v, cols[v], n)
		}
	}
	if len(cols) != len(want) {
		t.Errorf("columns %v: no (missing), no interviewer", cols)
	}
	if c := top.By["Learning lead"]; c["segments"] != 3.0 || c["cases"] != 1.0 || c["percent_cases"] != 100.0 {
		t.Errorf("Barriers × Learning lead: %v", c)
	}
	// Release and backfill: fg2's P5, fg3's P3 and LL03 twice: 4 segments
	// of 3 participants, 100 × 3 / 13 %.
	for _, c := range r.Codes {
		if c.Path == "Barriers/Release and backfill" && (c.Segments != 4 || c.Cases != 3 || c.PercentCases != 300.0/13) {
			t.Errorf("Release and backfill: %+v", c)
		}
	}

	table, _ := mustQcodeErr(t, "-p", p, "report", "--by", "role", "--codes", "Barriers")
	if !strings.HasPrefix(table, "n = 13 participants, 34 segments (coded: 10 participants, 13 segments); codings by any coder; not counted: 13 interviewer turns (prompts)\n") ||
		!strings.Contains(table, "Learning lead (n=1)") {
		t.Errorf("report table:\n%s", table)
	}
}

// A cases sheet that maps the follow-up's speaker to the first interview's
// case gives the same project as --shared-speakers; before it, the two are
// two cases.
func TestCasesSheetJoinsFollowUp(t *testing.T) {
	fx := transcripts(t)
	build := func(shared bool) string {
		p := filepath.Join(t.TempDir(), "t.qcode")
		mustQcode(t, "init", p, "--codebook", "pq")
		args := []string{"-p", p, "import", filepath.Join(fx, "interview-lead-03.md"), filepath.Join(fx, "interview-lead-03-followup.md")}
		if shared {
			args = append(args, "--shared-speakers")
		}
		mustQcode(t, args...)
		return p
	}
	sheet := build(false)
	before := mustQcode(t, "-p", sheet, "segments", "--format", "csv")
	if !strings.Contains(before, "interview-lead-03:LL03") || !strings.Contains(before, "interview-lead-03-followup:LL03") {
		t.Errorf("two interviews, two cases:\n%s", before)
	}
	_, errs := mustQcodeErr(t, "-p", sheet, "cases", "import", filepath.Join(fx, "follow-up.csv"), "--id-col", "case")
	if !strings.Contains(errs, "attached attributes to 2 cases from follow-up.csv; 2 speakers joined to the case a row names (1 new)") {
		t.Errorf("cases import: %s", errs)
	}
	joined := mustQcode(t, "-p", sheet, "segments", "--format", "json")
	if shared := mustQcode(t, "-p", build(true), "segments", "--format", "json"); joined != shared {
		t.Errorf("joined by the sheet:\n%s\nshared on import:\n%s", joined, shared)
	}
	if out := mustQcode(t, "-p", sheet, "info", "--format", "json"); !strings.Contains(out, `"cases": 1,`) {
		t.Errorf("info: %s", out)
	}
	// Undo takes the join back.
	mustQcode(t, "-p", sheet, "undo")
	if got := mustQcode(t, "-p", sheet, "segments", "--format", "csv"); got != before {
		t.Errorf("after undo:\n%s\nwant\n%s", got, before)
	}
}

func TestTranscriptFlags(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.qcode")
	mustQcode(t, "init", p, "--codebook", "pq")
	write(t, filepath.Join(dir, "fg4.md"), "Session 4: managers\nDr Lee: What helps?\nP1: Time.\nP2: Money.\nDr Lee: And?\nP1: Nothing.\n")
	write(t, filepath.Join(dir, "fg5.md"), "Facilitator: Go on.\nP1: Later.\nP2: Fine.\nP2: Yes.\n")
	_, errs := mustQcodeErr(t, "-p", p, "import", filepath.Join(dir, "fg4.md"), filepath.Join(dir, "fg5.md"), "--interviewer", "dr lee")
	if !strings.Contains(errs, `imported fg4.md: 3 segments as source "fg4" (2 participants; 2 interviewer turns as prompts)`) {
		t.Errorf("--interviewer: %s", errs)
	}
	out := mustQcode(t, "-p", p, "segments", "--format", "json", "--source", "fg4")
	if strings.Contains(out, `"case": "fg4:Dr Lee"`) || !strings.Contains(out, `"title": "Session 4: managers"`) {
		t.Errorf("segments:\n%s", out)
	}
	// P1 names speakers of two focus groups: matched by neither, said so.
	write(t, filepath.Join(dir, "roles.csv"), "case,role\nP1,Manager\nfg5:P2,Team leader\n")
	_, errs = mustQcodeErr(t, "-p", p, "cases", "import", filepath.Join(dir, "roles.csv"), "--id-col", "case")
	for _, want := range []string{"attached attributes to 1 case from roles.csv",
		"warning: 1 speaker label names a speaker in several sources, so matched none (write source:speaker, or give the sheet source and speaker columns): P1 (fg4, fg5)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("cases import says\n%s\nwant %q", errs, want)
		}
	}
	// Without source and speaker columns, --id-col is needed; both column
	// flags or neither.
	if _, errs, code := qcode(t, "-p", p, "cases", "import", filepath.Join(dir, "roles.csv")); code != 1 || !strings.Contains(errs, "say which column names the cases") {
		t.Errorf("no --id-col: exit %d %s", code, errs)
	}
	if _, errs, code := qcode(t, "-p", p, "cases", "import", filepath.Join(dir, "roles.csv"), "--source-col", "case"); code != 2 || !strings.Contains(errs, "give both --source-col and --speaker-col") {
		t.Errorf("one column flag: exit %d %s", code, errs)
	}
}

// Every command that takes a case by name reads the names qcode shows: a
// transcript's speaker as SOURCE:LABEL (any letter case), a bare label one
// source alone has, a shared speaker's plain name; a label two focus
// groups share is refused, naming both.
func TestCaseNamesOnTheCommandLine(t *testing.T) {
	p, _ := transcriptProject(t)
	for _, c := range []struct {
		args []string
		note string
	}{
		{[]string{"attributes", "set", "--case", "fg2:P1", "sector=Adults"}, "set sector=Adults on case fg2:P1: 1 case changed"},
		{[]string{"attributes", "set", "--case", "FG3:p2", "sector=Children"}, "set sector=Children on case fg3:P2: 1 case changed"},
		{[]string{"attributes", "set", "--case", "ll03", "sector=Adults"}, "set sector=Adults on case LL03: 1 case changed"},
		{[]string{"memo", "set", "--case", "fg2:p1", "Keen on supervision."}, "memo on case fg2:P1"},
		{[]string{"cases", "import", writeTemp(t, "ids.csv", "id,team\nfg3:p2,Duty\n"), "--id-col", "id"}, "attached attributes to 1 case from ids.csv"},
	} {
		_, errs := mustQcodeErr(t, append([]string{"-p", p, "--coder", "lead"}, c.args...)...)
		if !strings.Contains(errs, c.note) {
			t.Errorf("%q: %s, want %q", c.args, errs, c.note)
		}
	}
	var segs []struct {
		ID         string            `json:"id"`
		Case       string            `json:"case"`
		Attributes map[string]string `json:"attributes"`
	}
	out := mustQcode(t, "-p", p, "segments", "--filter", "case=fg3:P2", "--format", "json")
	if err := json.Unmarshal([]byte(out), &segs); err != nil || len(segs) == 0 {
		t.Fatalf("segments --filter case=fg3:P2: %v\n%s", err, out)
	}
	for _, seg := range segs {
		if seg.Case != "fg3:P2" || seg.Attributes["sector"] != "Children" || seg.Attributes["team"] != "Duty" {
			t.Errorf("case=fg3:P2 lists %s of %s with %v", seg.ID, seg.Case, seg.Attributes)
		}
	}
	before := snapshot(t, p)
	for _, args := range [][]string{
		{"attributes", "set", "--case", "P1", "sector=x"},
		{"memo", "set", "--case", "P1", "x"},
		{"segments", "--filter", "case=P1"},
	} {
		_, errs, code := qcode(t, append([]string{"-p", p}, args...)...)
		if code != 1 || errs != `qcode: case "P1" names speakers of several sources: write one of "fg2:P1" and "fg3:P1"`+"\n" {
			t.Errorf("%q: exit %d, %s", args, code, errs)
		}
	}
	if snapshot(t, p) != before {
		t.Error("a refused command changed the project")
	}
}
