package tui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding of the coding screen. The footer and the `?`
// screen are generated from it, so help never drifts from behaviour.
type keyMap struct {
	Down, Up, PageDown, PageUp, Top, Bottom key.Binding
	NextUncoded                             key.Binding
	Toggle                                  key.Binding // 1–9, 0
	NextTheme, PrevTheme, OutTheme          key.Binding
	Picker, Search, Filter                  key.Binding
	Star, StarOne, Memo, Span, Reviewed     key.Binding
	Undo, Redo                              key.Binding
	Focus, Enter, Expand, Collapse          key.Binding
	Editor, Report, Agree, Coders           key.Binding
	Help, Quit                              key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Down:        key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/↓", "next segment")),
		Up:          key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/↑", "previous segment")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "first segment")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last segment")),
		NextUncoded: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next not reviewed (or match)")),
		Toggle:      key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9", "0"), key.WithHelp("1-9", "toggle numbered code")),
		NextTheme:   key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next theme")),
		PrevTheme:   key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous theme")),
		OutTheme:    key.NewBinding(key.WithKeys("backspace"), key.WithHelp("⌫", "all themes")),
		Picker:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "code picker")),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search text")),
		Filter:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		Star:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "star as quote")),
		StarOne:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "star one coding")),
		Memo:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "memo")),
		Span:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "select a passage")),
		Reviewed:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reviewed, nothing applies")),
		Undo:        key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
		Redo:        key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "redo")),
		Focus:       key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "focus list/codebook")),
		Enter:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "codebook: open/toggle")),
		Expand:      key.NewBinding(key.WithKeys("l", "right"), key.WithHelp("l/→", "codebook: expand")),
		Collapse:    key.NewBinding(key.WithKeys("h", "left"), key.WithHelp("h/←", "codebook: collapse")),
		Editor:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "codebook editor")),
		Report:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "report")),
		Agree:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "agreement")),
		Coders:      key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "all coders / only mine")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the footer: the same keys, in a word each.
func (k keyMap) ShortHelp() []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	return []key.Binding{
		short(k.Toggle, "code"), short(k.Picker, "pick"), short(k.NextUncoded, "uncoded"),
		short(k.NextTheme, "theme"), short(k.Star, "star"), short(k.Memo, "memo"), short(k.Undo, "undo"),
		short(k.Search, "search"), short(k.Quit, "quit"), short(k.Help, "help"),
	}
}

// footerDrops are the footer's hints (by key) in the order a narrow footer
// drops them; "?" is never dropped, so help is always one key away.
var footerDrops = []string{"m", "s", "]", "/", "n", "c", "u", "q", "1-9"}

// FullHelp is the `?` screen, by column.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.NextUncoded, k.Search, k.Filter},
		{k.Toggle, k.Picker, k.Span, k.Reviewed, k.Star, k.StarOne, k.Memo, k.Undo, k.Redo},
		{k.NextTheme, k.PrevTheme, k.OutTheme, k.Focus, k.Enter, k.Expand, k.Collapse},
		{k.Editor, k.Report, k.Agree, k.Coders, k.Help, k.Quit},
	}
}
