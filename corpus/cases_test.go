package corpus

import (
	"errors"
	"path/filepath"
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
	_, err := ReadCases(filepath.Join("testdata", "answers.xlsx"), Options{IDCol: "id", Sheet: "Cases"})
	wantError(t, err, `answers.xlsx: sheet "Cases": no such sheet (sheets: Answers, Wide)`)
	_, err = ParseCases("c.txt", nil, Options{IDCol: "id"})
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("%v is not ErrUnsupported", err)
	}
}
