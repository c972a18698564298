package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/coding/agreement"
	"qcode/corpus/printable"
)

// agreeView is the team lead's `a` view: agreement per code, coloured by
// Landis & Koch band; enter reviews a code's disagreements one by one and
// settles each into the consensus coder.
type agreeView struct {
	units   coding.UnitScope // reviewed, coded or all (when no sample)
	sample  string           // compute on this sample's segments
	loading bool
	err     error
	res     coding.Agreement
	cursor  int
	offset  int

	// Review of one code's disagreements.
	review *disagreeReview
}

type disagreeReview struct {
	path    string
	loading bool
	err     error
	list    coding.DisagreementList
	cursor  int
	pending bool // a decision is being saved
}

// agreeMsg and disagreeMsg bring the store's answers.
type agreeMsg struct {
	res coding.Agreement
	err error
}

type disagreeMsg struct {
	path string
	list coding.DisagreementList
	err  error
}

// newAgreeView opens the view and starts computing the table.
func newAgreeView(m *Model) (overlay, tea.Cmd) {
	v := &agreeView{units: coding.UnitsReviewed}
	return v, v.load(m)
}

// query is what the view computes on: a sample, or the units chosen.
func (v *agreeView) query() (coding.UnitScope, string) {
	if v.sample != "" {
		return coding.UnitsSample, v.sample
	}
	return v.units, ""
}

func (v *agreeView) load(m *Model) tea.Cmd {
	s := m.store
	units, sample := v.query()
	v.loading = true
	return func() tea.Msg {
		res, err := s.Agreement(coding.AgreeQuery{Units: units, Sample: sample})
		return agreeMsg{res, err}
	}
}

// nextUnits is the u key's cycle: reviewed → coded → all → reviewed.
func nextUnits(u coding.UnitScope) coding.UnitScope {
	switch u {
	case coding.UnitsReviewed:
		return coding.UnitsCoded
	case coding.UnitsCoded:
		return coding.UnitsAll
	}
	return coding.UnitsReviewed
}

// unitsWords names the units in the view's title.
func unitsWords(res coding.Agreement) string {
	switch res.UnitScope {
	case coding.UnitsReviewed:
		return "segments every coder reviewed"
	case coding.UnitsCoded:
		return "segments some coder coded"
	case coding.UnitsSample:
		return fmt.Sprintf("sample %s, the %d of %d segments every coder reviewed", res.Sample, res.Units, res.SampleSize)
	}
	return "all segments"
}

func (v *agreeView) loadReview(m *Model, path string) tea.Cmd {
	s, coders := m.store, v.res.Coders
	units, sample := v.query()
	v.review = &disagreeReview{path: path, loading: true}
	return func() tea.Msg {
		list, err := s.Disagreements(coding.DisagreeQuery{Code: path, Coders: coders, Units: units, Sample: sample})
		for i := range list.Items {
			it := &list.Items[i] // rune for rune: spans still point at the text
			it.Text, it.Segment = printable.String(it.Text), printable.String(it.Segment)
		}
		return disagreeMsg{path, list, err}
	}
}

// agreementLoaded and disagreementsLoaded hand answers to the view, if open.
func (m *Model) agreementLoaded(msg agreeMsg) {
	if v, ok := m.overlay.(*agreeView); ok {
		v.loading, v.res, v.err = false, msg.res, msg.err
		v.cursor = max(0, min(v.cursor, len(v.res.Codes)))
	}
}

func (m *Model) disagreementsLoaded(msg disagreeMsg) {
	if v, ok := m.overlay.(*agreeView); ok && v.review != nil && v.review.path == msg.path {
		v.review.loading, v.review.list, v.review.err = false, msg.list, msg.err
		v.review.cursor = firstUnsettled(msg.list.Items, 0)
		if msg.err == nil {
			m.status.set(fmt.Sprintf("%s: settled %d of %d", msg.path, msg.list.Settled, msg.list.Total), statusInfo)
		}
	}
}

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

func (v *agreeView) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if v.review != nil {
		return v.reviewKey(m, msg)
	}
	switch msg.String() {
	case "esc", "q", "a":
		return true, nil
	case "j", "down":
		v.cursor = min(v.cursor+1, len(v.res.Codes)) // the last row is "overall"
	case "k", "up":
		v.cursor = max(v.cursor-1, 0)
	case "u":
		v.units, v.sample = nextUnits(v.units), ""
		return false, v.load(m)
	case "s":
		return false, samplesCmd(m.store, "agree")
	case "enter":
		if v.cursor < len(v.res.Codes) && len(v.res.Coders) >= 2 {
			return false, v.loadReview(m, v.res.Codes[v.cursor].Path)
		}
	}
	return false, nil
}

