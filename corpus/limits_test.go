package corpus

import (
	"archive/zip"
	"bytes"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"qcode/corpus/docx/docxtest"
)

// strayXFD is a long survey sheet of n answers with one more cell, holding
// a space, at the given cell far to the right (XFD is Excel's last column):
// what a stray key press leaves in a real export.
func strayXFD(tb testing.TB, n int, stray string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	head := []any{"response_id", "respondent", "role", "question", "response"}
	must(f.SetSheetRow("Sheet1", "A1", &head))
	roles := []string{"Social worker", "Manager", "PQ lead"}
	for i := range n {
		row := []any{"R" + strconv.Itoa(i+1), "P" + strconv.Itoa(i/3+1), roles[i%3], "Q" + strconv.Itoa(i%7+1),
			"Answer " + strconv.Itoa(i+1) + ": protected study time, backfill for cover, and a manager who asks about it."}
		must(f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &row))
	}
	if stray != "" {
		must(f.SetCellValue("Sheet1", stray, " "))
	}
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

// allocated returns the bytes fn allocates on the heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestXLSXStrayCellAtXFD(t *testing.T) {
	// Padding every row to the stray cell's width took 16,384 cells a row:
	// 1,000 rows allocated a quarter of a GiB (160,000 rows ran for minutes).
	for _, stray := range []string{"XFD1", "XFD700"} {
		t.Run(stray, func(t *testing.T) {
			data := strayXFD(t, 1000, stray)
			var src *Source
			var err error
			n := allocated(func() {
				src, err = Parse("stray.xlsx", data, Options{TextCol: "response", IDCol: "response_id"})
			})
			if err != nil {
				t.Fatal(err)
			}
			if n > 32<<20 {
				t.Errorf("reading 1,000 rows allocated %d MiB: the stray cell widened every row", n>>20)
			}
			if len(src.Segments) != 1000 {
				t.Fatalf("%d segments, want 1000", len(src.Segments))
			}
			sameLines(t, "first segment", describeAll(src.Segments[:1]), []string{
				`R1 "Answer 1: protected study time, backfill for cover, and a manager who asks about it." {respondent=P1; role=Social worker; question=Q1}`,
			})
		})
	}
}

func TestXLSXValueAtXFDIsRefused(t *testing.T) {
	data := buildXLSX(t, [][]any{{"id", "answer"}, {"A", "x"}})
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Sheet1", "XFD2", "stray"); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("stray.xlsx", buf.Bytes(), Options{TextCol: "answer"})
	wantError(t, err, "stray.xlsx: row 2: value in column XFD, which has no header")
}

func TestSheetLimits(t *testing.T) {
	rows := "id,answer\nA,x\nB,y\nC,z\n"
	xlsxRows := buildXLSX(t, [][]any{{"id", "answer"}, {"A", "x"}, {"B", "y"}, {"C", "z"}})
	wide := buildXLSX(t, [][]any{{"id", "role", "answer"}, {"A", "Lead", "x"}})
	strayEverywhere := buildXLSX(t, [][]any{{"id", "answer"}, {"A", "x"}, {"B", "y"}})
	f, err := excelize.OpenReader(bytes.NewReader(strayEverywhere))
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 3; r++ {
		if err := f.SetCellValue("Sheet1", "XFD"+strconv.Itoa(r), " "); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	strayEverywhere = buf.Bytes()

	tests := []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"rows.csv", []byte(rows), Limits{Rows: 2}, "rows.csv: line 4: more than 2 rows (the limit)"},
		{"rows.xlsx", xlsxRows, Limits{Rows: 2}, `rows.xlsx: sheet "Sheet1", row 4: more than 2 rows (the limit)`},
		{"cols.csv", []byte("id,role,answer\nA,Lead,x\n"), Limits{Columns: 2}, "cols.csv: line 1: more than 2 fields on one line (the limit)"},
		{"commas.csv", []byte("id,answer\nA,x" + strings.Repeat(",", 5000) + "\n"), Limits{}, "commas.csv: line 2: more than 4,096 fields on one line (the limit)"},
		{"cols.xlsx", wide, Limits{Columns: 2}, `cols.xlsx: sheet "Sheet1", row 1: more than 2 columns (the limit)`},
		{"cells.csv", []byte(rows), Limits{Cells: 5}, "cells.csv: line 3: more than 5 cells (the limit)"},
		{"cells.xlsx", xlsxRows, Limits{Cells: 5}, `cells.xlsx: sheet "Sheet1", row 3: more than 5 cells (the limit), counting blank cells up to the last filled one of each row: clear stray cells far to the right, or save the sheet as CSV`},
		{"stray.xlsx", strayEverywhere, Limits{Cells: 20000}, `stray.xlsx: sheet "Sheet1", row 2: more than 20,000 cells (the limit), counting blank cells up to the last filled one of each row: clear stray cells far to the right, or save the sheet as CSV`},
		{"strings.xlsx", xlsxRows, Limits{SharedStrings: 7}, "strings.xlsx: more than 7 shared strings (the limit): save the sheet as CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Parse(tt.name, tt.data, Options{TextCol: "answer", Limits: tt.lim})
			checkSource(t, src, err)
			wantError(t, err, tt.want)
		})
	}
	// At the limits, the same files are read.
	for _, tt := range []struct {
		name string
		data []byte
		lim  Limits
	}{
		{"rows.csv", []byte(rows), Limits{Rows: 3, Cells: 8}},
		{"rows.xlsx", xlsxRows, Limits{Rows: 3, Cells: 8, SharedStrings: 8}},
		{"cols.xlsx", wide, Limits{Columns: 3}},
	} {
		if _, err := Parse(tt.name, tt.data, Options{TextCol: "answer", Limits: tt.lim}); err != nil {
			t.Errorf("%s at its limits: %v", tt.name, err)
		}
	}
}

