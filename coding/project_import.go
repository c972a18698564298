package coding

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"qcode/corpus"
)

// ProjectImport is a whole project read from an exchange file (a REFI-QDA
// .qdpx), for ImportProject: codes, sources with their segments and
// cases, codings, review marks and samples. Segments are named by their
// place (SegmentAt), not by ID, so that nothing depends on IDs being
// unique across sources.
type ProjectImport struct {
	File  string     // base name of the file read, for the journal and messages
	Codes []CodeSpec // merged into the codebook by path, as a codebook import does
	// Cases are cases with attributes, by stored name: ScopedCaseName for
	// a speaker within a source.
	Cases []corpus.Case
	// Sources are added as imports are. Each segment's Case is a stored
	// name too (ScopedCases is not read).
	Sources []*corpus.Source
	Codings []ImportedCoding
	Marks   []ImportedMark
	Samples []ImportedSample
	// Settled are recorded decisions, stored after the codings.
	Settled []ImportedSettlement
	// Memos are memos on segments, sources, cases and codes, and journal
	// entries (a coding's memo is its coding's).
	Memos []ImportedMemo
}

// ImportedMemo is a memo of a ProjectImport: one author's memo on a
// segment, a source, a case or a code, or a journal entry (MemoProject).
// Two memos of one author on one target are joined, as a merge joins
// them; each journal entry stays an entry of its own.
type ImportedMemo struct {
	Kind    MemoKind
	Segment SegmentAt // of a MemoSegment
	Source  int       // of a MemoSource: its index in Sources
	Case    string    // of a MemoCase: the case's stored name (ScopedCaseName for a speaker)
	Code    string    // of a MemoCode: the code's path
	Author  string
	Text    string
	Created time.Time // zero: the time of the import
	Updated time.Time // zero: Created
}

// ImportedSettlement is a recorded decision of a ProjectImport: on a
// segment and an item (a code, or a code group), by path.
type ImportedSettlement struct {
	SegmentAt
	Code string
	Settlement
}

// SegmentAt names a segment of a ProjectImport: Sources[Source].Segments[Segment].
type SegmentAt struct{ Source, Segment int }

// ImportedCoding is a coding of a ProjectImport.
type ImportedCoding struct {
	SegmentAt
	Code    string // path; created when new
	Coder   string
	Span    Span
	Starred bool
	Memo    string
	Time    time.Time // zero: now
}

// ImportedMark is a review mark of a ProjectImport.
type ImportedMark struct {
	SegmentAt
	Coder string
	Time  time.Time
}

// ImportedSample is a double-coding sample of a ProjectImport.
type ImportedSample struct {
	Name     string
	By       string
	Created  time.Time
	Size     string
	Seed     *uint64
	Sources  []string
	File     string
	Segments []SegmentAt
}

// ProjectImportResult says what importing a project did.
type ProjectImportResult struct {
	ActionResult
	Sources, Segments, Cases int
	Codes                    CodebookImport // codes created and updated
	Codings                  CodingsImport  // codings and marks added, levels replaced
	Samples                  int
	Memos                    int // memos stored (two of one author on one target count once)
}

// ScopedCaseName is the stored name of speaker label within source: a
// case of its own, apart from the same label in another source.
func ScopedCaseName(source, label string) string { return scopedCase(source, label) }

