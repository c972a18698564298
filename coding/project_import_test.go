package coding

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qcode/corpus"
)

// testImport is a project as a REFI reader hands it over: a transcript
// with speakers named within it (one with attributes), a sheet whose
// respondents are cases across sources, codes new and known, codings
// (whole, span, starred, with a memo, two levels of an exclusive group on
// one passage), review marks (one on a segment its coder coded) and a
// sample.
func testImport() *ProjectImport {
	at := time.Date(2019, 5, 3, 9, 0, 0, 0, time.UTC)
	fg := &corpus.Source{Name: "fg1", File: "fg1.md", Format: "md", Hash: "h1",
		Attributes: []corpus.Attribute{{Name: "method", Value: "focus group"}},
		Context:    []corpus.ContextItem{{Kind: corpus.ContextPrompt, N: 1, Speaker: "Moderator", Text: "Why?"}},
		Segments: []corpus.Segment{
			{ID: "fg1#2", Case: ScopedCaseName("fg1", "P1"), Text: "Career progression, and the money.", Attributes: []corpus.Attribute{{Name: "speaker", Value: "P1"}}},
			{ID: "fg1#3", Case: ScopedCaseName("fg1", "P2"), Text: "Nothing to add.", Attributes: []corpus.Attribute{{Name: "speaker", Value: "P2"}}},
		}}
	sheet := &corpus.Source{Name: "survey", File: "survey.csv", Format: "csv", Hash: "h2",
		Segments: []corpus.Segment{
			{ID: "R1", Case: "S01", Text: "Workload.", Attributes: []corpus.Attribute{{Name: "question_id", Value: "Q9"}}},
			{ID: "R2", Case: "S02", Text: "Travel and time."},
		}}
	return &ProjectImport{
		File: "study.qdpx",
		Codes: []CodeSpec{
			{Name: "Barriers", Description: "From the file.", Codes: []CodeSpec{{Name: "Workload"}}},
			{Name: "K", Group: true, Exclusive: true, Codes: []CodeSpec{{Name: "L1"}, {Name: "L2"}}},
		},
		Cases:   []corpus.Case{{Name: ScopedCaseName("fg1", "P1"), Attributes: []corpus.Attribute{{Name: "role", Value: "NQSW"}}}, {Name: "S01", Attributes: []corpus.Attribute{{Name: "sector", Value: "Adults"}}}},
		Sources: []*corpus.Source{fg, sheet},
		Codings: []ImportedCoding{
			{SegmentAt: SegmentAt{0, 0}, Code: "Motivations/Career progression", Coder: "alice", Span: Span{0, 18}, Starred: true, Memo: "first", Time: at},
			{SegmentAt: SegmentAt{0, 0}, Code: "K/L1", Coder: "alice", Time: at},
			{SegmentAt: SegmentAt{0, 0}, Code: "K/L2", Coder: "alice", Time: at.Add(time.Minute)},
			{SegmentAt: SegmentAt{1, 0}, Code: "Barriers/Workload", Coder: "bob", Time: at},
			{SegmentAt: SegmentAt{1, 1}, Code: "Barriers", Coder: "bob", Span: Span{0, 6}, Time: at},
		},
		Marks:   []ImportedMark{{SegmentAt: SegmentAt{0, 1}, Coder: "alice", Time: at}, {SegmentAt: SegmentAt{1, 0}, Coder: "bob", Time: at}},
		Samples: []ImportedSample{{Name: "icr", By: "lead", Created: at, Segments: []SegmentAt{{1, 1}, {0, 0}, {1, 1}}}},
		Settled: []ImportedSettlement{{SegmentAt: SegmentAt{0, 1}, Code: "K/L1", Settlement: Settlement{By: "lead", At: at, Kind: TakeNone, Audit: "Settled by lead: none."}}},
		Memos: []ImportedMemo{
			{Kind: MemoSegment, Segment: SegmentAt{0, 1}, Author: "alice", Text: "Said little all session.", Created: at, Updated: at.Add(time.Hour)},
			{Kind: MemoSource, Source: 1, Author: "bob", Text: "Sent out in May.", Created: at},
			{Kind: MemoCase, Case: ScopedCaseName("fg1", "P1"), Author: "alice", Text: "Newly qualified.", Created: at},
			{Kind: MemoCase, Case: "S02", Author: "bob", Text: "Part-time.", Created: at},
			{Kind: MemoCode, Code: "Barriers/Workload", Author: "lead", Text: "Time, not money.", Created: at},
			// A second memo of alice on the segment joins the first.
			{Kind: MemoSegment, Segment: SegmentAt{0, 1}, Author: "alice", Text: "Check the recording.", Created: at.Add(time.Minute)},
			// Two journal entries of one millisecond stay two entries.
			{Kind: MemoProject, Author: "lead", Text: "Coding starts.", Created: at},
			{Kind: MemoProject, Author: "alice", Text: "Codebook agreed.", Created: at},
		},
	}
}

