package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
	"qcode/corpus/printable"
)

// filterMenu is the f dialog: add a condition to the list's filter — a
// code, an attribute value, a source, a coder, not reviewed, starred, a
// sample — or take one away (by its number). Conditions combine: a segment
// is listed when every one holds (coding.SegmentQuery's terms). What it
// needs from the store (attributes, sources, coders, samples) it asks for
// in a command; the answer replaces it with a chooser.
type filterMenu struct {
	c       common
	keys    filterKeys
	loading bool
	err     error
}

type filterKeys struct {
	Code, Attr, Source, Coder, Unreviewed, Starred, Sample key.Binding
	Remove, Clear, Close                                   key.Binding
}

func newFilterKeys() filterKeys {
	return filterKeys{
		Code:       bind("c", "coded with a code (and its sub-codes)", "c"),
		Attr:       bind("a", "an attribute value", "a"),
		Source:     bind("o", "in a source", "o"),
		Coder:      bind("k", "coded by a coder", "k"),
		Unreviewed: bind("u", "not yet reviewed by you (again: off)", "u"),
		Starred:    bind("t", "starred as a quote (again: off)", "t"),
		Sample:     bind("s", "in my sample (a double-coding sample)", "s"),
		Remove:     bind("1-9", "take that condition away", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		Clear:      bind("x", "clear every condition", "x"),
		Close:      bind("esc", "close", "esc", "q", "f"),
	}
}

// attrsMsg brings the project's attributes (for the filter, or the
// report's split).
type attrsMsg struct {
	attrs []coding.AttributeValues
	err   error
}

// codersMsg brings the coders for the coder filter.
type codersMsg struct {
	coders []string
	err    error
}

// samplesMsg brings the project's samples for the filter menu and the
// agreement view's picker.
type samplesMsg struct {
	list  []coding.Sample
	err   error
	asker string // "filter" or "agree": who asked
}

// attrPickedMsg is an attribute chosen to filter by: the coding screen
// asks for one of its values.
type attrPickedMsg struct{ attr coding.AttributeValues }

func newFilterMenu(c common) *filterMenu { return &filterMenu{c: c, keys: newFilterKeys()} }

func (*filterMenu) isDialog() {}

func (f *filterMenu) ShortHelp() []key.Binding {
	k := f.keys
	return []key.Binding{brief(k.Code, "code"), brief(k.Attr, "attribute"), brief(k.Source, "source"),
		brief(k.Coder, "coder"), brief(k.Unreviewed, "not reviewed"), brief(k.Starred, "starred"),
		brief(k.Sample, "sample"), brief(k.Remove, "take away"), brief(k.Clear, "clear"), k.Close}
}

func (f *filterMenu) FullHelp() [][]key.Binding {
	k := f.keys
	return [][]key.Binding{{k.Code, k.Attr, k.Source, k.Coder, k.Unreviewed, k.Starred, k.Sample}, {k.Remove, k.Clear, k.Close}}
}

func (f *filterMenu) SetSize(int, int) {}

// sourcesMsg brings the project's sources for the source filter.
type sourcesMsg struct {
	names []string
	sizes []int
	err   error
}

// withTerm is the filter with one more condition (one that holds a single
// value — a code, a source, an attribute of that name — replaces its
// like). Codings count as the screen shows them: the coder's own, or
// everyone's with C.
func withTerm(p *project, t coding.QueryTerm) tea.Msg {
	q, err := p.query.With(t)
	if err != nil {
		return statusMsg{err.Error(), statusError}
	}
	q.Coders = p.visibleNames()
	return filterMsg{q, q.Describe()}
}

// withoutTerm is the filter without a condition (none left: no filter).
func withoutTerm(p *project, t coding.QueryTerm) filterMsg {
	q := p.query.Without(t)
	if len(q.Terms()) == 0 {
		return filterMsg{}
	}
	return filterMsg{q, q.Describe()}
}

// toggleTerm adds a condition that stands alone (not reviewed, starred),
// or takes it away when it is on.
func toggleTerm(p *project, kind coding.TermKind) tea.Msg {
	t := coding.QueryTerm{Kind: kind}
	if slices.ContainsFunc(p.query.Terms(), t.Equal) {
		return withoutTerm(p, t)
	}
	return withTerm(p, t)
}

func attrsCmd(s *coding.Store) tea.Cmd {
	return func() tea.Msg {
		attrs, err := s.AttributeValues()
		return attrsMsg{attrs, err}
	}
}

func samplesCmd(s *coding.Store, who string) tea.Cmd {
	return func() tea.Msg {
		list, err := s.SampleList()
		return samplesMsg{list: list, err: err, asker: who}
	}
}

func (f *filterMenu) Update(msg tea.Msg) tea.Cmd {
	p := f.c.proj
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := f.keys
		switch {
		case key.Matches(msg, k.Close):
			f.c.post(closeMsg{f})
		case key.Matches(msg, k.Code):
			f.c.post(replaceMsg{f, newPicker(f.c, pickFilter, "Show segments with the code")})
		case key.Matches(msg, k.Unreviewed):
			f.c.post(closeMsg{f}, toggleTerm(p, coding.TermUnreviewed))
		case key.Matches(msg, k.Starred):
			f.c.post(closeMsg{f}, toggleTerm(p, coding.TermStarred))
		case key.Matches(msg, k.Sample):
			f.loading = true
			return samplesCmd(f.c.store, "filter")
		case key.Matches(msg, k.Attr):
			f.loading = true
			return attrsCmd(f.c.store)
		case key.Matches(msg, k.Source):
			f.loading = true
			return sourcesCmd(f.c.store)
		case key.Matches(msg, k.Coder):
			f.loading = true
			s := f.c.store
			return func() tea.Msg {
				coders, err := s.CodingCoders() // coders, not whoever imported or merged
				return codersMsg{coders, err}
			}
		case key.Matches(msg, k.Remove):
			if terms := p.query.Terms(); digit(msg.String())-1 < len(terms) {
				f.c.post(closeMsg{f}, withoutTerm(p, terms[digit(msg.String())-1]))
			}
		case key.Matches(msg, k.Clear):
			f.c.post(closeMsg{f}, filterMsg{})
		}
	case attrsMsg:
		f.attributes(msg)
	case codersMsg:
		f.coders(msg)
	case sourcesMsg:
		f.sources(msg)
	case samplesMsg:
		if msg.asker == "filter" {
			f.samples(msg)
		}
	}
	return nil
}

