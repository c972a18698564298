package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"qcode/cmd/qcode/serve"
	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
)

// app is what every command shares: the global flags and the streams.
type app struct {
	args       []string // the command line, for messages about it
	project    string   // -p, --project
	coder      string   // --coder
	showCoders bool     // --show-coders: every coder's codings in the TUI
	maxInput   byteSize // --max-input-size: the largest file read as input

	stdin          io.Reader
	stdout, stderr io.Writer

	// Set when the command runs in the project's owner for a client of its
	// socket or an SSH session (owner.go): the owner's open store, the
	// client's defaults, and a screen's terminal.
	shared   *coding.Store
	owner    *owner
	session  *serve.Session
	defaults serve.Request
}

// usageError marks a mistake in how qcode was called (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// run executes qcode with args and returns the exit status: 0 on success, 1
// on a user error (one line on stderr), 2 on a usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{args: args, stdin: stdin, stdout: stdout, stderr: stderr}
	return a.exec()
}

// exec runs a's command line and returns the exit status.
func (a *app) exec() int {
	if a.args == nil {
		a.args = []string{} // cobra reads os.Args for nil: the owner's own
	}
	root := a.rootCommand()
	root.SetArgs(a.args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	stderr := a.stderr
	var fw forwarded
	if errors.As(err, &fw) { // the owner ran it and printed what it had to
		if fw.err == nil {
			return fw.code
		}
		err = fw.err
	}
	// The message may quote a name or a value from the project or a file:
	// one line, printable.
	msg := oneLine(printable.String(err.Error()))
	fmt.Fprintf(stderr, "qcode: %s\n", msg)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(stderr, "Run 'qcode --help' for usage.")
		return 2
	}
	return 1
}

// oneLine puts a message on one line. Runs of spaces stay: a value quoted
// in the message may differ from another only by its spacing.
func oneLine(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s))
}

// isCobraUsage recognises the usage errors cobra makes itself.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "required flag"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " "+p) {
			return true
		}
	}
	return false
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "qcode [FILE.qcode]",
		Short: "Keyboard-first qualitative coding in the terminal",
		Long: `qcode loads free-text survey answers and interview or focus-group notes,
lets you tag passages with codes from a codebook, and turns the result into
theme frequency tables and anonymous quotes for a report.

With no command, qcode opens the coding screen on the project (-p), or on
the FILE.qcode given first.`,
		Example: `  qcode demo                                  try it on a sample survey
  qcode init study.qcode --codebook pq        start a project with the PQ themes
  qcode -p study.qcode import answers.csv --text-col response --id-col id
  qcode study.qcode                           code, in the terminal`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          a.projectArg,
		// A project another qcode holds is reached through its socket.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return a.forward(cmd) },
		RunE: func(cmd *cobra.Command, args []string) error {
			path := a.project
			if len(args) == 1 {
				if cmd.Flags().Changed("project") && a.project != args[0] {
					return usagef("name the project once: qcode %s, or qcode -p %s", args[0], a.project)
				}
				path = args[0]
			}
			return a.openTUI(cmd, path, false)
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		// "qcode reprot --by role": the word, not the flag, is the mistake.
		if !cmd.HasParent() && len(a.args) > 0 && !strings.HasPrefix(a.args[0], "-") && !looksLikeProject(a.args[0]) {
			return unknownCommand(cmd, a.args[0])
		}
		return usageError{err}
	})
	pf := root.PersistentFlags()
	pf.StringVarP(&a.project, "project", "p", a.defaultProject(), "project file (default $QCODE_PROJECT, else ./project.qcode)")
	pf.StringVar(&a.coder, "coder", a.defaultCoder(), "your name as a coder (default $QCODE_CODER, else your user name)")
	pf.BoolVar(&a.showCoders, "show-coders", false, "TUI: show every coder's codings side by side (default: only yours)")
	a.maxInput = byteSize(corpus.DefaultLimits.InputSize)
	pf.Var(&a.maxInput, "max-input-size", "the largest file import, cases import, codings import, codebook import and init --codebook read (e.g. 2GiB)")
	root.AddCommand(
		a.reportCommand(), a.quotesCommand(), a.exportCommand(), a.cooccurCommand(), a.matrixCommand(), a.suggestCommand(),
		a.initCommand(), a.demoCommand(), a.importCommand(), a.casesCommand(), a.infoCommand(),
		a.segmentsCommand(), a.codebookCommand(), a.codingsCommand(), a.undoCommand(true),
		a.undoCommand(false), a.logCommand(),
		a.agreeCommand(), a.disagreementsCommand(), a.settleCommand(), a.mergeCommand(), a.sampleCommand(),
		a.attributesCommand(), a.codeCommand(), a.memosCommand(), a.memoCommand(),
		a.checkCommand(), a.compactCommand(), a.serveCommand(),
	)
	return root
}

