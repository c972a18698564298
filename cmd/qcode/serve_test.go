//go:build linux

package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// These tests run `qcode serve` in a child process on 127.0.0.1 (an
// ephemeral port) and talk to it with golang.org/x/crypto/ssh clients.

// team is a served project: the child, its address and log, and a key
// for each person (lee is the lead; alice and bob code; eve is unknown).
type team struct {
	t    testing.TB
	p    string
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  bytes.Buffer
	keys map[string]gossh.Signer
	priv map[string]ed25519.PrivateKey
	done chan struct{}
}

func newKey(t testing.TB) (gossh.Signer, ed25519.PrivateKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, priv
}

// serveTeam starts qcode serve on project p for lee (lead), alice and bob
// (coders); eve has a key the server does not know.
func serveTeam(t *testing.T, p string) *team {
	t.Helper()
	return serveTeamOf(t, p, [][2]string{{"lee", "lead"}, {"alice", "coder"}, {"bob", "coder"}, {"eve", ""}})
}

// serveTeamOf starts qcode serve on p for people (name, role; no role: a
// key the server does not know).
func serveTeamOf(t testing.TB, p string, people [][2]string) *team {
	t.Helper()
	tm := &team{t: t, p: p, keys: map[string]gossh.Signer{}, priv: map[string]ed25519.PrivateKey{}, done: make(chan struct{})}
	var lines strings.Builder
	for _, who := range people {
		tm.keys[who[0]], tm.priv[who[0]] = newKey(t)
		if who[1] != "" {
			fmt.Fprintf(&lines, "%s %s %s", who[0], who[1], gossh.MarshalAuthorizedKey(tm.keys[who[0]].PublicKey()))
		}
	}
	dir := filepath.Dir(p)
	if err := os.WriteFile(filepath.Join(dir, "team.keys"), []byte("# name role key\n"+lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	gate := filepath.Join(t.TempDir(), "release")
	os.WriteFile(gate, nil, 0o600) // writes are not held back here
	tm.cmd = exec.Command(os.Args[0], "-p", p, "serve", "--listen", "127.0.0.1:0", "--keys", filepath.Join(dir, "team.keys"))
	tm.cmd.Env = append(os.Environ(), "QCODE_TUI_CHILD_RELEASE="+gate, "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	stderr, err := tm.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrs := make(chan string, 1)
	go func() {
		defer close(tm.done)
		r := bufio.NewReader(stderr)
		serving := regexp.MustCompile(`serving .* on (\S+) to `)
		for {
			line, err := r.ReadString('\n')
			tm.mu.Lock()
			tm.log.WriteString(line)
			tm.mu.Unlock()
			if m := serving.FindStringSubmatch(line); m != nil {
				addrs <- m[1]
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		if tm.cmd.ProcessState == nil {
			tm.cmd.Process.Kill()
			tm.cmd.Wait()
		}
	})
	select {
	case tm.addr = <-addrs:
	case <-tm.done:
		t.Fatalf("qcode serve did not start: %s", tm.logText())
	case <-time.After(20 * time.Second):
		t.Fatalf("qcode serve did not start: %s", tm.logText())
	}
	return tm
}

func (tm *team) logText() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.log.String()
}

// waitLog waits for the log to hold text.
func (tm *team) waitLog(text string) {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(tm.logText(), text) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	tm.t.Fatalf("the log never said %q:\n%s", text, tm.logText())
}

// waitCodings waits until the lead's export lists n codings: the
// screens' actions are then acknowledged (committed).
func (tm *team) waitCodings(n int) {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		out, _, _ := tm.run("lee", "codings export")
		if strings.Count(out, "\n")-1 == n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tm.t.Fatalf("never %d codings; log:\n%s", n, tm.logText())
}

func (tm *team) dial(who string) (*gossh.Client, error) {
	return gossh.Dial("tcp", tm.addr, &gossh.ClientConfig{
		User:            "anyone", // ignored: the key says who
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(tm.keys[who])},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	})
}

// run runs a command as who and returns stdout, stderr and exit status.
func (tm *team) run(who, command string) (string, string, int) {
	tm.t.Helper()
	c, err := tm.dial(who)
	if err != nil {
		tm.t.Fatalf("%s: %v", who, err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		tm.t.Fatal(err)
	}
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	err = sess.Run(command)
	code := 0
	var exit *gossh.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitStatus()
	} else if err != nil {
		tm.t.Fatalf("%s %q: %v", who, command, err)
	}
	return out.String(), errb.String(), code
}

// screen is a coding screen over SSH on a pseudo-terminal of 80×24.
type screen struct {
	t    testing.TB
	c    *gossh.Client
	sess *gossh.Session
	in   io.WriteCloser
	mu   sync.Mutex
	out  bytes.Buffer
	more chan struct{} // something more was written
}

func (tm *team) screen(who string) *screen {
	tm.t.Helper()
	c, err := tm.dial(who)
	if err != nil {
		tm.t.Fatalf("%s: %v", who, err)
	}
	sess, err := c.NewSession()
	if err != nil {
		tm.t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		tm.t.Fatal(err)
	}
	s := &screen{t: tm.t, c: c, sess: sess}
	s.in, _ = sess.StdinPipe()
	s.more = make(chan struct{}, 1)
	sess.Stdout = writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		select { // wake a waitSaved
		case s.more <- struct{}{}:
		default:
		}
		return s.out.Write(p)
	})
	if err := sess.Shell(); err != nil {
		tm.t.Fatal(err)
	}
	tm.t.Cleanup(func() { c.Close() })
	return s
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (s *screen) waitFor(text string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		out := ansi.Strip(s.out.String())
		s.mu.Unlock()
		if strings.Contains(out, text) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.mu.Lock()
	out := ansi.Strip(s.out.String())
	s.mu.Unlock()
	s.t.Fatalf("the screen never showed %q: %q", text, out[max(0, len(out)-1200):])
}

func (s *screen) typeKeys(k string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, k); err != nil {
		s.t.Fatal(err)
	}
}

