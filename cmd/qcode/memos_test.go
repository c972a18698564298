package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// qcodeIn is qcode with stdin.
func qcodeIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	t.Setenv("QCODE_CODER", "alice")
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// untimed replaces the times a memo listing prints (they are when the test
// ran) with placeholders.
func untimed(s string) string {
	s = regexp.MustCompile(`"(created|updated)": "[^"]+"`).ReplaceAllString(s, `"$1": "TIME"`)
	s = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d`).ReplaceAllString(s, "DATE TIME")
	return regexp.MustCompile(`\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}`).ReplaceAllString(s, "DATE")
}

// memoStudy is the reports fixture (survey, an interview with Jane Smith,
// a focus group) with a memo of every kind by alice and bob.
func memoStudy(t *testing.T) string {
	t.Helper()
	p := reportProject(t)
	for _, args := range [][]string{
		{"memo", "set", "--journal", "Read the interview with the lead twice."},
		{"--coder", "bob", "memo", "set", "--journal", "Coded the survey's Q17."},
		{"memo", "set", "--source", "interview-lead-01", "Recorded by phone; notes, not a transcript."},
		{"memo", "set", "--case", "Jane Smith", "Jane Smith leads learning for a rural authority."},
		{"memo", "set", "--code", "Barriers/Framework complexity", "Overlaps with information about opportunities?"},
		{"memo", "set", "--segment", "R013", "Ask the PQ leads what 'move through' means."},
		{"--coder", "bob", "memo", "set", "--segment", "R013", "Same point as the one above."},
		{"memo", "set", "--segment", "R012", "--code", "Motivations/Career progression", "Registration, not promotion."},
	} {
		mustQcodeErr(t, append([]string{"-p", p}, args...)...)
	}
	return p
}

func TestMemosGolden(t *testing.T) {
	p := memoStudy(t)
	out, _ := mustQcodeErr(t, "-p", p, "memos", "--format", "json")
	golden(t, "memos.json", untimed(out))
	out, _ = mustQcodeErr(t, "-p", p, "memos", "--format", "md")
	golden(t, "memos.md", untimed(out))
	out, _ = mustQcodeErr(t, "-p", p, "memos")
	golden(t, "memos.txt", untimed(out))
	// Filters, as the memo browser offers them.
	for _, tc := range []struct {
		args []string
		want []string // the "on" column, in order
	}{
		{[]string{"--kind", "segment"}, []string{"R013", "R013"}},
		{[]string{"--kind", "journal,case"}, []string{"journal #1", "journal #2", "interview-lead-01:Jane Smith"}},
		{[]string{"--kind", "Codings"}, []string{"Motivations/Career progression on R012"}},
		{[]string{"--coder", "bob"}, []string{"journal #2", "R013"}},
		{[]string{"--code", "Barriers"}, []string{"Barriers/Framework complexity", "R013", "R013"}},
		{[]string{"--source", "interview-lead-01"}, []string{"interview-lead-01", "interview-lead-01:Jane Smith"}},
	} {
		out := mustQcode(t, append([]string{"-p", p, "memos", "--format", "csv"}, tc.args...)...)
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
			got = append(got, strings.Split(line, ",")[1])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("memos %v: %q, want %q", tc.args, got, tc.want)
		}
	}
	if out := mustQcode(t, "-p", p, "info"); !regexp.MustCompile(`\nmemos +8\n`).MatchString(out) {
		t.Errorf("info does not count the memos:\n%s", out)
	}
	// Deleting a code says what goes with it, its memos too.
	if _, errs, code := qcode(t, "-p", p, "codebook", "delete", "Barriers/Framework complexity"); code != 1 ||
		!strings.Contains(errs, "(1 code, 2 codings on 1 segment, 1 memo on the codes)?") {
		t.Errorf("delete without --yes: exit %d %q", code, errs)
	}
}

// Memos travel with the report only when asked, anonymous and redacted:
// a case's name in a memo is [name], a segment is named by its quote
// attribution, not its ID.
func TestExportMemos(t *testing.T) {
	p := memoStudy(t)
	doc, errs := mustQcodeErr(t, "-p", p, "export", "--format", "md", "-")
	if strings.Contains(doc, "## Memos") {
		t.Errorf("memos exported without --memos")
	}
	doc, errs = mustQcodeErr(t, "-p", p, "export", "--format", "md", "-", "--memos")
	i := strings.Index(doc, "## Memos")
	if i < 0 {
		t.Fatalf("no memos:\n%s", doc)
	}
	golden(t, "export-memos.md", untimed(doc[i:]))
	for _, leak := range []string{"Jane", "R013", "R012"} {
		if strings.Contains(doc[i:], leak) {
			t.Errorf("the memos print %q", leak)
		}
	}
	if !strings.Contains(errs, `redacted: interview-lead-01#2: name "Jane Smith" in a memo`) {
		t.Errorf("stderr lacks the memo's redaction:\n%s", errs)
	}
	// --show-ids names what each memo is on.
	doc, _ = mustQcodeErr(t, "-p", p, "export", "--format", "md", "-", "--memos", "--show-ids")
	if !strings.Contains(doc, "**R013** · alice") {
		t.Errorf("--show-ids does not name the segment:\n%s", doc[strings.Index(doc, "## Memos"):])
	}
}

