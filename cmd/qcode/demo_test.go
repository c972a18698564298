package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The demo holds the survey, the interview and two colleagues' work on a
// double-coded sample: agreement and settling can be tried at once, while
// the user, coding as themselves, starts with nothing of theirs.
func TestDemoProject(t *testing.T) {
	p := filepath.Join(t.TempDir(), "demo.qcode")
	if err := ensureDemo(p); err != nil {
		t.Fatal(err)
	}
	var info struct {
		Sources, Segments, Codings, Memos int
		Coders                            map[string]int
	}
	if err := json.Unmarshal([]byte(mustQcode(t, "-p", p, "info", "--format", "json")), &info); err != nil {
		t.Fatal(err)
	}
	// 205 answers and the lead's 7 turns; sam coded Q11 (42 answers, 7 of
	// them with two codes: 49 codings) and the sample's other 23 segments
	// (32 codings, and 2 marked "nothing applies"); priya the sample (35
	// segments: 52 codings, 1 mark). Memos: 5, and sam's on his R044 coding.
	if info.Sources != 2 || info.Segments != 212 || info.Coders["sam"] != 81 || info.Coders["priya"] != 52 || len(info.Coders) != 2 || info.Memos != 6 {
		t.Errorf("info %+v", info)
	}
	// The sample: 35 segments both reviewed; 12 (segment, code) pairs
	// differ (counted in corpus/demo's table of codings).
	out := mustQcode(t, "-p", p, "disagreements", "--sample", "icr", "--format", "json")
	var list struct {
		Total int `json:"total"`
		Units int `json:"units"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 12 || list.Units != 35 {
		t.Errorf("disagreements: %d on %d units\n%s", list.Total, list.Units, out)
	}
	// The user has nothing yet: their own undo reaches nothing of the demo.
	if _, errs, code := qcode(t, "-p", p, "undo"); code != 1 || !strings.Contains(errs, "nothing to undo") {
		t.Errorf("the user's undo: exit %d %s", code, errs)
	}
}