// exitStatus waits for the session to end.
func (s *screen) exitStatus() int {
	s.t.Helper()
	err := s.sess.Wait()
	var exit *gossh.ExitError
	if errors.As(err, &exit) {
		return exit.ExitStatus()
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return 0
}

func TestServeTwoCodersAndALead(t *testing.T) {
	p, _ := project(t)
	tm := serveTeam(t, p)

	// The host key was made on first start, the owner's only.
	if st, err := os.Stat(strings.TrimSuffix(p, ".qcode") + ".host-key"); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("host key: %v, mode %v; want 0600", err, st.Mode())
	}
	// An unknown key is refused, and logged.
	if _, err := tm.dial("eve"); err == nil {
		t.Fatal("eve's key is in no keys file, yet she got in")
	}
	tm.waitLog(`refused ssh-ed25519 key SHA256:`)

	alice, bob := tm.screen("alice"), tm.screen("bob")
	alice.waitFor("alice · coded")
	bob.waitFor("bob · coded")
	alice.waitFor("with bob")
	alice.typeKeys("1")
	alice.waitFor("saved")
	bob.typeKeys("j2")
	bob.waitFor("saved")
	// Blind: neither the other coders' codings nor the agreement view.
	alice.typeKeys("a")
	alice.waitFor("blind coding: the agreement view is the lead's")
	alice.typeKeys("C")
	alice.waitFor("a coder sees only their own coding")
	// While it serves, a command here runs through its socket.
	if out := mustQcode(t, "-p", p, "info"); !strings.Contains(out, "by alice") {
		t.Errorf("info through the server's socket: %q", out)
	}

	// Commands: a coder's are blind, the lead's are not.
	for _, c := range []struct {
		who, command  string
		code          int
		out, err, not string // not: stdout must not hold it (another coder's codings)
	}{
		{"alice", "info", 0, "codings", "", "by bob"},
		{"alice", "agree", 1, "", "qcode: blind coding: a coder runs the coding screen and code, info, log, memo, memos, undo, redo, and report, quotes, segments, cooccur, matrix, suggest and codings export of their own codings; agree is the lead's\n", ""},
		{"bob", "codings export", 0, "A2,Motivations/Career progression,bob", "", ",alice,"},
		{"bob", "codings import other.csv", 1, "", "blind coding: codings import is the lead's", ""},
		{"bob", "segments --format csv", 0, "bob", "", "alice"},
		{"alice", "report --format csv", 0, "Motivations", "", ""},
		{"alice", "--coder bob undo", 1, "", "qcode: you are alice here (your key says so): --coder cannot name another coder\n", ""},
		{"alice", "qcode log", 0, "Motivations", "", ""},
		{"alice", "code --filter coder=bob --code Barriers --yes", 1, "", "qcode: blind coding: a coder filters by their own codings only (coder=bob)\n", ""},
		{"lee", "codings export", 0, "A2,Motivations/Career progression,bob", "", ""},
		{"lee", "agree", 0, "alice vs bob", "", ""},
		{"lee", "reprot", 2, "", `unknown command "reprot"`, ""},
		{"lee", "serve --keys team.keys --listen 127.0.0.1:0", 1, "", "qcode: serve runs where the project file is, not through the qcode serving it\n", ""},
	} {
		out, errs, code := tm.run(c.who, c.command)
		if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errs, c.err) || (c.not != "" && strings.Contains(out, c.not)) {
			t.Errorf("%s: %s: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.who, c.command, code, out, errs, c.code, c.out, c.err)
		}
	}
	alice.typeKeys("q")
	bob.typeKeys("q")
	if a, b := alice.exitStatus(), bob.exitStatus(); a != 0 || b != 0 {
		t.Errorf("screens exited %d and %d", a, b)
	}
	tm.waitLog("alice (coder) from ")
	tm.waitLog("left the coding screen: 1 action saved")
	if !strings.Contains(tm.logText(), "lee (lead) from ") {
		t.Errorf("the log should record the lead's commands:\n%s", tm.logText())
	}
}

