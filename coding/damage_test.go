package coding_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qcode/coding"
	"qcode/coding/codingtest"
)

// TestDamagedFiles runs the damaged-file table through the store's API: a
// damaged or foreign file is refused at open or opens and refuses every
// write; reads never crash; CheckFile names the damage; a merge of it is
// refused; and neither file changes by a byte.
func TestDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	base := codingtest.DamageBase(t, dir)
	lead := filepath.Join(dir, "lead.qcode")
	codingtest.CopyFile(t, base, lead)
	for i, d := range codingtest.Damages() {
		t.Run(d.Name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("damaged%d.qcode", i))
			codingtest.CopyFile(t, base, path)
			d.Apply(t, path)
			kind := coding.ErrDamaged
			if d.Foreign {
				kind = coding.ErrNotProject
			}
			before, leadBefore := readFile(t, path), readFile(t, lead)

			s, err := coding.Open(path)
			if err == nil {
				_, err = s.ImportCodings("alice", "c.csv", strings.NewReader("segment,code,coder\nS1-10,Barriers/Funding and budget cuts,alice\n"))
				s.Segments(coding.SegmentQuery{}) // reads may fail, but never crash
				s.Info()
				if cerr := s.Close(); cerr != nil {
					t.Errorf("close: %v", cerr)
				}
			}
			if !errors.Is(err, kind) || strings.Contains(err.Error(), "\n") {
				t.Errorf("open and write: %v, want one line of %v", err, kind)
			}
			if r, err := coding.OpenReadOnly(path); err == nil {
				r.Segments(coding.SegmentQuery{})
				r.Close()
			} else if !errors.Is(err, kind) {
				t.Errorf("read-only open: %v, want %v", err, kind)
			}

			rep, err := coding.CheckFile(path)
			switch {
			case d.Foreign && !errors.Is(err, coding.ErrNotProject):
				t.Errorf("check of a foreign file: %v", err)
			case !d.Foreign && (err != nil || rep.OK()):
				t.Errorf("check: %v, %+v: want the damage named", err, rep)
			}

			l, err := coding.Open(lead)
			if err != nil {
				t.Fatal(err)
			}
			_, err = l.MergeProjects("lead", []string{path}, coding.MergeOptions{})
			if !errors.Is(err, kind) || strings.Contains(err.Error(), "\n") {
				t.Errorf("merge: %v, want one line of %v", err, kind)
			}
			l.Close()

			if !bytes.Equal(readFile(t, path), before) {
				t.Errorf("the damaged file changed")
			}
			if !bytes.Equal(readFile(t, lead), leadBefore) {
				t.Errorf("the project it was merged into changed")
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return b
}
