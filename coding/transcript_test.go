package coding

import (
	"errors"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"slices"
	"strings"
	"testing"

	"qcode/corpus"
)

// parseNotes reads notes text as the import would.
func parseNotes(t *testing.T, file, text string, opts corpus.Options) *corpus.Source {
	t.Helper()
	src, err := corpus.Parse(file, []byte(text), opts)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func importNotes(t *testing.T, s *Store, file, text string, opts corpus.Options) ImportResult {
	t.Helper()
	res, err := s.ImportSource("lead", parseNotes(t, file, text, opts), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const (
	fg2Text = "Focus group: newly qualified social workers\nFacilitator: What helped?\nP1: Supervision.\nP2: My mentor.\nFacilitator: And what got in the way?\nP1: Time.\n"
	fg3Text = "Focus group: experienced practitioners\nModerator: What helped?\nP1: Peer learning.\nP2: Nothing much.\nP1: Study days.\n"
)

// caseOf lists "segment → case" for a source.
func casesOf(t *testing.T, s *Store, source string) []string {
	t.Helper()
	segs, err := s.Segments(SegmentQuery{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, seg := range segs {
		out = append(out, seg.ID+" → "+seg.Case)
	}
	return out
}

func sameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// P1 of one focus group is not P1 of another; interviewers are no case.
func TestSpeakersAreCasesWithinTheirSource(t *testing.T) {
	s, _ := newProject(t)
	res := importNotes(t, s, "fg2.md", fg2Text, corpus.Options{})
	if res.Segments != 3 || res.Cases != 2 || res.NewCases != 2 || res.Prompts != 2 {
		t.Errorf("fg2 import: %+v", res)
	}
	importNotes(t, s, "fg3.md", fg3Text, corpus.Options{})
	sameStrings(t, "fg2", casesOf(t, s, "fg2"), []string{"fg2#3 → fg2:P1", "fg2#4 → fg2:P2", "fg2#6 → fg2:P1"})
	sameStrings(t, "fg3", casesOf(t, s, "fg3"), []string{"fg3#3 → fg3:P1", "fg3#4 → fg3:P2", "fg3#5 → fg3:P1"})
	info, err := s.Info()
	if err != nil {
		t.Fatal(err)
	}
	// 4 participants, 6 answers: no Facilitator, no Moderator, no "Focus group".
	if info.Cases != 4 || info.Segments != 6 {
		t.Errorf("info: %d cases, %d segments", info.Cases, info.Segments)
	}
	cases, _ := s.Cases()
	var names []string
	for _, c := range cases {
		names = append(names, c.Name)
	}
	sameStrings(t, "cases", names, []string{"fg2:P1", "fg2:P2", "fg3:P1", "fg3:P2"})
	rep, err := s.Report(ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.CasesTotal != 4 || rep.SegmentsTotal != 6 || rep.Prompts != 3 {
		t.Errorf("report totals: %d cases, %d segments, %d prompts", rep.CasesTotal, rep.SegmentsTotal, rep.Prompts)
	}
	// The prompts stay with the source, for a document view.
	srcs, _ := s.Sources()
	var ctx []string
	for _, c := range srcs[0].Context {
		ctx = append(ctx, fmt.Sprintf("%s %d %s %s", c.Kind, c.N, c.Speaker, c.Text))
	}
	sameStrings(t, "fg2 context", ctx, []string{
		"preamble 1  Focus group: newly qualified social workers",
		"prompt 2 Facilitator What helped?",
		"prompt 5 Facilitator And what got in the way?",
	})
	if srcs[0].Prompts != 2 || attrValue(srcs[0].Attributes, "title") != "Focus group: newly qualified social workers" {
		t.Errorf("fg2 source: %d prompts, attributes %v", srcs[0].Prompts, srcs[0].Attributes)
	}
}

// --shared-speakers: one case per label across the files of the import
// and the project's cases of that name.
func TestSharedSpeakers(t *testing.T) {
	s, _ := newProject(t)
	shared := corpus.Options{SharedSpeakers: true}
	importNotes(t, s, "lead-03.md", "Interviewer: Why?\nLL03: Pay.\nLL03: And time.\n", shared)
	res := importNotes(t, s, "lead-03-followup.md", "Interviewer: Since then?\nLL03: Promoted.\n", shared)
	if res.NewCases != 0 || res.Cases != 1 {
		t.Errorf("follow-up: %+v", res)
	}
	sameStrings(t, "follow-up", casesOf(t, s, "lead-03-followup"), []string{"lead-03-followup#2 → LL03"})
	if info, _ := s.Info(); info.Cases != 1 {
		t.Errorf("%d cases, want 1", info.Cases)
	}
}

// A cases sheet maps source and speaker to a case: the follow-up's
// speaker joins the first interview's case, attributes land, the case left
// behind goes, and undo puts it all back exactly.
func TestCasesSheetJoinsSpeakers(t *testing.T) {
	s, _ := newProject(t)
	importNotes(t, s, "lead-03.md", "Interviewer: Why?\nLL03: Pay.\nLL03: And time.\n", corpus.Options{})
	importNotes(t, s, "lead-03-followup.md", "Interviewer: Since then?\nLL: Promoted.\n", corpus.Options{})
	importNotes(t, s, "fg2.md", fg2Text, corpus.Options{})
	importNotes(t, s, "fg3.md", fg3Text, corpus.Options{})
	before, beforeDump := state(t, s), dump(s)

	sheet := []corpus.Case{
		{Source: "lead-03", Speaker: "LL03", Name: "Learning lead 3", Attributes: []Attribute{{Name: "role", Value: "Learning lead"}}},
		{Source: "lead-03-followup", Speaker: "ll", Name: "Learning lead 3"}, // the label ignoring case
		{Source: "fg2", Speaker: "P1", Attributes: []Attribute{{Name: "role", Value: "Social worker"}}},
		{Source: "fg9", Speaker: "P1"},
		{Source: "fg3", Speaker: "P7"},
	}
	res, err := s.ImportCases("lead", sheet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != 3 || res.Joined != 2 || res.Created != 1 || !slices.Equal(res.Unmatched, []string{"fg9:P1", "fg3:P7"}) {
		t.Errorf("result: %+v", res)
	}
	sameStrings(t, "lead-03", casesOf(t, s, "lead-03"), []string{"lead-03#2 → Learning lead 3", "lead-03#3 → Learning lead 3"})
	sameStrings(t, "follow-up", casesOf(t, s, "lead-03-followup"), []string{"lead-03-followup#2 → Learning lead 3"})
	cases, _ := s.Cases()
	var names []string
	for _, c := range cases {
		names = append(names, c.Name+" "+fmt.Sprint(c.Attributes))
	}
	// lead-03:LL03 and lead-03-followup:LL went when their speakers left.
	sameStrings(t, "cases", names, []string{"fg2:P1 [{role Social worker}]", "fg2:P2 []", "fg3:P1 []", "fg3:P2 []", "Learning lead 3 [{role Learning lead}]"})

	// Bare labels: fg2:P1 by its shown name, LL03's old name no more, P2
	// names speakers of two sources.
	res, err = s.ImportCases("lead", []corpus.Case{{Name: "fg2:P1"}, {Name: "P2"}, {Name: "learning lead 3"}, {Name: "lead-03:LL03"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != 3 || !slices.Equal(res.Ambiguous, []string{"P2 (fg2, fg3)"}) || len(res.Unmatched) != 0 {
		t.Errorf("by name: %+v", res)
	}

	if _, err := s.Undo("lead"); err != nil { // nothing changed: no entry; this undoes the join
		t.Fatal(err)
	}
	if got := state(t, s); got != before {
		t.Errorf("undo of the join:\n%s\nwant\n%s", got, before)
	}
	if got := dump(s); got != beforeDump {
		t.Errorf("undo of the join left the store changed:\n%s", diffLines(beforeDump, got))
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "redone", casesOf(t, s, "lead-03-followup"), []string{"lead-03-followup#2 → Learning lead 3"})
}

// Replacing a transcript keeps its speakers joined to the cases a sheet
// named; a file of the old kind (global names) gets scoped names.
func TestReplaceKeepsJoinedSpeakers(t *testing.T) {
	s, _ := newProject(t)
	importNotes(t, s, "fg2.md", fg2Text, corpus.Options{})
	if _, err := s.ImportCases("lead", []corpus.Case{{Source: "fg2", Speaker: "P2", Name: "Mentor"}}); err != nil {
		t.Fatal(err)
	}
	src := parseNotes(t, "fg2.md", fg2Text+"P2: One more thing.\nP3: Me too.\n", corpus.Options{})
	if _, err := s.ImportSource("lead", src, ImportOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "replaced", casesOf(t, s, "fg2"), []string{"fg2#3 → fg2:P1", "fg2#4 → Mentor", "fg2#6 → fg2:P1", "fg2#7 → Mentor", "fg2#8 → fg2:P3"})

	// A project made before labels were scoped: P1 is one case in two
	// focus groups. Its names keep working; a replace scopes them.
	old := parseNotes(t, "fg3.md", fg3Text, corpus.Options{})
	old.ScopedCases = false
	if _, err := s.ImportSource("lead", old, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "old kind", casesOf(t, s, "fg3"), []string{"fg3#3 → P1", "fg3#4 → P2", "fg3#5 → P1"})
	if res, err := s.ImportCases("lead", []corpus.Case{{Name: "P1", Attributes: []Attribute{{Name: "role", Value: "x"}}}}); err != nil || res.Matched != 1 {
		t.Errorf("old name: %+v %v", res, err)
	}
	if _, err := s.ImportSource("lead", parseNotes(t, "fg3.md", fg3Text+"\n", corpus.Options{}), ImportOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "old kind replaced", casesOf(t, s, "fg3"), []string{"fg3#3 → fg3:P1", "fg3#4 → fg3:P2", "fg3#5 → fg3:P1"})
	// The old cases P1 and P2 went with the segments that spoke as them;
	// fg3:P1 took P1's attributes.
	cases, _ := s.Cases()
	var names []string
	for _, c := range cases {
		names = append(names, c.Name+" "+fmt.Sprint(c.Attributes))
	}
	sameStrings(t, "cases", names, []string{"fg2:P1 []", "Mentor []", "fg2:P3 []", "fg3:P1 [{role x}]", "fg3:P2 []"})
	// Undo of the replace brings the old cases back, exactly.
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "undone", casesOf(t, s, "fg3"), []string{"fg3#3 → P1", "fg3#4 → P2", "fg3#5 → P1"})
}

// Undo and redo refuse what another actor's later action made impossible,
// rather than leave a segment of a missing case.
func TestJoinUndoAcrossActors(t *testing.T) {
	s, _ := newProject(t)
	importNotes(t, s, "fg2.md", fg2Text, corpus.Options{})
	if _, err := s.ImportCases("bob", []corpus.Case{{Source: "fg2", Speaker: "P1", Name: "Anna"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); err != nil { // the import goes; Anna stays, with no segment
		t.Fatal(err)
	}
	_, err := s.Undo("bob")
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "an undone import") {
		t.Errorf("undo of a join whose segments went: %v", err)
	}
	if _, err := s.Redo("lead"); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "redone import", casesOf(t, s, "fg2"), []string{"fg2#3 → Anna", "fg2#4 → fg2:P2", "fg2#6 → Anna"})
	if _, err := s.Undo("bob"); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "join undone", casesOf(t, s, "fg2"), []string{"fg2#3 → fg2:P1", "fg2#4 → fg2:P2", "fg2#6 → fg2:P1"})

	// A join that removes a case the undone import's segments name: the
	// import cannot come back until the join is undone.
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	importNotes(t, s, "fg2b.md", fg2Text, corpus.Options{SharedSpeakers: true}) // P1, P2 as plain names
	old := parseNotes(t, "fg2c.md", fg3Text, corpus.Options{SharedSpeakers: true})
	if _, err := s.ImportSource("carol", old, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("carol"); err != nil { // fg2c's segments (cases P1, P2) leave the store
		t.Fatal(err)
	}
	if _, err := s.ImportCases("bob", []corpus.Case{{Source: "fg2b", Speaker: "P2", Name: "Ben"}}); err != nil { // P2 is left empty: removed
		t.Fatal(err)
	}
	_, err = s.Redo("carol")
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "joined to another since") {
		t.Errorf("redo of an import whose case was removed: %v", err)
	}
	if ierr := checkInvariants(s); ierr != nil {
		t.Fatal(ierr)
	}
}

// TestCaseRunsSplitWhenASpeakerJoins: a survey lists a respondent's
// answers together and a speaker may hold the floor for several turns, so
// the bycase index keeps runs (records_caseruns.go). Joining one speaker of
// a source to a named case moves segments out of the middle of runs: the
// runs are cut around them, every case still lists exactly its segments,
// check passes, and undo and redo give back the same bytes.
func TestCaseRunsSplitWhenASpeakerJoins(t *testing.T) {
	s, _ := newProject(t)
	src := &corpus.Source{Name: "fg", File: "fg.md", Format: "md", Hash: "h", ScopedCases: true}
	for i, sp := range []string{"P1", "P1", "P2", "P2", "P2", "P1", "P3", "P3"} {
		src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("fg#%d", i+1), Case: sp,
			Text: fmt.Sprintf("turn %d", i+1), Attributes: []corpus.Attribute{{Name: "speaker", Value: sp}}})
	}
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	runs := func() int {
		n := 0
		s.view(func(tx *bolt.Tx) error { n = tx.Bucket(bktByCase).Stats().KeyN; return nil })
		return n
	}
	if got := runs(); got != 4 { // P1 ×2, P2 ×3, P1, P3 ×2
		t.Errorf("%d bycase entries, want 4 runs", got)
	}
	before := dump(s)
	if _, err := s.ImportCases("bob", []corpus.Case{{Source: "fg", Speaker: "P2", Name: "Anna"}}); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "joined", casesOf(t, s, "fg"), []string{"fg#1 → fg:P1", "fg#2 → fg:P1", "fg#3 → Anna", "fg#4 → Anna",
		"fg#5 → Anna", "fg#6 → fg:P1", "fg#7 → fg:P3", "fg#8 → fg:P3"})
	for name, want := range map[string][]string{"Anna": {"fg#3", "fg#4", "fg#5"}, "fg:P1": {"fg#1", "fg#2", "fg#6"}, "fg:P3": {"fg#7", "fg#8"}} {
		segs, err := s.Segments(SegmentQuery{Case: name})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, seg := range segs {
			got = append(got, seg.ID)
		}
		sameStrings(t, "case "+name, got, want)
	}
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
	undoRedoExact(t, s, "bob", "the join", before)
}

// TestCaseRunCutInTheMiddle moves the middle segment of a run of five to
// another case: the run becomes two around it.
func TestCaseRunCutInTheMiddle(t *testing.T) {
	s, _ := newProject(t)
	src := &corpus.Source{Name: "sv", File: "sv.csv", Format: "csv", Hash: "h"}
	for i := range 5 {
		src.Segments = append(src.Segments, corpus.Segment{ID: fmt.Sprintf("Q%d", i+1), Case: "R1", Text: "answer"})
	}
	src.Segments = append(src.Segments, corpus.Segment{ID: "Q6", Case: "R2", Text: "answer"})
	if _, err := s.ImportSource("lead", src, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	before := dump(s)
	if _, err := s.act("lead", "move", func(a *action) error {
		r2, _ := recs(a.tx).caseEntry("R2")
		_, err := a.moveToCase([]SegRef{3}, r2)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var runs []string
	s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bktByCase).ForEach(func(k, v []byte) error {
			n, _ := caseRunLen(v)
			runs = append(runs, fmt.Sprintf("case %d: %d+%d", getU64(k), getU64(k[8:]), n))
			return nil
		})
	})
	sameStrings(t, "runs", runs, []string{"case 1: 1+2", "case 1: 4+2", "case 2: 3+1", "case 2: 6+1"})
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Errorf("undo of the move:\n%s", diffLines(before, got))
	}
}

// TestCasesSheetNamesACaseItEmptiedEarlier: a sheet joins P1 to Anna, then
// to Ben (Anna, now empty, goes), then P2 to Anna: Anna is made again,
// not taken from what the sheet made and removed (which ended in "a
// record does not read" and nothing saved). Undo gives back the bytes.
func TestCasesSheetNamesACaseItEmptiedEarlier(t *testing.T) {
	s, _ := newProject(t)
	importNotes(t, s, "fg2.md", fg2Text, corpus.Options{})
	before := dump(s)
	if _, err := s.ImportCases("bob", []corpus.Case{
		{Source: "fg2", Speaker: "P1", Name: "Anna"},
		{Source: "fg2", Speaker: "P1", Name: "Ben"},
		{Source: "fg2", Speaker: "P2", Name: "Anna"},
	}); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "cases", casesOf(t, s, "fg2"), []string{"fg2#3 → Ben", "fg2#4 → Anna", "fg2#6 → Ben"})
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("bob"); err != nil {
		t.Fatal(err)
	}
	if got := dump(s); got != before {
		t.Errorf("undo of the sheet:\n%s", diffLines(before, got))
	}
}
