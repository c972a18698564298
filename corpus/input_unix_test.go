//go:build unix

package corpus

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// within runs read and fails the test if it has not returned in a while: a
// read of a named pipe with no writer would otherwise hang the test run.
func within(t *testing.T, what string, read func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- read() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still reading after 10 s", what)
		return nil
	}
}

func TestInputRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "answers.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// A name with a sheet's extension for a device: the check is on what
	// was opened, not on the name.
	zero := filepath.Join(dir, "zero.csv")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "notes.txt")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string
	}{
		{fifo, "answers.csv: not a regular file (a named pipe)"},
		{zero, "zero.csv: not a regular file (a device)"},
		{folder, "notes.txt: not a regular file (a directory)"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			err := within(t, "Read", func() error {
				_, err := Read(tt.path, Options{TextCol: "answer"})
				return err
			})
			wantError(t, err, tt.want)
			err = within(t, "ReadCases", func() error {
				_, err := ReadCases(tt.path, Options{IDCol: "id"})
				return err
			})
			if filepath.Ext(tt.path) == ".csv" {
				wantError(t, err, tt.want)
			}
			err = within(t, "OpenInput", func() error {
				r, err := OpenInput(tt.path, 0)
				if err == nil {
					r.Close()
				}
				return err
			})
			wantError(t, err, tt.want)
		})
	}
}