// ImportProject stores a whole project into this one, which must hold no
// source yet (a new project, or one with only a codebook), as one
// undoable action: a failure leaves the project exactly as it was.
func (s *Store) ImportProject(actor string, p *ProjectImport) (ProjectImportResult, error) {
	var out ProjectImportResult
	if err := p.Check(); err != nil {
		return out, err
	}
	desc := "import project " + p.File
	defer bulkGC()()
	res, err := s.act(actor, desc, func(a *action) error {
		srcs, err := readSources(a.tx)
		if err != nil {
			return err
		}
		if len(srcs) > 0 {
			return errorf(ErrConflict, "%s is a whole project: import it into a new or empty project (this one has %d sources)", p.File, len(srcs))
		}
		if err := a.mergeSpecs(p.Codes, &out.Codes); err != nil {
			return fmt.Errorf("%s: codebook: %w", p.File, err)
		}
		cases := newCaseResolver(a, newInterner(a.tx, a), 0)
		for _, c := range p.Cases {
			if _, err := cases.resolve(c.Name, c.Attributes); err != nil {
				return fmt.Errorf("%s: case %q: %w", p.File, corpus.Excerpt(CaseDisplay(c.Name)), err)
			}
		}
		// The sources' segments look their cases up in the index.
		if err := a.flushLater(); err != nil {
			return err
		}
		refs := make([][]SegRef, len(p.Sources))
		ids := make([]SourceID, len(p.Sources))
		for i, src := range p.Sources {
			stored := *src
			stored.ScopedCases = false // case names are stored names already
			var ad added
			if refs[i], ad, err = a.addSource(&stored, ImportOptions{}, oldSpeakers{}); err != nil {
				return fmt.Errorf("%s: source %q: %w", p.File, corpus.Excerpt(src.Name), err)
			}
			ids[i] = ad.source
			out.Segments += len(src.Segments)
		}
		// The project had no sources, so no cases: every case is the
		// import's. (Stats does not count a write transaction's own puts.)
		out.Sources = len(p.Sources)
		if err := a.tx.Bucket(bktCases).ForEach(func(_, _ []byte) error { out.Cases++; return nil }); err != nil {
			return err
		}
		rows, at := p.rows()
		where := func(i int) string {
			sa := at[i]
			return fmt.Sprintf("%s: segment %s", p.File, corpus.Excerpt(p.Sources[sa.Source].Segments[sa.Segment].ID))
		}
		seg := func(i int) (SegRef, error) { return refs[at[i].Source][at[i].Segment], nil }
		out.Codings.Rows = len(rows)
		if err := a.applyCodingRows(rows, seg, where, &out.Codings); err != nil {
			return err
		}
		if err := a.importSettled(p, refs); err != nil {
			return err
		}
		for _, sm := range p.Samples {
			members := make([]SegRef, 0, len(sm.Segments))
			for _, sa := range sm.Segments {
				members = append(members, refs[sa.Source][sa.Segment])
			}
			slices.Sort(members)
			members = slices.Compact(members)
			info := sampleInfo{By: sm.By, At: sm.Created.UnixMilli(), Size: sm.Size, Seed: sm.Seed, Sources: sm.Sources, File: sm.File}
			if sm.Created.IsZero() {
				info.At = time.Now().UnixMilli()
			}
			if info.By == "" {
				info.By = actor
			}
			if a.tx.Bucket(bktSamples).Get([]byte(sm.Name)) != nil {
				return errorf(ErrConflict, "%s: a sample named %q exists", p.File, corpus.Excerpt(sm.Name))
			}
			if err := a.putRecord(bktSamples, []byte(sm.Name), encodeSample(info, members)); err != nil {
				return err
			}
			out.Samples++
		}
		out.Memos, err = a.importMemos(p, refs, ids)
		return err
	})
	out.ActionResult = res
	return out, err
}

// importMemos stores the import's memos; it returns how many it stored
// (one author's second memo on a target joins the first).
func (a *action) importMemos(p *ProjectImport, refs [][]SegRef, sources []SourceID) (int, error) {
	if len(p.Memos) == 0 {
		return 0, nil
	}
	if err := a.flushLater(); err != nil { // the cases the sources made
		return 0, err
	}
	book, err := a.book()
	if err != nil {
		return 0, err
	}
	b := a.tx.Bucket(bktTargetMemos)
	now := time.Now().UnixMilli()
	stored := 0
	for _, m := range p.Memos {
		author, err := a.s.ensureCoder(a.tx, m.Author)
		if err != nil {
			return 0, fmt.Errorf("%s: a memo by %q: %w", p.File, corpus.Excerpt(m.Author), err)
		}
		rec := memoRecord{created: now, text: cleanMemo(m.Text)}
		if !m.Created.IsZero() {
			rec.created = m.Created.UnixMilli()
		}
		rec.updated = max(rec.created, m.Updated.UnixMilli())
		var kind byte
		var id uint64
		switch m.Kind {
		case MemoSegment:
			kind, id = memoSegmentByte, uint64(refs[m.Segment.Source][m.Segment.Segment])
		case MemoSource:
			kind, id = memoSourceByte, uint64(sources[m.Source])
		case MemoCode:
			c, ok := book.Lookup(m.Code)
			if !ok {
				return 0, errorf(ErrNotFound, "%s: a memo names code %q, which the codebook does not have", p.File, corpus.Excerpt(m.Code))
			}
			kind, id = memoCodeByte, uint64(c.ID)
		case MemoCase:
			v := a.tx.Bucket(bktCaseName).Get([]byte(m.Case))
			if len(v) != 8 {
				return 0, errorf(ErrNotFound, "%s: a memo names case %q, which no segment belongs to", p.File, corpus.Excerpt(CaseDisplay(m.Case)))
			}
			kind, id = memoCaseByte, getU64(v)
		case MemoProject:
			// An entry's id is its time, unique in the project, as
			// SetMemoOn makes it: an entry of the same millisecond
			// takes the next.
			kind, id = memoProjectByte, uint64(max(rec.created, 1))
			for hasPrefix(b, memoPrefix(kind, id)) {
				id++
			}
			rec.created = int64(id)
			rec.updated = max(rec.updated, rec.created)
		}
		key := memoKey(kind, id, author)
		if b.Get(key) == nil {
			stored++
		}
		if err := a.joinMemo(key, rec.encode()); err != nil {
			return 0, err
		}
	}
	return stored, nil
}

