package tui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// codingScreen is the view at the bottom of the stack: the segment list
// with the current segment in full, the codebook panel beside it (or the
// legend under it on a narrow screen), and the search typed in the footer.
// It turns keys into actions on the current segment (actions.go) and opens
// the other views.
type codingScreen struct {
	c      common
	keys   screenKeys
	spanK  spanKeys
	list   *segmentList
	panel  *codebookPanel
	legend *legend
	bar    *filterBar
	search *searchBar
	focus  focusArea
	sugg   *suggestions

	width, height int
}

type focusArea int

const (
	focusList focusArea = iota
	focusPanel
)

type screenKeys struct {
	Toggle                  key.Binding // 1–9, 0
	Picker, Clear           key.Binding
	Reviewed, Star, StarOne key.Binding
	Memo, Undo, Redo        key.Binding
	Take                    key.Binding // the first suggestion
	Focus                   key.Binding
	Coders, Quit            key.Binding
	// The keys that open views are in views (views.go).
}

func newScreenKeys() screenKeys {
	return screenKeys{
		Toggle:   bind("1-9 0", "toggle the numbered code", digitKeys...),
		Picker:   bind("c", "code picker", "c"),
		Clear:    bind("esc", "drop the search, then last filter", "esc"),
		Reviewed: bind("x", "reviewed, nothing applies", "x"),
		Star:     bind("s", "star as quote", "s"),
		StarOne:  bind("S", "star one coding", "S"),
		Memo:     bind("m", "memo (asks: on what?)", "m"),
		Undo:     bind("u", "undo", "u"),
		Redo:     bind("ctrl+r", "redo", "ctrl+r"),
		Take:     bind("t", "take the first suggested code", "t"),
		Focus:    bind("tab", "focus list/codebook", "tab"),
		Coders:   bind("C", "all coders / only mine", "C"),
		Quit:     bind("q", "quit", "q"),
	}
}

func newCodingScreen(c common) *codingScreen {
	s := &codingScreen{c: c, keys: newScreenKeys(), spanK: newSpanKeys(),
		list: newSegmentList(c), panel: newCodebookPanel(c), search: newSearchBar(c)}
	s.legend = newLegend(c, s.panel)
	s.bar = newFilterBar(c)
	s.sugg = &suggestions{c: c}
	return s
}

// ShortHelp is the footer: the keys to code, in a word each.
func (s *codingScreen) ShortHelp() []key.Binding {
	k := s.keys
	digits := k.Toggle
	digits.SetHelp("1-9", "code")
	return []key.Binding{
		digits, brief(k.Picker, "pick"), brief(s.list.keys.NextUnreviewed, "uncoded"),
		brief(s.panel.keys.NextTheme, "group"), brief(k.Star, "star"), brief(k.Memo, "memo"), brief(k.Undo, "undo"),
		brief(s.search.keys.Search, "search"), brief(k.Quit, "quit"),
	}
}

// footerDrops are the footer's hints (by key) in the order a narrow footer
// drops them.
func (s *codingScreen) footerDrops() []string {
	return []string{"m", "s", "]", "/", "n", "c", "u", "q", "1-9"}
}

// FullHelp is every key of the coding screen, its panels' included.
func (s *codingScreen) FullHelp() [][]key.Binding {
	k, lk, pk, sk := s.keys, s.list.keys, s.panel.keys, s.search.keys
	ck := s.list.cur.keys
	return [][]key.Binding{
		{lk.Down, lk.Up, lk.PageDown, lk.PageUp, lk.Top, lk.Bottom, lk.NextUnreviewed, ck.ScrollDown, ck.ScrollUp},
		append(append([]key.Binding{sk.Search, sk.Prev, k.Clear, k.Coders}, viewKeys()...), k.Quit),
		{k.Toggle, k.Take, k.Picker, ck.Span, k.Reviewed, k.Star, k.StarOne, k.Memo, k.Undo, k.Redo},
		{pk.NextTheme, pk.PrevTheme, pk.AllThemes, k.Focus, pk.Down, pk.Up, pk.Open, pk.Expand, pk.Collapse, pk.Back},
		s.spanK.help(),
		s.search.FullHelp()[1],
	}
}

// title names the coding screen on the ? screen.
func (s *codingScreen) title() string { return "Keys of the coding screen" }

// typing is true while a search is typed in the footer.
func (s *codingScreen) typing() bool { return s.search.editing }

// footer is the search input while a search is typed.
func (s *codingScreen) footer(int) (string, bool) {
	if s.search.editing {
		return s.search.View(), true
	}
	return "", false
}

// SetSize gives the screen the body's rectangle; layout shares it out.
func (s *codingScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.search.SetSize(w, 1)
}

// panelWidth is the codebook panel's width (0: hidden on narrow screens).
func (s *codingScreen) panelWidth() int { return panelWidthFor(s.width) }

// showsBar tells whether the filter bar is over the list: while a filter
// is on, where the body has room for it (else the status line names the
// filter).
func (s *codingScreen) showsBar() bool {
	return s.height >= 8 && s.width >= 20 && len(s.c.proj.query.Terms()) > 0
}

