package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/coding/agreement"
)

// agreeView is the team lead's `a` view: agreement per code, coloured by
// Landis & Koch band; enter reviews a code's disagreements (reviewView) and
// settles each into the consensus coder.
type agreeView struct {
	c       common
	keys    agreeKeys
	units   coding.UnitScope // reviewed, coded or all (when no sample)
	sample  string           // compute on this sample's segments
	loading bool
	err     error
	res     coding.Agreement
	cursor  int
	offset  int

	width, height int
}

type agreeKeys struct {
	Down, Up, Review, Units, Sample, Close key.Binding
}

func newAgreeKeys() agreeKeys {
	return agreeKeys{
		Down:   bind("j/↓", "next code", "j", "down"),
		Up:     bind("k/↑", "previous code", "k", "up"),
		Review: bind("enter", "review the code's disagreements", "enter"),
		Units:  bind("u", "units: reviewed / coded / all", "u"),
		Sample: bind("s", "compute on a sample", "s"),
		Close:  bind("esc", "close", "esc", "q", "a"),
	}
}

// agreeMsg brings the store's answer.
type agreeMsg struct {
	res coding.Agreement
	err error
}

// agreeSampleMsg is a sample chosen to compute agreement on ("": none).
type agreeSampleMsg struct{ name string }

// agreeStaleMsg says settlements changed the figures: the review posts it
// when it closes.
type agreeStaleMsg struct{}

// newAgreeView opens the view and starts computing the table.
func newAgreeView(c common) (*agreeView, tea.Cmd) {
	v := &agreeView{c: c, keys: newAgreeKeys(), units: coding.UnitsReviewed}
	return v, v.load()
}

func (v *agreeView) title() string { return "Keys of the agreement view" }

func (v *agreeView) ShortHelp() []key.Binding {
	k := v.keys
	return []key.Binding{brief(k.Review, "review"), brief(k.Units, "units"), brief(k.Sample, "sample"), k.Close}
}

func (v *agreeView) FullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.Down, k.Up, k.Review}, {k.Units, k.Sample, k.Close}}
}

func (v *agreeView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.scroll()
}

// query is what the view computes on: a sample, or the units chosen.
func (v *agreeView) query() (coding.UnitScope, string) {
	if v.sample != "" {
		return coding.UnitsSample, v.sample
	}
	return v.units, ""
}

func (v *agreeView) load() tea.Cmd {
	s := v.c.store
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
		return fmt.Sprintf("sample %s, the %d of %s every coder reviewed", res.Sample, res.Units, plural(res.SampleSize, "segment", "segments"))
	}
	return "all segments"
}

func (v *agreeView) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd = v.key(msg)
	case agreeMsg:
		v.loading, v.res, v.err = false, msg.res, msg.err
		v.cursor = max(0, min(v.cursor, len(v.res.Codes)))
	case samplesMsg:
		if msg.asker == "agree" {
			v.samples(msg)
		}
	case agreeSampleMsg:
		v.sample, v.units = msg.name, coding.UnitsReviewed
		cmd = v.load()
	case agreeStaleMsg:
		cmd = v.load()
	}
	v.scroll()
	return cmd
}

func (v *agreeView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.keys
	switch {
	case key.Matches(msg, k.Close):
		v.c.post(closeMsg{v})
	case key.Matches(msg, k.Down):
		v.cursor = min(v.cursor+1, len(v.res.Codes)) // the last row is "overall"
	case key.Matches(msg, k.Up):
		v.cursor = max(v.cursor-1, 0)
	case key.Matches(msg, k.Units):
		v.units, v.sample = nextUnits(v.units), ""
		return v.load()
	case key.Matches(msg, k.Sample):
		return samplesCmd(v.c.store, "agree")
	case key.Matches(msg, k.Review):
		if !v.loading && v.cursor < len(v.res.Codes) && len(v.res.Coders) >= 2 {
			units, sample := v.query()
			r, cmd := newReviewView(v.c, v.res.Codes[v.cursor].Path, v.res.Coders, units, sample)
			v.c.post(openMsg{r})
			return cmd
		}
	}
	return nil
}

// samples offers the project's samples to compute on.
func (v *agreeView) samples(msg samplesMsg) {
	if msg.err != nil {
		v.err = msg.err
		return
	}
	items := []choice{{"no sample: the segments every compared coder reviewed", agreeSampleMsg{}}}
	for _, sm := range msg.list {
		items = append(items, choice{sampleLabel(sm), agreeSampleMsg{sm.Name}})
	}
	v.c.post(openMsg{newChooser(v.c, "Compute agreement on…", items)})
}

