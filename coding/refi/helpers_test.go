package refi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/qdaxml"
)

// newStore creates an empty project in a temporary folder, closed and
// checked (qcode check) when the test ends.
func newStore(t *testing.T, codes []coding.CodeSpec) (*coding.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.qcode")
	s, err := coding.Create(path, coding.CreateOptions{Name: "PQ study", Codes: codes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		rep, err := coding.CheckFile(path)
		if err != nil && !errors.Is(err, coding.ErrLocked) {
			t.Errorf("check: %v", err)
		} else if err == nil && !rep.OK() {
			t.Errorf("check: %+v", rep.Problems)
		}
	})
	return s, path
}

// testCodes is a small codebook with every detail a code can have.
func testCodes() []coding.CodeSpec {
	return []coding.CodeSpec{
		{Name: "Motivations", Color: "#4e79a7", Description: "Why practitioners take up PQ learning.", Codes: []coding.CodeSpec{
			{Name: "Career progression", Description: "Moving up.", Include: "Promotion, a senior post.", Exclude: "Pay alone: see Salary.", Key: "c"},
			{Name: "Salary"},
		}},
		{Name: "Barriers", Color: "#e15759", Codes: []coding.CodeSpec{{Name: "Workload and time"}, {Name: "Travel"}}},
		{Name: "Kirkpatrick", Group: true, Exclusive: true, Codes: []coding.CodeSpec{{Name: "L1 Reaction"}, {Name: "L2 Learning"}}},
	}
}