func (v *agreeView) reviewKey(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	r := v.review
	switch s := msg.String(); {
	case s == "esc" || s == "q":
		v.review = nil
		return false, v.load(m) // figures changed if anything was settled
	case r.loading || len(r.list.Items) == 0:
	case s == "j" || s == "down":
		r.cursor = min(r.cursor+1, len(r.list.Items)-1)
	case s == "k" || s == "up":
		r.cursor = max(r.cursor-1, 0)
	case s == "n":
		r.cursor = firstUnsettled(r.list.Items, r.cursor+1)
	case len(s) == 1 && s[0] >= '1' && s[0] <= '9':
		i := int(s[0] - '1')
		if i < len(r.list.Coders) {
			return false, v.settle(m, coding.Decision{Kind: coding.TakeCoder, Coder: r.list.Coders[i], Coders: r.list.Coders})
		}
	case s == "a" || s == "+":
		return false, v.settle(m, coding.Decision{Kind: coding.TakeUnion, Coders: r.list.Coders})
	case s == "0" || s == "x":
		return false, v.settle(m, coding.Decision{Kind: coding.TakeNone, Coders: r.list.Coders})
	case s == "c":
		p := newPicker(m, pickChoose, "Settle with the code…")
		p.choose = func(m *Model, c coding.Code) tea.Cmd {
			m.overlay = v
			return v.settle(m, coding.Decision{Kind: coding.TakeSet, Set: []coding.Passage{{Code: c.ID}}, Coders: r.list.Coders})
		}
		m.overlay = p
	}
	return false, nil
}

// settle writes the decision for the current item into consensus, through
// the same queue as every other action (undoable with u).
func (v *agreeView) settle(m *Model, d coding.Decision) tea.Cmd {
	r := v.review
	item := r.list.Items[r.cursor]
	idx := r.cursor
	actor := m.opts.Coder
	var res coding.SettleResult
	r.pending = true
	return m.enqueue(write{
		pending: "settle " + item.Path + " on " + item.Segment,
		seg:     item.Seg,
		do: func(s *coding.Store) (coding.ActionResult, error) {
			var err error
			res, err = s.Settle(actor, item.Seg, item.Code, d)
			return res.ActionResult, err
		},
		failed: func(*Model) { r.pending = false },
		after: func(m *Model) {
			r.pending = false
			if idx >= len(r.list.Items) {
				return
			}
			it := &r.list.Items[idx]
			if !it.Settled {
				r.list.Settled++
			}
			it.Settled, it.Consensus = true, res.Codings
			it.Settlement = &coding.Settlement{By: actor, Kind: d.Kind, Coder: d.Coder}
			m.status.set(fmt.Sprintf("%s · settled %d of %d", res.Desc, r.list.Settled, r.list.Total), statusOK)
			if r.cursor == idx {
				r.cursor = firstUnsettled(r.list.Items, idx+1)
			}
		},
	})
}

func (v *agreeView) view(m *Model) string {
	w, h := max(40, m.width-2), max(8, m.height-4)
	if v.review != nil {
		return m.st.Overlay.Width(w).MaxHeight(h).Render(v.renderReview(m, w-4, h-2))
	}
	return m.st.Overlay.Width(w).MaxHeight(h).Render(v.renderTable(m, w-4, h-2))
}

// bandColours run from red (poor) to green (almost perfect).
var bandColours = []string{"#cf222e", "#e16f24", "#bf8700", "#9a6700", "#4ac26b", "#1a7f37"}

func bandOf(b agreement.Band) lipgloss.Style {
	if int(b) < 0 || int(b) >= len(bandColours) {
		return lipgloss.NewStyle()
	}
	return lipgloss.NewStyle().Foreground(lipgloss.Color(bandColours[b]))
}

// bandStyle colours a kappa by its Landis & Koch band.
func bandStyle(val agreement.Value) lipgloss.Style {
	b, ok := agreement.LandisKoch(val)
	if !ok {
		return lipgloss.NewStyle()
	}
	return bandOf(b)
}

