package coding

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
	"qcode/corpus/printable"
)

// Memos are the researcher's writing about the project, beside the codes:
// on a coding (stored with it, as before), and on a segment, a source, a
// case, a code, and the project itself.
//
// Each author has their own memo on a target (MAXQDA's document and code
// memos, NVivo's linked memos, one per author): a coder writes and edits
// only their own, and a team's copies merge without one coder's memo
// overwriting another's. The project memo is a research journal of dated
// entries, as MAXQDA's logbook and a lab notebook are: a new entry per
// thought, each with its author and time, so that entries written in
// several copies merge side by side instead of competing for one text.

// MemoKind says what a memo is about.
type MemoKind string

// The kinds of memo, in the order listings group them.
const (
	MemoProject MemoKind = "project" // a research journal entry
	MemoSource  MemoKind = "source"
	MemoCase    MemoKind = "case"
	MemoCode    MemoKind = "code"
	MemoSegment MemoKind = "segment"
	MemoCoding  MemoKind = "coding" // a coder's note on one coding
)

// MemoKinds lists every kind, in the order listings group them.
var MemoKinds = []MemoKind{MemoProject, MemoSource, MemoCase, MemoCode, MemoSegment, MemoCoding}

// ParseMemoKind reads a kind as a user types it ("segments" and any case
// are fine).
func ParseMemoKind(s string) (MemoKind, error) {
	k := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "s")
	if k == "journal" {
		return MemoProject, nil
	}
	for _, kind := range MemoKinds {
		if string(kind) == k {
			return kind, nil
		}
	}
	names := make([]string, len(MemoKinds))
	for i, kind := range MemoKinds {
		names[i] = string(kind)
	}
	return "", errorf(ErrInvalidInput, "no memo kind %q (kinds: %s)", corpus.Excerpt(s), strings.Join(names, ", "))
}

// Kind bytes of the targetmemos keys.
const (
	memoProjectByte = 'p'
	memoSourceByte  = 's'
	memoCaseByte    = 'c'
	memoCodeByte    = 'k'
	memoSegmentByte = 'g'
)

var memoKindOf = map[byte]MemoKind{memoProjectByte: MemoProject, memoSourceByte: MemoSource,
	memoCaseByte: MemoCase, memoCodeByte: MemoCode, memoSegmentByte: MemoSegment}

// maxMemoBytes bounds one memo: a long memo is pages, not megabytes, and
// every edit journals it twice (before and after).
const maxMemoBytes = 1 << 20

// MaxMemoBytes is the most text one memo holds, for readers of other
// files that must leave a longer one out.
const MaxMemoBytes = maxMemoBytes

// memoRecord is a memo as stored: format(1) · created · updated (unix
// milliseconds, uvarint) · the text (the rest).
type memoRecord struct {
	created, updated int64
	text             string
}

func (r memoRecord) encode() []byte {
	w := make(wbuf, 0, 16+len(r.text))
	w.byte(1)
	w.uvarint(uint64(r.created))
	w.uvarint(uint64(r.updated))
	return append(w, r.text...)
}

func decodeMemo(v []byte) (memoRecord, error) {
	r := rbuf{b: v}
	if r.byte() != 1 {
		return memoRecord{}, errCorrupt
	}
	out := memoRecord{created: int64(r.uvarint()), updated: int64(r.uvarint())}
	if r.err != nil {
		return memoRecord{}, r.err
	}
	out.text = string(r.b)
	if out.text == "" || !utf8.ValidString(out.text) {
		return memoRecord{}, errCorrupt
	}
	return out, nil
}

// MemoTarget names what a memo is about: the field of its Kind is set.
type MemoTarget struct {
	Kind    MemoKind
	Segment SegRef
	Source  SourceID
	Case    CaseID
	Code    CodeID
	Coding  CodingKey
	// Entry is a journal entry's id (its creation, in unix milliseconds):
	// 0 writes a new entry.
	Entry int64
}

// key returns the kind byte and target number of a memo stored in
// targetmemos (not a coding's).
func (t MemoTarget) key() (byte, uint64, error) {
	switch t.Kind {
	case MemoSegment:
		return memoSegmentByte, uint64(t.Segment), nil
	case MemoSource:
		return memoSourceByte, uint64(t.Source), nil
	case MemoCase:
		return memoCaseByte, uint64(t.Case), nil
	case MemoCode:
		return memoCodeByte, uint64(t.Code), nil
	case MemoProject:
		return memoProjectByte, uint64(t.Entry), nil
	}
	return 0, 0, errorf(ErrInvalidInput, "no memo kind %q", t.Kind)
}

