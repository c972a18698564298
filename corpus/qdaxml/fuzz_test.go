package qdaxml

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzOpenArchive feeds arbitrary bytes to the .qdpx reader: it must never
// panic, every error is one line naming the file, and what it opens
// yields its source files within the limits.
func FuzzOpenArchive(f *testing.F) {
	text := "Interviewer: why?\nP1: because.\n"
	for _, seed := range [][]Entry{
		{{"project.qde", []byte(minimal)}},
		{{"project.qde", []byte(`<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="a" plainTextPath="internal://a.txt"/></Sources></Project>`)}, {"sources/a.txt", []byte(text)}},
		{{"PROJECT.QDE", []byte(minimal)}, {"Sources/a.txt", []byte(text)}},
		{{"project.qde", []byte("<Project")}},
		{{"sources/a.txt", []byte(text)}},
		{{"project.qde", []byte(minimal)}, {"../x", nil}},
	} {
		f.Add(zipOf(f, seed...))
	}
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\xff", 18)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := OpenArchive("f.qdpx", data, Limits{Inflate: 1 << 20, Entries: 1000})
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "f.qdpx: ") || strings.Contains(msg, "\n") || utf8.RuneCountInString(msg) > 600 {
				t.Errorf("error %q: not one line naming the file", msg)
			}
			return
		}
		if a.Project.Sources == nil {
			return
		}
		for _, ts := range a.Project.Sources.Text {
			b, err := a.SourceFile(ts.PlainTextPath)
			if err == nil && len(b) > 1<<20 {
				t.Errorf("read %d bytes past the limit", len(b))
			}
			_ = DecodeText(b)
		}
	})
}
