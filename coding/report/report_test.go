package report

import (
	"errors"
	"strings"
	"testing"

	"qcode/coding"
)

// n-of-N wording: a count of its base with the rounded percentage; a
// share under half a percent reads <1%, never 0%.
func TestNofN(t *testing.T) {
	for _, c := range []struct {
		n, of int
		want  string
	}{
		{17, 20, "17 of 20 (85%)"},
		{14, 20, "14 of 20 (70%)"},
		{0, 20, "0 of 20 (0%)"},
		{3, 3, "3 of 3 (100%)"},
		{1, 300, "1 of 300 (<1%)"},
		{2, 3, "2 of 3 (67%)"},
		{0, 0, "0 of 0 (0%)"},
	} {
		pct := 0.0
		if c.of > 0 {
			pct = 100 * float64(c.n) / float64(c.of)
		}
		if got := nOfN(c.n, c.of, pct); got != c.want {
			t.Errorf("nOfN(%d, %d) = %q, want %q", c.n, c.of, got, c.want)
		}
	}
}

// Placeholders in a text section, counted on the fixture (see its
// comment for the hand count).
func TestPlaceholders(t *testing.T) {
	s := fixture(t)
	for _, c := range []struct {
		text, want string
	}{
		{"{n_cases} participants, {n_segments} answers", "5 participants, 6 answers"},
		{"{n_participants} / {n}", "5 / 5"},
		{"{n:unit=authority}", "4"}, // LA1–LA3, TS1; R6 has none
		{"{n:unit=authority,where=sector=local authority}", "3"},
		{"{n:unit=authority,where=sector!=local authority}", "1"},
		{"{n:where=sector=local authority,third sector}", "4"}, // the commas stay in the where's values
		{"{n_of_n:code=Kirkpatrick/L1 Reaction,unit=authority,where=sector=local authority}", "3 of 3 (100%)"},
		{"{n_of_n:code=Kirkpatrick/L2 Learning,unit=authority}", "1 of 4 (25%)"},
		{"{n_of_n:code=Barriers}", "4 of 5 (80%)"},
		{"{pct:code=Barriers/Travel}", "40%"},
		{"{n:code=Barriers/Travel}", "2"},
		{"{n_segments:code=Barriers}", "4"},
		{"{n_coded}", "4"},
		{"{n_segments_coded}", "5"},
		{"{n:where=role=Learning lead,where=sector=third sector}", "1"},
		{"{n_sources} source, {n_codings} codings, {n_coders} coder: {coders}", "1 source, 10 codings, 1 coder: alice"},
		{"{project}, {date}, {where}, {counted}", "Fixture, 4 March 2026, every segment, any coder"},
		{"{by_method}", "survey: 6 segments, 5 participants"},
		{"{{n}} stays {{braces}}", "{n} stays {braces}"},
		{"a {set} of words?", ""}, // an unknown placeholder is an error (below)
	} {
		if c.want == "" {
			continue
		}
		got := strings.TrimSpace(markdownOf(t, s, "date: false\nsections:\n  - text: \""+strings.ReplaceAll(c.text, `"`, `\"`)+"\"\n"))
		got = strings.TrimPrefix(got, "# Fixture\n\n")
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.text, got, c.want)
		}
	}
}

