package coding

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"qcode/coding/codingtest/legacy"
	"sort"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// newProject creates a project with the pq codebook in a temp dir. When the
// test is over it closes the project and runs `qcode check` on the file (as
// bbolt's own tests run tx.Check when they close a database): its pages,
// bbolt's check, every index, tally and the journal.
func newProject(t *testing.T) (*Store, string) {
	t.Helper()
	s, path := newUncheckedProject(t)
	checkWhenDone(t, s, path)
	return s, path
}

// checkWhenDone closes s when the test is over and checks its file.
func checkWhenDone(t *testing.T, s *Store, path string) {
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		checkFile(t, path)
	})
}

// checkFile runs `qcode check` on a project file that a test left.
func checkFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return // the test removed or replaced the file
	}
	rep, err := CheckFile(path)
	if errors.Is(err, ErrNotProject) || errors.Is(err, ErrNewerSchema) || errors.Is(err, ErrLocked) {
		return // the test made it so
	}
	if err != nil || !rep.OK() {
		t.Errorf("check of %s after the test: %v %+v", filepath.Base(path), err, rep.Problems)
	}
}

// newUncheckedProject is newProject for a test that damages the file.
func newUncheckedProject(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.qcode")
	s, err := Create(path, CreateOptions{Codes: PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// survey is a small long-format source: five answers, two respondents.
func survey(name string) *corpus.Source {
	src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: "hash-" + name}
	texts := []string{
		"Career progression and a pay rise",
		"No backfill, no time: caseloads are too high",
		"I learned a lot about mental health law",
		"My manager was supportive",
		"Travel to the university took three hours each way",
	}
	for i, t := range texts {
		c := "A"
		if i%2 == 1 {
			c = "B"
		}
		src.Segments = append(src.Segments, corpus.Segment{
			ID: fmt.Sprintf("R%03d", i+1), Case: c, Text: t,
			Attributes: []corpus.Attribute{{Name: "question_id", Value: fmt.Sprintf("Q%d", 10+i%2)}},
		})
	}
	return src
}

func importSurvey(t *testing.T, s *Store, name string) []SegRef {
	t.Helper()
	if _, err := s.ImportSource("lead", survey(name), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	refs, err := s.SegmentRefs(SegmentQuery{Source: name})
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

func code(t *testing.T, s *Store, path string) CodeID {
	t.Helper()
	c, ok := s.Codebook().Lookup(path)
	if !ok {
		t.Fatalf("no code %s", path)
	}
	return c.ID
}

// state renders everything a user could lose: codebook, codings with stars
// and memos, segments. Two equal states mean nothing was lost.
func state(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	if err := WriteCodebook(&b, s.Codebook().Specs(), "yaml"); err != nil {
		t.Fatal(err)
	}
	if err := s.ExportCodings(func(r CodingRecord) error {
		fmt.Fprintln(&b, strings.Join(r.CSV(), "|"))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	segs, err := s.Segments(SegmentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, seg := range segs {
		fmt.Fprintf(&b, "%s %s %s %q %v\n", seg.Source, seg.ID, seg.Case, seg.Text, seg.Attributes)
	}
	counts, _ := s.Counts()
	fmt.Fprintln(&b, counts)
	return b.String()
}

func TestCreateOpenMeta(t *testing.T) {
	s, path := newProject(t)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	id := s.Meta().ID
	if len(id) != 32 || s.Meta().Name != "p" {
		t.Errorf("meta %+v", s.Meta())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Meta().ID != id {
		t.Errorf("project id changed on reopen")
	}
	if got := s2.Codebook().Len(); got != 47 {
		t.Errorf("pq codebook has %d codes after reopen, want 47", got)
	}
	if _, err := Create(path, CreateOptions{}); !errors.Is(err, ErrExists) {
		t.Errorf("Create over an existing file: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.qcode")); !errors.Is(err, ErrNoProject) {
		t.Errorf("missing file: %v", err)
	}
	junk := filepath.Join(dir, "junk.qcode")
	os.WriteFile(junk, bytes.Repeat([]byte("not a database "), 1000), 0o600)
	if _, err := Open(junk); !errors.Is(err, ErrNotProject) {
		t.Errorf("junk file: %v", err)
	}
	// A bbolt file that is not a qcode project.
	other := filepath.Join(dir, "other.db")
	db, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("x")); return err })
	db.Close()
	if _, err := Open(other); !errors.Is(err, ErrNotProject) {
		t.Errorf("foreign bbolt file: %v", err)
	}
}

func TestSecondOpenIsRefusedQuickly(t *testing.T) {
	_, path := newProject(t)
	start := time.Now()
	_, err := Open(path)
	took := time.Since(start)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("(pid %d?)", os.Getpid())) {
		t.Errorf("message %q does not name the holder's pid", err)
	}
	if took > 3*time.Second {
		t.Errorf("refusal took %v", took)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	s, path := newProject(t)
	s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bktMeta).Put([]byte("schema_version"), []byte("7"))
	})
	s.Close()
	_, err := Open(path)
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "schema 7") {
		t.Fatalf("open of schema 7: %v", err)
	}
}

// TestMigrateFromV0 builds a version-0 file by hand (codings without the
// bycode/bycoder indexes and tallies, no schema_version) and checks that
// Open backs it up and migrates it.
func TestMigrateFromV0(t *testing.T) {
	s, path := newProject(t)
	refs := importSurvey(t, s, "s")
	barriers := code(t, s, "Barriers/Workload and time")
	s.Apply("alice", refs[1], barriers, Span{})
	s.Apply("alice", refs[1], barriers, Span{Start: 0, End: 11})
	s.Apply("bob", refs[2], code(t, s, "Benefits/For the practitioner/Knowledge and skills"), Span{})
	want := state(t, s)
	s.update(func(tx *bolt.Tx) error {
		if err := legacy.AsLayout4(tx); err != nil {
			return err
		}
		for _, b := range [][]byte{bktByCode, bktByCoder, bktCounts} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bktMeta).Delete([]byte("schema_version"))
	})
	s.Close()

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := os.Stat(path + ".schema0.bak"); err != nil {
		t.Errorf("no backup copy: %v", err)
	}
	if got := state(t, s2); got != want {
		t.Errorf("state after migration:\n%s\nwant:\n%s", got, want)
	}
	refs2, err := s2.SegmentRefs(SegmentQuery{Code: "Barriers"})
	if err != nil || len(refs2) != 1 || refs2[0] != refs[1] {
		t.Errorf("code index after migration: %v %v", refs2, err)
	}
	counts, _ := s2.Counts()
	for _, c := range counts {
		if c.Code == barriers && (c.Codings != 2 || c.Segments != 1) {
			t.Errorf("tally %+v, want 2 codings on 1 segment", c)
		}
	}
	b, _ := Open(path + ".schema0.bak")
	if b != nil {
		defer b.Close()
	}
}