func sourcesCmd(s *coding.Store) tea.Cmd {
	return func() tea.Msg {
		list, err := s.Sources()
		msg := sourcesMsg{err: err}
		for _, src := range list {
			msg.names = append(msg.names, printable.String(src.Name))
			msg.sizes = append(msg.sizes, src.Segments)
		}
		return msg
	}
}

// sources offers the sources once they are read.
func (f *filterMenu) sources(msg sourcesMsg) {
	if !f.loading {
		return
	}
	f.loading = false
	switch {
	case msg.err != nil:
		f.err = msg.err
	case len(msg.names) == 0:
		f.c.say("no sources yet: import some with `qcode import FILE`", statusInfo)
		f.c.post(closeMsg{f})
	default:
		items := make([]choice, len(msg.names))
		for i, name := range msg.names {
			items[i] = choice{fmt.Sprintf("%s (%s)", name, plural(msg.sizes[i], "segment", "segments")),
				withTerm(f.c.proj, coding.QueryTerm{Kind: coding.TermSource, Value: name})}
		}
		f.c.post(replaceMsg{f, newChooser(f.c, "Show only the segments of the source…", items)})
	}
}

// attributes offers the attributes once they are read.
func (f *filterMenu) attributes(msg attrsMsg) {
	if !f.loading {
		return
	}
	f.loading = false
	switch {
	case msg.err != nil:
		f.err = msg.err
	case len(msg.attrs) == 0:
		f.c.say("the segments have no attributes", statusInfo)
		f.c.post(closeMsg{f})
	default:
		items := make([]choice, len(msg.attrs))
		for i, a := range msg.attrs {
			items[i] = choice{fmt.Sprintf("%s (%s)", a.Name, plural(len(a.Values), "value", "values")), attrPickedMsg{a}}
		}
		f.c.post(replaceMsg{f, newChooser(f.c, "Filter by which attribute?", items)})
	}
}