// studyProject builds a small project of every kind of thing a project
// holds: a focus group transcript (preamble, headings, prompts, scoped
// speakers), a survey sheet (respondents, row attributes, a multi-line
// answer, characters beyond the BMP), case and source attributes of
// several types, codings of two coders (whole and span, starred, with
// memos), a consensus decision, review marks and a sample.
func studyProject(t *testing.T) (*coding.Store, string) {
	t.Helper()
	s, path := newStore(t, testCodes())
	fg, err := corpus.Read("testdata/fg2.md", corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	survey, err := corpus.Read("testdata/survey.csv", corpus.Options{TextCol: "answer", IDCol: "id", CaseCol: "respondent"})
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.ImportSource("lead", fg, coding.ImportOptions{Attributes: []coding.Attribute{{Name: "method", Value: "focus group"}, {Name: "date", Value: "2019-03-14"}}}))
	must(s.ImportSource("lead", survey, coding.ImportOptions{Attributes: []coding.Attribute{{Name: "method", Value: "survey"}}}))
	must(s.ImportCases("lead", []corpus.Case{
		{Source: "fg2", Speaker: "P1", Attributes: []corpus.Attribute{{Name: "years", Value: "2"}, {Name: "role", Value: "Newly qualified"}}},
		{Source: "fg2", Speaker: "P2", Attributes: []corpus.Attribute{{Name: "years", Value: "11"}}},
	}))
	must(s.SetAttribute("lead", coding.AttributeTarget{Case: "S01"}, "sector", "Adults"))
	ref := func(id string) coding.SegRef {
		t.Helper()
		r, err := s.Resolve(id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	code := func(path string) coding.CodeID {
		t.Helper()
		c, ok := s.Codebook().Lookup(path)
		if !ok {
			t.Fatalf("no code %s", path)
		}
		return c.ID
	}
	must(s.Apply("alice", ref("fg2#3"), code("Motivations/Career progression"), coding.Span{}))
	must(s.Apply("alice", ref("fg2#3"), code("Motivations/Salary"), coding.Span{Start: 28, End: 62}))
	must(s.Apply("bob", ref("fg2#3"), code("Motivations/Career progression"), coding.Span{Start: 0, End: 18}))
	must(s.Apply("alice", ref("fg2#6"), code("Barriers/Workload and time"), coding.Span{}))
	must(s.Apply("alice", ref("fg2#6"), code("Barriers/Travel"), coding.Span{Start: 19, End: 68}))
	must(s.Apply("alice", ref("R002"), code("Barriers"), coding.Span{}))
	must(s.Apply("alice", ref("R003"), code("Kirkpatrick/L2 Learning"), coding.Span{}))
	must(s.Apply("bob", ref("R001"), code("Motivations/Salary"), coding.Span{Start: 29, End: 45}))
	cs, err := s.CodingsOf(ref("fg2#3"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Span.Whole() {
			must(s.SetStar("alice", c.CodingKey, true))
			must(s.SetMemo("alice", c.CodingKey, "Career first, money second.\nSee P2 too."))
		}
	}
	must(s.SetReviewed("bob", ref("fg2#7"), true))
	must(s.SetReviewed("alice", ref("fg2#7"), true))
	must(s.Settle("lead", ref("fg2#3"), code("Motivations/Salary"), coding.Decision{Kind: coding.TakeNone}))
	must(s.CreateSample("lead", coding.SampleSpec{Name: "icr", Segments: []coding.SegmentLine{{Line: 1, ID: "fg2#3"}, {Line: 2, ID: "R001"}}}))
	memo := func(author string, kind coding.MemoKind, name, text string) {
		t.Helper()
		target, err := s.FindMemoTarget(kind, name)
		if err != nil {
			t.Fatal(err)
		}
		must(s.SetMemoOn(author, target, text))
	}
	memo("alice", coding.MemoSource, "fg2", "Lively group; P2 arrived late.")
	memo("bob", coding.MemoSource, "fg2", "Recording failed after 40 minutes.")
	memo("alice", coding.MemoCase, "fg2:P1", "Newly qualified, adult services.")
	memo("lead", coding.MemoCase, "S01", "Part-time, rural.")
	memo("bob", coding.MemoCase, "S01", "Mentions a manager by name.")
	memo("lead", coding.MemoCode, "Barriers/Travel", "Islands: travel is a day each way.\nAsk about video.")
	memo("lead", coding.MemoCode, "Kirkpatrick", "Levels as in the 2019 study.")
	memo("alice", coding.MemoSegment, "R002", "Irony?")
	memo("lead", coding.MemoProject, "", "Codebook agreed with alice and bob.")
	memo("alice", coding.MemoProject, "", "Coded fg2; 💷 came up twice.")
	time.Sleep(2 * time.Millisecond) // an edit after the memo was written
	memo("alice", coding.MemoSegment, "R002", "Irony? Check with bob.")
	return s, path
}

// export writes the project as a .qdpx with a fixed id and creation time,
// so that the bytes can be compared with a golden file.
func exportFixed(t *testing.T, s *coding.Store) []byte {
	t.Helper()
	px, err := s.ExportProject()
	if err != nil {
		t.Fatal(err)
	}
	px.Meta.ID = "0123456789abcdef0123456789abcdef"
	px.Meta.Created = time.Date(2019, 3, 18, 9, 30, 0, 0, time.UTC)
	fixTimes(px)
	var b bytes.Buffer
	if _, err := WriteQDPX(&b, px); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fixTimes sets every time an action stamped to a fixed one.
func fixTimes(px *coding.ProjectExport) {
	at := time.Date(2019, 4, 1, 12, 0, 0, 0, time.UTC)
	for i := range px.Sources {
		px.Sources[i].Imported = at
	}
	for i := range px.Codings {
		px.Codings[i].Time = at
	}
	for i := range px.Marks {
		px.Marks[i].Time = at
	}
	for i := range px.Samples {
		px.Samples[i].Created = at
	}
	for i := range px.Memos {
		m := &px.Memos[i]
		edited := !m.Updated.Equal(m.Created)
		m.Created, m.Updated = at.Add(time.Duration(i)*time.Millisecond), at.Add(time.Duration(i)*time.Millisecond)
		if edited {
			m.Updated = m.Updated.Add(time.Hour)
		}
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// zipDir makes a .qdpx of a folder of testdata: its files, by their paths
// under the folder, in name order.
func zipDir(t *testing.T, dir string) []byte {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var entries []qdaxml.Entry
	for _, p := range names {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		entries = append(entries, qdaxml.Entry{Name: filepath.ToSlash(rel), Data: data})
	}
	var b bytes.Buffer
	if err := qdaxml.WriteArchive(&b, entries, epoch); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// importQDPX reads a .qdpx and imports it into a new project.
func importQDPX(t *testing.T, name string, data []byte) (*coding.Store, *Report) {
	t.Helper()
	imp, rep, err := ReadQDPX(name, data, ReadOptions{Coder: "lead"})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newStore(t, nil)
	if _, err := s.ImportProject("lead", imp); err != nil {
		t.Fatal(err)
	}
	return s, rep
}

// updateFixtures tells whether the tests run with -update (the flag the
// golden package declares), which rebuilds generated fixtures too.
func updateFixtures() *bool {
	v := false
	if f := flag.Lookup("update"); f != nil {
		v = f.Value.String() == "true"
	}
	return &v
}

// epoch stamps the archives tests build.
var epoch = time.Date(2019, 5, 2, 10, 15, 0, 0, time.UTC)

func hashOf(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}
