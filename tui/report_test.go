package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

func TestReportView(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	h.keys("r")
	frame := h.frame()
	// alice (blind) coded R001–R004: Barriers on R001, R002; Career progression on R003, R004.
	for _, want := range []string{"Report", "your codings", "n = 205 participants", "Workload and time", "█"} {
		if !strings.Contains(frame, want) {
			t.Errorf("report lacks %q:\n%s", want, frame)
		}
	}
	golden(t, "report-120x40", frame)
	v := h.m.top().(*reportView)
	var barriers int
	for _, row := range v.rep.Codes {
		if row.Path == "Barriers" {
			barriers = row.Segments
		}
	}
	if barriers != 2 {
		t.Errorf("alice coded Barriers on 2 segments, report says %d", barriers)
	}
	// b splits by the first attribute, then the next.
	h.keys("b")
	if v.q.By == "" || len(v.rep.Columns) == 0 {
		t.Errorf("b should split the table by an attribute: by %q, %d columns", v.q.By, len(v.rep.Columns))
	}
	// Quotes of a code; s stars from the list.
	for i, row := range v.rows() {
		if row.Path == "Barriers/Workload and time" {
			v.cursor = i
		}
	}
	h.keys("<enter>")
	if len(h.m.top().(*quoteList).quotes) != 2 || !strings.Contains(h.frame(), "Quotes · Barriers/Workload and time") {
		t.Fatalf("quote list:\n%s", h.frame())
	}
	h.keys("s")
	starred := 0
	for _, row := range codings(t, s) {
		if strings.Contains(row, ",true,") {
			starred++
		}
	}
	if starred != 1 {
		t.Errorf("s in the quote list should star the quote's coding: %v", codings(t, s))
	}
	// x writes the Markdown report next to the project.
	h.keys("<esc>x")
	path := strings.TrimSuffix(s.Path(), filepath.Ext(s.Path())) + "-report.md"
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("x did not write the report: %v (status %q)", err, h.m.status.text)
	}
	for _, want := range []string{"```mermaid", "mindmap", "Workload and time"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !strings.Contains(h.m.status.text, "wrote ") {
		t.Errorf("status %q", h.m.status.text)
	}
}

// splitByQuestion codes R001 (question Q9) and opens the report split by
// question: ten columns, with long headers.
func splitByQuestion(t *testing.T, w, hgt int) *harness {
	t.Helper()
	h := newHarness(t, newProject(t), w, hgt, Options{})
	h.keys("2r")
	v := h.m.top().(*reportView)
	for i := 0; v.q.By != "question"; i++ {
		if i > len(v.attrs) {
			t.Fatalf("b never splits by question (attributes %v)", v.attrs)
		}
		h.keys("b")
	}
	if n := len(v.rep.Columns); n != 10 {
		t.Fatalf("the split by question has %d columns, want 10", n)
	}
	return h
}

// reportLine is the frame's line of the report's table that names a code.
func reportLine(t *testing.T, frame, code string) string {
	t.Helper()
	for _, l := range strings.Split(frame, "\n") {
		if strings.Contains(l, "│ "+code+" ") || strings.Contains(l, "│   "+code+" ") {
			return l
		}
	}
	t.Fatalf("no report row for %s:\n%s", code, frame)
	return ""
}

// In a split, each column has its own figures and bar (no overall bar after
// the last column), headers are cut to the column, as many columns as fit
// are shown, ←/→ scroll them and the table says how many are off screen.
func TestReportSplitColumns(t *testing.T) {
	h := splitByQuestion(t, 200, 60)
	v := h.m.top().(*reportView)
	frame := h.frame()
	checkFrame(t, frame, 200, 60)
	l := v.layout(v.tableWidth())
	if l.fit < 5 {
		t.Errorf("at 200 columns %d of 10 split columns fit, want at least 5:\n%s", l.fit, frame)
	}
	want := fmt.Sprintf("columns 1–%d of 10, off screen: %d →", l.fit, 10-l.fit)
	if !strings.Contains(joined(frame), want) {
		t.Errorf("the table should say %q:\n%s", want, frame)
	}
	// R001 answers Q9, alone among the coded: the Motivations row has one
	// bar, in Q9's column, after that column's own figures.
	row := reportLine(t, frame, "Motivations")
	if n := strings.Count(row, "█"); n == 0 || len(strings.FieldsFunc(row, func(r rune) bool { return r != '█' })) != 1 {
		t.Fatalf("one bar expected in the Motivations row: %q", row)
	}
	before := strings.Fields(row[:strings.Index(row, "█")])
	q9 := -1
	for i, c := range v.rep.Columns {
		if strings.HasPrefix(c.Value, "How is information") {
			q9 = i
		}
	}
	cell := v.rep.Codes[0].By[v.rep.Columns[q9].Value]
	if got, want := strings.Join(before[len(before)-2:], " "), fmt.Sprintf("%d %s", cell.Cases, coding.Percent(cell.PercentCases)); got != want {
		t.Errorf("the bar follows %q, want Q9's own figures %q: %q", got, want, row)
	}
	if cell.PercentCases == v.rep.Codes[0].PercentCases {
		t.Fatalf("Q9's figure equals the overall one: the test cannot tell them apart")
	}
	// Scrolling: → moves one column, up to the last page; ← back.
	h.keys("<right>")
	if !strings.Contains(joined(h.frame()), fmt.Sprintf("columns 2–%d of 10, off screen: 1 ←, %d →", l.fit+1, 9-l.fit)) {
		t.Errorf("→ should show columns from the second:\n%s", h.frame())
	}
	for range 20 {
		h.keys("<right>")
	}
	if !strings.Contains(joined(h.frame()), fmt.Sprintf("columns %d–10 of 10, off screen: %d ←", 11-l.fit, 10-l.fit)) {
		t.Errorf("→ stops at the last column:\n%s", h.frame())
	}
	h.keys("<left>")
	if !strings.Contains(joined(h.frame()), fmt.Sprintf("columns %d–9 of 10", 10-l.fit)) {
		t.Errorf("← should go back one column:\n%s", h.frame())
	}
	checkFrame(t, h.frame(), 200, 60)
}

