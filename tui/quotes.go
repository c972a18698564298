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

// quoteList is the report's list of one code's quotes (enter on a row):
// each quote with the code it was coded with and its attribution; enter
// reads a quote whole in its context (the prompt it answers and its
// neighbouring turns, read in a command), s stars one as a report quote.
type quoteList struct {
	c       common
	keys    quoteKeys
	path    string
	loading bool
	err     error
	quotes  []coding.Quote
	cursor  int
	reading bool // the quote under the cursor fills the page
	scroll  int  // lines scrolled while reading
	turns   int  // context turns either side while reading
	ctx     map[contextKey]*coding.SegmentContext

	width, height int
}

type quoteKeys struct {
	Down, Up, Star, Read, Back, More, Less, Close key.Binding
}

func newQuoteKeys() quoteKeys {
	return quoteKeys{
		Down:  bind("j/↓", "next quote (reading: scroll)", "j", "down"),
		Up:    bind("k/↑", "previous quote (reading: scroll)", "k", "up"),
		Star:  bind("s", "star as a report quote", "s"),
		Read:  bind("enter", "read the whole quote, in context", "enter"),
		Back:  bind("esc", "reading: back to the list", "esc", "enter"),
		More:  bind("+", "reading: more context (turns either side)", "+", "="),
		Less:  bind("-", "reading: less context", "-"),
		Close: bind("esc", "back to the report", "esc", "q"),
	}
}

type quotesMsg struct {
	path string
	bank coding.QuoteBank
	err  error
}

// newQuoteList opens the list and reads the quotes of a code.
func newQuoteList(c common, path string, coders []string) (*quoteList, tea.Cmd) {
	ql := &quoteList{c: c, keys: newQuoteKeys(), path: path, loading: true, turns: contextTurns, ctx: map[contextKey]*coding.SegmentContext{}}
	s := c.store
	return ql, func() tea.Msg {
		bank, err := s.Quotes(coding.QuoteQuery{Code: path, Coders: coders})
		for _, g := range bank.Groups {
			for i := range g.Quotes {
				q := &g.Quotes[i]
				q.Text, q.Attribution = printable.String(q.Text), printable.String(q.Attribution)
			}
		}
		return quotesMsg{path, bank, err}
	}
}

func (ql *quoteList) title() string { return "Keys of the quote list" }

func (ql *quoteList) ShortHelp() []key.Binding {
	if ql.reading {
		return []key.Binding{brief(ql.keys.Down, "scroll"), brief(ql.keys.More, "more context"), brief(ql.keys.Less, "less"), brief(ql.keys.Star, "star"), brief(ql.keys.Back, "back")}
	}
	return []key.Binding{brief(ql.keys.Read, "read"), brief(ql.keys.Star, "star"), ql.keys.Close}
}

func (ql *quoteList) FullHelp() [][]key.Binding {
	k := ql.keys
	return [][]key.Binding{{k.Down, k.Up, k.Read, k.Star}, {k.More, k.Less, k.Back, k.Close}}
}

func (ql *quoteList) SetSize(w, h int) { ql.width, ql.height = w, h }

func (ql *quoteList) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return ql.key(msg)
	case contextMsg:
		if msg.err == nil {
			cx := msg.ctx
			ql.ctx[contextKey{msg.ref, msg.n}] = &cx
		} else if ql.reading {
			ql.c.say("context not read: "+msg.err.Error(), statusError)
		}
	case quotesMsg:
		if msg.path != ql.path || !ql.loading {
			return nil
		}
		ql.loading, ql.err = false, msg.err
		for _, g := range msg.bank.Groups {
			ql.quotes = append(ql.quotes, g.Quotes...)
		}
		if n := len(msg.bank.Warnings); n > 0 {
			ql.c.say(plural(n, "personal detail", "personal details")+" in these quotes (names, e-mail, phone): x's report redacts them", statusInfo)
		}
	case writeDoneMsg:
		// A star shows once the store has it.
		if r, ok := msg.w.req.(starReq); ok && r.quote != "" && msg.err == nil {
			for i := range ql.quotes {
				if slices.Equal(ql.quotes[i].Codings, r.keys) {
					ql.quotes[i].Starred = r.on
				}
			}
		}
	}
	return nil
}

