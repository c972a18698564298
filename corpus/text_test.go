package corpus

import (
	"testing"
)

func TestEncodings(t *testing.T) {
	sheets := []string{
		"enc-utf8bom.csv",
		"enc-utf16le.csv",
		"enc-utf16be.csv",
		"enc-cp1252.csv",
		"enc-utf16le-nobom.csv",
		"enc-utf16be-nobom.csv",
	}
	for _, name := range sheets {
		t.Run(name, func(t *testing.T) {
			// The id column is the first header cell: found only if the BOM
			// was stripped.
			src, err := Parse(name, fixture(t, name), Options{TextCol: "answer", IDCol: "id"})
			if err != nil {
				t.Fatal(err)
			}
			sameLines(t, "segments", describeAll(src.Segments), []string{`E1 "café – £5 is “too much”"`})
		})
	}
	for _, name := range []string{"enc-utf16le.txt", "enc-utf16be.txt", "enc-cp1252.txt"} {
		t.Run(name, func(t *testing.T) {
			src, err := Parse(name, fixture(t, name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			base := name[:len(name)-4]
			sameLines(t, "segments", describeAll(src.Segments), []string{
				base + `#2 [Anna] "Tea – £1 is “fine”." {question=Café or tea?; prompt=Café or tea?; speaker=Anna}`,
			})
		})
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		in, want, problem string
	}{
		{"a\r\nb\rc\n", "a\nb\nc\n", ""},
		{"\xef\xbb\xbfplain", "plain", ""},
		{"caf\xe9", "café", ""},         // Windows-1252
		{"\x80 \x93q\x94", "€ “q”", ""}, // Windows-1252's own letters
		{"", "", msgEmpty},
		{"\xef\xbb\xbf \n", "", msgEmpty},
		{"\xff\xfe \x00\n\x00", "", msgEmpty},
		{"a\x00b", "", msgBinary},
		{"\xff\xfea\x00\x00\x00", "", msgBinary}, // UTF-16 holding a NUL
		{"\x1b\x1b\x1b\x1b text", "", msgBinary},
		{"a\fb\vc\td", "a\fb\vc\td", ""},
	}
	for _, tt := range tests {
		for _, owned := range []bool{false, true} { // the text copied, or read in place
			got, problem := decodeText([]byte(tt.in), owned)
			if got != tt.want || problem != tt.problem {
				t.Errorf("decodeText(%q, owned %v) = %q, %q; want %q, %q", tt.in, owned, got, problem, tt.want, tt.problem)
			}
		}
	}
}
