package coding

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"qcode/coding/suggest"
	"qcode/corpus"
)

// The suggestions are measured as the issue asks: a coder's codes for a
// coded survey are split, 70 % of the answers to learn from and 30 % to
// suggest for; an unseen answer is a hit when one of the codes the coder
// gave it is among the three suggested. The baseline suggests the three
// codes the coder used most in the 70 %, whatever the answer.
//
// The coded survey is the London PQ survey (testdata/london-pq-survey-2010.csv,
// 205 answers) coded by hand for this purpose (testdata/suggest/codings.csv,
// coder "rater": 280 codings on 191 answers, 14 answers marked "nothing
// applies"): each answer was read against the pq codebook's descriptions
// and inclusion notes and given every code that applies, as a careful
// coder would, not made by keyword rules; Kirkpatrick levels only where an
// answer reports a reaction, changed practice or results, as the demo's
// colleagues code them.

// qualitySplit is one measurement: hit rates in percent on the unseen
// answers that the coder coded, and how many there were.
type qualitySplit struct {
	model, baseline float64
	unseen          int
}

// measureSuggestions splits the coded survey by seed, learns the 70 %
// and scores the 30 %. Without the codebook, the model learns from the
// codings alone (for the record: the shipped suggester starts from it).
func measureSuggestions(tb testing.TB, seed uint64, withCodebook bool) qualitySplit {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "london-pq-survey-2010.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	src, err := corpus.Parse("london-pq-survey-2010.csv", data, corpus.Options{TextCol: "response", IDCol: "response_id"})
	if err != nil {
		tb.Fatal(err)
	}
	codings, err := os.ReadFile(filepath.Join("testdata", "suggest", "codings.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(codings)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	codes := map[string][]string{} // answer → the rater's codes (none: marked)
	for _, r := range rows[1:] {
		codes[r[0]] = append(codes[r[0]], r[1])
	}
	ids := make([]string, len(src.Segments))
	for i, seg := range src.Segments {
		ids[i] = seg.ID
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	order := rng.Perm(len(ids))
	cut := len(ids) * 7 / 10
	train, unseen := order[:cut], order[cut:]

	path := filepath.Join(tb.TempDir(), "quality.qcode")
	s, err := Create(path, CreateOptions{Codes: PQTemplate()})
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"segment", "code", "coder"})
	used := map[string]int{} // code → training answers given it
	for _, i := range train {
		for _, c := range codes[ids[i]] {
			w.Write([]string{ids[i], c, "rater"})
			if c != "" {
				used[c]++
			}
		}
	}
	w.Flush()
	if _, err := s.ImportCodings("lead", "train.csv", &b); err != nil {
		tb.Fatal(err)
	}
	var top3 []string
	for c := range used {
		top3 = append(top3, c)
	}
	sort.Slice(top3, func(i, j int) bool {
		a, b := top3[i], top3[j]
		return used[a] > used[b] || used[a] == used[b] && a < b
	})
	top3 = top3[:3]

	g, err := s.TrainSuggester("rater")
	if err != nil {
		tb.Fatal(err)
	}
	if !withCodebook {
		g.withoutCodebook = true
		if err := g.Retrain(s); err != nil {
			tb.Fatal(err)
		}
	}
	var refs []SegRef
	var want [][]string
	for _, i := range unseen {
		if c := codes[ids[i]]; len(c) > 0 && c[0] != "" {
			ref, err := s.Resolve(ids[i])
			if err != nil {
				tb.Fatal(err)
			}
			refs = append(refs, ref)
			want = append(want, c)
		}
	}
	got, err := g.Suggest(s, refs, 3)
	if err != nil {
		tb.Fatal(err)
	}
	hits, base := 0, 0
	for i, ss := range got {
		hit := func(paths []string) bool {
			for _, p := range paths {
				if containsString(want[i], p) {
					return true
				}
			}
			return false
		}
		var paths []string
		for _, sg := range ss.Suggestions {
			paths = append(paths, sg.Path)
		}
		if hit(paths) {
			hits++
		}
		if hit(top3) {
			base++
		}
	}
	n := len(refs)
	return qualitySplit{model: 100 * float64(hits) / float64(n), baseline: 100 * float64(base) / float64(n), unseen: n}
}

// TestSuggestionQuality asserts the figure on ten splits (seeds
// 1–10), each on its own: the coder's code in the top 3 for at least 70 %
// of the unseen answers, and at least 15 points above the baseline. Over
// 30 splits (make bench) the model averages about 81 %, the baseline
// about 35 %; a split's 58 unseen answers make its figure vary by about
// ±5 points, so one split alone says little.
func TestSuggestionQuality(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		q := measureSuggestions(t, seed, true)
		t.Logf("split %d: top-3 hit rate %.1f %% beside %.1f %% for the three most used codes (%d unseen answers)", seed, q.model, q.baseline, q.unseen)
		if q.model < 70 || q.model < q.baseline+15 {
			t.Errorf("split %d: top-3 hit rate %.1f %% (baseline %.1f %%): want ≥ 70 %% and ≥ baseline + 15", seed, q.model, q.baseline)
		}
	}
}

