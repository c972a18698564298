package coding

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
	"qcode/corpus"
)

// memoLines renders memos as "kind about (author): text → jump", one a
// line, the form the tests compare.
func memoLines(t *testing.T, s *Store, q MemoQuery) []string {
	t.Helper()
	list, err := s.Memos(q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range list {
		line := fmt.Sprintf("%s %s (%s): %s", m.Target.Kind, m.About, m.Author, m.Text)
		if m.JumpID != "" {
			line += " → " + m.JumpID
		}
		out = append(out, line)
	}
	return out
}

func setMemo(t *testing.T, s *Store, actor string, target MemoTarget, text string) MemoResult {
	t.Helper()
	res, err := s.SetMemoOn(actor, target, text)
	if err != nil {
		t.Fatalf("%s memo on %+v: %v", actor, target, err)
	}
	return res
}

func target(t *testing.T, s *Store, kind MemoKind, name string) MemoTarget {
	t.Helper()
	tg, err := s.FindMemoTarget(kind, name)
	if err != nil {
		t.Fatalf("target %s %q: %v", kind, name, err)
	}
	return tg
}

// memoProject is the survey (s1: R001–R005, cases A and B) and focus group
// fg2 (speakers P1, P2), with memos by alice and bob on every kind of
// target; alice has coded R001 with career (with a coding memo) and bob
// R002 with workload.
func memoProject(t *testing.T) (*Store, []SegRef) {
	t.Helper()
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s1")
	importNotes(t, s, "fg2.md", fg2Text, corpus.Options{})
	applyAs(t, s, "alice", refs[0], career)
	applyAs(t, s, "bob", refs[1], workload)
	cs, _ := s.CodingsOf(refs[0], nil)
	if _, err := s.SetMemo("alice", cs[0].CodingKey, "pay is the point"); err != nil {
		t.Fatal(err)
	}
	setMemo(t, s, "alice", target(t, s, MemoSegment, "R002"), "ask about caseload weighting")
	setMemo(t, s, "bob", target(t, s, MemoSegment, "R002"), "backfill again")
	setMemo(t, s, "alice", target(t, s, MemoSource, "fg2"), "a quiet group")
	setMemo(t, s, "bob", target(t, s, MemoCase, "fg2:P1"), "newly qualified, adult services")
	setMemo(t, s, "alice", target(t, s, MemoCode, "Barriers/Workload and time"), "split caseload from release?")
	setMemo(t, s, "alice", MemoTarget{Kind: MemoProject}, "Started coding the survey.")
	setMemo(t, s, "bob", MemoTarget{Kind: MemoProject}, "Read fg2 twice.")
	return s, refs
}

func TestMemosOnEveryTarget(t *testing.T) {
	s, _ := memoProject(t)
	all := []string{
		"project journal #1 (alice): Started coding the survey.",
		"project journal #2 (bob): Read fg2 twice.",
		"source fg2 (alice): a quiet group → fg2#3",
		"case fg2:P1 (bob): newly qualified, adult services → fg2#3",
		"code Barriers/Workload and time (alice): split caseload from release? → R002",
		"segment R002 (alice): ask about caseload weighting → R002",
		"segment R002 (bob): backfill again → R002",
		"coding Motivations/Career progression on R001 (alice): pay is the point → R001",
	}
	sameStrings(t, "every memo", memoLines(t, s, MemoQuery{}), all)
	for _, tc := range []struct {
		name string
		q    MemoQuery
		want []int // indexes into all
	}{
		{"kind segment", MemoQuery{Kinds: []MemoKind{MemoSegment}}, []int{5, 6}},
		{"kinds project and case", MemoQuery{Kinds: []MemoKind{MemoCase, MemoProject}}, []int{0, 1, 3}},
		{"author bob", MemoQuery{Author: "bob"}, []int{1, 3, 6}},
		// A code: its memo, memos on segments coded with it (by anyone),
		// memos on its codings.
		{"code Barriers", MemoQuery{Code: "Barriers"}, []int{4, 5, 6}},
		{"code Motivations", MemoQuery{Code: "Motivations"}, []int{7}},
		{"source fg2", MemoQuery{Source: "fg2"}, []int{2, 3}},
		{"source s1", MemoQuery{Source: "s1"}, []int{5, 6, 7}},
		{"source s1, author alice, segments", MemoQuery{Source: "s1", Author: "alice", Kinds: []MemoKind{MemoSegment}}, []int{5}},
		// Where: R002 and R004 answer Q11; the fg2 turns have no
		// question_id, so its source and case memos go; journal entries
		// and code memos stay.
		{"where question_id=Q11", MemoQuery{Where: []AttrCondition{{Name: "question_id", Values: []string{"Q11"}}}}, []int{0, 1, 4, 5, 6}},
		{"where question_id=Q10", MemoQuery{Where: []AttrCondition{{Name: "QUESTION_ID", Values: []string{"Q10"}}}}, []int{0, 1, 4, 7}},
		{"where question_id!=Q10", MemoQuery{Where: []AttrCondition{{Name: "question_id", Values: []string{"Q10"}, Not: true}}}, []int{0, 1, 2, 3, 4, 5, 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for _, i := range tc.want {
				want = append(want, all[i])
			}
			sameStrings(t, tc.name, memoLines(t, s, tc.q), want)
		})
	}
	if _, err := s.Memos(MemoQuery{Author: "zoe"}); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "alice, bob") {
		t.Errorf("an unknown author: %v", err)
	}
}

