package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"qcode/tui"

	"qcode/cmd/qcode/serve"
	"qcode/coding"
)

// The process that holds a project (the coding screen, or qcode serve) is
// its owner: it listens on a socket beside the file, and every other qcode
// command on that file runs in the owner, on the owner's open store, with
// the client's arguments, directory and streams. The client prints what
// the owner sends and exits with its status, so that a command's output is
// the same whether it ran alone or through the owner. See "One owner" in
// docs/design-notes.md.

// forwarded is the exit status of a command the owner ran (err: why it
// could not run there).
type forwarded struct {
	code int
	err  error
}

func (f forwarded) Error() string {
	if f.err != nil {
		return f.err.Error()
	}
	return fmt.Sprintf("exit status %d", f.code)
}

// localOnly are the commands that never go through an owner: init and demo
// make files, check reads the file at rest (it needs the file to itself),
// serve becomes the owner.
var localOnly = map[string]bool{"init": true, "demo": true, "check": true, "serve": true}

// forward runs cmd through the project's owner when one serves it, and
// then answers forwarded (its status) so that cmd does not run here.
func (a *app) forward(cmd *cobra.Command) error {
	top := cmd
	for top.HasParent() && top.Parent().HasParent() {
		top = top.Parent()
	}
	if a.session != nil && cmd.HasParent() && localOnly[top.Name()] {
		return fmt.Errorf("%s runs where the project file is, not through the qcode serving it", top.Name())
	}
	if a.session != nil && a.session.Role != "" {
		return a.checkRole(cmd)
	}
	if a.shared != nil || !cmd.HasParent() {
		return nil // in the owner already; the coding screen asks in openTUI
	}
	if localOnly[top.Name()] {
		return nil
	}
	conn, err := serve.Dial(a.project)
	if errors.Is(err, serve.ErrNoOwner) {
		return nil // nobody holds it: run here
	}
	if err != nil {
		return err
	}
	var stdin io.Reader = a.stdin
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		stdin = nil // a command reads no keys through the owner
	}
	code, err := serve.Run(conn, a.request(serve.KindCommand), stdin, a.stdout, a.stderr, nil)
	return forwarded{code: code, err: err}
}

// request is what the owner needs to run a's command as it would run here.
func (a *app) request(kind string) serve.Request {
	dir, _ := os.Getwd()
	return serve.Request{
		Kind:    kind,
		Args:    a.args,
		Dir:     dir,
		Coder:   defaultCoder(),
		Project: defaultProject(),
		Stdout:  termOf(a.stdout),
		Stderr:  termOf(a.stderr),
	}
}

func termOf(w io.Writer) serve.Term {
	return serve.Term{IsTerminal: isTerminal(w), Width: termWidth(w)}
}

// terminal is a stream that knows whether the client's is a terminal (the
// owner's socket streams).
type terminal interface{ Terminal() (bool, int) }

// owner serves an open store: commands and screens of socket clients and
// SSH sessions run on it.
type owner struct {
	store *coding.Store
	sock  *serve.Socket
	// cmdMu runs forwarded commands one at a time: each runs in its
	// client's directory (so that its relative file names mean what they
	// mean there), and the working directory is the process's.
	cmdMu sync.Mutex

	mu    sync.Mutex
	names map[int]string // who is connected, by session
	next  int
	log   func(format string, args ...any)
}

// startOwner listens on the socket beside s's file and serves it until
// stop. Without a socket (a path too long, something else there) the
// project is simply not shared; why is returned for a note.
func startOwner(s *coding.Store) (*owner, error) {
	o := &owner{store: s, names: map[int]string{}, log: func(string, ...any) {}}
	sock, err := serve.Listen(s.Path())
	if err != nil {
		return o, err
	}
	o.sock = sock
	go sock.Serve(o.handle)
	return o, nil
}

// stop stops accepting, tells screens to quit, and waits (up to d) for
// sessions in flight.
func (o *owner) stop(d time.Duration) error {
	if o == nil || o.sock == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return o.sock.Close(ctx)
}

// join records who connected; the returned func records them leaving.
func (o *owner) join(name string) (int, func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next++
	id := o.next
	o.names[id] = name
	return id, func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		delete(o.names, id)
	}
}

