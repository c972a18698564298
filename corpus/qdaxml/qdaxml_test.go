package qdaxml

import (
	"bytes"
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"
	"time"

	"qcode/corpus"
)

// `go test ./... -update` passes -update to every test binary; this package
// has no golden files, so it accepts the flag and ignores it.
var _ = flag.Bool("update", false, "no golden files in this package")

// NameGUID is RFC 9562's version 5: the RFC's example, "www.example.com"
// in the DNS namespace, gives its published GUID.
func TestNameGUID(t *testing.T) {
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got := NameGUID(dns, "www.example.com"); got != "2ed6657d-e927-568b-95e1-2665a8aea6a2" {
		t.Errorf("NameGUID = %s", got)
	}
	for _, c := range []struct {
		s  string
		ok bool
	}{
		{"2ed6657d-e927-568b-95e1-2665a8aea6a2", true},
		{"{2ED6657D-E927-568B-95E1-2665A8AEA6A2}", true},
		{"2ed6657d-e927-568b-95e1-2665a8aea6a", false},
		{"{2ed6657d-e927-568b-95e1-2665a8aea6a2", false},
		{"2ed6657de927568b95e12665a8aea6a2", false},
	} {
		if ValidGUID(c.s) != c.ok {
			t.Errorf("ValidGUID(%q) = %v", c.s, !c.ok)
		}
	}
	if GUIDKey("{2ED6657D-E927-568B-95E1-2665A8AEA6A2}") != "2ed6657d-e927-568b-95e1-2665a8aea6a2" {
		t.Error("GUIDKey does not fold braces and case")
	}
}

// Source texts are read as REFI counts positions: the BOM dropped, UTF-16
// decoded, CRLF and CR made LF (and each CRLF's place kept), Windows-1252
// where the bytes are not UTF-8.
func TestDecodeText(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		text string
		crlf []int
	}{
		{"utf-8", []byte("a\nb"), "a\nb", nil},
		{"bom", []byte("\xef\xbb\xbfa\nb"), "a\nb", nil},
		{"crlf", []byte("ab\r\ncd\r\n"), "ab\ncd\n", []int{2, 5}},
		{"bom and crlf", []byte("\xef\xbb\xbfé\r\n💷\r\n"), "é\n💷\n", []int{1, 3}},
		{"lone cr", []byte("a\rb"), "a\nb", nil},
		{"utf-16le", []byte("\xff\xfea\x00\r\x00\n\x00b\x00"), "a\nb", []int{1}},
		{"utf-16be", []byte("\xfe\xff\x00a\x00\n\x00b"), "a\nb", nil},
		{"windows-1252", []byte("caf\xe9 \x93quoted\x94"), "café “quoted”", nil},
		{"empty", nil, "", nil},
	} {
		got := DecodeText(c.in)
		if got.Text != c.text || !reflect.DeepEqual(got.CRLF, c.crlf) {
			t.Errorf("%s: %q %v, want %q %v", c.name, got.Text, got.CRLF, c.text, c.crlf)
		}
	}
}

// Entry names that leave the archive are told apart from those that stay.
func TestLocalName(t *testing.T) {
	for name, ok := range map[string]bool{
		"project.qde": true, "sources/a.txt": true, "Sources/{x}.txt": true, "a/b/c.txt": true, "a..b.txt": true,
		"../a.txt": false, "sources/../../a.txt": false, "/etc/passwd": false, `..\a.txt`: false, `sources\..\..\a`: false,
		"C:/x.txt": false, "": false, "a\x00b": false, "..": false,
	} {
		if localName(name) != ok {
			t.Errorf("localName(%q) = %v", name, !ok)
		}
	}
}

func zipOf(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteArchive(&b, entries, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const minimal = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>`

// An archive lists at most Limits.Entries files: the count is read from
// the zip's end record before archive/zip builds anything per entry.
func TestArchiveEntries(t *testing.T) {
	data := zipOf(t, Entry{"project.qde", []byte(minimal)}, Entry{"sources/a.txt", []byte("a")}, Entry{"sources/b.txt", []byte("b")})
	if n, ok := zipEntries(data); !ok || n != 3 {
		t.Fatalf("zipEntries = %d, %v", n, ok)
	}
	_, err := OpenArchive("x.qdpx", data, Limits{Entries: 2})
	if err == nil || err.Error() != "x.qdpx: the archive lists 3 entries, more than 2 (the limit)" {
		t.Errorf("err = %v", err)
	}
	a, err := OpenArchive("x.qdpx", data, Limits{Entries: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"internal://a.txt", "INTERNAL://b.txt", "internal://sources/a.txt", "internal:///a.txt"} {
		if b, err := a.SourceFile(ref); err != nil || len(b) != 1 {
			t.Errorf("SourceFile(%q) = %q, %v", ref, b, err)
		}
	}
	for ref, want := range map[string]string{
		"internal://c.txt":       `no file "internal://c.txt" in the archive`,
		"absolute:///etc/passwd": "is not inside the archive",
		"internal://../a.txt":    "leaves the archive",
		`internal://..\..\a.txt`: "leaves the archive",
	} {
		if _, err := a.SourceFile(ref); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SourceFile(%q): %v, want %q", ref, err, want)
		}
	}
	if _, err := a.SourceFile("internal://c.txt"); !errors.Is(err, ErrNoFile) {
		t.Errorf("a missing file is not ErrNoFile: %v", err)
	}
}

