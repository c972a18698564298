package tui

import (
	"fmt"
	"slices"
	"sort"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// searchState is the `/` search: typing in the footer, then matches marked
// and n/N jumping between them until esc.
type searchState struct {
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

func (s searchState) active() bool { return s.query != "" && !s.editing }

// position says which match the cursor is on.
func (s searchState) position() string {
	switch {
	case s.running:
		return "(searching…)"
	case len(s.hits) == 0:
		return "(no matches)"
	}
	return fmt.Sprintf("(%d matches · n/N)", len(s.hits))
}

// beginSearch opens the input empty: a new query is typed far more often
// than the last one is changed, and ↑ brings that back.
func (m *Model) beginSearch() {
	m.search.editing = true
	m.search.input = newInput("/", "search the text; enter jumps, ↑ earlier, esc cancels", m.st.isDark)
	m.search.recall, m.search.draft = len(m.search.history), ""
}

// recallQuery shows an earlier (d=-1) or later (d=1) query of the history;
// past the newest comes what was being typed.
func (s *searchState) recallQuery(d int) {
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
func (s *searchState) remember(q string) {
	s.history = slices.DeleteFunc(s.history, func(h string) bool { return h == q })
	s.history = append(s.history, q)
}

func (m *Model) searchKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.search.editing = false
		return nil
	case "up":
		m.search.recallQuery(-1)
		return nil
	case "down":
		m.search.recallQuery(1)
		return nil
	case "enter":
		m.search.editing = false
		q := m.search.input.Value()
		m.search.query, m.search.hits = q, nil
		if q == "" {
			return nil
		}
		m.search.remember(q)
		m.search.running = true
		return searchCmd(m.store, m.query, q, m.refs)
	}
	var cmd tea.Cmd
	m.search.input, cmd = m.search.input.Update(msg)
	return cmd
}

// searchDone takes the matches in and jumps to the first one after the
// cursor. The jump's command loads the segments around the match: prefetch
// marks them asked as it makes it, so dropping it would leave them
// "loading…" for good.
func (m *Model) searchDone(msg searchMsg) tea.Cmd {
	if msg.query != m.search.query {
		return nil // a newer search is on its way
	}
	m.search.running = false
	if msg.err != nil {
		m.status.set("search failed: "+msg.err.Error(), statusError)
		return nil
	}
	m.search.hits = msg.refs
	if len(msg.refs) == 0 {
		m.status.set(fmt.Sprintf("no segment contains %q", msg.query), statusInfo)
		return nil
	}
	m.status.set(fmt.Sprintf("%d segments contain %q", len(msg.refs), msg.query), statusInfo)
	if _, ok := slices.BinarySearch(msg.refs, m.currentRef()); !ok {
		return m.nextMatch(1)
	}
	return nil
}

// nextMatch moves to the next (d=1) or previous match, wrapping round. The
// matches are in list order, so this is a binary search.
func (m *Model) nextMatch(d int) tea.Cmd {
	hits := m.search.hits
	if len(hits) == 0 {
		return nil
	}
	// Hits and the list are both in ref order: compare refs directly.
	cur := m.currentRef()
	k := sort.Search(len(hits), func(k int) bool { return hits[k] > cur })
	if d < 0 {
		k = sort.Search(len(hits), func(k int) bool { return hits[k] >= cur }) - 1
	}
	if k < 0 || k >= len(hits) {
		k = (k + len(hits)) % len(hits)
		m.status.set("search wrapped round", statusInfo)
	}
	i, _ := m.indexOf(hits[k])
	return m.move(i)
}

func (s searchState) view(m *Model, w int) string {
	s.input.SetWidth(w - 2)
	return s.input.View()
}