// targetOf is the MemoTarget of a targetmemos key.
func targetOf(kind byte, id uint64) MemoTarget {
	t := MemoTarget{Kind: memoKindOf[kind]}
	switch kind {
	case memoSegmentByte:
		t.Segment = SegRef(id)
	case memoSourceByte:
		t.Source = SourceID(id)
	case memoCaseByte:
		t.Case = CaseID(id)
	case memoCodeByte:
		t.Code = CodeID(id)
	case memoProjectByte:
		t.Entry = int64(id)
	}
	return t
}

// Memo is one memo as listings and the memo browser show it.
type Memo struct {
	Target  MemoTarget
	Author  string
	Text    string
	Created time.Time
	Updated time.Time
	// About names the target as a user types it: a segment's ID (source:ID
	// where IDs clash), a source's or case's name (fg2:P1), a code's path,
	// "CODE on SEGMENT" for a coding, "journal #N" for a journal entry.
	About string
	// Jump is the segment to show for the memo (0: none): the segment of a
	// segment or coding memo, the first segment of a source or case, the
	// first segment coded with a code (or one of its sub-codes).
	Jump   SegRef
	JumpID string // Jump's qualified ID
	Source string // the source the memo is about or in
	Case   string // the case a case memo is about
	Code   string // the code path of a code or coding memo
	Entry  int    // a journal entry's number, 1 for the oldest
}

// MemoResult says what SetMemoOn did.
type MemoResult struct {
	ActionResult
	Target MemoTarget // with Entry set for a new journal entry
	// About is what the memo is on as Memo.About names it ("journal" for
	// a journal entry).
	About string
}

// cleanMemo makes typed or pasted text fit to store: escape sequences and
// control characters go (as from an imported file), surrounding blank
// space too.
func cleanMemo(text string) string {
	return strings.TrimSpace(printable.Strip(text))
}

// SetMemoOn writes actor's memo on a target, replacing actor's earlier
// memo there ("" deletes it); other authors' memos on it are untouched. A
// journal entry (MemoProject) with Entry 0 is a new entry. One undoable
// action; a coding's memo goes through SetMemo.
func (s *Store) SetMemoOn(actor string, t MemoTarget, text string) (MemoResult, error) {
	if t.Kind == MemoCoding {
		res, err := s.SetMemo(actor, t.Coding, cleanMemo(text))
		out := MemoResult{ActionResult: res, Target: t}
		if err == nil {
			out.About = s.codingAbout(t.Coding)
		}
		return out, err
	}
	text = cleanMemo(text)
	if len(text) > maxMemoBytes {
		return MemoResult{}, errorf(ErrInvalidInput, "a memo of %d bytes is too long (at most %d)", len(text), maxMemoBytes)
	}
	kind, id, err := t.key()
	if err != nil {
		return MemoResult{}, err
	}
	out := MemoResult{Target: t}
	book := s.Codebook()
	res, err := s.act(actor, "memo", func(a *action) error {
		shelf := recs(a.tx).memos()
		if kind == memoProjectByte && id == 0 {
			if text == "" {
				return errorf(ErrInvalidInput, "a journal entry needs some text")
			}
			// An entry's id is its time, unique in the project (two
			// entries in one millisecond take the next), so that its
			// number in the journal names one entry.
			id = uint64(time.Now().UnixMilli())
			for shelf.hasOn(kind, id) {
				id++
			}
			out.Target.Entry = int64(id)
		}
		about, ok := memoAbout(a.tx, book, kind, id)
		if !ok {
			return errorf(ErrNotFound, "no %s to write a memo on (%s)", t.Kind, describeTarget(t))
		}
		out.About = about
		what := string(t.Kind) + " " + about
		if kind == memoProjectByte {
			what = "the journal"
		}
		key := memoKey(kind, id, a.coder)
		old := shelf.get(key)
		if kind == memoProjectByte && t.Entry != 0 && old == nil {
			if owner, ok := shelf.firstOn(kind, id); ok {
				return errorf(ErrNotFound, "that journal entry is %s's: you may edit only your own", a.s.coderName(a.tx, owner))
			}
			return errorf(ErrNotFound, "no such journal entry")
		}
		if text == "" {
			if old == nil {
				return errorf(ErrNotFound, "you have no memo on %s", what)
			}
			a.desc = "delete memo on " + what
			if kind == memoProjectByte {
				a.desc = "delete journal entry"
			}
			return a.putMemo(key, nil)
		}
		now := time.Now().UnixMilli()
		rec := memoRecord{created: now, updated: now, text: text}
		if kind == memoProjectByte {
			// A new entry's id may be a millisecond or two ahead of now
			// (another entry had now): it is not updated before it was
			// written.
			rec.created = int64(id)
			rec.updated = max(rec.updated, rec.created)
		}
		if old != nil {
			prev, err := decodeMemo(old)
			if err != nil {
				return errorf(errCorrupt, "memo on %s does not read", what)
			}
			if prev.text == text {
				return nil
			}
			rec.created = prev.created
		}
		a.desc = "memo on " + what
		switch {
		case kind == memoProjectByte && old == nil:
			a.desc = "journal entry"
		case kind == memoProjectByte:
			a.desc = "edit journal entry"
		}
		return a.putMemo(key, rec.encode())
	})
	out.ActionResult = res
	return out, err
}

