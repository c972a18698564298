package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"
)

// SSHOptions configure an SSH server on a project.
type SSHOptions struct {
	HostKey string   // the host key's file, made (mode 0600) when absent
	People  []Person // who may connect, and as what
	Log     io.Writer
	Project string // the project's path: commands run in its directory
}

// SSH serves a project to a team: each person's key says who they are.
type SSH struct {
	srv      *ssh.Server
	log      *log.Logger
	people   []Person
	dir      string
	project  string
	h        Handler
	stopping chan struct{}
	stopOnce sync.Once
	mu       sync.Mutex // orders begin against Shutdown
	sessions sync.WaitGroup
}

type personKey struct{}

// NewSSH makes the server; Serve starts it. h runs each session.
func NewSSH(opts SSHOptions, h Handler) (*SSH, error) {
	s := &SSH{
		log:      log.New(opts.Log, "", log.LstdFlags|log.LUTC),
		people:   opts.People,
		dir:      filepath.Dir(opts.Project),
		project:  filepath.Base(opts.Project),
		h:        h,
		stopping: make(chan struct{}),
	}
	fresh := false
	if _, err := os.Lstat(opts.HostKey); errors.Is(err, os.ErrNotExist) {
		fresh = true
	}
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(opts.HostKey),
		wish.WithPublicKeyAuth(s.allow),
		wish.WithMiddleware(s.middleware),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh: %w", err)
	}
	if fresh {
		// keygen writes the key 0600; say so whatever the umask did.
		if err := os.Chmod(opts.HostKey, 0o600); err != nil {
			return nil, fmt.Errorf("host key: %w", err)
		}
		s.log.Printf("made host key %s", opts.HostKey)
	}
	s.srv = srv
	return s, nil
}

// allow lets in a key the keys file lists, and logs any other.
func (s *SSH) allow(ctx ssh.Context, key ssh.PublicKey) bool {
	for _, p := range s.people {
		if ssh.KeysEqual(key, p.Key) {
			ctx.SetValue(personKey{}, p)
			return true
		}
	}
	s.log.Printf("refused %s key %s from %s (user %q): not in the keys file",
		key.Type(), gossh.FingerprintSHA256(key), ctx.RemoteAddr(), ctx.User())
	return false
}

// Serve accepts connections on l until Shutdown.
func (s *SSH) Serve(l net.Listener) error {
	err := s.srv.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting, tells every screen to quit (their writes in
// flight are finished first), waits for sessions until ctx is done, then
// closes every connection.
func (s *SSH) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopOnce.Do(func() { close(s.stopping) })
	s.mu.Unlock()
	go s.srv.Shutdown(ctx) // closes the listener now
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.srv.Close()
	<-done
	return err
}

// begin counts a session in, unless the server is stopping.
func (s *SSH) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.stopping:
		return false
	default:
		s.sessions.Add(1)
		return true
	}
}

// middleware runs a session: the person's screen with no command, or the
// command given.
func (s *SSH) middleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if !s.begin() {
			fmt.Fprintln(sess.Stderr(), "qcode: the server is stopping")
			sess.Exit(1)
			return
		}
		defer s.sessions.Done()
		p, ok := sess.Context().Value(personKey{}).(Person)
		if !ok {
			sess.Exit(1)
			return
		}
		args := sess.Command()
		pty, windows, isPty := sess.Pty()
		req := Request{Kind: KindCommand, Args: args, Dir: s.dir, Project: s.project, Coder: p.Name, Env: sess.Environ()}
		what := fmt.Sprintf("command %q", sess.RawCommand())
		if len(args) == 0 {
			req.Kind, what = KindScreen, "coding screen"
			if !isPty {
				fmt.Fprintln(sess.Stderr(), "qcode: the coding screen needs a terminal: ssh -t, or give a command (ssh HOST qcode --help)")
				s.log.Printf("%s (%s) from %s: no terminal for the screen", p.Name, p.Role, sess.RemoteAddr())
				sess.Exit(1)
				return
			}
		}
		if len(args) > 0 && args[0] == "qcode" { // ssh HOST qcode report reads as ssh HOST report
			req.Args = args[1:]
		}
		if isPty {
			req.Env = append(req.Env, "TERM="+pty.Term)
			req.Width, req.Height = pty.Window.Width, pty.Window.Height
			req.Stdout = Term{IsTerminal: true, Width: pty.Window.Width}
			req.Stderr = req.Stdout
		}
		s.log.Printf("%s (%s) connected from %s: %s", p.Name, p.Role, sess.RemoteAddr(), what)
		resize := make(chan [2]int, 1)
		go func() {
			if !isPty {
				return // no window: windows is nil, and ranging it would wait for good
			}
			for w := range windows {
				select {
				case <-resize:
				default:
				}
				resize <- [2]int{w.Width, w.Height}
			}
		}()
		var actions atomic.Int64
		session := &Session{
			Request:  req,
			Stdin:    sess,
			Stdout:   &sshStream{w: sess, term: req.Stdout},
			Stderr:   &sshStream{w: sess.Stderr(), term: req.Stderr},
			Resize:   resize,
			Gone:     sess.Context().Done(),
			Stopping: s.stopping,
			Peer:     sess.RemoteAddr().String(),
			Person:   p.Name,
			Role:     p.Role,
			Actions:  &actions,
		}
		if req.Kind == KindScreen {
			session.Program = bubbletea.MakeOptions(sess)
		}
		code := s.h(session)
		if req.Kind == KindScreen {
			n := actions.Load()
			noun := "actions"
			if n == 1 {
				noun = "action"
			}
			s.log.Printf("%s (%s) from %s left the coding screen: %d %s saved", p.Name, p.Role, sess.RemoteAddr(), n, noun)
		} else {
			s.log.Printf("%s (%s) from %s: %s exited %d", p.Name, p.Role, sess.RemoteAddr(), what, code)
		}
		sess.Exit(code)
		next(sess)
	}
}

// sshStream is a session's output as a command sees it: a terminal when
// the client asked for one.
type sshStream struct {
	w    io.Writer
	term Term
}

func (s *sshStream) Write(p []byte) (int, error) { return s.w.Write(p) }

// Terminal says whether the client has a terminal, and how wide.
func (s *sshStream) Terminal() (bool, int) { return s.term.IsTerminal, s.term.Width }
