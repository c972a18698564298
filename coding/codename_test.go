package coding

import (
	"errors"
	"strings"
	"testing"
)

// Code names are printed everywhere, so every way of naming a code refuses
// a control character with one line, and leaves the project as it was.
func TestCodeNamesRefuseControls(t *testing.T) {
	s, _ := newProject(t)
	importSurvey(t, s, "s")
	before := state(t, s)
	const clear = "Stig\x1b[2Jma"
	cases := []struct {
		name string
		do   func() error
	}{
		{"add", func() error { _, _, err := s.AddCode("l", "Barriers/"+clear, CodeDetails{}); return err }},
		{"add under a new theme", func() error { _, _, err := s.AddCode("l", "New\x07/Child", CodeDetails{}); return err }},
		{"rename", func() error { _, err := s.RenameCode("l", "Barriers", "Barr\x1b]0;x\x07iers"); return err }},
		{"rename to a bidi override", func() error { _, err := s.RenameCode("l", "Barriers", "Barriers\u202e"); return err }},
		{"rename to a C1 control", func() error { _, err := s.RenameCode("l", "Barriers", "Barriers\u009b2J"); return err }},
		{"codings import, new path", func() error {
			_, err := s.ImportCodings("l", "c.csv", strings.NewReader("segment,code,coder\nR001,Motivations,alice\nR002,Barriers/"+clear+",alice\n"))
			return err
		}},
	}
	for _, c := range cases {
		err := c.do()
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "holds a control character") {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if msg := err.Error(); strings.ContainsAny(msg, "\x1b\x07\n") || strings.Contains(msg, "\u202e") || strings.Contains(msg, "\u009b") {
			t.Errorf("%s: the message itself holds the control: %q", c.name, msg)
		}
	}
	if _, err := s.ImportCodings("l", "c.csv", strings.NewReader("segment,code,coder\nR002,Barriers/"+clear+",alice\n")); err == nil ||
		!strings.HasPrefix(err.Error(), "c.csv: line 2: ") {
		t.Errorf("codings import names neither file nor line: %v", err)
	}
	if _, err := ParseCodebook("cb.yaml", []byte("codes:\n  - name: Barriers\n    codes:\n      - name: \"Stig\\e[2Jma\"\n")); err == nil ||
		!strings.HasPrefix(err.Error(), `cb.yaml: under Barriers: code name "Stig␛[2Jma" holds a control character (U+001B)`) {
		t.Errorf("codebook file: %v", err)
	}
	if got := state(t, s); got != before {
		t.Errorf("refused names changed the project")
	}
}