// describeTarget names a target by its numbers, for an error about one
// that does not exist.
func describeTarget(t MemoTarget) string {
	switch t.Kind {
	case MemoSegment:
		return fmt.Sprintf("segment %d", t.Segment)
	case MemoSource:
		return fmt.Sprintf("source %d", t.Source)
	case MemoCase:
		return fmt.Sprintf("case %d", t.Case)
	case MemoCode:
		return fmt.Sprintf("code %d", t.Code)
	}
	return fmt.Sprintf("entry %d", t.Entry)
}

// memoAbout names a memo's target as a user types it, and tells whether
// the target exists.
func memoAbout(tx *bolt.Tx, book *Codebook, kind byte, id uint64) (string, bool) {
	switch kind {
	case memoSegmentByte:
		return segmentLabel(tx, SegRef(id))
	case memoSourceByte:
		if !recs(tx).hasSource(SourceID(id)) {
			return "", false
		}
		if name := sourceName(tx, SourceID(id)); name != "" {
			return name, true
		}
		return fmt.Sprintf("source %d", id), true
	case memoCaseByte:
		r, ok, err := recs(tx).lookupCase(CaseID(id))
		if !ok {
			return "", false
		}
		if err != nil {
			return fmt.Sprintf("case %d", id), true
		}
		return CaseDisplay(r.name), true
	case memoCodeByte:
		if !recs(tx).hasCode(CodeID(id)) {
			return "", false
		}
		if c, ok := book.Code(CodeID(id)); ok {
			return c.Path, true
		}
		return fmt.Sprintf("code %d", id), true
	case memoProjectByte:
		return "journal", true
	}
	return "", false
}

// memoTargetExists tells whether the target of a targetmemos key is in the
// store (a journal entry's always is).
func memoTargetExists(tx *bolt.Tx, key []byte) bool {
	kind, id, _, ok := parseMemoKey(key)
	if !ok {
		return false
	}
	rs := recs(tx)
	switch kind {
	case memoSegmentByte:
		return rs.hasSegment(SegRef(id))
	case memoSourceByte:
		return rs.hasSource(SourceID(id))
	case memoCaseByte:
		return rs.hasCase(CaseID(id))
	case memoCodeByte:
		return rs.hasCode(CodeID(id))
	}
	return true
}

// segmentLabel is a segment's qualified ID (source:ID when another source
// has the same ID).
func segmentLabel(tx *bolt.Tx, ref SegRef) (string, bool) {
	rec, err := recs(tx).segment(ref)
	if err != nil {
		return "", false
	}
	if len(refsNamed(tx, rec.id)) > 1 {
		return sourceName(tx, rec.source) + ":" + rec.id, true
	}
	return rec.id, true
}

// sourceName reads a source's name.
func sourceName(tx *bolt.Tx, id SourceID) string {
	srcs, _ := readSources(tx)
	for _, src := range srcs {
		if src.ID == id {
			return src.Name
		}
	}
	return ""
}

// codingAbout names a coding as memo listings do: "CODE on SEGMENT".
func (s *Store) codingAbout(k CodingKey) string {
	var out string
	_ = s.view(func(tx *bolt.Tx) error {
		out = codingLabel(tx, s.Codebook(), k)
		return nil
	})
	return out
}

