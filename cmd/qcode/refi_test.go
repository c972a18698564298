package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// export --format qdpx writes the project for other tools (mode 0600),
// and import reads it back whole into a new project: the same segments,
// attributes, cases, codings (spans, stars, memos), review marks, memos on
// sources, cases, codes and segments, journal entries and report. A second import into the project is refused, leaving it as it
// was.
func TestREFIRoundTrip(t *testing.T) {
	p := reportProject(t)
	mustQcode(t, "-p", p, "--coder", "bob", "sample", "icr", "--size", "3", "--seed", "7")
	dis := mustQcode(t, "-p", p, "disagreements", "--format", "json")
	if !strings.Contains(dis, `"segment"`) {
		t.Fatalf("no disagreement to settle: %s", dis)
	}
	var first struct {
		Items []struct{ Segment, Code string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(dis), &first); err != nil || len(first.Items) < 2 {
		t.Fatalf("disagreements: %v %s", err, dis)
	}
	mustQcodeErr(t, "-p", p, "--coder", "lead", "settle", first.Items[0].Segment, first.Items[0].Code, "--none")
	mustQcodeErr(t, "-p", p, "--coder", "lead", "settle", first.Items[1].Segment, first.Items[1].Code, "--union")
	for _, m := range [][]string{
		{"alice", "--source", "focus-group-01", "Ran long; the room was cold."},
		{"bob", "--source", "focus-group-01", "Two joined late."},
		{"alice", "--case", "P2", "Practice educator, island authority."},
		{"lead", "--case", "s01", "Answered twice."},
		{"lead", "--code", "Barriers", "Split funding from release?\nAsk the leads."},
		{"alice", "--segment", "R023", "Salary first, development second."},
		{"lead", "--journal", "Merged alice's and bob's copies."},
		{"alice", "--journal", "Started on the focus group."},
	} {
		mustQcodeErr(t, append([]string{"-p", p, "--coder", m[0], "memo", "set"}, m[1:]...)...)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "study.qdpx")
	_, errs := mustQcodeErr(t, "-p", p, "export", "--format", "qdpx", out)
	if !strings.Contains(errs, "REFI-QDA project: 3 sources, 23 segments, 13 cases, 47 codes, 39 codings of 3 coders") ||
		!strings.Contains(errs, "\n8 memos on sources, cases, codes and segments and in the journal, as notes") ||
		!strings.Contains(errs, "written as they are") {
		t.Errorf("stderr: %s", errs)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("export: %v %v", info, err)
	}
	data, _ := os.ReadFile(out)
	if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil || zr.File[0].Name != "project.qde" {
		t.Fatalf("not a .qdpx: %v", err)
	}
	back := filepath.Join(dir, "back.qcode")
	_, errs = mustQcodeErr(t, "-p", back, "import", out)
	if !strings.HasPrefix(errs, "created "+back+"\nimported study.qdpx (qcode): 3 sources, 23 segments, 13 cases; 47 codes (47 new); 39 codings of 3 coders\n") ||
		!strings.Contains(errs, "\n8 memos on sources, cases, codes and segments and in the journal (qcode memos lists them)\n") {
		t.Errorf("stderr: %s", errs)
	}
	for _, args := range [][]string{
		{"segments", "--format", "json"}, {"codings", "export"}, {"report", "--format", "json", "--by", "role"},
		{"attributes", "--format", "json"}, {"sample", "icr", "--format", "json"}, {"quotes", "--format", "md"},
		{"codebook", "--format", "json"}, {"report", "--format", "json", "--coder", "consensus"}, {"agree", "--format", "json"},
		{"disagreements", "--format", "json"}, {"memos", "--format", "json"},
	} {
		want, got := mustQcode(t, append([]string{"-p", p}, args...)...), mustQcode(t, append([]string{"-p", back}, args...)...)
		if want != got {
			t.Errorf("%s differs after the round trip:\n--- before\n%s\n--- after\n%s", strings.Join(args, " "), want, got)
		}
	}
	before, _ := os.ReadFile(back)
	_, errs, code := qcode(t, "-p", back, "import", out)
	if code != 1 || errs != "qcode: study.qdpx is a whole project: import it into a new or empty project (this one has 3 sources)\n" {
		t.Errorf("second import: exit %d, %s", code, errs)
	}
	if after, _ := os.ReadFile(back); !bytes.Equal(before, after) {
		t.Error("a refused import changed the project")
	}
}

// A broken .qdpx is refused with one line, before any project is opened
// or made: an existing project keeps its bytes, none is left behind.
func TestREFIImportRefused(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.qdpx")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("project.qde")
	w.Write([]byte(`<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="a" plainTextPath="internal://a.txt"><PlainTextSelection guid="s" startPosition="0" endPosition="99"/></TextSource></Sources></Project>`))
	w, _ = zw.Create("sources/a.txt")
	w.Write([]byte("P1: short\n"))
	zw.Close()
	write(t, broken, b.String())
	empty := filepath.Join(dir, "empty.qcode")
	mustQcode(t, "init", empty, "--codebook", "empty")
	before, _ := os.ReadFile(empty)
	for _, p := range []string{empty, filepath.Join(dir, "new.qcode")} {
		_, errs, code := qcode(t, "-p", p, "import", broken)
		if code != 1 || errs != `qcode: broken.qdpx: project.qde: source "source 1": selection s: positions 0–99 are outside the text's 10 characters`+"\n" {
			t.Errorf("exit %d: %q", code, errs)
		}
	}
	if after, _ := os.ReadFile(empty); !bytes.Equal(before, after) {
		t.Error("a refused import changed the project")
	}
	if _, err := os.Stat(filepath.Join(dir, "new.qcode")); !os.IsNotExist(err) {
		t.Errorf("a refused import left a project: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", broken, filepath.Join(dir, "x.csv")}, "broken.qdpx is a whole project: import it on its own"},
		{[]string{"import", broken, "--text-col", "a"}, "--text-col does not apply to a REFI-QDA project (.qdpx)"},
		{[]string{"import", filepath.Join(dir, "cb.qdc")}, "cb.qdc is a codebook: qcode codebook import"},
	} {
		_, errs, code := qcode(t, append([]string{"-p", empty}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, %s", c.args, code, errs)
		}
	}
}

// The codebook as a REFI-QDA codebook: codebook export --format qdc on
// stdout, export --format qdc to a file; codebook import and init
// --codebook read one.
func TestREFICodebook(t *testing.T) {
	p := reportProject(t)
	dir := t.TempDir()
	qdc := mustQcode(t, "-p", p, "codebook", "export", "--format", "qdc")
	var doc struct {
		XMLName xml.Name
		Codes   struct {
			Code []struct {
				Name string `xml:"name,attr"`
			} `xml:"Code"`
		} `xml:"Codes"`
	}
	if err := xml.Unmarshal([]byte(qdc), &doc); err != nil || doc.XMLName.Space != "urn:QDA-XML:codebook:1.0" || len(doc.Codes.Code) != 4 {
		t.Fatalf("codebook export --format qdc: %v %+v", err, doc)
	}
	mustQcodeErr(t, "-p", p, "export", "--format", "qdc", filepath.Join(dir, "cb.qdc"))
	if file, _ := os.ReadFile(filepath.Join(dir, "cb.qdc")); string(file) != qdc {
		t.Error("export --format qdc differs from codebook export --format qdc")
	}
	fresh := filepath.Join(dir, "fresh.qcode")
	mustQcodeErr(t, "init", fresh, "--codebook", filepath.Join(dir, "cb.qdc"))
	want := mustQcode(t, "-p", p, "codebook", "export", "--format", "yaml")
	got := mustQcode(t, "-p", fresh, "codebook", "export", "--format", "yaml")
	// Quick keys and group flags have no place in a .qdc: the pq
	// template's Kirkpatrick comes back as a plain code.
	want = strings.Replace(want, "    group: true\n    exclusive: false\n", "", 1)
	want = strings.Replace(want, "    group: true\n", "", 1)
	if got != want {
		t.Errorf("init --codebook cb.qdc:\n%s\nwant\n%s", got, want)
	}
	empty := filepath.Join(dir, "empty.qcode")
	mustQcode(t, "init", empty, "--codebook", "empty")
	_, errs := mustQcodeErr(t, "-p", empty, "codebook", "import", filepath.Join(dir, "cb.qdc"))
	if errs != "codebook: 47 codes added, 0 updated\n" {
		t.Errorf("codebook import: %s", errs)
	}
}
