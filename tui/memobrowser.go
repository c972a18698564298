package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/printable"
)

// memoBrowser is the M view: every memo of the project — the journal's
// entries, then memos on sources, participants, codes, segments and
// codings — filtered by kind, code and author, with the memo under the
// cursor shown whole below the list. enter jumps to a memo's segment (or
// reads a memo that is on no segment), e edits, n writes a journal entry.
type memoBrowser struct {
	c       common
	keys    memoBrowserKeys
	q       coding.MemoQuery
	asked   int      // loads asked for: an answer to an older one is dropped
	follow  bool     // the load after a write: the cursor stays on its memo
	authors []string // everyone with a memo (from the last load by anyone)
	loading bool
	err     error
	memos   []coding.Memo
	cursor  int
	offset  int
	reading bool // the memo under the cursor fills the page
	scroll  int  // lines scrolled while reading

	width, height int
}

type memoBrowserKeys struct {
	Down, Up, PageDown, PageUp key.Binding
	Open, Read, Edit, Journal  key.Binding
	Kind, Code, Author, Clear  key.Binding
	Back, Close                key.Binding
}

func newMemoBrowserKeys() memoBrowserKeys {
	return memoBrowserKeys{
		Down:     bind("j/↓", "next memo (reading: scroll)", "j", "down"),
		Up:       bind("k/↑", "previous memo (reading: scroll)", "k", "up"),
		PageDown: bind("pgdn", "page down", "pgdown", "ctrl+d", "space"),
		PageUp:   bind("pgup", "page up", "pgup", "ctrl+u"),
		Open:     bind("enter", "go to its segment (else read it)", "enter"),
		Read:     bind("r", "read the whole memo", "r"),
		Edit:     bind("e", "edit your memo (or write yours on the same thing)", "e"),
		Journal:  bind("n", "new journal entry", "n"),
		Kind:     bind("t", "kind: all, journal, source, participant, code, segment, coding", "t"),
		Code:     bind("c", "about a code (and its sub-codes)", "c"),
		Author:   bind("a", "by an author: each in turn, then anyone", "a"),
		Clear:    bind("x", "clear the filters", "x"),
		Back:     bind("esc", "reading: back to the list", "esc", "enter", "r"),
		Close:    bind("esc", "close", "esc", "q", "M"),
	}
}

// memosMsg brings the memos a browser asked for.
type memosMsg struct {
	asked int
	list  []coding.Memo
	err   error
}

// newMemoBrowser opens the browser on every memo.
func newMemoBrowser(c common, _ shown) (component, tea.Cmd) {
	b := &memoBrowser{c: c, keys: newMemoBrowserKeys()}
	return b, b.load()
}

// load reads the memos the filters select.
func (b *memoBrowser) load() tea.Cmd {
	b.asked++
	b.follow = false
	b.loading = true
	s, q, asked := b.c.store, b.q, b.asked
	if !b.c.proj.showAll { // blind coding: other coders' codings stay hidden
		q.Coders = b.c.proj.visibleNames()
	}
	return func() tea.Msg {
		list, err := s.Memos(q)
		for i := range list {
			m := &list[i]
			m.Text, m.About, m.Author = printable.String(m.Text), printable.String(m.About), printable.String(m.Author)
			m.JumpID = printable.String(m.JumpID)
		}
		return memosMsg{asked: asked, list: list, err: err}
	}
}

func (b *memoBrowser) title() string { return "Keys of the memo browser" }

func (b *memoBrowser) ShortHelp() []key.Binding {
	k := b.keys
	if b.reading {
		return []key.Binding{brief(k.Down, "scroll"), brief(k.Edit, "edit"), brief(k.Back, "back")}
	}
	first := []key.Binding{brief(k.Open, "read")}
	if m, ok := b.current(); ok && (m.Target.Kind == coding.MemoSegment || m.Target.Kind == coding.MemoCoding) {
		first = []key.Binding{brief(k.Open, "go to "+m.JumpID), brief(k.Read, "read")}
	}
	return append(first, brief(k.Edit, "edit"), brief(k.Journal, "journal"),
		brief(k.Kind, "kind"), brief(k.Code, "code"), brief(k.Author, "author"), k.Close)
}

func (b *memoBrowser) FullHelp() [][]key.Binding {
	k := b.keys
	return [][]key.Binding{{k.Down, k.Up, k.PageDown, k.PageUp, k.Open, k.Read, k.Back},
		{k.Edit, k.Journal, k.Kind, k.Code, k.Author, k.Clear, k.Close}}
}

func (b *memoBrowser) SetSize(w, h int) {
	b.width, b.height = w, h
	b.keepInView()
}