// defaultProject and defaultCoder are the client's when the owner runs a
// command for it (its environment, not the owner's, names them).
func (a *app) defaultProject() string {
	if a.defaults.Project != "" {
		return a.defaults.Project
	}
	return defaultProject()
}

func (a *app) defaultCoder() string {
	if a.defaults.Coder != "" {
		return a.defaults.Coder
	}
	return defaultCoder()
}

func defaultProject() string {
	if p := os.Getenv("QCODE_PROJECT"); p != "" {
		return p
	}
	return "project.qcode"
}

func defaultCoder() string {
	if c := os.Getenv("QCODE_CODER"); c != "" {
		return c
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "coder"
}

// noArgs, exactArgs and minArgs check positional arguments as usage errors.
// On a command with sub-commands an argument is a mistyped sub-command.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 && cmd.HasSubCommands() {
		return unknownCommand(cmd, args[0])
	}
	if len(args) == 1 && strings.HasSuffix(args[0], ".qcode") {
		// "qcode report study.qcode": the project goes with -p.
		return usagef("%s takes no arguments; to name the project, put -p first: qcode -p %s %s", cmd.CommandPath(), args[0], strings.TrimPrefix(cmd.CommandPath(), "qcode "))
	}
	if len(args) > 0 {
		return usagef("%s takes no arguments (got %q)", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}

// helpOnly runs a command that only groups sub-commands: it shows its
// help. (Being runnable, such a command checks its arguments, so that a
// mistyped sub-command is a usage error, not the help and status 0.)
func helpOnly(cmd *cobra.Command, args []string) error { return cmd.Help() }

// projectArg lets the bare command take a project file (qcode
// study.qcode); any other word is a mistyped command.
func (a *app) projectArg(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return nil
	case len(args) > 1:
		return usagef("qcode takes one project FILE (got %q)", strings.Join(args, " "))
	case looksLikeProject(args[0]):
		return nil
	}
	return unknownCommand(cmd, args[0])
}

// looksLikeProject tells a project file from a mistyped command: a name
// ending in .qcode (it may not exist yet: the open says so), or a file
// that exists.
func looksLikeProject(arg string) bool {
	if strings.HasSuffix(strings.ToLower(arg), ".qcode") {
		return true
	}
	st, err := os.Stat(arg)
	return err == nil && st.Mode().IsRegular()
}

