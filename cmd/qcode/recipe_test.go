package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qcode/coding/codingtest"
)

// studyProject builds the study-shaped fixture (testdata/study) through
// the command line: learning leads' interviews in 20 local authorities and
// 3 third sector organisations, a practitioners' survey, two focus groups
// with their speakers' roles; alice's coding, bob's double coding of the
// evaluation question (sample icr) with its two disagreements settled, and
// key findings in the research journal.
func studyProject(t *testing.T) string {
	t.Helper()
	fx, err := filepath.Abs(filepath.Join("..", "..", "testdata", "study"))
	if err != nil {
		t.Fatal(err)
	}
	in := func(name string) string { return filepath.Join(fx, name) }
	p := filepath.Join(t.TempDir(), "study.qcode")
	for _, args := range [][]string{
		{"init", p, "--codebook", "pq", "--name", "PQ learning study (fixture)"},
		{"-p", p, "import", in("interviews.csv"), "--text-col", "answer", "--id-col", "id", "--case-col", "lead", "--attr", "method=interview"},
		{"-p", p, "import", in("survey.csv"), "--text-col", "answer", "--id-col", "id", "--case-col", "respondent", "--attr", "method=survey"},
		{"-p", p, "import", in("focus-group-newly-qualified.md"), in("focus-group-experienced.md")},
		{"-p", p, "cases", "import", in("roles.csv")},
		{"-p", p, "codings", "import", in("codings.csv")},
		{"-p", p, "--coder", "lead", "sample", "icr", "--segments", in("icr.txt")},
		{"-p", p, "--coder", "lead", "settle", "LA07-Q1", "Kirkpatrick", "--take", "alice"},
		{"-p", p, "--coder", "lead", "settle", "LA13-Q1", "Kirkpatrick", "--take", "alice"},
		{"-p", p, "--coder", "lead", "memo", "set", "--journal", "--", "- Most local authorities evaluate PQ learning by learners' reactions; few look for changes in practice or outcomes.\n" +
			"- Workload and the lack of backfill are the barriers learning leads name most.\n" +
			"- Practitioners take up PQ learning for their development and career; the award's pay increment matters less."},
	} {
		mustQcodeErr(t, args...)
	}
	return p
}

const studyRecipe = "../../docs/recipes/study.yaml"