// A memo is its author's: setting replaces only the author's own, "" takes
// it away, and each is one undoable action that undo and redo replay
// exactly.
func TestMemoEditsUndoExactly(t *testing.T) {
	s, _ := memoProject(t)
	seg := target(t, s, MemoSegment, "R002")
	steps := []struct {
		actor, text, desc string
	}{
		{"alice", "ask about caseload weighting, and about students", "memo on segment R002"},
		{"alice", "", "delete memo on segment R002"},
		{"bob", "backfill again (third time)", "memo on segment R002"},
	}
	var states []string
	states = append(states, dump(s))
	for _, st := range steps {
		res := setMemo(t, s, st.actor, seg, st.text)
		if res.Desc != st.desc || res.Seq == 0 || len(res.Segments) != 1 || res.Segments[0] != seg.Segment {
			t.Errorf("%s %q: %+v", st.actor, st.text, res.ActionResult)
		}
		states = append(states, dump(s))
	}
	sameStrings(t, "after the edits", memoLines(t, s, MemoQuery{Kinds: []MemoKind{MemoSegment}}),
		[]string{"segment R002 (bob): backfill again (third time) → R002"})
	// The same text again changes nothing and journals nothing.
	if res := setMemo(t, s, "bob", seg, "  backfill again (third time)\n"); res.Seq != 0 {
		t.Errorf("an unchanged memo was journaled: %+v", res)
	}
	if _, err := s.SetMemoOn("alice", seg, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting a memo alice no longer has: %v", err)
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if _, err := s.Undo(steps[i].actor); err != nil {
			t.Fatal(err)
		}
		if got := dump(s); got != states[i] {
			t.Fatalf("undo of step %d:\n%s", i, diffLines(states[i], got))
		}
	}
	for i, st := range steps {
		if _, err := s.Redo(st.actor); err != nil {
			t.Fatal(err)
		}
		if got := dump(s); got != states[i+1] {
			t.Fatalf("redo of step %d:\n%s", i, diffLines(states[i+1], got))
		}
	}
}

