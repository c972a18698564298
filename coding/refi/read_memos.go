package refi

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
	"qcode/corpus/qdaxml"
)

// readMemos reads the notes on the project, its sources, codes, segments
// and cases as memos (a coding's notes are its memo, read with it):
//
//   - the Project's NoteRefs are journal entries, one per note;
//   - a TextSource's NoteRefs are memos on the source;
//   - a Code's NoteRefs are memos on the code;
//   - a segment's selection's NoteRefs (qcode's own) are memos on the
//     segment; another tool's selection with notes and no coding gives
//     its notes to each segment it covers;
//   - a case's notes are tied to it in qcode.json (qcode's own); another
//     tool's Case <Description>, where QualCoder and NVivo keep a case's
//     memo, and a TextSource's <Description> are memos of the importing
//     coder;
//   - a note nothing refers to (another tool's free memo) is a journal
//     entry.
//
// Each note's author is its creatingUser (else its modifyingUser, else
// the importing coder); its times are the note's. A note from another
// tool keeps its name as the memo's first line.
func (r *reader) readMemos() error {
	for _, ref := range r.p.NoteRefs {
		if err := r.noteMemo(ref, coding.ImportedMemo{Kind: coding.MemoProject}); err != nil {
			return err
		}
	}
	for _, s := range r.sources {
		if s.src == nil {
			continue
		}
		for _, ref := range s.ts.NoteRefs {
			if err := r.noteMemo(ref, coding.ImportedMemo{Kind: coding.MemoSource, Source: s.index}); err != nil {
				return err
			}
		}
		if r.side == nil {
			r.describedMemo(s.ts.Description, coding.ImportedMemo{Kind: coding.MemoSource, Source: s.index})
		}
	}
	if err := r.caseMemos(); err != nil {
		return err
	}
	if r.p.CodeBook != nil {
		if err := r.codeMemos(r.p.CodeBook.Codes.Code); err != nil {
			return err
		}
	}
	if err := r.segmentMemos(); err != nil {
		return err
	}
	// What nothing refers to is a free memo: a journal entry.
	if r.p.Notes != nil {
		for _, n := range r.p.Notes.Note {
			if key := qdaxml.GUIDKey(n.GUID); !r.used[key] && !r.unread[key] {
				if err := r.noteMemo(qdaxml.Ref{Target: n.GUID}, coding.ImportedMemo{Kind: coding.MemoProject}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// caseMemos reads the memos on cases.
func (r *reader) caseMemos() error {
	if r.side != nil {
		for _, cm := range r.side.CaseMemos {
			name, ok := r.cases[qdaxml.GUIDKey(cm.Case)]
			if !ok {
				return &corpus.InputError{File: r.file, Where: SidecarName, Msg: fmt.Sprintf("a case memo names case %s, which is no case of the project", corpus.Excerpt(cm.Case)), Err: qdaxml.ErrInvalid}
			}
			if err := r.noteMemo(qdaxml.Ref{Target: cm.Note}, coding.ImportedMemo{Kind: coding.MemoCase, Case: name}); err != nil {
				return err
			}
		}
		return nil
	}
	if r.p.Cases == nil {
		return nil
	}
	for _, c := range r.p.Cases.Case {
		if name, ok := r.cases[qdaxml.GUIDKey(c.GUID)]; ok {
			r.describedMemo(c.Description, coding.ImportedMemo{Kind: coding.MemoCase, Case: name})
		}
	}
	return nil
}

// codeMemos reads the memos on codes (and their sub-codes).
func (r *reader) codeMemos(codes []qdaxml.Code) error {
	for _, c := range codes {
		if path, ok := r.codes[qdaxml.GUIDKey(c.GUID)]; ok {
			for _, ref := range c.NoteRefs {
				if err := r.noteMemo(ref, coding.ImportedMemo{Kind: coding.MemoCode, Code: path}); err != nil {
					return err
				}
			}
		}
		if err := r.codeMemos(c.Codes); err != nil {
			return err
		}
	}
	return nil
}

// segmentMemos reads the memos on segments: the notes of a segment's
// selection (qcode's own), or of another tool's selection that codes
// nothing, given to each segment it covers.
func (r *reader) segmentMemos() error {
	for _, s := range r.sources {
		if s.src == nil {
			continue
		}
		for j := range s.ts.Selections {
			sel := &s.ts.Selections[j]
			if len(sel.NoteRefs) == 0 {
				continue
			}
			key := qdaxml.GUIDKey(sel.GUID)
			var segs []int
			if seg, ok := s.isSeg[key]; ok {
				segs = []int{seg}
			} else if r.side == nil && len(sel.Codings) == 0 {
				at := r.sels[key]
				for _, cv := range s.segmentsIn(at.start, at.end) {
					segs = append(segs, cv.seg)
				}
			}
			for _, seg := range segs {
				for _, ref := range sel.NoteRefs {
					m := coding.ImportedMemo{Kind: coding.MemoSegment, Segment: coding.SegmentAt{Source: s.index, Segment: seg}}
					if err := r.noteMemo(ref, m); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// noteMemo adds the memo a note holds on a target (m names the target).
func (r *reader) noteMemo(ref qdaxml.Ref, m coding.ImportedMemo) error {
	key := qdaxml.GUIDKey(ref.Target)
	n, ok := r.notes[key]
	if !ok {
		r.dropped.noNote++
		return nil
	}
	text, err := r.noteText(key, &n)
	if err != nil {
		return err
	}
	r.used[key] = true
	if text == "" {
		return nil
	}
	if r.side == nil {
		if title := clean(n.Name); title != "" && !strings.HasPrefix(text, title) {
			text = title + "\n\n" + text
		}
	}
	if len(text) > coding.MaxMemoBytes {
		r.dropped.longNotes++
		return nil
	}
	m.Text = text
	m.Author = r.users[qdaxml.GUIDKey(n.CreatingUser)]
	if m.Author == "" {
		m.Author = r.users[qdaxml.GUIDKey(n.ModifyingUser)]
	}
	if m.Author == "" {
		m.Author = r.opts.Coder
	}
	m.Created, m.Updated = parseTime(n.CreationDateTime), parseTime(n.ModifiedDateTime)
	if m.Created.IsZero() {
		m.Created = m.Updated
	}
	r.out.Memos = append(r.out.Memos, m)
	return nil
}

// describedMemo adds a memo another tool keeps as a <Description>, by the
// importing coder.
func (r *reader) describedMemo(desc string, m coding.ImportedMemo) {
	text := strings.TrimSpace(printable.Strip(desc))
	if text == "" {
		return
	}
	if len(text) > coding.MaxMemoBytes {
		r.dropped.longNotes++
		return
	}
	m.Text, m.Author, m.Created = text, r.opts.Coder, time.Time{}
	r.out.Memos = append(r.out.Memos, m)
}

// noteText reads a note's plain text — inline, or the archive's file its
// internal:// path names — made printable and trimmed; "" for a note with
// none (a rich text only, a file outside the archive or missing from it),
// counted once.
func (r *reader) noteText(key string, n *qdaxml.TextSource) (string, error) {
	if t, ok := r.noteTexts[key]; ok {
		return t, nil
	}
	var raw []byte
	switch path := strings.TrimSpace(n.PlainTextPath); {
	case n.PlainTextContent != nil:
		raw = []byte(*n.PlainTextContent)
	case strings.HasPrefix(strings.ToLower(path), "internal://"):
		data, err := r.arc.SourceFile(path)
		if err != nil && !errors.Is(err, qdaxml.ErrNoFile) {
			return "", err // a path that leaves the archive, a file too big
		}
		raw = data // a memo's missing file loses the memo, not the project
	}
	text := strings.TrimSpace(printable.Strip(qdaxml.DecodeText(raw).Text))
	if text == "" {
		r.unread[key] = true
	}
	r.noteTexts[key] = text
	return text, nil
}
