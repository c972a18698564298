package corpus

import (
	"strconv"
	"strings"
	"testing"
)

// The fuzz targets hold every reader to checkSource's promises on any input.
// Their seeds live under testdata/fuzz/ (built by TestGeneratedFixtures) and
// run with every go test.

func FuzzReadCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, textCol, idCol string) {
		for _, name := range []string{"f.csv", "f.tsv"} {
			src, err := Parse(name, data, Options{})
			checkSource(t, src, err)
			src, err = Parse(name, data, Options{TextCol: textCol, IDCol: idCol, CaseCol: idCol})
			checkSource(t, src, err)
			src, err = Parse(name, data, Options{TextCols: strings.Split(textCol, ","), IDCol: idCol})
			checkSource(t, src, err)
			if err == nil {
				for _, c := range src.Cases {
					if c.Name == "" || len(c.Attributes) == 0 {
						t.Fatalf("case %+v", c)
					}
				}
			}
			cases, err := ParseCases(name, data, Options{IDCol: idCol})
			checkError(t, err)
			seen := map[string]bool{}
			for _, c := range cases {
				if c.Name == "" || seen[c.Name] {
					t.Fatalf("case %q empty or repeated", c.Name)
				}
				seen[c.Name] = true
			}
		}
	})
}

func FuzzReadNotes(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, markdown bool) {
		name := "f.txt"
		if markdown {
			name = "f.md"
		}
		src, err := Parse(name, data, Options{})
		checkSource(t, src, err)
		if err != nil {
			return
		}
		for i, s := range src.Segments {
			if want := "f#" + strconv.Itoa(i+1); s.ID != want {
				t.Fatalf("segment %d has ID %q, want %q", i, s.ID, want)
			}
		}
	})
}

func FuzzReadDOCX(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := Parse("f.docx", data, Options{})
		checkSource(t, src, err)
	})
}

func FuzzReadXLSX(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, sheet string) {
		src, err := Parse("f.xlsx", data, Options{Sheet: sheet})
		checkSource(t, src, err)
		src, err = Parse("f.xlsx", data, Options{Sheet: sheet, TextCol: "response", IDCol: "response_id"})
		checkSource(t, src, err)
	})
}
