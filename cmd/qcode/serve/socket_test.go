package serve

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// listen binds a socket beside a project in a fresh directory and serves
// it with h until the test ends.
func listen(t *testing.T, project string, h Handler) *Socket {
	t.Helper()
	s, err := Listen(project)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(h)
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func TestSocketIsOwnersOnlyAndRemovedOnClose(t *testing.T) {
	project := filepath.Join(t.TempDir(), "p.qcode")
	s := listen(t, project, func(*Session) int { return 0 })
	st, err := os.Lstat(SocketPath(project))
	if err != nil || st.Mode()&fs.ModeSocket == 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v; want a socket of mode 0600", err, st.Mode())
	}
	if entries, _ := os.ReadDir(filepath.Dir(project)); len(entries) != 1 {
		t.Errorf("the directory holds %d entries; want only the socket (its private bind directory removed)", len(entries))
	}
	if _, err := Listen(project); err == nil || !strings.Contains(err.Error(), "serves this project already") {
		t.Errorf("a second owner: %v", err)
	}
	s.Close(context.Background())
	if _, err := os.Lstat(SocketPath(project)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the socket outlived Close: %v", err)
	}
}

// A socket left by a killed owner answers nobody: a client runs alone, and
// the next owner removes it and binds its own.
func TestStaleSocketIsReplaced(t *testing.T) {
	project := filepath.Join(t.TempDir(), "p.qcode")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: SocketPath(project), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close() // as kill -9 leaves it
	if _, err := Dial(project); !errors.Is(err, ErrNoOwner) {
		t.Errorf("Dial on a stale socket: %v; want ErrNoOwner", err)
	}
	listen(t, project, func(s *Session) int { io.WriteString(s.Stdout, "hello"); return 3 })
	c, err := Dial(project)
	if err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	code, err := Run(c, Request{Kind: KindCommand}, nil, &out, &errs, nil)
	if err != nil || code != 3 || out.String() != "hello" {
		t.Errorf("through the new owner: %d %v %q", code, err, out.String())
	}
}

// A symlink (or any file) at the socket's path is never followed or
// removed: the owner refuses to serve, clients run alone.
func TestSymlinkAtTheSocketPathIsLeftAlone(t *testing.T) {
	dir := t.TempDir()
	project := filepath.Join(dir, "p.qcode")
	target := filepath.Join(dir, "elsewhere")
	os.WriteFile(target, []byte("keep"), 0o600)
	if err := os.Symlink(target, SocketPath(project)); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(project); err == nil || !strings.Contains(err.Error(), "is not qcode's socket") {
		t.Errorf("Listen over a symlink: %v", err)
	}
	if _, err := Dial(project); !errors.Is(err, ErrNoOwner) {
		t.Errorf("Dial through a symlink: %v; want ErrNoOwner", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("the symlink's target changed: %q", b)
	}
}

// The client's stdin reaches the handler to its end; the handler's two
// streams and status come back in order.
func TestStreamsAndStatus(t *testing.T) {
	project := filepath.Join(t.TempDir(), "p.qcode")
	listen(t, project, func(s *Session) int {
		b, _ := io.ReadAll(s.Stdin)
		io.WriteString(s.Stdout, strings.ToUpper(string(b)))
		io.WriteString(s.Stderr, "note\n")
		if is, w := s.Stdout.(interface{ Terminal() (bool, int) }).Terminal(); !is || w != 132 {
			return 9
		}
		return 0
	})
	c, err := Dial(project)
	if err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	big := strings.Repeat("x", 3<<20) // more than a frame
	code, err := Run(c, Request{Kind: KindCommand, Stdout: Term{IsTerminal: true, Width: 132}}, strings.NewReader(big), &out, &errs, nil)
	if err != nil || code != 0 || out.String() != strings.ToUpper(big) || errs.String() != "note\n" {
		t.Errorf("exit %d %v, %d bytes out, stderr %q", code, err, out.Len(), errs.String())
	}
}
