package refi

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"

	"qcode/coding"
	"qcode/coding/codingtest"
	"qcode/corpus/qdaxml"
	"qcode/corpus/qdaxml/schematest"
)

// The project document of a small project, as a golden file: the
// codebook (descriptions with their notes, colours, nesting), users,
// typed variables, cases with their selections, sources with a selection
// per segment and per coded span, notes for memos and stars, sets for the
// sample and the review marks. Its source texts are golden too.
func TestExportGolden(t *testing.T) {
	s, _ := studyProject(t)
	files, names := codingtest.Unzip(t, exportFixed(t, s))
	want := []string{"project.qde", "sources/63a1fe71-4011-5a72-90f1-241665b74c2e.txt", "sources/41acba9d-5414-55d7-be67-fb743821e748.txt", SidecarName}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("entries %q, want %q", names, want)
	}
	t.Run("project.qde", func(t *testing.T) { golden.RequireEqual(t, files["project.qde"]) })
	t.Run("fg2.txt", func(t *testing.T) { golden.RequireEqual(t, files[want[1]]) })
	t.Run("survey.txt", func(t *testing.T) { golden.RequireEqual(t, files[want[2]]) })
}

// project.qde and the .qdc are valid against the REFI schemas (xmllint
// where installed, the Go check always).
func TestExportValid(t *testing.T) {
	s, _ := studyProject(t)
	files, _ := codingtest.Unzip(t, exportFixed(t, s))
	schematest.Validate(t, schematest.ProjectXSD, files["project.qde"])
	var qdc bytes.Buffer
	if err := WriteQDC(&qdc, s.Codebook(), s.Meta()); err != nil {
		t.Fatal(err)
	}
	schematest.Validate(t, schematest.CodebookXSD, qdc.Bytes())

	// An empty project is valid too (no empty sections), and an empty
	// codebook is refused as a .qdc (the schema needs one code).
	empty, _ := newStore(t, nil)
	px, err := empty.ExportProject()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := WriteQDPX(&b, px); err != nil {
		t.Fatal(err)
	}
	files, _ = codingtest.Unzip(t, b.Bytes())
	schematest.Validate(t, schematest.ProjectXSD, files["project.qde"])
	if err := WriteQDC(&b, empty.Codebook(), empty.Meta()); err != ErrEmptyCodebook {
		t.Errorf("empty codebook: %v", err)
	}
}

// Two exports of one project are the same bytes: GUIDs come from the
// project's id, times from the project.
func TestExportStable(t *testing.T) {
	s, _ := studyProject(t)
	export := func() []byte {
		px, err := s.ExportProject()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := WriteQDPX(&b, px); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b := export(), export()
	if !bytes.Equal(a, b) {
		t.Fatal("two exports of the same project differ")
	}
	// A code renamed keeps its GUID; every other GUID stays too.
	code, _ := s.Codebook().Lookup("Barriers/Travel")
	guid := newGUIDs(s.Meta().ID).code(code)
	fa, _ := codingtest.Unzip(t, a)
	if !bytes.Contains(fa["project.qde"], []byte(guid)) {
		t.Fatalf("no GUID %s in the export", guid)
	}
	if _, err := s.RenameCode("lead", "Barriers/Travel", "Travel and distance"); err != nil {
		t.Fatal(err)
	}
	fc, _ := codingtest.Unzip(t, export())
	if got := strings.Count(string(fc["project.qde"]), guid); got != strings.Count(string(fa["project.qde"]), guid) {
		t.Errorf("the renamed code's GUID appears %d times, before %d", got, strings.Count(string(fa["project.qde"]), guid))
	}
	if guidsOf(fa["project.qde"]) != guidsOf(fc["project.qde"]) {
		t.Error("a rename changed other GUIDs")
	}
}

func guidsOf(doc []byte) string {
	var out []string
	for _, f := range strings.Fields(strings.NewReplacer(`"`, " ", "<", " ", ">", " ").Replace(string(doc))) {
		if qdaxml.ValidGUID(f) {
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

// Every coding's selection cuts exactly the segment's text (or its span)
// out of the source file, counted in code points over LF text: characters
// beyond the BMP (💷, 😀) and a multi-line answer included.
func TestExportPositions(t *testing.T) {
	s, _ := studyProject(t)
	data := exportFixed(t, s)
	files, _ := codingtest.Unzip(t, data)
	p, err := qdaxml.ParseProject("x.qdpx", "project.qde", files["project.qde"], qdaxml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	px, err := s.ExportProject()
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{} // segment ID → text
	for _, src := range px.Sources {
		for _, seg := range src.Segments {
			texts[seg.ID] = seg.Text
		}
	}
	spans := map[string]bool{}
	for _, c := range px.Codings {
		for _, src := range px.Sources {
			for _, seg := range src.Segments {
				if seg.Ref == c.Seg && !c.Span.Whole() {
					spans[string([]rune(seg.Text)[c.Span.Start:c.Span.End])] = true
				}
			}
		}
	}
	checked, spansSeen := 0, 0
	for _, ts := range p.Sources.Text {
		path := strings.TrimPrefix(ts.PlainTextPath, "internal://")
		text := []rune(string(files["sources/"+path]))
		if !utf8.Valid(files["sources/"+path]) || strings.Contains(string(text), "\r") {
			t.Fatalf("%s: not UTF-8 with LF line endings", path)
		}
		for _, sel := range ts.Selections {
			var a, b int
			if _, err := fmtSscan(sel.StartPosition, &a); err != nil {
				t.Fatal(err)
			}
			if _, err := fmtSscan(sel.EndPosition, &b); err != nil {
				t.Fatal(err)
			}
			cut := string(text[a:b])
			if sel.Name != "" {
				if cut != texts[sel.Name] {
					t.Errorf("%s: selection %d–%d cuts %q, the segment is %q", sel.Name, a, b, cut, texts[sel.Name])
				}
				checked++
				continue
			}
			if !spans[cut] {
				t.Errorf("span selection %d–%d cuts %q, which is no coded span", a, b, cut)
			}
			spansSeen++
		}
	}
	if checked != 7 || spansSeen != 4 {
		t.Errorf("checked %d segments and %d spans, want 7 and 4", checked, spansSeen)
	}
}

func fmtSscan(s string, v *int) (int, error) {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, io.ErrUnexpectedEOF
		}
		n = n*10 + int(r-'0')
	}
	*v = n
	return 1, nil
}

var _ = coding.Span{}