func codingLabel(tx *bolt.Tx, book *Codebook, k CodingKey) string {
	c, _ := book.Code(k.Code)
	seg, _ := segmentLabel(tx, k.Seg)
	label := c.Path + " on " + seg
	if !k.Span.Whole() {
		label += fmt.Sprintf(" (%d–%d)", k.Span.Start, k.Span.End)
	}
	return label
}

// MemoOn returns author's memo on a target, for editing it.
func (s *Store) MemoOn(author string, t MemoTarget) (Memo, bool, error) {
	var out Memo
	found := false
	err := s.view(func(tx *bolt.Tx) error {
		coder, ok := s.coderID(tx, author)
		if !ok {
			return nil
		}
		if t.Kind == MemoCoding {
			if t.Coding.Coder != coder {
				return nil
			}
			v := recs(tx).codings().memoBytes(t.Coding.internal())
			if v == nil {
				return nil
			}
			m, err := s.codingMemo(tx, s.Codebook(), t.Coding.internal(), v)
			out, found = m, true
			return err
		}
		kind, id, err := t.key()
		if err != nil {
			return err
		}
		key := memoKey(kind, id, coder)
		v := recs(tx).memos().get(key)
		if v == nil {
			return nil
		}
		l := newMemoLister(s, tx)
		m, ok, err := l.targetMemo(key, v)
		out, found = m, ok
		return err
	})
	return out, found, err
}

// MemoQuery selects memos. Zero fields select every memo.
type MemoQuery struct {
	Kinds []MemoKind // only these kinds (nil: every kind)
	// Code: only memos about this code or a sub-code: the code's memos,
	// memos on its codings, and memos on segments coded with it (by
	// anyone).
	Code string
	// Author: only memos this person wrote (a coding's memo is its
	// coder's).
	Author string
	// Source: only memos about this source: its memo, its segments' and
	// their codings', and the memos on cases that speak in it.
	Source string
	// Where keeps the memos about segments that meet every condition: a
	// segment's or a coding's memo on such a segment, a case's or a
	// source's that has one; journal entries and code memos stay.
	Where []AttrCondition
	// Coders, when not nil, are the coders whose codings a listing may
	// show (blind coding: only the coder's own): other coders' coding
	// memos are left out, and the code filter reads only their codings.
	Coders []string
}

// Memos lists the memos q selects: journal entries oldest first, then
// sources, cases, codes (in codebook order), segments and codings (in
// project order), each target's memos by author.
func (s *Store) Memos(q MemoQuery) ([]Memo, error) {
	if err := s.CheckWhere(q.Where); err != nil {
		return nil, err
	}
	var out []Memo
	err := s.view(func(tx *bolt.Tx) error {
		l := newMemoLister(s, tx)
		if err := l.filter(q); err != nil {
			return err
		}
		var err error
		out, err = l.list()
		return err
	})
	return out, err
}

// memoLister reads memos inside one transaction, with what the filters
// need.
type memoLister struct {
	s    *Store
	tx   *bolt.Tx
	book *Codebook

	kinds   map[MemoKind]bool // nil: every kind
	author  CoderID
	hasAuth bool
	codes   map[CodeID]bool // nil: no code filter
	source  SourceID
	hasSrc  bool
	coders  map[CoderID]bool // nil: every coder's codings show

	scope        refSet // with Where: the segments that meet it (nil: no filter)
	scopeSources map[SourceID]bool
	scopeCases   map[CaseID]bool

	sourceNames sourceNames
	entries     map[string]int // journal key → its number
}

func newMemoLister(s *Store, tx *bolt.Tx) *memoLister {
	l := &memoLister{s: s, tx: tx, book: s.Codebook(), sourceNames: newSourceNames(tx), entries: map[string]int{}}
	n := 0
	recs(tx).memos().eachOfKind(memoProjectByte, func(k []byte) bool {
		n++
		l.entries[string(k)] = n
		return true
	})
	return l
}

