package main

import (
	"path/filepath"
	"strings"
	"testing"

	"qcode/coding"
)

func TestFilesAreReadBeforeTheProjectIsOpened(t *testing.T) {
	// Another qcode holds the project. A file that cannot be read is
	// reported as such at once: it was read before the project was opened,
	// so no lock was waited for, let alone held during the read.
	p, dir := project(t)
	s, err := coding.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	write(t, filepath.Join(dir, "bad.csv"), "id,answer\nA1,\"never closed\n")
	write(t, filepath.Join(dir, "bad-codings.csv"), "segment,code,kodr\n")
	write(t, filepath.Join(dir, "bad-cases.csv"), "id,role\nP1,x\nP1,y\n")
	write(t, filepath.Join(dir, "bad-book.yaml"), "codes: [\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"import", filepath.Join(dir, "bad.csv"), "--text-col", "answer"}, "qcode: bad.csv: line 2: unterminated quoted field\n"},
		{[]string{"import", filepath.Join(dir, "bad.csv"), filepath.Join(dir, "none.csv"), "--text-col", "answer"},
			"qcode: bad.csv: line 2: unterminated quoted field\nqcode: none.csv: cannot read: no such file or directory\nqcode: 2 of 2 files not imported (see above)\n"},
		{[]string{"codings", "import", filepath.Join(dir, "bad-codings.csv")}, `qcode: bad-codings.csv: line 1: unknown column "kodr" (columns: segment, code, coder, start, end, starred, memo)` + "\n"},
		{[]string{"cases", "import", filepath.Join(dir, "bad-cases.csv"), "--id-col", "id"}, `qcode: bad-cases.csv: line 3: duplicate id "P1" (also on line 2)` + "\n"},
		{[]string{"codebook", "import", filepath.Join(dir, "bad-book.yaml")}, "qcode: bad-book.yaml: line 1: did not find expected node content\n"},
	}
	for _, c := range cases {
		_, errs, code := qcode(t, append([]string{"-p", p}, c.args...)...)
		if code != 1 || errs != c.want {
			t.Errorf("%s: exit %d, stderr %q; want 1, %q", strings.Join(c.args, " "), code, errs, c.want)
		}
	}
	// A good file still waits for the project, and says who holds it.
	_, errs, code := qcode(t, "-p", p, "import", filepath.Join(dir, "survey.csv"), "--text-col", "answer", "--replace")
	if code != 1 || !strings.Contains(errs, "project is open in another qcode") {
		t.Errorf("good file, project held: exit %d %q", code, errs)
	}
}

func TestImportOfSeveralFiles(t *testing.T) {
	// Every file is read first; the good ones are stored, each in its own
	// transaction, and the bad ones named.
	p, dir := project(t)
	write(t, filepath.Join(dir, "a.md"), "Anna: one\n\nBen: two\n")
	write(t, filepath.Join(dir, "b.md"), "")
	write(t, filepath.Join(dir, "c.md"), "Cleo: three\n\nDan: four\n")
	_, errs, code := qcode(t, "-p", p, "import", filepath.Join(dir, "a.md"), filepath.Join(dir, "b.md"), filepath.Join(dir, "c.md"))
	want := "qcode: b.md: empty file\n" +
		`imported a.md: 2 segments as source "a" (2 participants), 2 new cases` + "\n" +
		`imported c.md: 2 segments as source "c" (2 participants), 2 new cases` + "\n" +
		"qcode: 1 of 3 files not imported (see above)\n"
	if code != 1 || errs != want {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", code, errs, want)
	}
	if out := mustQcode(t, "-p", p, "info", "--format", "json"); !strings.Contains(out, `"sources": 3`) {
		t.Errorf("info: %s", out)
	}
}

func TestMaxInputSize(t *testing.T) {
	p, dir := project(t)
	write(t, filepath.Join(dir, "more.csv"), "id,answer\nB1,"+strings.Repeat("long answer ", 10)+"\n")
	_, errs, code := qcode(t, "-p", p, "--max-input-size", "100", "import", filepath.Join(dir, "more.csv"), "--text-col", "answer")
	if want := "qcode: more.csv: file is 134 B, over the input limit of 100 B (--max-input-size raises it)\n"; code != 1 || errs != want {
		t.Errorf("over the cap: exit %d %q, want %q", code, errs, want)
	}
	_, errs, code = qcode(t, "-p", p, "--max-input-size", "100", "codings", "import", filepath.Join(dir, "more.csv"))
	if want := "qcode: more.csv: file is 134 B, over the input limit of 100 B (--max-input-size raises it)\n"; code != 1 || errs != want {
		t.Errorf("codings over the cap: exit %d %q, want %q", code, errs, want)
	}
	mustQcode(t, "-p", p, "--max-input-size", "1KiB", "import", filepath.Join(dir, "more.csv"), "--text-col", "answer")
	_, errs, code = qcode(t, "-p", p, "--max-input-size", "lots", "info")
	if code != 2 || !strings.Contains(errs, `size "lots"`) {
		t.Errorf("a bad size: exit %d %q", code, errs)
	}
}

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"1": 1, "1073741824": 1 << 30, "1GiB": 1 << 30, "1 GiB": 1 << 30, "2g": 2 << 30, "500MB": 500 << 20,
		"64 KiB": 64 << 10, "3k": 3 << 10, "7b": 7, "1TiB": 1 << 40,
	}
	for in, want := range good {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "1.5GiB", "GiB", "lots", "9999999999999GiB", "1 PiB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) took it", in)
		}
	}
}
