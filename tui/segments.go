package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// segmentList is the list of segments: neighbours above, the current
// segment in full (currentSegment), neighbours below. The list is a sorted
// slice of refs; only a window of segments around the cursor is loaded
// (into the project's cache), and only the rows that fit are drawn.
type segmentList struct {
	c    common
	keys listKeys
	cur  *currentSegment

	refs       []coding.SegRef // the segments listed, in ascending ref order
	cursor     int
	sampleDone int    // listed segments the coder reviewed (with a sample filter)
	highlight  string // the active search, marked in the rows
	// want is a segment to put the cursor on once the list has loaded (a
	// view asked to go to a segment the filter had left out).
	want coding.SegRef
	// filtering is true from a change of filter until the list it selects
	// has loaded: the filter bar says "reading…" rather than a count.
	filtering bool

	width, height int

	// Laid out in Update (layout), drawn by View.
	above, below int // neighbour rows shown above and below the current one
	currentH     int // the current segment's height
	idW          int // the ID column of neighbour rows
	rows         map[rowKey]string
	rowsOf       int // the version the rows were drawn in
	lines        []string
}

type listKeys struct {
	Down, Up, PageDown, PageUp, Top, Bottom key.Binding
	NextUnreviewed                          key.Binding
}

func newListKeys() listKeys {
	return listKeys{
		Down:           bind("j/↓", "next segment", "j", "down"),
		Up:             bind("k/↑", "previous segment", "k", "up"),
		PageDown:       bind("pgdn", "page down", "pgdown", "ctrl+d"),
		PageUp:         bind("pgup", "page up", "pgup", "ctrl+u"),
		Top:            bind("g", "first segment", "g", "home"),
		Bottom:         bind("G", "last segment", "G", "end"),
		NextUnreviewed: bind("n", "next not reviewed (or match)", "n"),
	}
}

// window is how many segments around the cursor are kept loaded.
const window = 64

func newSegmentList(c common) *segmentList {
	return &segmentList{c: c, keys: newListKeys(), cur: newCurrentSegment(c), idW: 4}
}

// ShortHelp and FullHelp list the list's keys.
func (l *segmentList) ShortHelp() []key.Binding {
	return []key.Binding{brief(l.keys.NextUnreviewed, "uncoded")}
}

func (l *segmentList) FullHelp() [][]key.Binding {
	k := l.keys
	return [][]key.Binding{{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.NextUnreviewed}}
}

// SetSize gives the list its rectangle (the legend, if any, is below it).
func (l *segmentList) SetSize(w, h int) { l.width, l.height = w, h }

// Update moves the cursor on keys, and follows the list's loads.
func (l *segmentList) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd, _ := l.key(msg)
		return cmd
	case loadedMsg:
		return l.loaded(msg)
	case windowMsg:
		return l.prefetch()
	case writeDoneMsg:
		l.sampleProgress()
		// Undo and redo show what they changed, unless the user has moved
		// on since they were asked for.
		if _, ok := msg.w.req.(undoReq); ok && msg.err == nil && len(msg.res.Segments) > 0 && l.currentRef() == msg.w.from {
			if i, ok := l.indexOf(msg.res.Segments[0]); ok {
				return l.move(i)
			}
		}
	case filterMsg:
		l.sampleDone = 0
		l.filtering = true // until the list for it has loaded
	}
	return nil
}

// key handles the list's keys; ok is false for keys it leaves to others.
func (l *segmentList) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := l.keys
	switch {
	case key.Matches(msg, k.Down):
		return l.move(l.cursor + 1), true
	case key.Matches(msg, k.Up):
		return l.move(l.cursor - 1), true
	case key.Matches(msg, k.PageDown):
		return l.move(l.cursor + l.page()), true
	case key.Matches(msg, k.PageUp):
		return l.move(l.cursor - l.page()), true
	case key.Matches(msg, k.Top):
		return l.move(0), true
	case key.Matches(msg, k.Bottom):
		return l.move(len(l.refs) - 1), true
	case key.Matches(msg, k.NextUnreviewed):
		return l.nextUnreviewed(), true
	}
	return nil, false
}

// page is how far pgdn moves: a third of the screen, as the current
// segment's box takes much of the rest.
func (l *segmentList) page() int { return max(1, (l.height+4)/3) }

// navigation tells whether a key only moves the cursor.
func (l *segmentList) navigation(msg tea.KeyPressMsg) bool {
	k := l.keys
	return key.Matches(msg, k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.NextUnreviewed)
}

