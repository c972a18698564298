package coding

import (
	"errors"
	"os"
	"testing"
)

// TestFileCutWhileOpen cuts the file short under an open store (another
// program truncating it): reading the map past the end of the file is a
// SIGBUS, which the store's boundary turns into ErrDamaged, not a crash.
// Later writes are refused, and the store still closes.
func TestFileCutWhileOpen(t *testing.T) {
	s, path := newUncheckedProject(t)
	if _, err := s.ImportSource("lead", bigSource("big", 5000), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		open      func(string) (*Store, error)
		readFirst bool
	}{
		{"read-only, a read", OpenReadOnly, true},
		{"writable, a read then a write", Open, true},
		{"writable, a write", Open, false},
	} {
		if err := os.WriteFile(path, whole, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := c.open(path)
		if err != nil {
			t.Fatal(err)
		}
		s.Undo("nobody") // waits for the vetting of a writable store
		if err := os.Truncate(path, 3*4096); err != nil {
			t.Fatal(err)
		}
		if c.readFirst {
			if _, err := s.Segments(SegmentQuery{}); !errors.Is(err, ErrDamaged) {
				t.Errorf("%s: read of a file cut short: %v, want ErrDamaged", c.name, err)
			}
		}
		if _, err := s.Apply("alice", 1, 1, Span{}); err == nil {
			t.Errorf("%s: a write to a file cut short went through", c.name)
		}
		if _, err := s.Apply("alice", 2, 1, Span{}); !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s: a second write: %v, want it refused", c.name, err)
		}
		s.Close()
	}
}
