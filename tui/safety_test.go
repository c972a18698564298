package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
)

// hostileProject holds escape sequences wherever an older import, a merge
// or a codings file could have left them: project name, segment IDs,
// case, text, attributes, a code's description, a memo.
func hostileProject(t *testing.T) *coding.Store {
	t.Helper()
	s, err := coding.Create(filepath.Join(t.TempDir(), "p.qcode"), coding.CreateOptions{Name: "Study\x1b]0;pwned\x07", Codes: coding.PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	src := &corpus.Source{Name: "old\x1b[2J", File: "old.csv", Format: "csv", Hash: "h", Segments: []corpus.Segment{
		{ID: "R1\x1b[2J", Case: "P\x1b]52;c;SGVsbG8=\x07", Text: "Career\x1b]52;c;SGVsbG8=\x07 progression \x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\and pay\u009b2J\u202e",
			Attributes: []corpus.Attribute{{Name: "role\x07", Value: "Social\x1b]0;t\x07 worker"}, {Name: "question", Value: "Why?\x1b[H"}}},
		{ID: "R2", Text: "No backfill"},
	}}
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateCode("lead", "Barriers", coding.CodeDetails{Description: "What gets in the way\x1b]52;c;SGVsbG8=\x07"}); err != nil {
		t.Fatal(err)
	}
	csv := "segment,code,coder,start,end,starred,memo\n" +
		"\"R1\x1b[2J\",Motivations/Career progression,alice,0,6,true,\"memo\x1b]0;t\x07\"\n" +
		"R2,Barriers/Release and backfill,bob,,,,\n"
	if _, err := s.ImportCodings("lead", "c.csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	return s
}

var sgrRE = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkView fails when a frame could act on the terminal: any escape
// sequence but SGR styling, any control character but a newline.
func checkView(t *testing.T, what string, v tea.View) {
	t.Helper()
	if i, r, bad := printable.Find(sgrRE.ReplaceAllString(v.Content, "")); bad {
		rest := sgrRE.ReplaceAllString(v.Content, "")
		t.Errorf("%s: the frame holds %U: %q", what, r, rest[max(0, i-20):min(len(rest), i+20)])
	}
	if _, r, bad := printable.Find(v.WindowTitle); bad || strings.Contains(v.WindowTitle, "\n") {
		t.Errorf("%s: the window title holds %U: %q", what, r, v.WindowTitle)
	}
}

// The screen never passes an escape sequence from the project to the
// terminal: lipgloss does not sanitise, and the renderer lets DCS (tmux
// passthrough) reach it.
func TestNoRawEscapesOnScreen(t *testing.T) {
	s := hostileProject(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice", ShowCoders: true})
	checkView(t, "coding screen", h.m.View())
	if frame := h.frame(); !strings.Contains(frame, "Career␛]52;c;SGVsbG8=␇ progression") {
		t.Errorf("the segment's text should show the sequence as text:\n%s", frame)
	}
	for _, step := range []struct{ what, keys string }{
		{"span selection", "v"},
		{"picker", "<esc>c"},
		{"report", "<esc>r"},
		{"quotes", "<enter>"},
		{"agreement", "<esc><esc>a"},
		{"disagreements", "<enter>"},
		{"memo", "<esc><esc>m"},
		{"filter", "<esc>f"},
		{"search", "<esc>/progr"},
	} {
		h.keys(step.keys)
		checkView(t, step.what, h.m.View())
	}
}

// A code name typed in the picker with a bidi override (the text input
// drops other controls) is refused with one line, and nothing is created.
func TestPickerRefusesControlInNewCode(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 100, 30, Options{Coder: "alice"})
	before := s.Codebook().Len()
	h.keys("c")
	h.send(tea.PasteMsg{Content: "Barriers/Stig\u202ema"})
	h.keys("Barriers/Stig\u202ema<enter>")
	if got := s.Codebook().Len(); got != before {
		t.Errorf("the picker created a code: %d codes, had %d", got, before)
	}
	if !strings.Contains(h.m.status.text, "holds a control character") {
		t.Errorf("status %q", h.m.status.text)
	}
	checkView(t, "after the refusal", h.m.View())
}

// x in the report view writes the report redacted, atomically, mode 0600
// whatever the old file's mode, and lists the redactions beside it.
func TestReportExportRedacts(t *testing.T) {
	s := newProject(t)
	notes := "Interviewer: How do you evaluate it?\n\nJane Smith: Call me on 020 7946 0958 or mail jane.smith@example.gov.uk; Zoë knows.\n\nZoë Price: Ask Mrs Baker.\n"
	src, err := corpus.Parse("interview.md", []byte(notes), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	csv := "segment,code,coder\ninterview#2,Barriers/Workload and time,alice\ninterview#3,Barriers/Workload and time,alice\n"
	if _, err := s.ImportCodings("lead", "c.csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(s.Path(), filepath.Ext(s.Path()))
	path, list := base+"-report.md", base+"-report-redactions.txt"
	if err := os.WriteFile(path, []byte("an older report"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := syscall.Umask(0o022)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("rbx") // split by the first attribute: the speaker's name is a header
	syscall.Umask(old)

	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Jane", "Smith", "020 7946 0958", "jane.smith@example.gov.uk", "Zoë", "Baker"} {
		if strings.Contains(string(md), leak) {
			t.Errorf("the report holds %q", leak)
		}
	}
	for _, want := range []string{"Call me on [phone] or mail [email]; [name] knows.", "Ask [name]."} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	listed, err := os.ReadFile(list)
	if err != nil {
		t.Fatalf("no list of redactions: %v (status %q)", err, h.m.status.text)
	}
	for _, want := range []string{`interview#2: phone number "020 7946 0958" in a quote`, `interview#3: name "Mrs Baker" in a quote`} {
		if !strings.Contains(string(listed), want) {
			t.Errorf("the list lacks %q:\n%s", want, listed)
		}
	}
	for _, f := range []string{path, list} {
		if info, err := os.Stat(f); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", filepath.Base(f), info.Mode().Perm(), err)
		}
	}
	if !strings.Contains(h.m.status.text, "personal details redacted, listed in "+filepath.Base(list)) {
		t.Errorf("status %q", h.m.status.text)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".qcode-export") {
			t.Errorf("a temporary file is left: %s", e.Name())
		}
	}
}
