//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// These tests run the real qcode process path (openTUI → tui.Run →
// tea.Program) in a child on a pseudo-terminal, with every write held back
// until the test releases it, as a stalled disk would. They check that the
// queue drains on SIGTERM and SIGHUP, and that a third q abandons it with a
// count on stderr and exit status 1.

func TestMain(m *testing.M) {
	if release := os.Getenv("QCODE_TUI_CHILD_RELEASE"); release != "" {
		// The child: qcode itself, its writes held until the file exists.
		tuiWriteGate = func() {
			for {
				if _, err := os.Stat(release); err == nil {
					return
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// twentyCodes are twenty digit presses: the panel's first ten rows
// (Motivations and its nine codes) on A1, then on A2. The signal tests use
// the first five (one write sent, four queued): a write in this
// race-instrumented child takes tens of milliseconds.
const twentyCodes = "1234567890j1234567890"

func TestTUIDrainsOnSignals(t *testing.T) {
	for _, c := range []struct {
		name string
		end  func(c *child) error
	}{
		{"SIGTERM", func(c *child) error { return c.cmd.Process.Signal(syscall.SIGTERM) }},
		{"SIGHUP", func(c *child) error { return c.cmd.Process.Signal(syscall.SIGHUP) }},
		// The terminal goes away: the kernel sends SIGHUP, reads end and
		// writes to the screen fail.
		{"terminal closed", func(c *child) error { return c.pty.Close() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, _ := project(t)
			ch := startTUI(t, p)
			ch.waitFor("pay rise") // the first segment is on screen
			// The help screen after the digits shows that every digit was read
			// (keys are read in order; a signal could overtake them).
			ch.typeKeys(twentyCodes[:5] + "?")
			ch.waitFor("codebook editor")
			if err := c.end(ch); err != nil {
				t.Fatal(err)
			}
			ch.release()
			code, stderr := ch.wait()
			if code != 0 || stderr != "" {
				t.Errorf("%s: exit %d, stderr %q; want 0 and nothing", c.name, code, stderr)
			}
			if n := storedCodings(t, p); n != 5 {
				t.Errorf("%s: the project holds %d of the 5 codings shown", c.name, n)
			}
		})
	}
}

func TestTUIThirdQAbandonsTheQueue(t *testing.T) {
	p, _ := project(t)
	c := startTUI(t, p)
	c.waitFor("pay rise")
	c.typeKeys(twentyCodes + "qqq")
	// The screen is restored before qcode waits for the write it had sent.
	c.waitFor("\x1b[?1049l")
	c.release()
	code, stderr := c.wait()
	if code != 1 || stderr != "qcode: 19 actions not saved\n" {
		t.Errorf("q q q: exit %d, stderr %q; want 1 and \"qcode: 19 actions not saved\"", code, stderr)
	}
	if n := storedCodings(t, p); n != 1 {
		t.Errorf("the write in flight should be saved, the 19 queued not: %d codings", n)
	}
}

// child is qcode running on a pseudo-terminal.
type child struct {
	t       *testing.T
	cmd     *exec.Cmd
	pty     *os.File
	gate    string // the file that releases the writes
	stderr  bytes.Buffer
	mu      sync.Mutex
	screen  bytes.Buffer // everything written to the terminal
	drained chan struct{}
}

func startTUI(t *testing.T, project string) *child {
	t.Helper()
	return startQcode(t, "-p", project, "--coder", "alice")
}

// startQcode runs qcode with args on a pseudo-terminal of 80×24.
func startQcode(t *testing.T, args ...string) *child {
	t.Helper()
	master, slave, err := openPTY(80, 24)
	if err != nil {
		t.Fatalf("no pseudo-terminal: %v", err)
	}
	c := &child{t: t, pty: master, gate: filepath.Join(t.TempDir(), "release"), drained: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], args...)
	c.cmd.Env = append(os.Environ(), "QCODE_TUI_CHILD_RELEASE="+c.gate, "TERM=xterm-256color",
		// Under -race the child would sleep a second before exiting.
		"GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = slave, slave, &c.stderr
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	go func() {
		defer close(c.drained)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			c.mu.Lock()
			c.screen.Write(buf[:n])
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		c.release()
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
		master.Close()
	})
	return c
}

// waitFor waits until the terminal has been sent text (escape sequences
// between its characters are ignored).
func (c *child) waitFor(text string) {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		out := c.screen.String()
		c.mu.Unlock()
		if strings.Contains(out, text) || strings.Contains(ansi.Strip(out), text) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.mu.Lock()
	shown := ansi.Strip(c.screen.String())
	c.mu.Unlock()
	c.t.Fatalf("the screen never showed %q; stderr %q; screen %q", text, c.stderr.String(), shown[max(0, len(shown)-1500):])
}

func (c *child) typeKeys(s string) {
	c.t.Helper()
	if _, err := c.pty.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *child) release() {
	if err := os.WriteFile(c.gate, nil, 0o600); err != nil {
		c.t.Error(err)
	}
}

// wait waits for qcode to exit and returns its exit status and stderr.
func (c *child) wait() (int, string) {
	c.t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			c.t.Fatal(err)
		}
		code := c.cmd.ProcessState.ExitCode()
		if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
		return code, c.stderr.String()
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		c.t.Fatalf("qcode did not exit; stderr %q", c.stderr.String())
	}
	return 0, ""
}

// storedCodings opens the project afresh and counts its codings.
func storedCodings(t *testing.T, path string) int {
	t.Helper()
	s, err := coding.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := s.Info()
	if err != nil {
		t.Fatal(err)
	}
	return info.Codings
}

// openPTY opens a pseudo-terminal of w×h cells (Linux's /dev/ptmx).
func openPTY(w, h int) (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	ioctl := func(req uintptr, arg unsafe.Pointer) error {
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), req, uintptr(arg)); e != 0 {
			return e
		}
		return nil
	}
	var unlock int32
	var n uint32
	size := struct{ rows, cols, x, y uint16 }{uint16(h), uint16(w), 0, 0}
	if err = ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err == nil {
		if err = ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n)); err == nil {
			err = ioctl(syscall.TIOCSWINSZ, unsafe.Pointer(&size))
		}
	}
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}