func TestApplyToggleStarMemoCounts(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	career := code(t, s, "Motivations/Career progression")
	res, err := s.Apply("alice", refs[0], career, Span{})
	if err != nil || !res.Applied {
		t.Fatalf("apply: %+v %v", res, err)
	}
	if res, _ := s.Apply("alice", refs[0], career, Span{}); res.Applied {
		t.Errorf("applying twice applied again")
	}
	if _, err := s.Apply("alice", refs[0], career, Span{Start: 0, End: 18}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("alice", refs[0], career, Span{Start: 5, End: 500}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("span past the text: %v", err)
	}
	s.Apply("bob", refs[0], career, Span{})
	counts, _ := s.Counts()
	alice, _ := s.CoderID("alice")
	for _, c := range counts {
		if c.Code == career && c.Coder == alice && (c.Codings != 2 || c.Segments != 1) {
			t.Errorf("alice's tally %+v, want 2 codings on 1 segment", c)
		}
	}
	k := CodingKey{Seg: refs[0], Code: career, Coder: alice}
	if _, err := s.SetStar("alice", k, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetMemo("alice", k, "a clear example"); err != nil {
		t.Fatal(err)
	}
	cs, _ := s.CodingsOf(refs[0], []CoderID{alice})
	if len(cs) != 2 || !cs[0].Starred || cs[0].Memo != "a clear example" || cs[0].CoderName != "alice" {
		t.Errorf("codings %+v", cs)
	}
	// Toggle removes every one of alice's codings of the code on the segment.
	if res, err := s.Toggle("alice", refs[0], career); err != nil || res.Applied {
		t.Fatalf("toggle off: %+v %v", res, err)
	}
	cs, _ = s.CodingsOf(refs[0], nil)
	if len(cs) != 1 || cs[0].CoderName != "bob" {
		t.Errorf("after toggle off: %+v", cs)
	}
	if res, _ := s.Toggle("alice", refs[0], career); !res.Applied {
		t.Errorf("toggle on did not apply")
	}
	info, _ := s.Info()
	if info.Codings != 2 || info.Coders["alice"] != 1 || info.Coders["bob"] != 1 || info.Segments != 5 || info.Cases != 2 || info.Sources != 1 {
		t.Errorf("info %+v", info)
	}
}

// The pq template's Kirkpatrick is a plain group: an answer may carry
// several levels (the study's Table 2 counts 17 + 14 + 6 + 3 = 40 levels
// for 20 authorities).
func TestKirkpatrickIsNotExclusive(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	l1, l2 := code(t, s, "Kirkpatrick/L1 Reaction"), code(t, s, "Kirkpatrick/L2 Learning")
	s.Apply("alice", refs[2], l1, Span{})
	res, err := s.Toggle("alice", refs[2], l2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Replaced) != 0 || len(res.Notes) != 0 {
		t.Errorf("a plain group replaced a level: %+v", res)
	}
	if got := codingNames(t, s, refs[2]); got != "alice:L1 Reaction,alice:L2 Learning" {
		t.Errorf("codings %s", got)
	}
	if k, _ := s.Codebook().Lookup("Kirkpatrick"); !k.Group || k.Exclusive {
		t.Errorf("Kirkpatrick: group %v exclusive %v", k.Group, k.Exclusive)
	}
}

func codingNames(t *testing.T, s *Store, ref SegRef) string {
	t.Helper()
	cs, err := s.CodingsOf(ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		cc, _ := s.Codebook().Code(c.Code)
		label := c.CoderName + ":" + cc.Name
		if !c.Span.Whole() {
			label += fmt.Sprintf("[%d-%d]", c.Span.Start, c.Span.End)
		}
		got = append(got, label)
	}
	sort.Strings(got)
	return strings.Join(got, ",")
}

// An exclusive group allows one level per passage: applying a level
// replaces the coder's other levels on the passages it overlaps (the whole
// segment overlaps every passage), never another coder's, never a level on
// a passage it does not touch.
func TestExclusiveGroupPerPassage(t *testing.T) {
	type apply struct {
		coder, level string
		span         Span
	}
	cases := []struct {
		name  string
		steps []apply
		want  string // the segment's codings after the last step
		note  string // the last step's note
	}{
		{"whole replaces whole", []apply{{"alice", "L1 Reaction", Span{}}, {"alice", "L2 Learning", Span{}}},
			"alice:L2 Learning", "replaced L1 Reaction with L2 Learning: Kirkpatrick is exclusive"},
		{"another coder's level stays", []apply{{"bob", "L1 Reaction", Span{}}, {"alice", "L2 Learning", Span{}}},
			"alice:L2 Learning,bob:L1 Reaction", ""},
		{"two passages keep their levels", []apply{{"alice", "L1 Reaction", Span{0, 5}}, {"alice", "L2 Learning", Span{10, 15}}},
			"alice:L1 Reaction[0-5],alice:L2 Learning[10-15]", ""},
		{"touching passages do not overlap", []apply{{"alice", "L1 Reaction", Span{0, 5}}, {"alice", "L2 Learning", Span{5, 9}}},
			"alice:L1 Reaction[0-5],alice:L2 Learning[5-9]", ""},
		{"an overlapping passage replaces", []apply{{"alice", "L1 Reaction", Span{0, 5}}, {"alice", "L3 Behaviour", Span{10, 15}}, {"alice", "L2 Learning", Span{3, 8}}},
			"alice:L2 Learning[3-8],alice:L3 Behaviour[10-15]", "replaced L1 Reaction with L2 Learning: Kirkpatrick is exclusive"},
		{"the whole segment replaces every passage", []apply{{"alice", "L1 Reaction", Span{0, 5}}, {"alice", "L3 Behaviour", Span{10, 15}}, {"alice", "L2 Learning", Span{}}},
			"alice:L2 Learning", "replaced L1 Reaction and L3 Behaviour with L2 Learning: Kirkpatrick is exclusive"},
		{"a passage replaces the whole segment's level", []apply{{"alice", "L1 Reaction", Span{}}, {"alice", "L2 Learning", Span{0, 4}}},
			"alice:L2 Learning[0-4]", "replaced L1 Reaction with L2 Learning: Kirkpatrick is exclusive"},
		{"the same level on another passage stays", []apply{{"alice", "L1 Reaction", Span{0, 5}}, {"alice", "L1 Reaction", Span{3, 8}}},
			"alice:L1 Reaction[0-5],alice:L1 Reaction[3-8]", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newProject(t)
			refs := importSurvey(t, s, "s")
			k, _ := s.Codebook().Lookup("Kirkpatrick")
			d := k.Details()
			d.Exclusive = true
			if _, err := s.UpdateCode("lead", "Kirkpatrick", d); err != nil {
				t.Fatal(err)
			}
			before := state(t, s)
			var res ApplyResult
			for _, st := range c.steps {
				var err error
				if res, err = s.Apply(st.coder, refs[2], code(t, s, "Kirkpatrick/"+st.level), st.span); err != nil {
					t.Fatal(err)
				}
			}
			if got := codingNames(t, s, refs[2]); got != c.want {
				t.Errorf("codings %s, want %s", got, c.want)
			}
			if got := strings.Join(res.Notes, "; "); got != c.note {
				t.Errorf("note %q, want %q", got, c.note)
			}
			// Each apply is one action: undoing them all gives back the start.
			for _, st := range c.steps {
				if _, err := s.Undo(st.coder); err != nil {
					t.Fatal(err)
				}
			}
			if got := state(t, s); got != before {
				t.Errorf("undo:\n%s", diffLines(before, got))
			}
		})
	}
}

// A codebook file says exclusive: true on a group (or on a code, which
// makes it a group); exports write it back; importing a file onto a
// project sets it without touching what the file leaves out.
func TestCodebookFileExclusive(t *testing.T) {
	yml := `codes:
  - name: Sentiment
    exclusive: true
    codes: [{name: Positive}, {name: Negative}]
  - name: Kirkpatrick
    group: true
    codes: [{name: L1 Reaction}]
  - name: Plain
`
	specs, err := ParseCodebook("book.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "p.qcode")
	s, err := Create(path, CreateOptions{Codes: specs})
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s, path)
	got := func() string {
		var out []string
		for _, c := range s.Codebook().Codes() {
			if c.Parent == 0 {
				out = append(out, fmt.Sprintf("%s:%v/%v", c.Name, c.Group, c.Exclusive))
			}
		}
		return strings.Join(out, " ")
	}
	if g := got(); g != "Sentiment:true/true Kirkpatrick:true/false Plain:false/false" {
		t.Errorf("codes %s", g)
	}
	var b bytes.Buffer
	if err := WriteCodebook(&b, s.Codebook().Specs(), "yaml"); err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.String(), "exclusive: true") != 1 || strings.Count(b.String(), "group: true") != 2 {
		t.Errorf("export:\n%s", b.String())
	}
	// Importing the same file again changes nothing; a file that makes
	// Kirkpatrick exclusive does just that.
	if res, err := s.ImportCodebook("lead", specs); err != nil || len(res.Updated) != 0 || res.Seq != 0 {
		t.Errorf("re-import %+v %v", res, err)
	}
	more, _ := ParseCodebook("more.json", []byte(`{"codes": [{"name": "Kirkpatrick", "exclusive": true}]}`))
	if res, err := s.ImportCodebook("lead", more); err != nil || strings.Join(res.Updated, ",") != "Kirkpatrick" {
		t.Errorf("import %+v %v", res, err)
	}
	if g := got(); g != "Sentiment:true/true Kirkpatrick:true/true Plain:false/false" {
		t.Errorf("after the import: %s", g)
	}
}

