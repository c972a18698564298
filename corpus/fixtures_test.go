package corpus

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"qcode/corpus/docx/docxtest"
)

// The binary fixtures (other encodings, XLSX, DOCX) and the fuzz seeds are
// built here and committed; rebuild them with
//
//	go test ./corpus -run TestGeneratedFixtures -update
var update = flag.Bool("update", false, "rewrite the generated fixtures under testdata/")

// encodedAnswers is one answer sheet, to be written in several encodings.
const encodedAnswers = "id,answer\nE1,café – £5 is “too much”\n"

// encodedNotes are notes with turns, to be written in several encodings.
const encodedNotes = "Interviewer: Café or tea?\r\nAnna: Tea – £1 is “fine”.\r\n"

func encode(t testing.TB, e encoding.Encoding, bom []byte, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return append(append([]byte(nil), bom...), b...)
}

var (
	utf16LE = xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
	utf16BE = xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)
	utf8Enc = xunicode.UTF8
)

// generated lists every built fixture by its path under testdata/.
func generated(t testing.TB) map[string][]byte {
	files := map[string][]byte{
		"enc-utf8bom.csv":       encode(t, utf8Enc, bomUTF8, encodedAnswers),
		"enc-utf16le.csv":       encode(t, utf16LE, bomUTF16LE, encodedAnswers),
		"enc-utf16be.csv":       encode(t, utf16BE, bomUTF16BE, encodedAnswers),
		"enc-cp1252.csv":        encode(t, charmap.Windows1252, nil, encodedAnswers),
		"enc-utf16le.txt":       encode(t, utf16LE, bomUTF16LE, encodedNotes),
		"enc-utf16be.txt":       encode(t, utf16BE, bomUTF16BE, encodedNotes),
		"enc-cp1252.txt":        encode(t, charmap.Windows1252, nil, encodedNotes),
		"answers.xlsx":          answersXLSX(t),
		"interview.docx":        interviewDOCX(),
		"paragraphs.docx":       paragraphsDOCX(),
		"not-a-docx.docx":       []byte("This is plain text saved with the wrong extension.\n"),
		"no-document.docx":      docxtest.Zip(map[string]string{"word/other.xml": "<x/>"}),
		"enc-utf16le-nobom.csv": encode(t, utf16LE, nil, encodedAnswers),
		"enc-utf16be-nobom.csv": encode(t, utf16BE, nil, encodedAnswers),
	}
	for name, data := range fuzzSeeds(t, files) {
		files[name] = data
	}
	return files
}

