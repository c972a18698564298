package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/printable"
)

// reviewView goes through one code's disagreements, one segment at a time,
// each coder's version side by side, and settles each into consensus
// through the write queue (undoable with u on the coding screen).
type reviewView struct {
	c       common
	keys    reviewKeys
	path    string
	loading bool
	err     error
	list    coding.DisagreementList
	cursor  int
	pending *settleReq // a decision being saved

	width, height int
}

type reviewKeys struct {
	Down, Up, NextOpen          key.Binding
	Take, Union, None, PickCode key.Binding
	Close                       key.Binding
}

func newReviewKeys() reviewKeys {
	return reviewKeys{
		Down:     bind("j/↓", "next disagreement", "j", "down"),
		Up:       bind("k/↑", "previous disagreement", "k", "up"),
		NextOpen: bind("n", "next not settled", "n"),
		Take:     bind("1-9", "take that coder's version", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		Union:    bind("a/+", "take all (the union)", "a", "+"),
		None:     bind("0/x", "none of them", "0", "x"),
		PickCode: bind("c", "settle with a code picked", "c"),
		Close:    bind("esc", "back to the table", "esc", "q"),
	}
}

type disagreeMsg struct {
	path string
	list coding.DisagreementList
	err  error
}

// newReviewView opens the review of a code's disagreements among coders,
// on the units (or sample) the table was computed on.
func newReviewView(c common, path string, coders []string, units coding.UnitScope, sample string) (*reviewView, tea.Cmd) {
	r := &reviewView{c: c, keys: newReviewKeys(), path: path, loading: true}
	s := c.store
	return r, func() tea.Msg {
		list, err := s.Disagreements(coding.DisagreeQuery{Code: path, Coders: coders, Units: units, Sample: sample})
		for i := range list.Items {
			it := &list.Items[i] // rune for rune: spans still point at the text
			it.Text, it.Segment = printable.String(it.Text), printable.String(it.Segment)
		}
		return disagreeMsg{path, list, err}
	}
}

func (r *reviewView) title() string { return "Keys of the disagreement review" }

func (r *reviewView) ShortHelp() []key.Binding {
	k := r.keys
	return []key.Binding{brief(k.Take, "take"), brief(k.Union, "all"), brief(k.None, "none"), brief(k.NextOpen, "next open"), k.Close}
}

func (r *reviewView) FullHelp() [][]key.Binding {
	k := r.keys
	return [][]key.Binding{{k.Down, k.Up, k.NextOpen}, {k.Take, k.Union, k.None, k.PickCode, k.Close}}
}

func (r *reviewView) SetSize(w, h int) { r.width, r.height = w, h }

func firstUnsettled(items []coding.Disagreement, from int) int {
	for i := from; i < len(items); i++ {
		if !items[i].Settled {
			return i
		}
	}
	for i := 0; i < from && i < len(items); i++ {
		if !items[i].Settled {
			return i
		}
	}
	return min(from, max(0, len(items)-1))
}

func (r *reviewView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		r.key(msg)
	case disagreeMsg:
		if msg.path != r.path || !r.loading {
			return nil
		}
		r.loading, r.list, r.err = false, msg.list, msg.err
		r.cursor = firstUnsettled(msg.list.Items, 0)
		if msg.err == nil {
			r.c.say(fmt.Sprintf("%s: settled %d of %d", msg.path, msg.list.Settled, msg.list.Total), statusInfo)
		}
	case pickedMsg:
		if msg.purpose == pickSettle && len(r.list.Items) > 0 {
			r.settle(coding.Decision{Kind: coding.TakeSet, Set: []coding.Passage{{Code: msg.code.ID}}, Coders: r.list.Coders})
		}
	case writeDoneMsg:
		r.settled(msg)
	case droppedMsg:
		r.pending = nil
	}
	return nil
}

func (r *reviewView) key(msg tea.KeyPressMsg) {
	k := r.keys
	switch {
	case key.Matches(msg, k.Close):
		r.c.post(closeMsg{r}, agreeStaleMsg{}) // figures changed if anything was settled
	case r.loading || len(r.list.Items) == 0:
	case key.Matches(msg, k.Down):
		r.cursor = min(r.cursor+1, len(r.list.Items)-1)
	case key.Matches(msg, k.Up):
		r.cursor = max(r.cursor-1, 0)
	case key.Matches(msg, k.NextOpen):
		r.cursor = firstUnsettled(r.list.Items, r.cursor+1)
	case key.Matches(msg, k.Take):
		if i := digit(msg.String()) - 1; i < len(r.list.Coders) {
			r.settle(coding.Decision{Kind: coding.TakeCoder, Coder: r.list.Coders[i], Coders: r.list.Coders})
		}
	case key.Matches(msg, k.Union):
		r.settle(coding.Decision{Kind: coding.TakeUnion, Coders: r.list.Coders})
	case key.Matches(msg, k.None):
		r.settle(coding.Decision{Kind: coding.TakeNone, Coders: r.list.Coders})
	case key.Matches(msg, k.PickCode):
		r.c.post(openMsg{newPicker(r.c, pickSettle, "Settle with the code…")})
	}
}

// settle queues the decision for the current item.
func (r *reviewView) settle(d coding.Decision) {
	it := r.list.Items[r.cursor]
	req := settleReq{seg: it.Seg, code: it.Code, path: it.Path, segID: it.Segment, decision: d}
	r.pending = &req
	r.c.post(writeMsg{req})
}

