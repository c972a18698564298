package coding

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Consensus worked by hand on the five-answer survey (R001–R005; R001, R003
// and R005 are case A, R002 and R004 case B). The rule: per segment and
// code, the settled decision where one exists, else the code when every
// coder who reviewed (coded) the segment applied it; spans united.

const (
	release   = "Barriers/Release and backfill"
	manager   = "Barriers/Manager support and supervision"
	knowledge = "Benefits/For the practitioner/Knowledge and skills"
	salary    = "Motivations/Salary and reward"
	level1    = "Kirkpatrick/L1 Reaction"
	level2    = "Kirkpatrick/L2 Learning"
)

// consensusCounts is the consensus report's segments per code path.
func consensusCounts(t *testing.T, s *Store) (map[string]int, ConsensusSummary) {
	t.Helper()
	r, err := s.Report(ReportQuery{Coders: []string{Consensus}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, c := range r.Codes {
		out[c.Path] = c.Segments
	}
	if r.Consensus == nil {
		t.Fatal("a consensus report without its summary")
	}
	return out, *r.Consensus
}

// consensusRows is `codings export --coder consensus` as CSV lines.
func consensusRows(t *testing.T, s *Store) []string {
	t.Helper()
	var rows []string
	if _, err := s.ExportCodingsOf([]string{Consensus}, func(r CodingRecord) error {
		rows = append(rows, strings.Join(r.CSV(), "|"))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rows
}

func checkCounts(t *testing.T, got map[string]int, want map[string]int) {
	t.Helper()
	for path, n := range want {
		if got[path] != n {
			t.Errorf("consensus %s: %d segments, want %d", path, got[path], n)
		}
	}
}

func checkSummary(t *testing.T, got ConsensusSummary, coders string, total, settled int) {
	t.Helper()
	if strings.Join(got.Coders, ",") != coders || got.Disagreements != total || got.Settled != settled || got.Unsettled != total-settled {
		t.Errorf("summary %+v, want coders %s, %d disagreements, %d settled", got, coders, total, settled)
	}
}

// overlapProject: alice coded R001–R003, bob R002–R004; nobody R005.
//
//	R001 alice: career                 → only alice reviewed it: career
//	R002 alice: workload, release      → both reviewed it: workload (both);
//	     bob:   workload                 release is a disagreement
//	R003 alice, bob: knowledge          → knowledge
//	R004 bob: manager                   → only bob reviewed it: manager
func overlapProject(t *testing.T) (*Store, []SegRef) {
	t.Helper()
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s1")
	applyAs(t, s, "alice", refs[0], career)
	applyAs(t, s, "alice", refs[1], workload)
	applyAs(t, s, "alice", refs[1], release)
	applyAs(t, s, "bob", refs[1], workload)
	applyAs(t, s, "alice", refs[2], knowledge)
	applyAs(t, s, "bob", refs[2], knowledge)
	applyAs(t, s, "bob", refs[3], manager)
	return s, refs
}

func TestConsensusTwoCodersOverlapPartly(t *testing.T) {
	s, _ := overlapProject(t)
	got, sum := consensusCounts(t, s)
	// Barriers: R002 (workload) and R004 (manager) = 2; release nowhere.
	checkCounts(t, got, map[string]int{career: 1, workload: 1, release: 0, knowledge: 1, manager: 1, "Barriers": 2, "Motivations": 1})
	// One disagreement (R002 release), not settled.
	checkSummary(t, sum, "alice,bob", 1, 0)

	// Any coder counts release; consensus leaves it out until settled.
	any, err := s.Report(ReportQuery{Codes: release})
	if err != nil || any.Codes[0].Segments != 1 {
		t.Fatalf("any coder's release: %+v %v", any.Codes, err)
	}
	// The export's memo says who agreed; a segment one coder reviewed
	// alone is "agreed" by that coder.
	want := []string{
		"R001|" + career + "|consensus|||false|Agreed by alice.",
		"R002|" + workload + "|consensus|||false|Agreed by alice, bob.",
		"R003|" + knowledge + "|consensus|||false|Agreed by alice, bob.",
		"R004|" + manager + "|consensus|||false|Agreed by bob.",
	}
	if rows := consensusRows(t, s); strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("consensus export:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

// A decision stands over the coders' codings, whether it adds a code they
// disagreed on or takes away one they agreed on ("none"); undoing it
// brings back what they agreed on, and later coding changes consensus at
// once.
func TestConsensusSettled(t *testing.T) {
	s, refs := overlapProject(t)
	pair := []string{"alice", "bob"}

	// Settled present: take alice's version of release on R002.
	if _, err := s.Settle("lead", refs[1], code(t, s, release), Decision{Kind: TakeCoder, Coder: "alice", Coders: pair}); err != nil {
		t.Fatal(err)
	}
	got, sum := consensusCounts(t, s)
	checkCounts(t, got, map[string]int{release: 1, workload: 1, "Barriers": 2})
	checkSummary(t, sum, "alice,bob", 1, 1)

	// A "none" decision on career at R001 (alice alone coded it): gone from
	// consensus, though nobody disagreed — the lead decided.
	if _, err := s.Settle("lead", refs[0], code(t, s, career), Decision{Kind: TakeNone, Coders: pair}); err != nil {
		t.Fatal(err)
	}
	got, sum = consensusCounts(t, s)
	checkCounts(t, got, map[string]int{career: 0, "Motivations": 0, release: 1})
	checkSummary(t, sum, "alice,bob", 1, 1) // a decision where nobody disagreed is no disagreement
	rows := consensusRows(t, s)
	// Rows go by segment, then code (workload before release in the pq
	// codebook); the settled one carries the audit memo.
	if len(rows) != 4 || rows[0] != "R002|"+workload+"|consensus|||false|Agreed by alice, bob." ||
		!strings.HasPrefix(rows[1], "R002|"+release+"|consensus|||false|Settled by lead on ") ||
		!strings.HasSuffix(rows[1], "alice had: "+release+"\nbob had: none") {
		t.Errorf("export after settling:\n%s", strings.Join(rows, "\n"))
	}

	// Undo the none: career is back, as alice coded it.
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	got, _ = consensusCounts(t, s)
	checkCounts(t, got, map[string]int{career: 1, release: 1})
	// Undo the settle: release is a disagreement again.
	if _, err := s.Undo("lead"); err != nil {
		t.Fatal(err)
	}
	got, sum = consensusCounts(t, s)
	checkCounts(t, got, map[string]int{release: 0, workload: 1})
	checkSummary(t, sum, "alice,bob", 1, 0)

	// Later coding: bob applies release too (now agreed), then takes his
	// workload off R002 (still reviewed: he has release there), so workload
	// becomes the disagreement.
	applyAs(t, s, "bob", refs[1], release)
	if _, err := s.RemoveCode("bob", refs[1], code(t, s, workload)); err != nil {
		t.Fatal(err)
	}
	got, sum = consensusCounts(t, s)
	checkCounts(t, got, map[string]int{release: 1, workload: 0, "Barriers": 2})
	checkSummary(t, sum, "alice,bob", 1, 0)
}

// Spans that differ are united: overlapping spans become one passage,
// disjoint ones stay apart, and a coder who coded the whole segment makes
// the passage the whole segment. The union is starred when any part was.
func TestConsensusSpansUnion(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s1")
	// R002 "No backfill, no time: caseloads are too high": alice the whole
	// answer, bob "No backfill" [0–11) → the whole answer.
	applyAs(t, s, "alice", refs[1], workload)
	applyAs(t, s, "bob", refs[1], workload, 0, 11)
	// R003 "I learned a lot about mental health law": alice "I learned"
	// [0–9), bob "mental health law" [22–39) → two passages.
	applyAs(t, s, "alice", refs[2], knowledge, 0, 9)
	applyAs(t, s, "bob", refs[2], knowledge, 22, 39)
	// R005 "Travel to the university took three hours each way": alice
	// "Travel to the university" [0–24), bob "university took three hours"
	// [14–41) → "Travel to the university took three hours" [0–41).
	applyAs(t, s, "alice", refs[4], travel, 0, 24)
	applyAs(t, s, "bob", refs[4], travel, 14, 41)
	bob, _ := s.CoderID("bob")
	if _, err := s.SetStar("bob", CodingKey{Seg: refs[4], Code: code(t, s, travel), Coder: bob, Span: Span{14, 41}}, true); err != nil {
		t.Fatal(err)
	}

	want := []string{
		"R002|" + workload + "|consensus|||false|Agreed by alice, bob.",
		"R003|" + knowledge + "|consensus|0|9|false|Agreed by alice, bob.",
		"R003|" + knowledge + "|consensus|22|39|false|Agreed by alice, bob.",
		"R005|" + travel + "|consensus|0|41|true|Agreed by alice, bob.",
	}
	if rows := consensusRows(t, s); strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("consensus export:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	// Knowledge counts R003 once however many passages it has.
	got, sum := consensusCounts(t, s)
	checkCounts(t, got, map[string]int{workload: 1, knowledge: 1, travel: 1, "Barriers": 2})
	checkSummary(t, sum, "alice,bob", 0, 0) // a difference of span alone is no disagreement

	bank, err := s.Quotes(QuoteQuery{Coders: []string{Consensus}})
	if err != nil {
		t.Fatal(err)
	}
	var quotes []string
	for _, g := range bank.Groups {
		for _, q := range g.Quotes {
			star := ""
			if q.Starred {
				star = "*"
			}
			quotes = append(quotes, star+q.Text)
		}
	}
	wantQuotes := []string{ // in codebook order: Benefits, then Barriers
		"I learned…",
		"…mental health law",
		"No backfill, no time: caseloads are too high",
		"*Travel to the university took three hours…",
	}
	if strings.Join(quotes, "|") != strings.Join(wantQuotes, "|") {
		t.Errorf("consensus quotes %q, want %q", quotes, wantQuotes)
	}
	// The report's examples are consensus's passages too: Barriers takes
	// its starred child's (travel, the union), workload the whole answer.
	ex, err := s.Report(ReportQuery{Coders: []string{Consensus}, Codes: "Barriers", Examples: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ex.Codes {
		want := map[string]string{
			"Barriers": "Travel to the university took three hours…", travel: "Travel to the university took three hours…",
			workload: "No backfill, no time: caseloads are too high", release: "",
		}
		if w, ok := want[r.Path]; ok {
			got := ""
			if r.Example != nil {
				got = r.Example.Text
			}
			if got != w {
				t.Errorf("%s example %q, want %q", r.Path, got, w)
			}
		}
	}
	// Starring from a quote stars the codings it unites.
	for _, g := range bank.Groups {
		if g.Path == travel && len(g.Quotes[0].Codings) != 2 {
			t.Errorf("the travel quote stands for %d codings, want 2", len(g.Quotes[0].Codings))
		}
	}
}

// Three coders: a code is in consensus when every one of them who reviewed
// the segment applied it. Two agreeing is not enough when the third
// reviewed the segment; it is when the third never did.
func TestConsensusThreeCoders(t *testing.T) {
	s, _ := newProject(t)
	refs := importSurvey(t, s, "s1")
	// R001: alice and bob career; carol reviewed it (salary) without career
	//       → no career, no salary; two disagreements (career, salary).
	applyAs(t, s, "alice", refs[0], career)
	applyAs(t, s, "bob", refs[0], career)
	applyAs(t, s, "carol", refs[0], salary)
	// R004: alice and bob manager; carol never saw R004 → manager.
	applyAs(t, s, "alice", refs[3], manager)
	applyAs(t, s, "bob", refs[3], manager)
	// R003: all three L1 → L1. R005: alice and bob L1, carol L2 → the
	// Kirkpatrick item is one disagreement, however many levels differ.
	for _, c := range []string{"alice", "bob", "carol"} {
		applyAs(t, s, c, refs[2], level1)
	}
	applyAs(t, s, "alice", refs[4], level1)
	applyAs(t, s, "bob", refs[4], level1)
	applyAs(t, s, "carol", refs[4], level2)

	got, sum := consensusCounts(t, s)
	checkCounts(t, got, map[string]int{career: 0, salary: 0, manager: 1, level1: 1, level2: 0, "Kirkpatrick": 1})
	// Disagreements: R001 career, R001 salary, R005 Kirkpatrick = 3.
	checkSummary(t, sum, "alice,bob,carol", 3, 0)
	// Within --codes Motivations: career and salary = 2.
	r, err := s.Report(ReportQuery{Coders: []string{Consensus}, Codes: "Motivations"})
	if err != nil || r.Consensus.Disagreements != 2 {
		t.Errorf("Motivations: %+v %v", r.Consensus, err)
	}
	// Settling the group with bob's version puts L1 on R005.
	if _, err := s.Settle("lead", refs[4], code(t, s, "Kirkpatrick"), Decision{Kind: TakeCoder, Coder: "bob"}); err != nil {
		t.Fatal(err)
	}
	got, sum = consensusCounts(t, s)
	checkCounts(t, got, map[string]int{level1: 2, level2: 0})
	checkSummary(t, sum, "alice,bob,carol", 3, 1)
}

// Consensus's codings written directly (coding as consensus) are a
// decision on their item, as Disagreements counts them.
func TestConsensusCodedDirectly(t *testing.T) {
	s, refs := overlapProject(t)
	applyAs(t, s, Consensus, refs[1], workload, 0, 11)
	got, sum := consensusCounts(t, s)
	checkCounts(t, got, map[string]int{workload: 1, release: 0})
	checkSummary(t, sum, "alice,bob", 1, 0) // release stays undecided
	rows := consensusRows(t, s)
	if len(rows) != 4 || rows[1] != "R002|"+workload+"|consensus|0|11|false|" {
		t.Errorf("export:\n%s", strings.Join(rows, "\n"))
	}
	if _, err := s.ExportCodingsOf([]string{Consensus, "alice"}, func(CodingRecord) error { return nil }); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("consensus with alice: %v", err)
	}
}

// ExportCodingsOf a coder exports that coder's codings only.
func TestExportCodingsOfCoder(t *testing.T) {
	s, _ := overlapProject(t)
	var rows []string
	if _, err := s.ExportCodingsOf([]string{"bob"}, func(r CodingRecord) error {
		rows = append(rows, r.Segment+" "+r.Code+" "+r.Coder)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := "R002 " + workload + " bob|R003 " + knowledge + " bob|R004 " + manager + " bob"
	if strings.Join(rows, "|") != want {
		t.Errorf("bob's codings %q, want %q", strings.Join(rows, "|"), want)
	}
}

// checkConsensus derives consensus from the raw records with the rule
// written out plainly — per segment, the reviewers, each code's appliers,
// the decisions, the union of spans as covered characters — and compares
// it with what the store reports: `codings export --coder consensus`
// passage for passage, the report's segments per code (parents rolled
// up), and the count of disagreements. The random tests run it after every
// action, undo and redo.
func checkConsensus(s *Store) error {
	book := s.Codebook()
	type segCode struct {
		seg  SegRef
		code CodeID
	}
	var want []string
	segsOf := map[CodeID]map[SegRef]bool{} // own codes
	disagreements, settled := 0, 0
	err := s.view(func(tx *bolt.Tx) error {
		cons, _ := s.coderID(tx, Consensus)
		bySeg := map[SegRef][]codingKey{}
		var segs []SegRef
		c := tx.Bucket(bktCodings).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			key := parseCodingKey(k)
			if len(bySeg[key.Seg]) == 0 {
				segs = append(segs, key.Seg)
			}
			bySeg[key.Seg] = append(bySeg[key.Seg], key)
		}
		decided := map[segCode]bool{}
		if b := tx.Bucket(bktSettled); b != nil {
			b.ForEach(func(k, _ []byte) error {
				code := CodeID(binary.BigEndian.Uint32(k[8:]))
				if _, ok := book.byID[code]; ok {
					decided[segCode{SegRef(getU64(k)), itemCode(book, code)}] = true
				}
				return nil
			})
		}
		names := newSegmentNamer(tx)
		for _, seg := range segs {
			keys := bySeg[seg]
			reviewers := map[CoderID]bool{}
			applied := map[CodeID]map[CoderID][]Span{}
			var codes []CodeID
			for _, k := range keys {
				if k.Coder == cons {
					decided[segCode{seg, itemCode(book, k.Code)}] = true
					continue
				}
				reviewers[k.Coder] = true
				if applied[k.Code] == nil {
					applied[k.Code] = map[CoderID][]Span{}
					codes = append(codes, k.Code)
				}
				applied[k.Code][k.Coder] = append(applied[k.Code][k.Coder], k.Span)
			}
			// A review mark makes its coder a reviewer who applied nothing.
			if b := tx.Bucket(bktMarks); b != nil {
				mc := b.Cursor()
				prefix := segPrefix(seg)
				for mk, _ := mc.Seek(prefix); mk != nil && bytes.HasPrefix(mk, prefix); mk, _ = mc.Next() {
					if _, coder := parseMarkKey(mk); coder != cons {
						reviewers[coder] = true
					}
				}
			}
			agreed := func(code CodeID) bool {
				return len(reviewers) > 0 && len(applied[code]) == len(reviewers)
			}
			// Disagreements: items whose codes some reviewers applied and
			// others did not.
			differs := map[CodeID]bool{}
			for _, code := range codes {
				if !agreed(code) {
					differs[itemCode(book, code)] = true
				}
			}
			for item := range differs {
				disagreements++
				if decided[segCode{seg, item}] {
					settled++
				}
			}
			id, err := names.name(seg)
			if err != nil {
				return err
			}
			text := []rune(string(recs(tx).text(seg)))
			emitted := map[CodeID]bool{}
			for _, k := range keys { // in code order
				if emitted[k.Code] {
					continue
				}
				path := book.byID[k.Code].Path
				if decided[segCode{seg, itemCode(book, k.Code)}] {
					if k.Coder != cons {
						continue
					}
					for _, d := range keys {
						if d.Coder == cons && d.Code == k.Code {
							want = append(want, passageRow(id, path, d.Span))
						}
					}
				} else {
					if !agreed(k.Code) {
						continue
					}
					// The union as covered characters.
					covered := make([]bool, len(text)+1)
					whole := false
					for _, spans := range applied[k.Code] {
						for _, sp := range spans {
							whole = whole || sp.Whole()
							for i := sp.Start; i < sp.End && i < len(covered); i++ {
								covered[i] = true
							}
						}
					}
					if whole {
						want = append(want, passageRow(id, path, Span{}))
					} else {
						for i := 0; i < len(covered); i++ {
							if covered[i] {
								j := i
								for j < len(covered) && covered[j] {
									j++
								}
								want = append(want, passageRow(id, path, Span{i, j}))
								i = j
							}
						}
					}
				}
				emitted[k.Code] = true
				if segsOf[k.Code] == nil {
					segsOf[k.Code] = map[SegRef]bool{}
				}
				segsOf[k.Code][seg] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var got []string
	if _, err := s.ExportCodingsOf([]string{Consensus}, func(r CodingRecord) error {
		start, end := 0, 0
		if r.Start != nil {
			start, end = *r.Start, *r.End
		}
		got = append(got, passageRow(r.Segment, r.Code, Span{start, end}))
		return nil
	}); err != nil {
		return err
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		return fmt.Errorf("consensus export:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	r, err := s.Report(ReportQuery{Coders: []string{Consensus}})
	if err != nil {
		return err
	}
	for _, row := range r.Codes {
		n := map[SegRef]bool{}
		for _, id := range book.Subtree(row.Code) {
			for seg := range segsOf[id] {
				n[seg] = true
			}
		}
		if row.Segments != len(n) {
			return fmt.Errorf("consensus report %s: %d segments, want %d", row.Path, row.Segments, len(n))
		}
	}
	if sum := r.Consensus; sum.Disagreements != disagreements || sum.Settled != settled {
		return fmt.Errorf("consensus summary %+v, want %d disagreements, %d settled", sum, disagreements, settled)
	}
	return nil
}

func passageRow(segment, path string, span Span) string {
	return fmt.Sprintf("%s|%s|%d-%d", segment, path, span.Start, span.End)
}
