package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qcode/coding"
	"qcode/corpus/printable"
)

// documentView is the current source read as one text (d): its title,
// preamble and headings, the interviewer's prompts dimmed, every turn with
// its codes as stripes in the margin and chips under it, the current turn
// marked. It scrolls by line and by page and draws only the lines on
// screen. Digits, the picker, v, star, memo and x act on the current turn
// as the coding screen's keys act on the current segment (a passage
// selected with v may run across turns); the codebook panel (or the
// legend) is the coding screen's, so the digits mean the same here. d or
// esc goes back to the list at the current turn.
type documentView struct {
	c      common
	keys   docKeys
	spanK  spanKeys
	panel  *codebookPanel // the coding screen's
	legend *legend

	src     coding.SourceID
	name    string        // the source's name
	start   coding.SegRef // the segment it opened at
	loading bool
	err     error
	sheet   bool // a survey sheet: answers under their questions

	parts []docPart
	segs  []coding.Segment      // the document's segments as read (the screen's cache wins where it has one)
	turns []int                 // the parts that are segments, in reading order
	byRef map[coding.SegRef]int // a segment's index in turns

	cur int    // the current turn (index in turns; -1: none)
	top docPos // the first line shown
	sel *docSelection

	width, height int
	textW         int              // the text's width, margin excluded
	wraps         map[int][][2]int // per part: its text's lines at textW
	words         map[int][][2]int // per turn: its words, for a passage

	// Laid out in Update (layout), drawn by View.
	pw, bodyH int
	lines     []string
	drawn     map[docLineKey]string // lines drawn, kept while only the place changes
	drawnOf   docDrawn
	chipCache map[int][][]docChip // per part: its chips in lines, kept likewise
	chipsOf   docDrawn
}

// docPart is a part of the document as the view draws it.
type docPart struct {
	kind    coding.DocKind
	text    string // context's text, printable (a segment's is its own)
	speaker string
	seg     int // index in segs (-1: context)
}

type docKeys struct {
	Down, Up, PageDown, PageUp, Top, Bottom key.Binding
	NextTurn, PrevTurn, NextUnreviewed      key.Binding
	Toggle, Picker, Span, Reviewed          key.Binding
	Star, StarOne, Memo, Undo, Redo         key.Binding
	Close                                   key.Binding
}

func newDocKeys() docKeys {
	return docKeys{
		Down:           bind("j/↓", "scroll down a line", "j", "down"),
		Up:             bind("k/↑", "scroll up a line", "k", "up"),
		PageDown:       bind("pgdn", "page down", "pgdown", "ctrl+d", "space"),
		PageUp:         bind("pgup", "page up", "pgup", "ctrl+u"),
		Top:            bind("g", "beginning", "g", "home"),
		Bottom:         bind("G", "end", "G", "end"),
		NextTurn:       bind("J", "next turn (a passage: end a turn later)", "J", "tab"),
		PrevTurn:       bind("K", "previous turn (a passage: a turn sooner)", "K", "shift+tab"),
		NextUnreviewed: bind("n", "next turn not reviewed", "n"),
		Toggle:         bind("1-9 0", "toggle the numbered code on the turn", digitKeys...),
		Picker:         bind("c", "code picker", "c"),
		Span:           bind("v", "select a passage (across turns)", "v"),
		Reviewed:       bind("x", "reviewed, nothing applies", "x"),
		Star:           bind("s", "star as quote", "s"),
		StarOne:        bind("S", "star one coding", "S"),
		Memo:           bind("m", "memo", "m"),
		Undo:           bind("u", "undo", "u"),
		Redo:           bind("ctrl+r", "redo", "ctrl+r"),
		Close:          bind("d/esc", "back to the list, at this turn", "d", "esc", "q"),
	}
}

// docMsg is the source read as a document.
type docMsg struct {
	src coding.SourceID
	doc coding.Document
	gen int
	err error
}

