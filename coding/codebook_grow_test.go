package coding

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// An action keeps the codebook it read and adds the codes it creates; the
// kept one must read exactly as the codebook stored in the transaction.
func TestActionCodebookKeptInStep(t *testing.T) {
	s, _ := newProject(t)
	render := func(b *Codebook) string {
		var out strings.Builder
		for _, c := range b.Codes() {
			fmt.Fprintf(&out, "%d %s depth %d order %d leaf %v\n", c.ID, c.Path, c.Depth, c.Order, b.IsLeaf(c.ID))
		}
		for _, p := range []string{"barriers/childcare", "NEW THEME/a/b", "Kirkpatrick/L5 Society", "Motivations"} {
			c, ok := b.Lookup(p)
			fmt.Fprintf(&out, "lookup %s: %d %v\n", p, c.ID, ok)
		}
		return out.String()
	}
	_, err := s.act("lead", "grow", func(a *action) error {
		for _, p := range []string{
			"Barriers/Childcare",                 // at the end of a theme's codes, before the next theme
			"New theme/A/B",                      // a new theme and two levels under it, at the very end
			"Kirkpatrick/L5 Society",             // a level added to a code group
			"Motivations/Career progression/Pay", // under a leaf, in the middle of the tree
			"New theme/A/C",
			"Barriers/Childcare/Nursery places",
			"Aardvark", // a theme sorts by its order, not its name
		} {
			if _, _, err := a.ensurePath(p, nil); err != nil {
				return err
			}
			kept, err := a.book()
			if err != nil {
				return err
			}
			fresh, err := readCodebook(a.tx)
			if err != nil {
				return err
			}
			if got, want := render(kept), render(fresh); got != want {
				t.Errorf("after %s, the action's codebook:\n%s\nstored:\n%s", p, got, want)
			}
		}
		// Any other change to a code drops the kept codebook.
		before, _ := a.book()
		c, _ := before.Lookup("New theme")
		c.Name = "Renamed theme"
		if err := a.putCode(&c); err != nil {
			return err
		}
		after, err := a.book()
		if err != nil {
			return err
		}
		if _, ok := after.Lookup("Renamed theme/A/C"); !ok {
			t.Error("a rename inside the action is not seen by its codebook")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Codebook().Lookup("Renamed theme/A/B"); !ok {
		t.Error("the published codebook lacks the action's codes")
	}
}

// Creating codes in a codings import costs the same per code however many
// came before (it re-read the whole codebook per new code: 5,000 new codes
// took a minute). Counted in allocations, not time: four times the new codes
// must take about four times the allocations, not sixteen.
func TestImportNewCodesLinear(t *testing.T) {
	allocs := func(n int) uint64 {
		s, _ := newProject(t)
		importSurvey(t, s, "s")
		var csv strings.Builder
		csv.WriteString("segment,code,coder\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&csv, "R%03d,Emergent/Code %04d,alice\n", i%5+1, i)
		}
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		res, err := s.ImportCodings("alice", "new.csv", strings.NewReader(csv.String()))
		runtime.ReadMemStats(&m1)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.NewCodes) != n+1 || res.Added != n {
			t.Fatalf("%d new codes, %d added", len(res.NewCodes), res.Added)
		}
		if got := checkInvariants(s); got != nil {
			t.Fatal(got)
		}
		return m1.Mallocs - m0.Mallocs
	}
	small, large := allocs(150), allocs(600)
	t.Logf("allocations: 150 codes %d, 600 codes %d", small, large)
	if ratio := float64(large) / float64(small); ratio > 6 {
		t.Errorf("600 new codes took %d allocations, 150 took %d: %.1f× for 4× the codes", large, small, ratio)
	}
}
