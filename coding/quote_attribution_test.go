package coding

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"qcode/corpus"
)

func TestAttributionTemplate(t *testing.T) {
	study := "{role}, {org_size} {geography} local authority, {method}"
	all := map[string]string{"role": "Learning lead", "org_size": "medium-sized", "geography": "rural", "method": "interview"}
	without := func(names ...string) map[string]string {
		m := map[string]string{}
		for k, v := range all {
			m[k] = v
		}
		for _, n := range names {
			delete(m, n)
		}
		return m
	}
	cases := []struct {
		template string
		attrs    map[string]string
		want     string
	}{
		{study, all, "Learning lead, medium-sized rural local authority, interview"},
		{study, without("geography"), "Learning lead, medium-sized local authority, interview"},
		{study, without("org_size"), "Learning lead, rural local authority, interview"},
		// A clause whose fields are all missing goes with its words.
		{study, without("org_size", "geography"), "Learning lead, interview"},
		{study, without("role"), "Medium-sized rural local authority, interview"},
		{study, without("method"), "Learning lead, medium-sized rural local authority"},
		{study, without("role", "method"), "Medium-sized rural local authority"},
		{study, without("role", "org_size", "geography"), "Interview"},
		{study, map[string]string{}, ""},
		// The study's focus-group form.
		{"{role}, {method}", map[string]string{"role": "Local authority adult care social worker", "method": "focus group"},
			"Local authority adult care social worker, focus group"},
		// Alternatives: the first with a value.
		{"{role|group}, {method}", map[string]string{"group": "PQ leads", "method": "survey"}, "PQ leads, survey"},
		{"{role|group}", map[string]string{"role": "Social worker", "group": "x"}, "Social worker"},
		// Brackets vanish with their fields; literal-only clauses stay.
		{"{role} ({years} years qualified)", map[string]string{"role": "Social worker"}, "Social worker"},
		{"{role} ({years} years qualified)", map[string]string{"role": "Social worker", "years": "3"}, "Social worker (3 years qualified)"},
		{"{role} [{sector}, {area}]", map[string]string{"role": "Manager", "area": "urban"}, "Manager [urban]"},
		{"{role} [{sector}, {area}]", map[string]string{"role": "Manager"}, "Manager"},
		{"({role})", map[string]string{}, ""},
		{"{role}, Scotland", map[string]string{}, "Scotland"},
		{"{role}, Scotland", map[string]string{"role": "Team manager"}, "Team manager, Scotland"},
		// Separators: never doubled, never dangling, the survivor's own kept.
		{"{a}, {b}; {c}", map[string]string{"a": "x", "c": "z"}, "X, z"},
		{"{a}, {b}; {c}", map[string]string{"b": "y", "c": "z"}, "Y; z"},
		{", {a},, {b} ,", map[string]string{"a": "x", "b": "y"}, "X, y"},
		{"{a} - {b} / {c}", map[string]string{"a": "x", "c": "z"}, "X - z"},
		{"{a} - {b} / {c}", map[string]string{"b": "y"}, "Y"},
		{"{a}-{b}", map[string]string{"a": "x", "b": "y"}, "X-y"},
		{"{a}-{b}", map[string]string{"a": "x"}, "X-"},
		// Spaces collapse; values are trimmed.
		{"{a}   {b}  council", map[string]string{"b": "  big  "}, "Big council"},
		{"{a} ( {b} )", map[string]string{"a": "x", "b": "y"}, "X (y)"},
		// Case-insensitive names are the caller's (attrValue); braces escape.
		{"{{not a field}} {a}", map[string]string{"a": "x"}, "{not a field} x"},
		// Capital first letter, but values keep their own capitals.
		{"{role}", map[string]string{"role": "iPad user"}, "iPad user"},
		{"{role}", map[string]string{"role": "PQ lead"}, "PQ lead"},
	}
	for _, c := range cases {
		tmpl, err := ParseAttribution(c.template)
		if err != nil {
			t.Errorf("%q: %v", c.template, err)
			continue
		}
		got := tmpl.Format(func(n string) string { return c.attrs[n] })
		if got != c.want {
			t.Errorf("%q with %v = %q, want %q", c.template, c.attrs, got, c.want)
		}
	}
}

func TestAttributionTemplateErrors(t *testing.T) {
	for _, bad := range []string{"{role", "{role}}x}", "{}", "{a||b}", "({role}", "[{role}", "role}"} {
		if _, err := ParseAttribution(bad); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ParseAttribution(%q) = %v, want ErrInvalidInput", bad, err)
		}
	}
	if _, err := ParseAttribution(DefaultAttribution); err != nil {
		t.Errorf("default template: %v", err)
	}
}

// Every quote gets an attribution: the template's, else the method, else
// the source's title, else the kind of file (never the file's name, which
// for notes often names the person).
func TestAttributionFallback(t *testing.T) {
	cases := []struct {
		name     string
		file     string
		format   string
		attrs    []corpus.Attribute // the source's
		template string
		want     string
	}{
		{"template finds a value", "survey.csv", "csv", []corpus.Attribute{{Name: "role", Value: "Social worker"}, {Name: "method", Value: "survey"}}, "", "Social worker, survey"},
		{"only the method", "survey.csv", "csv", []corpus.Attribute{{Name: "method", Value: "online survey"}}, "{role}", "Online survey"},
		{"the title", "jane-smith.md", "md", []corpus.Attribute{{Name: "title", Value: "Focus group: newly qualified social workers"}}, "", "Focus group: newly qualified social workers"},
		{"method before title", "jane-smith.md", "md", []corpus.Attribute{{Name: "Title", Value: "Session 2"}, {Name: "METHOD", Value: "interview"}}, "{role}", "Interview"},
		{"a sheet with nothing", "jane-smith.csv", "csv", nil, "", "Survey"},
		{"an xlsx with nothing", "jane-smith.xlsx", "xlsx", nil, "{role}, {sector}", "Survey"},
		{"notes with nothing", "jane-smith.md", "md", nil, "", "Notes"},
		{"a docx with nothing", "jane-smith.docx", "docx", nil, "", "Notes"},
		{"literal words stay the template's", "jane-smith.md", "md", nil, "{role}, Scotland", "Scotland"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newProject(t)
			src := &corpus.Source{Name: strings.TrimSuffix(c.file, filepath.Ext(c.file)), File: c.file, Format: c.format, Hash: c.file,
				Attributes: c.attrs, Segments: []corpus.Segment{{ID: "1", Case: "Jane Smith", Text: "We use feedback forms."}}}
			if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Apply("alice", mustRefs(t, s, SegmentQuery{})[0], code(t, s, "Kirkpatrick/L1 Reaction"), Span{}); err != nil {
				t.Fatal(err)
			}
			bank, err := s.Quotes(QuoteQuery{Attribution: c.template, Redact: true})
			if err != nil {
				t.Fatal(err)
			}
			got := bank.Groups[0].Quotes[0].Attribution
			if got != c.want {
				t.Errorf("attribution %q, want %q", got, c.want)
			}
			if strings.Contains(strings.ToLower(got), "jane") {
				t.Errorf("attribution %q names the file or the person", got)
			}
		})
	}
}