func (v *agreeView) renderTable(m *Model, w, h int) string {
	title := m.st.OverlayTitle.Render("Agreement")
	switch {
	case v.loading:
		return title + "\n\n" + m.st.Dim.Render("computing agreement…")
	case v.err != nil:
		return title + "\n\n" + m.st.StatusErr.Render(v.err.Error()) + "\n\n" +
			m.st.Dim.Render("agreement needs two coders' codings: hand out copies, then qcode merge them")
	}
	res := v.res
	lines := []string{title + m.st.Dim.Render(ansi.Truncate(fmt.Sprintf(" · %s · %d units: %s", strings.Join(res.Coders, ", "), res.Units, unitsWords(res)), max(0, w-9), "…"))}
	if res.UnitScope == coding.UnitsSample {
		var parts []string
		for _, c := range res.Coders {
			parts = append(parts, fmt.Sprintf("%s %d/%d", c, res.Reviewed[c], res.SampleSize))
		}
		lines = append(lines, m.st.Dim.Render(ansi.Truncate("reviewed: "+strings.Join(parts, ", "), w, "…")))
	}
	nameW := max(12, w-50)
	head := fmt.Sprintf("%-*s %5s %7s %7s %7s %9s", nameW, "code", "used", "% agree", "kappa", "alpha", "disagree")
	lines = append(lines, m.st.Bold.Render(ansi.Truncate(head, w, "")))
	rows := make([]string, 0, len(res.Codes)+1)
	for _, c := range res.Codes {
		name := strings.Repeat("  ", c.Depth) + lastName(c.Path)
		rows = append(rows, v.row(m, name, nameW, c.Used, c.Metrics, c.Disagreements))
	}
	rows = append(rows, v.row(m, "overall (leaf codes pooled)", nameW, res.Overall.Used, res.Overall.Metrics, -1))
	var legend []string
	for _, b := range agreement.Bands {
		legend = append(legend, bandOf(b).Render("■")+fmt.Sprintf(" %s %s", b.Range(), b))
	}
	foot := []string{"", ansi.Wrap("Landis & Koch: "+strings.Join(legend, "  "), w, " "),
		m.st.Dim.Render(ansi.Wrap("used: units where some coder applied the code · enter review disagreements · u units reviewed/coded/all · s sample · esc close", w, " "))}
	footH := strings.Count(strings.Join(foot, "\n"), "\n") + 1
	room := max(3, h-len(lines)-footH)
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if v.cursor >= v.offset+room {
		v.offset = v.cursor - room + 1
	}
	for i := v.offset; i < len(rows) && i < v.offset+room; i++ {
		line := rows[i]
		if i == v.cursor {
			line = m.st.ItemSelected.Render(ansi.Strip(line))
		}
		lines = append(lines, line)
	}
	lines = append(lines, foot...)
	return strings.Join(lines, "\n")
}

func (v *agreeView) row(m *Model, name string, nameW, used int, mt agreement.Metrics, disagree int) string {
	kappa := mt.Kappa()
	d := ""
	if disagree >= 0 {
		d = fmt.Sprint(disagree)
	}
	return fmt.Sprintf("%-*s %5d %7s %s %7s %9s", nameW, ansi.Truncate(name, nameW, "…"), used,
		mt.PercentAgreement.Format(1), bandStyle(kappa).Render(fmt.Sprintf("%7s", kappa.Format(2))),
		mt.KrippendorffAlpha.Format(2), d)
}

func lastName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

func (v *agreeView) renderReview(m *Model, w, h int) string {
	r := v.review
	title := m.st.OverlayTitle.Render("Disagreements · " + r.path)
	switch {
	case r.loading:
		return title + "\n\n" + m.st.Dim.Render("finding the segments where the coders differ…")
	case r.err != nil:
		return title + "\n\n" + m.st.StatusErr.Render(r.err.Error())
	case len(r.list.Items) == 0:
		return title + "\n\n" + m.st.StatusOK.Render("the coders agree on every segment") + "\n\n" + m.st.Dim.Render("esc back")
	}
	it := r.list.Items[r.cursor]
	lines := []string{title + m.st.Dim.Render(fmt.Sprintf(" · %d of %d · settled %d of %d", r.cursor+1, len(r.list.Items), r.list.Settled, r.list.Total))}
	lines = append(lines, m.st.Bold.Render(it.Segment)+m.st.Dim.Render(" · "+it.Source+" · "+it.Path), "")
	text := strings.Split(ansi.Wordwrap(it.Text, w, " -"), "\n")
	if len(text) > max(3, h/3) {
		text = append(text[:max(3, h/3)-1], m.st.Dim.Render("…"))
	}
	lines = append(lines, text...)
	lines = append(lines, "")

	// Each coder's version, side by side.
	n := len(it.Versions)
	colW := max(16, (w-2*(n-1))/max(1, n))
	var cols []string
	for i, ver := range it.Versions {
		body := []string{m.st.Number.Render(fmt.Sprintf("%d ", i+1)) + m.st.Bold.Render(ver.Coder)}
		switch {
		case ver.NotReviewed:
			body = append(body, m.st.Dim.Render("· not reviewed"))
		case len(ver.Passages) == 0:
			body = append(body, m.st.Dim.Render("– not applied"))
		}
		for _, p := range ver.Passages {
			body = append(body, ansi.Truncate("✓ "+passageLabel(it, p), colW, "…"))
		}
		cols = append(cols, lipgloss.NewStyle().Width(colW).Render(strings.Join(body, "\n")))
	}
	lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Top, intersperse(cols, "  ")...), "")
	switch {
	case r.pending:
		lines = append(lines, m.st.Dim.Render("saving the decision…"))
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
		lines = append(lines, m.st.StatusOK.Render(ansi.Truncate(how+" → consensus: "+strings.Join(got, "; "), w, "…")))
	default:
		lines = append(lines, m.st.Dim.Render("not settled yet"))
	}
	lines = append(lines, "", m.st.Dim.Render(ansi.Wrap("1–9 take that coder's version · a take all (union) · 0 none · c pick a code · j/k move · n next unsettled · esc back (u undoes after closing)", w, " ")))
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
