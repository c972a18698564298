package coding

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// settledState is state() plus the recorded decisions.
func settledState(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(state(t, s))
	err := s.view(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bktSettled)
		if bk == nil {
			return nil
		}
		return bk.ForEach(func(k, v []byte) error {
			fmt.Fprintf(&b, "settled %x %s\n", k, v)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func itemFor(t *testing.T, l DisagreementList, segment, path string) Disagreement {
	t.Helper()
	for _, d := range l.Items {
		if d.Segment == segment && d.Path == path {
			return d
		}
	}
	t.Fatalf("no disagreement on %s %s in %+v", segment, path, l.Items)
	return Disagreement{}
}

func TestDisagreements(t *testing.T) {
	s, refs := teamProject(t)
	applyAs(t, s, "alice", refs[2], "Kirkpatrick/L1 Reaction")
	applyAs(t, s, "bob", refs[2], "Kirkpatrick/L2 Learning")
	applyAs(t, s, "alice", refs[3], "Kirkpatrick/L3 Behaviour")
	applyAs(t, s, "bob", refs[3], "Kirkpatrick/L3 Behaviour", 0, 5) // span only: no disagreement
	applyAs(t, s, "carol", refs[3], career)                         // not compared below

	l, err := s.Disagreements(DisagreeQuery{Coders: []string{"alice", "bob"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range l.Items {
		got = append(got, d.Segment+" "+d.Path)
	}
	want := "R003 Kirkpatrick|R005 Barriers/Workload and time|R005 Barriers/Travel and distance"
	if strings.Join(got, "|") != want {
		t.Fatalf("items %q, want %q", strings.Join(got, "|"), want)
	}
	if l.Total != 3 || l.Settled != 0 {
		t.Errorf("progress %d of %d", l.Settled, l.Total)
	}
	k := itemFor(t, l, "R003", "Kirkpatrick")
	if !k.Group || k.Versions[0].Coder != "alice" || k.Versions[0].Passages[0].Path != "Kirkpatrick/L1 Reaction" ||
		k.Versions[1].Passages[0].Path != "Kirkpatrick/L2 Learning" || k.Text == "" || k.Source != "s1" {
		t.Errorf("group item %+v", k)
	}
	w := itemFor(t, l, "R005", workload)
	if len(w.Versions[0].Passages) != 1 || len(w.Versions[1].Passages) != 0 || w.Settled {
		t.Errorf("workload item %+v", w)
	}

	// --code narrows; a level widens to its group.
	l, _ = s.Disagreements(DisagreeQuery{Code: "Barriers", Coders: []string{"alice", "bob"}})
	if len(l.Items) != 2 {
		t.Errorf("Barriers: %d items", len(l.Items))
	}
	l, _ = s.Disagreements(DisagreeQuery{Code: "Kirkpatrick/L2 Learning", Coders: []string{"alice", "bob"}})
	if len(l.Items) != 1 || l.Items[0].Path != "Kirkpatrick" {
		t.Errorf("level: %+v", l.Items)
	}
	// Default coders now include carol, who coded R004 and reviewed
	// nothing else. By default the queue looks at the segments at least two
	// coders reviewed (R001–R005: alice and bob reviewed all five; carol
	// R004) and compares those who reviewed each: on R001 alice and bob
	// both coded career and carol has no opinion, so it agrees; on R004
	// carol's career differs from alice's and bob's nothing: one item.
	// Over every segment (not coding a segment is a 0, as in Agreement) R001
	// counts too, where carol "did not apply" career.
	l, _ = s.Disagreements(DisagreeQuery{Code: career})
	if len(l.Items) != 1 || l.Items[0].Segment != "R004" || len(l.Coders) != 3 || l.UnitScope != UnitsReviewed || l.Units != 5 {
		t.Errorf("carol, reviewed units: %+v", l)
	}
	// With three coders a segment two of them reviewed still has what
	// consensus leaves open: R005, where alice and bob differ and carol
	// never looked, is in the queue, her version marked not reviewed.
	l, _ = s.Disagreements(DisagreeQuery{Code: "Barriers"})
	if len(l.Items) != 2 || l.Items[0].Segment != "R005" || !l.Items[0].Versions[2].NotReviewed || l.Items[0].Versions[0].NotReviewed {
		t.Errorf("three coders, two reviewed R005: %+v", l.Items)
	}
	if sum, err := s.ConsensusSummary("Barriers", ""); err != nil || sum.Unsettled != l.Total-l.Settled {
		t.Errorf("consensus leaves %+v open (%v); the queue lists %d", sum, err, l.Total-l.Settled)
	}
	// Settled, the audit memo says carol had no opinion, not "none".
	wl, _ := s.Codebook().Lookup(workload)
	if _, err := s.Settle("lead", refs[4], wl.ID, Decision{Kind: TakeCoder, Coder: "alice"}); err != nil {
		t.Fatal(err)
	}
	cs, err := s.CodingsOf(refs[4], nil)
	if err != nil {
		t.Fatal(err)
	}
	memo := ""
	for _, c := range cs {
		if c.CoderName == Consensus {
			memo = c.Memo
		}
	}
	if !strings.Contains(memo, "alice had: "+workload) || !strings.Contains(memo, "bob had: none") || !strings.Contains(memo, "carol had: not reviewed") {
		t.Errorf("audit memo:\n%s", memo)
	}
	l, _ = s.Disagreements(DisagreeQuery{Code: career, Units: UnitsAll})
	if len(l.Items) != 2 || l.Items[1].Segment != "R004" || len(l.Coders) != 3 {
		t.Errorf("carol, all units: %+v", l)
	}
	if l, _ = s.Disagreements(DisagreeQuery{Source: "s1", Coders: []string{"alice", "bob"}}); l.Total != 3 {
		t.Errorf("source filter: %d", l.Total)
	}
}

func TestSettle(t *testing.T) {
	s, refs := teamProject(t)
	pair := []string{"alice", "bob"}
	// bob never reviewed R004 (refs[3]), so it is an item over every
	// segment only; settling is about the items, so list them all here.
	all := UnitsAll
	// The pq template's Kirkpatrick is a plain group; made exclusive here
	// (one level per passage), so that consensus must keep the rule too.
	kirkpatrick, _ := s.Codebook().Lookup("Kirkpatrick")
	kd := kirkpatrick.Details()
	kd.Exclusive = true
	if _, err := s.UpdateCode("setup", "Kirkpatrick", kd); err != nil {
		t.Fatal(err)
	}
	applyAs(t, s, "alice", refs[2], "Kirkpatrick/L1 Reaction")
	applyAs(t, s, "bob", refs[2], "Kirkpatrick/L2 Learning")
	applyAs(t, s, "alice", refs[3], workload, 3, 9)
	applyAs(t, s, "alice", refs[3], workload, 12, 20)
	cons := func(seg SegRef) []string {
		cs, err := s.CodingsOf(seg, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			if c.CoderName == Consensus {
				out = append(out, describePassage(s.Codebook(), c.Code, c.Span))
			}
		}
		return out
	}
	before := settledState(t, s)

	// None: nothing in consensus, but the item counts as settled.
	res, err := s.Settle("lead", refs[4], code(t, s, workload), Decision{Kind: TakeNone, Coders: pair})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Codings) != 0 || len(cons(refs[4])) != 0 || !strings.Contains(res.Desc, "R005") {
		t.Errorf("none: %+v %v", res, cons(refs[4]))
	}
	st, ok, err := s.Settlement(refs[4], code(t, s, workload))
	if err != nil || !ok || st.Kind != TakeNone || st.By != "lead" {
		t.Fatalf("settlement %+v %v %v", st, ok, err)
	}
	for _, want := range []string{"Settled by lead on ", "none", "alice had: " + workload, "bob had: none"} {
		if !strings.Contains(st.Audit, want) {
			t.Errorf("audit %q lacks %q", st.Audit, want)
		}
	}
	l, _ := s.Disagreements(DisagreeQuery{Coders: pair, Units: all})
	if l.Total != 4 || l.Settled != 1 {
		t.Errorf("progress %d of %d", l.Settled, l.Total)
	}
	if u, _ := s.Disagreements(DisagreeQuery{Coders: pair, Units: all, Unsettled: true}); len(u.Items) != 3 || u.Total != 4 {
		t.Errorf("unsettled: %d of %d", len(u.Items), u.Total)
	}

	// One coder's version, spans included, with the audit memo.
	if _, err := s.Settle("lead", refs[3], code(t, s, workload), Decision{Kind: TakeCoder, Coder: "alice", Coders: pair}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cons(refs[3]), "; "); got != workload+" [3–9]; "+workload+" [12–20]" {
		t.Errorf("consensus %q", got)
	}
	cs, _ := s.CodingsOf(refs[3], []CoderID{mustCoder(t, s, Consensus)})
	if !strings.Contains(cs[0].Memo, "alice's version") || !strings.Contains(cs[0].Memo, "alice had: "+workload+" [3–9], "+workload+" [12–20]") {
		t.Errorf("memo %q", cs[0].Memo)
	}

	// An exclusive group: the union of two levels on one passage breaks the
	// one-level rule.
	kirk := code(t, s, "Kirkpatrick/L2 Learning") // a level names its group's item
	if _, err := s.Settle("lead", refs[2], kirk, Decision{Kind: TakeUnion, Coders: pair}); !errors.Is(err, ErrConflict) {
		t.Errorf("union of levels: %v", err)
	}
	if _, err := s.Settle("lead", refs[2], kirk, Decision{Kind: TakeCoder, Coder: "bob", Coders: pair}); err != nil {
		t.Fatal(err)
	}
	if got := cons(refs[2]); len(got) != 1 || got[0] != "Kirkpatrick/L2 Learning" {
		t.Errorf("group consensus %v", got)
	}
	if _, ok, _ := s.Settlement(refs[2], code(t, s, "Kirkpatrick")); !ok {
		t.Error("group decision not filed under the group")
	}
	// Settling again replaces the decision; an explicit set may name
	// another code.
	if _, err := s.Settle("lead", refs[2], kirk, Decision{Kind: TakeSet, Coders: pair,
		Set: []Passage{{Code: code(t, s, "Kirkpatrick/L3 Behaviour")}, {Code: code(t, s, career), Span: Span{0, 4}}}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cons(refs[2]), "; "); got != career+" [0–4]; Kirkpatrick/L3 Behaviour" {
		t.Errorf("set consensus %q", got)
	}
	// Union of a plain code.
	if _, err := s.Settle("lead", refs[4], code(t, s, travel), Decision{Kind: TakeUnion, Coders: pair}); err != nil {
		t.Fatal(err)
	}
	l, _ = s.Disagreements(DisagreeQuery{Coders: pair, Units: all})
	if l.Settled != 4 || l.Total != 4 {
		t.Errorf("progress %d of %d", l.Settled, l.Total)
	}
	// The default units leave R004 out: 3 of 3.
	l, _ = s.Disagreements(DisagreeQuery{Coders: pair})
	if l.Settled != 3 || l.Total != 3 {
		t.Errorf("progress %d of %d", l.Settled, l.Total)
	}
	// Consensus is never a compared coder by default.
	if l, _ := s.Disagreements(DisagreeQuery{}); strings.Join(l.Coders, ",") != "alice,bob" {
		t.Errorf("default coders %v", l.Coders)
	}

	// Bad decisions change nothing.
	for _, d := range []Decision{{Kind: "maybe"}, {Kind: TakeCoder}, {Kind: TakeCoder, Coder: "zoe"},
		{Kind: TakeSet, Set: []Passage{{Code: code(t, s, career), Span: Span{0, 999}}}}} {
		if _, err := s.Settle("lead", refs[0], code(t, s, career), d); err == nil {
			t.Errorf("%+v: no error", d)
		}
	}
	if _, err := s.Settle("lead", SegRef(999), code(t, s, career), Decision{Kind: TakeNone}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown segment: %v", err)
	}

	// Every settle is one action: five undos restore the project.
	for range 5 {
		if _, err := s.Undo("lead"); err != nil {
			t.Fatal(err)
		}
	}
	if after := settledState(t, s); after != before {
		t.Errorf("undo left changes:\n%s\nwant\n%s", after, before)
	}
	if _, ok, _ := s.Settlement(refs[4], code(t, s, workload)); ok {
		t.Error("settlement survives undo")
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Settlement(refs[4], code(t, s, workload)); !ok {
		t.Error("redo did not restore the settlement")
	}
}
