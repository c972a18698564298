//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSpecialFilesAreRefused(t *testing.T) {
	p, dir := project(t)
	fifo := func(name string) string {
		path := filepath.Join(dir, name)
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	zero := filepath.Join(dir, "zero.csv")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"import", fifo("answers.csv"), "--text-col", "answer"}, "answers.csv: not a regular file (a named pipe)"},
		{[]string{"import", zero, "--text-col", "answer"}, "zero.csv: not a regular file (a device)"},
		{[]string{"cases", "import", fifo("cases.csv"), "--id-col", "id"}, "cases.csv: not a regular file (a named pipe)"},
		{[]string{"codings", "import", fifo("codings.csv")}, "codings.csv: not a regular file (a named pipe)"},
		{[]string{"codings", "import", zero}, "zero.csv: not a regular file (a device)"},
		{[]string{"codebook", "import", fifo("book.yaml")}, "book.yaml: not a regular file (a named pipe)"},
		{[]string{"init", filepath.Join(dir, "new.qcode"), "--codebook", fifo("start.yaml")}, "start.yaml: not a regular file (a named pipe)"},
	}
	for _, c := range cases {
		name := c.args[0] + " " + strings.SplitN(c.want, ":", 2)[0]
		t.Run(name, func(t *testing.T) {
			before := stateOf(t, p)
			type result struct {
				errs string
				code int
			}
			done := make(chan result, 1)
			go func() {
				_, errs, code := qcode(t, append([]string{"-p", p}, c.args...)...)
				done <- result{errs, code}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("still reading after 10 s")
			}
			if r.code != 1 || r.errs != "qcode: "+c.want+"\n" {
				t.Errorf("exit %d, stderr %q; want 1, %q", r.code, r.errs, "qcode: "+c.want+"\n")
			}
			if !stateOf(t, p).same(before) {
				t.Error("the project file changed")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "new.qcode")); err == nil {
		t.Error("init made a project from a named pipe")
	}
}