// The inflate limit holds for each entry and for the archive as a whole:
// what was read counts against what may still be.
func TestArchiveInflateLimit(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 3000)
	data := zipOf(t, Entry{"project.qde", []byte(minimal)}, Entry{"sources/a.txt", big}, Entry{"sources/b.txt", big})
	a, err := OpenArchive("x.qdpx", data, Limits{Inflate: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SourceFile("internal://a.txt"); err != nil {
		t.Fatal(err)
	}
	_, err = a.SourceFile("internal://b.txt")
	if err == nil || err.Error() != "x.qdpx: sources/b.txt: inflates past 4.9 KiB, the limit for what one archive unpacks to (--max-input-size raises it)" {
		t.Errorf("err = %v", err)
	}
	var ie *corpus.InputError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) {
		t.Errorf("not an InputError of ErrInvalid: %T", err)
	}
}

// Documents: the root is checked by name (its namespace may be missing),
// errors name the part and the line, and what follows the root must be
// nothing.
func TestParseDocuments(t *testing.T) {
	p, err := ParseProject("x.qdpx", "project.qde", []byte(`<Project name="no namespace"><Users><User guid="u" name="a"/></Users></Project>`), Limits{})
	if err != nil || p.Name != "no namespace" || len(p.Users.User) != 1 {
		t.Fatalf("%+v %v", p, err)
	}
	c, err := ParseCodebook("x.qdc", []byte(`<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:project:1.0"><Codes><Code guid="g" name="A" isCodable="true"/></Codes></CodeBook>`), Limits{})
	if err != nil || len(c.Codes.Code) != 1 {
		t.Fatalf("a codebook in the project namespace: %+v %v", c, err)
	}
	for doc, want := range map[string]string{
		"":                       "x.qdc: line 1: no root element (an empty document)",
		"text":                   "x.qdc: line 1: text before the root element",
		"<CodeBook>":             "x.qdc: line 1: unexpected EOF",
		"<CodeBook/><CodeBook/>": "x.qdc: line 1: a second root element <CodeBook>",
		"<CodeBook/>\ntrailing":  "x.qdc: line 2: text after the root element",
		"<Codes/>":               "x.qdc: the document is a <Codes>, not a QDA-XML <CodeBook>",
		`<?xml version="1.0" encoding="iso-8859-1"?><CodeBook/>`:    `encoding "iso-8859-1": QDA-XML documents are UTF-8`,
		"<CodeBook>\n<Codes>\n</CodeBook>":                          "x.qdc: line 3: element <Codes> closed by </CodeBook>",
		`<!DOCTYPE x [<!ENTITY a "aaaa">]><CodeBook>&a;</CodeBook>`: "invalid character entity &a;",
	} {
		_, err := ParseCodebook("x.qdc", []byte(doc), Limits{})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want %q", doc, err, want)
		}
	}
}

// What WriteProject and WriteCodebook write reads back as it was.
func TestWriteRead(t *testing.T) {
	text := "line one\nline two"
	p := &Project{Name: "p", Origin: "qcode", CodeBook: &CodeBook{Codes: Codes{Code: []Code{{GUID: "g1", Name: "A & B", IsCodable: "true",
		Description: "d <1>\n\nInclude: x", Codes: []Code{{GUID: "g2", Name: "C", IsCodable: "true"}}}}}},
		Sources: &Sources{Text: []TextSource{{GUID: "s", Name: "n", PlainTextContent: &text, Selections: []PlainTextSelection{{GUID: "x", StartPosition: "0", EndPosition: "4"}}}}}}
	var b bytes.Buffer
	if err := WriteProject(&b, p); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), `<?xml version="1.0" encoding="utf-8"?>`+"\n"+`<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="qcode">`) {
		t.Errorf("head:\n%s", b.String())
	}
	back, err := ParseProject("x", "", b.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	back.XMLName = p.XMLName
	if !reflect.DeepEqual(back, p) {
		t.Errorf("read back\n%+v\nwant\n%+v", back, p)
	}
}
