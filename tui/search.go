package tui

import (
	"fmt"
	"slices"
	"sort"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// searchBar is the `/` search: typing in the footer, then matches marked
// and n/N jumping between them until esc.
type searchBar struct {
	c       common
	keys    searchKeys
	editing bool
	input   textinput.Model
	query   string
	hits    []coding.SegRef
	running bool

	// history holds the queries searched this session, oldest first; recall
	// is the one ↑/↓ shows (len(history): the draft being typed).
	history []string
	recall  int
	draft   string
}

type searchKeys struct {
	Search, Prev   key.Binding // n (next match) is the list's n while a search is on
	Run, Cancel    key.Binding
	Earlier, Later key.Binding
}

func newSearchKeys() searchKeys {
	return searchKeys{
		Search:  bind("/", "search the text", "/"),
		Prev:    bind("N", "previous match", "N"),
		Run:     bind("enter", "search: jump to the first match", "enter"),
		Cancel:  bind("esc", "search: cancel", "esc"),
		Earlier: bind("↑", "search: an earlier query", "up"),
		Later:   bind("↓", "search: a later one", "down"),
	}
}

func newSearchBar(c common) *searchBar { return &searchBar{c: c, keys: newSearchKeys()} }

// ShortHelp lists the keys while typing a query.
func (s *searchBar) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Run, s.keys.Earlier, s.keys.Later, s.keys.Cancel}
}

// FullHelp lists the search keys, those used while typing a query too.
func (s *searchBar) FullHelp() [][]key.Binding {
	k := s.keys
	return [][]key.Binding{{k.Search, k.Prev}, {k.Run, k.Earlier, k.Later, k.Cancel}}
}

// SetSize gives the input the footer's width.
func (s *searchBar) SetSize(w, _ int) { s.input.SetWidth(max(1, w-2)) }

// newInput is a one-line input with a steady cursor (a blinking one would
// redraw the screen twice a second for nothing).
func newInput(prompt, placeholder string, isDark bool) textinput.Model {
	in := textinput.New()
	st := textinput.DefaultStyles(isDark)
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.Focus()
	return in
}

func (s *searchBar) active() bool { return s.query != "" && !s.editing }

// position says how many matches there are.
func (s *searchBar) position() string {
	switch {
	case s.running:
		return "(searching…)"
	case len(s.hits) == 0:
		return "(no matches)"
	}
	return fmt.Sprintf("(%s · n/N)", plural(len(s.hits), "match", "matches"))
}

// begin opens the input empty: a new query is typed far more often than
// the last one is changed, and ↑ brings that back.
func (s *searchBar) begin(w int) {
	s.editing = true
	s.input = newInput("/", "search the text; enter jumps, ↑ earlier, esc cancels", s.c.st.isDark)
	s.SetSize(w, 1)
	s.recall, s.draft = len(s.history), ""
}

// clear ends the search.
func (s *searchBar) clear() {
	s.editing, s.query, s.hits, s.running = false, "", nil, false
}

// recallQuery shows an earlier (d=-1) or later (d=1) query of the history;
// past the newest comes what was being typed.
func (s *searchBar) recallQuery(d int) {
	next := max(0, min(s.recall+d, len(s.history)))
	if next == s.recall {
		return
	}
	if s.recall == len(s.history) {
		s.draft = s.input.Value()
	}
	s.recall = next
	if next == len(s.history) {
		s.input.SetValue(s.draft)
	} else {
		s.input.SetValue(s.history[next])
	}
	s.input.CursorEnd()
}

// remember adds a query to the history, once: searching an older query
// again makes it the newest.
func (s *searchBar) remember(q string) {
	s.history = slices.DeleteFunc(s.history, func(h string) bool { return h == q })
	s.history = append(s.history, q)
}

// Update takes the keys while the query is typed; enter runs the search
// on the list shown (within).
func (s *searchBar) Update(msg tea.Msg) tea.Cmd {
	k, _ := msg.(tea.KeyPressMsg) // or a paste
	switch {
	case key.Matches(k, s.keys.Cancel):
		s.editing = false
		return nil
	case key.Matches(k, s.keys.Earlier):
		s.recallQuery(-1)
		return nil
	case key.Matches(k, s.keys.Later):
		s.recallQuery(1)
		return nil
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	return cmd
}

// run ends the typing and searches the list (refs) for the query.
func (s *searchBar) run(within []coding.SegRef) tea.Cmd {
	s.editing = false
	q := s.input.Value()
	s.query, s.hits = q, nil
	if q == "" {
		return nil
	}
	s.remember(q)
	s.running = true
	return searchCmd(s.c.store, s.c.proj.query, q, within)
}

// done takes the matches in; ok is false when they are not this search's
// (a newer one is on its way) or there are none.
func (s *searchBar) done(msg searchMsg) bool {
	if msg.query != s.query {
		return false // a newer search is on its way
	}
	s.running = false
	if msg.err != nil {
		s.c.say("search failed: "+msg.err.Error(), statusError)
		return false
	}
	s.hits = msg.refs
	if len(msg.refs) == 0 {
		s.c.say(fmt.Sprintf("no segment contains %q", msg.query), statusInfo)
		return false
	}
	verb := "contain"
	if len(msg.refs) == 1 {
		verb = "contains"
	}
	s.c.say(fmt.Sprintf("%s %s %q", plural(len(msg.refs), "segment", "segments"), verb, msg.query), statusInfo)
	return true
}

// next is the list index of the next (d=1) or previous match from the
// segment cur, wrapping round. Hits and the list are both in ref order, so
// this is a binary search.
func (s *searchBar) next(cur coding.SegRef, d int) (coding.SegRef, bool) {
	hits := s.hits
	if len(hits) == 0 {
		return 0, false
	}
	k := sort.Search(len(hits), func(k int) bool { return hits[k] > cur })
	if d < 0 {
		k = sort.Search(len(hits), func(k int) bool { return hits[k] >= cur }) - 1
	}
	if k < 0 || k >= len(hits) {
		k = (k + len(hits)) % len(hits)
		s.c.say("search wrapped round", statusInfo)
	}
	return hits[k], true
}

// View is the input, in the footer.
func (s *searchBar) View() string { return s.input.View() }

// plural counts n things: "1 match", "2 matches".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
