package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// filterMenu is the f dialog: filter the list by code, attribute value,
// not reviewed, coder or sample. What it needs from the store (attributes,
// coders, samples) it asks for in a command; the answer replaces it with a
// chooser.
type filterMenu struct {
	c       common
	keys    filterKeys
	loading bool
	err     error
}

type filterKeys struct {
	Code, Attr, Unreviewed, Coder, Sample, Clear, Close key.Binding
}

func newFilterKeys() filterKeys {
	return filterKeys{
		Code:       bind("c", "by code (and its sub-codes)", "c"),
		Attr:       bind("a", "by attribute value", "a"),
		Unreviewed: bind("u", "not yet reviewed by you", "u"),
		Coder:      bind("k", "coded by a coder", "k"),
		Sample:     bind("s", "my sample (a double-coding sample)", "s"),
		Clear:      bind("x", "clear the filter", "x"),
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
	return []key.Binding{brief(k.Code, "code"), brief(k.Attr, "attribute"), brief(k.Unreviewed, "not reviewed"),
		brief(k.Coder, "coder"), brief(k.Sample, "sample"), brief(k.Clear, "clear"), k.Close}
}

func (f *filterMenu) FullHelp() [][]key.Binding {
	k := f.keys
	return [][]key.Binding{{k.Code, k.Attr, k.Unreviewed, k.Coder, k.Sample, k.Clear, k.Close}}
}

func (f *filterMenu) SetSize(int, int) {}

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
			f.c.post(closeMsg{f}, filterMsg{coding.SegmentQuery{Unreviewed: true, Coders: p.visibleNames()}, "not reviewed"})
		case key.Matches(msg, k.Sample):
			f.loading = true
			return samplesCmd(f.c.store, "filter")
		case key.Matches(msg, k.Attr):
			f.loading = true
			return attrsCmd(f.c.store)
		case key.Matches(msg, k.Coder):
			f.loading = true
			s := f.c.store
			return func() tea.Msg {
				coders, err := s.CodingCoders() // coders, not whoever imported or merged
				return codersMsg{coders, err}
			}
		case key.Matches(msg, k.Clear):
			f.c.post(closeMsg{f}, filterMsg{})
		}
	case attrsMsg:
		f.attributes(msg)
	case codersMsg:
		f.coders(msg)
	case samplesMsg:
		if msg.asker == "filter" {
			f.samples(msg)
		}
	}
	return nil
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
			items[i] = choice{fmt.Sprintf("%s (%d values)", a.Name, len(a.Values)), attrPickedMsg{a}}
		}
		f.c.post(replaceMsg{f, newChooser(f.c, "Filter by which attribute?", items)})
	}
}

// attrValueChooser asks for one of an attribute's values to filter by.
func attrValueChooser(c common, a coding.AttributeValues) *chooser {
	items := make([]choice, len(a.Values))
	for i, v := range a.Values {
		items[i] = choice{ansi.Truncate(v, 70, "…"),
			filterMsg{coding.SegmentQuery{Attr: coding.Attribute{Name: a.Name, Value: v}}, a.Name + "=" + ansi.Truncate(v, 24, "…")}}
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
			items[i] = choice{name, filterMsg{coding.SegmentQuery{Coded: true, Coders: []string{name}}, "coded by " + name}}
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
			items[i] = choice{sampleLabel(sm), filterMsg{coding.SegmentQuery{Sample: sm.Name}, "sample " + sm.Name}}
		}
		f.c.post(replaceMsg{f, newChooser(f.c, "Show only the segments of sample…", items)})
	}
}

func sampleLabel(sm coding.Sample) string {
	return fmt.Sprintf("%s (%s)", sm.Name, plural(sm.Segments, "segment", "segments"))
}

func (f *filterMenu) View() string {
	st := f.c.st
	lines := []string{st.OverlayTitle.Render("Filter the segments"), ""}
	for _, b := range f.FullHelp()[0][:6] {
		lines = append(lines, st.Number.Render(b.Help().Key)+"  "+b.Help().Desc)
	}
	switch {
	case f.loading:
		lines = append(lines, "", st.Dim.Render("reading…"))
	case f.err != nil:
		lines = append(lines, "", st.StatusErr.Render(f.err.Error()))
	}
	if p := f.c.proj; p.filter != "" {
		lines = append(lines, "", st.Dim.Render("now: "+p.filter))
	}
	lines = append(lines, "", st.Dim.Render("esc closes"))
	return st.Overlay.Render(strings.Join(lines, "\n"))
}