func TestMemoJournal(t *testing.T) {
	s, _ := memoProject(t)
	// A new entry gets an id; its number is its place in time.
	res := setMemo(t, s, "alice", MemoTarget{Kind: MemoProject}, "Merged bob's copy.")
	if res.Target.Entry == 0 || res.Desc != "journal entry" {
		t.Errorf("new entry: %+v", res)
	}
	third := target(t, s, MemoProject, "#3")
	if third.Entry != res.Target.Entry {
		t.Errorf("entry #3 is %d, want the new one %d", third.Entry, res.Target.Entry)
	}
	// Editing an entry keeps its place; another author cannot edit it.
	setMemo(t, s, "alice", third, "Merged bob's copy; 2 conflicts.")
	if _, err := s.SetMemoOn("bob", third, "mine now"); !errors.Is(err, ErrNotFound) {
		t.Errorf("bob edits alice's entry: %v", err)
	}
	sameStrings(t, "journal", memoLines(t, s, MemoQuery{Kinds: []MemoKind{MemoProject}}), []string{
		"project journal #1 (alice): Started coding the survey.",
		"project journal #2 (bob): Read fg2 twice.",
		"project journal #3 (alice): Merged bob's copy; 2 conflicts.",
	})
	for _, name := range []string{"4", "0", "x"} {
		if _, err := s.FindMemoTarget(MemoProject, name); err == nil {
			t.Errorf("entry %q found", name)
		}
	}
	if _, err := s.SetMemoOn("alice", MemoTarget{Kind: MemoProject}, "  "); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("an empty entry: %v", err)
	}
}

// Memos are stored as typed, less what must not reach a terminal.
func TestMemoTextIsCleaned(t *testing.T) {
	s, _ := memoProject(t)
	seg := target(t, s, MemoSegment, "R003")
	setMemo(t, s, "alice", seg, "\x1b[2Jlaw\x07 and rights\r\nnext line ")
	m, ok, err := s.MemoOn("alice", seg)
	if err != nil || !ok || m.Text != "law and rights\nnext line" {
		t.Errorf("memo %q %v %v", m.Text, ok, err)
	}
	if _, err := s.SetMemoOn("alice", seg, strings.Repeat("x", maxMemoBytes+1)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("a memo too long: %v", err)
	}
	if _, err := s.SetMemoOn("alice", MemoTarget{Kind: MemoSegment, Segment: 999}, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a memo on no segment: %v", err)
	}
	if _, ok, _ := s.MemoOn("bob", seg); ok {
		t.Errorf("bob reads alice's memo as his")
	}
}

// A code's memos go where the code goes: deleted with it (and back with
// the undo), joined to the code it is merged into.
func TestMemosFollowTheCodebook(t *testing.T) {
	s, _ := memoProject(t)
	setMemo(t, s, "bob", target(t, s, MemoCode, "Barriers/Release and backfill"), "often with workload")
	setMemo(t, s, "alice", target(t, s, MemoCode, "Barriers/Release and backfill"), "split caseload from release?")
	before := dump(s)
	if _, err := s.MergeCode("lead", "Barriers/Release and backfill", "Barriers/Workload and time"); err != nil {
		t.Fatal(err)
	}
	// alice's two memos were one text; bob's moves as it is.
	sameStrings(t, "after the merge", memoLines(t, s, MemoQuery{Kinds: []MemoKind{MemoCode}}), []string{
		"code Barriers/Workload and time (alice): split caseload from release? → R002",
		"code Barriers/Workload and time (bob): often with workload → R002",
	})
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Fatalf("undo of the merge:\n%s", diffLines(before, got))
	}
	if _, err := s.DeleteCode("lead", "Barriers"); err != nil {
		t.Fatal(err)
	}
	if got := memoLines(t, s, MemoQuery{Kinds: []MemoKind{MemoCode}}); len(got) != 0 {
		t.Errorf("code memos after deleting the theme: %q", got)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Fatalf("undo of the delete:\n%s", diffLines(before, got))
	}
	// A code added, then given a memo: its undo waits for the memo's.
	if _, _, err := s.AddCode("lead", "Barriers/Stigma", CodeDetails{}); err != nil {
		t.Fatal(err)
	}
	setMemo(t, s, "alice", target(t, s, MemoCode, "Barriers/Stigma"), "new")
	if _, err := s.Undo("lead"); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "memos written since") {
		t.Errorf("undo of a code with a memo since: %v", err)
	}
}