// unknownCommand is the usage error for a word that names no command,
// with the commands it was probably meant to be (cobra's suggestions:
// within two edits, or a prefix).
func unknownCommand(cmd *cobra.Command, word string) error {
	msg := fmt.Sprintf("unknown command %q", word)
	if cmd.HasParent() {
		msg += fmt.Sprintf(" for %q", cmd.CommandPath())
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor alone does not apply
	}
	switch s := cmd.SuggestionsFor(word); len(s) {
	case 0:
		msg += fmt.Sprintf(" (%s --help lists the commands)", cmd.CommandPath())
	case 1:
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	default:
		quoted := make([]string, len(s))
		for i, c := range s {
			quoted[i] = strconv.Quote(c)
		}
		msg += "; did you mean one of " + strings.Join(quoted, ", ") + "?"
	}
	return usageError{errors.New(msg)}
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

func rangeArgs(min, max int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return usagef("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

// open opens the project named by -p, with a hint when there is none.
func (a *app) open() (*coding.Store, error) { return a.openWith(coding.Open) }

// openReadOnly is open for a command that only reads.
func (a *app) openReadOnly() (*coding.Store, error) {
	s, err := a.openWith(coding.OpenReadOnly)
	if errors.Is(err, coding.ErrPendingWAL) {
		// The last action of a qcode that stopped is kept beside the
		// project: apply it (a writable open does), then read.
		w, werr := a.open()
		if werr != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return a.openWith(coding.OpenReadOnly)
	}
	if !errors.Is(err, coding.ErrOlderSchema) {
		return s, err
	}
	// A project of an older qcode: upgrade it once, as any writing command
	// would (with a backup copy beside it), then read it as asked. A file
	// the user may not write stays as it is and says so.
	w, werr := a.open()
	if werr != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	backup := a.project + ".schema*.bak"
	if found, _ := filepath.Glob(backup); len(found) > 0 {
		backup = found[len(found)-1]
	}
	a.note("upgraded %s for this qcode (the file as it was is kept as %s)", a.project, backup)
	return a.openWith(coding.OpenReadOnly)
}

func (a *app) openWith(open func(string) (*coding.Store, error)) (*coding.Store, error) {
	if a.shared != nil {
		return a.shared, nil
	}
	s, err := open(a.project)
	if errors.Is(err, coding.ErrNoProject) {
		return nil, a.noProject()
	}
	if err == nil && s.Replayed() > 0 {
		if page, ok := s.MetaRewritten(); ok {
			a.note("applied the last action of a qcode that stopped while saving it (kept in %s.wal); bbolt's meta page %d, torn by that stop, is rewritten", a.project, page)
		} else {
			a.note("applied the last action of a qcode that stopped before saving it (kept in %s.wal)", a.project)
		}
	}
	return s, err
}

// checkProject says early, before a long read of input files, that there is
// no project to store them in.
func (a *app) checkProject() error {
	if _, err := os.Stat(a.project); errors.Is(err, fs.ErrNotExist) {
		return a.noProject()
	}
	return nil
}

func (a *app) noProject() error {
	return fmt.Errorf("no project at %s: create one with `qcode init %s --codebook pq`, name another with -p, or try `qcode demo`", a.project, a.project)
}

// withStore opens the project for writing, runs fn and closes the project.
func (a *app) withStore(fn func(s *coding.Store) error) error {
	return a.with(a.open, fn)
}

// withReader is withStore for a command that only reads: the project is
// opened read-only (a shared lock) and left byte for byte as it was, its
// time stamp included, so that a report does not wake a sync folder.
func (a *app) withReader(fn func(s *coding.Store) error) error {
	return a.with(a.openReadOnly, fn)
}

func (a *app) with(open func() (*coding.Store, error), fn func(s *coding.Store) error) error {
	s, err := open()
	if err != nil {
		return err
	}
	err = fn(s)
	if cerr := a.release(s); err == nil {
		err = cerr
	}
	return err
}

// release closes a store the command opened; the owner's shared store
// stays open.
func (a *app) release(s *coding.Store) error {
	if s == a.shared {
		return nil
	}
	return s.Close()
}

// limits are the caps on what qcode reads from one input file.
func (a *app) limits() corpus.Limits {
	return corpus.Limits{InputSize: int64(a.maxInput)}
}

// note prints a message for the user on stderr. Its arguments often come
// from the project (code paths, segment IDs, personal details found), so
// the message is made printable.
func (a *app) note(format string, args ...any) {
	fmt.Fprintln(a.stderr, printable.String(fmt.Sprintf(format, args...)))
}

// isTerminal tells whether w is a terminal (tables then fit its width).
func isTerminal(w io.Writer) bool {
	if t, ok := w.(terminal); ok {
		is, _ := t.Terminal()
		return is
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// termWidth is w's width when it is a terminal, else 0 (no limit).
func termWidth(w io.Writer) int {
	if t, ok := w.(terminal); ok {
		if is, width := t.Terminal(); is {
			return width
		}
		return 0
	}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return width
}
