package coding

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyFile copies a closed project file, as a lead hands out copies.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// handOut makes the lead's project (the survey, nothing coded) and n
// copies of it, and returns the lead's path and the copies' paths.
func handOut(t *testing.T, names ...string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	lead := filepath.Join(dir, "lead.qcode")
	s, err := Create(lead, CreateOptions{Codes: PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("lead", survey("s1"), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var copies []string
	for _, n := range names {
		p := filepath.Join(dir, n+".qcode")
		copyFile(t, lead, p)
		copies = append(copies, p)
	}
	return lead, copies
}

// withProject opens a project, runs fn and closes it.
func withProject(t *testing.T, path string, fn func(s *Store, refs []SegRef)) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := s.SegmentRefs(SegmentQuery{Source: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	fn(s, refs)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path)
}

func openLead(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s, path)
	return s
}

func TestMergeCopies(t *testing.T) {
	lead, copies := handOut(t, "alice", "bob")
	withProject(t, copies[0], func(s *Store, refs []SegRef) {
		applyAs(t, s, "alice", refs[0], career)
		applyAs(t, s, "alice", refs[1], workload, 0, 10)
		k := CodingKey{Seg: refs[1], Code: code(t, s, workload), Coder: mustCoder(t, s, "alice"), Span: Span{0, 10}}
		if _, err := s.SetMemo("alice", k, "caseloads"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetStar("alice", k, true); err != nil {
			t.Fatal(err)
		}
		// A code the lead's codebook lacks.
		if _, _, err := s.AddCode("alice", "Barriers/Childcare", CodeDetails{Description: "no one to mind the children"}); err != nil {
			t.Fatal(err)
		}
		applyAs(t, s, "alice", refs[2], "Barriers/Childcare")
	})
	withProject(t, copies[1], func(s *Store, refs []SegRef) {
		applyAs(t, s, "bob", refs[0], career)
		applyAs(t, s, "bob", refs[4], travel)
		// A source only bob's copy has.
		src := survey("s2")
		if _, err := s.ImportSource("bob", src, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		s2, _ := s.SegmentRefs(SegmentQuery{Source: "s2"})
		applyAs(t, s, "bob", s2[3], workload)
	})
	sums := map[string][]byte{}
	for _, c := range copies {
		sums[c], _ = os.ReadFile(c)
	}

	s := openLead(t, lead)
	before := state(t, s)
	res, err := s.MergeProjects("lead", copies, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := res.Files[0], res.Files[1]
	if a.Added["alice"] != 3 || b.Added["bob"] != 3 || a.Matched != 1 || b.Matched != 1 {
		t.Errorf("added %v %v, matched %d %d", a.Added, b.Added, a.Matched, b.Matched)
	}
	if strings.Join(a.NewCodes, ",") != "Barriers/Childcare" || strings.Join(b.Copied, ",") != "s2" {
		t.Errorf("new codes %v, copied %v", a.NewCodes, b.Copied)
	}
	if strings.Join(a.NewCoders, ",") != "alice" || res.Seq == 0 {
		t.Errorf("new coders %v, seq %d", a.NewCoders, res.Seq)
	}
	if c, ok := s.Codebook().Lookup("Barriers/Childcare"); !ok || c.Description != "no one to mind the children" {
		t.Errorf("new code %+v", c)
	}
	var rows []string
	s.ExportCodings(func(r CodingRecord) error {
		rows = append(rows, strings.Join(r.CSV(), "|"))
		return nil
	})
	want := []string{
		"s1:R001|Motivations/Career progression|alice|||false|",
		"s1:R001|Motivations/Career progression|bob|||false|",
		"s1:R002|Barriers/Workload and time|alice|0|10|true|caseloads",
		"s1:R003|Barriers/Childcare|alice|||false|",
		"s1:R005|Barriers/Travel and distance|bob|||false|",
		"s2:R004|Barriers/Workload and time|bob|||false|",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("codings after merge:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	// The copies were opened read-only.
	for _, c := range copies {
		if now, _ := os.ReadFile(c); !bytes.Equal(now, sums[c]) {
			t.Errorf("%s changed by the merge", c)
		}
	}

	// Merging the same files again adds nothing.
	merged := state(t, s)
	again, err := s.MergeProjects("lead", copies, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Seq != 0 || len(again.Files[1].Copied) != 0 || again.Files[1].Matched != 2 || state(t, s) != merged {
		t.Errorf("second merge changed something: %+v", again)
	}

	// One undo takes the whole merge back, copied source and new code included.
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != before {
		t.Errorf("undo merge:\n%s\nwant\n%s", got, before)
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if state(t, s) != merged {
		t.Error("redo merge differs")
	}
	// Agreement now works on the merged project.
	ag, err := s.Agreement(AgreeQuery{Source: "s1"})
	if err != nil || strings.Join(ag.Coders, ",") != "alice,bob" {
		t.Fatalf("agreement after merge: %v %v", ag.Coders, err)
	}
}

func TestMergeConflictingCoder(t *testing.T) {
	lead, copies := handOut(t, "alice1", "alice2")
	withProject(t, copies[0], func(s *Store, refs []SegRef) {
		applyAs(t, s, "alice", refs[0], career)
		applyAs(t, s, "alice", refs[1], workload)
	})
	// A second file also holding "alice", who coded R001 differently and
	// R003 that the first did not.
	withProject(t, copies[1], func(s *Store, refs []SegRef) {
		applyAs(t, s, "alice", refs[0], travel)
		applyAs(t, s, "alice", refs[1], workload)
		applyAs(t, s, "alice", refs[2], workload)
	})
	s := openLead(t, lead)
	if _, err := s.MergeProjects("lead", copies[:1], MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	before := state(t, s)
	res, err := s.MergeProjects("lead", copies[1:], MergeOptions{})
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "alice") || !strings.Contains(err.Error(), "nothing changed") {
		t.Fatalf("conflict: %v", err)
	}
	if c := res.Files[0].Conflicts; len(c) != 1 || c[0].Coder != "alice" || strings.Join(c[0].Segments, ",") != "R001" {
		t.Errorf("conflicts %+v", c)
	}
	if state(t, s) != before {
		t.Error("a refused merge changed the project")
	}

	// Keep ours on R001; R003 (only in the incoming file) comes in.
	res, err = s.MergeProjects("lead", copies[1:], MergeOptions{Prefer: PreferHere})
	if err != nil || res.Files[0].Added["alice"] != 1 {
		t.Fatalf("prefer here: %+v %v", res.Files, err)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	// Take theirs on R001.
	res, err = s.MergeProjects("lead", copies[1:], MergeOptions{Prefer: PreferIncoming})
	if err != nil || res.Files[0].Removed != 1 || res.Files[0].Added["alice"] != 2 {
		t.Fatalf("prefer incoming: %+v %v", res.Files, err)
	}
	refs := mustRefs(t, s, SegmentQuery{})
	cs, _ := s.CodingsOf(refs[0], nil)
	if len(cs) != 1 || cs[0].Code != code(t, s, travel) {
		t.Errorf("R001 after prefer incoming: %+v", cs)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	// Or file the second alice under another name: no conflict.
	res, err = s.MergeProjects("lead", copies[1:], MergeOptions{Rename: map[string]string{"alice": "alice-b"}})
	if err != nil || res.Files[0].Added["alice-b"] != 3 || len(res.Files[0].Conflicts) != 0 {
		t.Fatalf("rename: %+v %v", res.Files, err)
	}
}

func TestMergeRefusesOtherFiles(t *testing.T) {
	lead, copies := handOut(t, "alice")
	withProject(t, copies[0], func(s *Store, refs []SegRef) { applyAs(t, s, "alice", refs[0], career) })
	dir := t.TempDir()
	other := filepath.Join(dir, "other.qcode")
	o, err := Create(other, CreateOptions{Codes: PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	o.ImportSource("lead", survey("s1"), ImportOptions{})
	o.Close()
	junk := filepath.Join(dir, "junk.qcode")
	os.WriteFile(junk, bytes.Repeat([]byte("not a database "), 1000), 0o600)
	empty := filepath.Join(dir, "empty.qcode")
	os.WriteFile(empty, nil, 0o600)

	s := openLead(t, lead)
	before := state(t, s)
	for _, c := range []struct {
		files []string
		kind  error
		says  string
	}{
		{[]string{other}, ErrConflict, "belongs to another project"},
		{[]string{copies[0], other}, ErrConflict, "another project"}, // a good file first: still nothing
		{[]string{junk}, ErrNotProject, "not a qcode project"},
		{[]string{empty}, ErrNotProject, "not a qcode project"},
		{[]string{dir}, ErrNotProject, "directory"},
		{[]string{filepath.Join(dir, "missing.qcode")}, ErrNotFound, "no such file"},
		{[]string{lead}, ErrInvalidInput, "is this project"},
	} {
		_, err := s.MergeProjects("lead", c.files, MergeOptions{})
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want %v saying %q", c.files, err, c.kind, c.says)
		}
		if state(t, s) != before {
			t.Fatalf("%v changed the project", c.files)
		}
	}
}

// A source the lead re-imported (--replace) after handing out copies is
// matched by name: whole-segment codings come in; a span coding comes in
// only where its passage still reads the same.
func TestMergeReplacedSource(t *testing.T) {
	lead, copies := handOut(t, "alice")
	withProject(t, copies[0], func(s *Store, refs []SegRef) {
		applyAs(t, s, "alice", refs[1], workload)     // R002: text changes, whole segment
		applyAs(t, s, "alice", refs[1], travel, 0, 9) // "No backfi" → changed passage
		applyAs(t, s, "alice", refs[0], career, 0, 6) // R001 unchanged
		applyAs(t, s, "alice", refs[4], "Barriers/Release and backfill")
	})
	s := openLead(t, lead)
	src := survey("s1")
	src.Hash = "hash-s1-v2"
	src.Segments[1].Text = "Too much work, no time at all"
	if _, err := s.ImportSource("lead", src, ImportOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	res, err := s.MergeProjects("lead", copies, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Files[0]
	if strings.Join(f.Changed, ",") != "s1" || f.Added["alice"] != 3 || f.Dropped != 1 || len(f.Copied) != 0 {
		t.Errorf("replaced source: %+v", f)
	}
}

func TestMergeDoesNotTouchCopy(t *testing.T) {
	// The copy stays usable (not locked, not modified) while the lead merges.
	lead, copies := handOut(t, "alice")
	withProject(t, copies[0], func(s *Store, refs []SegRef) { applyAs(t, s, "alice", refs[0], career) })
	st0, _ := os.Stat(copies[0])
	s := openLead(t, lead)
	if _, err := s.MergeProjects("lead", copies, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	st1, _ := os.Stat(copies[0])
	if !st1.ModTime().Equal(st0.ModTime()) || st1.Size() != st0.Size() {
		t.Error("merge wrote to the copy")
	}
	c, err := Open(copies[0])
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}
