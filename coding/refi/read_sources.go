package refi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
	"qcode/corpus/qdaxml"
)

// readSources reads each text source's text and makes its segments:
// qcode's own as they were, anyone else's as a TXT import makes them.
func (r *reader) readSources() error {
	r.sels, r.byGUID = map[string]selection{}, map[string]int{}
	if r.p.Sources == nil {
		return nil
	}
	if n := len(r.p.Sources.PDF) + len(r.p.Sources.Picture) + len(r.p.Sources.Audio) + len(r.p.Sources.Video); n > 0 {
		r.rep.note("%s left out: qcode reads text", count(n, "PDF, picture, audio or video source", "PDF, picture, audio or video sources"))
	}
	var side map[string]*sidecarSource
	if r.side != nil {
		side = map[string]*sidecarSource{}
		for i := range r.side.Sources {
			side[qdaxml.GUIDKey(r.side.Sources[i].GUID)] = &r.side.Sources[i]
		}
	}
	taken := map[string]bool{}
	noText := 0
	for i := range r.p.Sources.Text {
		ts := &r.p.Sources.Text[i]
		key := qdaxml.GUIDKey(ts.GUID)
		if _, dup := r.byGUID[key]; dup || key == "" {
			return r.errf("two sources have the GUID %q", corpus.Excerpt(ts.GUID))
		}
		s := &source{ts: ts, index: -1}
		r.byGUID[key] = len(r.sources)
		r.sources = append(r.sources, s)
		raw, ok, err := r.sourceBytes(ts)
		if err != nil {
			return err
		}
		if !ok {
			noText++
			continue
		}
		t := qdaxml.DecodeText(raw)
		s.text, s.crlf, s.n = t.Text, t.CRLF, utf8.RuneCountInString(t.Text)
		if ss, ok := side[key]; ok {
			s.name = printable.Strip(ts.Name)
			if err := r.ownSource(s, ss); err != nil {
				return err
			}
		} else {
			s.name = uniqueName(sourceName(ts.Name, len(r.sources)), taken)
			if err := r.otherSource(s); err != nil {
				return err
			}
		}
		if s.src != nil {
			taken[s.src.Name] = true
			s.src.Attributes = append(s.src.Attributes, r.attributes(ts.VariableValues)...)
			s.index = len(r.out.Sources)
			r.out.Sources = append(r.out.Sources, s.src)
		}
	}
	if noText > 0 {
		r.rep.note("%s without plain text left out (qcode reads the plain text a tool exports beside a rich one)", count(noText, "text source", "text sources"))
	}
	return nil
}

// sourceBytes reads a source's plain text: inline, or the archive's file
// its internal:// path names. ok is false for a source with none
// (a rich text only, or a file outside the archive, which is never read).
func (r *reader) sourceBytes(ts *qdaxml.TextSource) ([]byte, bool, error) {
	if ts.PlainTextContent != nil {
		return []byte(*ts.PlainTextContent), true, nil
	}
	path := strings.TrimSpace(ts.PlainTextPath)
	if path == "" {
		return nil, false, nil
	}
	if !strings.HasPrefix(strings.ToLower(path), "internal://") {
		r.rep.note("source %q: its text is outside the archive (%s): left out", corpus.Excerpt(ts.Name), corpus.Excerpt(path))
		return nil, false, nil
	}
	data, err := r.arc.SourceFile(path)
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// sourceName names a source from another tool: its name without the
// extension of a document format, printable, one line.
func sourceName(name string, n int) string {
	name = clean(name)
	for _, ext := range []string{".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".md", ".html", ".htm"} {
		if len(name) > len(ext) && strings.EqualFold(name[len(name)-len(ext):], ext) {
			name = name[:len(name)-len(ext)]
			break
		}
	}
	if name == "" {
		name = "source " + strconv.Itoa(n)
	}
	return name
}

// uniqueName is name, or name with " (2)", " (3)"… when taken.
func uniqueName(name string, taken map[string]bool) string {
	base := name
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s (%d)", base, i)
	}
	return name
}

