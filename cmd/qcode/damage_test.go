package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qcode/coding/codingtest"
)

// fileState is a file's bytes and time stamp.
type fileState struct {
	data []byte
	mod  time.Time
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{b, st.ModTime()}
}

func (s fileState) same(o fileState) bool { return bytes.Equal(s.data, o.data) && s.mod.Equal(o.mod) }

// TestDamagedProjects runs the damaged-file table (codingtest.Damages)
// through the command line, in this process (a truncated file used to be a
// SIGBUS): a write, `check` and a `merge` of the file each print one line
// and exit 1; reads exit 0 or print one line; no file changes.
func TestDamagedProjects(t *testing.T) {
	dir := t.TempDir()
	base := codingtest.DamageBase(t, dir)
	lead := filepath.Join(dir, "lead.qcode")
	codingtest.CopyFile(t, base, lead)
	csv := filepath.Join(dir, "c.csv")
	write(t, csv, "segment,code,coder\n"+codingtest.DamageIDs[0]+",Barriers/Funding and budget cuts,alice\n")
	for i, d := range codingtest.Damages() {
		t.Run(d.Name, func(t *testing.T) {
			p := filepath.Join(dir, fmt.Sprintf("d%d.qcode", i))
			codingtest.CopyFile(t, base, p)
			d.Apply(t, p)
			want := "damaged project"
			if d.Foreign {
				want = "not a qcode project"
			}
			before, leadBefore := stateOf(t, p), stateOf(t, lead)
			for _, args := range [][]string{
				{"-p", p, "codings", "import", csv},
				{"-p", p, "undo"},
				{"-p", p, "check"},
				{"-p", lead, "merge", p},
			} {
				_, errs, code := qcode(t, args...)
				if code != 1 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "qcode: ") || !strings.Contains(errs, want) {
					t.Errorf("%s: exit %d, stderr %q; want 1 and one line saying %q", strings.Join(args[2:], " "), code, errs, want)
				}
			}
			for _, args := range [][]string{
				{"-p", p, "info"},
				{"-p", p, "segments", "--format", "csv"},
				{"-p", p, "report", "--format", "json"},
				{"-p", p, "log"},
			} {
				_, errs, code := qcode(t, args...)
				if code != 0 && (code != 1 || strings.Count(errs, "\n") != 1) {
					t.Errorf("%s: exit %d, stderr %q; want 0, or 1 and one line", strings.Join(args[2:], " "), code, errs)
				}
			}
			if !stateOf(t, p).same(before) {
				t.Errorf("the damaged file changed")
			}
			if !stateOf(t, lead).same(leadBefore) {
				t.Errorf("the project it was merged into changed")
			}
		})
	}
}

// TestCheckCommand: a sound project prints "ok: …" with what was checked;
// a damaged one lists the first few problems of each kind and how many
// more, on stdout, and says so in one line on stderr, exit 1.
func TestCheckCommand(t *testing.T) {
	p := codedProject(t)
	out, errs, code := qcode(t, "-p", p, "check")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "ok: "+p+": ") || !strings.Contains(out, "codings") {
		t.Errorf("sound project: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	dir := t.TempDir()
	base := codingtest.DamageBase(t, dir)
	for _, d := range codingtest.Damages() {
		if d.Name != "branch page: kind" {
			continue
		}
		d.Apply(t, base)
	}
	out, errs, code = qcode(t, "-p", base, "check")
	if code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "damaged project: ") {
		t.Errorf("damaged project: exit %d, stderr %q", code, errs)
	}
	if !strings.HasPrefix(out, base+" is damaged:\n  pages: ") || !strings.Contains(out, "is neither in use nor free") || !strings.Contains(out, "    … and ") {
		t.Errorf("damaged project: stdout\n%s", out)
	}
}
