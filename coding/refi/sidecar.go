package refi

import "time"

// SidecarName is the file beside project.qde that holds what QDA-XML has
// no place for. Other tools ignore it; qcode reads it back.
const SidecarName = "qcode.json"

// sidecarFormat names the sidecar's format, and sidecarVersion its
// version: a reader refuses a version newer than it knows.
const (
	sidecarFormat = "qcode-refi"
	// Version 2 adds memos on sources, cases, codes and segments and the
	// journal: a segment's selection refers to its memos, which version
	// 1 read as memos of the codings in it.
	sidecarVersion = 2
)

// sidecar is qcode.json. Everything in it names things of project.qde by
// GUID.
type sidecar struct {
	Format  string           `json:"format"`
	Version int              `json:"version"`
	Codes   []sidecarCode    `json:"codes,omitempty"`
	Sources []sidecarSource  `json:"sources"`
	Cases   []sidecarCase    `json:"cases,omitempty"`
	Marks   []sidecarMark    `json:"marks,omitempty"`
	Samples []sidecarSample  `json:"samples,omitempty"`
	Settled []sidecarSettled `json:"settled,omitempty"`
	// StarNote is the note that marks a coding starred as a report quote.
	StarNote string `json:"star_note,omitempty"`
	// CaseMemos tie notes to the cases they are memos on (a Case has no
	// NoteRef in QDA-XML 1.0).
	CaseMemos []sidecarCaseMemo `json:"case_memos,omitempty"`
}

// sidecarCaseMemo says a note is a memo on a case.
type sidecarCaseMemo struct {
	Note string `json:"note"`
	Case string `json:"case"`
}

// sidecarCode holds a code's quick key and group flags.
type sidecarCode struct {
	GUID      string `json:"guid"`
	Key       string `json:"key,omitempty"`
	Group     bool   `json:"group,omitempty"`
	Exclusive bool   `json:"exclusive,omitempty"`
}

// sidecarSource is how a source was read: its file, format and hash (so
// that importing the file again is recognised), its context (where a
// transcript's prompts, headings and preamble are in the text) and its
// segments (the selections that are segments, in order, with their own
// attributes).
type sidecarSource struct {
	GUID     string           `json:"guid"`
	File     string           `json:"file"`
	Format   string           `json:"format"`
	Hash     string           `json:"hash,omitempty"`
	Context  []sidecarContext `json:"context,omitempty"`
	Segments []sidecarSegment `json:"segments"`
}

// sidecarContext is a piece of a transcript's context: its kind, number
// and speaker, and its text's place in the source text (code points).
type sidecarContext struct {
	Kind    string `json:"kind"`
	N       int    `json:"n,omitempty"`
	Speaker string `json:"speaker,omitempty"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

// sidecarSegment is a segment's selection and its own attributes.
type sidecarSegment struct {
	GUID       string      `json:"guid"`
	Attributes [][2]string `json:"attributes,omitempty"`
}

// sidecarCase says a case is a speaker named within a source.
type sidecarCase struct {
	GUID   string `json:"guid"`
	Source string `json:"source"`
	Label  string `json:"label"`
}

// sidecarMark is a review mark: a coder read the segment and no code
// applies.
type sidecarMark struct {
	Segment string    `json:"segment"`
	Coder   string    `json:"coder"`
	Time    time.Time `json:"time"`
}

// sidecarSample is a double-coding sample.
type sidecarSample struct {
	Name     string    `json:"name"`
	By       string    `json:"by,omitempty"`
	Created  time.Time `json:"created"`
	Size     string    `json:"size,omitempty"`
	Seed     *uint64   `json:"seed,omitempty"`
	Sources  []string  `json:"sources,omitempty"`
	File     string    `json:"file,omitempty"`
	Segments []string  `json:"segments"`
}

// sidecarSettled is a recorded decision on a segment and a code (a
// code group for its levels): consensus's codings carry the decision's
// passages; the record is what makes "none" a decision, and keeps who
// settled it and the audit memo.
type sidecarSettled struct {
	Segment  string    `json:"segment"`
	Code     string    `json:"code"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Decision string    `json:"decision"`
	Coder    string    `json:"coder,omitempty"`
	Audit    string    `json:"audit"`
}
