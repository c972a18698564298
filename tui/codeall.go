package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// codeAll is the A dialog: code every segment shown — the matches of the
// search, else the filtered list — with one code, as one action that u
// takes back whole. It picks the code first (a picker inside it, so that
// the segments it was opened on stay with it), then asks "code N segments
// with X? (y/n)".
type codeAll struct {
	c    common
	keys codeAllKeys
	refs []coding.SegRef // the segments shown when A was pressed, ascending
	what string          // what they are, in words: "the 14 matches of “backfill”"
	pick *picker         // choosing the code (nil once chosen)
	code coding.Code

	width, height int
}

type codeAllKeys struct {
	Yes, No key.Binding
}

func newCodeAllKeys() codeAllKeys {
	return codeAllKeys{
		Yes: bind("y", "yes: code them all (one action, u undoes it)", "y", "enter"),
		No:  bind("n", "no: code nothing", "n", "esc"),
	}
}

// newCodeAll opens the dialog on what the screen shows, or says why there
// is nothing to code (and opens nothing).
func newCodeAll(c common, at shown) (component, tea.Cmd) {
	p := c.proj
	if at.reading {
		c.say("the list is still being read: A again in a moment", statusInfo)
		return nil, nil
	}
	var refs []coding.SegRef
	var what string
	switch {
	case at.query != "":
		refs = at.hits
		what = fmt.Sprintf("the %s of “%s”", plural(len(refs), "match", "matches"), at.query)
		if len(refs) == 1 {
			what = fmt.Sprintf("the match of “%s”", at.query)
		}
	case !p.query.IsZero():
		refs = at.refs
		what = fmt.Sprintf("the %s of the filter", plural(len(refs), "segment", "segments"))
		if len(refs) == 1 {
			what = "the segment of the filter"
		}
	default:
		c.say("A codes every match of a search (/) or every segment of a filter (f): search or filter first", statusInfo)
		return nil, nil
	}
	if len(refs) == 0 {
		c.say("nothing to code: no segment is shown", statusInfo)
		return nil, nil
	}
	a := &codeAll{c: c, keys: newCodeAllKeys(), refs: slices.Clone(refs), what: what}
	a.pick = newPicker(c, pickCodeAll, "Code "+what+" with…")
	return a, nil
}

func (*codeAll) isDialog() {}

// typing while the code is typed into the picker.
func (a *codeAll) typing() bool { return a.pick != nil }

func (a *codeAll) title() string { return "Keys of coding every match" }

func (a *codeAll) ShortHelp() []key.Binding {
	if a.pick != nil {
		return a.pick.ShortHelp()
	}
	return []key.Binding{brief(a.keys.Yes, "yes"), brief(a.keys.No, "no")}
}

// FullHelp lists the picker's keys, then the question's.
func (a *codeAll) FullHelp() [][]key.Binding {
	return [][]key.Binding{newPicker(a.c, pickCodeAll, "").ShortHelp(), {a.keys.Yes, a.keys.No}}
}

func (a *codeAll) SetSize(w, h int) {
	a.width, a.height = w, h
	if a.pick != nil {
		a.pick.SetSize(w, h)
	}
}

func (a *codeAll) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pickedMsg:
		if msg.purpose == pickCodeAll && a.pick != nil {
			a.pick, a.code = nil, msg.code
		}
		return nil
	case tea.PasteMsg:
		if a.pick != nil {
			return a.pick.Update(msg)
		}
		return nil
	case tea.KeyPressMsg:
		if a.pick != nil {
			if key.Matches(msg, a.pick.keys.Cancel) {
				a.c.post(closeMsg{a})
				return nil
			}
			return a.pick.Update(msg) // its pickedMsg comes back here
		}
		switch {
		case key.Matches(msg, a.keys.Yes):
			a.c.post(closeMsg{a}, writeMsg{codeAllReq{refs: a.refs, code: a.code.ID, path: a.code.Path}})
		case key.Matches(msg, a.keys.No):
			a.c.say("nothing coded", statusInfo)
			a.c.post(closeMsg{a})
		}
	}
	return nil
}

func (a *codeAll) View() string {
	if a.pick != nil {
		return a.pick.View()
	}
	st := a.c.st
	w := min(max(44, a.width/2), a.width-4)
	inner := max(1, w-4)
	q := fmt.Sprintf("Code %s with %s?", plural(len(a.refs), "segment", "segments"), a.code.Path)
	lines := []string{st.OverlayTitle.Render("Code every match"), ""}
	lines = append(lines, strings.Split(ansi.Wrap(q, inner, " "), "\n")...)
	note := "Those are " + a.what + ", as listed. One action: u takes it back whole."
	if len(a.refs) == 1 {
		note = "That is " + a.what + ", as listed. One action: u takes it back."
	}
	lines = append(lines, strings.Split(st.Dim.Render(ansi.Wrap(note, inner, " ")), "\n")...)
	lines = append(lines, "", ansi.Truncate(st.Number.Render("y")+" yes · "+st.Number.Render("n")+" no", inner, "…"))
	return st.Overlay.Width(w).Render(strings.Join(lines, "\n"))
}
