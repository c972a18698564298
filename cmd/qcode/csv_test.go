package main

import (
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"qcode/corpus"
)

// Survey answers, case ids, attribute values and memos that a spreadsheet
// would run as formulas are written with a quote before them in every CSV
// listing; numbers (a negative kappa) stay numbers; codings export keeps
// its cells as they are, so that codings import reads them back; a
// sample's segment list read from segments --format csv finds the IDs.
func TestCSVListingsForSpreadsheets(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.qcode")
	mustQcode(t, "init", p, "--codebook", "pq")
	write(t, filepath.Join(dir, "survey.csv"), "id,respondent,role,answer\n"+
		"=A1,R1,Social worker,\"=HYPERLINK(\"\"http://x.example\"\",\"\"click\"\")\"\n"+
		"A2,@R2,=cmd|' /C calc'!A0,No backfill and no time\n"+
		"A3,R3,PQ lead,-2+3 hours a week\n"+
		"A4,R4,PQ lead,+44 20 7946 0000 is my number\n")
	mustQcode(t, "-p", p, "import", filepath.Join(dir, "survey.csv"), "--text-col", "answer", "--id-col", "id", "--case-col", "respondent")
	// alice and bob never agree on the code: Cohen's κ = (0 − 0.5) / (1 − 0.5) = −1
	// (observed agreement 0; each coded half the units, so chance agreement
	// is 0.5 × 0.5 + 0.5 × 0.5 = 0.5).
	write(t, filepath.Join(dir, "codings.csv"), "segment,code,coder,start,end,starred,memo\n"+
		"=A1,Barriers/Workload and time,alice,,,true,\"=1+1\"\n"+
		"A2,Barriers/Workload and time,alice,,,,\n"+
		"A3,Barriers/Workload and time,bob,,,,\n"+
		"A4,Barriers/Workload and time,bob,,,,\n"+
		"A3,,alice,,,,\n"+"A4,,alice,,,,\n"+"=A1,,bob,,,,\n"+"A2,,bob,,,,\n")
	mustQcodeErr(t, "-p", p, "codings", "import", filepath.Join(dir, "codings.csv"))

	read := func(args ...string) [][]string {
		t.Helper()
		out := mustQcode(t, append([]string{"-p", p}, args...)...)
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%q: %v\n%s", args, err, out)
		}
		return rows
	}
	cells := func(rows [][]string) map[string]bool {
		m := map[string]bool{}
		for _, r := range rows {
			for _, c := range r {
				m[c] = true
			}
		}
		return m
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"segments", "--format", "csv"}, []string{"'=A1", "'=HYPERLINK(\"http://x.example\",\"click\")", "'@R2", "'-2+3 hours a week", "'+44 20 7946 0000 is my number"}},
		{[]string{"quotes", "--format", "csv", "--no-redact", "--show-ids"}, []string{"'=HYPERLINK(\"http://x.example\",\"click\")", "'=A1"}},
		{[]string{"memos", "--format", "csv"}, []string{"'=1+1"}},
		{[]string{"attributes", "--format", "csv"}, []string{"'=cmd|' /C calc'!A0"}},
		{[]string{"agree", "--format", "csv", "--codes", "Barriers/Workload and time"}, []string{"-1.000"}},
		{[]string{"disagreements", "--format", "csv"}, []string{"'=A1"}},
		{[]string{"report", "--format", "csv", "--by", "role"}, []string{"'=cmd|' /C calc'!A0 segments"}},
	} {
		got := cells(read(c.args...))
		for _, w := range c.want {
			if !got[w] {
				t.Errorf("%q: no cell %q in %v", c.args, w, got)
			}
		}
		for cell := range got {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) && !corpus.PlainNumber(cell) {
				t.Errorf("%q: cell %q would run as a formula", c.args, cell)
			}
		}
	}
	// codings export is read back by codings import: its cells as they are.
	export := mustQcode(t, "-p", p, "codings", "export")
	if !strings.Contains(export, "\n=A1,Barriers/Workload and time,alice,,,true,=1+1\n") {
		t.Errorf("codings export:\n%s", export)
	}
	// segments --format csv as a sample's list: the quote is not part of the ID.
	write(t, filepath.Join(dir, "ids.csv"), mustQcode(t, "-p", p, "segments", "--format", "csv", "--filter", "coder=alice"))
	mustQcodeErr(t, "-p", p, "sample", "mine", "--segments", filepath.Join(dir, "ids.csv"))
	if got := read("sample", "mine", "--format", "csv"); len(got) != 3 || got[1][0] != "'=A1" || got[2][0] != "A2" {
		t.Errorf("sample from segments csv: %q", got)
	}
}