// replacePart returns the zip archive data with one part's content replaced.
func replacePart(t testing.TB, data []byte, name, content string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range zr.File {
		out, err := w.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			_, err = io.WriteString(out, content)
		} else {
			var in io.ReadCloser
			if in, err = f.Open(); err == nil {
				_, err = io.Copy(out, in)
				in.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestXLSXDeepXML(t *testing.T) {
	// encoding/xml keeps an entry for every open element: nested elements by
	// the million, from a few KiB of zip, would take gigabytes.
	sheet := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		strings.Repeat("<x>", 100_000) + strings.Repeat("</x>", 100_000) + `</sheetData></worksheet>`
	data := replacePart(t, buildXLSX(t, [][]any{{"id", "answer"}, {"A", "x"}}), "xl/worksheets/sheet1.xml", sheet)
	_, err := Parse("deep.xlsx", data, Options{TextCol: "answer"})
	wantError(t, err, "deep.xlsx: damaged XLSX file (xl/worksheets/sheet1.xml nests elements more than 256 deep)")
}

// nestedDOCX is a document of n paragraphs each inside the one before,
// closed or not: a few hundred KiB of XML that packs into little.
func nestedDOCX(n int, closed bool) []byte {
	body := strings.Repeat("<w:p><w:r><w:t>x</w:t></w:r>", n)
	if closed {
		body += strings.Repeat("</w:p>", n)
	}
	return docxtest.Document(body)
}

func TestDOCXLimits(t *testing.T) {
	flat := docxtest.Document(strings.Repeat("<w:p><w:r><w:t>A paragraph.</w:t></w:r></w:p>", 11))
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"deep.docx", nestedDOCX(100_000, true), Limits{}, "deep.docx: word/document.xml nests elements more than 256 deep (the limit)"},
		{"unclosed.docx", nestedDOCX(100_000, false), Limits{}, "unclosed.docx: word/document.xml nests elements more than 256 deep (the limit)"},
		{"lowered.docx", nestedDOCX(10, true), Limits{Depth: 10}, "lowered.docx: word/document.xml nests elements more than 10 deep (the limit)"},
		{"many.docx", flat, Limits{Paragraphs: 10}, "many.docx: more than 10 paragraphs (the limit)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Parse(tt.name, tt.data, Options{Limits: tt.lim})
			checkSource(t, src, err)
			wantError(t, err, tt.want)
		})
	}
	if _, err := Parse("many.docx", flat, Options{Limits: Limits{Paragraphs: 11}}); err != nil {
		t.Errorf("at the paragraph limit: %v", err)
	}
}

