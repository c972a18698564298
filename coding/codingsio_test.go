package coding

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"qcode/corpus"
)

func TestCodingsErrorsQuoteShortExcerpts(t *testing.T) {
	// A value read from a codings file is quoted cut to 60 runes and "…".
	s, _ := newProject(t)
	importSurvey(t, s, "s")
	big := strings.Repeat("x", 1<<20)
	bad := []struct{ csv, want string }{
		{"segment,code," + big + "\n", `c.csv: line 1: unknown column "xxxx`},
		{"segment,code,coder\n" + big + ",Motivations,alice\n", `c.csv: line 2: unknown segment "xxxx`},
		{"segment,code,coder\nR001,Motivations,\"" + big + ",\"\n", `c.csv: line 2: coder name "xxxx`},
		{"segment,code,coder,start,end\nR001,Motivations,alice," + big + ",1\n", `c.csv: line 2: span start "xxxx`},
		{"segment,code,coder,starred\nR001,Motivations,alice," + big + "\n", `c.csv: line 2: starred "xxxx`},
	}
	for _, b := range bad {
		_, err := s.ImportCodings("lead", "c.csv", strings.NewReader(b.csv))
		if err == nil {
			t.Fatalf("%q: no error", b.want)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, b.want) || !strings.Contains(msg, "…") || utf8.RuneCountInString(msg) > 300 {
			t.Errorf("error %q…, want a short one starting %q", msg[:min(len(msg), 200)], b.want)
		}
	}
}

func TestCodebookErrorsQuoteShortExcerpts(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	for _, tt := range []struct{ name, data, want string }{
		{"c.yaml", "codes:\n  - name: " + big + "\n  - name: " + big + "\n", `c.yaml: code "xxxx`},
		{"c.json", `{"codes": [{"name": "A", "codes": [{"name": "` + big + `/"}]}]}`, `c.json: under A: code name "xxxx`},
		{"c.json", `{"codes": [], "` + big + `": 1}`, `c.json: unknown field "xxxx`},
	} {
		_, err := ParseCodebook(tt.name, []byte(tt.data))
		if err == nil {
			t.Fatalf("%q: no error", tt.want)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, tt.want) || utf8.RuneCountInString(msg) > 300 {
			t.Errorf("error %q…, want a short one starting %q", msg[:min(len(msg), 200)], tt.want)
		}
	}
}

func TestReadCodingsKeepsTheReadersError(t *testing.T) {
	// The file's own reader fails (the file grew past its cap while read):
	// its one-line error names the file once.
	grew := &corpus.InputError{File: "c.csv", Msg: "grew past the input limit of 1 KiB while being read"}
	r := io.MultiReader(strings.NewReader("segment,code,coder\nR001,Motivations,alice\n"), iotest.ErrReader(grew))
	_, err := ReadCodings("dir/c.csv", r)
	if err == nil || err.Error() != grew.Error() {
		t.Errorf("got %v, want %v", err, grew)
	}
}
