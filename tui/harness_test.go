package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/demo"
)

// updating tells whether -update was given (the flag is teatest's golden
// package's, shared with it).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// harness drives a Model without a program: it calls Update, runs the
// commands it returns (as the program would, but at once) and feeds their
// messages back, so a test sees the screen after the store has answered.
type harness struct {
	t *testing.T
	m *Model
	s *coding.Store
	// timers are the messages the model asked to get later; fire delivers
	// them. No test waits on a clock.
	timers []tea.Msg
}

// newProject makes a demo project (the 205 real survey answers, pq codebook).
func newProject(t *testing.T) *coding.Store {
	t.Helper()
	s, err := coding.Create(filepath.Join(t.TempDir(), "demo.qcode"), coding.CreateOptions{Name: "PQ demo", Codes: coding.PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	src, err := demo.Survey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("qcode-demo", src, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return s
}

// exclusiveKirkpatrick makes the pq template's Kirkpatrick group exclusive
// (one level per passage), as a lead may with the editor's X.
func exclusiveKirkpatrick(t *testing.T, s *coding.Store) *coding.Store {
	t.Helper()
	k, _ := s.Codebook().Lookup("Kirkpatrick")
	d := k.Details()
	d.Exclusive = true
	if _, err := s.UpdateCode("qcode-demo", "Kirkpatrick", d); err != nil {
		t.Fatal(err)
	}
	return s
}

func newHarness(t *testing.T, s *coding.Store, w, h int, opts Options) *harness {
	t.Helper()
	if opts.Coder == "" {
		opts.Coder = "alice"
	}
	hs := &harness{t: t, m: New(s, opts), s: s}
	hs.m.after = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.m.Init())
	return hs
}

func (h *harness) send(msgs ...tea.Msg) {
	for _, msg := range msgs {
		_, cmd := h.m.Update(msg)
		h.run(cmd)
	}
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case tea.QuitMsg:
	default:
		h.send(msg)
	}
}

// fire delivers the timers set so far, as if their time had come.
func (h *harness) fire() {
	due := h.timers
	h.timers = nil
	h.send(due...)
}

// end does what Run does once the program has ended.
func (h *harness) end() {
	h.m.unsaved()
	h.m.savePlace()
}

// keys presses keys: single characters, or names in angle brackets such as
// <enter>, <esc>, <ctrl+s>, <shift+right>.
func (h *harness) keys(s string) {
	for s != "" {
		if strings.HasPrefix(s, "<") {
			end := strings.IndexByte(s, '>')
			h.send(namedKey(s[1:end]))
			s = s[end+1:]
			continue
		}
		r := []rune(s)[0]
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		s = s[len(string(r)):]
	}
}

func namedKey(name string) tea.KeyPressMsg {
	var mod tea.KeyMod
	if rest, ok := strings.CutPrefix(name, "ctrl+"); ok {
		mod, name = tea.ModCtrl, rest
	}
	if rest, ok := strings.CutPrefix(name, "shift+"); ok {
		mod, name = tea.ModShift, rest
	}
	codes := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab,
		"backspace": tea.KeyBackspace, "up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft,
		"right": tea.KeyRight, "space": tea.KeySpace, "pgdown": tea.KeyPgDown}
	if c, ok := codes[name]; ok {
		return tea.KeyPressMsg{Code: c, Mod: mod}
	}
	return tea.KeyPressMsg{Code: []rune(name)[0], Mod: mod}
}

// frame is the screen as plain text.
func (h *harness) frame() string { return ansi.Strip(h.m.render()) }

// golden compares got with testdata/name.golden (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("frame %s differs from its golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// codings lists the project's codings as CSV rows.
func codings(t *testing.T, s *coding.Store) []string {
	t.Helper()
	var out []string
	if err := s.ExportCodings(func(r coding.CodingRecord) error {
		out = append(out, strings.Join(r.CSV(), ","))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// labels are a chooser's items, as it shows them.
func labels(c *chooser) []string {
	var out []string
	for _, it := range c.items {
		out = append(out, it.label)
	}
	return out
}
