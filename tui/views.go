package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qcode/coding"
)

// views are the views and dialogs the coding screen opens by a key. Adding
// one is a file with its component and one line here: its key, with its
// help, goes into the screen's key map and ? screen, and the key opens it.
var views = []viewEntry{
	{bind("f", "filter", "f"), func(c common, _ shown) (component, tea.Cmd) { return newFilterMenu(c), nil }},
	{bind("e", "codebook editor", "e"), func(c common, _ shown) (component, tea.Cmd) { return newEditor(c), nil }},
	{bind("r", "report", "r"), func(c common, _ shown) (component, tea.Cmd) { return newReportView(c) }},
	{bind("a", "agreement", "a"), func(c common, _ shown) (component, tea.Cmd) { return newAgreeView(c) }},
	{bind("d", "document view", "d"), func(c common, at shown) (component, tea.Cmd) { return newDocument(c, at) }},
	{bind("A", "code every match (or all listed)", "A"), newCodeAll},
	{bind("M", "memo browser", "M"), newMemoBrowser},
	{bind("i", "read the segment in its context", "i"), newInContext},
	{bind("=", "segments most like this one", "="), newSimilar},
}

// newInContext opens the current segment in its context: the prompt it
// answers and its neighbouring turns (+/- for more or fewer).
func newInContext(c common, at shown) (component, tea.Cmd) {
	if at.seg == nil {
		c.say("no segment to read", statusInfo)
		return nil, nil
	}
	ref := at.seg.Ref
	return newPassageList(c, "the current segment", nil, true, func() (passagesFound, error) {
		return passagesFound{refs: []coding.SegRef{ref}}, nil
	})
}

// leadOnly are the views a blind coder may not open (by their key): the
// agreement view shows every coder's codings and leads to settling.
var leadOnly = map[string]bool{"a": true}

// viewEntry is a view the coding screen opens: the key, and how to make
// the view from what the screen shows.
type viewEntry struct {
	key  key.Binding
	open func(c common, at shown) (component, tea.Cmd)
}

// shown is what the coding screen shows when a view is opened from it, for
// the views that start from there (a document view from the current
// segment, coding every match from the search).
type shown struct {
	seg   *coding.Segment // the current segment (nil while it loads)
	refs  []coding.SegRef // the segments listed (the active filter's)
	query string          // the active search ("": none)
	hits  []coding.SegRef // its matches, in list order
	panel *codebookPanel  // the codebook panel, whose digits a view may share
	// reading is true while the list or the search's matches are being
	// read for a new filter or query: what is shown is about to change.
	reading bool
}

// gotoMsg moves the list's cursor to a segment (if it is listed): a view
// that shows segments posts it to hand the reader back to the list there.
// With reveal, a segment the filter hides clears the filter (the memo
// browser's jump); without, the list stays where it is (the document view
// follows the reader turn by turn, listed or not).
type gotoMsg struct {
	ref    coding.SegRef
	reveal bool
}
