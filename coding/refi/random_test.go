package refi

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"qcode/coding"
	"qcode/corpus"
)

// randomSource is a source of n segments: a transcript (speakers within
// it or shared, prompts and headings between turns) or a sheet (global
// respondents, row attributes).
func randomSource(rng *rand.Rand, name string, n int) *corpus.Source {
	words := []string{"workload", "time", "travel", "💷", "funding", "career", "e-mail x@y.org", "Ruth", "confidence", "court", "réflexion", "\n"}
	text := func() string {
		var b []byte
		for i := 0; i < 3+rng.IntN(8); i++ {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, words[rng.IntN(len(words))]...)
		}
		return string(b) + "."
	}
	if rng.IntN(2) == 0 {
		src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: "h" + name,
			Attributes: []corpus.Attribute{{Name: "method", Value: "survey"}}}
		for i := 0; i < n; i++ {
			src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("%s-R%d", name, i+1), Case: fmt.Sprintf("S%d", rng.IntN(3)),
				Text: text(), Attributes: []corpus.Attribute{{Name: "question_id", Value: "Q" + strconv.Itoa(rng.IntN(3))}}})
		}
		src.Cases = []corpus.Case{{Name: "S0", Attributes: []corpus.Attribute{{Name: "years", Value: strconv.Itoa(rng.IntN(30))}}}}
		return src
	}
	src := &corpus.Source{Name: name, File: name + ".md", Format: "md", Hash: "h" + name, ScopedCases: rng.IntN(3) != 0}
	block := 1
	if rng.IntN(2) == 0 {
		src.Context = append(src.Context, corpus.ContextItem{Kind: corpus.ContextPreamble, N: block, Text: "Focus group " + name})
		block++
	}
	for i := 0; i < n; i++ {
		if rng.IntN(3) == 0 {
			src.Context = append(src.Context, corpus.ContextItem{Kind: corpus.ContextHeading, N: block, Text: "Topic " + strconv.Itoa(i)})
		}
		if rng.IntN(2) == 0 {
			src.Context = append(src.Context, corpus.ContextItem{Kind: corpus.ContextPrompt, N: block, Speaker: "Facilitator", Text: text()})
			block++
		}
		label := fmt.Sprintf("P%d", rng.IntN(3))
		src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("%s#%d", name, block), Case: label, Text: text(),
			Attributes: []corpus.Attribute{{Name: "speaker", Value: label}}})
		block++
	}
	return src
}

// Random projects — transcripts and sheets, speakers joined to other
// cases, attributes set and renamed, codes renamed, moved and merged,
// codings of three coders (spans, stars, memos), review marks, samples,
// decisions, and memos of the three on segments, sources, cases and codes
// and in the journal — come back whole from a .qdpx. SEEDS=n runs more.
func TestRoundTripRandom(t *testing.T) {
	n := 12
	if v, err := strconv.Atoi(os.Getenv("SEEDS")); err == nil {
		n = v
	}
	for seed := 0; seed < n; seed++ {
		t.Run(strconv.Itoa(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed), 13))
			s, _ := newStore(t, testCodes())
			for i := 0; i < 2+rng.IntN(3); i++ {
				if _, err := s.ImportSource("lead", randomSource(rng, "src"+strconv.Itoa(i), 2+rng.IntN(6)), coding.ImportOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			refs, err := s.SegmentRefs(coding.SegmentQuery{})
			if err != nil {
				t.Fatal(err)
			}
			segs, err := s.Load(refs, nil)
			if err != nil {
				t.Fatal(err)
			}
			codes := s.Codebook().Codes()
			coders := []string{"alice", "bob", "carol"}
			for i := 0; i < 40; i++ {
				seg := segs[rng.IntN(len(segs))]
				code := codes[rng.IntN(len(codes))]
				coder := coders[rng.IntN(3)]
				var err error
				switch k := rng.IntN(12); {
				case k < 5:
					span := coding.Span{}
					if n := len([]rune(seg.Text)); rng.IntN(2) == 0 && n > 2 {
						a := rng.IntN(n - 1)
						span = coding.Span{Start: a, End: a + 1 + rng.IntN(n-a-1)}
					}
					_, err = s.Apply(coder, seg.Ref, code.ID, span)
				case k < 6:
					cs, _ := s.CodingsOf(seg.Ref, nil)
					if len(cs) > 0 {
						c := cs[rng.IntN(len(cs))]
						_, err = s.SetStar(c.CoderName, c.CodingKey, true)
						if err == nil {
							_, err = s.SetMemo(c.CoderName, c.CodingKey, "memo "+strconv.Itoa(i)+"\nsecond line")
						}
					}
				case k < 7:
					_, err = s.SetReviewed(coder, seg.Ref, true)
				case k < 8:
					_, err = s.Settle("lead", seg.Ref, code.ID, coding.Decision{Kind: []coding.DecisionKind{coding.TakeNone, coding.TakeUnion}[rng.IntN(2)]})
				case k < 9:
					_, err = s.ImportCases("lead", []corpus.Case{{Source: seg.Source, Speaker: seg.Attr("speaker"), Name: []string{"", "J0", "Jane Doe"}[rng.IntN(3)],
						Attributes: []corpus.Attribute{{Name: "role", Value: "lead"}}}})
				case k < 10:
					_, err = s.SetAttribute("lead", coding.AttributeTarget{Source: seg.Source}, []string{"date", "Date", "n"}[rng.IntN(3)], []string{"2019-03-01", "7", "x y"}[rng.IntN(3)])
				default:
					// A memo (or its edit, or its removal) on the segment, its
					// source, its case, the code, or a journal entry.
					target := coding.MemoTarget{Kind: coding.MemoProject}
					switch rng.IntN(5) {
					case 0:
						target = coding.MemoTarget{Kind: coding.MemoSegment, Segment: seg.Ref}
					case 1:
						target, err = s.FindMemoTarget(coding.MemoSource, seg.Source)
					case 2:
						if seg.Case != "" {
							target, err = s.FindMemoTarget(coding.MemoCase, seg.Case)
						}
					case 3:
						target = coding.MemoTarget{Kind: coding.MemoCode, Code: code.ID}
					}
					if err == nil {
						text := []string{"memo " + strconv.Itoa(i), "two\nlines 💷", "", "Ruth said x@y.org"}[rng.IntN(4)]
						if target.Kind == coding.MemoProject && text == "" {
							text = "entry"
						}
						_, err = s.SetMemoOn(coder, target, text)
					}
				}
				_ = err // a refused action (a mark on a segment its coder coded…) is part of the mix
			}
			if _, err := s.RenameCode("lead", "Barriers/Travel", "Travel and distance"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.MoveCode("lead", "Motivations/Salary", "Barriers"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateSample("lead", coding.SampleSpec{Name: "icr", Size: "50%", Seed: uint64(seed)}); err != nil {
				t.Fatal(err)
			}
			s2, _, rep := roundTrip(t, s)
			if !rep.Whole || len(rep.Notes) > 0 {
				t.Errorf("report %+v", rep)
			}
			if want, got := summary(t, s), summary(t, s2); want != got {
				t.Errorf("round trip changed the project:\n%s", diffLines(want, got))
			}
		})
	}
}
