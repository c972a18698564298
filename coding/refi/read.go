package refi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
	"qcode/corpus/qdaxml"
)

// ReadOptions say how to read a project.
type ReadOptions struct {
	// Limits cap what is read: InputSize caps what the archive unpacks to,
	// Paragraphs and Depth what one source text and project.qde may hold.
	Limits corpus.Limits
	// Coder is the coder of codings that name no user.
	Coder string
}

// Report says how a project was read and what was left out or changed,
// for the user.
type Report struct {
	Origin string // the origin the project names ("qcode", "MAXQDA 2022"…)
	// Whole is true for a project qcode wrote, read back with its
	// segments, attributes, marks and samples as they were.
	Whole bool
	Notes []string // one line each
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// ReadQDPX reads a .qdpx (its bytes, the file already read) into what
// coding.Store.ImportProject stores. file is the file's base name. A file
// that is not a sound REFI-QDA project — invalid XML, no project.qde, a
// selection out of its text, a path that leaves the archive, an entry that
// inflates past the limit, a coding of a code the codebook lacks — is an
// error of one line naming the file and where.
func ReadQDPX(file string, data []byte, opts ReadOptions) (*coding.ProjectImport, *Report, error) {
	lim := opts.Limits
	if lim.InputSize <= 0 {
		lim.InputSize = corpus.DefaultLimits.InputSize
	}
	arc, err := qdaxml.OpenArchive(file, data, qdaxml.Limits{Inflate: lim.InputSize, Depth: lim.Depth})
	if err != nil {
		return nil, nil, err
	}
	if opts.Coder == "" {
		opts.Coder = "coder"
	}
	r := &reader{file: file, arc: arc, p: arc.Project, opts: opts, lim: lim,
		out: &coding.ProjectImport{File: file}, rep: &Report{Origin: arc.Project.Origin}}
	if err := r.read(); err != nil {
		return nil, nil, err
	}
	return r.out, r.rep, nil
}

// reader reads one archive.
type reader struct {
	file string
	arc  *qdaxml.Archive
	p    *qdaxml.Project
	opts ReadOptions
	lim  corpus.Limits
	side *sidecar // qcode's own details; nil for a project written elsewhere

	out *coding.ProjectImport
	rep *Report

	codes   map[string]string            // code GUID key → path
	users   map[string]string            // user GUID key → coder name
	vars    map[string]qdaxml.Variable   // variable GUID key → variable
	notes   map[string]qdaxml.TextSource // note GUID key → note
	used    map[string]bool              // notes read as memos or stars
	sources []*source                    // per TextSource, in order
	sels    map[string]selection         // selection GUID key → where
	byGUID  map[string]int               // source GUID key → index in sources
	cases   map[string]string            // case GUID key → the name it was read as

	dropped struct{ context, unplaced, skipped int }
}

// source is a text source as read.
type source struct {
	ts    *qdaxml.TextSource
	name  string
	text  string
	n     int   // code points
	crlf  []int // see qdaxml.Text
	shift bool  // positions count a CRLF as two characters
	src   *corpus.Source
	index int      // in out.Sources; -1 when left out
	segs  []placed // where each segment is in the text
	// isSeg maps a segment's selection (qcode's own projects) to the
	// segment.
	isSeg map[string]int
}

// selection is a PlainTextSelection: its source and its positions.
type selection struct {
	src        int
	start, end int
	sel        *qdaxml.PlainTextSelection
}

// errf is an error of the project document, naming the file.
func (r *reader) errf(format string, args ...any) error {
	return &corpus.InputError{File: r.file, Where: qdaxml.ProjectPart, Msg: fmt.Sprintf(format, args...), Err: qdaxml.ErrInvalid}
}

func (r *reader) read() error {
	if err := r.readSidecar(); err != nil {
		return err
	}
	r.rep.Whole = r.side != nil
	r.readUsers()
	if err := r.readCodes(); err != nil {
		return err
	}
	r.readVariables()
	r.readNotes()
	if err := r.readSources(); err != nil {
		return err
	}
	if len(r.out.Sources) == 0 {
		return &corpus.InputError{File: r.file, Msg: "no text source qcode can read (a project of text sources: transcripts, notes, answers)", Err: qdaxml.ErrInvalid}
	}
	if err := r.readSelections(); err != nil {
		return err
	}
	if err := r.readCases(); err != nil {
		return err
	}
	r.readSets()
	if err := r.readCodings(); err != nil {
		return err
	}
	if err := r.readMarksAndSamples(); err != nil {
		return err
	}
	r.finish()
	return nil
}

// readSidecar reads qcode.json when the project says qcode wrote it.
func (r *reader) readSidecar() error {
	if !strings.HasPrefix(strings.ToLower(r.p.Origin), "qcode") || !r.arc.Has(SidecarName) {
		return nil
	}
	data, err := r.arc.Entry(SidecarName)
	if err != nil {
		return err
	}
	var side sidecar
	if err := json.Unmarshal(data, &side); err != nil {
		return &corpus.InputError{File: r.file, Where: SidecarName, Msg: corpus.Cut(err.Error(), 200), Err: qdaxml.ErrInvalid}
	}
	if side.Format != sidecarFormat {
		return nil
	}
	if side.Version > sidecarVersion {
		return &corpus.InputError{File: r.file, Where: SidecarName, Msg: fmt.Sprintf("written by a newer qcode (version %d): upgrade qcode to read it whole", side.Version), Err: qdaxml.ErrInvalid}
	}
	r.side = &side
	return nil
}

// name is a name read from the file: as written (without control
// characters) in a project qcode wrote, else printable and on one line.
func (r *reader) name(s string) string {
	if r.side != nil {
		return printable.Strip(s)
	}
	return clean(s)
}

// clean makes a name from the file printable and one line.
func clean(s string) string {
	return strings.Join(strings.Fields(printable.Strip(s)), " ")
}

func (r *reader) readUsers() {
	r.users = map[string]string{}
	if r.p.Users == nil {
		return
	}
	for _, u := range r.p.Users.User {
		name := clean(strings.ReplaceAll(u.Name, ",", " "))
		if name == "" {
			name = clean(strings.ReplaceAll(u.ID, ",", " "))
		}
		key := qdaxml.GUIDKey(u.GUID)
		if name == "" {
			name = "user-" + strings.SplitN(key, "-", 2)[0]
		}
		r.users[key] = name
	}
}

func (r *reader) readCodes() error {
	if r.p.CodeBook == nil {
		r.codes = map[string]string{}
		return nil
	}
	specs, paths, notes := coding.QDASpecs(r.p.CodeBook.Codes.Code)
	r.rep.Notes = append(r.rep.Notes, notes...)
	r.codes = paths
	if r.side != nil && len(r.side.Codes) > 0 {
		details := map[string]sidecarCode{}
		for _, c := range r.side.Codes {
			if path, ok := paths[qdaxml.GUIDKey(c.GUID)]; ok {
				details[path] = c
			}
		}
		var walk func(prefix string, specs []coding.CodeSpec)
		walk = func(prefix string, specs []coding.CodeSpec) {
			for i := range specs {
				sp := &specs[i]
				if d, ok := details[prefix+sp.Name]; ok {
					sp.Key, sp.Group, sp.Exclusive = d.Key, d.Group, d.Exclusive
				}
				walk(prefix+sp.Name+"/", sp.Codes)
			}
		}
		walk("", specs)
	}
	r.out.Codes = specs
	return nil
}

func (r *reader) readVariables() {
	r.vars = map[string]qdaxml.Variable{}
	if r.p.Variables == nil {
		return
	}
	for _, v := range r.p.Variables.Variable {
		v.Name = r.name(v.Name)
		r.vars[qdaxml.GUIDKey(v.GUID)] = v
	}
}

// attributes reads variable values as attributes (values as written).
func (r *reader) attributes(values []qdaxml.VariableValue) []coding.Attribute {
	var out []coding.Attribute
	unknown := 0
	for _, vv := range values {
		v, ok := r.vars[qdaxml.GUIDKey(vv.VariableRef.Target)]
		value, set := vv.Value()
		value = printable.Strip(value)
		if r.side == nil {
			value = strings.TrimSpace(value)
		}
		switch {
		case !ok || v.Name == "":
			unknown++
		case set && value != "":
			out = append(out, coding.Attribute{Name: v.Name, Value: value})
		}
	}
	if unknown > 0 {
		r.rep.note("%s name no variable: left out", count(unknown, "variable value", "variable values"))
	}
	return out
}

func (r *reader) readNotes() {
	r.notes, r.used = map[string]qdaxml.TextSource{}, map[string]bool{}
	if r.p.Notes == nil {
		return
	}
	for _, n := range r.p.Notes.Note {
		r.notes[qdaxml.GUIDKey(n.GUID)] = n
	}
}

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

// readCases gives segments their cases: qcode's own as they were; from
// another tool, a case's selections, else the whole source it holds (a
// one-person interview), else (a source several speakers share) its
// variables become the source's.
func (r *reader) readCases() error {
	if r.p.Cases == nil {
		return nil
	}
	scoped := map[string]sidecarCase{}
	if r.side != nil {
		for _, c := range r.side.Cases {
			scoped[qdaxml.GUIDKey(c.GUID)] = c
		}
	}
	assigned := map[[2]int]bool{}
	taken := map[string]bool{}
	unused, shared := 0, 0
	r.cases = map[string]string{}
	for n, c := range r.p.Cases.Case {
		var name string
		if sc, ok := scoped[qdaxml.GUIDKey(c.GUID)]; ok {
			name = coding.ScopedCaseName(printable.Strip(sc.Source), printable.Strip(sc.Label))
		} else if r.side != nil {
			name = printable.Strip(c.Name)
		} else {
			name = uniqueName(clean(c.Name), taken)
		}
		if name == "" {
			name = uniqueName("case "+strconv.Itoa(n+1), taken)
		}
		taken[name] = true
		attrs := r.attributes(c.VariableValues)
		got, described := 0, false
		give := func(s *source, seg int) {
			k := [2]int{s.index, seg}
			if assigned[k] {
				return
			}
			assigned[k] = true
			s.src.Segments[seg].Case = name
			got++
		}
		for _, ref := range c.SelectionRefs {
			sel, ok := r.sels[qdaxml.GUIDKey(ref.Target)]
			if !ok {
				continue
			}
			s := r.sources[sel.src]
			if seg, ok := s.isSeg[qdaxml.GUIDKey(ref.Target)]; ok {
				give(s, seg)
				continue
			}
			for _, cv := range s.segmentsIn(sel.start, sel.end) {
				give(s, cv.seg)
			}
		}
		for _, ref := range c.SourceRefs {
			i, ok := r.byGUID[qdaxml.GUIDKey(ref.Target)]
			if !ok || r.sources[i].src == nil {
				continue
			}
			s := r.sources[i]
			speakers := map[string]bool{}
			for _, seg := range s.src.Segments {
				if seg.Case != "" {
					speakers[seg.Case] = true
				}
			}
			if len(speakers) > 1 {
				// A focus group held by one case: its speakers stay
				// cases, and the case's variables describe the source.
				s.src.Attributes = mergeMissing(s.src.Attributes, attrs)
				shared++
				described = true
				continue
			}
			for seg := range s.src.Segments {
				give(s, seg)
			}
		}
		if got == 0 && r.side == nil {
			if !described {
				unused++
			}
			continue
		}
		r.cases[qdaxml.GUIDKey(c.GUID)] = name
		r.out.Cases = append(r.out.Cases, corpus.Case{Name: name, Attributes: attrs})
	}
	if unused > 0 {
		r.rep.note("%s no text qcode read: left out", count(unused, "case holds", "cases hold"))
	}
	if shared > 0 {
		r.rep.note("%s a whole source several speakers share: its speakers stay cases, the case's variables describe the source", count(shared, "case holds", "cases hold"))
	}
	return nil
}

// mergeMissing adds the attributes base lacks (by name, any case).
func mergeMissing(base, extra []coding.Attribute) []coding.Attribute {
	for _, e := range extra {
		found := false
		for _, b := range base {
			found = found || strings.EqualFold(b.Name, e.Name)
		}
		if !found {
			base = append(base, e)
		}
	}
	return base
}

// readSets reads another tool's sets as the attribute `set` of the sources
// (or cases) they hold. A project qcode wrote has its samples and marks
// in qcode.json instead.
func (r *reader) readSets() {
	if r.p.Sets == nil || r.side != nil {
		return
	}
	caseSets := map[string][]string{}
	ignored := 0
	for _, set := range r.p.Sets.Set {
		name := clean(set.Name)
		if name == "" || len(set.MemberSources) == 0 {
			ignored++
			continue
		}
		for _, m := range set.MemberSources {
			key := qdaxml.GUIDKey(m.Target)
			if i, ok := r.byGUID[key]; ok && r.sources[i].src != nil {
				src := r.sources[i].src
				src.Attributes = addSetValue(src.Attributes, name)
			} else if c, ok := r.cases[key]; ok {
				caseSets[c] = append(caseSets[c], name)
			}
		}
	}
	for i := range r.out.Cases {
		for _, name := range caseSets[r.out.Cases[i].Name] {
			r.out.Cases[i].Attributes = addSetValue(r.out.Cases[i].Attributes, name)
		}
	}
	if ignored > 0 {
		r.rep.note("%s of codes or notes left out: qcode reads sets of sources and cases (as the attribute set)", count(ignored, "set", "sets"))
	}
}

// addSetValue adds a set's name to the attribute `set` ("A; B" when in
// several).
func addSetValue(attrs []coding.Attribute, name string) []coding.Attribute {
	for i, a := range attrs {
		if strings.EqualFold(a.Name, "set") {
			for _, v := range strings.Split(a.Value, "; ") {
				if v == name {
					return attrs
				}
			}
			attrs[i].Value += "; " + name
			return attrs
		}
	}
	return append(attrs, coding.Attribute{Name: "set", Value: name})
}

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
	if sel != nil {
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
		if n.PlainTextContent != nil {
			if t := strings.TrimSpace(qdaxml.DecodeText([]byte(*n.PlainTextContent)).Text); t != "" && !contains(memos, t) {
				memos = append(memos, t)
			}
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
	left := 0
	for key := range r.notes {
		if !r.used[key] {
			left++
		}
	}
	if left > 0 {
		r.rep.note("%s not attached to a coding left out (qcode keeps memos on codings)", count(left, "note", "notes"))
	}
}

// count writes n with its noun.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
