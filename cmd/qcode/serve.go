package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"qcode/cmd/qcode/serve"
	"qcode/coding"
)

// coderCommands are what a coder may run over SSH besides the coding
// screen. Blind coding means their own codings only: the commands that
// read codings (report, quotes, segments, cooccur, matrix, codings
// export, memos, suggest) count the coder's alone (coderFilter, blind),
// and nothing compares, settles, merges or imports other people's work.
var coderCommands = map[string]bool{"code": true, "undo": true, "redo": true, "log": true, "memo": true, "info": true,
	"report": true, "quotes": true, "segments": true, "cooccur": true, "matrix": true, "memos": true, "suggest": true, "codings": true}

// coderSubcommands narrow a command group a coder may use: codings
// export, not codings import (its rows name any coder).
var coderSubcommands = map[string]map[string]bool{"codings": {"export": true}}

// blind tells whether the command runs for a coder of a served project:
// then whatever reads codings reads the coder's own.
func (a *app) blind() bool { return a.session != nil && a.session.Role == serve.RoleCoder }

// checkRole enforces a served session's role before its command runs: a
// person is who their key says, and a coder codes blind.
func (a *app) checkRole(cmd *cobra.Command) error {
	sess := a.session
	if sess.Role != serve.RoleCoder {
		return nil
	}
	if a.coder != sess.Person {
		return fmt.Errorf("you are %s here (your key says so): --coder cannot name another coder", sess.Person)
	}
	if !cmd.HasParent() {
		return nil // the coding screen, blind (see screenThere)
	}
	top := cmd
	for top.HasParent() && top.Parent().HasParent() {
		top = top.Parent()
	}
	if !coderCommands[top.Name()] && top.Name() != "help" {
		return fmt.Errorf("blind coding: a coder runs the coding screen and code, info, log, memo, memos, undo, redo, and report, quotes, segments, cooccur, matrix, suggest and codings export of their own codings; %s is the lead's", top.Name())
	}
	if subs, ok := coderSubcommands[top.Name()]; ok && cmd != top && !subs[cmd.Name()] {
		return fmt.Errorf("blind coding: %s %s is the lead's", top.Name(), cmd.Name())
	}
	// `code --filter coder=bob` would find what bob coded.
	for _, arg := range a.args {
		if name, ok := cutCoderFilter(arg); ok && !strings.EqualFold(name, sess.Person) {
			return fmt.Errorf("blind coding: a coder filters by their own codings only (%s)", oneLine(arg))
		}
	}
	return nil
}

func (a *app) serveCommand() *cobra.Command {
	var listen, keys, hostKey, logFile string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the project to a team over SSH: each coder codes on their own screen",
		Long: `Serve the project over SSH, as its owner. Each person in the keys file
connects with ssh and gets their own coding screen on the one project, with
their own undo history; a command after the host runs that qcode command.

The keys file lists one person a line:

  NAME ROLE PUBLIC-KEY        e.g. alice coder ssh-ed25519 AAAAC3Nz… alice@laptop

ROLE is coder or lead. A person is who their key says (the ssh user name is
ignored); an unknown key is refused and logged. Coders code blind: they see
only their own codings, and may run code, info, log, memo, memos, undo and
redo, and report, quotes, segments, cooccur, matrix, suggest and codings
export, which then count their own codings alone; agreement, disagreements,
settling, merging, imports and every other command are the lead's. Commands run in the project's directory.

The host key is made on first start (mode 0600; default FILE.host-key beside
the project). The log (stderr, or --log FILE) records connections, refusals
and each session's saved actions. SIGTERM or SIGINT stops accepting, lets
screens save what they were saving, closes the project and exits.

While it serves, other qcode commands on this machine reach the project
through its socket, as they do while a coding screen is open.`,
		Example: `  qcode -p study.qcode serve --keys team.keys
  qcode -p study.qcode serve --keys team.keys --listen :2222 --log serve.log
  ssh -p 23234 qcode.example.org                    # your coding screen
  ssh -p 23234 qcode.example.org report --by role   # a command`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			people, err := serve.ReadKeys(keys)
			if err != nil {
				return err
			}
			for _, p := range people {
				if err := coding.CheckCoderName(p.Name); err != nil {
					return fmt.Errorf("%s: %s: %w", keys, p.Name, err)
				}
			}
			logw := a.stderr
			if logFile != "" {
				f, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
				if err != nil {
					return fmt.Errorf("--log: %w", err)
				}
				defer f.Close()
				logw = f
			}
			if err := a.checkProject(); err != nil {
				return err
			}
			a.project = absProject(a.project)
			if hostKey == "" {
				hostKey = strings.TrimSuffix(a.project, filepath.Ext(a.project)) + ".host-key"
			}
			return a.withStore(func(s *coding.Store) error { return a.serveSSH(s, listen, hostKey, people, logw) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", ":23234", "the address to listen on (HOST:PORT)")
	f.StringVar(&keys, "keys", "", "the keys file: NAME ROLE PUBLIC-KEY a line (required)")
	f.StringVar(&hostKey, "host-key", "", "the server's private host key, made when absent (default FILE.host-key)")
	f.StringVar(&logFile, "log", "", "append the log to this file (default: stderr)")
	cmd.MarkFlagRequired("keys")
	return cmd
}

// serveSSH serves the open store over SSH (and its socket) until SIGTERM
// or SIGINT, then stops within 5 s.
func (a *app) serveSSH(s *coding.Store, listen, hostKey string, people []serve.Person, logw io.Writer) error {
	o, err := startOwner(s)
	if err != nil {
		fmt.Fprintf(logw, "qcode: %s (the project is served over SSH only)\n", oneLine(err.Error()))
	}
	srv, err := serve.NewSSH(serve.SSHOptions{HostKey: hostKey, People: people, Log: logw, Project: a.project}, o.handle)
	if err != nil {
		o.stop(time.Second)
		return err
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		o.stop(time.Second)
		return fmt.Errorf("--listen: %w", err)
	}
	logf := log.New(logw, "", log.LstdFlags|log.LUTC).Printf
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sigs)
	// A log read through a pipe (qcode serve 2>&1 | tee log) dies with the
	// same ctrl+c: its broken pipe must not kill the server before it has
	// stopped as asked (a write to it fails instead, and is dropped).
	signal.Ignore(syscall.SIGPIPE)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	logf("serving %s on %s to %s (ssh -p %d HOST)", filepath.Base(a.project), l.Addr(), counted(len(people), "person", "people"), l.Addr().(*net.TCPAddr).Port)
	select {
	case sig := <-sigs:
		logf("%s: stopping (sessions save what they were saving)", sig)
	case err := <-served:
		o.stop(time.Second)
		return err
	}
	// No new connections, and Serve returned before Shutdown starts: a
	// signal that came as Serve was starting made Shutdown wait on the
	// listeners while Serve added its own (a WaitGroup's Add beside its
	// Wait, which the race detector caught), and Serve then accepted on.
	l.Close()
	<-served
	// Within 5 s in all: sessions first, then the socket's clients.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		logf("%s", oneLine(err.Error()))
	}
	o.stop(500 * time.Millisecond)
	logf("stopped")
	return nil
}

// cutCoderFilter finds a coder= filter term in an argument.
func cutCoderFilter(arg string) (string, bool) {
	i := strings.Index(strings.ToLower(arg), "coder=")
	if i < 0 || (i > 0 && arg[i-1] != ' ' && arg[i-1] != ',' && arg[i-1] != '=') {
		return "", false
	}
	return strings.TrimSpace(arg[i+len("coder="):]), true
}
