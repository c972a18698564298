package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/printable"
)

// contextTurns is how many turns before and after a passage its context
// shows at first (+ and - change it, within 0 and maxContext).
const (
	contextTurns = 2
	maxContext   = 9
)

// contextMsg is a passage's context, read in a command (coding.Contexts):
// the prompt it answers, its question and up to n neighbouring turns.
type contextMsg struct {
	ref coding.SegRef
	n   int
	ctx coding.SegmentContext
	err error
}

// contextCmd reads a passage's context with n turns either side.
func contextCmd(s *coding.Store, ref coding.SegRef, n int) tea.Cmd {
	return func() tea.Msg {
		cs, err := s.Contexts([]coding.SegRef{ref}, n)
		msg := contextMsg{ref: ref, n: n, err: err}
		if err == nil && len(cs) == 1 {
			msg.ctx = cs[0]
		}
		return msg
	}
}

// wrapParagraphs word-wraps text, paragraph by paragraph, to w cells.
func wrapParagraphs(text string, w int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, strings.Split(ansi.Wordwrap(para, max(1, w), " "), "\n")...)
	}
	return lines
}

// readingWindow draws a passage read in its context (the passage and
// quote lists' reading mode): the title, text from line scroll on in room
// lines, and the keys at the foot, with what is left below.
func readingWindow(st *styles, title string, text []string, scroll, room, w, h int, keys string) string {
	lines := []string{title, ""}
	end := min(len(text), scroll+room)
	lines = append(lines, text[min(scroll, end):end]...)
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	if more := len(text) - end; more > 0 {
		keys = "↓ " + plural(more, "more line", "more lines") + " (j/k) · " + keys
	}
	return strings.Join(append(lines[:max(0, h-1)], st.Dim.Render(ansi.Truncate(keys, w, "…"))), "\n")
}

// contextKey names a context read: a passage, with so many turns.
type contextKey struct {
	ref coding.SegRef
	n   int
}

// contextLines draws a passage in its context, w cells wide: the question
// and the prompt it answers, the turns before it (dim), the passage itself
// (marked in the margin: body are its lines, already drawn), the turns
// after it (dim). Without a context (still reading, or none) it is the
// passage alone with a note.
func contextLines(st *styles, cx *coding.SegmentContext, body []string, w int) []string {
	var out []string
	wrap := func(prefix, text string) []string {
		lines := wrapParagraphs(printable.String(text), w-ansi.StringWidth(prefix))
		for i := range lines {
			lines[i] = st.Dim.Render(ansi.Truncate(prefix+lines[i], w, "…"))
			if i == 0 {
				prefix = strings.Repeat(" ", ansi.StringWidth(prefix))
			}
		}
		return lines
	}
	turn := func(t coding.ContextTurn) []string {
		label := t.Speaker
		switch {
		case t.Kind == coding.TurnHeading:
			label = "§"
		case t.Question != "":
			label = t.Question
		}
		if label != "" {
			label += ": "
		}
		return wrap("  "+label, t.Text)
	}
	if cx == nil {
		return append(body, "", st.Dim.Render(ansi.Truncate("reading the context…", w, "…")))
	}
	// The question and prompt head the passage unless a turn shown says them.
	inBefore, headed := false, false
	for _, t := range cx.Before {
		inBefore = inBefore || (t.Kind == coding.TurnPrompt && t.Text == cx.Prompt)
		headed = headed || (t.Kind == coding.TurnHeading && t.Text == cx.Question)
	}
	if cx.Question != "" && !headed {
		out = append(out, wrap("question: ", cx.Question)...)
	}
	if cx.Prompt != "" && !inBefore {
		out = append(out, wrap("prompt: ", cx.Prompt)...)
	}
	for _, t := range cx.Before {
		out = append(out, turn(t)...)
	}
	for i, l := range body {
		mark := "│ "
		if i == 0 {
			mark = "▶ "
		}
		out = append(out, st.Cursor.Render(mark)+ansi.Truncate(l, max(1, w-2), "…"))
	}
	for _, t := range cx.After {
		out = append(out, turn(t)...)
	}
	if len(cx.Before)+len(cx.After) == 0 && cx.Prompt == "" && cx.Question == "" {
		out = append(out, "", st.Dim.Render(ansi.Truncate("no prompt or neighbouring turns", w, "…")))
	}
	return out
}