func TestNotesLineLimit(t *testing.T) {
	notes := "Anna: one\nBen: two\n\nAnna: three\n" // five lines, the last empty
	_, err := Parse("notes.txt", []byte(notes), Options{Limits: Limits{Paragraphs: 4}})
	wantError(t, err, "notes.txt: more than 4 lines (the limit)")
	if _, err := Parse("notes.txt", []byte(notes), Options{Limits: Limits{Paragraphs: 5}}); err != nil {
		t.Errorf("at the line limit: %v", err)
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", 61)
	tests := map[string]string{
		"":                                    "",
		"short":                               "short",
		strings.Repeat("a", 60):               strings.Repeat("a", 60),
		strings.Repeat("a", 61):               strings.Repeat("a", 60) + "…",
		long:                                  strings.Repeat("é", 60) + "…",
		strings.Repeat("\xff", 70):            strings.Repeat("\ufffd", 60) + "…",
		"000000" + strings.Repeat("\x06", 60): "000000" + strings.Repeat("\u2406", 54) + "…", // stand-ins, one rune each
		strings.Repeat("a", 59) + "日本":        strings.Repeat("a", 59) + "日…",
	}
	for in, want := range tests {
		if got := Excerpt(in); got != want {
			t.Errorf("Excerpt(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorsQuoteShortExcerpts(t *testing.T) {
	// A value read from the file is quoted cut to 60 runes and "…": a 1 MB
	// header line (50 MB in the wild) is not echoed whole.
	big := strings.Repeat("x", 1<<20)
	tests := []struct {
		name string
		data string
		opts Options
		want string // the start of the message, up to the excerpt
	}{
		{"header.csv", big + "\nA\n", Options{TextCol: "answer"}, `header.csv: no column "answer" (columns: xxxx`},
		{"dupcol.csv", big + "," + big + "\nA,B\n", Options{TextCol: "answer"}, `dupcol.csv: line 1: duplicate column "xxxx`},
		{"dupid.csv", "id,answer\n" + big + ",a\n" + big + ",b\n", Options{TextCol: "answer", IDCol: "id"}, `dupid.csv: line 3: duplicate id "xxxx`},
		{"noanswers.csv", "id," + big + "\nA,\n", Options{TextCol: big}, `noanswers.csv: no answers in column "xxxx`},
		{"notext.csv", "id," + big + "\nA,1\nB,2\n", Options{}, `notext.csv: say which column holds the answers`},
		{"idcol.csv", "a," + big + "\nA,x\n", Options{TextCols: []string{big}, IDCol: big}, `idcol.csv: column "xxxx`},
		// YAML takes keys of up to 1,024 characters.
		{"front.md", "---\n" + big[:1000] + ": 1\n" + big[:1000] + ": 2\n---\nText.\n", Options{}, `front.md: line 3: front matter: key xxxx`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.name, []byte(tt.data), tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.want) {
				t.Errorf("error %q does not start %q", Cut(msg, 200), tt.want)
			}
			if n := utf8.RuneCountInString(msg); n > 600 {
				t.Errorf("error of %d runes: %q", n, Cut(msg, 200))
			}
		})
	}
	// Cases sheets too.
	_, err := ParseCases("cases.csv", []byte(big+"\nA\n"), Options{IDCol: "id"})
	if err == nil || utf8.RuneCountInString(err.Error()) > 600 {
		t.Errorf("cases sheet error: %v", err)
	}
}

func TestLongQuestionHeadersAreProposedWhole(t *testing.T) {
	// Survey exports use the question as the header: the proposal of
	// --text-cols must still be something to paste back.
	q1 := "What further support do you believe that PQ leads need in your authority and why?"
	q2 := "What if anything stopped you from taking up post-qualifying learning in the last year?"
	data := "id," + q1 + "," + q2 + "\n" +
		"A,Protected study time and a manager who asks about it,Workload and no backfill at all\n" +
		"B,Funding for the whole course and time to write it up,Travel to the university took hours\n"
	_, err := Parse("wide.csv", []byte(data), Options{})
	want := "wide.csv: say which column holds the answers: --text-col C (one row per answer) or --text-cols '" + q1 + "," + q2 +
		"' (one row per respondent); free-text columns: " + Excerpt(q1) + ", " + Excerpt(q2)
	wantError(t, err, want)
}
