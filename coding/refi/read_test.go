package refi

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/qdaxml"
)

// Projects shaped like MAXQDA's and NVivo's exports (testdata/maxqda,
// testdata/nvivo, written by hand from the specification and the traps
// other tools fall into) read as a TXT import would read their texts:
//
//   - MAXQDA: sources under sources/, upper-case GUIDs, UTF-8 with a BOM
//     and CRLF line endings, document variables of three types, a
//     document set, a memo on a selection, a code name with "/", a user
//     named "Okafor, Ben"; selections that cut part of a turn (a span),
//     a whole turn, a turn with its speaker's label (the whole turn), one
//     across two turns and the interviewer's prompt between them (split,
//     the prompt left out), and the interviewer's prompt alone (left
//     out); and a source with no codings (paragraphs).
//   - NVivo: sources under Sources/, GUIDs in braces and in both cases,
//     times without a zone, cases holding whole sources (a one-person
//     interview: its turns are the case's; a focus group: its speakers
//     stay cases and the case's variables describe it), a set of a case,
//     a set of codes, a PDF source, a project note, an annotation on a
//     coding.
//
// Each golden file lists the project as imported, every coding with the
// passage it cuts, then what the import says it left out.
func TestReadOtherTools(t *testing.T) {
	for _, tool := range []string{"maxqda", "nvivo"} {
		t.Run(tool, func(t *testing.T) {
			s, rep := importQDPX(t, tool+".qdpx", zipDir(t, filepath.Join("testdata", tool)))
			if rep.Whole {
				t.Error("read as qcode's own")
			}
			got := summaryOf(t, s, tool == "maxqda") + "\n--- notes\n" + strings.Join(rep.Notes, "\n") + "\n"
			golden.RequireEqual(t, got)
		})
	}
}

// The .qdpx files in testdata are the folders zipped (go test -update
// rebuilds them), for trying by hand: qcode import testdata/maxqda.qdpx.
func TestFixtureArchives(t *testing.T) {
	for _, tool := range []string{"maxqda", "nvivo"} {
		want := zipDir(t, filepath.Join("testdata", tool))
		path := filepath.Join("testdata", tool+".qdpx")
		if *updateFixtures() {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not testdata/%s zipped (go test ./coding/refi -update): %v", path, tool, err)
		}
	}
}

