package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// staffProject has one attribute under two spellings (a sheet's "Role"
// column, another's "role") and values that differ only in case:
//
//	sheet a: A1 P1 Role=Learning lead authority=LA01; A2 P2 Role=learning lead authority=la01
//	sheet b: B1 Q1 role=PQ lead authority=LA01;       B2 Q2 role=Learning lead authority=LA02
func staffProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "p.qcode")
	mustQcodeErr(t, "init", p, "--codebook", "pq")
	write(t, filepath.Join(dir, "a.csv"), "id,respondent,Role,authority,answer\n"+
		"A1,P1,Learning lead,LA01,Feedback forms after every course\n"+
		"A2,P2,learning lead,la01,We ask in supervision what changed\n")
	write(t, filepath.Join(dir, "b.csv"), "id,respondent,role,authority,answer\n"+
		"B1,Q1,PQ lead,LA01,Nothing formal yet\n"+
		"B2,Q2,Learning lead,LA02,Audits of case files\n")
	for _, f := range []string{"a.csv", "b.csv"} {
		mustQcodeErr(t, "-p", p, "import", filepath.Join(dir, f), "--text-col", "answer", "--id-col", "id", "--case-col", "respondent")
	}
	return p
}

func TestAttributesListing(t *testing.T) {
	p := staffProject(t)
	out, errs := mustQcodeErr(t, "-p", p, "attributes")
	for _, line := range []string{
		`Role (Role, role)  3 values`, `Learning lead  2         2`, `LA01           2         2`,
	} {
		if !strings.Contains(out, line) {
			t.Errorf("table lacks %q:\n%s", line, out)
		}
	}
	for _, w := range []string{
		`warning: attribute "authority": values "LA01" (2 segments) and "la01" (1 segment) differ only in case or spacing; to merge them: qcode attributes rename authority la01 LA01`,
		`warning: attribute names "Role" and "role" differ only in case: they are one attribute, shown as "Role"; to keep one spelling: qcode attributes rename-name role Role`,
		`warning: attribute "Role": values "Learning lead" (2 segments) and "learning lead" (1 segment) differ only in case or spacing; to merge them: qcode attributes rename Role 'learning lead' 'Learning lead'`,
	} {
		if !strings.Contains(errs, w+"\n") {
			t.Errorf("stderr lacks\n%s\ngot:\n%s", w, errs)
		}
	}
	out, errs = mustQcodeErr(t, "-p", p, "attributes", "--format", "json")
	if errs != "" {
		t.Errorf("json prints its warnings in the JSON, not on stderr: %s", errs)
	}
	golden(t, "attributes.json", out)
	var sum struct {
		Attributes []struct {
			Name     string `json:"name"`
			Segments int    `json:"segments"`
			Values   []struct {
				Value    string `json:"value"`
				Segments int    `json:"segments"`
				Cases    int    `json:"cases"`
			} `json:"values"`
		} `json:"attributes"`
		Warnings []struct {
			Kind     string   `json:"kind"`
			Variants []string `json:"variants"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Attributes) != 2 || len(sum.Warnings) != 3 || sum.Attributes[1].Name != "Role" || sum.Attributes[1].Segments != 4 {
		t.Errorf("json: %s", out)
	}
	out = mustQcode(t, "-p", p, "attributes", "--format", "csv")
	if !strings.HasPrefix(out, "attribute,value,segments,cases\nauthority,LA01,2,2\nauthority,la01,1,1\n") {
		t.Errorf("csv:\n%s", out)
	}
}

// The warnings' commands fix the spellings; report --by then has one column
// per role; every change is undone by qcode undo, in order.
func TestAttributesFixAndUndo(t *testing.T) {
	p := staffProject(t)
	before := snapshot(t, p)
	byRole := func() string {
		out := mustQcode(t, "-p", p, "report", "--by", "role", "--codes", "Kirkpatrick/L1 Reaction", "--format", "csv")
		return strings.SplitN(out, "\n", 2)[0]
	}
	if got := byRole(); !strings.Contains(got, "learning lead segments") {
		t.Fatalf("before: %s", got)
	}
	steps := []struct {
		args []string
		note string
	}{
		{[]string{"attributes", "rename", "ROLE", "learning lead", "Learning lead"},
			`rename ROLE value "learning lead" to "Learning lead": 1 segment changed (merged with what was there: undo separates them again)`},
		{[]string{"attributes", "rename", "authority", "la01", "LA01"}, `1 segment changed (merged`},
		{[]string{"attributes", "rename-name", "role", "Role"}, `rename attribute role to Role: 2 segments changed`},
		{[]string{"attributes", "set", "--case", "Q1", "sector=Adults"}, `set sector=Adults on case Q1: 1 case changed`},
		{[]string{"attributes", "set", "--source", "b", "method=survey"}, `set method=survey on source b: 1 source changed`},
		{[]string{"attributes", "set", "--case", "Q1", "Role=Manager"}, `1 segment keeps a value of its own`},
	}
	for _, st := range steps {
		_, errs := mustQcodeErr(t, append([]string{"-p", p}, st.args...)...)
		if !strings.Contains(errs, st.note) {
			t.Errorf("%v: %s, want %q", st.args, errs, st.note)
		}
	}
	if got := byRole(); got != "path,depth,segments,cases,percent_cases,Learning lead segments,Learning lead cases,Learning lead percent_cases,PQ lead segments,PQ lead cases,PQ lead percent_cases" {
		t.Errorf("after the fixes, --by role: %s", got)
	}
	out, errs := mustQcodeErr(t, "-p", p, "attributes")
	if errs != "" || strings.Contains(out, "(Role, role)") {
		t.Errorf("after the fixes:\n%s\n%s", out, errs)
	}
	for range steps {
		mustQcodeErr(t, "-p", p, "undo")
	}
	if got := snapshot(t, p); got != before {
		t.Errorf("undoing every fix did not give back the project:\n%s\n---\n%s", before, got)
	}
}

func TestAttributesErrors(t *testing.T) {
	p := staffProject(t)
	cases := []struct {
		args []string
		exit int
		msg  string
	}{
		{[]string{"attributes", "set", "role=x"}, 2, "needs --source or --case"},
		{[]string{"attributes", "set", "--case", "P1", "--source", "a", "role=x"}, 2, "needs --source or --case"},
		{[]string{"attributes", "set", "--case", "P1", "role"}, 2, "write NAME=VALUE"},
		{[]string{"attributes", "rename", "role", "x"}, 2, "needs NAME OLD NEW"},
		{[]string{"attributes", "rename", "colour", "red", "blue"}, 1, `no attribute "colour" (attributes: authority, Role)`},
		{[]string{"attributes", "rename", "role", "learning  lead", "x"}, 1, `attribute "role" has no value "learning  lead" (it has "Learning lead", "learning lead": values match exactly, spaces included)`},
		{[]string{"attributes", "set", "--case", "P9", "role=x"}, 1, `no case "P9"`},
		{[]string{"attributes", "rename-name", "authority", "role"}, 1, "authority and role cannot merge: 4 records have both with different values"},
		{[]string{"attributes", "--format", "xml"}, 2, "--format xml"},
	}
	before := snapshot(t, p)
	for _, c := range cases {
		_, errs, code := qcode(t, append([]string{"-p", p}, c.args...)...)
		if code != c.exit || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d %s, want %d and %q", c.args, code, errs, c.exit, c.msg)
		}
	}
	if got := snapshot(t, p); got != before {
		t.Error("a refused command changed the project")
	}
}

// Attribute names match whatever their case on the command line: --by,
// --unit, --attr, attribution templates, and export --by. staffProject's
// role: Learning lead on A1, B2; learning lead on A2; PQ lead on B1.
func TestAttributeNamesAnyCaseCLI(t *testing.T) {
	p := staffProject(t)
	mustQcodeErr(t, "-p", p, "codings", "import", writeTemp(t, "c.csv", "segment,code,coder\nA1,Kirkpatrick/L1 Reaction,alice\nB2,Kirkpatrick/L1 Reaction,alice\nA2,Kirkpatrick/L2 Learning,alice\n"))
	for _, name := range []string{"role", "Role", "ROLE"} {
		cases := []struct {
			args []string
			want string
		}{
			{[]string{"report", "--by", name, "--codes", "Kirkpatrick/L1 Reaction", "--format", "csv"},
				"Kirkpatrick/L1 Reaction,1,2,2,50,2,2,100,0,0,0,0,0,0"},
			{[]string{"report", "--unit", name, "--codes", "Kirkpatrick", "--format", "csv"},
				"Kirkpatrick,0,3,2,66.66666666666667"},
			{[]string{"segments", "--attr", name + "=Learning lead", "--format", "csv"}, "A1,a,P1"},
			{[]string{"quotes", "--code", "Kirkpatrick/L2 Learning", "--attribution", "{" + name + "}, {method}", "--format", "md"}, "(Learning lead)"},
			{[]string{"export", "--format", "md", "-", "--by", name}, "| Learning lead (n = 2) |"},
		}
		for _, c := range cases {
			out, errs := mustQcodeErr(t, append([]string{"-p", p}, c.args...)...)
			if !strings.Contains(out, c.want) {
				t.Errorf("%v: %s\n%s\nwant %q", c.args, out, errs, c.want)
			}
		}
	}
}

func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	write(t, path, data)
	return path
}