// settled takes the store's answer to a decision: the item shows what
// consensus holds now, and the cursor goes to the next one not settled.
func (r *reviewView) settled(msg writeDoneMsg) {
	req, ok := msg.w.req.(settleReq)
	if !ok {
		return
	}
	if r.pending != nil && req.seg == r.pending.seg && req.code == r.pending.code {
		r.pending = nil
	}
	if msg.err != nil {
		r.pending = nil // a refused decision must not leave the review saving
		return
	}
	for idx := range r.list.Items {
		it := &r.list.Items[idx]
		if it.Seg != req.seg || it.Code != req.code {
			continue
		}
		if !it.Settled {
			r.list.Settled++
		}
		it.Settled, it.Consensus = true, msg.res.consensus
		it.Settlement = &coding.Settlement{By: r.c.proj.who, Kind: req.decision.Kind, Coder: req.decision.Coder}
		r.c.say(fmt.Sprintf("%s · settled %d of %d", msg.res.Desc, r.list.Settled, r.list.Total), statusOK)
		if r.cursor == idx {
			r.cursor = firstUnsettled(r.list.Items, idx+1)
		}
	}
}

func (r *reviewView) View() string {
	st := r.c.st
	w := max(20, r.width-st.Page.GetHorizontalFrameSize())
	h := r.height - st.Page.GetVerticalFrameSize()
	return st.Page.Width(r.width).Height(r.height).MaxHeight(r.height).Render(r.render(w, h))
}

func (r *reviewView) render(w, h int) string {
	st := r.c.st
	title := st.OverlayTitle.Render(ansi.Truncate("Disagreements · "+r.path, w, "…"))
	switch {
	case r.loading:
		return title + "\n\n" + st.Dim.Render("finding the segments where the coders differ…")
	case r.err != nil:
		return title + "\n\n" + st.StatusErr.Render(r.err.Error())
	case len(r.list.Items) == 0:
		return title + "\n\n" + st.StatusOK.Render("the coders agree on every segment") + "\n\n" + st.Dim.Render("esc back")
	}
	it := r.list.Items[r.cursor]
	lines := []string{ansi.Truncate(title+st.Dim.Render(fmt.Sprintf(" · %d of %d · settled %d of %d", r.cursor+1, len(r.list.Items), r.list.Settled, r.list.Total)), w, "…")}
	lines = append(lines, ansi.Truncate(st.Bold.Render(it.Segment)+st.Dim.Render(" · "+it.Source+" · "+it.Path), w, "…"), "")
	text := strings.Split(ansi.Wordwrap(it.Text, w, " -"), "\n")
	if len(text) > max(3, h/3) {
		text = append(text[:max(3, h/3)-1], st.Dim.Render("…"))
	}
	lines = append(lines, text...)
	lines = append(lines, "")

	// Each coder's version, side by side.
	n := len(it.Versions)
	colW := max(16, (w-2*(n-1))/max(1, n))
	var cols []string
	for i, ver := range it.Versions {
		body := []string{ansi.Truncate(st.Number.Render(fmt.Sprintf("%d ", i+1))+st.Bold.Render(ver.Coder), colW, "…")}
		switch {
		case ver.NotReviewed:
			body = append(body, st.Dim.Render("· not reviewed"))
		case len(ver.Passages) == 0:
			body = append(body, st.Dim.Render("– not applied"))
		}
		for _, p := range ver.Passages {
			body = append(body, ansi.Truncate("✓ "+passageLabel(it, p), colW, "…"))
		}
		cols = append(cols, lipgloss.NewStyle().Width(colW).Render(strings.Join(body, "\n")))
	}
	for _, l := range strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, intersperse(cols, "  ")...), "\n") {
		lines = append(lines, ansi.Truncate(l, w, "…"))
	}
	lines = append(lines, "")
	switch {
	case r.pending != nil:
		lines = append(lines, st.Dim.Render("saving the decision…"))
	case it.Settled:
		how := "settled"
		if it.Settlement != nil {
			how += " by " + it.Settlement.By + " (" + string(it.Settlement.Kind)
			if it.Settlement.Coder != "" {
				how += ": " + it.Settlement.Coder
			}
			how += ")"
		}
		var got []string
		for _, p := range it.Consensus {
			got = append(got, passageLabel(it, p))
		}
		if len(got) == 0 {
			got = []string{"none"}
		}
		lines = append(lines, st.StatusOK.Render(ansi.Truncate(how+" → consensus: "+strings.Join(got, "; "), w, "…")))
	default:
		lines = append(lines, st.Dim.Render("not settled yet"))
	}
	lines = append(lines, "", st.Dim.Render(ansi.Wrap("1–9 take that coder's version · a take all (union) · 0 none · c pick a code · j/k move · n next unsettled · esc back (u undoes after closing)", w, " ")))
	return strings.Join(lines, "\n")
}

func passageLabel(it coding.Disagreement, p coding.Passage) string {
	label := p.Path
	if it.Group || p.Path != it.Path {
		label = lastName(p.Path)
	}
	if p.Start != nil && p.End != nil {
		label += " “" + excerpt(it.Text, coding.Span{Start: *p.Start, End: *p.End}, 20) + "”"
	}
	return label
}

func intersperse(cols []string, sep string) []string {
	out := make([]string, 0, 2*len(cols))
	for i, c := range cols {
		if i > 0 {
			out = append(out, sep)
		}
		out = append(out, c)
	}
	return out
}
