package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A mistyped command is a usage error that names the command meant.
func TestDidYouMean(t *testing.T) {
	p, _ := project(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"reprot"}, `qcode: unknown command "reprot"; did you mean "report"?`},
		{[]string{"reprot", "--by", "role"}, `qcode: unknown command "reprot"; did you mean "report"?`},
		{[]string{"-p", p, "segmnts"}, `qcode: unknown command "segmnts"; did you mean "segments"?`},
		{[]string{"memo", "sett", "x"}, `qcode: unknown command "sett" for "qcode memo"; did you mean "set"?`},
		{[]string{"codebook", "ad", "X"}, `qcode: unknown command "ad" for "qcode codebook"; did you mean "add"?`},
		{[]string{"cod"}, `qcode: unknown command "cod"; did you mean one of "codebook", "codings", "log", "code"?`},
		{[]string{"xyzzy"}, `qcode: unknown command "xyzzy" (qcode --help lists the commands)`},
		{[]string{"a.qcode", "b.qcode"}, `qcode: qcode takes one project FILE (got "a.qcode b.qcode")`},
		{[]string{"report", "study.qcode"}, `qcode: qcode report takes no arguments; to name the project, put -p first: qcode -p study.qcode report`},
		{[]string{"-p", p, "other.qcode"}, `qcode: name the project once: qcode other.qcode, or qcode -p ` + p},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errs, code := qcode(t, tc.args...)
			if code != 2 || strings.Split(errs, "\n")[0] != tc.want {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tc.want)
			}
		})
	}
}

// Without a terminal the coding screen says so in one line, before the
// project is opened (nothing is written), and demo makes nothing.
func TestNoTerminal(t *testing.T) {
	p, dir := project(t)
	before := readBytes(t, p)
	const want = "qcode: the coding screen needs a terminal; for scripts use qcode segments, report, quotes, code or memos (qcode --help lists them all)\n"
	for _, args := range [][]string{{"-p", p}, {p}, {"demo", filepath.Join(dir, "demo.qcode")}} {
		_, errs, code := qcode(t, args...)
		if code != 1 || errs != want {
			t.Errorf("qcode %v: exit %d, stderr %q", args, code, errs)
		}
	}
	if after := readBytes(t, p); string(after) != string(before) {
		t.Errorf("the project changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "demo.qcode")); !os.IsNotExist(err) {
		t.Errorf("demo made its project without a terminal: %v", err)
	}
}

// init and demo never make a missing directory.
func TestInitIntoMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such")
	for _, args := range [][]string{
		{"init", filepath.Join(missing, "study.qcode")},
		{"-p", filepath.Join(missing, "study.qcode"), "init"},
		{"demo", filepath.Join(missing, "demo.qcode")},
	} {
		_, errs, code := qcode(t, args...)
		want := "qcode: cannot create " + filepath.Join(missing, "study.qcode") + ": the directory " + missing + " does not exist (qcode creates no directories; make it first, or name a file elsewhere)\n"
		if args[0] == "demo" {
			want = strings.ReplaceAll(want, "study.qcode", "demo.qcode")
		}
		if code != 1 || errs != want {
			t.Errorf("qcode %v: exit %d, stderr %q\nwant %q", args, code, errs, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !os.IsNotExist(err) {
		t.Errorf("a directory was made: %v", err)
	}
	write(t, filepath.Join(dir, "file"), "x")
	if _, errs, code := qcode(t, "init", filepath.Join(dir, "file", "study.qcode")); code != 1 || !strings.Contains(errs, "is not a directory") {
		t.Errorf("init under a file: exit %d %q", code, errs)
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A command that only groups others shows its help, and a mistyped
// sub-command of it is a usage error.
func TestGroupCommands(t *testing.T) {
	for _, group := range []string{"memo", "cases", "codings"} {
		out, _, code := qcode(t, group)
		if code != 0 || !strings.Contains(out, "Available Commands:") {
			t.Errorf("qcode %s: exit %d\n%s", group, code, out)
		}
		if _, errs, code := qcode(t, group, "nonsense"); code != 2 || !strings.Contains(errs, `unknown command "nonsense" for "qcode `+group+`"`) {
			t.Errorf("qcode %s nonsense: exit %d %q", group, code, errs)
		}
	}
}
