package ooxml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestScan(t *testing.T) {
	tests := []struct {
		name  string
		xml   string
		depth int
		count int
	}{
		{"empty", "", 0, 0},
		{"flat", `<?xml version="1.0"?><sst count="2"><si><t>a</t></si><si/></sst>`, 3, 2},
		{"prefixed", `<x:sst xmlns:x="u"><x:si><x:t>a</x:t></x:si></x:sst>`, 3, 1},
		{"not si", `<sst><sis/><s/><isi/><si>x</si></sst>`, 2, 1},
		{"attributes", `<a b="/>" c='>' d="<"><si e="x/y"/></a>`, 1, 1},
		{"space before close", "<a\n\tb=\"1\"\n/><si\n>x</si >", 1, 1},
		{"comment", `<a><!-- <si><b><c> --><si/></a>`, 1, 1},
		{"short comment", `<a><!----><b/></a>`, 1, 0},
		{"cdata", `<a><![CDATA[<si><b><c>]]></a>`, 1, 0},
		{"instruction", `<?pi <si> ?><a/>`, 0, 0},
		{"doctype", `<!DOCTYPE a><a><si/></a>`, 1, 1},
		{"text with >", `<a>1 > 0</a>`, 1, 0},
		{"stray end tags", `</a></a><a/>`, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time: state must carry across reads.
			got, err := Scan(iotest.OneByteReader(strings.NewReader(tt.xml)), 10, "si", 0)
			if err != nil {
				t.Fatal(err)
			}
			if got != (Shape{Depth: tt.depth, Count: tt.count}) {
				t.Errorf("got %+v, want depth %d count %d", got, tt.depth, tt.count)
			}
		})
	}
}

func TestScanLimits(t *testing.T) {
	tests := []struct {
		name     string
		xml      string
		depth    int
		maxCount int
		want     error
	}{
		{"deep", strings.Repeat("<p>", 11), 10, 0, ErrDepth},
		{"deep closed", strings.Repeat("<p>", 11) + strings.Repeat("</p>", 11), 10, 0, ErrDepth},
		{"at the depth", strings.Repeat("<p>", 10) + strings.Repeat("</p>", 10), 10, 0, nil},
		{"wide is fine", strings.Repeat("<p></p>", 1000), 1, 0, nil},
		{"count", "<sst>" + strings.Repeat("<si/>", 4) + "</sst>", 10, 3, ErrCount},
		{"at the count", "<sst>" + strings.Repeat("<si/>", 3) + "</sst>", 10, 3, nil},
		{"long tag", "<a" + strings.Repeat(` b=""`, MaxTagSize/4) + ">", 10, 0, ErrTagSize},
		{"long text is fine", "<a>" + strings.Repeat("x", 2*MaxTagSize) + "</a>", 10, 0, nil},
		{"long comment is fine", "<!--" + strings.Repeat("x", 2*MaxTagSize) + "-->", 10, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Scan(strings.NewReader(tt.xml), tt.depth, "si", tt.maxCount)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestScanReadError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Scan(iotest.ErrReader(boom), 10, "", 0); !errors.Is(err, boom) {
		t.Errorf("got %v", err)
	}
}

// A worksheet part as excelize writes one: the scan must cost little beside
// unzipping it.
func BenchmarkScanSheet(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for r := 1; sb.Len() < 32<<20; r++ {
		fmt.Fprintf(&sb, `<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c><c r="C%d"><v>%d</v></c><c r="E%d" t="s"><v>%d</v></c></row>`, r, r, 2*r, r, 2*r+1, r, r%7, r, r+5)
	}
	sb.WriteString(`</sheetData></worksheet>`)
	data := sb.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Scan(strings.NewReader(data), 256, "si", 0); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzScan holds Scan to its promises on any bytes, read in any pieces: no
// panic, and a shape within the limits when it returns no error.
func FuzzScan(f *testing.F) {
	for _, seed := range []string{
		`<?xml version="1.0"?><sst><si><t>a</t></si><si/></sst>`,
		`<a b="/>" c='>'><!-- <si> --><![CDATA[<si>]]><x:si/></a>`,
		strings.Repeat("<p>", 40),
		"<a" + strings.Repeat(` b=""`, 100) + ">",
		"<!---><<//><?",
	} {
		f.Add([]byte(seed), uint8(7))
	}
	f.Fuzz(func(t *testing.T, data []byte, piece uint8) {
		r := io.Reader(bytes.NewReader(data))
		if piece%2 == 1 {
			r = iotest.OneByteReader(r)
		}
		shape, err := Scan(r, 16, "si", 8)
		if err == nil && (shape.Depth > 16 || shape.Count > 8) {
			t.Errorf("shape %+v over the limits without an error", shape)
		}
		if err != nil && !errors.Is(err, ErrDepth) && !errors.Is(err, ErrCount) && !errors.Is(err, ErrTagSize) {
			t.Errorf("unexpected error %v", err)
		}
	})
}