// others names everyone connected but the session me (sorted, once each).
func (o *owner) others(me int) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var names []string
	for id, n := range o.names {
		if id != me && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// handle runs one socket client's command line or screen in this process.
func (o *owner) handle(sess *serve.Session) int {
	b := &app{args: sess.Args, stdin: sess.Stdin, stdout: sess.Stdout, stderr: sess.Stderr,
		shared: o.store, owner: o, session: sess, defaults: sess.Request}
	if sess.Kind == serve.KindScreen {
		return b.exec()
	}
	o.cmdMu.Lock()
	defer o.cmdMu.Unlock()
	home, err := os.Getwd()
	if err == nil {
		err = os.Chdir(sess.Dir)
	}
	if err != nil {
		fmt.Fprintf(sess.Stderr, "qcode: %s\n", oneLine(err.Error()))
		return 1
	}
	defer os.Chdir(home)
	return b.exec()
}

// screenHere runs the coding screen on this terminal as the owner of the
// open store s: others reach it through the socket while it runs.
func (a *app) screenHere(s *coding.Store, opts tui.Options) error {
	o, _ := startOwner(s) // without a socket the screen still works alone
	a.owner = o
	id, leave := o.join(a.coder)
	defer leave()
	opts.Peers = func() []string { return o.others(id) }
	err := tui.Run(s, opts)
	o.stop(5 * time.Second)
	return err
}

// screenThere runs the coding screen for a client in the owner: on the
// client's terminal, with the client's coder name. It ends when the client
// goes or the owner stops (a write in flight is finished first).
func (a *app) screenThere(opts tui.Options) error {
	sess, o := a.session, a.owner
	id, leave := o.join(a.coder)
	defer leave()
	env := sess.Env
	opts.Program = sess.Program // an SSH session's, as wish makes them
	if opts.Program == nil {
		opts.Program = []tea.ProgramOption{
			tea.WithInput(sess.Stdin), tea.WithOutput(sess.Stdout),
			tea.WithEnvironment(env), tea.WithColorProfile(colorprofile.Env(env)),
			tea.WithWindowSize(sess.Width, sess.Height),
		}
	}
	if sess.Role == serve.RoleCoder {
		opts.Blind, opts.ShowCoders = true, false
	}
	opts.Saved = func() { sess.Actions.Add(1) }
	stop := make(chan struct{})
	events := make(chan tea.Msg)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(stop)
		for {
			select {
			case <-done:
				return
			case <-sess.Gone:
				return
			case <-sess.Stopping:
				return
			case sz := <-sess.Resize:
				select {
				case events <- tea.WindowSizeMsg{Width: sz[0], Height: sz[1]}:
				case <-done:
					return
				}
			}
		}
	}()
	opts.Stop, opts.Events = stop, events
	opts.Peers = func() []string { return o.others(id) }
	return tui.Run(a.shared, opts)
}

// screenThrough runs the coding screen in the owner of the project, on
// this terminal: keys go to the owner, the screen comes back.
func (a *app) screenThrough(conn net.Conn) error {
	in, out := a.stdin.(*os.File), a.stdout.(*os.File)
	w, h, err := term.GetSize(out.Fd())
	if err != nil {
		w, h = 80, 24
	}
	state, err := term.MakeRaw(in.Fd())
	if err != nil {
		conn.Close()
		return err
	}
	defer term.Restore(in.Fd(), state)
	resize := make(chan [2]int, 1)
	winch := make(chan os.Signal, 1)
	notifyResize(winch)
	defer signal.Stop(winch)
	go func() {
		for range winch {
			if w, h, err := term.GetSize(out.Fd()); err == nil {
				select {
				case <-resize:
				default:
				}
				resize <- [2]int{w, h}
			}
		}
	}()
	req := a.request(serve.KindScreen)
	req.Env = screenEnv()
	req.Width, req.Height = w, h
	code, err := serve.Run(conn, req, in, out, a.stderr, resize)
	return forwarded{code: code, err: err}
}

// screenEnv is what of this terminal's environment a screen drawn
// elsewhere needs: its type and colours.
func screenEnv() []string {
	var env []string
	for _, k := range []string{"TERM", "COLORTERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM_PROGRAM", "LANG", "LC_ALL"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// absProject is path made absolute, so that the owner's store does not
// depend on the working directory its forwarded commands change.
func absProject(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