func (l *segmentList) loaded(msg loadedMsg) tea.Cmd {
	l.refs, l.filtering = msg.refs, false
	l.cursor = 0
	if i, ok := l.indexOf(msg.now); ok {
		l.cursor = i
	} else if i, ok := l.indexOf(msg.keep); ok {
		l.cursor = i
	}
	if i, ok := l.indexOf(l.want); ok && l.want != 0 {
		l.cursor = i
	}
	l.want = 0
	l.cur.moved()
	l.sampleProgress()
	return l.prefetch()
}

// prefetch asks for the segments around the cursor that are not loaded. A
// load asked for is marked so and not asked again until it answers, so no
// command that moves the cursor may be dropped.
func (l *segmentList) prefetch() tea.Cmd {
	if len(l.refs) == 0 {
		return nil
	}
	p := l.c.proj
	lo, hi := max(0, l.cursor-window/2), min(len(l.refs), l.cursor+window)
	var need []coding.SegRef
	for _, r := range l.refs[lo:hi] {
		if p.segs[r] == nil && !p.asked[r] {
			need = append(need, r)
			p.asked[r] = true
		}
	}
	if len(need) == 0 {
		return nil
	}
	return windowCmd(l.c.store, p.visible(), need, p.gen)
}

// trim keeps the cache small on big projects: what is far from the cursor
// goes.
func (l *segmentList) trim() {
	segs := l.c.proj.segs
	if len(segs) <= 8*window {
		return
	}
	for r := range segs {
		if i, ok := l.indexOf(r); !ok || i < l.cursor-2*window || i > l.cursor+2*window {
			delete(segs, r)
		}
	}
}

// indexOf finds a segment's position in the list. The list is always in
// ascending ref order, so this is a binary search (a map over a million
// refs would cost more to build than the first frame may take).
func (l *segmentList) indexOf(r coding.SegRef) (int, bool) {
	return slices.BinarySearch(l.refs, r)
}

// current is the segment under the cursor (nil while it loads).
func (l *segmentList) current() *coding.Segment {
	return l.c.proj.segs[l.currentRef()]
}

// currentRef is the segment under the cursor (0: none).
func (l *segmentList) currentRef() coding.SegRef {
	if l.cursor >= 0 && l.cursor < len(l.refs) {
		return l.refs[l.cursor]
	}
	return 0
}

// move puts the cursor on list position i.
func (l *segmentList) move(i int) tea.Cmd {
	if len(l.refs) == 0 {
		return nil
	}
	i = max(0, min(i, len(l.refs)-1))
	if i != l.cursor {
		l.cursor = i
		l.cur.moved()
	}
	return l.prefetch()
}

// nextUnreviewed moves to the next segment the coder has not reviewed:
// neither coded nor marked "reviewed, nothing applies".
func (l *segmentList) nextUnreviewed() tea.Cmd {
	p := l.c.proj
	for i := l.cursor + 1; i < len(l.refs); i++ {
		if !p.reviewedOnScreen(l.refs[i]) {
			return l.move(i)
		}
	}
	for i := 0; i < l.cursor; i++ {
		if !p.reviewedOnScreen(l.refs[i]) {
			l.c.say("wrapped to the first segment not yet reviewed", statusInfo)
			return l.move(i)
		}
	}
	l.c.say("every listed segment is reviewed (coded, or marked with x)", statusOK)
	return nil
}

// sampleProgress counts the listed segments the coder has reviewed, for
// "sample NAME: reviewed N/M" while a sample filter is on (the list is the
// sample then, so M is its size).
func (l *segmentList) sampleProgress() {
	p := l.c.proj
	l.sampleDone = 0
	if p.query.Sample == "" {
		return
	}
	for _, r := range l.refs {
		if p.coded.Has(r) || p.marked.Has(r) {
			l.sampleDone++
		}
	}
}

// rowKey names a rendered neighbour row: rows are kept while nothing but
// the cursor moves (the project's version stays).
type rowKey struct {
	ref     coding.SegRef
	w, idW  int
	version int
}