// SIGTERM with a coder connected: the screen is told and quits, the
// server stops within 5 s, and every acknowledged action is in the file.
func TestServeStopsOnSIGTERM(t *testing.T) {
	p, _ := project(t)
	tm := serveTeam(t, p)
	alice := tm.screen("alice")
	alice.waitFor("Travel to the university")
	alice.typeKeys("1j2")
	tm.waitCodings(2)
	start := time.Now()
	tm.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-tm.done:
	case <-time.After(5 * time.Second):
		t.Fatalf("qcode serve still running 5 s after SIGTERM:\n%s", tm.logText())
	}
	if err := tm.cmd.Wait(); err != nil {
		t.Errorf("qcode serve exited with %v:\n%s", err, tm.logText())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
	if !strings.Contains(tm.logText(), "stopping") || !strings.Contains(tm.logText(), "stopped") {
		t.Errorf("log:\n%s", tm.logText())
	}
	if n := storedCodings(t, p); n != 2 {
		t.Errorf("%d codings stored; want the 2 acknowledged", n)
	}
	if _, err := os.Lstat(p + ".sock"); !os.IsNotExist(err) {
		t.Errorf("the socket outlived the server: %v", err)
	}
}

// A coder whose connection drops mid-work, and then a kill -9 of the
// server: nothing the screen acknowledged ("saved N") is lost.
func TestServeLosesNothingAcknowledged(t *testing.T) {
	p, _ := project(t)
	tm := serveTeam(t, p)
	alice := tm.screen("alice")
	alice.waitFor("Travel to the university")
	alice.typeKeys("123")
	alice.c.Close() // gone at once, no q, the writes perhaps in flight
	tm.waitLog("alice (coder) from ")
	tm.waitLog("left the coding screen")
	m := regexp.MustCompile(`alice \(coder\) from \S+ left the coding screen: (\d) actions? saved`).FindStringSubmatch(tm.logText())
	if m == nil {
		t.Fatalf("log:\n%s", tm.logText())
	}
	saved := int(m[1][0] - '0')
	bob := tm.screen("bob")
	bob.waitFor("Travel to the university")
	bob.typeKeys("45")
	tm.waitCodings(saved + 2) // alice's saved ones, exactly, and bob's two
	tm.cmd.Process.Kill()
	tm.cmd.Wait()
	if n := storedCodings(t, p); n != saved+2 {
		t.Errorf("%d codings stored; want the %d acknowledged", n, saved+2)
	}
	// The killed server's socket is stale: commands run alone, and a new
	// owner replaces it.
	if out := mustQcode(t, "-p", p, "info"); !strings.Contains(out, "codings") {
		t.Errorf("info after kill -9: %q", out)
	}
	tm2 := serveTeam(t, p)
	if out, errs, code := tm2.run("lee", "info"); code != 0 || !strings.Contains(out, "codings") {
		t.Errorf("a new server: %d %q %q", code, out, errs)
	}
}

