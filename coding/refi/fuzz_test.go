package refi

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"qcode/corpus"
	"qcode/corpus/qdaxml"
)

// checkRead holds ReadQDPX to its promises on any input: an error is one
// line naming the file; a project read is one ImportProject can store
// whole (Check passes: sources with segments, IDs unique, every coding
// and mark on a segment, every span inside its text).
func checkRead(t *testing.T, data []byte) {
	imp, rep, err := ReadQDPX("f.qdpx", data, ReadOptions{Coder: "fuzz", Limits: corpus.Limits{InputSize: 1 << 20}})
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "f.qdpx: ") || strings.Contains(msg, "\n") || utf8.RuneCountInString(msg) > 600 {
			t.Errorf("error %q: not one line naming the file", msg)
		}
		return
	}
	if err := imp.Check(); err != nil {
		t.Errorf("read a project that cannot be stored: %v (notes %q)", err, rep.Notes)
	}
}

// FuzzReadQDPX feeds arbitrary archives to the project reader.
func FuzzReadQDPX(f *testing.F) {
	for _, name := range []string{"maxqda.qdpx", "nvivo.qdpx"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("PK"))
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, data) })
}

// FuzzReadProject feeds arbitrary project documents and texts to the
// reader, zipped as sources/a.txt beside project.qde: the cut of
// selections along segments, cases, sets and notes are fuzzed, not the
// zip format.
func FuzzReadProject(f *testing.F) {
	for _, dir := range []string{"maxqda", "nvivo"} {
		qde, err := os.ReadFile(filepath.Join("testdata", dir, "project.qde"))
		if err != nil {
			f.Fatal(err)
		}
		entries, err := os.ReadDir(filepath.Join("testdata", dir, map[string]string{"maxqda": "sources", "nvivo": "Sources"}[dir]))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			text, err := os.ReadFile(filepath.Join("testdata", dir, map[string]string{"maxqda": "sources", "nvivo": "Sources"}[dir], e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			guid := strings.TrimSuffix(e.Name(), ".txt")
			f.Add(strings.ReplaceAll(string(qde), "internal://"+guid+".txt", "internal://a.txt"), string(text))
		}
	}
	f.Add(`<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="qcode"><Sources><TextSource guid="s" plainTextPath="internal://a.txt"><PlainTextSelection guid="x" name="a#1" startPosition="0" endPosition="3"/></TextSource></Sources></Project>`, "P1: a\n\nP2: b\n")
	f.Fuzz(func(t *testing.T, qde, text string) {
		var b bytes.Buffer
		entries := []qdaxml.Entry{{Name: "project.qde", Data: []byte(qde)}, {Name: "sources/a.txt", Data: []byte(text)}}
		if err := qdaxml.WriteArchive(&b, entries, epoch); err != nil {
			t.Fatal(err)
		}
		checkRead(t, b.Bytes())
	})
}
