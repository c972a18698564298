package refi

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"qcode/coding"
	"qcode/coding/codingtest"
	"qcode/corpus/qdaxml"
)

// summary writes down everything a project holds that a round trip must
// keep, by name (never by internal number), one fact a line, sorted.
func summary(t *testing.T, s *coding.Store) string {
	t.Helper()
	return summaryOf(t, s, true)
}

// summaryOf is summary, with the times of codings and marks or without
// them (a file that gives none makes them the time of the import). Each
// coding shows the passage it cuts.
func summaryOf(t *testing.T, s *coding.Store, times bool) string {
	t.Helper()
	px, err := s.ExportProject()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	for _, c := range px.Codebook.Codes() {
		add("code %s desc=%q include=%q exclude=%q color=%q key=%q group=%v exclusive=%v",
			c.Path, c.Description, c.Include, c.Exclude, c.Color, c.Key, c.Group, c.Exclusive)
	}
	cases := map[coding.CaseID]string{}
	for _, c := range px.Cases {
		cases[c.ID] = c.Name
		add("case %s attrs=%q", c.Name, c.Attributes)
	}
	segs := map[coding.SegRef]string{}
	texts := map[coding.SegRef]string{}
	for _, src := range px.Sources {
		add("source %s file=%q format=%q hash=%q attrs=%q", src.Name, src.File, src.Format, src.Hash, src.Attributes)
		for i, c := range src.Context {
			add("source %s context %d %s n=%d speaker=%q text=%q", src.Name, i, c.Kind, c.N, c.Speaker, c.Text)
		}
		for i, seg := range src.Segments {
			segs[seg.Ref] = src.Name + ":" + seg.ID
			texts[seg.Ref] = seg.Text
			add("source %s segment %d %s case=%q text=%q attrs=%q", src.Name, i, seg.ID, cases[seg.Case], seg.Text, seg.Attributes)
		}
	}
	stamp := func(t time.Time) string {
		if !times {
			return "-"
		}
		return t.UTC().Format("2006-01-02T15:04:05.000")
	}
	for _, c := range px.Codings {
		code, _ := px.Codebook.Code(c.Code)
		passage := texts[c.Seg]
		if !c.Span.Whole() {
			passage = string([]rune(passage)[c.Span.Start:c.Span.End])
		}
		add("coding %s %s %s span=%v starred=%v memo=%q time=%s passage=%q", segs[c.Seg], code.Path, c.Coder, c.Span, c.Starred, c.Memo,
			stamp(c.Time), passage)
	}
	for _, m := range px.Marks {
		add("mark %s %s time=%s", segs[m.Seg], m.Coder, stamp(m.Time))
	}
	for _, sm := range px.Samples {
		var members []string
		for _, r := range sm.Refs {
			members = append(members, segs[r])
		}
		seed := "-"
		if sm.Seed != nil {
			seed = fmt.Sprint(*sm.Seed)
		}
		add("sample %s by=%s size=%q seed=%s file=%q sources=%q created=%s members=%q", sm.Name, sm.By, sm.Size, seed, sm.File,
			sm.Sources, sm.Created.UTC().Format("2006-01-02T15:04:05.000"), members)
	}
	for _, st := range px.Settled {
		code, _ := px.Codebook.Code(st.Code)
		add("settled %s %s by=%s kind=%s coder=%q at=%s audit=%q", segs[st.Seg], code.Path, st.By, st.Kind, st.Coder, stamp(st.At), st.Audit)
	}
	sources := map[coding.SourceID]string{}
	for _, src := range px.Sources {
		sources[src.ID] = src.Name
	}
	for _, m := range px.Memos {
		on := "journal"
		switch m.Kind {
		case coding.MemoSource:
			on = sources[m.Source]
		case coding.MemoSegment:
			on = segs[m.Segment]
		case coding.MemoCase:
			on = cases[m.Case]
		case coding.MemoCode:
			code, _ := px.Codebook.Code(m.Code)
			on = code.Path
		}
		add("memo %s %s by=%s created=%s updated=%s text=%q", m.Kind, on, m.Author, stamp(m.Created), stamp(m.Updated), m.Text)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// roundTrip exports s as a .qdpx, reads it back and imports it into a new
// project.
func roundTrip(t *testing.T, s *coding.Store) (*coding.Store, []byte, *Report) {
	t.Helper()
	px, err := s.ExportProject()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := WriteQDPX(&b, px); err != nil {
		t.Fatal(err)
	}
	imp, rep, err := ReadQDPX("study.qdpx", b.Bytes(), ReadOptions{Coder: "lead"})
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := newStore(t, nil)
	if _, err := s2.ImportProject("lead", imp); err != nil {
		t.Fatal(err)
	}
	return s2, b.Bytes(), rep
}

// A project qcode writes comes back whole: every source (file, format,
// hash, attributes, the transcript's context), every segment (ID, text,
// case, own attributes), case and its attributes, code and its details,
// coding (segment, code, coder, span, star, memo, time), review mark,
// sample, decision, and memo on a source, case, code or segment and
// journal entry (author, text, created and updated).
func TestRoundTrip(t *testing.T) {
	s, _ := studyProject(t)
	s2, _, rep := roundTrip(t, s)
	if !rep.Whole || len(rep.Notes) > 0 {
		t.Errorf("report: whole %v, notes %q", rep.Whole, rep.Notes)
	}
	want, got := summary(t, s), summary(t, s2)
	if want != got {
		t.Errorf("round trip changed the project:\n%s", diffLines(want, got))
	}
	if n := strings.Count(want, "\ncoding "); n != 8 || !strings.Contains(want, "\nsettled fg2:fg2#3 Motivations/Salary by=lead kind=none") {
		t.Errorf("the study project has %d codings (want 8) and a decision none:\n%s", n, want)
	}
	if n := strings.Count(want, "\nmemo "); n != 10 {
		t.Errorf("the study project has %d memos (want 10):\n%s", n, want)
	}
	// And again: the second project exports the same texts and positions.
	s3, _, _ := roundTrip(t, s2)
	if got3 := summary(t, s3); got3 != want {
		t.Errorf("second round trip changed the project:\n%s", diffLines(want, got3))
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	am, bm := map[string]bool{}, map[string]bool{}
	for _, l := range al {
		am[l] = true
	}
	for _, l := range bl {
		bm[l] = true
	}
	var out []string
	for _, l := range al {
		if !bm[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bl {
		if !am[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// qcode.json says which version of qcode's own details it holds: a file
// of version 1 (before memos travelled) reads whole, one of a version
// newer than this qcode knows is refused with one line saying why.
func TestSidecarVersion(t *testing.T) {
	s, _ := studyProject(t)
	px, err := s.ExportProject()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := WriteQDPX(&b, px); err != nil {
		t.Fatal(err)
	}
	files, names := codingtest.Unzip(t, b.Bytes())
	withVersion := func(v string) []byte {
		var out []qdaxml.Entry
		for _, n := range names {
			data := files[n]
			if n == SidecarName {
				data = []byte(strings.Replace(string(data), `"version":2,`, `"version":`+v+`,`, 1))
			}
			out = append(out, qdaxml.Entry{Name: n, Data: data})
		}
		var z bytes.Buffer
		if err := qdaxml.WriteArchive(&z, out, epoch); err != nil {
			t.Fatal(err)
		}
		return z.Bytes()
	}
	if !strings.Contains(string(files[SidecarName]), `"version":2,`) {
		t.Fatalf("qcode.json: %s", files[SidecarName])
	}
	if _, rep, err := ReadQDPX("study.qdpx", withVersion("1"), ReadOptions{}); err != nil || !rep.Whole {
		t.Errorf("version 1: %v, %+v", err, rep)
	}
	_, _, err = ReadQDPX("study.qdpx", withVersion("3"), ReadOptions{})
	if err == nil || err.Error() != "study.qdpx: qcode.json: written by a newer qcode (version 3): upgrade qcode to read it whole" {
		t.Errorf("version 3: %v", err)
	}
}