func (l *memoLister) filter(q MemoQuery) error {
	if len(q.Kinds) > 0 {
		l.kinds = map[MemoKind]bool{}
		for _, k := range q.Kinds {
			l.kinds[k] = true
		}
	}
	if q.Author != "" {
		id, ok := l.s.coderID(l.tx, q.Author)
		if !ok {
			return errorf(ErrNotFound, "nobody named %q has written in this project (authors: %s)", corpus.Excerpt(q.Author), listOrNone(l.s.authors(l.tx)))
		}
		l.author, l.hasAuth = id, true
	}
	if q.Code != "" {
		ids, err := l.book.Match(q.Code)
		if err != nil {
			return err
		}
		l.codes = map[CodeID]bool{}
		for _, id := range ids {
			l.codes[id] = true
		}
	}
	if len(q.Where) > 0 {
		scope, err := whereScope(l.tx, "", q.Where)
		if err != nil {
			return err
		}
		l.scope, l.scopeSources, l.scopeCases = scope, map[SourceID]bool{}, map[CaseID]bool{}
		rs := recs(l.tx)
		var bad error
		scope.each(func(ref SegRef) {
			rec, err := rs.segment(ref)
			if err != nil {
				bad = errorf(errCorrupt, "segment %d: %v", ref, err)
				return
			}
			l.scopeSources[rec.source] = true
			if rec.caseID != 0 {
				l.scopeCases[rec.caseID] = true
			}
		})
		if bad != nil {
			return bad
		}
	}
	if q.Coders != nil {
		l.coders = map[CoderID]bool{}
		for _, name := range q.Coders {
			if id, ok := l.s.coderID(l.tx, name); ok {
				l.coders[id] = true
			}
		}
	}
	if q.Source != "" {
		src, err := findSource(l.tx, q.Source)
		if err != nil {
			return err
		}
		l.source, l.hasSrc = src.ID, true
	}
	return nil
}

// authors lists everyone who has written a memo, in name order.
func (s *Store) authors(tx *bolt.Tx) []string {
	seen := map[CoderID]bool{}
	rs := recs(tx)
	_ = rs.memos().each(func(k, _ []byte) error {
		if _, _, a, ok := parseMemoKey(k); ok {
			seen[a] = true
		}
		return nil
	})
	_ = rs.codings().eachMemo(false, func(k codingKey, _ []byte) error {
		seen[k.Coder] = true
		return nil
	})
	var out []string
	for id := range seen {
		out = append(out, s.coderName(tx, id))
	}
	sort.Strings(out)
	return out
}

func (l *memoLister) wants(kind MemoKind) bool { return l.kinds == nil || l.kinds[kind] }

