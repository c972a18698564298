package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/printable"
)

// passageList lists segments read for a view — the passages behind a
// co-occurrence cell, the segments most like the current one — and reads
// one whole in its context (the prompt it answers and its neighbouring
// turns, coding.Contexts, in a command); g goes to it in the coding
// screen's list.
type passageList struct {
	c     common
	keys  passageKeys
	head  string          // what is listed, in words
	root  component       // closed (with all above it) when g goes to a passage
	total int             // passages found (more than listed when cut)
	refs  []coding.SegRef // the passages listed, in order
	notes map[coding.SegRef]string
	segs  []coding.Segment

	loading bool
	err     error
	cursor  int
	reading bool // the passage under the cursor fills the page, in context
	only    bool // opened to read one passage: esc closes it
	scroll  int
	turns   int // context turns either side
	ctx     map[contextKey]*coding.SegmentContext

	width, height int
}

// maxPassages is how many passages a list loads: a cell of a large project
// may hold many thousands; the list says how many it leaves out.
const maxPassages = 500

type passageKeys struct {
	Down, Up, Read, Back, More, Less, Go, Close key.Binding
}

func newPassageKeys() passageKeys {
	return passageKeys{
		Down:  bind("j/↓", "next passage (reading: scroll)", "j", "down"),
		Up:    bind("k/↑", "previous passage (reading: scroll)", "k", "up"),
		Read:  bind("enter", "read it whole, in context", "enter"),
		Back:  bind("esc", "reading: back to the list", "esc", "enter"),
		More:  bind("+", "more context (turns either side)", "+", "="),
		Less:  bind("-", "less context", "-"),
		Go:    bind("g", "go to it in the coding screen", "g"),
		Close: bind("esc", "close", "esc", "q"),
	}
}

// passagesFound is what a passage list's finder answers: the passages, how
// many there were, and a note for some (how alike).
type passagesFound struct {
	refs  []coding.SegRef
	total int
	notes map[coding.SegRef]string
}

type passagesMsg struct {
	pl    *passageList
	found passagesFound
	segs  []coding.Segment
	err   error
}

// newPassageList opens a list of the passages find answers (in a command),
// loaded with the codings the screen shows. root is the view closed with
// it when g goes to a passage (nil: the list alone). reading opens the
// first passage in context at once, and esc then closes the list.
func newPassageList(c common, head string, root component, reading bool, find func() (passagesFound, error)) (*passageList, tea.Cmd) {
	pl := &passageList{c: c, keys: newPassageKeys(), head: head, root: root, loading: true, reading: reading, only: reading,
		turns: contextTurns, ctx: map[contextKey]*coding.SegmentContext{}}
	if root == nil {
		pl.root = pl
	}
	s, coders := c.store, c.proj.visible()
	return pl, func() tea.Msg {
		found, err := find()
		if err != nil {
			return passagesMsg{pl: pl, err: err}
		}
		if found.total < len(found.refs) {
			found.total = len(found.refs)
		}
		if len(found.refs) > maxPassages {
			found.refs = found.refs[:maxPassages]
		}
		segs, err := s.Load(found.refs, coders)
		for i := range segs {
			segs[i].Text = printable.String(segs[i].Text)
		}
		return passagesMsg{pl: pl, found: found, segs: segs, err: err}
	}
}

func (pl *passageList) title() string { return "Keys of the passage list" }

func (pl *passageList) ShortHelp() []key.Binding {
	k := pl.keys
	if pl.reading {
		return []key.Binding{brief(k.Down, "scroll"), brief(k.More, "more context"), brief(k.Less, "less"), brief(k.Go, "go to it"), brief(k.Back, "back")}
	}
	return []key.Binding{brief(k.Read, "read in context"), brief(k.Go, "go to it"), k.Close}
}

func (pl *passageList) FullHelp() [][]key.Binding {
	k := pl.keys
	return [][]key.Binding{{k.Down, k.Up, k.Read, k.Go}, {k.More, k.Less, k.Back, k.Close}}
}

