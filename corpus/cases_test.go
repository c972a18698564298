package corpus

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadCases(t *testing.T) {
	cases, err := ReadCases(filepath.Join("testdata", "cases.csv"), Options{IDCol: "participant"})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "cases", describeCases(cases), []string{
		"Anna {role=Social worker; org_size=medium; geography=rural}",
		"P1 {role=Learning lead; geography=island}",
		"P2 {role=Manager; org_size=large}",
	})

	// XLSX, a chosen sheet.
	cases, err = ReadCases(filepath.Join("testdata", "answers.xlsx"), Options{IDCol: "id", Sheet: "Wide"})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "cases", describeCases(cases), []string{
		"W1 {role=Lead; Why did you apply?=Career.; What got in the way?=Time.}",
		"W2 {role=Worker; What got in the way?=Budget cuts.}",
		"W3 {role=Worker}",
	})
}

// A cases sheet with source and speaker columns maps transcript speakers
// to cases: one id over several rows joins them; a row without an id
// gives the speaker's own case attributes.
func TestReadSpeakerCases(t *testing.T) {
	sheet := "Source,Speaker,case,role\n" +
		"interview-lead-03,LL03,Learning lead 3,Learning lead\n" +
		"interview-lead-03-followup,LL03,Learning lead 3,\n" +
		"fg2,P1,,Social worker\n" +
		",,S01,Survey respondent\n"
	cases, err := ParseCases("speakers.csv", []byte(sheet), Options{IDCol: "case"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cases {
		got = append(got, c.Source+"/"+c.Speaker+" → "+c.Name+" "+attrs(c.Attributes))
	}
	sameLines(t, "cases", got, []string{
		"interview-lead-03/LL03 → Learning lead 3 {role=Learning lead}",
		"interview-lead-03-followup/LL03 → Learning lead 3 {}",
		"fg2/P1 →  {role=Social worker}",
		"/ → S01 {role=Survey respondent}",
	})
	// Without an id column, and with the columns named by flags.
	cases, err = ParseCases("speakers.csv", []byte("file,label,role\nfg3,P2,Manager\n"), Options{SourceCol: "file", SpeakerCol: "label"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 || cases[0].Source != "fg3" || cases[0].Speaker != "P2" || cases[0].Name != "" || attrs(cases[0].Attributes) != "{role=Manager}" {
		t.Errorf("cases %+v", cases)
	}
	// A sheet with only one of the two columns is an ordinary cases sheet.
	cases, err = ParseCases("c.csv", []byte("case,source,role\nP1,referral,Manager\n"), Options{IDCol: "case"})
	if err != nil || len(cases) != 1 || cases[0].Source != "" || attrs(cases[0].Attributes) != "{source=referral; role=Manager}" {
		t.Errorf("cases %+v, %v", cases, err)
	}
}

func TestCasesErrors(t *testing.T) {
	tests := []struct{ name, data, id, want string }{
		{"c.csv", "name,role\nA,x\nA,y\n", "name", `c.csv: line 3: duplicate id "A" (also on line 2)`},
		{"c.csv", "name,role\nA,x\n,y\n", "name", `c.csv: line 3: empty id in column "name"`},
		{"c.csv", "name,role\nA,x\n", "who", `c.csv: no column "who" (columns: name, role)`},
		{"c.csv", "name,role\nA,x\n", "", `c.csv: say which column names the cases (--id-col; columns: name, role)`},
		{"c.csv", "name,role\n,\n", "name", `c.csv: no cases in column "name"`},
		{"c.csv", "name,role\nA,\"x\n", "name", `c.csv: line 2: unterminated quoted field`},
		{"c.txt", "name: x\n", "name", `c.txt: a cases sheet must be CSV, TSV or XLSX`},
		{"c.xlsx", "name,role\n", "name", `c.xlsx: not an XLSX file`},
	}
	for _, tt := range tests {
		_, err := ParseCases(tt.name, []byte(tt.data), Options{IDCol: tt.id})
		wantError(t, err, tt.want)
	}
	speakers := []struct{ data, want string }{
		{"source,speaker,case\nfg2,P1,A\nfg2,P1,B\n", `s.csv: line 3: speaker "P1" of source "fg2" appears twice (also on line 2)`},
		{"source,speaker,case\nfg2,,A\n", `s.csv: line 2: give both the source and the speaker (columns "source" and "speaker")`},
		{"source,speaker,role\n,,x\n", `s.csv: line 2: no source and speaker, and no --id-col to name the case`},
	}
	for _, tt := range speakers {
		_, err := ParseCases("s.csv", []byte(tt.data), Options{IDCol: map[bool]string{true: "case"}[strings.Contains(tt.data, "case")]})
		wantError(t, err, tt.want)
	}
	_, err := ParseCases("s.csv", []byte("source,speaker\n"), Options{SourceCol: "source"})
	wantError(t, err, "s.csv: give both --source-col and --speaker-col")
	_, err = ReadCases(filepath.Join("testdata", "answers.xlsx"), Options{IDCol: "id", Sheet: "Cases"})
	wantError(t, err, `answers.xlsx: sheet "Cases": no such sheet (sheets: Answers, Wide)`)
	_, err = ParseCases("c.txt", nil, Options{IDCol: "id"})
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("%v is not ErrUnsupported", err)
	}
}