// list reads the memos the filters pass, in listing order.
func (l *memoLister) list() ([]Memo, error) {
	var out []Memo
	rs := recs(l.tx)
	err := rs.memos().each(func(k, v []byte) error {
		m, ok, err := l.targetMemo(k, v)
		if err != nil || !ok {
			return err
		}
		if l.keep(m) {
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if l.wants(MemoCoding) {
		err := rs.codings().eachMemo(true, func(key codingKey, v []byte) error {
			if l.hasAuth && key.Coder != l.author {
				return nil
			}
			if l.coders != nil && !l.coders[key.Coder] {
				return nil
			}
			if l.scope != nil && !l.scope.has(key.Seg) {
				return nil
			}
			if l.codes != nil && !l.codes[key.Code] {
				return nil
			}
			m, err := l.s.codingMemo(l.tx, l.book, key, v)
			if err != nil {
				return err
			}
			if l.hasSrc && m.Source != l.sourceNames[l.source] {
				return nil
			}
			out = append(out, m)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	l.sort(out)
	return out, nil
}

// keep applies the code and source filters to a memo stored in
// targetmemos.
func (l *memoLister) keep(m Memo) bool {
	t := m.Target
	if l.scope != nil {
		switch t.Kind {
		case MemoSegment:
			if !l.scope.has(t.Segment) {
				return false
			}
		case MemoSource:
			if !l.scopeSources[t.Source] {
				return false
			}
		case MemoCase:
			if !l.scopeCases[t.Case] {
				return false
			}
		}
	}
	if l.codes != nil {
		switch t.Kind {
		case MemoCode:
			if !l.codes[t.Code] {
				return false
			}
		case MemoSegment:
			if !l.codedWith(t.Segment) {
				return false
			}
		default:
			return false
		}
	}
	if l.hasSrc {
		switch t.Kind {
		case MemoSource:
			return t.Source == l.source
		case MemoSegment:
			return m.Source == l.sourceNames[l.source]
		case MemoCase:
			return l.caseSpeaksIn(t.Case, l.source)
		default:
			return false
		}
	}
	return true
}

// codedWith tells whether anyone (of the coders shown) coded a segment
// with one of the code filter's codes: a look at the segment's few codings, so that the filter
// costs what the memos do, not what the code's codings do.
func (l *memoLister) codedWith(seg SegRef) bool {
	c := recs(l.tx).codings().cursor()
	for row, _ := c.seek(seg); c.holds(row); row, _ = c.next() {
		if !row.wellFormed() {
			continue
		}
		if ck := row.key(); l.codes[ck.Code] && (l.coders == nil || l.coders[ck.Coder]) {
			return true
		}
	}
	return false
}

// caseSpeaksIn tells whether a case has a segment in a source.
func (l *memoLister) caseSpeaksIn(id CaseID, src SourceID) bool {
	rs := recs(l.tx)
	found := false
	rs.eachSegmentOfCase(id, func(ref SegRef) bool {
		rec, err := rs.segment(ref)
		found = err == nil && rec.source == src
		return !found
	})
	return found
}

// targetMemo reads a memo of targetmemos; false when its kind is filtered
// out or its author is not the one asked for.
func (l *memoLister) targetMemo(k, v []byte) (Memo, bool, error) {
	kind, id, author, ok := parseMemoKey(k)
	if !ok {
		return Memo{}, false, errorf(errCorrupt, "a memo's key %x does not read", short(k))
	}
	t := targetOf(kind, id)
	if !l.wants(t.Kind) || (l.hasAuth && author != l.author) {
		return Memo{}, false, nil
	}
	rec, err := decodeMemo(v)
	if err != nil {
		return Memo{}, false, errorf(errCorrupt, "a memo (%x) does not read", short(k))
	}
	m := Memo{Target: t, Author: l.s.coderName(l.tx, author), Text: rec.text,
		Created: time.UnixMilli(rec.created), Updated: time.UnixMilli(rec.updated)}
	about, _ := memoAbout(l.tx, l.book, kind, id)
	m.About = about
	switch kind {
	case memoSegmentByte:
		m.Jump = t.Segment
		if rec, err := recs(l.tx).segment(SegRef(id)); err == nil {
			m.Source = l.sourceNames[rec.source]
		}
	case memoSourceByte:
		m.Source = about
		m.Jump = recs(l.tx).firstOfSource(SourceID(id))
	case memoCaseByte:
		m.Case = about
		m.Jump = recs(l.tx).firstOfCase(CaseID(id))
	case memoCodeByte:
		m.Code = about
		m.Jump = l.firstCoded(CodeID(id))
	case memoProjectByte:
		m.Entry = l.entries[string(k)]
		m.About = fmt.Sprintf("journal #%d", m.Entry)
	}
	if m.Jump != 0 {
		m.JumpID, _ = segmentLabel(l.tx, m.Jump)
	}
	return m, true, nil
}

// firstCoded is the first segment coded with a code or one of its
// sub-codes, by anyone.
func (l *memoLister) firstCoded(code CodeID) SegRef {
	var first SegRef
	c := recs(l.tx).byCode()
	for _, id := range l.book.Subtree(code) {
		if k := c.seek(id); c.holds(k) {
			if seg := k.seg(); first == 0 || seg < first {
				first = seg
			}
		}
	}
	return first
}

// codingMemo is a coding's memo as a listing shows it; its times are the
// coding's.
func (s *Store) codingMemo(tx *bolt.Tx, book *Codebook, key codingKey, memo []byte) (Memo, error) {
	rs := recs(tx)
	t, _ := rs.codings().stamp(key)
	c, _ := book.Code(key.Code)
	m := Memo{Target: MemoTarget{Kind: MemoCoding, Coding: CodingKey(key)}, Author: s.coderName(tx, key.Coder),
		Text: string(memo), Created: time.UnixMilli(t), Updated: time.UnixMilli(t),
		About: codingLabel(tx, book, CodingKey(key)), Jump: key.Seg, Code: c.Path}
	m.JumpID, _ = segmentLabel(tx, key.Seg)
	if rec, err := rs.segment(key.Seg); err == nil {
		m.Source = sourceName(tx, rec.source)
	}
	return m, nil
}

// sort orders memos for a listing: by kind, then by target (journal
// entries by time, sources and cases by name, codes in codebook order,
// segments in project order), then by author.
func (l *memoLister) sort(list []Memo) {
	rank := map[MemoKind]int{}
	for i, k := range MemoKinds {
		rank[k] = i
	}
	order := map[CodeID]int{}
	for i, c := range l.book.Codes() {
		order[c.ID] = i
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Target.Kind != b.Target.Kind {
			return rank[a.Target.Kind] < rank[b.Target.Kind]
		}
		switch a.Target.Kind {
		case MemoProject:
			if a.Target.Entry != b.Target.Entry {
				return a.Target.Entry < b.Target.Entry
			}
		case MemoSource, MemoCase:
			if a.About != b.About {
				return a.About < b.About
			}
		case MemoCode:
			if a.Target.Code != b.Target.Code {
				return order[a.Target.Code] < order[b.Target.Code]
			}
		case MemoSegment:
			if a.Target.Segment != b.Target.Segment {
				return a.Target.Segment < b.Target.Segment
			}
		case MemoCoding:
			x, y := a.Target.Coding, b.Target.Coding
			if x.Seg != y.Seg {
				return x.Seg < y.Seg
			}
			if x.Code != y.Code {
				return order[x.Code] < order[y.Code]
			}
			if x.Span != y.Span {
				return x.Span.Start < y.Span.Start || x.Span.Start == y.Span.Start && x.Span.End < y.Span.End
			}
		}
		return a.Author < b.Author
	})
}

// FindMemoTarget resolves what a user typed to a memo's target: a
// segment's ID (source:ID where IDs clash), a source's name, a case's name
// (fg2:P1 for a speaker), a code's path, or a journal entry's number (""
// for a new entry).
func (s *Store) FindMemoTarget(kind MemoKind, name string) (MemoTarget, error) {
	t := MemoTarget{Kind: kind}
	err := s.view(func(tx *bolt.Tx) error {
		switch kind {
		case MemoSegment:
			ref, err := resolveSegment(tx, newSourceNames(tx), name)
			t.Segment = ref
			return err
		case MemoSource:
			src, err := findSource(tx, name)
			t.Source = src.ID
			return err
		case MemoCase:
			id, err := findCase(tx, name)
			t.Case = id
			return err
		case MemoCode:
			c, ok := s.Codebook().Lookup(name)
			if !ok {
				return errorf(ErrNotFound, "no code %q", corpus.Excerpt(name))
			}
			t.Code = c.ID
			return nil
		case MemoProject:
			if strings.TrimSpace(name) == "" {
				return nil
			}
			n := 0
			if _, err := fmt.Sscan(strings.TrimPrefix(strings.TrimSpace(name), "#"), &n); err != nil || n < 1 {
				return errorf(ErrInvalidInput, "journal entry %q: give its number (qcode memos --kind project lists them)", corpus.Excerpt(name))
			}
			i := 0
			recs(tx).memos().eachOfKind(memoProjectByte, func(k []byte) bool {
				if i++; i == n {
					_, id, _, _ := parseMemoKey(k)
					t.Entry = int64(id)
				}
				return i < n
			})
			if i == n {
				return nil
			}
			return errorf(ErrNotFound, "no journal entry #%d (the journal has %d)", n, i)
		}
		return errorf(ErrInvalidInput, "no memo kind %q", kind)
	})
	return t, err
}

// Memo bookkeeping inside actions: a target that goes (a code deleted, a
// case joined to another, a source replaced) takes its memos along or
// hands them on, journaled, so that no memo is lost or left on nothing.

// deleteMemos removes every memo on a target, journaled; it returns how
// many went.
func (a *action) deleteMemos(kind byte, id uint64) (int, error) {
	list := memosOn(a.tx, kind, id)
	for _, m := range list {
		if err := a.putMemo(memoKey(kind, id, m.author), nil); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

// moveMemos hands every memo on target from to target to (of one kind),
// joined with the same author's memo there; it returns how many moved.
func (a *action) moveMemos(kind byte, from, to uint64) (int, error) {
	list := memosOn(a.tx, kind, from)
	for _, m := range list {
		if err := a.putMemo(memoKey(kind, from, m.author), nil); err != nil {
			return 0, err
		}
		if err := a.joinMemo(memoKey(kind, to, m.author), m.value); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

// joinMemo puts a memo value at key, joined with the one there: neither
// text is lost. It tells whether both texts had to be kept side by side.
func (a *action) joinMemo(key, value []byte) error {
	_, _, err := a.joinMemoCounted(key, value)
	return err
}

// joinMemoCounted is joinMemo saying whether the memo here changed and
// whether both texts had to be kept.
func (a *action) joinMemoCounted(key, value []byte) (changed, joined bool, err error) {
	in, err := decodeMemo(value)
	if err != nil {
		return false, false, errorf(errCorrupt, "a memo (%x) does not read", short(key))
	}
	old := recs(a.tx).memos().get(key)
	if old == nil {
		return true, false, a.putMemo(key, value)
	}
	here, err := decodeMemo(old)
	if err != nil {
		return false, false, errorf(errCorrupt, "a memo (%x) does not read", short(key))
	}
	text, joined := joinMemoText(here.text, in.text)
	if text == here.text {
		return false, false, nil
	}
	out := memoRecord{created: min(here.created, in.created), updated: max(here.updated, in.updated), text: text}
	return true, joined, a.putMemo(key, out.encode())
}

// joinMemoText combines two texts of one author's memo on one target:
// one that holds the other is kept (an edit that only added to it);
// otherwise both are kept, the other after a blank line.
func joinMemoText(here, in string) (string, bool) {
	switch {
	case here == "":
		return in, false
	case in == "" || strings.Contains(here, in):
		return here, false
	case strings.Contains(in, here):
		return in, false
	}
	return here + "\n\n" + in, true
}

// liftedMemos are the memos on a replaced source and its segments, held
// while the new import is written (by segment ID).
type liftedMemos struct {
	source   []memoEntry
	segments map[string][]memoEntry
	order    []string // segment IDs in the old import's order
}

// liftMemos takes the memos off a source about to be replaced and off its
// segments, journaled.
func (a *action) liftMemos(id SourceID, refs []SegRef) (*liftedMemos, error) {
	out := &liftedMemos{segments: map[string][]memoEntry{}}
	shelf := recs(a.tx).memos()
	if shelf.b == nil {
		return out, nil
	}
	out.source = memosOn(a.tx, memoSourceByte, uint64(id))
	if _, err := a.deleteMemos(memoSourceByte, uint64(id)); err != nil {
		return nil, err
	}
	if !shelf.hasKind(memoSegmentByte) {
		return out, nil
	}
	for _, ref := range refs {
		list := memosOn(a.tx, memoSegmentByte, uint64(ref))
		if len(list) == 0 {
			continue
		}
		rec, err := recs(a.tx).segment(ref)
		if err != nil {
			return nil, err
		}
		out.segments[rec.id] = list
		out.order = append(out.order, rec.id)
		if _, err := a.deleteMemos(memoSegmentByte, uint64(ref)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// restoreMemos puts lifted memos back on the new import: on the segment of
// the same ID, and on the new source. A memo whose segment is gone joins
// its author's memo on the source, headed with the segment's ID, so that
// nothing written is lost.
func (a *action) restoreMemos(l *liftedMemos, src *corpus.Source, refs []SegRef, id SourceID) error {
	if l == nil {
		return nil
	}
	byID := make(map[string]SegRef, len(refs))
	for i, seg := range src.Segments {
		byID[seg.ID] = refs[i]
	}
	for _, m := range l.source {
		if err := a.joinMemo(memoKey(memoSourceByte, uint64(id), m.author), m.value); err != nil {
			return err
		}
	}
	moved := 0
	for _, segID := range l.order {
		ref, ok := byID[segID]
		for _, m := range l.segments[segID] {
			if ok {
				if err := a.putMemo(memoKey(memoSegmentByte, uint64(ref), m.author), m.value); err != nil {
					return err
				}
				continue
			}
			rec, err := decodeMemo(m.value)
			if err != nil {
				return errorf(errCorrupt, "a memo on segment %s does not read", corpus.Excerpt(segID))
			}
			rec.text = fmt.Sprintf("On %s (not in the new file): %s", segID, rec.text)
			if err := a.joinMemo(memoKey(memoSourceByte, uint64(id), m.author), rec.encode()); err != nil {
				return err
			}
			moved++
		}
	}
	if moved > 0 {
		a.notes = append(a.notes, fmt.Sprintf("%s on segments no longer in the file moved to the source's memo", plural(moved, "memo")))
	}
	return nil
}

// segmentMemos counts (up to limit) the segments among refs that have a
// memo.
func segmentMemos(tx *bolt.Tx, refs []uint64, limit int) int {
	shelf := recs(tx).memos()
	if !shelf.hasKind(memoSegmentByte) {
		return 0
	}
	n := 0
	for _, ref := range refs {
		if shelf.hasOn(memoSegmentByte, ref) {
			if n++; n == limit {
				break
			}
		}
	}
	return n
}
