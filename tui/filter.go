package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// attrsMsg brings the project's attributes for the filter menu.
type attrsMsg struct {
	attrs []coding.AttributeValues
	err   error
}

// filterMenu offers the filters: by code, attribute value, not reviewed,
// coder, sample.
type filterMenu struct {
	attrs   []coding.AttributeValues
	loading bool
	err     error
}

func newFilterMenu(m *Model) *filterMenu { return &filterMenu{} }

func (f *filterMenu) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	switch msg.String() {
	case "esc", "q", "f":
		return true, nil
	case "c":
		p := newPicker(m, pickChoose, "Show segments with the code")
		p.choose = func(m *Model, c coding.Code) tea.Cmd {
			return m.setFilter(coding.SegmentQuery{Code: c.Path, Coders: m.visibleNames()}, "code "+c.Path)
		}
		m.overlay = p
		return false, nil
	case "u":
		return true, m.setFilter(coding.SegmentQuery{Unreviewed: true, Coders: m.visibleNames()}, "not reviewed")
	case "s":
		f.loading = true
		return false, samplesCmd(m.store, "filter")
	case "a":
		if f.attrs == nil {
			f.loading = true
			s := m.store
			return false, func() tea.Msg {
				attrs, err := s.AttributeValues()
				return attrsMsg{attrs, err}
			}
		}
		m.overlay = newAttrChooser(f.attrs)
		return false, nil
	case "k":
		coders, err := m.store.CodingCoders() // coders, not whoever imported or merged
		if err != nil {
			m.status.set(err.Error(), statusError)
			return true, nil
		}
		if len(coders) == 0 {
			m.status.set("nobody has coded yet", statusInfo)
			return true, nil
		}
		m.overlay = &chooser{title: "Show segments coded by", items: coders, choose: func(m *Model, i int) tea.Cmd {
			return m.setFilter(coding.SegmentQuery{Coded: true, Coders: []string{coders[i]}}, "coded by "+coders[i])
		}}
		return false, nil
	case "x":
		return true, m.setFilter(coding.SegmentQuery{}, "")
	}
	return false, nil
}

// attributesLoaded hands the attributes to the filter menu or the report
// view, whichever asked and is still open.
func (m *Model) attributesLoaded(msg attrsMsg) {
	if v, ok := m.overlay.(*reportView); ok && msg.err == nil {
		v.attrs = v.attrs[:0]
		for _, a := range msg.attrs {
			v.attrs = append(v.attrs, a.Name)
		}
		return
	}
	f, ok := m.overlay.(*filterMenu)
	if !ok {
		return
	}
	f.loading = false
	if msg.err != nil {
		f.err = msg.err
		return
	}
	f.attrs = msg.attrs
	if len(f.attrs) == 0 {
		m.status.set("the segments have no attributes", statusInfo)
		m.overlay = nil
		return
	}
	m.overlay = newAttrChooser(f.attrs)
}

func (f *filterMenu) view(m *Model) string {
	lines := []string{m.st.OverlayTitle.Render("Filter the segments"), ""}
	items := [][2]string{{"c", "by code (and its sub-codes)"}, {"a", "by attribute value"}, {"u", "not yet reviewed by you"},
		{"k", "coded by a coder"}, {"s", "my sample (a double-coding sample)"}, {"x", "clear the filter"}}
	for _, it := range items {
		lines = append(lines, m.st.Number.Render(it[0])+"  "+it[1])
	}
	switch {
	case f.loading:
		lines = append(lines, "", m.st.Dim.Render("reading…"))
	case f.err != nil:
		lines = append(lines, "", m.st.StatusErr.Render(f.err.Error()))
	}
	if m.filter != "" {
		lines = append(lines, "", m.st.Dim.Render("now: "+m.filter))
	}
	lines = append(lines, "", m.st.Dim.Render("esc closes"))
	return m.st.Overlay.Render(strings.Join(lines, "\n"))
}

// newAttrChooser asks for an attribute, then one of its values.
func newAttrChooser(attrs []coding.AttributeValues) *chooser {
	items := make([]string, len(attrs))
	for i, a := range attrs {
		items[i] = fmt.Sprintf("%s (%d values)", a.Name, len(a.Values))
	}
	return &chooser{title: "Filter by which attribute?", items: items, choose: func(m *Model, i int) tea.Cmd {
		a := attrs[i]
		vals := make([]string, len(a.Values))
		for j, v := range a.Values {
			vals[j] = ansi.Truncate(v, 70, "…")
		}
		m.overlay = &chooser{title: a.Name + " is…", items: vals, choose: func(m *Model, j int) tea.Cmd {
			return m.setFilter(coding.SegmentQuery{Attr: coding.Attribute{Name: a.Name, Value: a.Values[j]}},
				a.Name+"="+ansi.Truncate(a.Values[j], 24, "…"))
		}}
		return nil
	}}
}

// visibleNames are the coders whose codings count for a filter: everyone,
// or the coder (none at all before the coder's first coding).
func (m *Model) visibleNames() []string {
	switch {
	case m.showAll:
		return nil
	case m.coder == 0:
		return []string{}
	}
	return []string{m.opts.Coder}
}

// setFilter lists only the segments q selects (keeping the cursor's segment
// when it is among them).
func (m *Model) setFilter(q coding.SegmentQuery, desc string) tea.Cmd {
	m.query, m.filter = q, desc
	m.search = searchState{}
	if desc == "" {
		m.status.set("filter cleared", statusInfo)
	} else {
		m.status.set("filter: "+desc+" (esc clears)", statusInfo)
	}
	return m.reload(m.currentRef())
}