// Check refuses a ProjectImport that could not be stored whole, with a
// message naming what is wrong: ImportProject checks first, and a caller
// may check before it opens the project.
func (p *ProjectImport) Check() error {
	if len(p.Sources) == 0 {
		return errorf(ErrInvalidInput, "%s: no sources to import", p.File)
	}
	if err := checkSpecs(p.Codes, ""); err != nil {
		return fmt.Errorf("%s: codebook: %w", p.File, err)
	}
	names := map[string]bool{}
	for _, src := range p.Sources {
		switch {
		case strings.TrimSpace(src.Name) == "":
			return errorf(ErrInvalidInput, "%s: a source has no name", p.File)
		case names[src.Name]:
			return errorf(ErrInvalidInput, "%s: two sources are named %q", p.File, corpus.Excerpt(src.Name))
		case len(src.Segments) == 0:
			return errorf(ErrInvalidInput, "%s: source %q has no segments", p.File, corpus.Excerpt(src.Name))
		}
		names[src.Name] = true
		ids := make(map[string]bool, len(src.Segments))
		for i, seg := range src.Segments {
			if seg.ID == "" || strings.ContainsRune(seg.ID, 0) {
				return errorf(ErrInvalidInput, "%s: source %q: segment %d has no usable ID", p.File, corpus.Excerpt(src.Name), i+1)
			}
			if ids[seg.ID] {
				return errorf(ErrInvalidInput, "%s: source %q: segment ID %q appears twice", p.File, corpus.Excerpt(src.Name), corpus.Excerpt(seg.ID))
			}
			ids[seg.ID] = true
		}
	}
	in := func(sa SegmentAt) bool {
		return sa.Source >= 0 && sa.Source < len(p.Sources) && sa.Segment >= 0 && sa.Segment < len(p.Sources[sa.Source].Segments)
	}
	for _, c := range p.Codings {
		if !in(c.SegmentAt) {
			return errorf(ErrInvalidInput, "%s: a coding names no segment", p.File)
		}
		if err := CheckCoderName(c.Coder); err != nil {
			return fmt.Errorf("%s: %w", p.File, err)
		}
		if CleanPath(c.Code) == "" {
			return errorf(ErrInvalidInput, "%s: a coding names no code", p.File)
		}
		seg := p.Sources[c.Source].Segments[c.Segment]
		if !c.Span.Whole() && (c.Span.Start < 0 || c.Span.End <= c.Span.Start || c.Span.End > utf8.RuneCountInString(seg.Text)) {
			return errorf(ErrInvalidInput, "%s: segment %s: span %d–%d is outside its %d characters", p.File,
				corpus.Excerpt(seg.ID), c.Span.Start, c.Span.End, utf8.RuneCountInString(seg.Text))
		}
	}
	for _, m := range p.Marks {
		if !in(m.SegmentAt) {
			return errorf(ErrInvalidInput, "%s: a review mark names no segment", p.File)
		}
		if err := CheckCoderName(m.Coder); err != nil {
			return fmt.Errorf("%s: %w", p.File, err)
		}
	}
	for _, st := range p.Settled {
		if !in(st.SegmentAt) || CleanPath(st.Code) == "" {
			return errorf(ErrInvalidInput, "%s: a settled decision names no segment or code", p.File)
		}
		switch st.Kind {
		case TakeCoder, TakeUnion, TakeNone, TakeSet:
		default:
			return errorf(ErrInvalidInput, "%s: decision %q: coder, union, none or set", p.File, corpus.Excerpt(string(st.Kind)))
		}
	}
	for _, m := range p.Memos {
		if err := p.checkMemo(m, in); err != nil {
			return err
		}
	}
	samples := map[string]bool{}
	for _, sm := range p.Samples {
		if err := CheckSampleName(sm.Name); err != nil {
			return fmt.Errorf("%s: %w", p.File, err)
		}
		if samples[sm.Name] {
			return errorf(ErrInvalidInput, "%s: two samples are named %q", p.File, corpus.Excerpt(sm.Name))
		}
		samples[sm.Name] = true
		if len(sm.Segments) == 0 {
			return errorf(ErrInvalidInput, "%s: sample %q has no segments", p.File, corpus.Excerpt(sm.Name))
		}
		for _, sa := range sm.Segments {
			if !in(sa) {
				return errorf(ErrInvalidInput, "%s: sample %q names no segment", p.File, corpus.Excerpt(sm.Name))
			}
		}
	}
	return nil
}