// ownSource rebuilds a source qcode wrote: its segments are the
// selections qcode.json lists, its context where qcode.json says.
func (r *reader) ownSource(s *source, ss *sidecarSource) error {
	src := &corpus.Source{Name: s.name, File: ss.File, Format: ss.Format, Hash: ss.Hash}
	runes := []rune(s.text)
	cut := func(a, b int, what string) (string, error) {
		if a < 0 || b < a || b > len(runes) {
			return "", &corpus.InputError{File: r.file, Where: SidecarName, Msg: fmt.Sprintf("source %q: %s at %d–%d is outside the text's %d characters", corpus.Excerpt(s.name), what, a, b, len(runes)), Err: qdaxml.ErrInvalid}
		}
		return string(runes[a:b]), nil
	}
	for _, c := range ss.Context {
		text, err := cut(c.Start, c.End, c.Kind)
		if err != nil {
			return err
		}
		src.Context = append(src.Context, coding.ContextItem{Kind: corpus.ContextKind(c.Kind), N: c.N,
			Speaker: printable.Strip(c.Speaker), Text: printable.Strip(text)})
	}
	byGUID := map[string]*qdaxml.PlainTextSelection{}
	for i := range s.ts.Selections {
		byGUID[qdaxml.GUIDKey(s.ts.Selections[i].GUID)] = &s.ts.Selections[i]
	}
	s.isSeg = map[string]int{}
	for _, sg := range ss.Segments {
		key := qdaxml.GUIDKey(sg.GUID)
		sel, ok := byGUID[key]
		if !ok {
			return &corpus.InputError{File: r.file, Where: SidecarName, Msg: fmt.Sprintf("source %q: segment %s is no selection of the source", corpus.Excerpt(s.name), corpus.Excerpt(sg.GUID)), Err: qdaxml.ErrInvalid}
		}
		start, end, err := r.positions(s, sel)
		if err != nil {
			return err
		}
		text, err := cut(start, end, "segment "+sel.Name)
		if err != nil {
			return err
		}
		if len(s.segs) > 0 && start < s.segs[len(s.segs)-1].end {
			return &corpus.InputError{File: r.file, Where: SidecarName, Msg: fmt.Sprintf("source %q: segment %s overlaps the one before", corpus.Excerpt(s.name), corpus.Excerpt(sel.Name)), Err: qdaxml.ErrInvalid}
		}
		// What qcode wrote holds no control characters; a file that was
		// changed since may, and they are removed as from any input.
		seg := corpus.Segment{ID: printable.Strip(sel.Name), Text: printable.Strip(text)}
		for _, a := range sg.Attributes {
			seg.Attributes = append(seg.Attributes, coding.Attribute{Name: printable.Strip(a[0]), Value: printable.Strip(a[1])})
		}
		s.isSeg[key] = len(src.Segments)
		s.segs = append(s.segs, placed{start: start, end: end, ok: true})
		src.Segments = append(src.Segments, seg)
	}
	if len(src.Segments) == 0 {
		r.rep.note("source %q has no segments: left out", corpus.Excerpt(s.name))
		return nil
	}
	s.src = src
	return nil
}

// otherSource makes the segments of a source written elsewhere as a TXT
// import would (speaker turns, else paragraphs; headings, interviewer
// prompts and a preamble read as such) and finds each in the text.
func (r *reader) otherSource(s *source) error {
	src, err := corpus.Parse(s.name+".txt", []byte(s.text), corpus.Options{Limits: r.lim})
	if err != nil {
		r.rep.note("source %q left out: %s", corpus.Excerpt(s.name), strings.TrimPrefix(err.Error(), s.name+".txt: "))
		return nil
	}
	src.Name, src.File = s.name, s.ts.Name
	if src.File == "" {
		src.File = s.name
	}
	sum := sha256.Sum256([]byte(s.text))
	src.Hash = hex.EncodeToString(sum[:])
	texts := make([]string, len(src.Segments))
	for i, seg := range src.Segments {
		texts[i] = seg.Text
	}
	s.segs = placeAll(s.text, texts)
	if src.ScopedCases {
		for i := range src.Segments {
			if label := src.Segments[i].Case; label != "" {
				src.Segments[i].Case = coding.ScopedCaseName(src.Name, label)
			}
		}
		src.ScopedCases = false
	}
	s.src = src
	return nil
}

