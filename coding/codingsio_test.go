package coding

import (
	"fmt"
	"io"
	"slices"
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

// sizedReader is a reader that says how big it is, as corpus.OpenInput's
// does — or says wrongly.
type sizedReader struct {
	io.Reader
	size int64
}

func (r sizedReader) Size() int64 { return r.size }

// TestCodingRowsSizedAhead: rows read into one slice sized from the
// first thousand and the file's size come out as rows read in chunks do,
// whether the size says too much, too little or the truth.
func TestCodingRowsSizedAhead(t *testing.T) {
	var b strings.Builder
	b.WriteString("segment,code,coder\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "R%d,Barriers/Workload and time,%s\n", i+1, strings.Repeat("a", 1+i%7))
	}
	text := b.String()
	want, err := parseCodingRows("c.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{int64(len(text)), 10, int64(len(text)) * 50} {
		got, err := parseCodingRows("c.csv", sizedReader{strings.NewReader(text), size})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) || len(got) != 5000 || got[4999].line != 5001 {
			t.Errorf("size %d: %d rows, want the 5000 read in chunks", size, len(got))
		}
	}
}