// BenchmarkSuggestionQuality prints the figure over 30 splits, with and
// without the codebook as a start.
func BenchmarkSuggestionQuality(b *testing.B) {
	for _, withCodebook := range []bool{true, false} {
		var sum, sumBase, lo float64 = 0, 0, 100
		const splits = 30
		for seed := uint64(1); seed <= splits; seed++ {
			q := measureSuggestions(b, seed, withCodebook)
			sum += q.model
			sumBase += q.baseline
			lo = min(lo, q.model)
		}
		what := "from the codebook and the codings"
		if !withCodebook {
			what = "from the codings alone"
		}
		b.Logf("suggestions %s: top-3 hit rate on unseen answers, mean of %d 70/30 splits %.1f %% (lowest %.1f %%; budget ≥ 70 %%), baseline (three most used codes) %.1f %% (budget: model ≥ baseline + 15)",
			what, splits, sum/splits, lo, sumBase/splits)
	}
}

// TestSuggestionsAreDeterministic: the same codings give the same
// suggestions, whatever order they were learnt in, and learning a segment
// then forgetting it leaves the model as it was.
func TestSuggestionsAreDeterministic(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "survey")
	apply := func(ref SegRef, path string) ActionResult {
		t.Helper()
		res, err := s.Apply("alice", ref, code(t, s, path), Span{})
		if err != nil {
			t.Fatal(err)
		}
		return res.ActionResult
	}
	apply(refs[0], "Barriers/Workload and time")
	apply(refs[1], "Motivations/Career progression")
	apply(refs[2], "Barriers/Workload and time")
	first, err := s.TrainSuggester("alice")
	if err != nil {
		t.Fatal(err)
	}
	a, err := first.Suggest(s, refs, 5)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.TrainSuggester("alice")
	b, err := again.Suggest(s, refs, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two trainings differ:\n%+v\n%+v", a, b)
	}
	// Incremental: code a fourth segment, learn it, and compare with a
	// model trained from scratch; then undo and compare with the first.
	res := apply(refs[3], "Motivations/Career progression")
	if err := first.LearnAction(s, res); err != nil {
		t.Fatal(err)
	}
	fresh, _ := s.TrainSuggester("alice")
	x, _ := first.Suggest(s, refs, 5)
	y, _ := fresh.Suggest(s, refs, 5)
	if !reflect.DeepEqual(x, y) || first.Codings() != 4 {
		t.Errorf("learnt incrementally differs from trained afresh (%d codings):\n%+v\n%+v", first.Codings(), x, y)
	}
	undo, err := s.Undo("alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.LearnAction(s, undo); err != nil {
		t.Fatal(err)
	}
	z, _ := first.Suggest(s, refs, 5)
	if !reflect.DeepEqual(z, a) || first.Codings() != 3 {
		t.Errorf("after undo the suggestions differ from before:\n%+v\n%+v", z, a)
	}
}

