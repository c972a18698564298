package refi

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
	"qcode/corpus/qdaxml"
)

// readCodings cuts every coding along the segments: a selection that is
// a segment (qcode's own) codes it whole; another selection codes the part
// of each segment it covers — the whole segment when it covers all of it
// (a project written elsewhere), else a span.
func (r *reader) readCodings() error {
	starNote := ""
	if r.side != nil {
		starNote = qdaxml.GUIDKey(r.side.StarNote)
	}
	for _, s := range r.sources {
		if s.src == nil {
			if len(s.ts.Codings) > 0 || len(s.ts.Selections) > 0 {
				r.dropped.skipped += len(s.ts.Codings)
				for _, sel := range s.ts.Selections {
					r.dropped.skipped += len(sel.Codings)
				}
			}
			continue
		}
		// Codings of the whole source code every segment.
		for _, c := range s.ts.Codings {
			for seg := range s.src.Segments {
				if err := r.addCoding(s, seg, coding.Span{}, c, nil, starNote); err != nil {
					return err
				}
			}
		}
		for j := range s.ts.Selections {
			sel := &s.ts.Selections[j]
			if len(sel.Codings) == 0 {
				continue
			}
			key := qdaxml.GUIDKey(sel.GUID)
			if seg, ok := s.isSeg[key]; ok {
				for _, c := range sel.Codings {
					if err := r.addCoding(s, seg, coding.Span{}, c, sel, starNote); err != nil {
						return err
					}
				}
				continue
			}
			at := r.sels[key]
			covers := s.segmentsIn(at.start, at.end)
			if len(covers) == 0 {
				r.dropped.context += len(sel.Codings)
				continue
			}
			for _, cv := range covers {
				span := coding.Span{Start: cv.a, End: cv.b}
				if cv.whole && r.side == nil {
					span = coding.Span{}
				}
				for _, c := range sel.Codings {
					if err := r.addCoding(s, cv.seg, span, c, sel, starNote); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// addCoding adds one coding of a segment, with its coder, time, memo and
// star.
func (r *reader) addCoding(s *source, seg int, span coding.Span, c qdaxml.Coding, sel *qdaxml.PlainTextSelection, starNote string) error {
	path, ok := r.codes[qdaxml.GUIDKey(c.CodeRef.Target)]
	if !ok {
		return r.errf("source %q: coding %s refers to code %s, which the codebook does not have", corpus.Excerpt(s.name),
			corpus.Excerpt(c.GUID), corpus.Excerpt(c.CodeRef.Target))
	}
	coder := r.users[qdaxml.GUIDKey(c.CreatingUser)]
	if coder == "" && sel != nil {
		coder = r.users[qdaxml.GUIDKey(sel.CreatingUser)]
	}
	if coder == "" {
		coder = r.opts.Coder
	}
	when := parseTime(c.CreationDateTime)
	if when.IsZero() && sel != nil {
		when = parseTime(sel.CreationDateTime)
	}
	ic := coding.ImportedCoding{SegmentAt: coding.SegmentAt{Source: s.index, Segment: seg}, Code: path, Coder: coder, Span: span, Time: when}
	refs := c.NoteRefs
	if sel != nil && r.side == nil {
		// Another tool's note on a selection is about the codings in it;
		// qcode's own notes on a segment's selection are the segment's
		// memos (readMemos).
		refs = append(append([]qdaxml.Ref(nil), refs...), sel.NoteRefs...)
	}
	var memos []string
	for _, ref := range refs {
		key := qdaxml.GUIDKey(ref.Target)
		if key == starNote && key != "" {
			ic.Starred = true
			r.used[key] = true
			continue
		}
		n, ok := r.notes[key]
		if !ok {
			continue
		}
		r.used[key] = true
		t, err := r.noteText(key, &n)
		if err != nil {
			return err
		}
		if t != "" && !contains(memos, t) {
			memos = append(memos, t)
		}
	}
	ic.Memo = strings.Join(memos, "\n\n")
	r.out.Codings = append(r.out.Codings, ic)
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// parseTime reads an xsd:dateTime (zero when it does not read; a time
// without a zone is taken as UTC).
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// readMarksAndSamples reads qcode's review marks and samples back from
// qcode.json.
func (r *reader) readMarksAndSamples() error {
	if r.side == nil {
		return nil
	}
	segAt := map[string]coding.SegmentAt{}
	for _, s := range r.sources {
		if s.src == nil {
			continue
		}
		for key, seg := range s.isSeg {
			segAt[key] = coding.SegmentAt{Source: s.index, Segment: seg}
		}
	}
	bad := func(what, guid string) error {
		return &corpus.InputError{File: r.file, Where: SidecarName, Msg: fmt.Sprintf("%s names segment %s, which is no segment of the project", what, corpus.Excerpt(guid)), Err: qdaxml.ErrInvalid}
	}
	for _, m := range r.side.Marks {
		at, ok := segAt[qdaxml.GUIDKey(m.Segment)]
		if !ok {
			return bad("a review mark", m.Segment)
		}
		r.out.Marks = append(r.out.Marks, coding.ImportedMark{SegmentAt: at, Coder: printable.Strip(m.Coder), Time: m.Time})
	}
	for _, sm := range r.side.Samples {
		is := coding.ImportedSample{Name: sm.Name, By: sm.By, Created: sm.Created, Size: sm.Size, Seed: sm.Seed, Sources: sm.Sources, File: sm.File}
		for _, g := range sm.Segments {
			at, ok := segAt[qdaxml.GUIDKey(g)]
			if !ok {
				return bad("sample "+strconv.Quote(corpus.Excerpt(sm.Name)), g)
			}
			is.Segments = append(is.Segments, at)
		}
		r.out.Samples = append(r.out.Samples, is)
	}
	for _, st := range r.side.Settled {
		at, ok := segAt[qdaxml.GUIDKey(st.Segment)]
		if !ok {
			return bad("a settled decision", st.Segment)
		}
		path, ok := r.codes[qdaxml.GUIDKey(st.Code)]
		if !ok {
			return &corpus.InputError{File: r.file, Where: SidecarName, Msg: fmt.Sprintf("a settled decision names code %s, which the codebook does not have", corpus.Excerpt(st.Code)), Err: qdaxml.ErrInvalid}
		}
		r.out.Settled = append(r.out.Settled, coding.ImportedSettlement{SegmentAt: at, Code: path, Settlement: coding.Settlement{
			By: printable.Strip(st.By), At: st.At, Kind: coding.DecisionKind(st.Decision), Coder: printable.Strip(st.Coder), Audit: st.Audit}})
	}
	return nil
}

// finish notes what was left out.
func (r *reader) finish() {
	if n := r.dropped.context; n > 0 {
		r.rep.note("%s of text that is no segment (an interviewer's turn, a heading, a title) left out", count(n, "coding", "codings"))
	}
	if n := r.dropped.skipped; n > 0 {
		r.rep.note("%s of the sources left out, left out with them", count(n, "coding", "codings"))
	}
	unplaced := 0
	for _, s := range r.sources {
		for _, p := range s.segs {
			if !p.ok {
				unplaced++
			}
		}
	}
	if unplaced > 0 {
		r.rep.note("%s not found in the source's text as written (control characters?): no selection codes them", count(unplaced, "segment", "segments"))
	}
	if n := len(r.unread); n > 0 {
		r.rep.note("%s without plain text left out (a rich text only, or a file outside the archive or missing)", count(n, "note", "notes"))
	}
	if n := r.dropped.longNotes; n > 0 {
		r.rep.note("%s longer than a memo may be (%d MB) left out", count(n, "note", "notes"), coding.MaxMemoBytes>>20)
	}
	if n := r.dropped.noNote; n > 0 {
		r.rep.note("%s to no note of the project left out", count(n, "note reference", "note references"))
	}
}