// layout shares the body out (list, panel or legend) and has each lay
// itself out; the router calls it after every message.
func (s *codingScreen) layout() {
	pw := s.panelWidth()
	s.bar.SetSize(s.width, 1)
	s.bar.layout(len(s.list.refs), s.c.proj.total, s.list.filtering)
	if !s.showsBar() {
		s.bar.line = ""
	}
	h := s.height - s.bar.height()
	legendH := 0
	if pw == 0 {
		s.legend.SetSize(s.width, h)
		s.legend.layout()
		legendH = s.legend.height()
	}
	s.list.SetSize(s.width-pw, h-legendH)
	s.panel.SetSize(pw, h)
	s.panel.focused = s.focus == focusPanel
	s.list.cur.hint = s.sugg.hint(s.list.current(), s.panel)
	s.list.highlight = ""
	if s.search.active() {
		s.list.highlight = s.search.query
	}
	s.list.layout(s.focus == focusList)
	s.panel.layout()
}

// View draws the list beside the panel, or above the legend.
func (s *codingScreen) View() string {
	body := s.list.View()
	if s.panelWidth() > 0 {
		body = joinColumns(body, s.panel.View())
	} else if l := s.legend.View(); l != "" {
		body += "\n" + l
	}
	if bar := s.bar.View(); bar != "" {
		body = bar + "\n" + body
	}
	return body
}

// navigation tells whether a key only moves the list's cursor.
func (s *codingScreen) navigation(k tea.KeyPressMsg) bool {
	if s.list.cur.span != nil || s.search.editing || s.focus != focusList {
		return false
	}
	if key.Matches(k, s.list.keys.NextUnreviewed) {
		return !s.search.active()
	}
	return s.list.navigation(k)
}

// Update handles the screen's keys, mouse and the messages its parts and
// dialogs post, then has the suggestions follow the cursor and the saved
// actions.
func (s *codingScreen) Update(msg tea.Msg) tea.Cmd {
	cmd := s.update(msg)
	if more := s.sugg.update(msg, s.list.currentRef()); more != nil {
		return tea.Batch(cmd, more)
	}
	return cmd
}

func (s *codingScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return s.key(msg)
	case tea.PasteMsg:
		if s.search.editing {
			return s.search.Update(msg)
		}
	case tea.MouseClickMsg:
		return s.click(msg.Mouse())
	case tea.MouseWheelMsg:
		return s.wheel(msg.Mouse())
	case loadedMsg:
		s.panel.Update(msg)
		return s.list.Update(msg)
	case windowMsg:
		return s.list.Update(msg)
	case writeDoneMsg:
		s.panel.Update(msg)
		return s.list.Update(msg)
	case searchMsg:
		var cmd tea.Cmd
		if s.search.done(msg) {
			if _, ok := slices.BinarySearch(msg.refs, s.list.currentRef()); !ok {
				cmd = s.nextMatch(1)
			}
		}
		// The jump's command loads the segments around the match: prefetch
		// marks them asked as it makes it, so dropping it would leave them
		// "loading…" for good.
		return tea.Batch(cmd, s.list.prefetch())
	case filterMsg:
		s.search.clear()
		return s.list.Update(msg)
	case toggleMsg:
		return s.toggle(msg.code)
	case focusMsg:
		s.focus = focusPanel
		if msg.list {
			s.focus = focusList
		}
	case pickedMsg:
		return s.picked(msg)
	case memoTargetMsg: // from the memo menu or browser, wherever it was opened
		return openMemo(s.c, msg.target, msg.label)
	case attrPickedMsg:
		s.c.post(openMsg{attrValueChooser(s.c, msg.attr)})
	case gotoMsg:
		if i, ok := s.list.indexOf(msg.ref); ok {
			return s.list.move(i)
		}
		if msg.reveal && !s.c.proj.query.IsZero() { // filtered out: show every segment, at that one
			s.list.want = msg.ref
			s.c.post(filterMsg{}, statusMsg{"the segment is not among the filtered ones: filter cleared", statusInfo})
		}
	}
	return nil
}