// A file that is not a sound REFI-QDA project is refused with one line
// naming the file and where; nothing is read into a project.
func TestReadErrors(t *testing.T) {
	maxqda := filepath.Join("testdata", "maxqda")
	qde, err := os.ReadFile(filepath.Join(maxqda, "project.qde"))
	if err != nil {
		t.Fatal(err)
	}
	withQDE := func(doc string) []byte {
		return archive(t, map[string][]byte{"project.qde": []byte(doc),
			"sources/5C7F1A1E-0D4B-4C64-A1F2-3B9E0C4D7A10.txt": []byte("some text of the interview\n"),
			"sources/9E2D4B6A-7C1F-4E3A-8B5D-1F0A2C3E4D50.txt": []byte("notes\n")})
	}
	edit := func(from, to string) []byte {
		t.Helper()
		if !strings.Contains(string(qde), from) {
			t.Fatalf("project.qde has no %q", from)
		}
		return archive(t, map[string][]byte{"project.qde": []byte(strings.Replace(string(qde), from, to, 1)),
			"sources/5C7F1A1E-0D4B-4C64-A1F2-3B9E0C4D7A10.txt": mustRead(t, maxqda, "sources/5C7F1A1E-0D4B-4C64-A1F2-3B9E0C4D7A10.txt"),
			"sources/9E2D4B6A-7C1F-4E3A-8B5D-1F0A2C3E4D50.txt": mustRead(t, maxqda, "sources/9E2D4B6A-7C1F-4E3A-8B5D-1F0A2C3E4D50.txt")})
	}
	deep := `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>` + strings.Repeat(`<Code guid="x" name="c" isCodable="true">`, 300) +
		strings.Repeat(`</Code>`, 300) + `</Codes></CodeBook></Project>`
	for _, c := range []struct {
		name string
		data []byte
		lim  corpus.Limits
		want string
	}{
		{"not a zip", []byte("PK but not a zip at all"), corpus.Limits{}, "study.qdpx: not a zip archive"},
		{"no project.qde", archive(t, map[string][]byte{"sources/a.txt": []byte("x")}), corpus.Limits{}, "study.qdpx: no project.qde in the archive"},
		{"invalid XML", withQDE(`<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Users></Project>`), corpus.Limits{}, "study.qdpx: project.qde: line 1: element <Users> closed by </Project>"},
		{"not a project", withQDE(`<CodeBook/>`), corpus.Limits{}, "study.qdpx: project.qde: the document is a <CodeBook>, not a QDA-XML <Project>"},
		{"nested too deep", withQDE(deep), corpus.Limits{}, "study.qdpx: project.qde: elements nested more than 256 deep (the limit)"},
		{"entry leaves the archive", archive(t, map[string][]byte{"project.qde": qde, "../../etc/cron.d/x": []byte("x")}), corpus.Limits{},
			`study.qdpx: entry "../../etc/cron.d/x" leaves the archive (a path with .. or from the root): refused`},
		{"path leaves the archive", edit(`plainTextPath="internal://9E2D4B6A-7C1F-4E3A-8B5D-1F0A2C3E4D50.txt"`, `plainTextPath="internal://../../notes.txt"`), corpus.Limits{},
			`study.qdpx: project.qde: path "internal://../../notes.txt" leaves the archive: refused`},
		{"missing source file", edit(`plainTextPath="internal://9E2D4B6A-7C1F-4E3A-8B5D-1F0A2C3E4D50.txt"`, `plainTextPath="internal://gone.txt"`), corpus.Limits{},
			`study.qdpx: project.qde: no file "internal://gone.txt" in the archive`},
		{"selection out of range", edit(`startPosition="235" endPosition="289"`, `startPosition="235" endPosition="2890"`), corpus.Limits{},
			`study.qdpx: project.qde: source "Lead 3 interview": selection B0000000-0000-4000-8000-000000000002: positions 235–2890 are outside the text's 290 characters`},
		{"selection backwards", edit(`startPosition="235" endPosition="289"`, `startPosition="235" endPosition="200"`), corpus.Limits{},
			`positions 235–200 are outside the text's 290 characters`},
		{"positions not numbers", edit(`startPosition="235"`, `startPosition="two"`), corpus.Limits{},
			`positions "two"–"289" are not whole numbers`},
		{"unknown code", edit(`<CodeRef targetGUID="A0000000-0000-4000-8000-000000000005"/>`, `<CodeRef targetGUID="A0000000-0000-4000-8000-00000000ffff"/>`), corpus.Limits{},
			`refers to code A0000000-0000-4000-8000-00000000ffff, which the codebook does not have`},
		{"two selections, one GUID", edit(`guid="B0000000-0000-4000-8000-000000000002"`, `guid="B0000000-0000-4000-8000-000000000001"`), corpus.Limits{},
			`study.qdpx: project.qde: two selections have the GUID "B0000000-0000-4000-8000-000000000001"`},
		{"inflates past the limit", zipDir(t, maxqda), corpus.Limits{InputSize: 4096},
			"study.qdpx: project.qde: inflates past 4 KiB, the limit for what one archive unpacks to (--max-input-size raises it)"},
		{"no text source", withQDE(`<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><PDFSource guid="B0000000-0000-4000-8000-000000000002" name="x.pdf"/></Sources></Project>`), corpus.Limits{},
			"study.qdpx: no text source qcode can read"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadQDPX("study.qdpx", c.data, ReadOptions{Limits: c.lim})
			if err == nil {
				t.Fatalf("read, want %q", c.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.HasPrefix(msg, "study.qdpx: ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line with %q", msg, c.want)
			}
		})
	}
}