// inner is the page's size inside its border and padding.
func (b *memoBrowser) inner() (int, int) {
	st := b.c.st.Page
	return max(10, b.width-st.GetHorizontalFrameSize()), max(3, b.height-st.GetVerticalFrameSize())
}

// listH is how many memos the list shows; the rest of the page, below
// it, shows the memo under the cursor (when there is room for both).
func (b *memoBrowser) listH() int {
	_, h := b.inner()
	room := h - 4 // title and a blank line above, a blank line and the keys below
	if room < 10 {
		return max(1, room)
	}
	return max(3, min(len(b.memos), room/2))
}

// previewH is how many lines the memo under the cursor gets below the list
// (0: none fit).
func (b *memoBrowser) previewH() int {
	_, h := b.inner()
	room := h - 4 - b.listH() - 1 // a rule between
	if room < 3 {
		return 0
	}
	return room
}

// keepInView keeps the cursor within the list and on the page.
func (b *memoBrowser) keepInView() {
	b.cursor = step(b.cursor, 0, len(b.memos))
	n := b.listH()
	b.offset = min(b.offset, b.cursor)
	b.offset = max(b.offset, b.cursor-n+1)
	b.offset = max(0, min(b.offset, len(b.memos)-n))
	b.scroll = max(0, min(b.scroll, len(b.readLines())-b.readRoom()))
}

// current is the memo under the cursor.
func (b *memoBrowser) current() (coding.Memo, bool) {
	if b.cursor >= 0 && b.cursor < len(b.memos) {
		return b.memos[b.cursor], true
	}
	return coding.Memo{}, false
}

func (b *memoBrowser) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if b.reading {
			cmd = b.readKey(msg)
		} else {
			cmd = b.key(msg)
		}
	case memosMsg:
		if msg.asked != b.asked {
			return nil // a newer load is on its way
		}
		was, had := b.current()
		b.loading, b.err, b.memos = false, msg.err, msg.list
		if had && b.follow { // stay on the memo written, wherever it is now
			for i, m := range b.memos {
				if m.Target == was.Target && m.Author == was.Author {
					b.cursor = i
				}
			}
		}
		if b.q.Author == "" && msg.err == nil {
			b.authors = authorsOf(msg.list)
		}
	case pickedMsg:
		if msg.purpose == pickMemoFilter {
			b.q.Code, b.cursor = msg.code.Path, 0
			cmd = b.load()
		}
	case writeDoneMsg:
		switch msg.w.req.(type) {
		case memoReq, memoOnReq:
			if msg.err == nil {
				cmd = b.load() // a memo written or edited from here, or from m
				b.follow = true
			}
		}
	}
	b.keepInView()
	return cmd
}

// authorsOf lists the authors of memos, in name order.
func authorsOf(list []coding.Memo) []string {
	var out []string
	for _, m := range list {
		if !slices.Contains(out, m.Author) {
			out = append(out, m.Author)
		}
	}
	slices.Sort(out)
	return out
}

func (b *memoBrowser) key(msg tea.KeyPressMsg) tea.Cmd {
	k := b.keys
	switch {
	case key.Matches(msg, k.Close):
		b.c.post(closeMsg{b})
	case key.Matches(msg, k.Down):
		b.cursor++
	case key.Matches(msg, k.Up):
		b.cursor--
	case key.Matches(msg, k.PageDown):
		b.cursor += b.listH()
	case key.Matches(msg, k.PageUp):
		b.cursor -= b.listH()
	case key.Matches(msg, k.Open):
		b.open()
	case key.Matches(msg, k.Read):
		if _, ok := b.current(); ok {
			b.reading, b.scroll = true, 0
		}
	case key.Matches(msg, k.Edit):
		b.edit()
	case key.Matches(msg, k.Journal):
		b.c.post(memoTargetMsg{coding.MemoTarget{Kind: coding.MemoProject}, "a new entry"})
	case key.Matches(msg, k.Kind):
		b.q.Kinds = nextKind(b.q.Kinds)
		b.cursor = 0
		return b.load()
	case key.Matches(msg, k.Code):
		b.c.post(openMsg{newPicker(b.c, pickMemoFilter, "Memos about the code…")})
	case key.Matches(msg, k.Author):
		b.q.Author = nextAuthor(b.authors, b.q.Author)
		b.cursor = 0
		return b.load()
	case key.Matches(msg, k.Clear):
		b.q, b.cursor = coding.MemoQuery{}, 0
		return b.load()
	}
	return nil
}