// key routes a key within the screen: the search being typed first, then
// the passage being selected, the panel with focus, the screen's own keys,
// then the list's and the current segment's.
func (s *codingScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	if s.search.editing {
		if key.Matches(msg, s.search.keys.Run) {
			return s.search.run(s.list.refs)
		}
		return s.search.Update(msg)
	}
	cur := s.list.cur
	if cur.span != nil {
		if cmd, ok := cur.spanKey(msg, s.spanK); ok {
			return cmd
		}
	}
	if s.focus == focusPanel && s.panel.key(msg) {
		return nil
	}
	k := s.keys
	switch {
	case key.Matches(msg, k.Quit):
		s.c.post(quitMsg{})
	case key.Matches(msg, k.Clear):
		switch {
		case s.search.active():
			s.search.clear()
			s.c.say("search cleared", statusInfo)
		case !s.c.proj.query.IsZero(): // the filter's last condition
			if terms := s.c.proj.query.Terms(); len(terms) > 0 {
				s.c.post(withoutTerm(s.c.proj, terms[len(terms)-1]))
			} else {
				s.c.post(filterMsg{})
			}
		}
	case s.search.active() && key.Matches(msg, s.list.keys.NextUnreviewed):
		return s.nextMatch(1)
	case s.search.active() && key.Matches(msg, s.search.keys.Prev):
		return s.nextMatch(-1)
	case key.Matches(msg, k.Toggle):
		return s.toggleNumbered(digit(msg.String()))
	case s.panel.themeKey(msg):
	case key.Matches(msg, k.Picker):
		if s.list.current() != nil {
			s.c.post(openMsg{newPicker(s.c, pickApply, "Apply a code")})
		}
	case key.Matches(msg, s.search.keys.Search):
		s.search.begin(s.width)
	case key.Matches(msg, k.Reviewed):
		s.toggleMark()
	case key.Matches(msg, k.Star):
		s.star(false)
	case key.Matches(msg, k.StarOne):
		s.star(true)
	case key.Matches(msg, k.Memo):
		s.memo()
	case key.Matches(msg, cur.keys.Span):
		cur.beginSpan(s.list.current())
	case key.Matches(msg, k.Undo):
		s.c.post(writeMsg{undoReq{}})
	case key.Matches(msg, k.Redo):
		s.c.post(writeMsg{undoReq{redo: true}})
	case key.Matches(msg, k.Take):
		s.take()
	case key.Matches(msg, k.Focus):
		if s.panelWidth() > 0 {
			s.focus = 1 - s.focus
		}
	case key.Matches(msg, k.Coders):
		s.c.post(coderViewMsg{all: !s.c.proj.showAll})
	default:
		for _, v := range views {
			if key.Matches(msg, v.key) {
				if s.c.opts.Blind && leadOnly[v.key.Help().Key] {
					s.c.post(statusMsg{"blind coding: the agreement view is the lead's", statusError})
					break
				}
				c, cmd := v.open(s.c, s.shown())
				if c != nil { // nil: it said why there is nothing to show
					s.c.post(openMsg{c})
				}
				return cmd
			}
		}
		if cmd, ok := s.list.key(msg); ok {
			return cmd
		}
		cur.key(msg)
	}
	return nil
}

// shown is what the screen shows, for a view opened from it.
func (s *codingScreen) shown() shown {
	at := shown{seg: s.list.current(), refs: s.list.refs, panel: s.panel, reading: s.list.filtering || s.search.running}
	if s.search.active() {
		at.query, at.hits = s.search.query, s.search.hits
	}
	return at
}

// viewKeys are the keys that open views.
func viewKeys() []key.Binding {
	out := make([]key.Binding, len(views))
	for i, v := range views {
		out[i] = v.key
	}
	return out
}

// nextMatch moves to the next (d=1) or previous match of the search.
func (s *codingScreen) nextMatch(d int) tea.Cmd {
	r, ok := s.search.next(s.list.currentRef(), d)
	if !ok {
		return nil
	}
	i, _ := s.list.indexOf(r)
	return s.list.move(i)
}

// click selects the segment clicked, or toggles the code clicked (a theme
// opens).
func (s *codingScreen) click(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft || ms.Y >= s.height {
		return nil
	}
	bh := s.bar.height()
	if ms.Y < bh {
		s.bar.click(ms.X)
		return nil
	}
	ms.Y -= bh // the list, panel and legend are below the bar
	h := s.height - bh
	if pw := s.panelWidth(); pw > 0 && ms.X >= s.width-pw {
		s.panel.click(ms.Y)
		return nil
	}
	if lh := s.legend.height(); s.panelWidth() == 0 && ms.Y >= h-lh {
		s.legend.click(ms.X, ms.Y-(h-lh))
		return nil
	}
	s.focus = focusList
	return s.list.click(ms.Y)
}

// wheel scrolls the list (or the panel under the pointer).
func (s *codingScreen) wheel(ms tea.Mouse) tea.Cmd {
	d := 0
	switch ms.Button {
	case tea.MouseWheelDown:
		d = 1
	case tea.MouseWheelUp:
		d = -1
	default:
		return nil
	}
	if pw := s.panelWidth(); pw > 0 && ms.X >= s.width-pw {
		s.panel.wheel(d)
		return nil
	}
	return s.list.move(s.list.cursor + d)
}

// picked takes a code chosen in a picker the screen opened.
func (s *codingScreen) picked(msg pickedMsg) tea.Cmd {
	switch msg.purpose {
	case pickApply:
		if msg.create != "" {
			return s.createAndApply(msg.create)
		}
		if s.list.cur.span != nil {
			return s.applySpan(msg.code.ID, "")
		}
		return s.apply(msg.code.ID)
	case pickFilter:
		s.c.post(withTerm(s.c.proj, coding.QueryTerm{Kind: coding.TermCode, Value: msg.code.Path}))
	case pickMemo:
		return memoOnCode(s.c, msg.code)
	}
	return nil
}
