package coding

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// rolesProject holds one attribute under three spellings, on three layers:
//
//	sheet  (segments' own "Role"): S1 Learning lead (case P1), S2 Learning lead (P1), S3 PQ lead (P2)
//	notes  (cases' "role"):        N1 speaker Ann = Learning lead, N2 speaker Bo = Team manager
//	survey (the source's "ROLE"):  V1, V2 (no case) = PQ lead
//
// and a value spelt like the name ("role") under another attribute, so that
// a string equal to the name that is not a name is in the index too.
func rolesProject(t *testing.T) *Store {
	t.Helper()
	s, _ := newProject(t)
	seg := func(id, c, text string, attrs ...string) corpus.Segment {
		sg := corpus.Segment{ID: id, Case: c, Text: text}
		for i := 0; i+1 < len(attrs); i += 2 {
			sg.Attributes = append(sg.Attributes, corpus.Attribute{Name: attrs[i], Value: attrs[i+1]})
		}
		return sg
	}
	sources := []*corpus.Source{
		{Name: "sheet", File: "sheet.csv", Format: "csv", Hash: "h1", Segments: []corpus.Segment{
			seg("S1", "P1", "feedback forms after every course", "Role", "Learning lead", "note", "role"),
			seg("S2", "P1", "we ask managers in supervision", "Role", "Learning lead"),
			seg("S3", "P2", "nothing formal", "Role", "PQ lead"),
		}},
		{Name: "notes", File: "notes.md", Format: "md", Hash: "h2",
			Cases: []corpus.Case{{Name: "Ann", Attributes: []corpus.Attribute{{Name: "role", Value: "Learning lead"}}},
				{Name: "Bo", Attributes: []corpus.Attribute{{Name: "role", Value: "Team manager"}}}},
			Segments: []corpus.Segment{seg("N1", "Ann", "we use reaction sheets"), seg("N2", "Bo", "the team talks about it")}},
		{Name: "survey", File: "survey.csv", Format: "csv", Hash: "h3", Attributes: []corpus.Attribute{{Name: "ROLE", Value: "PQ lead"}},
			Segments: []corpus.Segment{seg("V1", "", "pay rise"), seg("V2", "", "travel time")}},
	}
	for _, src := range sources {
		if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestSpellingsFindEveryCase(t *testing.T) {
	s := rolesProject(t)
	cases := []struct {
		name string
		want []string
	}{
		{"role", []string{"ROLE", "Role", "role"}},
		{"ROLE", []string{"ROLE", "Role", "role"}},
		{"rOlE", []string{"ROLE", "Role", "role"}},
		{"rol", nil},
		{"roles", nil},
		{"note", []string{"note"}},
		{"NOTE", []string{"note"}},
		{"", nil},
	}
	for _, c := range cases {
		var got []string
		s.view(func(tx *bolt.Tx) error {
			in := newInterner(tx, nil)
			for _, id := range spellings(tx, c.name) {
				got = append(got, in.str(id))
			}
			return nil
		})
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("spellings(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestFoldName(t *testing.T) {
	cases := []struct{ a, b string }{
		{"role", "ROLE"}, {"Role", "rOLE"}, {"question_id", "Question_ID"},
		{"straße", "STRAßE"}, {"kelvin", "\u212Aelvin"}, {"Zoë", "ZOË"}, {"ſtatus", "STATUS"},
	}
	for _, c := range cases {
		if foldName(c.a) != foldName(c.b) || !strings.EqualFold(c.a, c.b) {
			t.Errorf("foldName(%q) = %q, foldName(%q) = %q: want equal", c.a, foldName(c.a), c.b, foldName(c.b))
		}
	}
	for _, c := range []struct{ a, b string }{{"role", "roles"}, {"LA01", "LA 01"}, {"a", "b"}} {
		if foldName(c.a) == foldName(c.b) {
			t.Errorf("foldName(%q) == foldName(%q)", c.a, c.b)
		}
	}
}

// Every place that looks an attribute up by name finds all three spellings.
// Expected numbers, by hand from rolesProject: Learning lead is S1, S2 (P1)
// and N1 (Ann): 3 segments, 2 cases; PQ lead is S3 (P2) and V1, V2 (each
// its own case): 3 segments, 3 cases; Team manager is N2 (Bo).
func TestAttributeNamesMatchAnyCase(t *testing.T) {
	s := rolesProject(t)
	for _, name := range []string{"role", "Role", "ROLE", "rOlE"} {
		t.Run(name, func(t *testing.T) {
			// segments --attr, the TUI's filter
			segs, err := s.Segments(SegmentQuery{Attr: Attribute{Name: name, Value: "PQ lead"}})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, sg := range segs {
				ids = append(ids, sg.ID)
				if got := sg.Attr(name); got != "PQ lead" {
					t.Errorf("%s.Attr(%q) = %q", sg.ID, name, got)
				}
			}
			if strings.Join(ids, ",") != "S3,V1,V2" {
				t.Errorf("filter %s=PQ lead: %v, want S3,V1,V2", name, ids)
			}
			// report --by
			rep, err := s.Report(ReportQuery{By: name})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][2]int{}
			for _, c := range rep.Columns {
				got[c.Value] = [2]int{c.Segments, c.Cases}
			}
			want := map[string][2]int{"Learning lead": {3, 2}, "PQ lead": {3, 3}, "Team manager": {1, 1}}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("--by %s: columns %v, want %v (no %s column)", name, got, want, MissingValue)
			}
			if rep.By != "Role" {
				t.Errorf("--by %s: by_attribute %q, want the first spelling stored, Role", name, rep.By)
			}
			// report --unit: 3 distinct roles over 7 segments, none without
			rep, err = s.Report(ReportQuery{Unit: name})
			if err != nil {
				t.Fatal(err)
			}
			if rep.CasesTotal != 3 || rep.WithoutUnit != 0 || rep.Unit != "Role" {
				t.Errorf("--unit %s: %d units, %d without, unit %q; want 3, 0, Role", name, rep.CasesTotal, rep.WithoutUnit, rep.Unit)
			}
			// attribution templates
			l1 := code(t, s, "Kirkpatrick/L1 Reaction")
			refs := mustRefs(t, s, SegmentQuery{Text: "reaction sheets"})
			if _, err := s.Apply("alice", refs[0], l1, Span{}); err != nil {
				t.Fatal(err)
			}
			bank, err := s.Quotes(QuoteQuery{Code: "Kirkpatrick", Attribution: "{" + name + "}, {missing}"})
			if err != nil {
				t.Fatal(err)
			}
			if len(bank.Groups) != 1 || bank.Groups[0].Quotes[0].Attribution != "Learning lead" {
				t.Errorf("{%s}: %+v", name, bank.Groups)
			}
		})
	}
	// One attribute in the filter menu, spelt as first stored.
	attrs, err := s.AttributeValues()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range attrs {
		names = append(names, fmt.Sprintf("%s%q", a.Name, a.Values))
	}
	if got := strings.Join(names, " "); got != `note["role"] Role["Learning lead" "PQ lead" "Team manager"]` {
		t.Errorf("AttributeValues: %s", got)
	}
	// A segment shows one entry per attribute: its own value wins.
	segs, _ := s.Segments(SegmentQuery{Text: "supervision"})
	if fmt.Sprint(segs[0].Attributes) != "[{Role Learning lead}]" {
		t.Errorf("merged attributes %v", segs[0].Attributes)
	}
	// A name in no spelling is still an error naming what there is.
	if _, err := s.Report(ReportQuery{By: "roel"}); err == nil || !strings.Contains(err.Error(), `no attribute "roel"`) {
		t.Errorf("--by roel: %v", err)
	}
}

// A segment whose own attribute and whose case's differ only in the case of
// the name shows one attribute, its own value, spelt as first stored.
func TestMergedAttributesFoldLayers(t *testing.T) {
	s, _ := newProject(t)
	src := &corpus.Source{Name: "x", File: "x.csv", Format: "csv", Hash: "x",
		Attributes: []corpus.Attribute{{Name: "Method", Value: "survey"}},
		Cases:      []corpus.Case{{Name: "P1", Attributes: []corpus.Attribute{{Name: "ROLE", Value: "from case"}, {Name: "method", Value: "interview"}}}},
		Segments: []corpus.Segment{{ID: "1", Case: "P1", Text: "t",
			Attributes: []corpus.Attribute{{Name: "role", Value: "own"}}}}}
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	segs, err := s.Segments(SegmentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// Interned in import order: Method, survey, ROLE, from case, method, …, role.
	if got := fmt.Sprint(segs[0].Attributes); got != "[{ROLE own} {Method interview}]" {
		t.Errorf("merged %s", got)
	}
}

// Setting an attribute spelt in another case replaces the value: a cases
// sheet's "ROLE" column updates a case's "role", and --attr Method=… on
// import overrides a file's "method".
func TestSettingAttributesFoldsNames(t *testing.T) {
	s, _ := newProject(t)
	src := &corpus.Source{Name: "notes", File: "notes.md", Format: "md", Hash: "n",
		Attributes: []corpus.Attribute{{Name: "method", Value: "survey"}},
		Cases:      []corpus.Case{{Name: "Ann", Attributes: []corpus.Attribute{{Name: "role", Value: "Learning lead"}}}},
		Segments:   []corpus.Segment{{ID: "1", Case: "Ann", Text: "t"}}}
	if _, err := s.ImportSource("lead", src, ImportOptions{Attributes: []Attribute{{Name: "Method", Value: "interview"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportCases("lead", []corpus.Case{{Name: "ann", Attributes: []corpus.Attribute{{Name: "ROLE", Value: "PQ lead"}}}}); err != nil {
		t.Fatal(err)
	}
	segs, _ := s.Segments(SegmentQuery{})
	if got := fmt.Sprint(segs[0].Attributes); got != "[{role PQ lead} {method interview}]" {
		t.Errorf("attributes %s", got)
	}
	cases, _ := s.Cases()
	if len(cases[0].Attributes) != 1 {
		t.Errorf("the case has two spellings of role: %v", cases[0].Attributes)
	}
}