// memo set and delete: what they write, what they refuse, and undo.
func TestMemoCommand(t *testing.T) {
	p := memoStudy(t)
	before := mustQcode(t, "-p", p, "memos", "--format", "json")
	for _, tc := range []struct {
		args  []string
		stdin string
		code  int
		msg   string // on stderr
	}{
		{[]string{"memo", "set", "--segment", "R023", "salary too"}, "", 0, "memo on segment R023 saved"},
		{[]string{"memo", "set", "--segment", "R023", "--append", "and development"}, "", 0, "memo on segment R023 saved"},
		{[]string{"memo", "set", "--source", "focus-group-01", "-"}, "line one\n\nline two\n", 0, "memo on source focus-group-01 saved"},
		{[]string{"memo", "set", "--journal", "--entry", "1", "Read it three times."}, "", 0, "journal entry #1 replaced"},
		{[]string{"memo", "set", "--journal", "--entry", "2", "mine now"}, "", 1, "that journal entry is bob's: you may edit only your own"},
		{[]string{"memo", "set", "--journal", "--entry", "9", "x"}, "", 1, "no journal entry #9 (the journal has 2)"},
		{[]string{"memo", "set", "--segment", "R023", "salary too\n\nand development"}, "", 0, "already says that; nothing changed"},
		{[]string{"memo", "set", "--segment", "R999", "x"}, "", 1, `no segment "R999"`},
		{[]string{"memo", "set", "--code", "Nope", "x"}, "", 1, `no code "Nope"`},
		{[]string{"memo", "set", "--case", "P9", "x"}, "", 1, `no case "P9"`},
		{[]string{"memo", "set", "--segment", "R023", "--code", "Barriers", "x"}, "", 1, "have not coded R023 with Barriers"},
		{[]string{"memo", "set", "x"}, "", 2, "name one thing to write on"},
		{[]string{"memo", "set", "--segment", "R023", "--source", "focus-group-01", "x"}, "", 2, "name one thing to write on"},
		{[]string{"memo", "set", "--segment", "R023", "--entry", "1", "x"}, "", 2, "--entry goes with --journal"},
		{[]string{"memo", "set", "--segment", "R023", "  "}, "", 2, "the memo is empty"},
		{[]string{"memo", "set", "--segment", "R023"}, "", 2, "needs the memo's TEXT"},
		{[]string{"memo", "delete", "--journal"}, "", 2, "--journal --entry N"},
		{[]string{"memo", "delete", "--segment", "R012"}, "", 1, "you have no memo on segment R012"},
		{[]string{"memo", "delete", "--segment", "R023"}, "", 0, "memo on segment R023 deleted"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errs, code := qcodeIn(t, tc.stdin, append([]string{"-p", p}, tc.args...)...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Errorf("exit %d, want %d; stderr %q, want %q", code, tc.code, errs, tc.msg)
			}
		})
	}
	if out := mustQcode(t, "-p", p, "memos", "--source", "focus-group-01", "--format", "json"); !strings.Contains(out, `"text": "line one\n\nline two"`) {
		t.Errorf("memo from stdin:\n%s", out)
	}
	// Undo takes each back, one by one: alice made five changes that stuck.
	for range 5 {
		mustQcodeErr(t, "-p", p, "undo")
	}
	if after := mustQcode(t, "-p", p, "memos", "--format", "json"); after != before {
		t.Errorf("after five undos:\n%s\nwant\n%s", after, before)
	}
}