// newDocument opens the document view on the current segment's source.
func newDocument(c common, at shown) (component, tea.Cmd) {
	d := &documentView{c: c, keys: newDocKeys(), spanK: newSpanKeys(), panel: at.panel, cur: -1,
		wraps: map[int][][2]int{}, words: map[int][][2]int{}}
	if d.panel == nil { // opened without a coding screen (tests): a panel of its own
		d.panel = newCodebookPanel(c)
	}
	d.legend = newLegend(c, d.panel)
	if at.seg == nil {
		d.err = fmt.Errorf("no segment here to read from")
		return d, nil
	}
	d.src, d.name, d.start, d.loading = at.seg.SourceID, at.seg.Source, at.seg.Ref, true
	return d, d.read()
}

// read reads the source, tagged with the write generation it starts in.
func (d *documentView) read() tea.Cmd {
	s, p, src, gen := d.c.store, d.c.proj, d.src, d.c.proj.gen
	coders := visibleCoders(s, p.who, p.showAll)
	return func() tea.Msg {
		doc, err := s.Document(src, coders)
		return docMsg{src: src, doc: doc, gen: gen, err: err}
	}
}

func (d *documentView) title() string { return "Keys of the document view" }

// ShortHelp is the footer.
func (d *documentView) ShortHelp() []key.Binding {
	k := d.keys
	digits := k.Toggle
	digits.SetHelp("1-9", "code")
	if d.sel != nil {
		return []key.Binding{digits, brief(d.spanK.EndRight, "a word on"), brief(k.NextTurn, "a turn on"), brief(d.spanK.Code, "pick"), brief(d.spanK.Cancel, "cancel")}
	}
	return []key.Binding{digits, brief(k.Picker, "pick"), brief(k.Span, "passage"), brief(k.NextTurn, "turn"),
		brief(d.panel.keys.NextTheme, "group"), brief(k.Star, "star"), brief(k.Memo, "memo"), brief(k.Close, "back")}
}

// footerDrops are the hints a narrow footer drops, in order.
func (d *documentView) footerDrops() []string { return []string{"m", "s", "]", "J", "v", "c"} }

// FullHelp is every key of the view.
func (d *documentView) FullHelp() [][]key.Binding {
	k, pk := d.keys, d.panel.keys
	return [][]key.Binding{
		{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.NextTurn, k.PrevTurn, k.NextUnreviewed, k.Close},
		{k.Toggle, pk.NextTheme, pk.PrevTheme, pk.AllThemes, k.Picker, k.Span, k.Reviewed, k.Star, k.StarOne, k.Memo, k.Undo, k.Redo},
		d.spanK.help(),
	}
}

// SetSize gives the view the body.
func (d *documentView) SetSize(w, h int) {
	d.width, d.height = w, h
}

// Update takes keys, the document as read, and the store's answers.
func (d *documentView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return d.key(msg)
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelDown:
			d.scroll(3)
		case tea.MouseWheelUp:
			d.scroll(-3)
		}
	case docMsg:
		return d.loaded(msg)
	case windowMsg:
		if msg.gen == d.c.proj.gen {
			d.refresh(msg.segs)
		}
	case writeDoneMsg:
		return d.written(msg)
	case pickedMsg:
		if msg.purpose == pickDoc {
			return d.picked(msg)
		}
	}
	return nil
}

// loaded folds the document in: the first time at the segment it was
// opened on, after a reload where the reader was.
func (d *documentView) loaded(msg docMsg) tea.Cmd {
	if msg.src != d.src {
		return nil
	}
	if msg.gen != d.c.proj.gen { // a write landed while it was read
		return d.read()
	}
	keep := d.start
	if !d.loading {
		keep = d.currentRef()
	}
	d.loading, d.err = false, msg.err
	if msg.err != nil {
		return nil
	}
	doc := msg.doc
	d.sheet, d.name = doc.Sheet, printable.String(doc.Source.Name)
	d.segs = printableSegments(doc.Segments)
	d.parts = make([]docPart, len(doc.Parts))
	d.turns, d.byRef = nil, map[coding.SegRef]int{}
	for i, p := range doc.Parts {
		d.parts[i] = docPart{kind: p.Kind, text: printable.String(p.Text), speaker: printable.String(p.Speaker), seg: p.Segment}
		if p.Kind == coding.DocSegment {
			d.byRef[d.segs[p.Segment].Ref] = len(d.turns)
			d.turns = append(d.turns, i)
		}
	}
	d.wraps, d.words, d.sel = map[int][][2]int{}, map[int][][2]int{}, nil
	d.cur = -1
	if len(d.turns) > 0 {
		d.cur = 0
	}
	if t, ok := d.byRef[keep]; ok {
		d.cur = t
	}
	if d.top.part >= len(d.parts) {
		d.top = docPos{}
	}
	d.reveal()
	return nil
}

