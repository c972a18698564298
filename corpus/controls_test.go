package corpus

import (
	"reflect"
	"strings"
	"testing"

	"qcode/corpus/printable"
)

// checkPrintable fails for any string of src that could act on a terminal.
func checkPrintable(t *testing.T, what string, strs ...string) {
	t.Helper()
	for _, s := range strs {
		if i, r, ok := printable.Find(s); ok {
			t.Errorf("%s: %q holds %U at %d", what, s, r, i)
		}
	}
}

func checkNoControls(t *testing.T, src *Source) {
	t.Helper()
	checkPrintable(t, "source", src.Name, src.File)
	for _, a := range src.Attributes {
		checkPrintable(t, "source attribute", a.Name, a.Value)
	}
	for _, s := range src.Segments {
		checkPrintable(t, "segment", s.ID, s.Case, s.Text)
		for _, a := range s.Attributes {
			checkPrintable(t, "segment attribute", a.Name, a.Value)
		}
	}
	for _, c := range src.Cases {
		checkPrintable(t, "case", c.Name)
		for _, a := range c.Attributes {
			checkPrintable(t, "case attribute", a.Name, a.Value)
		}
	}
}

// An import keeps no escape sequence or control character: the attack's
// screen clear, window title and OSC 52 clipboard write, in every field a
// file can fill.
func TestImportStripsControls(t *testing.T) {
	const clear, title, clip = "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b]52;c;SGVsbG8=\x07"
	sheet := "id,respondent,ro" + clear + "le,answer\n" +
		"A1" + title + ",P1" + clip + ",Social worker\u202e,\"Career" + clear + " progression\"\n" +
		"A2,P2,PQ lead,\x1b[31mNo\x1b[0m backfill\u009b2J\n" +
		"A3,P3,PQ lead," + title + "\n" +
		// Real answers around them, as in an export (a file that is mostly
		// controls is refused as binary).
		"A7,P7,Team manager,Time to study was the main barrier for the whole team this year\n" +
		"A8,P8,Team manager,Backfill for the days away was never funded by the authority\n" +
		"A9,P9,Social worker,The university was two hours away and there was no travel budget\n"
	src, err := Parse("survey"+title+".csv", []byte(sheet), Options{TextCol: "answer", IDCol: "id", CaseCol: "respondent"})
	if err != nil {
		t.Fatal(err)
	}
	checkNoControls(t, src)
	want := []string{
		`A1 [P1] "Career progression" {role=Social worker}`,
		`A2 [P2] "No backfill" {role=PQ lead}`,
	}
	want = append(want, describeAll(src.Segments[2:])...)
	if got := describeAll(src.Segments); !reflect.DeepEqual(got, want) {
		t.Errorf("segments:\n got %q\nwant %q", got, want)
	}
	if src.Name != "survey" {
		t.Errorf("source name %q", src.Name)
	}

	notes := "---\nmethod: inter" + clip + "view\n---\n# Bene" + clear + "fits\n\n" +
		"**Jane" + title + ":** Confidence\x07 in court.\n\n" +
		"Interviewer: And\x1bc the barriers?\n\n" + clear + "\n\n" +
		strings.Repeat("Jane: Mostly the time it takes to travel to the university and back each week.\n\n", 3)
	src, err = Parse("notes.md", []byte(notes), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkNoControls(t, src)
	if got := describeAll(src.Segments); len(got) == 0 || got[0] != `notes#1 [Jane] "Confidence in court." {speaker=Jane}` {
		t.Errorf("notes: %q", got)
	}
	// A lone "# " heading on top is the title.
	if got := attrs(src.Attributes); got != "{method=interview; title=Benefits}" {
		t.Errorf("front matter: %s", got)
	}

	cases, err := ParseCases("cases.csv", []byte("case,ro"+clear+"le\nP1"+clip+",Learning lead"+title+"\n"+
		"P2,Social worker in a children's services team\nP3,Practice educator for a local authority\n"), Options{IDCol: "case"})
	if err != nil {
		t.Fatal(err)
	}
	if got := describeCases(cases); !reflect.DeepEqual(got, []string{"P1 {role=Learning lead}", "P2 {role=Social worker in a children's services team}", "P3 {role=Practice educator for a local authority}"}) {
		t.Errorf("cases: %q", got)
	}
}