// code --search/--filter: one action, counted, that undo takes back; more
// than 100 segments need --yes without a terminal.
func TestCodeCommand(t *testing.T) {
	p, dir := project(t)
	// A1 holds "pay"; A1 and A2 are P1's, a social worker's.
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--search", "PAY", "--code", "Motivations/Salary and reward"}, 0, "coded 1 segment with Motivations/Salary and reward\n"},
		{[]string{"--filter", "role=Social worker", "--code", "Motivations/Salary and reward"}, 0, "coded 1 segment with Motivations/Salary and reward (1 already had it)"},
		{[]string{"--filter", "role=Social worker", "--filter", "uncoded", "--code", "Barriers"}, 0, "no segment matches (role = Social worker · not coded): nothing coded"},
		{[]string{"--filter", "uncoded", "--code", "Barriers/Travel and distance"}, 0, "coded 1 segment with Barriers/Travel and distance"},
		{[]string{"--search", "pay", "--code", "Nope"}, 1, `no code "Nope" (add it with: qcode codebook add Nope)`},
		{[]string{"--search", "pay"}, 2, "name the code to apply: --code PATH"},
		{[]string{"--code", "Barriers"}, 2, "say which segments: --search TEXT and/or --filter"},
		{[]string{"--filter", "nonsense", "--code", "Barriers"}, 2, `filter "nonsense": write code=PATH`},
		{[]string{"--filter", "coder=zoe", "--code", "Barriers"}, 1, `no coder "zoe"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errs, code := qcode(t, append([]string{"-p", p, "code"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Errorf("exit %d, want %d; stderr %q, want %q", code, tc.code, errs, tc.msg)
			}
		})
	}
	// The log names the action; one undo takes every coding of it back.
	if out := mustQcode(t, "-p", p, "log"); !strings.Contains(out, "code 1 segment with Barriers/Travel and distance") {
		t.Errorf("log:\n%s", out)
	}
	mustQcodeErr(t, "-p", p, "undo")
	if out := mustQcode(t, "-p", p, "segments", "--code", "Barriers", "--format", "csv"); strings.Count(out, "\n") != 1 {
		t.Errorf("after undo, Barriers is on:\n%s", out)
	}

	// 120 answers: more than 100 matches are refused without --yes.
	var csv strings.Builder
	csv.WriteString("id,answer\n")
	for i := range 120 {
		fmt.Fprintf(&csv, "B%03d,answer %d about workload\n", i, i)
	}
	write(t, filepath.Join(dir, "many.csv"), csv.String())
	mustQcodeErr(t, "-p", p, "import", filepath.Join(dir, "many.csv"), "--text-col", "answer", "--id-col", "id")
	_, errs, code := qcode(t, "-p", p, "code", "--search", "workload", "--code", "Barriers/Workload and time")
	if code != 1 || !strings.Contains(errs, "120 segments match (text “workload”); nothing coded: add --yes to code more than 100 at once") {
		t.Errorf("exit %d: %s", code, errs)
	}
	_, errs = mustQcodeErr(t, "-p", p, "code", "--search", "workload", "--code", "Barriers/Workload and time", "--yes")
	if !strings.Contains(errs, "coded 120 segments with Barriers/Workload and time") {
		t.Errorf("with --yes: %s", errs)
	}
}

// segments combines --filter, --attr (repeatable) and the older flags
// with AND.
func TestSegmentsFilters(t *testing.T) {
	p := reportProject(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--filter", "role=PQ lead"}, "R012 R013 R017"},
		{[]string{"--filter", "role=PQ lead", "--filter", "question_id=Q17"}, "R012 R013"},
		{[]string{"--attr", "role=PQ lead", "--attr", "question_id=Q17", "--text", "framework"}, "R013"},
		{[]string{"--filter", "coder=bob", "--filter", "role=PQ lead"}, "R013"},
		{[]string{"--filter", "starred", "--filter", "role=PQ lead"}, "R012 R013"},
		{[]string{"--filter", "starred", "--filter", "role=PQ lead", "--coder", "bob"}, ""},
	} {
		out := mustQcode(t, append([]string{"-p", p, "segments", "--format", "csv"}, tc.args...)...)
		var ids []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
			ids = append(ids, strings.Split(line, ",")[0])
		}
		if got := strings.Join(ids, " "); got != tc.want {
			t.Errorf("segments %v: %s, want %s", tc.args, got, tc.want)
		}
	}
}
