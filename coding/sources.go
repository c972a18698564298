package coding

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// SourceID is a source's internal number.
type SourceID uint64

// SegRef is a segment's internal number: dense, in import order, the key of
// every segment index. Users see the segment ID (Segment.ID) instead.
type SegRef uint64

// CaseID is a case's internal number.
type CaseID uint64

// Attribute is a named value on a source, case or segment.
type Attribute = corpus.Attribute

// ContextItem is a piece of a transcript that is not a segment: a
// preamble line, a title or heading, an interviewer's turn (a prompt).
type ContextItem = corpus.ContextItem

// Source is an imported file or sheet.
type Source struct {
	ID         SourceID
	Name       string
	File       string
	Format     string
	Hash       string
	Attributes []Attribute
	Segments   int
	Imported   time.Time
	// Context is the transcript around the segments (Sources fills it):
	// with the segments, in the order of their numbers, it gives back the
	// whole transcript, prompts included.
	Context []ContextItem
	// Prompts counts the interviewer turns among the context.
	Prompts int

	rawContext json.RawMessage
	run        segmentRun // where its segments are, as its record says
}

type sourceRecord struct {
	Name     string      `json:"name"`
	File     string      `json:"file"`
	Format   string      `json:"format"`
	Hash     string      `json:"hash"`
	Attrs    [][2]string `json:"attrs,omitempty"`
	Segments int         `json:"segments"`
	// First is the SegRef of the first segment (schema 5): an import
	// numbers its segments in one run, so the source's segments are First
	// to First+Segments-1 (the bysource index of older files derived).
	// Refs lists them instead in the one case they are not a run (a
	// migrated file whose source was not: never made by qcode).
	First    SegRef    `json:"first,omitempty"`
	Refs     []SegRef  `json:"refs,omitempty"`
	Prompts  int       `json:"prompts,omitempty"`
	Imported time.Time `json:"imported"`
	// Context is a []contextRecord, decoded only when asked for: listings
	// read every source record, and a transcript's prompts are most of it.
	Context json.RawMessage `json:"context,omitempty"`
}

// segmentRun is where a source's segments are (schema 5): first to
// first+n-1, or refs when a migrated source's were not one run.
type segmentRun struct {
	first SegRef
	n     int
	refs  []SegRef
}

func (sr *sourceRecord) run() segmentRun { return segmentRun{sr.First, sr.Segments, sr.Refs} }

// runWithin tells whether the record's run of segments lies within the
// segment numbers given so far (see segmentRun.within).
func (sr *sourceRecord) runWithin(given uint64) bool { return sr.run().within(given) }

// segmentRefs lists a source's segments in import (SegRef) order (a run
// the caller found within the numbers given: runWithin).
func (sr *sourceRecord) segmentRefs() []SegRef {
	var out []SegRef
	sr.run().each(func(ref SegRef) { out = append(out, ref) })
	return out
}

// within tells whether the run lies within the segment numbers given so
// far (given: the segments bucket's sequence). A damaged count (say 2^40)
// does not: walking or listing it would call back for, or allocate, every
// number. Check reports such a record.
func (r segmentRun) within(given uint64) bool {
	switch {
	case r.refs != nil || r.n == 0:
		return true
	case r.n < 0 || r.first == 0:
		return false
	}
	n := uint64(r.n)
	return n <= given && uint64(r.first)-1 <= given-n
}

// start is the run's first segment (0: it has none).
func (r segmentRun) start() SegRef {
	switch {
	case r.refs != nil:
		if len(r.refs) == 0 {
			return 0
		}
		return r.refs[0]
	case r.n == 0:
		return 0
	}
	return r.first
}

// each calls fn for each segment of the run, in SegRef order.
func (r segmentRun) each(fn func(SegRef)) {
	if r.refs != nil {
		for _, ref := range r.refs {
			fn(ref)
		}
		return
	}
	for i := range r.n {
		fn(r.first + SegRef(i))
	}
}

// setSegments records a source's segments (sorted) as a schema-4 file's
// bysource index listed them.
func (sr *sourceRecord) setSegments(refs []SegRef) {
	sr.Segments, sr.First, sr.Refs = len(refs), 0, nil
	if len(refs) > 0 {
		sr.First = refs[0]
		if refs[len(refs)-1]-refs[0] != SegRef(len(refs)-1) {
			sr.Refs = refs
		}
	}
}

// contextRecord is a ContextItem as the source record keeps it.
type contextRecord struct {
	Kind    string `json:"k"`
	N       int    `json:"n,omitempty"`
	Speaker string `json:"s,omitempty"`
	Text    string `json:"t"`
}