// refresh takes fresh copies of segments the store read.
func (d *documentView) refresh(segs []coding.Segment) {
	for _, seg := range segs {
		if t, ok := d.byRef[seg.Ref]; ok {
			d.segs[d.parts[d.turns[t]].seg] = seg
		}
	}
}

// written folds a write's answer in: its segments, read back; an undo on
// the turn it was asked from moves to what it changed.
func (d *documentView) written(msg writeDoneMsg) tea.Cmd {
	d.refresh(msg.segs)
	if d.loading || d.err != nil {
		return nil
	}
	// A codebook edit (a merge, a deletion) or an action on more segments
	// than an answer names may have changed any turn.
	if _, book := msg.w.req.(codebookReq); book || len(msg.res.Segments) >= 64 {
		return d.read()
	}
	if _, ok := msg.w.req.(undoReq); ok && msg.err == nil && len(msg.res.Segments) > 0 && msg.w.from == d.currentRef() {
		if t, ok := d.byRef[msg.res.Segments[0]]; ok {
			d.moveTo(t)
		}
	}
	return nil
}

// currentRef is the current turn's segment (0: none).
func (d *documentView) currentRef() coding.SegRef {
	if seg := d.turnSeg(d.cur); seg != nil {
		return seg.Ref
	}
	return 0
}

// turnSeg is turn t's segment as the screen shows it: the cache's copy,
// which shows the actions still queued, else the one read with the
// document.
func (d *documentView) turnSeg(t int) *coding.Segment {
	if t < 0 || t >= len(d.turns) {
		return nil
	}
	seg := &d.segs[d.parts[d.turns[t]].seg]
	if cached := d.c.proj.segs[seg.Ref]; cached != nil {
		return cached
	}
	return seg
}

// acting is the current turn's segment, made ready for an action: the
// write queue shows an action on a segment of the screen's cache, so one
// the cache does not hold (the list is filtered, or has not loaded it) is
// handed to it first, as read.
func (d *documentView) acting() *coding.Segment {
	seg := d.turnSeg(d.cur)
	if seg == nil {
		return nil
	}
	if d.c.proj.segs[seg.Ref] == nil {
		d.c.post(windowMsg{segs: []coding.Segment{*seg}, gen: d.c.proj.gen})
	}
	return seg
}

