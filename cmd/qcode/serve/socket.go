package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
)

// SocketPath is where the owner of project listens: beside the file.
func SocketPath(project string) string { return project + ".sock" }

// maxSocketPath is the longest path a Unix socket can be bound to on every
// system qcode runs on (sun_path is 104 bytes on the BSDs, 108 on Linux).
const maxSocketPath = 103

// ErrNoOwner says that no live process serves the project: run alone.
var ErrNoOwner = errors.New("no qcode serves this project")

// Session is one client's request as the owner's Handler sees it: the
// client's streams, its terminal's size changes, and when it went away.
type Session struct {
	Request
	Stdin  io.Reader
	Stdout io.Writer // implements Terminal() as the client's stdout is
	Stderr io.Writer // implements Terminal() as the client's stderr is
	// Resize delivers a screen's new sizes (the latest wins).
	Resize <-chan [2]int
	// Gone is closed when the client disconnects.
	Gone <-chan struct{}
	// Stopping is closed when the owner is shutting down: a screen quits.
	Stopping <-chan struct{}
	// Peer names the client for a log ("pid 123" over the socket).
	Peer string

	// Person and Role are who an SSH session's key says its holder is
	// (empty over the socket: the project's own user, who may do all).
	Person, Role string
	// Program, for an SSH screen, are the program options wish makes for
	// the session's terminal (allocated or emulated).
	Program []tea.ProgramOption
	// Actions counts the actions the session's screen saved (for the log).
	Actions *atomic.Int64
}

// Handler runs a session and returns its exit status.
type Handler func(*Session) int

// Socket is an owner's listening Unix socket.
type Socket struct {
	path  string
	l     *net.UnixListener
	ino   os.FileInfo // the socket file bound, to remove only ours
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// Listen binds the socket beside project, mode 0600. A socket left there by
// an owner that was killed (nothing answers it) is removed first; anything
// else at that path (a live owner, a file, a symlink) is left alone and
// refused. The socket is made in a private directory, given its mode and
// then renamed into place, so that it is never reachable with a wider mode
// and a symlink planted at the path is replaced, never followed.
func Listen(project string) (*Socket, error) {
	path := SocketPath(project)
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("%s: the path is too long for a socket (%d bytes, at most %d): other qcode commands cannot reach this one", path, len(path), maxSocketPath)
	}
	if err := clearStale(path); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(path), ".qcode-sock-*")
	if err != nil {
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	l.SetUnlinkOnClose(false) // it is renamed; Close removes it if still ours
	if err := os.Chmod(tmp, 0o600); err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	st, err := os.Lstat(path)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	return &Socket{path: path, l: l, ino: st, stop: make(chan struct{}), conns: map[net.Conn]struct{}{}}, nil
}

// clearStale removes a socket at path that nothing answers.
func clearStale(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("socket %s: %w", path, err)
	}
	if st.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("%s is there and is not qcode's socket: remove it, then open the project again", path)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("%s: another qcode serves this project already", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale socket %s: %w", path, err)
	}
	return nil
}

// Path is the socket's path.
func (s *Socket) Path() string { return s.path }

// Serve accepts clients until Close, running each in its own goroutine.
// A client of another user is refused (the mode should already do that).
func (s *Socket) Serve(h Handler) error {
	for {
		c, err := s.l.AcceptUnix()
		if err != nil {
			select {
			case <-s.stop:
				return nil
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		peer, ok := peerOf(c)
		if !ok {
			c.Close()
			continue
		}
		s.mu.Lock()
		select {
		case <-s.stop:
			s.mu.Unlock()
			c.Close()
			continue
		default:
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			serveConn(c, peer, s.stop, h)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// Close stops accepting, removes the socket file (if it is still the one
// bound here), tells screens to quit, and waits for sessions in flight
// until ctx is done; then it cuts those still connected.
func (s *Socket) Close(ctx context.Context) error {
	s.once.Do(func() {
		s.mu.Lock()
		close(s.stop)
		s.mu.Unlock()
		s.l.Close()
		if st, err := os.Lstat(s.path); err == nil && os.SameFile(st, s.ino) {
			os.Remove(s.path)
		}
	})
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	<-done
	return ctx.Err()
}

// serveConn reads the request, runs the handler with the client's streams
// and sends the exit status.
func serveConn(c net.Conn, peer string, stopping <-chan struct{}, h Handler) {
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	kind, p, err := readFrame(c)
	if err != nil || kind != frameRequest {
		return
	}
	c.SetReadDeadline(time.Time{})
	out := &frameWriter{c: c}
	req, err := decodeRequest(p)
	if err != nil {
		out.write(frameStderr, []byte("qcode: "+err.Error()+"\n"))
		out.exit(1)
		return
	}
	pr, pw := io.Pipe()
	resize := make(chan [2]int, 1)
	gone := make(chan struct{})
	go readClient(c, pw, resize, gone)
	code := h(&Session{
		Request:  req,
		Stdin:    pr,
		Stdout:   &stream{out: out, kind: frameStdout, term: req.Stdout},
		Stderr:   &stream{out: out, kind: frameStderr, term: req.Stderr},
		Resize:   resize,
		Gone:     gone,
		Stopping: stopping,
		Peer:     peer,
		Actions:  new(atomic.Int64),
	})
	pr.Close()
	out.exit(code)
}

// readClient feeds the client's stdin and window sizes to the session
// until the client goes away.
func readClient(c net.Conn, stdin *io.PipeWriter, resize chan [2]int, gone chan struct{}) {
	defer close(gone)
	eof := false
	for {
		kind, p, err := readFrame(c)
		if err != nil {
			if !eof {
				stdin.CloseWithError(io.ErrUnexpectedEOF)
			}
			return
		}
		switch kind {
		case frameStdin:
			if !eof {
				if _, err := stdin.Write(p); err != nil {
					eof = true // the session stopped reading
				}
			}
		case frameEOF:
			if !eof {
				stdin.Close()
				eof = true
			}
		case frameResize:
			w, h, err := sizeOf(p)
			if err != nil {
				continue
			}
			select { // keep only the latest size
			case <-resize:
			default:
			}
			resize <- [2]int{w, h}
		}
	}
}

// frameWriter writes frames to a connection, one at a time.
type frameWriter struct {
	mu     sync.Mutex
	c      net.Conn
	failed bool
}

func (f *frameWriter) write(kind byte, p []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failed {
		return io.ErrClosedPipe
	}
	for first := true; first || len(p) > 0; first = false {
		n := min(len(p), maxFrame)
		if err := writeFrame(f.c, kind, p[:n]); err != nil {
			f.failed = true
			return err
		}
		p = p[n:]
	}
	return nil
}

func (f *frameWriter) exit(code int) {
	var b [4]byte
	b[0], b[1], b[2], b[3] = byte(code>>24), byte(code>>16), byte(code>>8), byte(code)
	f.write(frameExit, b[:])
}

// stream is one of the client's output streams, as the handler writes it.
type stream struct {
	out  *frameWriter
	kind byte
	term Term
}

func (s *stream) Write(p []byte) (int, error) {
	if err := s.out.write(s.kind, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Terminal says whether the client's stream is a terminal, and its width,
// so that a command formats its output as it would there.
func (s *stream) Terminal() (bool, int) { return s.term.IsTerminal, s.term.Width }