// A source with memos is not un-imported; a replace carries its memos to
// the new import by segment ID, and a memo whose segment is gone joins its
// author's memo on the source.
func TestMemosAcrossImports(t *testing.T) {
	s, _ := newProject(t)
	if _, err := s.ImportSource("lead", survey("s1"), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	setMemo(t, s, "alice", target(t, s, MemoSegment, "R002"), "backfill")
	setMemo(t, s, "alice", target(t, s, MemoSegment, "R005"), "rural travel")
	setMemo(t, s, "alice", target(t, s, MemoSource, "s1"), "first wave")
	if _, err := s.Undo("lead"); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "memos on 2 of its segments") {
		t.Errorf("undo of an import with memos: %v", err)
	}
	before := dump(s)
	next := survey("s1")
	next.Hash = "hash-s1-v2"
	next.Segments = next.Segments[:4] // R005 is gone
	res, err := s.ImportSource("lead", next, ImportOptions{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "1 memo on segments no longer in the file") {
		t.Errorf("notes %q", res.Notes)
	}
	sameStrings(t, "after the replace", memoLines(t, s, MemoQuery{}), []string{
		"source s1 (alice): first wave\n\nOn R005 (not in the new file): rural travel → R001",
		"segment R002 (alice): backfill → R002",
	})
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Fatalf("undo of the replace:\n%s", diffLines(before, got))
	}
}

// A speaker joined to another case hands it their memos; a case a memo
// is on stays when its last segment goes.
func TestCaseMemosFollowJoins(t *testing.T) {
	s, _ := newProject(t)
	importNotes(t, s, "fg2.md", fg2Text, corpus.Options{})
	setMemo(t, s, "bob", target(t, s, MemoCase, "fg2:P1"), "adult services")
	before := dump(s)
	if _, err := s.ImportCases("lead", []corpus.Case{{Source: "fg2", Speaker: "P1", Name: "Jane"}}); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "after the join", memoLines(t, s, MemoQuery{Kinds: []MemoKind{MemoCase}}),
		[]string{"case Jane (bob): adult services → fg2#3"})
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Fatalf("undo of the join:\n%s", diffLines(before, got))
	}
}

// Memos travel in a merge: each author's memo on a target is their own;
// the same author's two texts are never overwritten.
func TestMergeMemos(t *testing.T) {
	lead, copies := handOut(t, "alice", "bob")
	withProject(t, lead, func(s *Store, refs []SegRef) {
		setMemo(t, s, "alice", target(t, s, MemoSegment, "R001"), "pay")
		setMemo(t, s, "alice", target(t, s, MemoSegment, "R002"), "first thoughts")
		setMemo(t, s, "lead", MemoTarget{Kind: MemoProject}, "Handed out copies.")
	})
	withProject(t, copies[0], func(s *Store, refs []SegRef) {
		setMemo(t, s, "alice", target(t, s, MemoSegment, "R001"), "pay, and then promotion") // holds the old text
		setMemo(t, s, "alice", target(t, s, MemoSegment, "R003"), "law")
		setMemo(t, s, "alice", target(t, s, MemoCode, "Barriers"), "mostly time")
		setMemo(t, s, "alice", MemoTarget{Kind: MemoProject}, "Coded R001-R003.")
	})
	withProject(t, copies[1], func(s *Store, refs []SegRef) {
		setMemo(t, s, "bob", target(t, s, MemoSegment, "R001"), "salary")
		setMemo(t, s, "bob", target(t, s, MemoCase, "A"), "team manager")
		setMemo(t, s, "bob", target(t, s, MemoSource, "s1"), "wave one")
	})
	// Meanwhile the lead's copy of alice's R002 memo was edited twice.
	withProject(t, copies[0], func(s *Store, refs []SegRef) {
		setMemo(t, s, "alice", target(t, s, MemoSegment, "R002"), "second thoughts")
	})
	s := openLead(t, lead)
	res, err := s.MergeProjects("lead", copies, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := res.Files[0], res.Files[1]
	if a.Memos["alice"] != 5 || a.MemosJoined != 1 || b.Memos["bob"] != 3 || b.MemosJoined != 0 {
		t.Errorf("merge counts: alice %v joined %d, bob %v joined %d", a.Memos, a.MemosJoined, b.Memos, b.MemosJoined)
	}
	lines := memoLines(t, s, MemoQuery{})
	sameStrings(t, "merged memos", lines[2:], []string{
		"source s1 (bob): wave one → R001",
		"case A (bob): team manager → R001",
		"code Barriers (alice): mostly time",
		"segment R001 (alice): pay, and then promotion → R001",
		"segment R001 (bob): salary → R001",
		"segment R002 (alice): first thoughts\n\nsecond thoughts → R002",
		"segment R003 (alice): law → R003",
	})
	if !strings.Contains(lines[0], "Handed out copies.") || !strings.Contains(lines[1], "Coded R001-R003.") {
		t.Errorf("journal %q", lines[:2])
	}
	// Merging the same copies again brings nothing new.
	again, err := s.MergeProjects("lead", copies, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Files[0].Memos)+len(again.Files[1].Memos) != 0 {
		t.Errorf("a second merge brought memos: %v %v", again.Files[0].Memos, again.Files[1].Memos)
	}
	// One undo takes the first merge's memos away.
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "after undoing the merges", memoLines(t, s, MemoQuery{Kinds: []MemoKind{MemoSegment}}), []string{
		"segment R001 (alice): pay → R001",
		"segment R002 (alice): first thoughts → R002",
	})
}