// readContext asks for the context of the quote being read, unless it is
// read already.
func (ql *quoteList) readContext() tea.Cmd {
	if ql.cursor < 0 || ql.cursor >= len(ql.quotes) {
		return nil
	}
	ref := ql.quotes[ql.cursor].Ref
	if _, ok := ql.ctx[contextKey{ref, ql.turns}]; ok {
		return nil
	}
	return contextCmd(ql.c.store, ref, ql.turns)
}

func (ql *quoteList) key(msg tea.KeyPressMsg) tea.Cmd {
	k := ql.keys
	if ql.reading {
		switch {
		case key.Matches(msg, k.Back):
			ql.reading = false
		case key.Matches(msg, k.Close): // q
			ql.c.post(closeMsg{ql}, reportStaleMsg{})
		case key.Matches(msg, k.Down):
			ql.scroll = max(0, min(ql.scroll+1, len(ql.readLines())-ql.readRoom()))
		case key.Matches(msg, k.Up):
			ql.scroll = max(0, ql.scroll-1)
		case key.Matches(msg, k.Star):
			ql.star()
		case key.Matches(msg, k.More):
			ql.turns = min(ql.turns+1, maxContext)
			return ql.readContext()
		case key.Matches(msg, k.Less):
			ql.turns, ql.scroll = max(ql.turns-1, 0), 0
			return ql.readContext()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Close):
		ql.c.post(closeMsg{ql}, reportStaleMsg{}) // stars may have changed the examples
	case key.Matches(msg, k.Down):
		ql.cursor = step(ql.cursor, 1, len(ql.quotes))
	case key.Matches(msg, k.Up):
		ql.cursor = max(ql.cursor-1, 0)
	case key.Matches(msg, k.Read):
		if ql.cursor < len(ql.quotes) {
			ql.reading, ql.scroll = true, 0
			return ql.readContext()
		}
	case key.Matches(msg, k.Star):
		ql.star()
	}
	return nil
}

// star stars (or unstars) the quote under the cursor; the list shows it
// once the store has it.
func (ql *quoteList) star() {
	if ql.cursor >= 0 && ql.cursor < len(ql.quotes) {
		q := ql.quotes[ql.cursor]
		ql.c.post(writeMsg{starReq{seg: q.Ref, keys: q.Codings, on: !q.Starred, quote: q.Path}})
	}
}

// inner is the page's size inside its border and padding.
func (ql *quoteList) inner() (int, int) {
	st := ql.c.st.Page
	return max(20, ql.width-st.GetHorizontalFrameSize()), ql.height - st.GetVerticalFrameSize()
}

func (ql *quoteList) View() string {
	st := ql.c.st
	w, h := ql.inner()
	body := ql.render(w, h)
	if ql.reading && !ql.loading && ql.err == nil && ql.cursor < len(ql.quotes) {
		body = ql.renderReading(w, h)
	}
	return st.Page.Width(ql.width).Height(ql.height).MaxHeight(ql.height).Render(body)
}

// codeLine names the code a quote was coded with, in its colour.
func (ql *quoteList) codeLine(q coding.Quote) string {
	book := ql.c.proj.book
	return colorStyle(colorOr(book.ColorOf(q.Code), "#6e7781")).Render("■ ") + strings.ReplaceAll(q.Path, "/", " › ")
}

