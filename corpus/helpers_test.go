package corpus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fixture reads testdata/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// describe prints a segment on one line for readable comparisons:
// ID [case] "text" {name=value; …}.
func describe(s Segment) string {
	var b strings.Builder
	b.WriteString(s.ID)
	if s.Case != "" {
		b.WriteString(" [" + s.Case + "]")
	}
	b.WriteString(" " + quoteText(s.Text))
	if len(s.Attributes) > 0 {
		b.WriteString(" " + attrs(s.Attributes))
	}
	return b.String()
}

func quoteText(s string) string {
	return `"` + strings.NewReplacer("\n", `\n`, "\t", `\t`, `"`, `\"`).Replace(s) + `"`
}

func attrs(as []Attribute) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Name + "=" + a.Value
	}
	return "{" + strings.Join(parts, "; ") + "}"
}

func describeAll(segs []Segment) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = describe(s)
	}
	return out
}

// describeAttrs prints attributes one a line: name=value.
func describeAttrs(as []Attribute) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name+"="+a.Value)
	}
	return out
}

// describeContext prints a source's context items one a line:
// kind N [speaker] "text".
func describeContext(items []ContextItem) []string {
	var out []string
	for _, c := range items {
		line := fmt.Sprintf("%s %d", c.Kind, c.N)
		if c.Speaker != "" {
			line += " " + c.Speaker
		}
		out = append(out, line+" "+quoteText(c.Text))
	}
	return out
}

func describeCases(cases []Case) []string {
	out := make([]string, len(cases))
	for i, c := range cases {
		out[i] = c.Name + " " + attrs(c.Attributes)
	}
	return out
}

// sameLines fails the test with both lists when they differ.
func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got:\n\t%s\nwant:\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// wantError checks that err is an *InputError whose message is exactly want.
func wantError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %T (%v) is not an *InputError", err, err)
	}
	if err.Error() != want {
		t.Errorf("error:\n got %q\nwant %q", err.Error(), want)
	}
}

// checkSource holds what every reader promises, on any input: a one-line
// *InputError, or at least one segment, each with an ID unique in the source
// and non-empty valid UTF-8 text with \n line endings.
func checkSource(t *testing.T, src *Source, err error) {
	t.Helper()
	if err != nil {
		checkError(t, err)
		if src != nil {
			t.Fatalf("source returned with error %v", err)
		}
		return
	}
	if len(src.Segments) == 0 {
		t.Fatal("no error and no segments")
	}
	seen := make(map[string]bool, len(src.Segments))
	for _, s := range src.Segments {
		switch {
		case strings.TrimSpace(s.Text) == "":
			t.Fatalf("segment %q has no text", s.ID)
		case !utf8.ValidString(s.Text):
			t.Fatalf("segment %q text is not UTF-8: %q", s.ID, s.Text)
		case strings.Contains(s.Text, "\r"):
			t.Fatalf("segment %q text holds a CR: %q", s.ID, s.Text)
		case s.ID == "":
			t.Fatalf("segment with empty ID: %q", s.Text)
		case seen[s.ID]:
			t.Fatalf("segment ID %q used twice", s.ID)
		}
		seen[s.ID] = true
		for _, a := range append(append([]Attribute(nil), s.Attributes...), src.Attributes...) {
			if !utf8.ValidString(a.Name) || !utf8.ValidString(a.Value) {
				t.Fatalf("attribute %q=%q is not UTF-8", a.Name, a.Value)
			}
		}
	}
	for _, c := range src.Cases {
		if c.Name == "" {
			t.Fatal("case without a name")
		}
	}
	checkNoControls(t, src)
}

// checkError holds what every error promises: an *InputError on one line.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %T (%v) is not an *InputError", err, err)
	}
	if msg := err.Error(); strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error is not one line: %q", msg)
	}
}