func (pl *passageList) SetSize(w, h int) { pl.width, pl.height = w, h }

func (pl *passageList) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return pl.key(msg)
	case passagesMsg:
		if msg.pl != pl {
			return nil
		}
		pl.loading, pl.err = false, msg.err
		pl.segs, pl.total, pl.notes = msg.segs, msg.found.total, msg.found.notes
		if pl.reading {
			return pl.readContext()
		}
	case contextMsg:
		if msg.err == nil {
			cx := msg.ctx
			pl.ctx[contextKey{msg.ref, msg.n}] = &cx
		} else if pl.reading {
			pl.c.say("context not read: "+msg.err.Error(), statusError)
		}
	}
	return nil
}

// current is the passage under the cursor (nil: none).
func (pl *passageList) current() *coding.Segment {
	if pl.cursor >= 0 && pl.cursor < len(pl.segs) {
		return &pl.segs[pl.cursor]
	}
	return nil
}

// readContext asks for the current passage's context, unless it is read.
func (pl *passageList) readContext() tea.Cmd {
	seg := pl.current()
	if seg == nil {
		return nil
	}
	if _, ok := pl.ctx[contextKey{seg.Ref, pl.turns}]; ok {
		return nil
	}
	return contextCmd(pl.c.store, seg.Ref, pl.turns)
}

func (pl *passageList) key(msg tea.KeyPressMsg) tea.Cmd {
	k := pl.keys
	if key.Matches(msg, k.Go) {
		if seg := pl.current(); seg != nil {
			pl.c.post(closeMsg{pl.root}, gotoMsg{ref: seg.Ref, reveal: true})
		}
		return nil
	}
	if pl.reading {
		switch {
		case key.Matches(msg, k.Back) && pl.only:
			pl.c.post(closeMsg{pl})
		case key.Matches(msg, k.Back):
			pl.reading = false
		case key.Matches(msg, k.Close): // q
			pl.c.post(closeMsg{pl})
		case key.Matches(msg, k.Down):
			pl.scroll = max(0, min(pl.scroll+1, len(pl.readLines())-pl.readRoom()))
		case key.Matches(msg, k.Up):
			pl.scroll = max(0, pl.scroll-1)
		case key.Matches(msg, k.More):
			pl.turns = min(pl.turns+1, maxContext)
			return pl.readContext()
		case key.Matches(msg, k.Less):
			pl.turns = max(pl.turns-1, 0)
			pl.scroll = 0
			return pl.readContext()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Close):
		pl.c.post(closeMsg{pl})
	case key.Matches(msg, k.Down):
		pl.cursor = step(pl.cursor, 1, len(pl.segs))
	case key.Matches(msg, k.Up):
		pl.cursor = max(pl.cursor-1, 0)
	case key.Matches(msg, k.Read):
		if pl.current() != nil {
			pl.reading, pl.scroll = true, 0
			return pl.readContext()
		}
	}
	return nil
}

func (pl *passageList) inner() (int, int) {
	st := pl.c.st.Page
	return max(20, pl.width-st.GetHorizontalFrameSize()), pl.height - st.GetVerticalFrameSize()
}

func (pl *passageList) View() string {
	w, h := pl.inner()
	body := pl.render(w, h)
	if pl.reading && !pl.loading && pl.err == nil && pl.current() != nil {
		body = pl.renderReading(w, h)
	}
	return pl.c.st.Page.Width(pl.width).Height(pl.height).MaxHeight(pl.height).Render(body)
}

// label names a passage: its source and ID, its case, its note.
func (pl *passageList) label(seg *coding.Segment) string {
	// An ID made from its source's name says the source already; a
	// speaker of this source is named by its label.
	l := seg.Source + ":" + seg.ID
	if strings.HasPrefix(seg.ID, seg.Source) {
		l = seg.ID
	}
	if seg.Case != "" {
		l += " · " + strings.TrimPrefix(coding.CaseDisplay(seg.Case), seg.Source+":")
	}
	if n := pl.notes[seg.Ref]; n != "" {
		l += " · " + n
	}
	return printable.String(l)
}