func (ql *quoteList) render(w, h int) string {
	st := ql.c.st
	title := st.OverlayTitle.Render(ansi.Truncate("Quotes · "+ql.path, w, "…"))
	switch {
	case ql.loading:
		return title + "\n\n" + st.Dim.Render("collecting quotes…")
	case ql.err != nil:
		return title + "\n\n" + st.StatusErr.Render(ql.err.Error())
	case len(ql.quotes) == 0:
		return title + "\n\n" + st.Dim.Render("no coded passages yet") + "\n\n" + st.Dim.Render("esc back")
	}
	lines := []string{ansi.Truncate(title+st.Dim.Render(" · "+plural(len(ql.quotes), "quote", "quotes")), w, "…"), ""}
	lines = blockList(lines, len(ql.quotes), ql.cursor, h-2, func(i int) []string { return ql.block(i, w) }) // the keys go under it
	lines = append(lines, "", st.Dim.Render(ansi.Truncate("j/k move · enter read it whole · s star as a report quote · esc back", w, "…")))
	return strings.Join(lines, "\n")
}

// block is quote i as the list draws it, w cells wide: its code (starred
// or not), its text (three lines at most), its attribution, a blank line.
func (ql *quoteList) block(i, w int) []string {
	st := ql.c.st
	q := ql.quotes[i]
	star := "  "
	if q.Starred {
		star = "★ "
	}
	text := strings.Split(ansi.Wordwrap("“"+q.Text+"”", w-4, " "), "\n")
	if len(text) > 3 {
		text = append(text[:2], ansi.Truncate(strings.Join(text[2:], " "), w-4, "…"))
	}
	text = append([]string{star + ansi.Truncate(ql.codeLine(q), w-4, "…")}, text...)
	if q.Attribution != "" {
		text = append(text, st.Dim.Render("("+ansi.Truncate(q.Attribution, w-6, "…")+")"))
	}
	var block []string
	for j, l := range text {
		prefix := "  "
		if j == 0 {
			prefix = ""
		}
		block = append(block, quoteLine(st, prefix+l, i == ql.cursor, j == 0, w))
	}
	if i < len(ql.quotes)-1 {
		block = append(block, "")
	}
	return block
}

// quoteLine draws a line of a quote's block: the cursor's quote has a bar
// in the margin (▶ on its first line) besides its colour, so that it shows
// on any terminal.
func quoteLine(st *styles, l string, on, first bool, w int) string {
	if !on {
		return "  " + l
	}
	mark := "▌ "
	if first {
		mark = "▶ "
	}
	return st.Cursor.Render(mark) + st.ItemSelected.Render(padRight(ansi.Strip(ansi.Truncate(l, w-2, "…")), w-2))
}

// readRoom is how many lines of a quote fit while reading it.
func (ql *quoteList) readRoom() int {
	_, h := ql.inner()
	return max(1, h-4)
}

// readLines is the quote under the cursor, whole: its code, its text in
// its context (the quote marked in the margin) and its attribution.
func (ql *quoteList) readLines() []string {
	if ql.cursor < 0 || ql.cursor >= len(ql.quotes) {
		return nil
	}
	st := ql.c.st
	w, _ := ql.inner()
	q := ql.quotes[ql.cursor]
	star := ""
	if q.Starred {
		star = "★ "
	}
	out := []string{star + ansi.Truncate(ql.codeLine(q), w-2, "…"), ""}
	body := wrapParagraphs("“"+q.Text+"”", w-2)
	out = append(out, contextLines(st, ql.ctx[contextKey{q.Ref, ql.turns}], body, w)...)
	if q.Attribution != "" {
		out = append(out, "", st.Dim.Render(ansi.Truncate("("+q.Attribution+")", w, "…")))
	}
	return out
}

func (ql *quoteList) renderReading(w, h int) string {
	st := ql.c.st
	title := st.OverlayTitle.Render("Quote") + st.Dim.Render(ansi.Truncate(fmt.Sprintf(" · %d of %d · %s", ql.cursor+1, len(ql.quotes), ql.path), max(1, w-6), "…"))
	keys := fmt.Sprintf("+/- context (%d either side) · s star as a report quote · esc back to the list", ql.turns)
	return readingWindow(st, title, ql.readLines(), ql.scroll, ql.readRoom(), w, h, keys)
}
