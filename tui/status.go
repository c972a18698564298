package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

type statusKind int

const (
	statusInfo statusKind = iota
	statusPending
	statusOK
	statusError
)

// status is the last thing the screen has to say: an action saved, one in
// flight, or an error that must not go unseen.
type status struct {
	text string
	kind statusKind
}

func (s *status) set(text string, kind statusKind) { s.text, s.kind = text, kind }

// renderStatus draws the status: project, coder and progress on the
// left, the last action or error on the right. A message that does not fit
// beside them gets lines of its own below (at most maxLines in all), so
// that its point is never cut off; each line is w cells wide.
func (m *Model) renderStatus(w, maxLines int) []string {
	who := m.opts.Coder
	if m.showAll {
		who += " (+all coders)"
	}
	left := fmt.Sprintf(" %s · coded %d/%d", who, m.ncoded, m.total)
	if m.readOnly != "" {
		left += " · read-only"
	}
	switch {
	case m.query.Sample != "":
		left += fmt.Sprintf(" · %s: reviewed %d/%d", m.filter, m.sampleDone, len(m.refs))
	case m.filter != "":
		left += fmt.Sprintf(" · %s: %d", m.filter, len(m.refs))
	}
	if m.search.active() {
		left += fmt.Sprintf(" · /%s %s", m.search.query, m.search.position())
	}
	text, kind := m.status.text, m.status.kind
	if n := m.pendingWrites(); n > 0 {
		if m.quit.asked() {
			text, kind = m.quitText(n), statusPending
		} else {
			text += fmt.Sprintf(" · %d saving…", n)
		}
	}
	style := m.st.Status
	switch kind {
	case statusError:
		style = m.st.StatusErr
	case statusOK:
		style = m.st.StatusOK
	case statusPending:
		style = m.st.Dim
	}
	// The project's name only where it fits beside the message.
	if named := left + " · " + m.store.Meta().Name; w >= 100 && fits(named, text, w) {
		left = named
	}
	if fits(left, text, w) {
		pad := w - ansi.StringWidth(left) - ansi.StringWidth(text)
		return []string{m.st.StatusKey.Render(left) + strings.Repeat(" ", pad) + style.Render(text)}
	}
	if text != "" && maxLines < 2 { // one line only: the message is the point
		return []string{padRight(" "+style.Render(ansi.Truncate(text, w-1, "…")), w)}
	}
	lines := []string{padRight(m.st.StatusKey.Render(ansi.Truncate(left, w, "…")), w)}
	if text == "" {
		return lines
	}
	wrapped := strings.Split(ansi.Wrap(text, w-1, " "), "\n")
	if room := maxLines - 1; len(wrapped) > room {
		wrapped = append(wrapped[:room-1], ansi.Truncate(strings.Join(wrapped[room-1:], " "), w-1, "…"))
	}
	for _, l := range wrapped {
		lines = append(lines, padRight(" "+style.Render(l), w))
	}
	return lines
}

// fits tells whether left and the message share one line of w cells.
func fits(left, text string, w int) bool {
	return ansi.StringWidth(left)+2+ansi.StringWidth(text) <= w
}