// key routes a key: the passage being selected first, then the view's.
func (d *documentView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := d.keys
	if key.Matches(msg, k.Close) && (d.sel == nil || !key.Matches(msg, d.spanK.Cancel)) {
		d.close()
		return nil
	}
	if d.loading || d.err != nil || len(d.parts) == 0 {
		return nil
	}
	if d.sel != nil && d.selKey(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Down):
		d.scroll(1)
	case key.Matches(msg, k.Up):
		d.scroll(-1)
	case key.Matches(msg, k.PageDown):
		d.scroll(max(1, d.textH()-2))
	case key.Matches(msg, k.PageUp):
		d.scroll(-max(1, d.textH()-2))
	case key.Matches(msg, k.Top):
		d.top = docPos{}
		d.moveTo(0)
	case key.Matches(msg, k.Bottom):
		d.top = d.lastTop()
		d.moveTo(len(d.turns) - 1)
	case key.Matches(msg, k.NextTurn):
		d.moveTo(d.cur + 1)
	case key.Matches(msg, k.PrevTurn):
		d.moveTo(d.cur - 1)
	case key.Matches(msg, k.NextUnreviewed):
		d.nextUnreviewed()
	case key.Matches(msg, k.Toggle):
		if code, ok := numberedCode(d.c, d.panel, digit(msg.String())); ok {
			toggleCode(d.c, d.acting(), code.ID, digitName(digit(msg.String())))
		}
	case d.panel.themeKey(msg):
	case key.Matches(msg, k.Picker):
		if d.turnSeg(d.cur) != nil {
			d.c.post(openMsg{newPicker(d.c, pickDoc, "Apply a code")})
		}
	case key.Matches(msg, k.Span):
		d.beginSelection()
	case key.Matches(msg, k.Reviewed):
		toggleMark(d.c, d.acting())
	case key.Matches(msg, k.Star):
		starCodings(d.c, d.acting(), false)
	case key.Matches(msg, k.StarOne):
		starCodings(d.c, d.acting(), true)
	case key.Matches(msg, k.Memo):
		memoMenu(d.c, d.acting())
	case key.Matches(msg, k.Undo):
		d.c.post(writeMsg{undoReq{}})
	case key.Matches(msg, k.Redo):
		d.c.post(writeMsg{undoReq{redo: true}})
	}
	return nil
}

// navigation tells whether a key only moves the reader (no passage being
// selected): the panel and the list need not be drawn again for it.
func (d *documentView) navigation(msg tea.KeyPressMsg) bool {
	k := d.keys
	return d.sel == nil && key.Matches(msg, k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.NextTurn, k.PrevTurn, k.NextUnreviewed)
}

// close hands the reader back to the list at the current turn.
func (d *documentView) close() {
	if r := d.currentRef(); r != 0 {
		d.c.post(gotoMsg{ref: r})
	}
	d.c.post(closeMsg{d})
}

// picked applies a code chosen in the picker to the turn, or codes the
// passage being selected with it.
func (d *documentView) picked(msg pickedMsg) tea.Cmd {
	if msg.create != "" {
		seg := d.acting()
		if seg == nil {
			return nil
		}
		var span coding.Span
		if d.sel != nil {
			passages, _ := d.passages()
			d.sel = nil
			if len(passages) > 1 {
				d.c.say("a new code takes a passage within one turn: code the first, then the rest with its digit", statusInfo)
				return nil
			}
			if len(passages) == 1 {
				seg, span = d.turnSeg(d.byRef[passages[0].Seg]), passages[0].Span
			}
		}
		d.c.post(writeMsg{createReq{seg: seg.Ref, path: msg.create, span: span}})
		return nil
	}
	if d.sel != nil {
		d.codeSelection(msg.code.ID, "")
		return nil
	}
	applyCode(d.c, d.acting(), msg.code.ID)
	return nil
}

// moveTo makes turn t current and scrolls it into sight.
func (d *documentView) moveTo(t int) {
	if len(d.turns) == 0 {
		return
	}
	t = max(0, min(t, len(d.turns)-1))
	if t != d.cur {
		d.cur = t
		d.posted()
	}
	d.reveal()
}

// posted tells the list where the reader is, so that the coding screen
// (and the place qcode reopens at) follows the document.
func (d *documentView) posted() {
	if r := d.currentRef(); r != 0 {
		d.c.post(gotoMsg{ref: r})
	}
}

// nextUnreviewed moves to the next turn the coder has neither coded nor
// marked, wrapping to the beginning.
func (d *documentView) nextUnreviewed() {
	p := d.c.proj
	for i := 1; i <= len(d.turns); i++ {
		t := (d.cur + i) % len(d.turns)
		if !p.reviewedOnScreen(d.segs[d.parts[d.turns[t]].seg].Ref) {
			if t <= d.cur {
				d.c.say("wrapped to the first turn not yet reviewed", statusInfo)
			}
			d.moveTo(t)
			return
		}
	}
	d.c.say("every turn of this source is reviewed (coded, or marked with x)", statusOK)
}