// qcode check reads every memo on a target: one on a segment that is not
// there, by an author who is not there, or that does not read is named.
func TestCheckTargetMemos(t *testing.T) {
	s, path := newUncheckedProject(t)
	importSurvey(t, s, "s1")
	setMemo(t, s, "alice", target(t, s, MemoSegment, "R001"), "fine")
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bktTargetMemos)
		if err := b.Put(memoKey(memoSegmentByte, 999, 1), memoRecord{1, 1, "stray"}.encode()); err != nil {
			return err
		}
		if err := b.Put(memoKey(memoCodeByte, 1, 77), memoRecord{1, 1, "nobody"}.encode()); err != nil {
			return err
		}
		return b.Put(memoKey(memoProjectByte, 5, 1), []byte{1, 2})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	rep, err := CheckFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		if p.Kind == "targetmemos" {
			got = p.Examples
		}
	}
	sameStrings(t, "problems", got, []string{
		"memo on segment 999 by coder 1: the segment does not exist",
		"memo on code 1 by coder 77: the author does not exist",
		"journal entry 5 by coder 1: the value 0102 does not read",
	})
	if !strings.Contains(strings.Join(rep.Checked, " "), "4 memos") {
		t.Errorf("checked %q", rep.Checked)
	}
}

// TestMigrateFromV2: a schema-2 file gains the bucket of memos on targets
// (backed up first, nothing else changes); a coder's schema-2 copy merges
// as it is, with nothing to bring but its codings.
func TestMigrateFromV2(t *testing.T) {
	s, path := newProject(t)
	r := importSurvey(t, s, "s1")
	applyAs(t, s, "alice", r[0], workload)
	want := state(t, s)
	schemaAt(t, s, 2)
	s.Close()
	copyFile(t, path, path+".copy")
	if _, err := OpenReadOnly(path); !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "older schema (2)") {
		t.Errorf("read-only open of schema 2: %v", err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s2, path)
	if _, err := os.Stat(path + ".schema2.bak"); err != nil {
		t.Errorf("no backup: %v", err)
	}
	if s2.Meta().Schema != SchemaVersion || state(t, s2) != want {
		t.Errorf("after migration: schema %d, state\n%s", s2.Meta().Schema, state(t, s2))
	}
	setMemo(t, s2, "alice", target(t, s2, MemoSegment, "R001"), "after the upgrade")
	res, err := s2.MergeProjects("lead", []string{path + ".copy"}, MergeOptions{})
	if err != nil {
		t.Fatalf("merge of a schema-2 copy: %v", err)
	}
	if res.Files[0].Matched != 1 || len(res.Files[0].Memos) != 0 {
		t.Errorf("merge of a schema-2 copy: %+v", res.Files[0])
	}
	if v := schemaOf(t, path+".copy"); v != "2" {
		t.Errorf("the merged copy was changed to schema %s", v)
	}
}