// ImportProject stores a whole project in one action, into a project with
// no sources: codes merge by path (a code the project has keeps its
// details where the file gives none), cases keep their scope, a later
// level of an exclusive group replaces an earlier one on the passage, a
// mark on a segment its coder coded is left out, a sample's segments are
// sorted and once each. Undo takes it all back byte for byte; redo puts
// it back.
func TestImportProject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.qcode")
	s, err := Create(path, CreateOptions{Codes: []CodeSpec{{Name: "Motivations", Codes: []CodeSpec{{Name: "Career progression", Description: "kept"}}}, {Name: "Barriers", Description: "old"}}})
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s, path)
	start := dump(s)
	res, err := s.ImportProject("lead", testImport())
	if err != nil {
		t.Fatal(err)
	}
	if res.Sources != 2 || res.Segments != 4 || res.Cases != 4 || res.Samples != 1 || res.Codings.Added != 5 ||
		res.Codings.Replaced != 1 || res.Codings.Marked != 1 || res.Codings.MarksSkipped != 1 || res.Desc != "import project study.qdpx" {
		t.Errorf("result %+v", res)
	}
	if strings.Join(res.Codes.Created, ",") != "Barriers/Workload,K,K/L1,K/L2" || strings.Join(res.Codes.Updated, ",") != "Barriers" {
		t.Errorf("codes created %q, updated %q", res.Codes.Created, res.Codes.Updated)
	}
	after := dump(s)
	px, err := s.ExportProject()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range px.Codings {
		code, _ := px.Codebook.Code(c.Code)
		got = append(got, fmt.Sprintf("%d %s %s %v %v %q %s", c.Seg, code.Path, c.Coder, c.Span, c.Starred, c.Memo, c.Time.Format("15:04")))
	}
	want := []string{
		`1 Motivations/Career progression alice {0 18} true "first" 09:00`,
		`1 K/L2 alice {0 0} false "" 09:01`,
		`3 Barriers/Workload bob {0 0} false "" 09:00`,
		`4 Barriers bob {0 6} false "" 09:00`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("codings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(px.Marks) != 1 || px.Marks[0].Coder != "alice" || px.Marks[0].Seg != 2 {
		t.Errorf("marks %+v", px.Marks)
	}
	if len(px.Samples) != 1 || fmt.Sprint(px.Samples[0].Refs) != "[1 4]" || px.Samples[0].By != "lead" {
		t.Errorf("samples %+v", px.Samples)
	}
	// A decision on a level is recorded under its group, as Settle does.
	if k, _ := s.Codebook().Lookup("K"); len(px.Settled) != 1 || px.Settled[0].Seg != 2 || px.Settled[0].Code != k.ID ||
		px.Settled[0].Kind != TakeNone || px.Settled[0].Audit != "Settled by lead: none." {
		t.Errorf("settled %+v", px.Settled)
	}
	cases := map[string]string{}
	for _, c := range px.Cases {
		cases[c.Name] = fmt.Sprint(c.Attributes)
	}
	if fmt.Sprint(cases) != "map[S01:[{sector Adults}] S02:[] fg1:P1:[{role NQSW}] fg1:P2:[]]" {
		t.Errorf("cases %v", cases)
	}
	if res.Memos != 7 {
		t.Errorf("%d memos stored, want 7 (alice's two on fg1#3 are one)", res.Memos)
	}
	var memos []string
	for _, m := range px.Memos {
		memos = append(memos, fmt.Sprintf("%s seg=%d src=%d case=%d code=%d %s %q %s %s", m.Kind, m.Segment, m.Source, m.Case, m.Code, m.Author, m.Text,
			m.Created.Format("15:04:05.000"), m.Updated.Format("15:04:05.000")))
	}
	work, _ := s.Codebook().Lookup("Barriers/Workload")
	wantMemos := []string{
		`case seg=0 src=0 case=1 code=0 alice "Newly qualified." 09:00:00.000 09:00:00.000`,
		`case seg=0 src=0 case=4 code=0 bob "Part-time." 09:00:00.000 09:00:00.000`,
		`segment seg=2 src=0 case=0 code=0 alice "Said little all session.\n\nCheck the recording." 09:00:00.000 10:00:00.000`,
		fmt.Sprintf(`code seg=0 src=0 case=0 code=%d lead "Time, not money." 09:00:00.000 09:00:00.000`, work.ID),
		`project seg=0 src=0 case=0 code=0 lead "Coding starts." 09:00:00.000 09:00:00.000`,
		`project seg=0 src=0 case=0 code=0 alice "Codebook agreed." 09:00:00.001 09:00:00.001`,
		`source seg=0 src=2 case=0 code=0 bob "Sent out in May." 09:00:00.000 09:00:00.000`,
	}
	if strings.Join(memos, "\n") != strings.Join(wantMemos, "\n") {
		t.Errorf("memos:\n%s\nwant\n%s", strings.Join(memos, "\n"), strings.Join(wantMemos, "\n"))
	}
	if c, _ := s.Codebook().Lookup("Motivations/Career progression"); c.Description != "kept" {
		t.Errorf("a known code lost its description: %+v", c)
	}

	// A second import is refused: the project has sources now.
	if _, err := s.ImportProject("lead", testImport()); !errors.Is(err, ErrConflict) ||
		err.Error() != "study.qdpx is a whole project: import it into a new or empty project (this one has 2 sources)" {
		t.Errorf("second import: %v", err)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != start {
		t.Errorf("undo did not return to the start:\n%s", diffLines(start, got))
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != after {
		t.Errorf("redo did not bring the import back:\n%s", diffLines(after, got))
	}
	if err := checkInvariants(s); err != nil {
		t.Error(err)
	}
}

// A ProjectImport that could not be stored whole is refused before the
// project is touched, naming what is wrong.
func TestImportProjectCheck(t *testing.T) {
	for _, c := range []struct {
		name   string
		break_ func(p *ProjectImport)
		want   string
	}{
		{"no sources", func(p *ProjectImport) { p.Sources = nil }, "study.qdpx: no sources to import"},
		{"two sources of one name", func(p *ProjectImport) { p.Sources[1].Name = "fg1" }, `study.qdpx: two sources are named "fg1"`},
		{"segment ID twice", func(p *ProjectImport) { p.Sources[1].Segments[1].ID = "R1" }, `study.qdpx: source "survey": segment ID "R1" appears twice`},
		{"a source without segments", func(p *ProjectImport) { p.Sources[1].Segments = nil }, `study.qdpx: source "survey" has no segments`},
		{"span outside", func(p *ProjectImport) { p.Codings[4].Span = Span{3, 99} }, "study.qdpx: segment R2: span 3–99 is outside its 16 characters"},
		{"coding of no segment", func(p *ProjectImport) { p.Codings[0].Segment = 7 }, "study.qdpx: a coding names no segment"},
		{"bad coder", func(p *ProjectImport) { p.Codings[0].Coder = "a, b" }, `coder name "a, b": no commas`},
		{"bad code name", func(p *ProjectImport) { p.Codes[0].Name = "A/B" }, `study.qdpx: codebook: code name "A/B"`},
		{"two samples", func(p *ProjectImport) { p.Samples = append(p.Samples, p.Samples[0]) }, `study.qdpx: two samples are named "icr"`},
		{"empty sample", func(p *ProjectImport) { p.Samples[0].Segments = nil }, `study.qdpx: sample "icr" has no segments`},
		{"bad decision", func(p *ProjectImport) { p.Settled[0].Kind = "maybe" }, `study.qdpx: decision "maybe": coder, union, none or set`},
		{"memo of no segment", func(p *ProjectImport) { p.Memos[0].Segment = SegmentAt{0, 9} }, "study.qdpx: a segment memo by alice names no segment"},
		{"memo of no source", func(p *ProjectImport) { p.Memos[1].Source = 2 }, "study.qdpx: a source memo by bob names no source"},
		{"memo of no case", func(p *ProjectImport) { p.Memos[2].Case = "" }, "study.qdpx: a case memo by alice names no case"},
		{"memo without text", func(p *ProjectImport) { p.Memos[4].Text = " \n " }, "study.qdpx: a code memo by lead has no text"},
		{"memo of a bad author", func(p *ProjectImport) { p.Memos[6].Author = "" }, "study.qdpx: a memo's author: "},
		{"memo on a coding", func(p *ProjectImport) { p.Memos[6].Kind = MemoCoding }, `a memo of kind "coding" (a coding's memo goes with its coding)`},
		{"memo too long", func(p *ProjectImport) { p.Memos[6].Text = strings.Repeat("x", maxMemoBytes+1) }, "is too long (at most 1048576)"},
	} {
		p := testImport()
		c.break_(p)
		err := p.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// A random project import, then random actions of three coders with
// undo and redo, keep every invariant; undoing everything returns the
// project to where it was before the import.
func TestRandomImportProject(t *testing.T) {
	for seed := uint64(0); seed < uint64(seeds()); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.qcode")
			s, err := Create(path, CreateOptions{Codes: []CodeSpec{{Name: "A", Codes: []CodeSpec{{Name: "a1"}}}}})
			if err != nil {
				t.Fatal(err)
			}
			checkWhenDone(t, s, path)
			rng := rand.New(rand.NewPCG(seed, 77))
			w := &randWorld{t: t, s: s, rng: rng, coders: []string{"alice", "bob", "carol"}, nsrc: 2}
			start := dump(s)
			p := randomImport(rng)
			res, err := s.ImportProject("lead", p)
			if err != nil {
				t.Fatal(err)
			}
			w.done = append(w.done, doneAct{"lead", res.Seq, res.Desc})
			w.log = append(w.log, fmt.Sprintf("lead import project: %d codings, %d marks, %d samples, %d memos", len(p.Codings), len(p.Marks), len(p.Samples), len(p.Memos)))
			if err := checkInvariants(s); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 30; i++ {
				w.step(false, "")
			}
			for i := len(w.done) - 1; i >= 0; i-- {
				d := w.done[i]
				if _, err := s.Undo(d.actor); err != nil {
					t.Fatalf("undo %v: %v\nlog:\n%s", d, err, strings.Join(w.log, "\n"))
				}
				if err := checkInvariants(s); err != nil {
					t.Fatalf("after undo of %v: %v", d, err)
				}
			}
			if got := dump(s); got != start {
				t.Fatalf("undo all did not return to start\nlog:\n%s\n%s", strings.Join(w.log, "\n"), diffLines(start, got))
			}
		})
	}
}

// randomImport is a project of two sources (named src0 and src1, as the
// random world's own imports name theirs), one with speakers within it,
// with random codings, marks and a sample.
func randomImport(rng *rand.Rand) *ProjectImport {
	p := &ProjectImport{File: "r.qdpx", Codes: []CodeSpec{{Name: "A", Codes: []CodeSpec{{Name: "a2"}}}, {Name: "G", Group: true, Exclusive: true, Codes: []CodeSpec{{Name: "L1"}, {Name: "L2"}}}}}
	for i := range 2 {
		src := newSrc(fmt.Sprintf("src%d", i), 2+rng.IntN(3), fmt.Sprintf("imp%d", i), false)
		if i == 0 {
			for j := range src.Segments {
				src.Segments[j].Case = ScopedCaseName(src.Name, src.Segments[j].Case)
			}
			src.Cases = nil
		}
		p.Sources = append(p.Sources, src)
	}
	paths := []string{"A", "A/a1", "A/a2", "G/L1", "G/L2", "New/X"}
	for range 3 + rng.IntN(6) {
		sa := SegmentAt{rng.IntN(2), 0}
		sa.Segment = rng.IntN(len(p.Sources[sa.Source].Segments))
		c := ImportedCoding{SegmentAt: sa, Code: paths[rng.IntN(len(paths))], Coder: []string{"alice", "bob"}[rng.IntN(2)], Starred: rng.IntN(3) == 0}
		if rng.IntN(2) == 0 {
			st := rng.IntN(5)
			c.Span = Span{st, st + 1 + rng.IntN(5)}
		}
		if rng.IntN(3) == 0 {
			c.Memo = "m"
		}
		p.Codings = append(p.Codings, c)
	}
	for range rng.IntN(3) {
		sa := SegmentAt{rng.IntN(2), 0}
		sa.Segment = rng.IntN(len(p.Sources[sa.Source].Segments))
		p.Marks = append(p.Marks, ImportedMark{SegmentAt: sa, Coder: []string{"alice", "carol"}[rng.IntN(2)]})
	}
	if rng.IntN(2) == 0 {
		p.Samples = []ImportedSample{{Name: "icr0", Segments: []SegmentAt{{0, 0}, {1, 1}}}}
	}
	at := time.Date(2019, 5, 3, 9, 0, 0, 0, time.UTC)
	for range rng.IntN(6) {
		m := ImportedMemo{Author: []string{"alice", "bob", "lead"}[rng.IntN(3)], Text: fmt.Sprintf("memo %d", rng.IntN(4)),
			Created: at.Add(time.Duration(rng.IntN(3)) * time.Millisecond)}
		switch rng.IntN(5) {
		case 0:
			m.Kind, m.Segment = MemoSegment, SegmentAt{1, rng.IntN(len(p.Sources[1].Segments))}
		case 1:
			m.Kind, m.Source = MemoSource, rng.IntN(2)
		case 2:
			m.Kind, m.Case = MemoCase, ScopedCaseName("src0", p.Sources[0].Segments[0].Case[len("src0")+1:])
		case 3:
			m.Kind, m.Code = MemoCode, paths[rng.IntN(3)]
		default:
			m.Kind = MemoProject
		}
		p.Memos = append(p.Memos, m)
	}
	return p
}