// answersXLSX is a workbook with a long sheet "Answers" (a numeric cell, a
// row without an answer, a blank row, a two-line answer) and a wide sheet
// "Wide" (short rows, which spreadsheets store without their trailing blanks).
func answersXLSX(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Answers"))
	long := [][]any{
		{"response_id", "respondent", "role", "years", "response"},
		{"X1", "P1", "Social worker", 3, "Learning on the job, with a mentor."},
		{"X2", "P2", "Manager"},
		nil,
		{"X3", "P2", "Manager", 12, "Line one\r\nline two"},
	}
	for i, row := range long {
		if row != nil {
			must(f.SetSheetRow("Answers", "A"+strconv.Itoa(i+1), &row))
		}
	}
	_, err := f.NewSheet("Wide")
	must(err)
	wide := [][]any{
		{"id", "role", "Why did you apply?", "What got in the way?"},
		{"W1", "Lead", "Career.", "Time."},
		{"W2", "Worker", "", "Budget cuts."},
		{"W3", "Worker"},
	}
	for i, row := range wide {
		must(f.SetSheetRow("Wide", "A"+strconv.Itoa(i+1), &row))
	}
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

// interviewDOCX is an interview in Word: a title, heading styles (one with a
// German style id), bold speaker names, a typed "Name:" turn, a numbered
// question, tracked changes, a tab and a line break.
func interviewDOCX() []byte {
	return docxtest.Build(
		docxtest.H("Title", "Interview 7: learning lead"),
		docxtest.P("Notes typed after the call."),
		docxtest.H("Heading1", "Motivations"),
		docxtest.Turn("Interviewer", "Why did you apply?"),
		docxtest.Turn("Lead", "To keep up to date."),
		docxtest.Paragraph{Runs: []docxtest.Run{
			{Text: "And for the "},
			{Text: "wages", Deleted: true},
			{Text: "salary", Inserted: true},
			{Text: ", mostly."},
		}},
		docxtest.Paragraph{Numbered: true, Style: "ListParagraph", Runs: []docxtest.Run{{Text: "What got in the way?"}}},
		docxtest.P("Interviewer: Plain typed turn."),
		docxtest.Turn("Lead", "Time.\tNo backfill.\nNone at all."),
		docxtest.H("berschrift1", "Other"),
		docxtest.P(""),
		docxtest.Turn("Lead", "Nothing else."),
	)
}

// paragraphsDOCX has no turns: a list question, bold inside a sentence, a
// single "Note:" line, a table, a text box (whose mc:Fallback copy must not
// be read twice), a field code and hidden text.
func paragraphsDOCX() []byte {
	return docxtest.Document(`<w:p><w:r><w:t>First paragraph.</w:t></w:r></w:p>` +
		`<w:p/>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>Who decides?</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t xml:space="preserve">The manager </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>always</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p>` +
		`<w:p><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>Note: one turn marker only.</w:t></w:r></w:p>` +
		`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>In a table cell.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
		`<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>In a text box.</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>` +
		`<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>In a text box.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>` +
		`<w:r><w:t>Beside the box.</w:t></w:r></w:p>` +
		`<w:p><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden </w:t></w:r><w:r><w:t>Visible.</w:t></w:r></w:p>`)
}

// fuzzSeeds are the committed seed corpora of the fuzz targets, in go test's
// corpus file format.
func fuzzSeeds(t testing.TB, built map[string][]byte) map[string][]byte {
	read := func(name string) []byte {
		if b, ok := built[name]; ok {
			return b
		}
		return fixture(t, name)
	}
	seeds := map[string][]any{}
	add := func(target, name string, args ...any) {
		seeds[filepath.Join("fuzz", target, name)] = args
	}
	add("FuzzReadCSV", "long", read("long.csv"), "response", "response_id")
	add("FuzzReadCSV", "wide", read("wide.csv"), "Why did you apply?,What got in the way?", "id")
	add("FuzzReadCSV", "semicolon", read("semicolon.csv"), "answer", "")
	add("FuzzReadCSV", "unterminated", read("unterminated.csv"), "answer", "id")
	add("FuzzReadCSV", "ragged", read("ragged.csv"), "answer", "id")
	add("FuzzReadCSV", "binary", read("binary.csv"), "", "")
	add("FuzzReadCSV", "utf16le", read("enc-utf16le.csv"), "answer", "id")
	add("FuzzReadCSV", "utf16-nobom", read("enc-utf16be-nobom.csv"), "answer", "id")
	add("FuzzReadCSV", "cp1252", read("enc-cp1252.csv"), "answer", "")
	add("FuzzReadCSV", "slash-ids", []byte("id,a,a/b\nx/a,1,2\nx,3,4\n"), "a,a/b", "id")
	add("FuzzReadCSV", "lone-quote", []byte("\""), "", "")
	add("FuzzReadCSV", "bom-only", []byte("\xff\xfe"), "", "")
	add("FuzzReadCSV", "nameless", []byte("a,,\n1,,\n,,x\n"), "a", "")
	add("FuzzReadCSV", "many-commas", []byte("id,answer\nA,x"+strings.Repeat(",", 5000)+"\n"), "answer", "id")
	add("FuzzReadCSV", "long-header", []byte(strings.Repeat("h", 2000)+",answer\nA,x\nA,y\n"), "answer", strings.Repeat("h", 2000))
	add("FuzzReadNotes", "interview", read("interview.txt"), false)
	add("FuzzReadNotes", "focus-group", read("focus-group.md"), true)
	add("FuzzReadNotes", "topic-guide", read("topic-guide.txt"), false)
	add("FuzzReadNotes", "utf16be", read("enc-utf16be.txt"), false)
	add("FuzzReadNotes", "unclosed-front-matter", []byte("---\nmethod: interview\n"), true)
	add("FuzzReadNotes", "nested-front-matter", []byte("---\na:\n  b: c\n---\nText.\n"), true)
	add("FuzzReadNotes", "alias-front-matter", []byte("---\na: &x [1, 2]\nb: *x\nc: [*x]\n---\nText.\n"), true)
	add("FuzzReadNotes", "markers-only", []byte("**:**\n[\n[]\n**A**\n# \nA:\nB:\n"), true)
	add("FuzzReadNotes", "headings-only", []byte("# One\n## Two\nQ3. Three?\n"), true)
	add("FuzzReadDOCX", "interview", read("interview.docx"))
	add("FuzzReadDOCX", "paragraphs", read("paragraphs.docx"))
	add("FuzzReadDOCX", "not-zip", read("not-a-docx.docx"))
	add("FuzzReadDOCX", "no-document", read("no-document.docx"))
	add("FuzzReadDOCX", "truncated", read("interview.docx")[:len(read("interview.docx"))/2])
	add("FuzzReadDOCX", "bad-xml", docxtest.Zip(map[string]string{"word/document.xml": "<w:document><w:body><w:p>"}))
	add("FuzzReadDOCX", "deep", nestedDOCX(300, false))
	add("FuzzReadDOCX", "giant-tag", docxtest.Document("<w:p"+strings.Repeat(` a=""`, 5000)+"/>"))
	add("FuzzReadXLSX", "answers", read("answers.xlsx"), "")
	add("FuzzReadXLSX", "wide", read("answers.xlsx"), "Wide")
	add("FuzzReadXLSX", "truncated", read("answers.xlsx")[:len(read("answers.xlsx"))/2], "")
	add("FuzzReadXLSX", "docx", read("interview.docx"), "")
	add("FuzzReadXLSX", "ole", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...), "")
	add("FuzzReadXLSX", "stray-xfd", strayXFD(t, 3, "XFD2"), "")
	add("FuzzReadXLSX", "deep-sheet", replacePart(t, read("answers.xlsx"), "xl/worksheets/sheet1.xml",
		"<worksheet><sheetData>"+strings.Repeat("<row>", 300)+"</sheetData></worksheet>"), "")

	out := make(map[string][]byte, len(seeds))
	for name, args := range seeds {
		var b bytes.Buffer
		b.WriteString("go test fuzz v1\n")
		for _, a := range args {
			switch v := a.(type) {
			case []byte:
				fmt.Fprintf(&b, "[]byte(%q)\n", v)
			case string:
				fmt.Fprintf(&b, "string(%q)\n", v)
			case bool:
				fmt.Fprintf(&b, "bool(%v)\n", v)
			default:
				t.Fatalf("seed %s: no format for %T", name, a)
			}
		}
		out[name] = b.Bytes()
	}
	return out
}

func TestGeneratedFixtures(t *testing.T) {
	for name, want := range generated(t) {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v: run go test ./corpus -run TestGeneratedFixtures -update", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go test ./corpus -run TestGeneratedFixtures -update", path)
		}
	}
}