// The real OpenSSH client, where it is installed: a command's stdout and
// exit status come back as they do to the Go client.
func TestServeThroughOpenSSH(t *testing.T) {
	ssh, err := exec.LookPath("ssh")
	if err != nil {
		t.Log("no ssh client here: the OpenSSH check did not run (.ci/run installs openssh-client)")
		return
	}
	p, dir := project(t)
	tm := serveTeam(t, p)
	block, err := gossh.MarshalPrivateKey(tm.priv["alice"], "")
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "alice_key")
	if err := os.WriteFile(key, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(tm.addr)
	openssh := func(args ...string) (string, string, int) {
		cmd := exec.Command(ssh, append([]string{"-F", "/dev/null", "-i", key, "-p", port,
			"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "whoever@" + host}, args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return out.String(), errb.String(), cmd.ProcessState.ExitCode()
	}
	want, _, _ := tm.run("alice", "info")
	if out, errs, code := openssh("info"); code != 0 || out != want {
		t.Errorf("ssh HOST info: exit %d, stdout %q (want %q), stderr %q", code, out, want, errs)
	}
	if _, errs, code := openssh("agree"); code != 1 || !strings.Contains(errs, "blind coding") {
		t.Errorf("ssh HOST agree as a coder: exit %d, stderr %q", code, errs)
	}
}

// ctrl+c in `qcode serve 2>&1 | tee log` stops tee too: the server's log
// pipe breaks as it logs "stopping", and it must still stop as asked
// (exit 0, the socket and the write-ahead file gone), not die of SIGPIPE.
func TestServeStopsWithItsLogPipeGone(t *testing.T) {
	p, _ := project(t)
	dir := filepath.Dir(p)
	signer, _ := newKey(t)
	keys := filepath.Join(dir, "team.keys")
	if err := os.WriteFile(keys, []byte("alice coder "+string(gossh.MarshalAuthorizedKey(signer.PublicKey()))), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-p", p, "serve", "--listen", "127.0.0.1:0", "--keys", keys)
	gate := filepath.Join(t.TempDir(), "release")
	os.WriteFile(gate, nil, 0o600) // the child is qcode, its writes not held back
	cmd.Env = append(os.Environ(), "QCODE_TUI_CHILD_RELEASE="+gate, "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stderr)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("the log ended before serving: %q: %v", line, err)
		}
		if strings.Contains(line, "serving") {
			break
		}
	}
	stderr.Close() // tee is gone
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("qcode serve with its log pipe gone: %v", err)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("qcode serve still running 5 s after SIGINT")
	}
	for _, side := range []string{".sock", ".wal", ".pid"} {
		if _, err := os.Lstat(p + side); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", side, err)
		}
	}
}
