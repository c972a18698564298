package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

type statusKind int

const (
	statusInfo statusKind = iota
	statusPending
	statusOK
	statusError
)

// statusBar is the status line: coder and progress on the left, the last
// action or error on the right. Its lines are laid out in Update (their
// number decides the body's height) and only drawn in View.
type statusBar struct {
	c     common
	text  string // the last thing the screen has to say
	kind  statusKind
	lines []string
}

// progress is what the status line shows: the left part (coder, coded
// N/M, filter, search), the message, and the project's name for where it
// fits.
type progress struct {
	left, text, name string
	kind             statusKind
}

func newStatusBar(c common) *statusBar { return &statusBar{c: c} }

func (s *statusBar) set(text string, kind statusKind) { s.text, s.kind = text, kind }

// height is how many lines the last layout took.
func (s *statusBar) height() int { return len(s.lines) }

// View is the status lines, each w cells wide.
func (s *statusBar) View() []string { return s.lines }

// layout lays the status out in w cells: a message that does not fit beside
// the progress gets lines of its own below (at most maxLines in all), so
// that its point is never cut off.
func (s *statusBar) layout(w, maxLines int, p progress) {
	st := s.c.st
	left, text := p.left, p.text
	style := st.Status
	switch p.kind {
	case statusError:
		style = st.StatusErr
	case statusOK:
		style = st.StatusOK
	case statusPending:
		style = st.Dim
	}
	// The project's name only where it fits beside the message.
	if named := left + " · " + p.name; w >= 100 && fits(named, text, w) {
		left = named
	}
	if fits(left, text, w) {
		pad := w - ansi.StringWidth(left) - ansi.StringWidth(text)
		s.lines = []string{st.StatusKey.Render(left) + strings.Repeat(" ", pad) + style.Render(text)}
		return
	}
	if text != "" && maxLines < 2 { // one line only: the message is the point
		s.lines = []string{padRight(" "+style.Render(ansi.Truncate(text, w-1, "…")), w)}
		return
	}
	s.lines = []string{padRight(st.StatusKey.Render(ansi.Truncate(left, w, "…")), w)}
	if text == "" {
		return
	}
	wrapped := strings.Split(ansi.Wrap(text, w-1, " "), "\n")
	if room := maxLines - 1; len(wrapped) > room {
		wrapped = append(wrapped[:room-1], ansi.Truncate(strings.Join(wrapped[room-1:], " "), w-1, "…"))
	}
	for _, l := range wrapped {
		s.lines = append(s.lines, padRight(" "+style.Render(l), w))
	}
}

// fits tells whether left and the message share one line of w cells.
func fits(left, text string, w int) bool {
	return ansi.StringWidth(left)+2+ansi.StringWidth(text) <= w
}

// footerer is a component that draws the footer itself (the coding
// screen's search input).
type footerer interface {
	footer(w int) (string, bool)
}

// footer is the line of key hints of the component on top, generated from
// its key map. It ends with "? help" wherever ? opens the help, dropping
// the other hints, the component's least needed first, when the line is
// narrow.
func (m *Model) footer(w int) string {
	top := m.top()
	if f, ok := top.(footerer); ok {
		if s, ok := f.footer(w); ok {
			return s
		}
	}
	hints := slices.Clone(top.ShortHelp())
	typing := false
	if t, ok := top.(typer); ok {
		typing = t.typing()
	}
	if _, isHelp := top.(*helpView); !typing && !isHelp {
		hints = append(hints, m.keys.Help)
	}
	h := help.New()
	h.Styles = m.c.st.Help
	width := func(b key.Binding) int { // as help draws it, separator included
		return ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc) + 3
	}
	total := -3
	for _, b := range hints {
		total += width(b)
	}
	// A component may name the order its hints go in; then the last hints
	// go first, and "? help" never does.
	if d, ok := top.(interface{ footerDrops() []string }); ok {
		hints, total = dropHints(hints, total, w, d.footerDrops(), width)
	}
	for total > w && len(hints) > 1 {
		i := len(hints) - 2
		if b := hints[len(hints)-1]; b.Help().Key != "?" {
			i++
		}
		total -= width(hints[i])
		hints = slices.Delete(hints, i, i+1)
	}
	return ansi.Truncate(h.ShortHelpView(hints), w, "…")
}

// dropHints drops hints named by key, in the order given, until the line
// fits w.
func dropHints(hints []key.Binding, total, w int, order []string, width func(key.Binding) int) ([]key.Binding, int) {
	for _, drop := range order {
		if total <= w {
			break
		}
		for i, b := range hints {
			if b.Help().Key == drop {
				total -= width(b)
				hints = slices.Delete(hints, i, i+1)
				break
			}
		}
	}
	return hints, total
}

// progress is what the status line says on its left, and the message.
func (m *Model) progress() progress {
	p, list := m.c.proj, m.screen.list
	pr := progress{text: m.status.text, kind: m.status.kind}
	who := p.who
	if p.showAll {
		who += " (+all coders)"
	}
	pr.left = fmt.Sprintf(" %s · coded %d/%d", who, p.ncoded, p.total)
	if p.readOnly != "" {
		pr.left += " · read-only"
	}
	if len(m.peers) > 0 {
		pr.left += " · " + peersText(m.peers)
	}
	// The filter bar names the conditions; the status line says what they
	// leave (and names them only where the screen has no room for the bar).
	terms := p.query.Terms()
	switch {
	case p.query.Sample != "" && len(terms) == 1:
		pr.left += fmt.Sprintf(" · sample %s: reviewed %d/%d", p.query.Sample, list.sampleDone, len(list.refs))
	case p.query.Sample != "":
		pr.left += fmt.Sprintf(" · reviewed %d/%d listed", list.sampleDone, len(list.refs))
	case p.filter != "" && !m.screen.showsBar():
		pr.left += fmt.Sprintf(" · %s: %d", p.filter, len(list.refs))
	case p.filter != "":
		pr.left += " · " + plural(len(list.refs), "segment listed", "segments listed")
	}
	if s := m.screen.search; s.active() {
		pr.left += fmt.Sprintf(" · /%s %s", s.query, s.position())
	}
	if n := m.pendingWrites(); n > 0 {
		if m.quit.asked() {
			pr.text, pr.kind = m.quitText(n), statusPending
		} else {
			pr.text += fmt.Sprintf(" · %d saving…", n)
		}
	}
	pr.name = p.name
	return pr
}