// On narrow screens the code column gives way so that split columns still
// show (two at 80 columns, one at 56), headers cut to their column.
func TestReportSplitFitsNarrowScreens(t *testing.T) {
	for _, c := range []struct{ w, h, cols int }{{80, 24, 2}, {56, 20, 1}} {
		size := [2]int{c.w, c.h}
		h := splitByQuestion(t, size[0], size[1])
		frame := h.frame()
		checkFrame(t, frame, size[0], size[1])
		// "n = 205 participants" in the title, then each column's n.
		if n := strings.Count(frame, "n = ") - 1; n != c.cols {
			t.Errorf("%dx%d: %d split columns shown, want %d:\n%s", size[0], size[1], n, c.cols, frame)
		}
		for _, line := range strings.Split(frame, "\n") {
			if strings.Contains(line, "How is information about social workers undertaking") && strings.Contains(line, "│ code") {
				t.Errorf("%dx%d: a header is not cut to its column: %q", size[0], size[1], line)
			}
		}
	}
}

// The report view of the coder consensus counts the team's final coding,
// derived before anything is settled, and says how much is still open.
// twoCoders: R001 both workload → 1; R004 both career → 1; R002 alice
// workload where bob marked "nothing applies" → a disagreement; R003 alice
// career, bob workload → 2 more; none of the three counted.
func TestReportViewConsensus(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: coding.Consensus})
	h.keys("r")
	frame := h.frame()
	if !strings.Contains(frame, "consensus (3 of 3 disagreements not yet settled)") {
		t.Errorf("report head:\n%s", frame)
	}
	v := h.m.top().(*reportView)
	got := map[string]int{}
	for _, row := range v.rep.Codes {
		got[row.Path] = row.Segments
	}
	if got["Barriers/Workload and time"] != 1 || got["Motivations/Career progression"] != 1 {
		t.Errorf("consensus report: workload %d, career %d; want 1, 1", got["Barriers/Workload and time"], got["Motivations/Career progression"])
	}
}

// The export says how it went even when the report view was closed before
// it was written.
func TestExportAnsweredAfterTheReportClosed(t *testing.T) {
	h := newHeld(t, newProject(t), 80, 24)
	h.press("r")
	h.drain()
	h.press("x") // written in a command, held
	h.press(tea.KeyPressMsg{Code: tea.KeyEscape})
	h.drain()
	if !strings.HasPrefix(h.m.status.text, "wrote ") {
		t.Errorf("status %q, want the report written", h.m.status.text)
	}
}

// The quote list names each quote's code (a parent's list holds its
// sub-codes' quotes), marks the cursor's quote with more than a colour
// (▶ and a bar in the margin), reads a quote whole on enter, and stars
// there as in the list.
func TestQuoteListCodesCursorAndWholeText(t *testing.T) {
	s := newProject(t)
	h := newHarness(t, s, 56, 20, Options{Coder: "alice"})
	// R014 is long (five lines at 56 columns); R001 short. Two codes of Barriers.
	h.keys("jjjjjjjjjjjjj")
	h.keys("cworkload<enter>gcfunding<enter>r")
	v := h.m.top().(*reportView)
	for i, row := range v.rows() {
		if row.Path == "Barriers" {
			v.cursor = i
		}
	}
	h.keys("<enter>")
	ql := h.m.top().(*quoteList)
	frame := h.frame()
	if len(ql.quotes) != 2 || !strings.Contains(frame, "■ Barriers › Funding and budget cuts") || !strings.Contains(frame, "■ Barriers › Workload and time") {
		t.Fatalf("each quote should name its code:\n%s", frame)
	}
	golden(t, "quotes-56x20", frame)
	var marked []string
	for _, l := range strings.Split(frame, "\n") {
		if strings.HasPrefix(l, "│ ▶") || strings.HasPrefix(l, "│ ▌") {
			marked = append(marked, l)
		}
	}
	// The first quote, R014's: its code, three lines of text (cut), its attribution.
	if len(marked) != 5 || !strings.Contains(marked[0], "Workload") || !strings.HasSuffix(strings.TrimRight(marked[3], " │"), "…") {
		t.Errorf("the cursor's quote should be marked ▶, then ▌ on each of its lines, its text cut:\n%s", frame)
	}
	h.keys("<enter>")
	frame = h.frame()
	if !ql.reading || !strings.Contains(frame, "involved.”") || !strings.Contains(frame, "Quote · 1 of 2") {
		t.Errorf("enter should read R014's quote whole:\n%s", frame)
	}
	golden(t, "quote-reading-56x20", frame)
	h.keys("s")
	if got := codings(t, s); !strings.Contains(strings.Join(got, "\n"), "R014,Barriers/Workload and time,alice,,,true,") {
		t.Errorf("s while reading should star the quote: %v", got)
	}
	if !strings.Contains(h.frame(), "★ ■ Barriers › Workload and time") {
		t.Errorf("the star shows once saved:\n%s", h.frame())
	}
	h.keys("<esc>")
	if ql.reading || h.m.top() != ql {
		t.Errorf("esc while reading goes back to the list")
	}
}