// attrValueChooser asks for one of an attribute's values to filter by.
func attrValueChooser(c common, a coding.AttributeValues) *chooser {
	items := make([]choice, len(a.Values))
	for i, v := range a.Values {
		items[i] = choice{ansi.Truncate(v, 70, "…"), withTerm(c.proj, coding.QueryTerm{Kind: coding.TermAttr, Name: a.Name, Value: v})}
	}
	return newChooser(c, a.Name+" is…", items)
}

// coders offers the coders once they are read.
func (f *filterMenu) coders(msg codersMsg) {
	if !f.loading {
		return
	}
	f.loading = false
	switch {
	case msg.err != nil:
		f.c.say(msg.err.Error(), statusError)
		f.c.post(closeMsg{f})
	case len(msg.coders) == 0:
		f.c.say("nobody has coded yet", statusInfo)
		f.c.post(closeMsg{f})
	default:
		items := make([]choice, len(msg.coders))
		for i, name := range msg.coders {
			items[i] = choice{name, withTerm(f.c.proj, coding.QueryTerm{Kind: coding.TermCoder, Value: name})}
		}
		f.c.post(replaceMsg{f, newChooser(f.c, "Show segments coded by", items)})
	}
}

// samples offers the samples once they are read.
func (f *filterMenu) samples(msg samplesMsg) {
	if !f.loading {
		return
	}
	f.loading = false
	switch {
	case msg.err != nil:
		f.err = msg.err
	case len(msg.list) == 0:
		f.c.say("no samples yet: the team lead makes one with qcode sample NAME --size 10%", statusInfo)
		f.c.post(closeMsg{f})
	default:
		items := make([]choice, len(msg.list))
		for i, sm := range msg.list {
			items[i] = choice{sampleLabel(sm), withTerm(f.c.proj, coding.QueryTerm{Kind: coding.TermSample, Value: sm.Name})}
		}
		f.c.post(replaceMsg{f, newChooser(f.c, "Show only the segments of sample…", items)})
	}
}

func sampleLabel(sm coding.Sample) string {
	return fmt.Sprintf("%s (%s)", sm.Name, plural(sm.Segments, "segment", "segments"))
}

func (f *filterMenu) View() string {
	st := f.c.st
	lines := []string{st.OverlayTitle.Render("Filter the segments"), st.Dim.Render("every condition must hold"), ""}
	for _, b := range f.FullHelp()[0] {
		lines = append(lines, st.Number.Render(b.Help().Key)+"  "+b.Help().Desc)
	}
	lines = append(lines, st.Number.Render("x")+"  "+f.keys.Clear.Help().Desc)
	switch {
	case f.loading:
		lines = append(lines, "", st.Dim.Render("reading…"))
	case f.err != nil:
		lines = append(lines, "", st.StatusErr.Render(f.err.Error()))
	}
	if terms := f.c.proj.query.Terms(); len(terms) > 0 {
		lines = append(lines, "", st.Dim.Render("now (a digit takes one away):"))
		for i, t := range terms {
			lines = append(lines, st.Number.Render(fmt.Sprint(i+1))+"  "+ansi.Truncate(t.String(), 50, "…"))
		}
	}
	lines = append(lines, "", st.Dim.Render("esc closes"))
	return st.Overlay.Render(strings.Join(lines, "\n"))
}