func encodeContext(items []ContextItem) json.RawMessage {
	if len(items) == 0 {
		return nil
	}
	recs := make([]contextRecord, len(items))
	for i, c := range items {
		recs[i] = contextRecord{Kind: string(c.Kind), N: c.N, Speaker: c.Speaker, Text: c.Text}
	}
	v, _ := json.Marshal(recs)
	return v
}

// decodeContext reads a source's context out of its record.
func (src *Source) decodeContext() error {
	if len(src.rawContext) == 0 {
		src.Context = nil
		return nil
	}
	var recs []contextRecord
	if err := json.Unmarshal(src.rawContext, &recs); err != nil {
		return errorf(errCorrupt, "source %d: context", src.ID)
	}
	src.Context = make([]ContextItem, len(recs))
	for i, r := range recs {
		src.Context[i] = ContextItem{Kind: corpus.ContextKind(r.Kind), N: r.N, Speaker: r.Speaker, Text: r.Text}
	}
	return nil
}

func (r sourceRecord) source(id SourceID) Source {
	s := Source{ID: id, Name: r.Name, File: r.File, Format: r.Format, Hash: r.Hash, Segments: r.Segments,
		Prompts: r.Prompts, Imported: r.Imported, rawContext: r.Context, run: r.run()}
	for _, a := range r.Attrs {
		s.Attributes = append(s.Attributes, Attribute{Name: a[0], Value: a[1]})
	}
	return s
}