// rows turns the codings and marks into codings-import rows (marks last,
// as a codings import applies them), with the segment of each.
func (p *ProjectImport) rows() ([]codingRow, []SegmentAt) {
	rows := make([]codingRow, 0, len(p.Codings)+len(p.Marks))
	at := make([]SegmentAt, 0, cap(rows))
	millis := func(t time.Time) int64 {
		if t.IsZero() {
			return 0
		}
		return t.UnixMilli()
	}
	for _, c := range p.Codings {
		starred := c.Starred
		row := codingRow{code: c.Code, coder: c.Coder, span: c.Span, starred: &starred, when: millis(c.Time)}
		if c.Memo != "" {
			memo := c.Memo
			row.memo = &memo
		}
		rows = append(rows, row)
		at = append(at, c.SegmentAt)
	}
	for _, m := range p.Marks {
		rows = append(rows, codingRow{coder: m.Coder, mark: true, when: millis(m.Time)})
		at = append(at, m.SegmentAt)
	}
	return rows, at
}

// importSettled records the import's decisions, each under its item (the
// code, or the group of a level), as Settle records them.
func (a *action) importSettled(p *ProjectImport, refs [][]SegRef) error {
	if len(p.Settled) == 0 {
		return nil
	}
	book, err := a.book()
	if err != nil {
		return err
	}
	if _, err := a.tx.CreateBucketIfNotExists(bktSettled); err != nil {
		return err
	}
	for _, st := range p.Settled {
		c, ok := book.Lookup(st.Code)
		if !ok {
			return errorf(ErrNotFound, "%s: a settled decision names code %q, which the codebook does not have", p.File, corpus.Excerpt(st.Code))
		}
		at := st.At
		if at.IsZero() {
			at = time.Now()
		}
		r, _ := json.Marshal(settlementRecord{By: st.By, At: at.UnixMilli(), Kind: st.Kind, Coder: st.Coder, Audit: st.Audit})
		if err := a.putRecord(bktSettled, settledKey(refs[st.Source][st.Segment], itemCode(book, c.ID)), r); err != nil {
			return err
		}
	}
	return nil
}

// checkMemo refuses a memo that could not be stored.
func (p *ProjectImport) checkMemo(m ImportedMemo, in func(SegmentAt) bool) error {
	if err := CheckCoderName(m.Author); err != nil {
		return fmt.Errorf("%s: a memo's author: %w", p.File, err)
	}
	text := cleanMemo(m.Text)
	switch {
	case text == "":
		return errorf(ErrInvalidInput, "%s: a %s memo by %s has no text", p.File, m.Kind, corpus.Excerpt(m.Author))
	case len(text) > maxMemoBytes:
		return errorf(ErrInvalidInput, "%s: a %s memo by %s of %d bytes is too long (at most %d)", p.File, m.Kind, corpus.Excerpt(m.Author), len(text), maxMemoBytes)
	}
	ok := false
	switch m.Kind {
	case MemoSegment:
		ok = in(m.Segment)
	case MemoSource:
		ok = m.Source >= 0 && m.Source < len(p.Sources)
	case MemoCase:
		ok = m.Case != ""
	case MemoCode:
		ok = CleanPath(m.Code) != ""
	case MemoProject:
		ok = true
	default:
		return errorf(ErrInvalidInput, "%s: a memo of kind %q (a coding's memo goes with its coding)", p.File, corpus.Excerpt(string(m.Kind)))
	}
	if !ok {
		return errorf(ErrInvalidInput, "%s: a %s memo by %s names no %s", p.File, m.Kind, corpus.Excerpt(m.Author), m.Kind)
	}
	return nil
}