// TestSuggestByHand works a tiny case through: two answers, each coded
// with one code, and the codebook's words as a start.
func TestSuggestByHand(t *testing.T) {
	s, _ := newProject(t)
	src := &corpus.Source{Name: "s", File: "s.csv", Format: "csv", Hash: "h", Segments: []corpus.Segment{
		{ID: "A", Text: "No backfill, so no study days."},
		{ID: "B", Text: "The fees were cut from the budget."},
		{ID: "C", Text: "Backfill never came."},
		{ID: "D", Text: "Enjoyed it."},
	}}
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	refs, _ := s.SegmentRefs(SegmentQuery{})
	for i, p := range []string{"Barriers/Release and backfill", "Barriers/Funding and budget cuts"} {
		if _, err := s.Apply("alice", refs[i], code(t, s, p), Span{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetReviewed("alice", refs[3], true); err != nil {
		t.Fatal(err)
	}
	g, err := s.TrainSuggester("alice")
	if err != nil {
		t.Fatal(err)
	}
	// The codebook's 40 leaves, three times each, then A, B and D (marked:
	// learnt with no code).
	if g.model.Docs() != 3*40+3 || g.Codings() != 2 {
		t.Errorf("learnt %d segments, %d codings", g.model.Docs(), g.Codings())
	}
	got, err := g.Suggest(s, refs[2:3], 2)
	if err != nil {
		t.Fatal(err)
	}
	// "backfill" is in A and in the code's own words ("No backfill, …"),
	// "came" nowhere: Release and backfill first, because of backfill.
	ss := got[0]
	if ss.Segment != "C" || len(ss.Suggestions) != 2 || ss.Suggestions[0].Path != "Barriers/Release and backfill" ||
		!reflect.DeepEqual(ss.Suggestions[0].Because, []string{"backfill"}) || ss.Suggestions[0].Score <= ss.Suggestions[1].Score {
		t.Errorf("suggestions for C: %+v", ss)
	}
	// A code the coder gave a segment is not suggested for it again.
	got, _ = g.Suggest(s, refs[:1], 0)
	for _, sg := range got[0].Suggestions {
		if sg.Path == "Barriers/Release and backfill" {
			t.Errorf("suggested a code A has: %+v", sg)
		}
	}
	if _, err := s.TrainSuggester(Consensus); err == nil {
		t.Errorf("consensus: no error")
	}
	// A coder who has done nothing gets the codebook's suggestions.
	nobody, err := s.TrainSuggester("zed")
	if err != nil || nobody.Codings() != 0 {
		t.Fatalf("new coder: %v", err)
	}
	got, _ = nobody.Suggest(s, refs[2:3], 1)
	if len(got[0].Suggestions) != 1 || got[0].Suggestions[0].Path != "Barriers/Release and backfill" {
		t.Errorf("codebook only: %+v", got)
	}
}

// TestSimilar finds the answers sharing the rarest words first.
func TestSimilar(t *testing.T) {
	s, _ := newProject(t)
	src := &corpus.Source{Name: "s", File: "s.csv", Format: "csv", Hash: "h"}
	for i, text := range []string{
		"No backfill for study days", "Backfill never came, so study was at night", "The course was good",
		"Funding was cut", "Good course, good trainer", "No backfill",
	} {
		src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("A%d", i+1), Text: text})
	}
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	refs, _ := s.SegmentRefs(SegmentQuery{})
	got, err := s.Similar(refs[0], 3)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range got {
		ids = append(ids, g.ID)
		if g.Similarity <= 0 || g.Similarity > 1 {
			t.Errorf("similarity %v", g.Similarity)
		}
	}
	// A6 is "no backfill" alone; A2 shares backfill and study.
	if strings.Join(ids, " ") != "A6 A2" {
		t.Errorf("like A1: %v", got)
	}
}

// The learnt segments' features are kept end to end; once more than half
// of them (and at least 65,536) belong to forgotten segments, the live
// ones are copied together, each segment still reading back exactly what
// it learnt. 3,000 segments of 40 features (120,000); forgetting 2,000:
// the 1,639th makes 65,560 garbage ≥ 65,536 and ≥ half, so the 1,361 left
// are copied (54,440 features), then 361 more are forgotten: 14,440
// garbage, 54,440 kept in all.
func TestKeptDocsCompact(t *testing.T) {
	var k keptDocs
	docs := map[SegRef]learnt{}
	feature := func(r SegRef, i int) (int32, float64) { return int32(r)*100 + int32(i), float64(i%3 + 1) }
	for r := SegRef(1); r <= 3000; r++ {
		ids, tf := make([]int32, 40), make([]float64, 40)
		for i := range ids {
			ids[i], tf[i] = feature(r, i)
		}
		docs[r] = k.keep(suggest.DocOf(ids, tf), []suggest.Label{suggest.Label(r), 7})
	}
	for r := SegRef(1); r <= 2000; r++ {
		old := docs[r]
		delete(docs, r)
		k.drop(old, docs)
	}
	if len(k.ids) != 54440 || k.garbage != 14440 {
		t.Errorf("kept %d features, %d of them garbage; want 54,440 and 14,440", len(k.ids), k.garbage)
	}
	for r, l := range docs {
		d, labels := k.doc(l)
		ids, tf := d.Parts()
		if len(ids) != 40 || len(labels) != 2 || labels[0] != suggest.Label(r) || labels[1] != 7 {
			t.Fatalf("segment %d reads back %d features, labels %v", r, len(ids), labels)
		}
		for i := range ids {
			if wi, wt := feature(r, i); ids[i] != wi || tf[i] != wt {
				t.Fatalf("segment %d feature %d: %d×%v, want %d×%v", r, i, ids[i], tf[i], wi, wt)
			}
		}
	}
}