// docs/recipes/study.yaml on the study fixture: the report in Markdown
// and HTML against golden files, in Word opened and read.
func TestStudyRecipe(t *testing.T) {
	p := studyProject(t)
	t.Setenv("SOURCE_DATE_EPOCH", "1790000000")
	dir := t.TempDir()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	_, errs := mustQcodeErr(t, "-p", p, "export", "--recipe", studyRecipe, "--format", "md", filepath.Join(dir, "study.md"))
	md := read("study.md")
	golden(t, "study.md", md)
	// Table 2 of the study: Kirkpatrick level × local authorities, in
	// consensus (bob's L2 on LA13 and his missing L2 on LA07 settled as
	// alice coded): L1 LA01–LA17, L2 LA01–LA12, LA18, LA19, L3 LA01–LA04,
	// LA13, LA20, L4 LA01, LA02, LA05, of the 20 local authorities (the
	// third sector's three are left out by the where).
	for _, want := range []string{
		"**Table 2.** Evaluation methods by Kirkpatrick level: number of local authorities (n = 20)",
		"| L1 Reaction | 17 of 20 (85%) |", "| L2 Learning | 14 of 20 (70%) |", "| L3 Behaviour | 6 of 20 (30%) |", "| L4 Results | 3 of 20 (15%) |",
		"(Learning lead, medium-sized rural local authority, interview)",
		"course (17 of 20 (85%)),",
		"- Workload and the lack of backfill are the barriers learning leads name most.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("study.md lacks %q", want)
		}
	}
	if strings.Contains(md, "Baker") || !strings.Contains(errs, `redacted: focus-group-newly-qualified#7: name "Mrs Baker" in a quote`) ||
		!strings.Contains(errs, "consensus: all 2 disagreements settled (coders alice, bob)") {
		t.Errorf("stderr: %s", errs)
	}

	mustQcodeErr(t, "-p", p, "export", "--recipe", studyRecipe, "--format", "html", filepath.Join(dir, "study.html"))
	golden(t, "study.html", read("study.html"))

	mustQcodeErr(t, "-p", p, "export", "--recipe", studyRecipe, "--format", "docx", filepath.Join(dir, "study.docx"))
	parts, _ := codingtest.Unzip(t, []byte(read("study.docx")))
	body := string(parts["word/document.xml"])
	for _, want := range []string{
		`<w:pStyle w:val="Title"></w:pStyle></w:pPr><w:r><w:t>Evaluating post-qualifying learning in social work</w:t>`,
		`<w:pStyle w:val="Heading1"></w:pStyle></w:pPr><w:r><w:t>Key findings</w:t>`,
		`<w:pStyle w:val="Heading2"></w:pStyle></w:pPr><w:r><w:t>Barriers</w:t>`,
		`<w:t xml:space="preserve">Table 2. </w:t>`, `<w:t>17 of 20 (85%)</w:t>`,
		`<w:t xml:space="preserve">Figure 3. </w:t>`,
		`<w:pStyle w:val="Quote"></w:pStyle>`, `<w:t>(Learning lead, medium-sized rural local authority, interview)</w:t>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("study.docx lacks %s", want)
		}
	}
	// Three charts, three PNG images; four tables (Table 1, Table 2, the
	// agreement table, and none of the researcher's own).
	for _, img := range []string{"word/media/image1.png", "word/media/image2.png", "word/media/image3.png"} {
		if !bytes.HasPrefix(parts[img], []byte("\x89PNG")) {
			t.Errorf("no PNG %s", img)
		}
	}
	if n := strings.Count(body, "<w:drawing>"); n != 3 {
		t.Errorf("%d drawings, want 3", n)
	}
	if n := strings.Count(body, "<w:tbl>"); n != 3 {
		t.Errorf("%d tables, want 3", n)
	}
	if strings.Contains(body, "Baker") {
		t.Errorf("the Word document names Mrs Baker")
	}
	for _, f := range []string{"study.md", "study.html", "study.docx"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, fi.Mode(), err)
		}
	}
}

// export --recipe without a file writes the starter recipe; rendering it
// gives the default report byte for byte, in every format.
func TestStarterRecipe(t *testing.T) {
	p := reportProject(t)
	t.Setenv("SOURCE_DATE_EPOCH", "1790000000")
	dir := t.TempDir()
	starter, _ := mustQcodeErr(t, "-p", p, "export", "--recipe", "--unit", "authority", "--by", "role", "--coder", "consensus")
	for _, want := range []string{"title: \"{project}\"\ncoder: consensus\nunit: authority\nsections:\n", "| Authorities | {n} |", "  - table:\n      heading: Barriers\n      level: 3\n      codes: Barriers\n      description: true\n      by: role\n"} {
		if !strings.Contains(starter, want) {
			t.Errorf("starter lacks %q:\n%s", want, starter)
		}
	}
	recipe := filepath.Join(dir, "starter.yaml")
	_, errs := mustQcodeErr(t, "-p", p, "export", "--recipe", recipe, "--unit", "authority", "--by", "role", "--coder", "consensus")
	if b, err := os.ReadFile(recipe); err != nil || string(b) != starter || !strings.Contains(errs, "a starter recipe: edit it") {
		t.Fatalf("starter file: %v, %s", err, errs)
	}
	// An existing file is kept: it may be the recipe meant to be rendered.
	if _, errs, code := qcode(t, "-p", p, "export", "--recipe", recipe); code != 2 || !strings.Contains(errs, "exists: to render it, name OUT too") {
		t.Errorf("starter over a file: exit %d, %s", code, errs)
	}
	for _, format := range []string{"md", "html", "docx"} {
		def, _ := mustQcodeErr(t, "-p", p, "export", "--format", format, "-", "--unit", "authority", "--by", "role", "--coder", "consensus")
		fromRecipe, _ := mustQcodeErr(t, "-p", p, "export", "--recipe", recipe, "--format", format, "-")
		if def != fromRecipe {
			t.Errorf("%s: the starter recipe's report differs from the default report", format)
		}
	}
	// The flags of the default report are the recipe's keys.
	if _, errs, code := qcode(t, "-p", p, "export", "--recipe", recipe, "--unit", "authority", "-"); code != 2 || !strings.Contains(errs, "--unit is the default report's: a recipe sets unit itself") {
		t.Errorf("--unit with a recipe: exit %d, %s", code, errs)
	}
}

// A mistake in a recipe is one line naming the recipe's line, and nothing
// is written, not even over an older report.
func TestRecipeErrorWritesNothing(t *testing.T) {
	p := reportProject(t)
	dir := t.TempDir()
	recipe := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(recipe, []byte("title: Bad\nsections:\n  - text: |\n      ## Findings\n      {n_of_n:code=Kirkpatrick/L5 Impact}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(out, []byte("older report"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := qcode(t, "-p", p, "export", "--recipe", recipe, "--format", "docx", out)
	if code != 1 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, recipe+" line 5: no code \"Kirkpatrick/L5 Impact\"") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(out); string(b) != "older report" {
		t.Errorf("the older report was touched")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
	// A docx is not for a terminal; any file is.
	if _, errs, code := qcode(t, "-p", p, "export", "--recipe", recipe, "--format", "pdf", out); code != 2 || !strings.Contains(errs, "use md, docx, html") {
		t.Errorf("pdf: exit %d, %s", code, errs)
	}
}