// Every mistake in a recipe is one error naming the recipe's line, and
// Build returns no document.
func TestRecipeErrors(t *testing.T) {
	s := fixture(t)
	for _, c := range []struct {
		name, recipe string
		line         int
		want         string
	}{
		{"yaml", "title: x\n\tsections: y\n", 2, "not YAML: found a tab character"},
		{"top key", "titel: x\nsections:\n  - text: hi\n", 1, `unknown key "titel" (keys: title, date`},
		{"no sections", "title: x\n", 1, "sections: give a list"},
		{"section kind", "sections:\n  - tabel:\n      codes: Barriers\n", 2, `unknown section "tabel"`},
		{"section key", "sections:\n  - table:\n      cods: Barriers\n", 3, `table: unknown key "cods"`},
		{"key twice", "sections:\n  - table:\n      codes: Barriers\n      codes: Kirkpatrick\n", 4, "codes is given twice"},
		{"sort", "sections:\n  - table:\n      codes: Barriers\n      sort: size\n", 4, `sort: "size" is not one of codebook, frequency`},
		{"style", "style: fancy\nsections:\n  - text: x\n", 1, "style: \"fancy\" is not one of count, n_of_n"},
		{"per_code", "sections:\n  - quotes:\n      per_code: -1\n", 3, "per_code: give a whole number"},
		{"level", "sections:\n  - table:\n      level: 9\n", 3, "level: give 1 to 6"},
		{"memo", "sections:\n  - memo: everything\n", 2, "memo: write journal, all, or a mapping"},
		{"chart of nothing", "sections:\n  - chart:\n      table: t2\n", 3, `chart: no table with id "t2" above it`},
		{"code", "sections:\n  - text: hi\n  - table:\n      codes: Barriers/Workloads\n", 3, `table: no code "Barriers/Workloads"`},
		{"attribute", "sections:\n  - table:\n      codes: Barriers\n      by: rol\n", 2, `no attribute "rol"`},
		{"where attribute", "where: {sector: local authority}\nsections:\n  - quotes:\n      where: {sectr: x}\n", 3, `where sectr=x: no attribute "sectr"`},
		{"where value", "sections:\n  - table:\n      where: {sector: Local authority}\n", 2, `sector never has the value "Local authority"`},
		{"coder", "sections:\n  - table:\n      coder: zoe\n", 2, `no coder "zoe"`},
		{"placeholder", "sections:\n  - text: |\n      one\n      two {n_cass}\n", 4, "unknown placeholder {n_cass}"},
		{"placeholder key", "sections:\n  - text: \"{n:colour=red}\"\n", 2, `"colour=red" is not key=value`},
		{"placeholder code", "sections:\n  - text: \"{pct}\"\n", 2, "{pct} needs code=PATH"},
		{"placeholder unknown code", "sections:\n  - text: \"{n:code=Nope}\"\n", 2, `no code "Nope"`},
		{"placeholder open", "sections:\n  - text: \"{n_cases and more\"\n", 2, "is not closed"},
		{"caption", "sections:\n  - table:\n      codes: Barriers\n      caption: \"{m}\"\n", 4, "unknown placeholder {m}"},
		{"title", "date: false\ntitle: \"{titel}\"\nsections:\n  - text: x\n", 2, "title: unknown placeholder {titel}"},
		{"braces unquoted", "title: {project}\nsections:\n  - text: x\n", 1, `title: put a value that starts with { in quotes`},
		{"text unquoted", "sections:\n  - text: {n_cases}\n", 2, "text: put text that starts with { in quotes"},
		{"memo case", "sections:\n  - memo:\n      case: Zed\n", 2, `memo: no case "Zed"`},
		{"agreement", "sections:\n  - agreement:\n      coders: [alice]\n", 2, "agreement needs at least two coders"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, _, err := run(t, s, c.recipe)
			var re *RecipeError
			if !errors.As(err, &re) || doc != nil {
				t.Fatalf("got %v (%T), document %v", err, err, doc != nil)
			}
			if re.Line != c.line || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "r.yaml") {
				t.Errorf("error %q (line %d); want line %d and %q", err, re.Line, c.line, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error on several lines: %q", err)
			}
		})
	}
}

// A table counts in its own scope and style: Table 2's shape.
func TestTableNofN(t *testing.T) {
	s := fixture(t)
	md := markdownOf(t, s, `date: false
sections:
  - table:
      codes: Barriers
  - table:
      codes: Kirkpatrick
      unit: authority
      unit_label: local authorities
      where: {sector: local authority}
      style: n_of_n
      examples: true
      caption: "Evaluation methods by Kirkpatrick level: number of local authorities (n = {n})"
`)
	for _, want := range []string{
		"**Table 1.** Barriers: number of participants raising each code (n = 5).",
		"| **Barriers** (all codes) | 4 | 80% | 4 |",
		"**Table 2.** Evaluation methods by Kirkpatrick level: number of local authorities (n = 3)",
		"| Level | Local authorities | Example |",
		"| **All levels** | 3 of 3 (100%) |  |",
		"| L1 Reaction | 3 of 3 (100%) | “We send forms after every course.…” (Learning lead, survey) |",
		"| L2 Learning | 1 of 3 (33%) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("lacks %q:\n%s", want, md)
		}
	}
}

// sort: frequency orders each code's children by count, keeping them
// under their parent.
func TestByFrequency(t *testing.T) {
	rows := []coding.ReportRow{
		{Name: "A", Depth: 0, Cases: 5}, {Name: "a1", Depth: 1, Cases: 1}, {Name: "a2", Depth: 1, Cases: 4},
		{Name: "a2x", Depth: 2, Cases: 1}, {Name: "a2y", Depth: 2, Cases: 3}, {Name: "a3", Depth: 1, Cases: 4},
		{Name: "B", Depth: 0, Cases: 9}, {Name: "b1", Depth: 1, Cases: 0},
	}
	var got []string
	for _, r := range byFrequency(rows) {
		got = append(got, r.Name)
	}
	if want := "B b1 A a2 a2y a2x a3 a1"; strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", strings.Join(got, " "), want)
	}
}

// max_chars cuts at a sentence end that keeps at least half, else at a
// word boundary; never inside a word.
func TestCutQuote(t *testing.T) {
	for _, c := range []struct {
		text string
		max  int
		want string
	}{
		{"Short enough.", 40, "Short enough."},
		{"We send forms. Managers then look for changed practice.", 26, "We send forms. …"},
		{"We send forms. Managers then look for changed practice.", 30, "We send forms. Managers then…"}, // the sentence keeps less than half
		{"We send forms after every course. Managers look.", 40, "We send forms after every course. …"},
		{"Forms. Then a very long sentence that goes on and on.", 30, "Forms. Then a very long…"},
		{"Nobody covers the caseload while staff study", 20, "Nobody covers the…"},
		{"Supercalifragilisticexpialidocious words", 10, "Supercalifragilisticexpialidocious…"},
		{"Supercalifragilistic", 5, "Supercalifragilistic"},
		{"“It works!” she said, and then more and more.", 14, "“It works!” …"},
		{"Zoë’s team: ünïcode counts runes, not bytes here.", 20, "Zoë’s team: ünïcode…"},
	} {
		if got := cutQuote(c.text, c.max); got != c.want {
			t.Errorf("cutQuote(%q, %d) = %q, want %q", c.text, c.max, got, c.want)
		}
	}
}