// layout draws the list into lines for View: the current segment's box
// first (its height decides how many neighbours fit), then the rows around
// it. Rows already drawn in this version are reused.
func (l *segmentList) layout(focused bool) {
	w, h, p := l.width, l.height, l.c.proj
	if !p.ready || len(l.refs) == 0 {
		l.lines, l.currentH, l.above = nil, 0, 0
		return
	}
	l.cur.layout(l.current(), l.cursor, len(l.refs), w, h, focused, l.highlight)
	ch := l.cur.height()
	rest := max(0, h-ch)
	above := min(l.cursor, rest/3)
	below := rest - above
	if l.cursor+below >= len(l.refs) { // near the end: give the space to the rows above
		below = len(l.refs) - 1 - l.cursor
		above = min(l.cursor, rest-below)
	}
	l.above, l.below, l.currentH = above, below, ch
	l.idW = 4
	for i := max(0, l.cursor-above); i <= l.cursor+below && i < len(l.refs); i++ {
		if seg := p.segs[l.refs[i]]; seg != nil {
			l.idW = max(l.idW, min(16, ansi.StringWidth(seg.ID)))
		}
	}
	if l.rows == nil || len(l.rows) > 4096 || l.rowsOf != p.version {
		// Rows of an older version are never asked for again.
		l.rows, l.rowsOf = map[rowKey]string{}, p.version
	}
	lines := make([]string, 0, h)
	for i := l.cursor - above; i < l.cursor; i++ {
		lines = append(lines, l.row(i, w))
	}
	lines = append(lines, l.cur.lines()...)
	for i := l.cursor + 1; i <= l.cursor+below && i < len(l.refs); i++ {
		lines = append(lines, l.row(i, w))
	}
	blank := strings.Repeat(" ", w)
	for len(lines) < h {
		lines = append(lines, blank)
	}
	l.lines = lines[:h]
}

// row is neighbour i drawn w cells wide, once per version.
func (l *segmentList) row(i, w int) string {
	k := rowKey{ref: l.refs[i], w: w, idW: l.idW, version: l.c.proj.version}
	if out, ok := l.rows[k]; ok {
		return out
	}
	out := padRight(l.renderRow(i, w), w)
	l.rows[k] = out
	return out
}

// View draws the list as laid out.
func (l *segmentList) View() string {
	st, p := l.c.st, l.c.proj
	if !p.ready {
		return lipgloss.Place(l.width, l.height, lipgloss.Center, lipgloss.Center, st.Dim.Render("loading…"))
	}
	if len(l.refs) == 0 {
		msg := "no segments"
		if p.filter != "" {
			msg = "no segments match " + p.filter + " (esc clears the filter)"
		}
		return lipgloss.Place(l.width, l.height, lipgloss.Center, lipgloss.Center, st.Dim.Render(ansi.Truncate(msg, l.width, "…")))
	}
	return strings.Join(l.lines, "\n")
}

// renderRow draws a neighbour on one line: a mark (● the coder's coding is
// saved, × the coder marked it "reviewed, nothing applies", ◌ an action on
// it is still queued, ○ not reviewed), its ID, how many codings, its text.
func (l *segmentList) renderRow(i, w int) string {
	st, p := l.c.st, l.c.proj
	ref := l.refs[i]
	seg := p.segs[ref]
	mark := st.Faint.Render("○")
	switch {
	case p.queued[ref] > 0:
		mark = st.Dim.Render("◌")
	case p.coded.Has(ref):
		mark = st.StatusOK.Render("●")
	case p.marked.Has(ref):
		mark = st.StatusOK.Render("×")
	}
	if seg == nil {
		return ansi.Truncate(" "+mark+" "+st.Dim.Render("…"), w, "…")
	}
	id := st.RowID.Render(fitCells(seg.ID, l.idW))
	n := ""
	if len(seg.Codings) > 0 {
		n = st.Count.Render(fmt.Sprintf("[%d] ", len(seg.Codings)))
	}
	text := strings.Join(strings.Fields(seg.Text), " ")
	style := st.Row
	if p.reviewedOnScreen(ref) {
		style = st.RowCoded
	}
	if l.highlight != "" {
		text = highlight(text, l.highlight, st.Match)
	}
	line := " " + mark + " " + id + " " + n + style.Render(text)
	return ansi.Truncate(line, w, "…")
}

// click moves to the neighbour row at line y of the list.
func (l *segmentList) click(y int) tea.Cmd {
	switch {
	case y < l.above:
		return l.move(l.cursor - l.above + y)
	case y >= l.above+l.currentH:
		return l.move(l.cursor + 1 + y - l.above - l.currentH)
	}
	return nil
}
