package corpus

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReadXLSX(t *testing.T) {
	data := fixture(t, "answers.xlsx")
	tests := []struct {
		opts     Options
		segments []string
		cases    []string
	}{
		{
			// The first sheet by default. Row 3 has no answer (and no trailing
			// cells); row 4 is blank; numbers read as shown.
			opts: Options{TextCol: "response", IDCol: "response_id", CaseCol: "respondent"},
			segments: []string{
				`X1 [P1] "Learning on the job, with a mentor." {role=Social worker; years=3}`,
				`X3 [P2] "Line one\nline two" {role=Manager; years=12}`,
			},
		},
		{
			// Generated IDs count sheet rows under the header, blank ones too.
			opts: Options{TextCol: "response", Sheet: "answers"},
			segments: []string{
				`answers#1 "Learning on the job, with a mentor." {response_id=X1; respondent=P1; role=Social worker; years=3}`,
				`answers#4 "Line one\nline two" {response_id=X3; respondent=P2; role=Manager; years=12}`,
			},
		},
		{
			opts: Options{Sheet: "Wide", IDCol: "id", TextCols: []string{"Why did you apply?", "What got in the way?"}},
			segments: []string{
				`W1/Why did you apply? [W1] "Career." {question=Why did you apply?}`,
				`W1/What got in the way? [W1] "Time." {question=What got in the way?}`,
				`W2/What got in the way? [W2] "Budget cuts." {question=What got in the way?}`,
			},
			cases: []string{`W1 {role=Lead}`, `W2 {role=Worker}`},
		},
	}
	for _, tt := range tests {
		src, err := Parse("answers.xlsx", data, tt.opts)
		if err != nil {
			t.Fatalf("%+v: %v", tt.opts, err)
		}
		checkSource(t, src, nil)
		if src.Format != "xlsx" || src.Name != "answers" {
			t.Errorf("format %q name %q", src.Format, src.Name)
		}
		sameLines(t, "segments", describeAll(src.Segments), tt.segments)
		sameLines(t, "cases", describeCases(src.Cases), tt.cases)
	}
}

func TestXLSXErrors(t *testing.T) {
	data := fixture(t, "answers.xlsx")
	tests := []struct {
		name string
		data []byte
		opts Options
		want string
	}{
		{"answers.xlsx", data, Options{TextCol: "response", Sheet: "Nope"}, `answers.xlsx: sheet "Nope": no such sheet (sheets: Answers, Wide)`},
		{"answers.xlsx", data, Options{TextCol: "answer"}, `answers.xlsx: no column "answer" (columns: response_id, respondent, role, years, response)`},
		{"unanswered.xlsx", buildXLSX(t, [][]any{{"id", "q", "role"}, {"A", "", "Lead"}}), Options{TextCols: []string{"q"}, IDCol: "id"},
			`unanswered.xlsx: no answers in columns "q"`},
		{"text.xlsx", []byte("id,answer\n1,hello\n"), Options{TextCol: "answer"}, "text.xlsx: not an XLSX file"},
		{"half.xlsx", data[:len(data)/2], Options{TextCol: "answer"}, "half.xlsx: not an XLSX file"},
		{"empty.xlsx", nil, Options{TextCol: "answer"}, "empty.xlsx: empty file"},
		{"old.xlsx", append(append([]byte(nil), oleMagic...), make([]byte, 504)...), Options{TextCol: "answer"},
			"old.xlsx: not an XLSX file (an old .xls workbook, or one with a password: save it as .xlsx without a password)"},
		{"dupid.xlsx", buildXLSX(t, [][]any{{"id", "answer"}, {"A", "x"}, {"A", "y"}}), Options{TextCol: "answer", IDCol: "id"},
			`dupid.xlsx: row 3: duplicate id "A" (also on row 2)`},
		{"nameless.xlsx", buildXLSX(t, [][]any{{"id", "answer"}, {"A", "x", "stray"}}), Options{TextCol: "answer"},
			"nameless.xlsx: row 2: value in column C, which has no header"},
		{"dup.xlsx", buildXLSX(t, [][]any{nil, {"id", "answer", "id"}, {"A", "x"}}), Options{TextCol: "answer"},
			`dup.xlsx: row 2: duplicate column "id" (columns A and C)`},
		{"blank.xlsx", buildXLSX(t, nil), Options{TextCol: "answer"}, `blank.xlsx: sheet "Sheet1": empty sheet`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Parse(tt.name, tt.data, tt.opts)
			checkSource(t, src, err)
			wantError(t, err, tt.want)
		})
	}
}

func TestXLSXHeaderBelowBlankRows(t *testing.T) {
	data := buildXLSX(t, [][]any{nil, {"id", "answer"}, {"A", "first"}, nil, {"B", "second"}})
	src, err := Parse("late.xlsx", data, Options{TextCol: "answer"})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "segments", describeAll(src.Segments), []string{
		`late#1 "first" {id=A}`,
		`late#3 "second" {id=B}`,
	})
}

func TestXLSXNotAnXLSXUnwraps(t *testing.T) {
	_, err := Parse("x.xlsx", []byte("not a zip"), Options{})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Err == nil {
		t.Fatalf("want an InputError carrying excelize's cause, got %#v", err)
	}
}

// buildXLSX writes rows (nil = blank row) on Sheet1 of a new workbook.
func buildXLSX(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		if row == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXZipBomb(t *testing.T) {
	data := claimedSizeZip(t, "xl/worksheets/sheet1.xml", 100<<20)
	_, err := Parse("bomb.xlsx", data, Options{})
	wantError(t, err, fmt.Sprintf("bomb.xlsx: damaged XLSX file (%d KiB claim to unzip to 100 MiB)", len(data)>>10))
	data = claimedSizeZip(t, "xl/worksheets/sheet1.xml", 2<<30)
	_, err = Parse("huge.xlsx", data, Options{})
	wantError(t, err, "huge.xlsx: workbook too large (unzips to more than 1024 MiB): save the sheet as CSV")
}

// claimedSizeZip is a zip of one small entry whose header claims it unzips
// to size bytes, as a zip bomb (or a damaged directory) would.
func claimedSizeZip(t testing.TB, name string, size uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, err := w.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CompressedSize64: 3, UncompressedSize64: size})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write([]byte("<a>"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
