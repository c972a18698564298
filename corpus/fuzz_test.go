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
				if c.Source != "" { // a speaker's row: source and speaker once each
					key := "\x00" + c.Source + "\x00" + c.Speaker
					if c.Speaker == "" || seen[key] {
						t.Fatalf("speaker row %+v empty or repeated", c)
					}
					seen[key] = true
					continue
				}
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
		checkNumbering(t, src, "f")
	})
}

func FuzzReadDOCX(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := Parse("f.docx", data, Options{})
		checkSource(t, src, err)
		if err == nil {
			checkNumbering(t, src, "f")
		}
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

// checkNumbering holds notes to their numbering: segments, prompts and
// preamble blocks together number 1, 2, 3… once each, and each in file
// order; headings point at the block after them.
func checkNumbering(t *testing.T, src *Source, name string) {
	t.Helper()
	numbers := map[int]string{}
	for _, s := range src.Segments {
		n, err := strconv.Atoi(strings.TrimPrefix(s.ID, name+"#"))
		if err != nil || !strings.HasPrefix(s.ID, name+"#") {
			t.Fatalf("segment ID %q", s.ID)
		}
		numbers[n] = s.ID
	}
	last := 0
	for _, c := range src.Context {
		switch c.Kind {
		case ContextPreamble, ContextPrompt:
			if other, ok := numbers[c.N]; ok {
				t.Fatalf("%s %d has the number of %s", c.Kind, c.N, other)
			}
			numbers[c.N] = string(c.Kind)
			if c.N <= last {
				t.Fatalf("%s %d after %d", c.Kind, c.N, last)
			}
			last = c.N
		case ContextHeading, ContextTitle:
			if c.N != 0 && c.N <= last {
				t.Fatalf("%s before %d after %d", c.Kind, c.N, last)
			}
		default:
			t.Fatalf("context kind %q", c.Kind)
		}
	}
	for n := 1; n <= len(numbers); n++ {
		if numbers[n] == "" {
			t.Fatalf("no block numbered %d of %d: %v", n, len(numbers), numbers)
		}
	}
}