// A group stored before groups could be plain (no "exclusive" in its
// record) keeps the meaning it had: exclusive levels. Editing it can make
// it plain.
func TestOldGroupRecordsStayExclusive(t *testing.T) {
	s, _ := newProject(t)
	k, _ := s.Codebook().Lookup("Kirkpatrick")
	// The record as the old pq template wrote it.
	old := []byte(`{"name":"Kirkpatrick","color":"#b07aa1","group":true,"order":3}`)
	if err := s.update(func(tx *bolt.Tx) error { return tx.Bucket(bktCodes).Put(u64(uint64(k.ID)), old) }); err != nil {
		t.Fatal(err)
	}
	if err := s.view(s.loadCodebook); err != nil {
		t.Fatal(err)
	}
	if k, _ = s.Codebook().Lookup("Kirkpatrick"); !k.Group || !k.Exclusive {
		t.Fatalf("old record read as group %v exclusive %v", k.Group, k.Exclusive)
	}
	d := k.Details()
	d.Exclusive = false
	if _, err := s.UpdateCode("lead", "Kirkpatrick", d); err != nil {
		t.Fatal(err)
	}
	if k, _ = s.Codebook().Lookup("Kirkpatrick"); !k.Group || k.Exclusive {
		t.Errorf("after the edit: group %v exclusive %v", k.Group, k.Exclusive)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if k, _ = s.Codebook().Lookup("Kirkpatrick"); !k.Exclusive {
		t.Error("undo did not make it exclusive again")
	}
}

func TestUndoRedoAcrossReopen(t *testing.T) {
	s, path := newProject(t)
	refs := importSurvey(t, s, "s")
	career, travel := code(t, s, "Motivations/Career progression"), code(t, s, "Barriers/Travel and distance")
	s0 := state(t, s)
	s.Apply("alice", refs[0], career, Span{})
	s1 := state(t, s)
	s.Apply("alice", refs[4], travel, Span{})
	s2 := state(t, s)
	s.Apply("bob", refs[4], travel, Span{})
	s.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Undo("bob"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != s2 {
		t.Errorf("after bob's undo:\n%s\nwant\n%s", got, s2)
	}
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != s1 {
		t.Errorf("after alice's first undo:\n%s\nwant\n%s", got, s1)
	}
	s.Undo("alice")
	if got := state(t, s); got != s0 {
		t.Errorf("after alice's second undo:\n%s\nwant\n%s", got, s0)
	}
	if _, err := s.Undo("alice"); !errors.Is(err, ErrNothingUndo) {
		t.Errorf("third undo: %v", err)
	}
	if _, err := s.Redo("alice"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != s1 {
		t.Errorf("after redo:\n%s\nwant\n%s", got, s1)
	}
	// A new action drops the redo stack.
	s.Apply("alice", refs[3], career, Span{})
	if _, err := s.Redo("alice"); !errors.Is(err, ErrNothingRedo) {
		t.Errorf("redo after a new action: %v", err)
	}
	if _, err := s.Undo("nobody"); !errors.Is(err, ErrNothingUndo) {
		t.Errorf("undo for an unknown coder: %v", err)
	}
	hist, err := s.History(10)
	if err != nil || len(hist) == 0 || hist[0].Desc != "apply Motivations/Career progression" {
		t.Errorf("history %+v %v", hist, err)
	}
}

func TestCodebookReshapingKeepsCodings(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	workload := code(t, s, "Barriers/Workload and time")
	release := code(t, s, "Barriers/Release and backfill")
	s.Apply("alice", refs[1], workload, Span{})
	s.Apply("alice", refs[1], release, Span{})
	s.Apply("bob", refs[1], release, Span{Start: 0, End: 11})
	k := CodingKey{Seg: refs[1], Code: release, Coder: mustCoder(t, s, "alice")}
	s.SetStar("alice", k, true)
	s.SetMemo("alice", k, "backfill")
	before := state(t, s)

	steps := []struct {
		name string
		do   func() error
		test func()
	}{
		{"rename", func() error { _, err := s.RenameCode("lead", "Barriers/Workload and time", "Caseload"); return err },
			func() {
				if n := len(mustRefs(t, s, SegmentQuery{Code: "Barriers/Caseload"})); n != 1 {
					t.Errorf("renamed code has %d segments", n)
				}
			}},
		{"move", func() error { _, err := s.MoveCode("lead", "Barriers/Release and backfill", "Motivations"); return err },
			func() {
				if n := len(mustRefs(t, s, SegmentQuery{Code: "Motivations/Release and backfill"})); n != 1 {
					t.Errorf("moved code has %d segments", n)
				}
			}},
		{"merge", func() error {
			_, err := s.MergeCode("lead", "Motivations/Release and backfill", "Barriers/Caseload")
			return err
		}, func() {
			var rows []string
			s.ExportCodings(func(r CodingRecord) error { rows = append(rows, strings.Join(r.CSV(), "|")); return nil })
			want := []string{
				"R002|Barriers/Caseload|alice|||true|backfill",
				"R002|Barriers/Caseload|bob|0|11|false|",
			}
			if strings.Join(rows, "\n") != strings.Join(want, "\n") {
				t.Errorf("after merge:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
			}
		}},
		{"delete", func() error { _, err := s.DeleteCode("lead", "Barriers"); return err },
			func() {
				info, _ := s.Info()
				if info.Codings != 0 {
					t.Errorf("%d codings left after deleting Barriers", info.Codings)
				}
				if _, ok := s.Codebook().Lookup("Barriers/Funding and budget cuts"); ok {
					t.Errorf("sub-code survived its theme's deletion")
				}
			}},
	}
	var states []string
	for _, step := range steps {
		states = append(states, state(t, s))
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		step.test()
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if _, err := s.Undo("lead"); err != nil {
			t.Fatalf("undo %s: %v", steps[i].name, err)
		}
		if got := state(t, s); got != states[i] {
			t.Errorf("undo %s did not restore the state:\n%s\nwant\n%s", steps[i].name, got, states[i])
		}
	}
	if got := state(t, s); got != before {
		t.Errorf("not back where we started")
	}
	for range steps {
		if _, err := s.Redo("lead"); err != nil {
			t.Fatal(err)
		}
	}
	if info, _ := s.Info(); info.Codings != 0 {
		t.Errorf("redo of everything leaves %d codings, want 0", info.Codings)
	}
}

func TestCodebookEditErrors(t *testing.T) {
	s, _ := newProject(t)
	cases := []struct {
		name string
		do   func() error
		want error
	}{
		{"rename clash", func() error {
			_, err := s.RenameCode("l", "Barriers/Funding and budget cuts", "workload and time")
			return err
		}, ErrConflict},
		{"slash in name", func() error { _, err := s.RenameCode("l", "Barriers", "A/B"); return err }, ErrInvalidInput},
		{"move under itself", func() error { _, err := s.MoveCode("l", "Benefits", "Benefits/For the employer"); return err }, ErrInvalidInput},
		{"merge into self", func() error { _, err := s.MergeCode("l", "Barriers", "Barriers"); return err }, ErrInvalidInput},
		{"merge into child", func() error { _, err := s.MergeCode("l", "Benefits", "Benefits/For the employer"); return err }, ErrInvalidInput},
		{"unknown", func() error { _, err := s.DeleteCode("l", "Nope"); return err }, ErrNotFound},
		{"add existing", func() error { _, _, err := s.AddCode("l", "barriers/travel and distance", CodeDetails{}); return err }, ErrConflict},
	}
	for _, c := range cases {
		if err := c.do(); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	c, _, err := s.AddCode("l", "Themes/New/Deep", CodeDetails{Description: "d"})
	if err != nil || c.Path != "Themes/New/Deep" || c.Description != "d" || c.Depth != 2 {
		t.Errorf("add with parents: %+v %v", c, err)
	}
	if _, err := s.Undo("l"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Codebook().Lookup("Themes"); ok {
		t.Errorf("undo of add left the created parent")
	}
}

func TestImportCodebookMerges(t *testing.T) {
	s, _ := newProject(t)
	specs, err := ParseCodebook("cb.yaml", []byte(`codes:
  - name: Barriers
    codes:
      - name: Workload and time
        description: New description
      - name: Stigma
        include: Fear of being seen to struggle
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportCodebook("lead", specs)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Created, ",") != "Barriers/Stigma" || strings.Join(res.Updated, ",") != "Barriers/Workload and time" {
		t.Errorf("import %+v", res)
	}
	c, _ := s.Codebook().Lookup("Barriers/Workload and time")
	if c.Description != "New description" || c.Include == "" {
		t.Errorf("updated code %+v (include must be kept)", c)
	}
}

func TestParseCodebookErrors(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"a.yaml", "codes:\n  - name: A\n    colour: red\n", "a.yaml: line 3: field colour not found"},
		{"a.yaml", "codes:\n  - name: A/B\n", `a.yaml: code name "A/B": "/" separates levels of a path`},
		{"a.yaml", "codes:\n  - name: A\n  - name: a\n", `a.yaml: code "a" appears twice`},
		{"a.json", "{\"codes\": [ {\"name\": \"A\",} ]}", "a.json: line 1: invalid character '}'"},
		{"a.json", "{}", `a.json: no codes`},
		{"a.txt", "x", "a.txt: a codebook file is .yaml, .yml, .json or .qdc (REFI-QDA)"},
		{"a.qdc", "<CodeBook><Codes>", "a.qdc: line 1: unexpected EOF"},
		{"a.qdc", `<CodeBook><Codes></Codes></CodeBook>`, "a.qdc: no codes"},
		{"a.qdc", `<Project name="p"/>`, "a.qdc: the document is a <Project>, not a QDA-XML <CodeBook>"},
	}
	for _, c := range cases {
		_, err := ParseCodebook(c.name, []byte(c.data))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s %q: %v, want prefix %q", c.name, c.data, err, c.want)
		}
	}
	// Round trip of the pq template through YAML and JSON.
	for _, format := range []string{"yaml", "json"} {
		var b bytes.Buffer
		if err := WriteCodebook(&b, PQTemplate(), format); err != nil {
			t.Fatal(err)
		}
		specs, err := ParseCodebook("pq."+format, b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(specs) != fmt.Sprint(PQTemplate()) {
			t.Errorf("%s round trip changed the codebook", format)
		}
	}
}

func TestPQTemplateComplete(t *testing.T) {
	var walk func(prefix string, specs []CodeSpec)
	n := 0
	walk = func(prefix string, specs []CodeSpec) {
		for _, sp := range specs {
			n++
			if sp.Description == "" || sp.Include == "" {
				t.Errorf("%s%s lacks a description or an inclusion note", prefix, sp.Name)
			}
			walk(prefix+sp.Name+"/", sp.Codes)
		}
	}
	walk("", PQTemplate())
	// 4 themes, 3 benefit groups, and 9+8+5+4+10+4 codes.
	if n != 4+3+9+8+5+4+10+4 {
		t.Errorf("pq template has %d codes", n)
	}
}

func TestImportSourceRules(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	if len(refs) != 5 {
		t.Fatalf("%d segments", len(refs))
	}
	before := state(t, s)
	if _, err := s.ImportSource("lead", survey("s"), ImportOptions{}); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "already imported") {
		t.Errorf("re-import: %v", err)
	}
	other := survey("s")
	other.Hash = "different"
	if _, err := s.ImportSource("lead", other, ImportOptions{}); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "a source named") {
		t.Errorf("same name: %v", err)
	}
	dup := survey("d")
	dup.Segments[1].ID = dup.Segments[0].ID
	if _, err := s.ImportSource("lead", dup, ImportOptions{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("duplicate IDs: %v", err)
	}
	if got := state(t, s); got != before {
		t.Errorf("refused imports changed the project")
	}

	// Segments carry merged attributes: segment, then case, then source.
	src := survey("t")
	src.Attributes = []corpus.Attribute{{Name: "method", Value: "survey"}, {Name: "question_id", Value: "source-level"}}
	src.Cases = []corpus.Case{{Name: "A", Attributes: []corpus.Attribute{{Name: "role", Value: "Social worker"}}}}
	if _, err := s.ImportSource("lead", src, ImportOptions{Attributes: []Attribute{{Name: "wave", Value: "1"}}}); err != nil {
		t.Fatal(err)
	}
	segs, _ := s.Segments(SegmentQuery{Source: "t"})
	want := "[{question_id Q10} {role Social worker} {method survey} {wave 1}]"
	if got := fmt.Sprint(segs[0].Attributes); got != want {
		t.Errorf("attributes %s, want %s", got, want)
	}
	// R001 is now in two sources.
	if _, err := s.Resolve("R001"); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "source:R001") {
		t.Errorf("ambiguous ID: %v", err)
	}
	if ref, err := s.Resolve("t:R001"); err != nil || ref != segs[0].Ref {
		t.Errorf("qualified ID: %v %v", ref, err)
	}
	if got := s.QualifiedID(&segs[0]); got != "t:R001" {
		t.Errorf("qualified id %q", got)
	}
	// Case A speaks in both sources.
	if n := len(mustRefs(t, s, SegmentQuery{Attr: Attribute{Name: "role", Value: "Social worker"}})); n != 6 {
		t.Errorf("attribute filter through the case: %d segments, want 6", n)
	}
	if n := len(mustRefs(t, s, SegmentQuery{Text: "BACKFILL"})); n != 2 {
		t.Errorf("text filter: %d, want 2", n)
	}
}

func TestReplaceKeepsCodingsAndUndoes(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	travel := code(t, s, "Barriers/Travel and distance")
	s.Apply("alice", refs[4], travel, Span{})
	s.Apply("alice", refs[4], travel, Span{Start: 0, End: 6})   // "Travel": still there after the edit
	s.Apply("alice", refs[3], travel, Span{Start: 3, End: 10})  // R004 is dropped from the new file
	s.Apply("alice", refs[1], travel, Span{Start: 14, End: 18}) // "time" moves in the new text
	before := state(t, s)

	next := survey("s")
	next.Hash = "v2"
	next.Segments[4].Text = "Travel to the university took four hours each way"
	next.Segments[1].Text = "No backfill, and no time"
	next.Segments = append(next.Segments[:3], next.Segments[4:]...)
	next.Segments = append(next.Segments, corpus.Segment{ID: "R006", Text: "New answer"})
	res, err := s.ImportSource("lead", next, ImportOptions{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Replaced || res.Kept != 2 || res.Dropped != 2 {
		t.Errorf("replace %+v, want 2 kept, 2 dropped", res)
	}
	segs, _ := s.Segments(SegmentQuery{Code: "Barriers"})
	if len(segs) != 1 || segs[0].ID != "R005" || len(segs[0].Codings) != 2 {
		t.Errorf("after replace: %+v", segs)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != before {
		t.Errorf("undo of replace:\n%s\nwant\n%s", got, before)
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if info, _ := s.Info(); info.Segments != 5 || info.Codings != 2 {
		t.Errorf("redo of replace: %+v", info)
	}
}

func TestUndoImport(t *testing.T) {
	s, _ := newProject(t)
	empty := state(t, s)
	importSurvey(t, s, "s")
	imported := state(t, s)
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != empty {
		t.Errorf("undo import left:\n%s", got)
	}
	if info, _ := s.Info(); info.Cases != 0 {
		t.Errorf("undo import left %d cases", info.Cases)
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != imported {
		t.Errorf("redo import:\n%s\nwant\n%s", got, imported)
	}
	// With codings on it, an import cannot be undone until they go.
	refs, _ := s.SegmentRefs(SegmentQuery{})
	s.Apply("alice", refs[0], code(t, s, "Motivations"), Span{})
	_, err := s.Undo("lead")
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "1 coded segment;") {
		t.Errorf("undo import with codings: %v", err)
	}
}

func TestImportCodings(t *testing.T) {
	s, _ := newProject(t)
	importSurvey(t, s, "s")
	before := state(t, s)
	bad := []struct{ csv, want string }{
		{"segment,code,coder\nR001,Motivations,alice\nR999,Motivations,alice\n", `c.csv: line 3: unknown segment "R999"`},
		{"segment,code,coder,start,end\nR001,Motivations,alice,5,2\n", `c.csv: line 2: span start "5", end "2"`},
		{"segment,code,coder,start,end\nR001,Motivations,alice,0,900\n", `c.csv: line 2: span 0–900 is outside the segment's 33 characters`},
		{"segment,code,kodr\n", `c.csv: line 1: unknown column "kodr"`},
		{"segment,code\n", `c.csv: line 1: missing column "coder"`},
		{"segment,code,coder\nR001,\"Motivations,alice\n", `c.csv: line 2: unterminated or stray quote`},
		{"segment,code,coder,starred\nR001,Motivations,alice,maybe\n", `c.csv: line 2: starred "maybe"`},
		{"", `c.csv: empty file`},
	}
	for _, b := range bad {
		_, err := s.ImportCodings("lead", "dir/c.csv", strings.NewReader(b.csv))
		if err == nil || !strings.HasPrefix(err.Error(), b.want) {
			t.Errorf("%q: %v, want prefix %q", b.csv, err, b.want)
		}
	}
	if got := state(t, s); got != before {
		t.Errorf("failed imports changed the project")
	}
	good := "segment,code,coder,start,end,starred,memo\n" +
		"R001,Motivations/Career progression,alice,,,true,pay\n" +
		"R001,Motivations/Career progression,alice,0,6,false,\n" +
		"R002,Barriers/Morale,bob,,,,\n" +
		"R003,Kirkpatrick/L1 Reaction,bob,,,,\n" +
		"R003,Kirkpatrick/L2 Learning,bob,,,,\n"
	// Kirkpatrick made exclusive: the second level replaces the first.
	k, _ := s.Codebook().Lookup("Kirkpatrick")
	d := k.Details()
	d.Exclusive = true
	if _, err := s.UpdateCode("setup", "Kirkpatrick", d); err != nil {
		t.Fatal(err)
	}
	before = state(t, s)
	res, err := s.ImportCodings("lead", "c.csv", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 5 || res.Replaced != 1 || strings.Join(res.NewCodes, ",") != "Barriers/Morale" {
		t.Errorf("import %+v", res)
	}
	var rows []string
	s.ExportCodings(func(r CodingRecord) error { rows = append(rows, strings.Join(r.CSV(), ",")); return nil })
	want := "R001,Motivations/Career progression,alice,,,true,pay\n" +
		"R001,Motivations/Career progression,alice,0,6,false,\n" +
		"R002,Barriers/Morale,bob,,,false,\n" +
		"R003,Kirkpatrick/L2 Learning,bob,,,false,"
	if got := strings.Join(rows, "\n"); got != want {
		t.Errorf("export:\n%s\nwant\n%s", got, want)
	}
	// Importing the same file again changes nothing.
	res, err = s.ImportCodings("lead", "c.csv", strings.NewReader(good))
	// R003's L1 row replaces L2 and its L2 row puts L2 back; the rest is unchanged.
	if err != nil || res.Added != 2 || res.Replaced != 2 || res.Unchanged != 3 {
		t.Errorf("second import %+v %v", res, err)
	}
	// Its net change can be nothing (L2 out and back within the same
	// millisecond, so with the same time): then it is no action, and
	// there is one import less to undo.
	if res.Seq != 0 {
		if _, err := s.Undo("lead"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, s); got != before {
		t.Errorf("undo of codings imports:\n%s", diffLines(before, got))
	}
}

func TestSegmentQueries(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s")
	s.Apply("alice", refs[0], code(t, s, "Motivations/Career progression"), Span{})
	s.Apply("bob", refs[1], code(t, s, "Barriers/Workload and time"), Span{})
	cases := []struct {
		q    SegmentQuery
		want string
	}{
		{SegmentQuery{}, "R001 R002 R003 R004 R005"},
		{SegmentQuery{Code: "Motivations"}, "R001"},
		{SegmentQuery{Code: "motivations/career progression"}, "R001"},
		{SegmentQuery{Uncoded: true}, "R003 R004 R005"},
		{SegmentQuery{Uncoded: true, Coders: []string{"alice"}}, "R002 R003 R004 R005"},
		{SegmentQuery{Code: "Barriers", Coders: []string{"alice"}}, ""},
		{SegmentQuery{Attr: Attribute{Name: "question_id", Value: "Q11"}}, "R002 R004"},
		{SegmentQuery{Source: "s", Text: "manager"}, "R004"},
	}
	for _, c := range cases {
		segs, err := s.Segments(c.q)
		if err != nil {
			t.Fatalf("%+v: %v", c.q, err)
		}
		var ids []string
		for _, seg := range segs {
			ids = append(ids, seg.ID)
		}
		if got := strings.Join(ids, " "); got != c.want {
			t.Errorf("%+v: %q, want %q", c.q, got, c.want)
		}
	}
	if _, err := s.Segments(SegmentQuery{Source: "nope"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown source: %v", err)
	}
	if _, err := s.Segments(SegmentQuery{Coders: []string{"zed"}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown coder: %v", err)
	}
}

func mustCoder(t *testing.T, s *Store, name string) CoderID {
	t.Helper()
	id, ok := s.CoderID(name)
	if !ok {
		t.Fatalf("no coder %s", name)
	}
	return id
}

func mustRefs(t *testing.T, s *Store, q SegmentQuery) []SegRef {
	t.Helper()
	refs, err := s.SegmentRefs(q)
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

// TestImportRefusesAnIDTwice: segment IDs name segments (codings import,
// the command line), so an import that gives one twice, wherever the two
// are, is refused whole and leaves the project as it was.
func TestImportRefusesAnIDTwice(t *testing.T) {
	for _, at := range [][2]int{{0, 4}, {3, 4}, {0, 1}} {
		s, _ := newProject(t)
		before := dump(s)
		src := survey("s")
		src.Segments[at[1]].ID = src.Segments[at[0]].ID
		_, err := s.ImportSource("lead", src, ImportOptions{})
		want := fmt.Sprintf("s.csv: segment ID %q appears twice", src.Segments[at[0]].ID)
		if !errors.Is(err, ErrInvalidInput) || err.Error() != want {
			t.Errorf("IDs %d and %d the same: %v, want %q", at[0], at[1], err, want)
		}
		if dump(s) != before {
			t.Errorf("IDs %d and %d the same: the project changed", at[0], at[1])
		}
	}
}

// TestReplaceIsJournaledAsAReplace: the journal (qcode log, the undo
// message) names a replacing import as what it did.
func TestReplaceIsJournaledAsAReplace(t *testing.T) {
	s, _ := newProject(t)
	first, err := s.ImportSource("lead", survey("s"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again := survey("s")
	again.Hash = "hash-s-2"
	again.Segments[0].Text = "Career progression, a pay rise and study leave"
	res, err := s.ImportSource("lead", again, ImportOptions{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if first.Desc != "import s.csv" || res.Desc != "replace s.csv" || !res.Replaced {
		t.Errorf("descriptions %q then %q (replaced %v)", first.Desc, res.Desc, res.Replaced)
	}
	undone, err := s.Undo("lead")
	if err != nil || undone.Desc != "replace s.csv" {
		t.Errorf("undo: %q, %v", undone.Desc, err)
	}
}

// undoRedoExact undoes actor's last action, which must give back before
// (the dump from before it), and redoes it, which must give back what it
// made.
func undoRedoExact(t *testing.T, s *Store, actor, what, before string) {
	t.Helper()
	after := dump(s)
	if _, err := s.Undo(actor); err != nil {
		t.Fatalf("undo of %s: %v", what, err)
	}
	if got := dump(s); got != before {
		t.Fatalf("undo of %s:\n%s", what, diffLines(before, got))
	}
	if _, err := s.Redo(actor); err != nil {
		t.Fatalf("redo of %s: %v", what, err)
	}
	if got := dump(s); got != after {
		t.Fatalf("redo of %s:\n%s", what, diffLines(after, got))
	}
}
