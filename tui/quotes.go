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
// each quote with its attribution; s stars one as a report quote.
type quoteList struct {
	c       common
	keys    quoteKeys
	path    string
	loading bool
	err     error
	quotes  []coding.Quote
	cursor  int

	width, height int
}

type quoteKeys struct {
	Down, Up, Star, Close key.Binding
}

func newQuoteKeys() quoteKeys {
	return quoteKeys{
		Down:  bind("j/↓", "next quote", "j", "down"),
		Up:    bind("k/↑", "previous quote", "k", "up"),
		Star:  bind("s", "star as a report quote", "s"),
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
	ql := &quoteList{c: c, keys: newQuoteKeys(), path: path, loading: true}
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
	return []key.Binding{brief(ql.keys.Star, "star"), ql.keys.Close}
}

func (ql *quoteList) FullHelp() [][]key.Binding {
	k := ql.keys
	return [][]key.Binding{{k.Down, k.Up, k.Star, k.Close}}
}

func (ql *quoteList) SetSize(w, h int) { ql.width, ql.height = w, h }

func (ql *quoteList) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		ql.key(msg)
	case quotesMsg:
		if msg.path != ql.path || !ql.loading {
			return nil
		}
		ql.loading, ql.err = false, msg.err
		for _, g := range msg.bank.Groups {
			ql.quotes = append(ql.quotes, g.Quotes...)
		}
		if n := len(msg.bank.Warnings); n > 0 {
			ql.c.say(fmt.Sprintf("%d personal details in these quotes (names, e-mail, phone): x's report redacts them", n), statusInfo)
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

func (ql *quoteList) key(msg tea.KeyPressMsg) {
	k := ql.keys
	switch {
	case key.Matches(msg, k.Close):
		ql.c.post(closeMsg{ql}, reportStaleMsg{}) // stars may have changed the examples
	case key.Matches(msg, k.Down):
		ql.cursor = step(ql.cursor, 1, len(ql.quotes))
	case key.Matches(msg, k.Up):
		ql.cursor = max(ql.cursor-1, 0)
	case key.Matches(msg, k.Star):
		if ql.cursor >= 0 && ql.cursor < len(ql.quotes) {
			q := ql.quotes[ql.cursor]
			ql.c.post(writeMsg{starReq{seg: q.Ref, keys: q.Codings, on: !q.Starred, quote: q.Path}})
		}
	}
}

func (ql *quoteList) View() string {
	st := ql.c.st
	w := max(20, ql.width-st.Page.GetHorizontalFrameSize())
	h := ql.height - st.Page.GetVerticalFrameSize()
	return st.Page.Width(ql.width).Height(ql.height).MaxHeight(ql.height).Render(ql.render(w, h))
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
	limit := h - 2 // the keys go under the list
	start := max(0, ql.cursor-max(1, (h-4)/12))
	for i := start; i < len(ql.quotes); i++ {
		q := ql.quotes[i]
		star := "  "
		if q.Starred {
			star = "★ "
		}
		text := strings.Split(ansi.Wordwrap("“"+q.Text+"”", w-4, " "), "\n")
		if len(text) > 3 {
			text = append(text[:2], ansi.Truncate(strings.Join(text[2:], " "), w-4, "…"))
		}
		if q.Attribution != "" {
			text = append(text, st.Dim.Render("("+ansi.Truncate(q.Attribution, w-6, "…")+")"))
		}
		var block []string
		for j, l := range text {
			prefix := "  "
			if j == 0 {
				prefix = star
			}
			l = prefix + l
			if i == ql.cursor {
				l = st.ItemSelected.Render(ansi.Strip(l))
			}
			block = append(block, l)
		}
		if i < len(ql.quotes)-1 {
			block = append(block, "")
		}
		if len(lines)+len(block) > limit && i > start {
			break
		}
		lines = append(lines, block...)
	}
	lines = append(lines, "", st.Dim.Render("j/k move · s star as a report quote · esc back"))
	return strings.Join(lines, "\n")
}