// dedupe shows a passage once, under the first code that has it; per_code
// 0 is every quote; without per_code a code keeps 5.
func TestQuotesDedupeAndPerCode(t *testing.T) {
	s := fixture(t)
	count := func(md, text string) int { return strings.Count(md, "> "+text) }
	plain := markdownOf(t, s, "sections:\n  - quotes:\n      code: Barriers\n")
	deduped := markdownOf(t, s, "sections:\n  - quotes:\n      code: Barriers\n      dedupe: true\n")
	const r2 = "No backfill and no time"
	if count(plain, r2) != 2 || count(deduped, r2) != 1 {
		t.Errorf("R2 (coded Workload and Travel, whole): %d without dedupe, %d with:\n%s", count(plain, r2), count(deduped, r2), deduped)
	}
	// Under Travel, R3's span stays (another passage).
	if !strings.Contains(deduped, "### Travel\n\n> …Travel is the problem for island staff.") {
		t.Errorf("dedupe dropped another passage:\n%s", deduped)
	}
	one := markdownOf(t, s, "sections:\n  - quotes:\n      code: Barriers/Workload\n      per_code: 1\n")
	all := markdownOf(t, s, "sections:\n  - quotes:\n      code: Barriers/Workload\n      per_code: 0\n")
	if n := strings.Count(one, "\n> "); n != 1 {
		t.Errorf("per_code 1: %d quotes", n)
	}
	if n := strings.Count(all, "\n> "); n != 3 {
		t.Errorf("per_code 0: %d quotes, want all 3", n)
	}
	// Starred first: R1's.
	if !strings.Contains(one, "> We send forms after every course. Managers") {
		t.Errorf("per_code 1 did not keep the starred quote:\n%s", one)
	}
	cut := markdownOf(t, s, "sections:\n  - quotes:\n      code: Barriers/Workload\n      max_chars: 40\n")
	if !strings.Contains(cut, "> We send forms after every course. …") {
		t.Errorf("max_chars:\n%s", cut)
	}
}

// Redaction holds in the researcher's text, headings, captions and memos
// as in quotes; every detail is listed once.
func TestRedactionEverywhere(t *testing.T) {
	s := fixture(t)
	if _, err := s.SetMemoOn("lead", coding.MemoTarget{Kind: coding.MemoProject}, "Key finding: Dr Wood (wood@example.org) reads every form."); err != nil {
		t.Fatal(err)
	}
	doc, hits, err := run(t, s, `title: "Report for Dr Wood"
sections:
  - text: "Thanks to Dr Wood, 020 7946 0958."
  - memo: journal
  - quotes:
      heading: Dr Wood's quotes
      code: Kirkpatrick
`)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteMarkdown(&b, doc); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, leak := range []string{"Wood", "wood@example.org", "020 7946 0958"} {
		if strings.Contains(md, leak) {
			t.Errorf("%q in the report:\n%s", leak, md)
		}
	}
	where := map[string]bool{}
	for _, h := range hits {
		where[h.Where] = true
	}
	for _, w := range []string{"title", "text", "memo", "heading", "quote"} {
		if !where[w] {
			t.Errorf("no hit in a %s: %v", w, hits)
		}
	}
}

// A memo section prints the memo the recipe names, as Markdown.
func TestMemoSections(t *testing.T) {
	s := fixture(t)
	book := s.Codebook()
	barriers, _ := book.Lookup("Barriers")
	for _, m := range []struct {
		t    coding.MemoTarget
		text string
	}{
		{coding.MemoTarget{Kind: coding.MemoProject}, "- First finding\n- Second finding"},
		{coding.MemoTarget{Kind: coding.MemoProject}, "A later entry."},
		{coding.MemoTarget{Kind: coding.MemoCode, Code: barriers.ID}, "Barriers are *mostly* about time."},
	} {
		if _, err := s.SetMemoOn("lead", m.t, m.text); err != nil {
			t.Fatal(err)
		}
	}
	// An entry not written yet is a gap the document shows, not a mistake
	// in the recipe.
	md := markdownOf(t, s, "date: false\nsections:\n  - memo:\n      journal: 1\n  - memo:\n      code: Barriers\n  - memo:\n      case: E\n  - memo:\n      journal: 3\n")
	want := "# Fixture\n\n- First finding\n- Second finding\n\nBarriers are *mostly* about time.\n\n*No memo yet.*\n\n" +
		"*No journal entry #3 yet: write it with `qcode memo set --journal`.*\n\n"
	if md != want {
		t.Errorf("memo sections:\n%s\nwant\n%s", md, want)
	}
}