// Sources lists the project's sources in import order, each with its
// context.
func (s *Store) Sources() ([]Source, error) {
	var out []Source
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		if out, err = readSources(tx); err != nil {
			return err
		}
		for i := range out {
			if err := out[i].decodeContext(); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// findSource resolves a source by name.
func findSource(tx *bolt.Tx, name string) (Source, error) {
	sources, err := readSources(tx)
	if err != nil {
		return Source{}, err
	}
	var names []string
	for _, src := range sources {
		if src.Name == name {
			return src, nil
		}
		names = append(names, src.Name)
	}
	return Source{}, errorf(ErrNotFound, "no source %q (sources: %s)", name, strings.Join(names, ", "))
}

// ImportOptions say how to add a source.
type ImportOptions struct {
	// Replace lets a source replace an earlier import of the same file (same
	// content or same name). Codings on segments whose ID is still there are
	// kept.
	Replace bool
	// Attributes are extra source attributes (e.g. method=survey).
	Attributes []Attribute
	// Progress, when set, is called now and then with segments stored so far.
	Progress func(done, total int)
}

// ImportResult says what an import did.
type ImportResult struct {
	ActionResult
	Source   string // the source's name
	Segments int
	Cases    int // distinct cases (participants) the segments belong to
	NewCases int
	Prompts  int  // interviewer turns: context, not segments
	Replaced bool // an earlier import of the source was replaced
	Kept     int  // codings carried over from the replaced import
	Dropped  int  // codings whose segment or passage is gone
}

// ImportSource adds a source read by package corpus, in one transaction: a
// failure leaves the project exactly as it was.
func (s *Store) ImportSource(actor string, src *corpus.Source, opts ImportOptions) (ImportResult, error) {
	out := ImportResult{Source: src.Name, Segments: len(src.Segments)}
	if len(src.Segments) == 0 {
		return out, errorf(ErrInvalidInput, "%s: no segments to import", src.File)
	}
	// An ID given twice is found by addSource (repeatedID, on the other core).
	for i, seg := range src.Segments {
		if seg.ID == "" || strings.ContainsRune(seg.ID, 0) {
			return out, errorf(ErrInvalidInput, "%s: segment %d has no usable ID", src.File, i+1)
		}
	}
	desc := "import " + src.File
	defer bulkGC()()
	res, err := s.act(actor, desc, func(a *action) error {
		old, err := a.previousImport(src, opts.Replace)
		if err != nil {
			return err
		}
		var carried map[string][]carriedCoding
		var speakers oldSpeakers
		var oldCases []CaseID
		if old != nil {
			out.Replaced = true
			a.desc = "replace " + src.File // the journal's name for it, as the result's
			if speakers, err = a.speakersOf(*old); err != nil {
				return err
			}
			if carried, oldCases, err = a.dropSource(old); err != nil {
				return err
			}
		}
		refs, added, err := a.addSource(src, opts, speakers)
		if err != nil {
			return err
		}
		out.NewCases, out.Cases, out.Prompts = added.created, added.cases, added.prompts
		var keep []codingChange
		for i, seg := range src.Segments {
			for _, c := range carried[seg.ID] {
				if !c.fits(seg.Text) {
					out.Dropped++
					continue
				}
				k := c.key
				k.Seg = refs[i]
				keep = append(keep, codingChange{k, c.state})
				out.Kept++
			}
			delete(carried, seg.ID)
		}
		for _, cs := range carried {
			out.Dropped += len(cs)
		}
		if err := a.setCodings(keep); err != nil {
			return err
		}
		if err := a.restoreReviews(src, refs); err != nil {
			return err
		}
		memos := a.liftedMemos
		a.liftedMemos = nil
		if err := a.restoreMemos(memos, src, refs, added.source); err != nil {
			return err
		}
		// Cases only the replaced import spoke of go: an older import's
		// interviewer, a speaker now named within the source.
		return a.removeEmptyCases(oldCases)
	})
	out.ActionResult = res
	return out, err
}

// previousImport finds the source an import would duplicate, refusing it
// unless replace is set.
func (a *action) previousImport(src *corpus.Source, replace bool) (*Source, error) {
	sources, err := readSources(a.tx)
	if err != nil {
		return nil, err
	}
	for _, old := range sources {
		if old.Hash == src.Hash && src.Hash != "" {
			if !replace {
				return nil, errorf(ErrConflict, "%s was already imported as source %q (same content); use --replace to import it again", src.File, old.Name)
			}
			return &old, nil
		}
	}
	for _, old := range sources {
		if old.Name == src.Name {
			if !replace {
				return nil, errorf(ErrConflict, "a source named %q exists (from %s); use --replace to replace it, or rename the file", old.Name, old.File)
			}
			return &old, nil
		}
	}
	return nil, nil
}

// carriedCoding is a coding lifted off a replaced segment, to be put back on
// the segment with the same ID if its passage is still there.
type carriedCoding struct {
	key   codingKey
	state *codingState
	text  string // the old segment's text
}

func (c carriedCoding) fits(text string) bool {
	if c.key.Span.Whole() || c.text == text {
		return true
	}
	oldRunes, newRunes := []rune(c.text), []rune(text)
	sp := c.key.Span
	if sp.End > len(oldRunes) || sp.End > len(newRunes) {
		return false
	}
	return string(oldRunes[sp.Start:sp.End]) == string(newRunes[sp.Start:sp.End])
}

// dropSource removes a source for a replace: its codings (journaled one by
// one) and then its records (journaled as a snapshot).
func (a *action) dropSource(old *Source) (map[string][]carriedCoding, []CaseID, error) {
	id := old.ID
	carried := map[string][]carriedCoding{}
	var cases []CaseID
	segs := a.tx.Bucket(bktSegments)
	rs := recs(a.tx)
	texts := rs.texts()
	refs := rs.segmentsOf(old)
	var drop []codingChange
	for _, ref := range refs {
		rec, err := decodeSegment(segs.Get(u64(uint64(ref))))
		if err != nil {
			return nil, nil, err
		}
		if rec.caseID != 0 && !slices.Contains(cases, rec.caseID) {
			cases = append(cases, rec.caseID)
		}
		text := string(texts.get(ref))
		for _, k := range segCodings(a.tx, ref) {
			carried[rec.id] = append(carried[rec.id], carriedCoding{key: k, state: codingAt(a.tx, k), text: text})
			drop = append(drop, codingChange{k, nil})
		}
	}
	if err := a.setCodings(drop); err != nil {
		return nil, nil, err
	}
	lifted, err := a.liftReviews(refs)
	if err != nil {
		return nil, nil, err
	}
	a.lifted = lifted
	if a.liftedMemos, err = a.liftMemos(id, refs); err != nil {
		return nil, nil, err
	}
	snap, err := a.removeSource(id)
	if err != nil {
		return nil, nil, err
	}
	a.ops = append(a.ops, op{kind: opSourceDel, rawOp: &rawOp{source: id, snapshot: snap}})
	return carried, cases, nil
}

// oldSpeakers is what a replaced transcript's speakers were, by label.
type oldSpeakers struct {
	// joined: speakers a cases sheet joined to a case of another name, so
	// that the new import's speakers stay joined.
	joined map[string]CaseID
	// plain: speakers whose case is named as the label (a shared speaker,
	// a file imported before labels were scoped): a new scoped case takes
	// their attributes.
	plain map[string]CaseID
}

// speakersOf reads the speakers of a source about to be replaced. A
// speaker whose case is its scoped name is neither joined nor plain.
func (a *action) speakersOf(old Source) (oldSpeakers, error) {
	out := oldSpeakers{joined: map[string]CaseID{}, plain: map[string]CaseID{}}
	in := newInterner(a.tx, nil)
	speaker, err := in.lookup("speaker")
	if err != nil {
		return out, nil
	}
	segs, cases := a.tx.Bucket(bktSegments), a.tx.Bucket(bktCases)
	for _, ref := range recs(a.tx).segmentsOf(&old) {
		rec, err := decodeSegment(segs.Get(u64(uint64(ref))))
		if err != nil {
			return out, err
		}
		if rec.caseID == 0 {
			continue
		}
		for _, p := range rec.attrs {
			if p.name != speaker {
				continue
			}
			label := in.str(p.value)
			if _, ok := out.joined[label]; ok {
				continue
			}
			if _, ok := out.plain[label]; ok {
				continue
			}
			cr, err := decodeCase(cases.Get(u64(uint64(rec.caseID))))
			if err != nil {
				return out, fmt.Errorf("case %d: %w", rec.caseID, err)
			}
			switch cr.name {
			case label:
				out.plain[label] = rec.caseID
			case scopedCase(old.Name, label):
			default:
				out.joined[label] = rec.caseID
			}
		}
	}
	return out, nil
}

// added says what addSource wrote.
type added struct {
	created, cases, prompts int
	source                  SourceID
}

// addSource writes a source, its cases and segments, and journals them.
// old says what the speakers were before a replace.
func (a *action) addSource(src *corpus.Source, opts ImportOptions, old oldSpeakers) ([]SegRef, added, error) {
	tx := a.tx
	sources := tx.Bucket(bktSources)
	seq, err := sources.NextSequence()
	if err != nil {
		return nil, added{}, err
	}
	id := SourceID(seq)
	segs, texts := tx.Bucket(bktSegments), tx.Bucket(bktTexts)
	// The segments are numbered in one run after the highest number given
	// (the bucket's sequence, set once at the end): the source record says
	// where the run starts, which is all a source's index of segments needs.
	base := SegRef(segs.Sequence())
	srcRec := sourceRecord{Name: src.Name, File: src.File, Format: src.Format, Hash: src.Hash,
		Segments: len(src.Segments), Imported: time.Now().UTC().Truncate(time.Second),
		Context: encodeContext(src.Context)}
	if len(src.Segments) > 0 {
		srcRec.First = base + 1
	}
	for _, c := range src.Context {
		if c.Kind == corpus.ContextPrompt {
			srcRec.Prompts++
		}
	}
	in := newInterner(tx, a)
	for _, attr := range mergeAttrs(src.Attributes, opts.Attributes) {
		srcRec.Attrs = append(srcRec.Attrs, [2]string{attr.Name, attr.Value})
		// Interned so that filters and reports compare numbers.
		if _, err := in.pairs([]Attribute{attr}); err != nil {
			return nil, added{}, err
		}
	}
	v, _ := json.Marshal(srcRec)
	if err := sources.Put(u64(seq), v); err != nil {
		return nil, added{}, err
	}
	if src.Hash != "" {
		if err := tx.Bucket(bktSourceHash).Put([]byte(src.Hash), u64(seq)); err != nil {
			return nil, added{}, err
		}
	}

	// At most as many cases as runs of one case name in the file.
	runs := 0
	for i, seg := range src.Segments {
		if i == 0 || seg.Case != src.Segments[i-1].Case {
			runs++
		}
	}
	cases := newCaseResolver(a, in, min(runs, 1<<16)+len(src.Cases))
	a.reserve(2*min(runs, 1<<16), bktCaseName) // a new case is two records, its name queued
	caseKey := func(label string) string {
		if src.ScopedCases {
			return scopedCase(src.Name, label)
		}
		return label
	}
	for _, c := range src.Cases {
		if _, err := cases.resolve(caseKey(c.Name), c.Attributes); err != nil {
			return nil, added{}, err
		}
	}
	// The cases the segments belong to, once per run of one case: counted
	// at the end (a map of 40,000 cases cost 30 ms).
	var seen []CaseID
	lastCase := CaseID(0)
	segs.FillPercent, texts.FillPercent = 1.0, 1.0
	// What needs no transaction is made on the other core meanwhile: the
	// texts' chunks, the names' entries (runs where they can be,
	// records_segnames.go), a repeated ID.
	prep := make(chan preparedImport, 1)
	go func() { prep <- prepareImport(src.Segments, base) }()
	defer func() {
		if prep != nil {
			<-prep // an action that failed leaves nothing behind
		}
	}()
	refs := make([]SegRef, len(src.Segments))
	byCase := newCaseRunBuilder(runs)
	// Outgrowing either buffer leaves what was cut from it where it is.
	keyBuf, recBuf := make([]byte, 0, 8*len(src.Segments)), make([]byte, 0, 32*len(src.Segments))
	for i, seg := range src.Segments {
		if !utf8.ValidString(seg.Text) {
			return nil, added{}, errorf(ErrInvalidInput, "%s: segment %s: text is not valid UTF-8", src.File, corpus.Excerpt(seg.ID))
		}
		ref := base + SegRef(i) + 1
		n := uint64(ref)
		refs[i] = ref
		var caseID CaseID
		var err error
		if id, ok := old.joined[seg.Case]; ok && seg.Case != "" && tx.Bucket(bktCases).Get(u64(uint64(id))) != nil {
			caseID = id
		} else if seg.Case != "" {
			created := cases.created
			if caseID, err = cases.resolve(caseKey(seg.Case), nil); err != nil {
				return nil, added{}, err
			}
			if from, ok := old.plain[seg.Case]; ok && cases.created > created && from != caseID {
				if err := cases.copyAttrs(from, caseID); err != nil {
					return nil, added{}, err
				}
			}
		}
		if caseID != lastCase && caseID != 0 {
			seen, lastCase = append(seen, caseID), caseID
		}
		r := segmentRecord{source: id, caseID: caseID, ordinal: i + 1, id: seg.ID}
		if r.attrs, err = in.pairs(seg.Attributes); err != nil {
			return nil, added{}, err
		}
		// Keys and records are cut from two buffers: bbolt keeps each
		// until the commit, and 400,000 small allocations cost more.
		start := len(keyBuf)
		keyBuf = binary.BigEndian.AppendUint64(keyBuf, n)
		key := keyBuf[start:len(keyBuf):len(keyBuf)]
		start = len(recBuf)
		recBuf = r.appendTo(recBuf)
		if err := segs.Put(key, recBuf[start:len(recBuf):len(recBuf)]); err != nil {
			return nil, added{}, err
		}
		byCase.add(ref, caseID)
		if opts.Progress != nil && (i+1)%2048 == 0 {
			opts.Progress(i+1, len(src.Segments))
		}
	}
	if opts.Progress != nil {
		opts.Progress(len(src.Segments), len(src.Segments))
	}
	if err := segs.SetSequence(uint64(base) + uint64(len(src.Segments))); err != nil {
		return nil, added{}, err
	}
	p := <-prep
	prep = nil
	if p.repeated {
		return nil, added{}, errorf(ErrInvalidInput, "%s: segment ID %q appears twice", src.File, corpus.Excerpt(p.id))
	}
	for _, c := range p.chunks {
		if err := texts.Put(c.key, c.value); err != nil {
			return nil, added{}, err
		}
	}
	a.laterAll(bktSegName, p.names)
	byCase.end()
	a.laterAll(bktByCase, byCase.runs)
	a.ops = append(a.ops, op{kind: opSourceAdd, rawOp: &rawOp{source: id}})
	slices.Sort(seen)
	return refs, added{created: cases.created, cases: len(slices.Compact(seen)), prompts: srcRec.Prompts, source: id}, a.flushLater()
}

// mergeAttrs returns base with extra's values set (extra wins on a name,
// whatever its case; base's spelling stays).
func mergeAttrs(base, extra []Attribute) []Attribute {
	out := append([]Attribute(nil), base...)
	for _, e := range extra {
		found := false
		for i := range out {
			if strings.EqualFold(out[i].Name, e.Name) {
				out[i].Value, found = e.Value, true
			}
		}
		if !found {
			out = append(out, e)
		}
	}
	return out
}

// preparedImport is what an import makes of its segments without the
// transaction.
type preparedImport struct {
	chunks, names []rec
	id            string // an ID two segments share
	repeated      bool
}

// prepareImport cuts the texts of segments numbered from base+1 into
// chunks, makes their names' entries and looks for a repeated ID.
func prepareImport(segs []corpus.Segment, base SegRef) preparedImport {
	var p preparedImport
	chunks := newTextChunker(func(k, v []byte) error {
		p.chunks = append(p.chunks, rec{bktTexts, k, v})
		return nil
	})
	var names nameRunBuilder
	for i, seg := range segs {
		ref := base + SegRef(i) + 1
		_ = chunks.add(ref, seg.Text) // its put cannot fail
		names.add(seg.ID, ref)
	}
	_ = chunks.flush()
	names.end()
	p.names = names.recs
	p.id, p.repeated = repeatedID(segs)
	return p
}

// repeatedID returns an ID two of an import's segments share. IDs in
// order (shorter first, then byte order: R9 before R10) cannot repeat, and
// most exports list them so; others are sorted (a map of 200,000 IDs cost
// a tenth of an import).
func repeatedID(segs []corpus.Segment) (string, bool) {
	inOrder := true
	for i := 1; i < len(segs) && inOrder; i++ {
		inOrder = corpus.IDAfter(segs[i].ID, segs[i-1].ID)
	}
	if inOrder {
		return "", false
	}
	ids := make([]string, len(segs))
	for i, s := range segs {
		ids[i] = s.ID
	}
	slices.Sort(ids)
	for i := 1; i < len(ids); i++ {
		if ids[i] == ids[i-1] {
			return ids[i], true
		}
	}
	return "", false
}

func segNameKey(id string, ref SegRef) []byte {
	k := make([]byte, 0, len(id)+9)
	k = append(k, id...)
	k = append(k, 0)
	return append(k, u64(uint64(ref))...)
}

// removeSource deletes a source's records and returns them as a snapshot.
// It refuses while any of its segments has codings.
func (a *action) removeSource(id SourceID) ([]rec, error) {
	tx := a.tx
	var snap []rec
	take := func(bucket, key []byte) error {
		b := tx.Bucket(bucket)
		v := b.Get(key)
		if v == nil {
			return nil
		}
		// A non-nil value even when empty: putSorted reads nil as "delete".
		snap = append(snap, rec{bucket, append([]byte(nil), key...), append([]byte{}, v...)})
		return b.Delete(key)
	}
	srcKey := u64(uint64(id))
	v := tx.Bucket(bktSources).Get(srcKey)
	if v == nil {
		return nil, errorf(ErrNotFound, "source %d", id)
	}
	var sr sourceRecord
	if err := json.Unmarshal(v, &sr); err != nil {
		return nil, errCorrupt
	}
	if !sr.runWithin(tx.Bucket(bktSegments).Sequence()) {
		return nil, errorf(errCorrupt, "source %d says it has %d segments from %d on, past the last one", id, sr.Segments, sr.First)
	}
	segRefs := sr.segmentRefs()
	refs := make([]uint64, len(segRefs))
	for i, ref := range segRefs {
		refs[i] = uint64(ref)
	}
	codings := tx.Bucket(bktCodings)
	coded := 0
	for _, ref := range refs {
		if hasPrefix(codings, segPrefix(SegRef(ref))) {
			coded++
		}
	}
	if coded > 0 {
		return nil, errorf(ErrConflict, "source %q has %s; remove their codings first", sr.Name, plural(coded, "coded segment"))
	}
	if n := markedSegments(tx, refs, math.MaxInt); n > 0 {
		return nil, errorf(ErrConflict, "source %q has %s marked reviewed; take the marks away first", sr.Name, plural(n, "segment"))
	}
	if n := segmentMemos(tx, refs, math.MaxInt); n > 0 {
		return nil, errorf(ErrConflict, "source %q has memos on %d of its segments; delete them first (qcode memos --source lists them)", sr.Name, n)
	}
	if hasMemos(tx, memoSourceByte, uint64(id)) {
		return nil, errorf(ErrConflict, "source %q has a memo; delete it first", sr.Name)
	}
	if in, err := samplesWith(tx, refs); err != nil || len(in) > 0 {
		if err != nil {
			return nil, err
		}
		return nil, errorf(ErrConflict, "source %q has segments in sample %s; delete the sample first", sr.Name, strings.Join(in, ", "))
	}
	if err := take(bktSources, srcKey); err != nil {
		return nil, err
	}
	if sr.Hash != "" {
		if err := take(bktSourceHash, []byte(sr.Hash)); err != nil {
			return nil, err
		}
	}
	// The texts' chunks first: their keys are read before anything moves.
	for _, k := range recs(tx).chunkKeys(segRefs) {
		if err := take(bktTexts, k); err != nil {
			return nil, err
		}
	}
	segs := tx.Bucket(bktSegments)
	stored := make([]storedSegment, len(segRefs))
	for i, ref := range segRefs {
		r, err := decodeSegment(segs.Get(u64(uint64(ref))))
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", ref, err)
		}
		stored[i] = storedSegment{ref, r}
	}
	for _, k := range recs(tx).caseRunKeys(stored) {
		if err := take(bktByCase, k); err != nil {
			return nil, err
		}
	}
	// The source's names: as its import wrote them (runs), and one by one
	// as older files have them.
	for _, r := range segmentNameRecs(stored) {
		if err := take(bktSegName, r.key); err != nil {
			return nil, err
		}
	}
	for _, s := range stored {
		key := u64(uint64(s.ref))
		if err := take(bktSegments, key); err != nil {
			return nil, err
		}
		if err := take(bktSegName, segNameKey(s.rec.id, s.ref)); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// restoreSnapshot puts a source's records back, in key order.
func restoreSnapshot(tx *bolt.Tx, snap []rec) error {
	snap, err := snapshotAsSchema5(snap)
	if err != nil {
		return err
	}
	for i := range snap {
		if snap[i].value == nil { // every snapshot record is a put
			snap[i].value = []byte{}
		}
	}
	return putSorted(tx, snap)
}

// snapshotAsSchema5 returns a copy of a source's snapshot in schema 5's
// layout. A snapshot journaled by schema 4 (an import undone before the
// file was migrated) holds the source's bysource entries and one raw text
// per segment: its texts become chunks and its source record says where
// its run of segments starts, as chunkTexts did for the file.
func snapshotAsSchema5(snap []rec) ([]rec, error) {
	legacy := slices.ContainsFunc(snap, func(r rec) bool { return bytes.Equal(r.bucket, bktBySource) })
	if !legacy {
		return slices.Clone(snap), nil
	}
	var out, texts []rec
	var refs []SegRef
	var stored []storedSegment
	srcAt := -1
	for _, r := range snap {
		switch {
		case bytes.Equal(r.bucket, bktBySource):
			if len(r.key) != 16 {
				return nil, errorf(errCorrupt, "a bysource key of %d bytes in the journal", len(r.key))
			}
			refs = append(refs, SegRef(getU64(r.key[8:])))
			continue
		case bytes.Equal(r.bucket, bktTexts):
			texts = append(texts, r)
			continue
		case bytes.Equal(r.bucket, bktSegName):
			continue // made again below, as runs
		case bytes.Equal(r.bucket, bktSegments):
			seg, err := decodeSegment(r.value)
			if err != nil {
				return nil, errorf(errCorrupt, "a segment in the journal")
			}
			stored = append(stored, storedSegment{SegRef(getU64(r.key)), seg})
		case bytes.Equal(r.bucket, bktSources):
			srcAt = len(out)
		}
		out = append(out, r)
	}
	if srcAt < 0 {
		return nil, errorf(errCorrupt, "a source snapshot without its source in the journal")
	}
	slices.Sort(refs)
	textOf := map[SegRef][]byte{}
	for _, t := range texts {
		if len(t.key) != 8 {
			return nil, errorf(errCorrupt, "a text key of %d bytes in the journal", len(t.key))
		}
		textOf[SegRef(getU64(t.key))] = t.value
	}
	slices.SortFunc(stored, func(x, y storedSegment) int { return cmp.Compare(x.ref, y.ref) })
	chunks, names, err := layout5(stored, func(ref SegRef) []byte { return textOf[ref] })
	if err != nil {
		return nil, err
	}
	out = append(append(out, chunks...), names...)
	var sr sourceRecord
	if err := json.Unmarshal(out[srcAt].value, &sr); err != nil {
		return nil, errorf(errCorrupt, "a source in the journal")
	}
	sr.setSegments(refs)
	v, err := json.Marshal(sr)
	if err != nil {
		return nil, err
	}
	out[srcAt] = rec{bktSources, out[srcAt].key, v}
	return out, nil
}

// sourceValueAsSchema5 is v, a source record as an action journaled it,
// in schema 5's layout: a record journaled by schema 4 (an attribute set on
// the source, undone or redone after the migration) has no run of segments
// (First, Refs), and gets the one of the record now stored (cur; a run
// never changes while the source is there). Anything else is v as it is.
func sourceValueAsSchema5(v, cur []byte) []byte {
	if len(v) == 0 || len(cur) == 0 || bytes.Contains(v, []byte(`"first":`)) {
		return v
	}
	var sr, now sourceRecord
	if json.Unmarshal(v, &sr) != nil || sr.Segments == 0 || sr.First != 0 || sr.Refs != nil {
		return v
	}
	if json.Unmarshal(cur, &now) != nil || (now.First == 0 && now.Refs == nil) {
		return v
	}
	sr.First, sr.Refs = now.First, now.Refs
	out, err := json.Marshal(sr)
	if err != nil {
		return v
	}
	return out
}

// segmentRecord is a segment as stored, without its text.
type segmentRecord struct {
	source  SourceID
	caseID  CaseID
	ordinal int
	id      string
	attrs   []strPair // interned (name, value)
}

type strPair struct{ name, value uint64 }

func (r *segmentRecord) encode() []byte {
	return r.appendTo(make([]byte, 0, 16+len(r.id)+4*len(r.attrs)))
}

// appendTo appends the record's encoding to b.
func (r *segmentRecord) appendTo(b []byte) []byte {
	w := wbuf(b)
	w.byte(1)
	w.uvarint(uint64(r.source))
	w.uvarint(uint64(r.caseID))
	w.uvarint(uint64(r.ordinal))
	w.str(r.id)
	w.pairs(r.attrs)
	return w
}

func decodeSegment(b []byte) (segmentRecord, error) {
	var r segmentRecord
	if len(b) == 0 {
		return r, errCorrupt
	}
	rb := rbuf{b: b}
	if rb.byte() != 1 {
		return r, errCorrupt
	}
	r.source = SourceID(rb.uvarint())
	r.caseID = CaseID(rb.uvarint())
	r.ordinal = int(rb.uvarint())
	r.id = rb.str()
	r.attrs = rb.pairs()
	return r, rb.err
}

// interner maps attribute names and values to small numbers, so that a
// question's text is stored once, not once per answer.
type interner struct {
	tx      *bolt.Tx
	pending *action // queues new index entries (nil in read transactions)
	cache   map[string]uint64
	rev     map[uint64]string
	// The pairs of the attributes last interned, by position: a sheet's
	// rows repeat most of their neighbours' values (six map lookups an
	// answer, 200,000 answers, saved).
	last []lastPair
}

type lastPair struct {
	attr Attribute
	pair strPair
}

// newInterner interns within a read transaction, or within action a.
func newInterner(tx *bolt.Tx, a *action) *interner {
	return &interner{tx: tx, pending: a, cache: map[string]uint64{}, rev: map[uint64]string{}}
}

// maxInterned is bbolt's key size limit, less a margin.
const maxInterned = 32000

func (in *interner) id(s string) (uint64, error) {
	if id, ok := in.cache[s]; ok {
		return id, nil
	}
	if len(s) > maxInterned {
		return 0, errorf(ErrInvalidInput, "attribute value of %d bytes is too long (limit %d)", len(s), maxInterned)
	}
	ix := in.tx.Bucket(bktStrIx)
	if v := ix.Get([]byte(s)); v != nil {
		id := getU64(v)
		in.cache[s] = id
		return id, nil
	}
	if in.pending == nil {
		return 0, ErrNotFound
	}
	strs := in.tx.Bucket(bktStrs)
	id, err := strs.NextSequence()
	if err != nil {
		return 0, err
	}
	if err := strs.Put(u64(id), []byte(s)); err != nil {
		return 0, err
	}
	in.pending.later(bktStrIx, []byte(s), u64(id))
	in.cache[s] = id
	return id, nil
}

// lookup finds a string's id without interning it.
func (in *interner) lookup(s string) (uint64, error) {
	if id, ok := in.cache[s]; ok {
		return id, nil
	}
	if v := in.tx.Bucket(bktStrIx).Get([]byte(s)); v != nil {
		id := getU64(v)
		in.cache[s] = id
		return id, nil
	}
	return 0, ErrNotFound
}

func (in *interner) str(id uint64) string {
	if s, ok := in.rev[id]; ok {
		return s
	}
	s := string(in.tx.Bucket(bktStrs).Get(u64(id)))
	in.rev[id] = s
	return s
}

func (in *interner) pairs(attrs []Attribute) ([]strPair, error) {
	out := make([]strPair, 0, len(attrs))
	for i, a := range attrs {
		if a.Value == "" {
			continue
		}
		if i < len(in.last) && in.last[i].attr == a {
			out = append(out, in.last[i].pair)
			continue
		}
		n, err := in.id(a.Name)
		if err != nil {
			return nil, err
		}
		v, err := in.id(a.Value)
		if err != nil {
			return nil, err
		}
		p := strPair{n, v}
		out = append(out, p)
		if i < 16 {
			for len(in.last) <= i {
				in.last = append(in.last, lastPair{})
			}
			in.last[i] = lastPair{a, p}
		}
	}
	return out, nil
}

func (in *interner) attrs(pairs []strPair) []Attribute {
	out := make([]Attribute, len(pairs))
	for i, p := range pairs {
		out[i] = Attribute{Name: in.str(p.name), Value: in.str(p.value)}
	}
	return out
}