// textH is how many lines of text the view shows.
func (d *documentView) textH() int { return max(1, d.bodyH-1) }

// scroll moves the view n lines; the current turn follows when it leaves
// the screen.
func (d *documentView) scroll(n int) {
	d.top = advance(d.top, n, len(d.parts), d.partHeight)
	if last := d.lastTop(); last.before(d.top) {
		d.top = last
	}
	d.follow(n)
}

// lastTop is the first line shown when the end of the document is at the
// bottom of the screen.
func (d *documentView) lastTop() docPos {
	if len(d.parts) == 0 {
		return docPos{}
	}
	return advance(docPos{len(d.parts), 0}, -d.textH(), len(d.parts), d.partHeight)
}

// follow keeps the current turn on screen after scrolling: when it has
// left, the first turn that starts on screen (scrolling down) or the last
// (up) becomes current, else one still partly there.
func (d *documentView) follow(dir int) {
	if len(d.turns) == 0 {
		return
	}
	h, n := d.textH(), len(d.parts)
	bottom := advance(d.top, h, n, d.partHeight)
	shown := func(t int) (seen, starts bool) {
		p := d.turns[t]
		start, end := docPos{p, 0}, docPos{p, d.partHeight(p) - 1}
		starts = !start.before(d.top) && start.before(bottom)
		return starts || start.before(d.top) && !end.before(d.top), starts
	}
	if seen, _ := shown(d.cur); seen {
		return
	}
	pick, partly := -1, -1
	first, _ := slices.BinarySearch(d.turns, d.top.part) // the turns before the screen are not on it
	for t := max(0, first-1); t < len(d.turns); t++ {
		seen, starts := shown(t)
		if starts && (pick < 0 || dir < 0) {
			pick = t
		}
		if seen && partly < 0 {
			partly = t
		}
		if d.turns[t] > bottom.part {
			break
		}
	}
	if pick < 0 {
		pick = partly
	}
	if pick >= 0 && pick != d.cur {
		d.cur = pick
		d.posted()
	}
}

// reveal scrolls the current turn into sight. A turn whose start is off
// screen (or in its last third) comes in at the top, after the prompt or heading before it (from
// near the beginning, the document's beginning stays in sight); one whose
// end is below the screen scrolls up the least that shows it.
func (d *documentView) reveal() {
	if d.cur < 0 || len(d.parts) == 0 {
		return
	}
	h, n := d.textH(), len(d.parts)
	p := d.turns[d.cur]
	start, end := docPos{p, 0}, docPos{p, d.partHeight(p) - 2} // its last line, not the blank after it
	bottom := advance(d.top, h-1, n, d.partHeight)
	switch {
	case start.before(d.top) || !start.before(advance(d.top, h*2/3, n, d.partHeight)):
		lead := 0
		for q := p - 1; q >= 0 && d.parts[q].kind != coding.DocSegment && lead+d.partHeight(q) <= h/3; q-- {
			lead += d.partHeight(q)
		}
		d.top = advance(start, -lead, n, d.partHeight)
		if linesFrom(docPos{}, end, h+1, d.partHeight) < h {
			d.top = docPos{}
		}
	case bottom.before(end):
		d.top = advance(end, -(h - 1), n, d.partHeight)
		if start.before(d.top) { // taller than the screen: from its start
			d.top = start
		}
	}
}

// ensure the view implements what the router asks of a view.
var _ component = (*documentView)(nil)

// docTurnLabel names a turn in its header: the speaker (or case) and its
// number within the source ("Lead · #4"), or a sheet answer's ID and
// respondent.
func (d *documentView) docTurnLabel(seg *coding.Segment) (label, id string) {
	id = seg.ID
	if short, ok := strings.CutPrefix(seg.ID, seg.Source+"#"); ok {
		id = "#" + short
	}
	if d.sheet {
		if seg.Case != "" && seg.Case != seg.ID {
			return seg.ID, seg.Case
		}
		return seg.ID, ""
	}
	label = seg.Attr("speaker")
	if label == "" {
		label = seg.Case
	}
	return label, id
}