// nextKind is the kind filter after kinds: every kind, then each in turn.
func nextKind(kinds []coding.MemoKind) []coding.MemoKind {
	if len(kinds) == 0 {
		return []coding.MemoKind{coding.MemoKinds[0]}
	}
	i := slices.Index(coding.MemoKinds, kinds[0])
	if i < 0 || i+1 >= len(coding.MemoKinds) {
		return nil
	}
	return []coding.MemoKind{coding.MemoKinds[i+1]}
}

// nextAuthor is the author filter after who: anyone, then each in turn.
func nextAuthor(authors []string, who string) string {
	i := slices.Index(authors, who)
	if i+1 < len(authors) {
		return authors[i+1] // from anyone ("" is not there: -1) to the first
	}
	return ""
}

func (b *memoBrowser) readKey(msg tea.KeyPressMsg) tea.Cmd {
	k := b.keys
	switch {
	case key.Matches(msg, k.Back):
		b.reading = false
	case key.Matches(msg, k.Close): // q, M
		b.c.post(closeMsg{b})
	case key.Matches(msg, k.Down):
		b.scroll++
	case key.Matches(msg, k.Up):
		b.scroll--
	case key.Matches(msg, k.PageDown):
		b.scroll += b.readRoom()
	case key.Matches(msg, k.PageUp):
		b.scroll -= b.readRoom()
	case key.Matches(msg, k.Edit):
		b.edit()
	}
	return nil
}

// open goes to the memo's segment (a segment's or a coding's memo), or
// reads a memo that is on no one segment.
func (b *memoBrowser) open() {
	m, ok := b.current()
	if !ok {
		return
	}
	if (m.Target.Kind == coding.MemoSegment || m.Target.Kind == coding.MemoCoding) && m.Jump != 0 {
		b.c.post(closeMsg{b}, gotoMsg{ref: m.Jump, reveal: true})
		return
	}
	b.reading, b.scroll = true, 0
}

// edit opens the coder's own memo: the one under the cursor, or the
// coder's on the same thing when it is someone else's. A journal entry and
// a coding's memo are their author's alone.
func (b *memoBrowser) edit() {
	m, ok := b.current()
	if !ok {
		return
	}
	label := memoKindLabel(m.Target.Kind) + " " + m.About
	if m.Target.Kind == coding.MemoProject {
		label = "#" + fmt.Sprint(m.Entry)
	}
	if m.Author != b.c.proj.who {
		switch m.Target.Kind {
		case coding.MemoProject:
			b.c.say("that journal entry is "+m.Author+"'s: n writes a new one of yours", statusInfo)
			return
		case coding.MemoCoding:
			b.c.say("that is "+m.Author+"'s coding: a coding's memo is its coder's", statusInfo)
			return
		}
	}
	b.c.post(memoTargetMsg{m.Target, label})
}

// memoKindLabel names a kind of memo as the screen speaks of it.
func memoKindLabel(k coding.MemoKind) string {
	switch k {
	case coding.MemoProject:
		return "journal"
	case coding.MemoCase:
		return "participant"
	}
	return string(k)
}

// filters says which filters are on, in words.
func (b *memoBrowser) filters() string {
	kind, code, who := "every kind", "any code", "anyone"
	if len(b.q.Kinds) > 0 {
		kind = memoKindLabel(b.q.Kinds[0])
	}
	if b.q.Code != "" {
		code = b.q.Code
	}
	if b.q.Author != "" {
		who = b.q.Author
	}
	return kind + " · " + code + " · by " + who
}

// about is what a memo is on, as its row names it.
func about(m coding.Memo) string {
	switch m.Target.Kind {
	case coding.MemoProject:
		return fmt.Sprintf("journal #%d", m.Entry)
	case coding.MemoCoding:
		return "coding " + m.About
	}
	return memoKindLabel(m.Target.Kind) + " " + m.About
}

// when is the memo's date: a journal entry's when it was written, any
// other's when last changed.
func when(m coding.Memo) string {
	t := m.Updated
	if m.Target.Kind == coding.MemoProject {
		t = m.Created
	}
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02")
}

func (b *memoBrowser) View() string {
	st := b.c.st
	w, _ := b.inner()
	var lines []string
	if b.reading {
		lines = b.renderReading(w)
	} else {
		lines = b.renderList(w)
	}
	return st.Page.Width(b.width).Height(b.height).MaxHeight(b.height).Render(strings.Join(lines, "\n"))
}

func (b *memoBrowser) head(w int) string {
	st := b.c.st
	count := plural(len(b.memos), "memo", "memos")
	if b.loading && b.memos == nil {
		count = "reading…"
	}
	return st.OverlayTitle.Render("Memos") + st.Dim.Render(ansi.Truncate(" · "+count+" · "+b.filters(), max(1, w-5), "…"))
}

