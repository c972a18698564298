package coding

import (
	"fmt"
	"strings"
	"testing"
)

// A coder is someone with codings; a lead who only imports, settles or
// reshapes the codebook is an actor, listed nowhere as a coder.
func TestCodersAreNotActors(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s") // by lead
	applyAs(t, s, "alice", refs[0], career)
	applyAs(t, s, "bob", refs[1], workload)
	if _, _, err := s.AddCode("lead", "Barriers/Stigma", CodeDetails{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Settle("lead", refs[0], code(t, s, career), Decision{Kind: TakeNone, Coders: []string{"alice", "bob"}}); err != nil {
		t.Fatal(err)
	}
	listings := func() string {
		coders, err := s.CodingCoders()
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Info()
		if err != nil {
			t.Fatal(err)
		}
		agree, err := s.Agreement(AgreeQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("coders %v; info %v; agree %v", coders, info.Coders, agree.Coders)
	}
	if got := listings(); got != "coders [alice bob]; info map[alice:1 bob:1]; agree [alice bob]" {
		t.Errorf("%s", got)
	}
	if _, err := s.Segments(SegmentQuery{Coders: []string{"zed"}}); err == nil || !strings.Contains(err.Error(), `no coder "zed" (coders: alice, bob)`) {
		t.Errorf("unknown coder: %v", err)
	}
	// Consensus codings make consensus a coder (compared only when named);
	// the lead still is not one.
	if _, err := s.Settle("lead", refs[0], code(t, s, career), Decision{Kind: TakeCoder, Coder: "alice", Coders: []string{"alice", "bob"}}); err != nil {
		t.Fatal(err)
	}
	if got := listings(); got != "coders [alice bob consensus]; info map[alice:1 bob:1 consensus:1]; agree [alice bob]" {
		t.Errorf("after settling: %s", got)
	}
	// The lead codes: now a coder.
	applyAs(t, s, "lead", refs[2], workload)
	if got := listings(); got != "coders [alice bob consensus lead]; info map[alice:1 bob:1 consensus:1 lead:1]; agree [alice bob lead]" {
		t.Errorf("after the lead codes: %s", got)
	}
}