// head and foot are the lines above and below the rows, w wide.
func (v *agreeView) head(w int) []string {
	st, res := v.c.st, v.res
	lines := []string{st.OverlayTitle.Render("Agreement") + st.Dim.Render(ansi.Truncate(fmt.Sprintf(" · %s · %s: %s", strings.Join(res.Coders, ", "), plural(res.Units, "unit", "units"), unitsWords(res)), max(0, w-9), "…"))}
	if res.UnitScope == coding.UnitsSample {
		var parts []string
		for _, c := range res.Coders {
			parts = append(parts, fmt.Sprintf("%s %d/%d", c, res.Reviewed[c], res.SampleSize))
		}
		lines = append(lines, st.Dim.Render(ansi.Truncate("reviewed: "+strings.Join(parts, ", "), w, "…")))
	}
	cells := []string{padRight("code", v.nameW(w)), fmt.Sprintf(" %5s %7s %7s %7s %9s", "used", "% agree", "kappa", "alpha", "disagree")}
	return append(lines, st.Bold.Render(ansi.Truncate(strings.Join(cells, ""), w, "")))
}

func (v *agreeView) foot(w int) []string {
	st := v.c.st
	var legend []string
	for _, b := range agreement.Bands {
		legend = append(legend, bandOf(b).Render("■")+fmt.Sprintf(" %s %s", b.Range(), b))
	}
	lines := []string{""}
	lines = append(lines, strings.Split(ansi.Wrap("Landis & Koch: "+strings.Join(legend, "  "), w, " "), "\n")...)
	return append(lines, strings.Split(st.Dim.Render(ansi.Wrap("used: units where some coder applied the code · enter review disagreements · u units reviewed/coded/all · s sample · esc close", w, " ")), "\n")...)
}

// inner is the table's width inside the page's frame.
func (v *agreeView) inner() int { return max(20, v.width-v.c.st.Page.GetHorizontalFrameSize()) }

func (v *agreeView) nameW(w int) int { return max(12, w-50) }

// room is how many rows fit.
func (v *agreeView) room() int {
	h := v.height - v.c.st.Page.GetVerticalFrameSize()
	return max(3, h-len(v.head(v.inner()))-len(v.foot(v.inner())))
}

// scroll keeps the cursor's row in view.
func (v *agreeView) scroll() {
	room := v.room()
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if v.cursor >= v.offset+room {
		v.offset = v.cursor - room + 1
	}
	v.offset = max(0, min(v.offset, len(v.res.Codes)+1-room))
}

func (v *agreeView) View() string {
	return v.c.st.Page.Width(v.width).Height(v.height).MaxHeight(v.height).Render(v.render(v.inner()))
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

func (v *agreeView) render(w int) string {
	st := v.c.st
	title := st.OverlayTitle.Render("Agreement")
	switch {
	case v.loading:
		return title + "\n\n" + st.Dim.Render("computing agreement…")
	case v.err != nil:
		return title + "\n\n" + st.StatusErr.Render(v.err.Error()) + "\n\n" +
			st.Dim.Render("agreement needs two coders' codings: hand out copies, then qcode merge them")
	}
	res, nameW := v.res, v.nameW(w)
	lines := v.head(w)
	rows := make([]string, 0, len(res.Codes)+1)
	for _, c := range res.Codes {
		name := strings.Repeat("  ", c.Depth) + lastName(c.Path)
		rows = append(rows, v.row(name, nameW, c.Used, c.Metrics, c.Disagreements))
	}
	rows = append(rows, v.row("overall (leaf codes pooled)", nameW, res.Overall.Used, res.Overall.Metrics, -1))
	head := len(lines)
	for i := v.offset; i < len(rows) && i < v.offset+v.room(); i++ {
		line := ansi.Truncate(rows[i], w, "…")
		if i == v.cursor {
			line = st.ItemSelected.Render(ansi.Strip(line))
		}
		lines = append(lines, line)
	}
	for len(lines) < head+v.room() { // the keys at the foot of the page
		lines = append(lines, "")
	}
	lines = append(lines, v.foot(w)...)
	return strings.Join(lines, "\n")
}

// row is one code's figures; the name is padded in cells, so that a code
// named in any script lines up.
func (v *agreeView) row(name string, nameW, used int, mt agreement.Metrics, disagree int) string {
	kappa := mt.Kappa()
	d := ""
	if disagree >= 0 {
		d = fmt.Sprint(disagree)
	}
	return padRight(ansi.Truncate(name, nameW, "…"), nameW) + fmt.Sprintf(" %5d %7s %s %7s %9s", used,
		mt.PercentAgreement.Format(1), bandStyle(kappa).Render(fmt.Sprintf("%7s", kappa.Format(2))),
		mt.KrippendorffAlpha.Format(2), d)
}

func lastName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}