// positions reads a selection's positions, checks them against the text
// and turns positions that counted CRLF as two into code points of the
// LF text.
func (r *reader) positions(s *source, sel *qdaxml.PlainTextSelection) (int, int, error) {
	start, err1 := strconv.Atoi(strings.TrimSpace(sel.StartPosition))
	end, err2 := strconv.Atoi(strings.TrimSpace(sel.EndPosition))
	if err1 != nil || err2 != nil {
		return 0, 0, r.errf("source %q: selection %s: positions %q–%q are not whole numbers", corpus.Excerpt(s.name),
			corpus.Excerpt(sel.GUID), corpus.Excerpt(sel.StartPosition), corpus.Excerpt(sel.EndPosition))
	}
	if s.shift {
		start, end = s.fromCRLF(start), s.fromCRLF(end)
	}
	if start < 0 || end < start || end > s.n {
		return 0, 0, r.errf("source %q: selection %s: positions %d–%d are outside the text's %d characters", corpus.Excerpt(s.name),
			corpus.Excerpt(sel.GUID), start, end, s.n)
	}
	return start, end, nil
}

// fromCRLF turns a position that counted each CRLF as two characters into
// one of the LF text.
func (s *source) fromCRLF(q int) int {
	// The j-th CRLF (0-based) at LF position c takes CRLF positions c+j
	// and c+j+1; those wholly before q are one character too many each.
	k := sort.Search(len(s.crlf), func(j int) bool { return s.crlf[j]+j+2 > q })
	return q - k
}

// readSelections checks every selection's place and indexes it. A source
// whose selections run past its text by no more than its CRLFs was
// counted by a tool that takes a CRLF as two characters: its positions
// are read so.
func (r *reader) readSelections() error {
	for i, s := range r.sources {
		if s.src == nil {
			continue
		}
		maxEnd := 0
		for _, sel := range s.ts.Selections {
			if e, err := strconv.Atoi(strings.TrimSpace(sel.EndPosition)); err == nil && e > maxEnd {
				maxEnd = e
			}
		}
		if r.side == nil && maxEnd > s.n && maxEnd <= s.n+len(s.crlf) {
			s.shift = true
			r.rep.note("source %q: positions count each CRLF line ending as two characters; read so", corpus.Excerpt(s.name))
		}
		for j := range s.ts.Selections {
			sel := &s.ts.Selections[j]
			key := qdaxml.GUIDKey(sel.GUID)
			if _, dup := r.sels[key]; dup || key == "" {
				return r.errf("two selections have the GUID %q", corpus.Excerpt(sel.GUID))
			}
			start, end, err := r.positions(s, sel)
			if err != nil {
				return err
			}
			r.sels[key] = selection{src: i, start: start, end: end, sel: sel}
		}
	}
	return nil
}

// segmentsIn lists the segments of source s that positions [start, end)
// cover, each with the part covered.
func (s *source) segmentsIn(start, end int) []cover {
	var out []cover
	first := sort.Search(len(s.segs), func(i int) bool { return !s.segs[i].ok || s.segs[i].end > start })
	for i := first; i < len(s.segs); i++ {
		p := s.segs[i]
		if !p.ok {
			continue
		}
		if p.start >= end {
			break
		}
		if a, b, ok := p.cut(start, end); ok {
			out = append(out, cover{seg: i, a: a, b: b, whole: a == 0 && b == p.length()})
		}
	}
	return out
}

// cover is the part [a, b) of segment seg that a selection covers.
type cover struct {
	seg   int
	a, b  int
	whole bool
}
