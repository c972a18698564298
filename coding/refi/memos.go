package refi

import (
	"slices"
	"strconv"
	"strings"

	"qcode/coding"
	"qcode/corpus/qdaxml"
)

// Memos on sources, codes, segments and cases, and the project's journal,
// travel as REFI notes: each author's memo is a Note (its text, the
// author as its creatingUser, created and modified times), referred to by
// a NoteRef where the standard has one — the TextSource, the Code, the
// segment's PlainTextSelection, the Project for each journal entry. A
// Case has no NoteRef in QDA-XML 1.0: its memos' notes are tied to it in
// qcode.json, and their text is the Case's <Description> too, where other
// tools (QualCoder, NVivo) keep a case's memo.

// memoNotes are the notes of the memos of a ProjectExport, and where they
// are referred to from.
type memoNotes struct {
	list    []qdaxml.TextSource
	source  map[coding.SourceID][]qdaxml.Ref
	segment map[coding.SegRef][]qdaxml.Ref
	code    map[string][]qdaxml.Ref // by the code's GUID
	project []qdaxml.Ref
	// cases are each case's memos: their notes (for qcode.json) and the
	// text of its <Description>.
	cases map[coding.CaseID]*caseMemos
}

type caseMemos struct {
	notes []string
	texts []string // "author: text" when several authors wrote
	bare  []string
}

// memoNotes makes a note of every memo.
func (x *exporter) memoNotes() memoNotes {
	mn := memoNotes{source: map[coding.SourceID][]qdaxml.Ref{}, segment: map[coding.SegRef][]qdaxml.Ref{},
		code: map[string][]qdaxml.Ref{}, cases: map[coding.CaseID]*caseMemos{}}
	caseName := map[coding.CaseID]coding.ExportCase{}
	for _, c := range x.px.Cases {
		caseName[c.ID] = c
	}
	sourceName := map[coding.SourceID]string{}
	for _, src := range x.px.Sources {
		sourceName[src.ID] = src.Name
	}
	entry := 0
	for _, m := range x.px.Memos {
		var target, title string
		switch m.Kind {
		case coding.MemoSource:
			name, ok := sourceName[m.Source]
			if !ok {
				continue
			}
			target, title = x.g.of("source", name), "Source memo: "+name
		case coding.MemoSegment:
			at, ok := x.at[m.Segment]
			if !ok {
				continue
			}
			target, title = x.sel[m.Segment], "Segment memo: "+x.px.Sources[at[0]].Segments[at[1]].ID
		case coding.MemoCode:
			code, ok := x.px.Codebook.Code(m.Code)
			if !ok {
				continue
			}
			target, title = x.g.code(code), "Code memo: "+code.Path
		case coding.MemoCase:
			c, ok := caseName[m.Case]
			if !ok {
				continue
			}
			target, title = x.caseGUID(c), "Case memo: "+c.Name
		case coding.MemoProject:
			entry++
			title = "Journal " + strconv.Itoa(entry) + ": " + m.Created.UTC().Format("2006-01-02 15:04")
		default:
			continue
		}
		guid := x.g.of("memo", string(m.Kind), target, strconv.FormatInt(m.Created.UnixMilli(), 10), m.Author)
		if m.Kind != coding.MemoProject {
			guid = x.g.of("memo", string(m.Kind), target, m.Author)
		}
		text := m.Text
		note := qdaxml.TextSource{GUID: guid, Name: title, CreatingUser: x.user(m.Author), CreationDateTime: stamp(m.Created),
			PlainTextContent: &text}
		if !m.Updated.Equal(m.Created) {
			note.ModifyingUser, note.ModifiedDateTime = note.CreatingUser, stamp(m.Updated)
		}
		mn.list = append(mn.list, note)
		ref := qdaxml.Ref{Target: guid}
		switch m.Kind {
		case coding.MemoSource:
			mn.source[m.Source] = append(mn.source[m.Source], ref)
		case coding.MemoSegment:
			mn.segment[m.Segment] = append(mn.segment[m.Segment], ref)
		case coding.MemoCode:
			mn.code[target] = append(mn.code[target], ref)
		case coding.MemoCase:
			cm := mn.cases[m.Case]
			if cm == nil {
				cm = &caseMemos{}
				mn.cases[m.Case] = cm
			}
			cm.notes = append(cm.notes, guid)
			cm.texts = append(cm.texts, m.Author+": "+m.Text)
			cm.bare = append(cm.bare, m.Text)
		case coding.MemoProject:
			mn.project = append(mn.project, ref)
		}
	}
	return mn
}

// description is a case's <Description>: its memo, or each author's after
// their name.
func (cm *caseMemos) description() string {
	if cm == nil {
		return ""
	}
	if len(cm.bare) == 1 {
		return cm.bare[0]
	}
	return strings.Join(cm.texts, "\n\n")
}

// codeNoteRefs gives each code its memos' NoteRefs.
func codeNoteRefs(codes []qdaxml.Code, refs map[string][]qdaxml.Ref) {
	for i := range codes {
		codes[i].NoteRefs = refs[codes[i].GUID]
		codeNoteRefs(codes[i].Codes, refs)
	}
}

// users lists everyone who coded, marked or wrote a memo, by name.
func users(px *coding.ProjectExport) []string {
	out := slices.Clone(px.Coders)
	for _, m := range px.Memos {
		if !slices.Contains(out, m.Author) {
			out = append(out, m.Author)
		}
	}
	slices.Sort(out)
	return out
}
