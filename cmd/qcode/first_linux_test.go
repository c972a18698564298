//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// qcode FILE.qcode opens that project on the coding screen.
func TestOpenProjectByFile(t *testing.T) {
	p, _ := project(t)
	c := startQcode(t, p, "--coder", "alice")
	c.waitFor("pay rise") // the project's first answer
	c.typeKeys("q")
	c.release()
	if code, stderr := c.wait(); code != 0 || stderr != "" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// The real binary, its stdin not a terminal (a script, cron): one line.
func TestNoTerminalChild(t *testing.T) {
	p, _ := project(t)
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(os.Args[0], "-p", p, "--coder", "alice")
	cmd.Env = append(os.Environ(), "QCODE_TUI_CHILD_RELEASE="+filepath.Join(t.TempDir(), "never"))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, &stdout, &stderr
	err = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 1 || stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 ||
		!strings.HasPrefix(stderr.String(), "qcode: the coding screen needs a terminal;") {
		t.Errorf("exit %d (%v), stdout %q, stderr %q", code, err, stdout.String(), stderr.String())
	}
}