// codesOf names the codes on a passage, as the screen shows them.
func (pl *passageList) codesOf(seg *coding.Segment) string {
	var names []string
	for _, c := range seg.Codings {
		if code, ok := pl.c.proj.book.Code(c.Code); ok && !containsString(names, code.Name) {
			names = append(names, code.Name)
		}
	}
	return printable.String(strings.Join(names, " · "))
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func (pl *passageList) render(w, h int) string {
	st := pl.c.st
	title := st.OverlayTitle.Render("Passages") + st.Dim.Render(ansi.Truncate(" · "+pl.head, max(1, w-10), "…"))
	switch {
	case pl.loading:
		return title + "\n\n" + st.Dim.Render("reading the passages…")
	case pl.err != nil:
		return title + "\n\n" + st.StatusErr.Render(ansi.Truncate(pl.err.Error(), w, "…"))
	case len(pl.segs) == 0:
		return title + "\n\n" + st.Dim.Render("no passages") + "\n\n" + st.Dim.Render("esc back")
	}
	count := plural(pl.total, "passage", "passages")
	if pl.total > len(pl.segs) {
		count = fmt.Sprintf("the first %d of %s", len(pl.segs), count)
	}
	lines := []string{title, st.Dim.Render(ansi.Truncate(count, w, "…"))}
	lines = blockList(lines, len(pl.segs), pl.cursor, h-2, func(i int) []string { return pl.block(i, w) })
	lines = append(lines, "", st.Dim.Render(ansi.Truncate("j/k move · enter read it in context · g go to it · esc back", w, "…")))
	return strings.Join(lines, "\n")
}

// block is passage i as the list draws it: its label, its text (three
// lines at most), its codes, a blank line.
func (pl *passageList) block(i, w int) []string {
	st := pl.c.st
	seg := &pl.segs[i]
	text := strings.Split(ansi.Wordwrap(strings.ReplaceAll(seg.Text, "\n", " "), max(1, w-4), " "), "\n")
	if len(text) > 3 {
		text = append(text[:2], ansi.Truncate(strings.Join(text[2:], " "), w-4, "…"))
	}
	text = append([]string{ansi.Truncate(pl.label(seg), w-4, "…")}, text...)
	if codes := pl.codesOf(seg); codes != "" {
		text = append(text, st.Dim.Render(ansi.Truncate("■ "+codes, w-4, "…")))
	}
	var block []string
	for j, l := range text {
		prefix := "  "
		if j == 0 {
			prefix = ""
		}
		block = append(block, quoteLine(st, prefix+l, i == pl.cursor, j == 0, w))
	}
	if i < len(pl.segs)-1 {
		block = append(block, "")
	}
	return block
}

func (pl *passageList) readRoom() int {
	_, h := pl.inner()
	return max(1, h-4)
}

// readLines is the current passage in its context.
func (pl *passageList) readLines() []string {
	seg := pl.current()
	if seg == nil {
		return nil
	}
	w, _ := pl.inner()
	body := wrapParagraphs(seg.Text, w-2)
	out := []string{pl.c.st.Bold.Render(ansi.Truncate(pl.label(seg), w, "…"))}
	if codes := pl.codesOf(seg); codes != "" {
		out = append(out, pl.c.st.Dim.Render(ansi.Truncate("■ "+codes, w, "…")))
	}
	return append(append(out, ""), contextLines(pl.c.st, pl.ctx[contextKey{seg.Ref, pl.turns}], body, w)...)
}

func (pl *passageList) renderReading(w, h int) string {
	st := pl.c.st
	head := fmt.Sprintf(" · %d of %d · %s either side", pl.cursor+1, len(pl.segs), plural(pl.turns, "turn", "turns"))
	title := st.OverlayTitle.Render("Passage") + st.Dim.Render(ansi.Truncate(head, max(1, w-9), "…"))
	return readingWindow(st, title, pl.readLines(), pl.scroll, pl.readRoom(), w, h, "+/- context · g go to it · esc back")
}