func mustRead(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(parts...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// archive zips files (name → bytes), in name order.
func archive(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if strings.Contains(name, "..") {
			return rawZip(t, files)
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return zipDir(t, dir)
}

// rawZip zips entries under names a folder cannot hold ("../x").
func rawZip(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var entries []qdaxml.Entry
	for name, data := range files {
		entries = append(entries, qdaxml.Entry{Name: name, Data: data})
	}
	var b bytes.Buffer
	if err := qdaxml.WriteArchive(&b, entries, epoch); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A tool that counted each CRLF line ending as two characters (the trap
// the REFI notes warn of) wrote positions that run ahead by one per CRLF
// before them; a source whose selections run past its text by no more
// than its CRLFs is read so, and gives the same codings.
func TestReadCRLFCountedTwice(t *testing.T) {
	maxqda := filepath.Join("testdata", "maxqda")
	qde := string(mustRead(t, maxqda, "project.qde"))
	iv := "sources/5C7F1A1E-0D4B-4C64-A1F2-3B9E0C4D7A10.txt"
	text := qdaxml.DecodeText(mustRead(t, maxqda, iv))
	// Each position p becomes p + the CRLFs before it.
	shifted := qde
	for _, p := range []int{109, 149, 235, 289, 223, 167, 246, 200, 221} {
		n := 0
		for _, c := range text.CRLF {
			if c < p {
				n++
			}
		}
		shifted = strings.ReplaceAll(shifted, fmt.Sprintf(`Position="%d"`, p), fmt.Sprintf(`Position="x%d"`, p+n))
	}
	shifted = strings.ReplaceAll(shifted, `Position="x`, `Position="`)
	files := map[string][]byte{"project.qde": []byte(shifted), iv: mustRead(t, maxqda, iv),
		"sources/9E2D4B6A-7C1F-4E3A-8B5D-1F0A2C3E4D50.txt": mustRead(t, maxqda, "sources/9E2D4B6A-7C1F-4E3A-8B5D-1F0A2C3E4D50.txt")}
	s, rep := importQDPX(t, "crlf.qdpx", archive(t, files))
	plain, _ := importQDPX(t, "maxqda.qdpx", zipDir(t, maxqda))
	if got, want := summaryOf(t, s, true), summaryOf(t, plain, true); got != want {
		t.Errorf("read with CRLF counted twice:\n%s", diffLines(want, got))
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), `source "Lead 3 interview": positions count each CRLF line ending as two characters`) {
		t.Errorf("notes: %q", rep.Notes)
	}
}

// A project with no codings (a text inline, no codebook, no users) is
// its sources cut into segments, as a TXT import would.
func TestReadNoCodings(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Empty">
  <Sources>
    <TextSource guid="11111111-2222-4333-8444-555555555555" name="Notes.txt">
      <PlainTextContent>First paragraph of notes.

Second paragraph,
over two lines.</PlainTextContent>
    </TextSource>
  </Sources>
</Project>`
	s, rep := importQDPX(t, "empty.qdpx", archive(t, map[string][]byte{"project.qde": []byte(doc)}))
	want := `source Notes file="Notes.txt" format="txt" hash="` + hashOf("First paragraph of notes.\n\nSecond paragraph,\nover two lines.") + `" attrs=[]
source Notes segment 0 Notes#1 case="" text="First paragraph of notes." attrs=[]
source Notes segment 1 Notes#2 case="" text="Second paragraph,\nover two lines." attrs=[]`
	if got := summary(t, s); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(rep.Notes) > 0 {
		t.Errorf("notes %q", rep.Notes)
	}
}

// A REFI codebook (.qdc) written by another tool: nesting, descriptions
// with their inclusion and exclusion notes, colours (short ones
// lengthened), a name with "/" and two siblings of one name made fit.
func TestReadQDC(t *testing.T) {
	specs, err := coding.ParseCodebook("codebook.qdc", mustRead(t, "testdata", "codebook.qdc"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	var walk func(prefix string, specs []coding.CodeSpec)
	walk = func(prefix string, specs []coding.CodeSpec) {
		for _, sp := range specs {
			lines = append(lines, fmt.Sprintf("%s%s color=%q desc=%q include=%q exclude=%q", prefix, sp.Name, sp.Color, sp.Description, sp.Include, sp.Exclude))
			walk(prefix+sp.Name+"/", sp.Codes)
		}
	}
	walk("", specs)
	want := []string{
		`Barriers color="#e15759" desc="What gets in the way of PQ learning." include="" exclude=""`,
		`Barriers/Workload and time color="#ff2288" desc="No time for study beside a full caseload." include="caseload, no study leave, evenings and weekends." exclude="money: see Funding."`,
		`Barriers/Funding color="" desc="Budget cuts; no backfill." include="" exclude=""`,
		`Barriers/Travel∕distance color="" desc="" include="" exclude=""`,
		`Barriers/funding (2) color="" desc="" include="" exclude=""`,
		`Motivations color="" desc="" include="" exclude=""`,
		`Motivations/Career progression color="" desc="" include="" exclude=""`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// And what qcode writes reads back the same, notes included.
	s, _ := newStore(t, specs)
	var qdc bytes.Buffer
	if err := WriteQDC(&qdc, s.Codebook(), s.Meta()); err != nil {
		t.Fatal(err)
	}
	again, err := coding.ParseCodebook("again.qdc", qdc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	lines = nil
	walk("", again)
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("written and read back:\n%s", strings.Join(lines, "\n"))
	}
}
