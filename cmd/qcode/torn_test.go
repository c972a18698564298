package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qcode/coding/codingtest"
)

// TestTornCommit: a power cut tore the meta page of an answered action's
// commit, the action kept in FILE.wal. `check` says so and passes; the
// first command replays the action, rewrites the page and says so in a
// note; nothing answered is lost and undo works. Every other bad meta
// page is refused as any damage is: one line, exit 1, no file changed.
func TestTornCommit(t *testing.T) {
	dir := t.TempDir()
	tf := codingtest.TornSession(t, dir)

	p := filepath.Join(dir, "torn.qcode")
	codingtest.Write(t, p, tf.Second.File, tf.Second.WAL)
	page := codingtest.Newest(t, p)
	codingtest.TearMeta(t, p, page, tf.First.File, codingtest.Tears()[0])
	before := stateOf(t, p)
	out, errs, code := qcode(t, "-p", p, "check")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "ok: ") || !strings.Contains(out, fmt.Sprintf("meta page %d is torn", page)) {
		t.Errorf("check of the torn file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if !stateOf(t, p).same(before) {
		t.Errorf("check changed the file")
	}
	out, errs, code = qcode(t, "-p", p, "codings", "export", "--coder", "alice")
	note := fmt.Sprintf("applied the last action of a qcode that stopped while saving it (kept in %s.wal); bbolt's meta page %d, torn by that stop, is rewritten\n", p, page)
	if code != 0 || errs != note {
		t.Errorf("export: exit %d, stderr %q; want the note %q", code, errs, note)
	}
	if !strings.Contains(out, "S1-1,"+codingtest.TornCode+",alice") || !strings.Contains(out, "S1-2,"+codingtest.TornCode+",alice") {
		t.Errorf("alice's codings after the replay:\n%s", out)
	}
	if _, err := os.Lstat(p + ".wal"); !os.IsNotExist(err) {
		t.Errorf("the WAL is left: %v", err)
	}
	if _, errs, code = qcode(t, "-p", p, "--coder", "alice", "undo"); code != 0 {
		t.Errorf("undo after the replay: exit %d, %q", code, errs)
	}
	out, errs, code = qcode(t, "-p", p, "check")
	if code != 0 || !strings.HasPrefix(out, "ok: ") || strings.Contains(out, "is torn") {
		t.Errorf("check after: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	csv := filepath.Join(dir, "c.csv")
	write(t, csv, "segment,code,coder\nS1-9,"+codingtest.TornCode+",bob\n")
	for i, c := range codingtest.TornRefusals(tf) {
		t.Run(c.Name, func(t *testing.T) {
			p := filepath.Join(dir, fmt.Sprintf("refused%d.qcode", i))
			c.Make(t, p)
			before := stateOf(t, p)
			var walBefore fileState
			_, walErr := os.Stat(p + ".wal")
			if walErr == nil {
				walBefore = stateOf(t, p+".wal")
			}
			for _, args := range [][]string{
				{"-p", p, "codings", "import", csv},
				{"-p", p, "--coder", "alice", "undo"},
				{"-p", p, "check"},
			} {
				says := c.Says
				if args[2] == "check" && says == "does not follow" {
					says = "damaged project" // check names the torn page first
				}
				_, errs, code := qcode(t, args...)
				if code != 1 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "qcode: ") || !strings.Contains(errs, says) {
					t.Errorf("%s: exit %d, stderr %q; want 1 and one line saying %q", strings.Join(args[2:], " "), code, errs, says)
				}
			}
			if !stateOf(t, p).same(before) {
				t.Errorf("the file changed")
			}
			if walErr == nil && !stateOf(t, p+".wal").same(walBefore) {
				t.Errorf("the WAL changed")
			}
		})
	}
}
