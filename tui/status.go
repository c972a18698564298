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

// renderStatus draws the status line: project, coder, progress on the left;
// the last action or error on the right.
func (m *Model) renderStatus(w int) string {
	who := m.opts.Coder
	if m.showAll {
		who += " (+all coders)"
	}
	left := fmt.Sprintf(" %s · coded %d/%d", who, m.ncoded, m.total)
	if m.filter != "" {
		left += fmt.Sprintf(" · %s: %d", m.filter, len(m.refs))
	}
	if m.search.active() {
		left += fmt.Sprintf(" · /%s %s", m.search.query, m.search.position())
	}
	if w >= 100 {
		left += " · " + m.store.Meta().Name
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
	left = m.st.StatusKey.Render(ansi.Truncate(left, max(10, w*3/5), "…"))
	room := w - ansi.StringWidth(left) - 2
	right := ""
	if room > 3 {
		right = style.Render(ansi.Truncate(text, room, "…"))
	}
	pad := max(1, w-ansi.StringWidth(left)-ansi.StringWidth(right))
	return left + strings.Repeat(" ", pad) + right
}