func (b *memoBrowser) renderList(w int) []string {
	st := b.c.st
	_, h := b.inner()
	lines := []string{b.head(w), ""}
	switch {
	case b.err != nil:
		lines = append(lines, st.StatusErr.Render(ansi.Truncate(b.err.Error(), w, "…")))
	case len(b.memos) == 0 && !b.loading:
		empty := "no memos yet: m writes one (on a coding, the segment, its participant or source, a code, or the journal)"
		if b.q.Kinds != nil || b.q.Code != "" || b.q.Author != "" {
			empty = "no memos match these filters (x clears them)"
		}
		lines = append(lines, strings.Split(st.Dim.Render(ansi.Wrap(empty, w, " ")), "\n")...)
	}
	aboutW := min(34, max(12, w/3))
	whoW := min(10, max(6, w/8))
	dateW := 0
	if w >= 90 {
		dateW = 10
	}
	for i := b.offset; i < len(b.memos) && i < b.offset+b.listH(); i++ {
		m := b.memos[i]
		row := fitCells(about(m), aboutW) + " " + st.Dim.Render(fitCells(m.Author, whoW))
		if dateW > 0 {
			row += " " + st.Dim.Render(fitCells(when(m), dateW))
		}
		row += " " + strings.Join(strings.Fields(m.Text), " ")
		lines = append(lines, cursorRow(st, row, i == b.cursor, w))
	}
	if m, ok := b.current(); ok {
		if ph := b.previewH(); ph > 0 {
			for len(lines) < 2+b.listH() {
				lines = append(lines, "")
			}
			lines = append(lines, st.Faint.Render(strings.Repeat("─", w)))
			text := b.memoLines(m, w)
			if len(text) > ph {
				text = append(text[:ph-1], st.Dim.Render(ansi.Truncate("… "+plural(len(text)-ph+1, "more line", "more lines")+": r reads it all", w, "…")))
			}
			lines = append(lines, text...)
		}
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:h-1], st.Dim.Render(ansi.Truncate(b.footNote(), w, "…")))
	return lines
}

// footNote is the line of keys at the foot of the page.
func (b *memoBrowser) footNote() string {
	if m, ok := b.current(); ok && (m.Target.Kind == coding.MemoSegment || m.Target.Kind == coding.MemoCoding) {
		return "enter goes to " + m.JumpID + " · r read · e edit · n journal · t kind · c code · a author · x clear · esc close"
	}
	return "enter read · e edit · n journal entry · t kind · c code · a author · x clear · esc close"
}

// cursorRow draws a list row w cells wide; the cursor's row is marked with
// ▶ as well as coloured, so that it shows on any terminal.
func cursorRow(st *styles, row string, on bool, w int) string {
	if on {
		return st.ItemSelected.Render(padRight(ansi.Truncate("▶ "+ansi.Strip(row), w, "…"), w))
	}
	return ansi.Truncate("  "+row, w, "…")
}

// memoLines is a memo drawn whole, w cells wide: what it is on, by whom
// and when, then its text.
func (b *memoBrowser) memoLines(m coding.Memo, w int) []string {
	st := b.c.st
	head := about(m) + " · " + m.Author
	if d := when(m); d != "" {
		head += " · " + d
	}
	out := []string{st.Bold.Render(ansi.Truncate(head, w, "…"))}
	for _, para := range strings.Split(m.Text, "\n") {
		out = append(out, strings.Split(ansi.Wrap(para, max(1, w), " "), "\n")...)
	}
	return out
}

// readRoom is how many lines of a memo fit while reading it.
func (b *memoBrowser) readRoom() int {
	_, h := b.inner()
	return max(1, h-4)
}

// readLines is the memo under the cursor, whole, for reading.
func (b *memoBrowser) readLines() []string {
	m, ok := b.current()
	if !ok || !b.reading {
		return nil
	}
	w, _ := b.inner()
	return b.memoLines(m, w)
}

func (b *memoBrowser) renderReading(w int) []string {
	st := b.c.st
	_, h := b.inner()
	text := b.readLines()
	lines := []string{b.head(w), ""}
	end := min(len(text), b.scroll+b.readRoom())
	lines = append(lines, text[min(b.scroll, end):end]...)
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	note := "j/k scroll · e edit · esc back to the list"
	if more := len(text) - end; more > 0 {
		note = "↓ " + plural(more, "more line", "more lines") + " · " + note
	}
	return append(lines[:h-1], st.Dim.Render(ansi.Truncate(note, w, "…")))
}
