package coding

import (
	"strings"
	"testing"
)

// The generation moves with every committed write and with nothing else:
// a screen that polls it reads again only when something was written.
func TestGenerationMovesWithWrites(t *testing.T) {
	s := rolesProject(t)
	g0, err := s.Generation()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Info(); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.Generation(); g != g0 {
		t.Errorf("a read moved the generation: %d → %d", g0, g)
	}
	if _, err := s.ImportCodings("alice", "c.csv", strings.NewReader("segment,code,coder\nS1,Barriers,alice\n")); err != nil {
		t.Fatal(err)
	}
	g1, _ := s.Generation()
	if g1 <= g0 {
		t.Errorf("a write did not move the generation: %d → %d", g0, g1)
	}
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.Generation(); g <= g1 {
		t.Errorf("undo did not move the generation: %d → %d", g1, g)
	}
}
