package coding

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"sync/atomic"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// CheckReport says what CheckFile verified and what it found wrong.
type CheckReport struct {
	Path     string
	Checked  []string  // what was verified, with counts ("1,204 pages", "5,000 codings")
	Problems []Problem // by kind, in the order found; empty when the file is sound
}

// OK tells whether the check found nothing wrong.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// Problem is one kind of damage: the bucket or structure it is in, the
// first few instances, and how many there are.
type Problem struct {
	Kind     string // "meta", "pages", "keys", "bbolt", or a bucket name
	Count    int
	Examples []string
}

// findings collects problems, keeping the first few of each kind.
type findings struct {
	order []string
	kinds map[string]*Problem
	stop  *atomic.Bool // when set, a page walk gives up early
}

const examplesPerKind = 5

func (f *findings) add(kind, format string, args ...any) {
	if f.kinds == nil {
		f.kinds = map[string]*Problem{}
	}
	p := f.kinds[kind]
	if p == nil {
		p = &Problem{Kind: kind}
		f.kinds[kind] = p
		f.order = append(f.order, kind)
	}
	p.Count++
	if len(p.Examples) < examplesPerKind {
		p.Examples = append(p.Examples, fmt.Sprintf(format, args...))
	}
}

func (f *findings) ok() bool { return len(f.order) == 0 }

func (f *findings) stopped() bool { return f.stop != nil && f.stop.Load() }

// first names the first problem found, and how many more there are.
func (f *findings) first() string {
	if f.ok() {
		return ""
	}
	p := f.kinds[f.order[0]]
	n := 0
	for _, k := range f.order {
		n += f.kinds[k].Count
	}
	msg := p.Kind + ": " + p.Examples[0]
	if n > 1 {
		msg += fmt.Sprintf(" (and %s more)", plural(n-1, "problem"))
	}
	return msg
}

func (f *findings) problems() []Problem {
	out := make([]Problem, len(f.order))
	for i, k := range f.order {
		out[i] = *f.kinds[k]
	}
	return out
}

// CheckFile verifies a project file without changing it (read-only, with
// bbolt's shared lock): the meta pages and the file's size, every page of
// the tree (walkPages), bbolt's own consistency check (tx.Check), that it
// is a qcode project with every bucket, every record decodes, every index
// and tally agrees with the records, and the journal and undo stacks are
// whole. A file that is not a qcode project, or is locked by a writer, is
// an error; damage is reported, not an error.
func CheckFile(path string) (rep CheckReport, err error) {
	rep.Path = path
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return rep, fmt.Errorf("%s: %w", path, ErrNoProject)
	}
	if err != nil {
		return rep, err
	}
	if !st.Mode().IsRegular() {
		return rep, fmt.Errorf("%s: is not a regular file, %w", path, ErrNotProject)
	}
	f, err := os.Open(path)
	if err != nil {
		return rep, err
	}
	defer f.Close()
	if err := lockShared(f, openTimeout); err != nil {
		return rep, fmt.Errorf("%s: %w%s", path, ErrLocked, holderPID(path))
	}
	found := &findings{}
	defer func() { rep.Problems = found.problems() }()
	head, err := readHead(f)
	switch {
	case errors.Is(err, ErrDamaged):
		found.add("file", "%v", err)
		return rep, nil
	case err != nil:
		return rep, fmt.Errorf("%s: %w", path, err)
	}
	// A meta page torn by the commit of the action kept in FILE.wal is no
	// problem when that record is pending against the other meta page's
	// state (the next writable open replays it, which rewrites the page):
	// checkWAL confirms it, else the page is reported as any bad meta page.
	torn := tornCommit(head, path+".wal")
	tornOK := false
	if torn != nil {
		head.metaErrs = nil
		defer func() {
			if !tornOK {
				found.add("meta", "%s", torn.err)
			}
		}()
	}
	var pages, buckets int
	err = guarded(path, func() error {
		pages, _, buckets = walkPages(f, head, found)
		return nil
	})
	if err != nil {
		found.add("pages", "%v", err)
	}
	rep.Checked = append(rep.Checked, fmt.Sprintf("%s pages of %d bytes, %s buckets", count(pages), head.pageSize, count(buckets)))
	if !found.ok() {
		return rep, nil // bbolt must not read pages that are not sound
	}
	s := &Store{path: path, readOnly: "checking", walked: make(chan struct{})}
	close(s.walked)
	if err := guarded(path, func() (err error) {
		s.db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: openTimeout})
		return err
	}); err != nil {
		return rep, fmt.Errorf("open %s: %w", path, err)
	}
	defer s.db.Close()
	version, err := s.identify()
	switch {
	case errors.Is(err, ErrDamaged):
		var de *damagedError
		errors.As(err, &de)
		found.add("buckets", "%v", de.err)
		return rep, nil
	case err != nil:
		return rep, err
	case torn != nil && version != SchemaVersion:
		return rep, nil // a writable open refuses the torn page (no migration before the replay): it is the problem
	case version > SchemaVersion:
		return rep, fmt.Errorf("%s: %w (schema %d; this qcode reads up to %d): upgrade qcode", path, ErrNewerSchema, version, SchemaVersion)
	case version < SchemaVersion:
		return rep, fmt.Errorf("%s uses an older schema (%d): open it once for writing to upgrade it, then check it", path, version)
	}
	err = s.view(func(tx *bolt.Tx) error {
		// bbolt's own check reads both meta pages as pages and panics on a
		// torn one; with one, the page walk above is the check of the tree.
		if torn == nil {
			for e := range tx.Check() {
				found.add("bbolt", "%v", e)
			}
		}
		if !found.ok() {
			return nil
		}
		c := &recordCheck{tx: tx, found: found}
		c.run()
		rep.Checked = append(rep.Checked, c.summary()...)
		tornOK = checkWAL(tx, path, found, &rep, torn)
		return nil
	})
	if err != nil {
		found.add("pages", "%v", err)
	}
	return rep, nil
}

// checkWAL reads a write-ahead file beside the project, if any, and says
// how it stands: an action kept there, not yet in the file, is no problem
// (the next writable open applies it); one that does not follow the file
// is. A torn meta page (torn, or nil) is accounted for when the record is
// pending against the state bbolt read (the other meta page's).
func checkWAL(tx *bolt.Tx, path string, found *findings, rep *CheckReport, torn *tornMeta) (tornOK bool) {
	var id string
	if v := tx.Bucket(bktMeta).Get([]byte("project_id")); v != nil {
		id = string(v)
	}
	w, err := readWAL(path+".wal", id)
	switch {
	case err != nil:
		found.add("wal", "%v", err)
		return false
	case w == nil:
		return false
	case w.rec == nil:
		rep.Checked = append(rep.Checked, path+".wal holds no action (a write that never finished; the next writable open removes it)")
		return false
	}
	pending, err := walState(tx, path, w)
	switch {
	case err != nil:
		found.add("wal", "%v", err)
	case pending:
		rep.Checked = append(rep.Checked, fmt.Sprintf("1 action kept in %s.wal, not yet in the file (a qcode stopped before writing it; the next writable open applies it)", path))
		if torn != nil && uint64(tx.ID()) == torn.txid {
			rep.Checked = append(rep.Checked, fmt.Sprintf("bbolt's meta page %d is torn (the commit of that action was cut off): the file is read from the other one, and the next writable open applies the action and rewrites the page", torn.page))
			return true
		}
	default:
		rep.Checked = append(rep.Checked, path+".wal holds an action the file has (the next writable open removes it)")
	}
	return false
}

// count writes n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// recordCheck verifies qcode's records inside one read transaction. Indexes
// whose order follows the records' are checked by walking both side by side
// (indexJoin); the others by lookups both ways.
type recordCheck struct {
	tx    *bolt.Tx
	found *findings

	book    *Codebook
	coders  map[CoderID]bool
	sources map[SourceID]string // hash
	runs    map[SourceID]*sourceRun
	cases   map[CaseID]bool
	strs    map[uint64]bool
	journal map[uint64]CoderID

	nSegments, nCodings, nMemos, nJournal int
	nMarks, nSamples                      int
}

func (c *recordCheck) summary() []string {
	return []string{
		fmt.Sprintf("%s sources, %s segments, %s cases, %s codes, %s coders, %s codings, %s memos, %s review marks, %s samples, %s journal entries",
			count(len(c.sources)), count(c.nSegments), count(len(c.cases)), count(c.book.Len()), count(len(c.coders)),
			count(c.nCodings), count(c.nMemos), count(c.nMarks), count(c.nSamples), count(c.nJournal)),
		"every record reads; indexes (bycode, bycoder, memos, segname, bycase, texts, casename, strix, sourcehash, codername, bymarker), the sources' runs of segments, tallies, journal and undo stacks agree with the records",
	}
}

func (c *recordCheck) add(kind, format string, args ...any) { c.found.add(kind, format, args...) }

func (c *recordCheck) run() {
	c.checkCodebook()
	c.checkCoders()
	c.checkStrings()
	c.checkSources()
	c.checkCases()
	c.checkSegments()
	c.checkCodings()
	c.checkMarks()
	c.checkTargetMemos()
	c.checkSamples()
	c.checkSettled()
	c.checkJournal()
}

// checkMarks reads every review mark: its segment and coder exist, its
// value is a time, and bymarker holds it (and nothing else).
func (c *recordCheck) checkMarks() {
	b := c.bucket(bktMarks)
	if b == nil {
		return
	}
	index := newIndexJoin(c, bktByMarker, 4)
	segs := c.bucket(bktSegments)
	b.ForEach(func(k, v []byte) error {
		c.nMarks++
		if len(k) != markKeyLen {
			c.add("marks", "key %x: want segment(8) and coder(4)", short(k))
			return nil
		}
		seg, coder := parseMarkKey(k)
		if len(v) != 8 {
			c.add("marks", "mark of segment %d, coder %d: value %x, want a time of 8 bytes", seg, coder, short(v))
		}
		if segs.Get(k[:8]) == nil {
			c.add("marks", "mark of segment %d, coder %d: the segment does not exist", seg, coder)
		}
		if !c.coders[coder] {
			c.add("marks", "mark of segment %d, coder %d: the coder does not exist", seg, coder)
		}
		if e := index.expect(byMarkerKey(coder, seg)); e != nil && len(e) != 0 {
			c.add("bymarker", "mark of segment %d, coder %d: index value %x, want none", seg, coder, short(e))
		}
		return nil
	})
	index.finish()
}

// checkTargetMemos reads every memo on a segment, source, case, code or
// the project: its key names a known kind, its target and author exist,
// and its value reads (times and a non-empty UTF-8 text).
func (c *recordCheck) checkTargetMemos() {
	b := c.bucket(bktTargetMemos)
	if b == nil {
		return
	}
	b.ForEach(func(k, v []byte) error {
		c.nMemos++
		kind, id, author, ok := parseMemoKey(k)
		if !ok {
			c.add("targetmemos", "key %x: want kind(1), target(8) and author(4)", short(k))
			return nil
		}
		what := fmt.Sprintf("memo on %s %d by coder %d", memoKindOf[kind], id, author)
		if kind == memoProjectByte {
			what = fmt.Sprintf("journal entry %d by coder %d", id, author)
		}
		if !memoTargetExists(c.tx, k) {
			c.add("targetmemos", "%s: the %s does not exist", what, memoKindOf[kind])
		}
		if !c.coders[author] {
			c.add("targetmemos", "%s: the author does not exist", what)
		}
		if _, err := decodeMemo(v); err != nil {
			c.add("targetmemos", "%s: the value %x does not read", what, short(v))
		}
		return nil
	})
}

// checkSamples reads every sample: it decodes and its segments exist.
func (c *recordCheck) checkSamples() {
	b := c.bucket(bktSamples)
	if b == nil {
		return
	}
	segs := c.bucket(bktSegments)
	b.ForEach(func(k, v []byte) error {
		c.nSamples++
		_, refs, err := decodeSample(v)
		if err != nil {
			c.add("samples", "sample %q does not read", short(k))
			return nil
		}
		for _, r := range refs {
			if segs.Get(u64(uint64(r))) == nil {
				c.add("samples", "sample %q: segment %d does not exist", short(k), r)
				break
			}
		}
		return nil
	})
}

// checkSettled reads the decisions of the settled bucket (made on first
// use, so it may be absent).
func (c *recordCheck) checkSettled() {
	b := c.bucket(bktSettled)
	if b == nil {
		return
	}
	b.ForEach(func(k, v []byte) error {
		var r settlementRecord
		if len(k) != 12 || json.Unmarshal(v, &r) != nil {
			c.add("settled", "decision %x does not read", short(k))
		}
		return nil
	})
}

func (c *recordCheck) bucket(name []byte) *bolt.Bucket { return c.tx.Bucket(name) }

func (c *recordCheck) checkCodebook() {
	book, err := readCodebook(c.tx)
	if err != nil {
		c.add("codes", "%v", err)
		book, _ = newCodebook(nil)
	}
	c.book = book
	c.bucket(bktCodes).ForEach(func(k, v []byte) error {
		if len(k) != 8 || getU64(k) == 0 || getU64(k) > 1<<32-1 {
			c.add("codes", "key %x: want a code number of 8 bytes", short(k))
		}
		return nil
	})
}

func (c *recordCheck) checkCoders() {
	c.coders = map[CoderID]bool{}
	names := c.bucket(bktCoderName)
	c.bucket(bktCoders).ForEach(func(k, v []byte) error {
		if len(k) != 8 || getU64(k) == 0 || getU64(k) > 1<<32-1 {
			c.add("coders", "key %x: want a coder number of 8 bytes", short(k))
			return nil
		}
		c.coders[CoderID(getU64(k))] = true
		if got := names.Get(v); !bytes.Equal(got, k) {
			c.add("codername", "coder %d %q: expected %x, found %x", getU64(k), short(v), k, got)
		}
		return nil
	})
	names.ForEach(func(k, v []byte) error {
		if len(v) != 8 || !bytes.Equal(c.bucket(bktCoders).Get(v), k) {
			c.add("codername", "name %q → %x: no coder of that name", short(k), v)
		}
		return nil
	})
}

func (c *recordCheck) checkStrings() {
	c.strs = map[uint64]bool{}
	ix := c.bucket(bktStrIx)
	c.bucket(bktStrs).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			c.add("strs", "key %x: want 8 bytes", short(k))
			return nil
		}
		c.strs[getU64(k)] = true
		if got := ix.Get(v); !bytes.Equal(got, k) {
			c.add("strix", "string %d %q: expected %x, found %x", getU64(k), short(v), k, got)
		}
		return nil
	})
	ix.ForEach(func(k, v []byte) error {
		if len(v) != 8 || !bytes.Equal(c.bucket(bktStrs).Get(v), k) {
			c.add("strix", "string %q → %x: no such string in strs", short(k), v)
		}
		return nil
	})
}

func (c *recordCheck) checkSources() {
	c.sources = map[SourceID]string{}
	c.runs = map[SourceID]*sourceRun{}
	hashes := c.bucket(bktSourceHash)
	c.bucket(bktSources).ForEach(func(k, v []byte) error {
		var r sourceRecord
		if len(k) != 8 || json.Unmarshal(v, &r) != nil {
			c.add("sources", "source %x does not read", short(k))
			return nil
		}
		c.sources[SourceID(getU64(k))] = r.Hash
		c.runs[SourceID(getU64(k))] = newSourceRun(&r)
		if r.Refs != nil && (len(r.Refs) != r.Segments || !strictlyRising(r.Refs)) {
			c.add("sources", "source %d lists %d segments (refs), not %d in rising order", getU64(k), len(r.Refs), r.Segments)
		}
		src := r.source(SourceID(getU64(k)))
		prompts := 0
		if err := src.decodeContext(); err != nil {
			c.add("sources", "source %d: its context (the transcript's prompts) does not read", getU64(k))
		}
		for _, it := range src.Context {
			if it.Kind == corpus.ContextPrompt {
				prompts++
			}
		}
		if prompts != r.Prompts {
			c.add("sources", "source %d counts %d prompts, its context holds %d", getU64(k), r.Prompts, prompts)
		}
		if r.Hash != "" {
			if got := hashes.Get([]byte(r.Hash)); !bytes.Equal(got, k) {
				c.add("sourcehash", "source %d (hash %s): expected %x, found %x", getU64(k), r.Hash, k, got)
			}
		}
		return nil
	})
	hashes.ForEach(func(k, v []byte) error {
		if len(v) != 8 || c.sources[SourceID(getU64(v))] != string(k) {
			c.add("sourcehash", "hash %s → %x: no source with that hash", short(k), v)
		}
		return nil
	})
}

func (c *recordCheck) checkCases() {
	c.cases = map[CaseID]bool{}
	names := c.bucket(bktCaseName)
	c.bucket(bktCases).ForEach(func(k, v []byte) error {
		r, err := decodeCase(v)
		if len(k) != 8 || err != nil {
			c.add("cases", "case %x does not read", short(k))
			return nil
		}
		c.cases[CaseID(getU64(k))] = true
		c.checkPairs("cases", caseName(getU64(k)), r.attrs)
		if got := names.Get([]byte(r.name)); !bytes.Equal(got, k) {
			c.add("casename", "case %d %q: expected %x, found %x", getU64(k), short([]byte(r.name)), k, got)
		}
		return nil
	})
	names.ForEach(func(k, v []byte) error {
		if len(v) != 8 || !c.cases[CaseID(getU64(v))] {
			c.add("casename", "name %q → %x: no such case", short(k), v)
			return nil
		}
		if r, _ := decodeCase(c.bucket(bktCases).Get(v)); r.name != string(k) {
			c.add("casename", "name %q → case %d, named %q", short(k), getU64(v), short([]byte(r.name)))
		}
		return nil
	})
}

func (c *recordCheck) checkPairs(kind string, what fmt.Stringer, pairs []strPair) {
	for _, p := range pairs {
		if !c.strs[p.name] || !c.strs[p.value] {
			c.add(kind, "%s: attribute (%d, %d) names a string not in strs", what, p.name, p.value)
		}
	}
}

func (c *recordCheck) checkSegments() {
	texts := newTextsJoin(c)
	byCase := newCaseRunsJoin(c)
	names := map[SourceID]*nameRunBuilder{}
	c.bucket(bktSegments).ForEach(func(k, v []byte) error {
		c.nSegments++
		r, err := decodeSegment(v)
		if len(k) != 8 || err != nil {
			c.add("segments", "segment %x does not read", short(k))
			return nil
		}
		ref := getU64(k)
		what := segmentName{ref, r.id}
		if run, ok := c.runs[r.source]; !ok {
			c.add("segments", "%s: source %d does not exist", what, r.source)
		} else if !run.holds(SegRef(ref)) {
			c.add("sources", "%s: source %d's run of segments does not hold it", what, r.source)
		}
		if r.caseID != 0 && !c.cases[r.caseID] {
			c.add("segments", "%s: case %d does not exist", what, r.caseID)
		}
		c.checkPairs("segments", what, r.attrs)
		if text := texts.text(SegRef(ref), r.source); text == nil || !utf8.Valid(text) {
			c.add("texts", "%s: text missing or not UTF-8", what)
		}
		if r.caseID != 0 {
			byCase.expect(r.caseID, SegRef(ref))
		}
		b := names[r.source]
		if b == nil {
			b = &nameRunBuilder{}
			names[r.source] = b
		}
		b.add(r.id, SegRef(ref))
		return nil
	})
	texts.finish()
	byCase.finish()
	for id, run := range c.runs {
		if run.seen != run.segments {
			c.add("sources", "source %d says it has %d segments, %d segments say they are its", id, run.segments, run.seen)
		}
	}
	c.checkNames(names)
}

// checkNames holds the segname index to what each source's segments make
// of it (runs of numbered IDs, other IDs one by one: records_segnames.go).
func (c *recordCheck) checkNames(names map[SourceID]*nameRunBuilder) {
	var want []rec
	for _, b := range names {
		b.end()
		want = append(want, b.recs...)
	}
	slices.SortFunc(want, func(x, y rec) int { return bytes.Compare(x.key, y.key) })
	cur := c.bucket(bktSegName).Cursor()
	k, v := cur.First()
	for len(want) > 0 || k != nil {
		switch {
		case k == nil || (len(want) > 0 && bytes.Compare(want[0].key, k) < 0):
			c.add("segname", "%s: expected key %x, found none", nameEntry(want[0].key), short(want[0].key))
			want = want[1:]
		case len(want) == 0 || bytes.Compare(k, want[0].key) < 0:
			c.add("segname", "%s: no segment with that ID", nameEntry(k))
			k, v = cur.Next()
		default:
			if !bytes.Equal(v, want[0].value) {
				c.add("segname", "%s: holds %x, want %x", nameEntry(k), short(v), short(want[0].value))
			}
			want = want[1:]
			k, v = cur.Next()
		}
	}
}

// nameEntry names a segname key in a finding.
func nameEntry(k []byte) string {
	i := bytes.IndexByte(k, 0)
	switch {
	case i >= 0 && len(k) == i+9:
		return fmt.Sprintf("%q → segment %d", short(k[:i]), getU64(k[i+1:]))
	case i >= 0 && len(k) == i+19 && k[i+1] == 0xFF:
		return fmt.Sprintf("run %q from %d (%d digits) → segment %d", short(k[:i]), getU64(k[i+3:]), k[i+2], getU64(k[i+11:]))
	}
	return fmt.Sprintf("key %x", short(k))
}

func (c *recordCheck) checkCodings() {
	byCode := newIndexJoin(c, bktByCode, 4)
	byCoder := newIndexJoin(c, bktByCoder, 4)
	memos := newIndexJoin(c, bktMemos, 0)
	segs := c.bucket(bktSegments).Cursor()
	segKey, _ := segs.First()
	type tally struct{ codings, segments int64 }
	want := map[[8]byte]*tally{}
	var last []byte
	c.bucket(bktCodings).ForEach(func(k, v []byte) error {
		c.nCodings++
		if len(k) != codingKeyLen {
			c.add("codings", "key %x: want %d bytes", short(k), codingKeyLen)
			return nil
		}
		key := parseCodingKey(k)
		what := codingName(key)
		if len(v) != 9 || v[8]&^flagStarred != 0 {
			c.add("codings", "%s: value %x, want time(8) and flags(1)", what, short(v))
		}
		if _, ok := c.book.byID[key.Code]; !ok {
			c.add("codings", "%s: code %d is not in the codebook", what, key.Code)
		}
		if !c.coders[key.Coder] {
			c.add("codings", "%s: coder %d does not exist", what, key.Coder)
		}
		for segKey != nil && bytes.Compare(segKey, k[:8]) < 0 {
			segKey, _ = segs.Next()
		}
		if !bytes.Equal(segKey, k[:8]) {
			c.add("codings", "%s: segment %d does not exist", what, key.Seg)
		}
		byCode.expect(key.byCode())
		byCoder.expect(key.byCoder())
		if m := memos.peek(k); m != nil {
			c.nMemos++
			if len(m) == 0 {
				c.add("memos", "%s: empty memo", what)
			}
		}
		var ck [8]byte
		copy(ck[:], countKey(key.Code, key.Coder))
		t := want[ck]
		if t == nil {
			t = &tally{}
			want[ck] = t
		}
		t.codings++
		if last == nil || !bytes.Equal(last, k[:16]) {
			t.segments++
		}
		last = append(last[:0], k[:16]...)
		return nil
	})
	byCode.finish()
	byCoder.finish()
	memos.finish()
	seen := map[[8]byte]bool{}
	c.bucket(bktCounts).ForEach(func(k, v []byte) error {
		if len(k) != 8 || len(v) != 16 {
			c.add("counts", "key %x value %x: want 8 and 16 bytes", short(k), short(v))
			return nil
		}
		var ck [8]byte
		copy(ck[:], k)
		seen[ck] = true
		n, segs := int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:]))
		var w tally
		if t := want[ck]; t != nil {
			w = *t
		}
		if n != w.codings || segs != w.segments {
			c.add("counts", "code %d, coder %d: expected %d codings on %d segments, found %d on %d",
				binary.BigEndian.Uint32(k), binary.BigEndian.Uint32(k[4:]), w.codings, w.segments, n, segs)
		}
		return nil
	})
	keys := make([][8]byte, 0, len(want))
	for k := range want {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i][:], keys[j][:]) < 0 })
	for _, k := range keys {
		c.add("counts", "code %d, coder %d: expected %d codings on %d segments, found no tally",
			binary.BigEndian.Uint32(k[:]), binary.BigEndian.Uint32(k[4:]), want[k].codings, want[k].segments)
	}
}

func (c *recordCheck) checkJournal() {
	c.journal = map[uint64]CoderID{}
	c.bucket(bktJournal).ForEach(func(k, v []byte) error {
		c.nJournal++
		if len(k) != 8 {
			c.add("journal", "key %x: want 8 bytes", short(k))
			return nil
		}
		e, err := decodeEntry(getU64(k), v)
		if err != nil {
			c.add("journal", "entry %d does not read: %v", getU64(k), err)
			return nil
		}
		c.journal[e.seq] = e.coder
		if !c.coders[e.coder] {
			c.add("journal", "entry %d (%q): coder %d does not exist", e.seq, e.desc, e.coder)
		}
		return nil
	})
	undone := map[uint64]bool{}
	c.bucket(bktUndo).ForEach(func(k, v []byte) error {
		if len(k) != 12 || len(v) != 1 || (v[0] != stateDone && v[0] != stateUndone && v[0] != stateDropped) {
			c.add("undo", "key %x value %x: want coder(4) seq(8) and d, u or x", short(k), short(v))
			return nil
		}
		seq, coder := getU64(k[4:]), CoderID(binary.BigEndian.Uint32(k))
		who, ok := c.journal[seq]
		switch {
		case !ok:
			c.add("undo", "coder %d's stack points at journal entry %d, which does not exist", coder, seq)
		case who != coder:
			c.add("undo", "coder %d's stack holds entry %d, which is coder %d's", coder, seq, who)
		case undone[seq]:
			c.add("undo", "entry %d is on a stack twice", seq)
		}
		undone[seq] = true
		return nil
	})
	seqs := make([]uint64, 0)
	for seq := range c.journal {
		if !undone[seq] {
			seqs = append(seqs, seq)
		}
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for _, seq := range seqs {
		c.add("undo", "journal entry %d is on no coder's undo stack", seq)
	}
}

// segmentName and codingName name a record in a message; they are
// formatted only when a problem is found.
type segmentName struct {
	ref uint64
	id  string
}

func (n segmentName) String() string {
	return fmt.Sprintf("segment %d (%q)", n.ref, short([]byte(n.id)))
}

type codingName codingKey

type caseName uint64

func (n caseName) String() string { return fmt.Sprintf("case %d", uint64(n)) }

func (n codingName) String() string {
	return fmt.Sprintf("coding (segment %d, code %d, coder %d, span %d–%d)", n.Seg, n.Code, n.Coder, n.Span.Start, n.Span.End)
}

// indexJoin checks an index whose keys, within each group (the first width
// bytes), come in the same order as the records they are derived from: the
// records are walked once, each group's cursor moves forward with them, and
// whatever a cursor passes over (or a group no record has) is a stray.
type indexJoin struct {
	c      *recordCheck
	b      *bolt.Bucket
	name   string
	width  int
	groups map[string]*joinCursor
}

type joinCursor struct {
	cur    *bolt.Cursor
	k, v   []byte
	prefix []byte
}

func newIndexJoin(c *recordCheck, bucket []byte, width int) *indexJoin {
	return &indexJoin{c: c, b: c.bucket(bucket), name: string(bucket), width: width, groups: map[string]*joinCursor{}}
}

func (j *indexJoin) group(key []byte) *joinCursor {
	g := key[:j.width]
	jc := j.groups[string(g)]
	if jc == nil {
		jc = &joinCursor{cur: j.b.Cursor(), prefix: append([]byte(nil), g...)}
		jc.k, jc.v = jc.cur.Seek(jc.prefix)
		j.groups[string(g)] = jc
	}
	return jc
}

// seek moves the group's cursor to key, reporting the strays it passes,
// and tells whether key is there.
func (j *indexJoin) seek(key []byte) (*joinCursor, bool) {
	jc := j.group(key)
	for jc.k != nil && bytes.HasPrefix(jc.k, jc.prefix) && bytes.Compare(jc.k, key) < 0 {
		j.c.add(j.name, "key %x: expected no such entry (no record has it), found one", short(jc.k))
		jc.k, jc.v = jc.cur.Next()
	}
	return jc, jc.k != nil && bytes.Equal(jc.k, key)
}

// expect says that key must be in the index, and returns its value.
func (j *indexJoin) expect(key []byte) []byte {
	jc, ok := j.seek(key)
	if !ok {
		j.c.add(j.name, "key %x: expected an entry, found none", short(key))
		return nil
	}
	v := jc.v
	if v == nil {
		v = []byte{}
	}
	jc.k, jc.v = jc.cur.Next()
	return v
}

// peek is expect for an index where key may be absent (memos).
func (j *indexJoin) peek(key []byte) []byte {
	jc, ok := j.seek(key)
	if !ok {
		return nil
	}
	v := jc.v
	if v == nil {
		v = []byte{}
	}
	jc.k, jc.v = jc.cur.Next()
	return v
}

// finish reports what the walk left in each group, and every group no
// record had.
func (j *indexJoin) finish() {
	for _, jc := range j.groups {
		for ; jc.k != nil && bytes.HasPrefix(jc.k, jc.prefix); jc.k, jc.v = jc.cur.Next() {
			j.c.add(j.name, "key %x: expected no such entry (no record has it), found one", short(jc.k))
		}
	}
	if j.width == 0 {
		return
	}
	cur := j.b.Cursor()
	for k, _ := cur.First(); k != nil; {
		if len(k) < j.width {
			j.c.add(j.name, "key %x: too short", short(k))
			k, _ = cur.Next()
			continue
		}
		if j.groups[string(k[:j.width])] != nil {
			next := nextPrefix(k[:j.width])
			if next == nil {
				break
			}
			k, _ = cur.Seek(next)
			continue
		}
		j.c.add(j.name, "key %x: expected no such entry (no record has it), found one", short(k))
		k, _ = cur.Next()
	}
}

// nextPrefix is the smallest key after every key starting with p (nil if
// there is none).
func nextPrefix(p []byte) []byte {
	out := append([]byte(nil), p...)
	for i := len(out) - 1; i >= 0; i-- {
		if out[i] < 0xff {
			out[i]++
			return out[:i+1]
		}
	}
	return nil
}

// strictlyRising tells whether refs rise, each after the one before: the
// order a source's walks (eachSegmentOf) and its texts chunks rely on.
func strictlyRising(refs []SegRef) bool {
	for i := 1; i < len(refs); i++ {
		if refs[i] <= refs[i-1] {
			return false
		}
	}
	return true
}

// sourceRun is what a source record says of its segments (schema 5: the
// run First…First+Segments-1, or Refs), and how many segments said they
// were the source's.
type sourceRun struct {
	first    SegRef
	segments int
	refs     map[SegRef]bool // when the record lists them
	seen     int
}

func newSourceRun(r *sourceRecord) *sourceRun {
	run := &sourceRun{first: r.First, segments: r.Segments}
	if r.Refs != nil {
		run.refs = map[SegRef]bool{}
		for _, ref := range r.Refs {
			run.refs[ref] = true
		}
	}
	return run
}

// holds counts a segment that says it is the source's, and tells whether
// the record agrees.
func (r *sourceRun) holds(ref SegRef) bool {
	r.seen++
	if r.refs != nil {
		return r.refs[ref]
	}
	return ref >= r.first && ref < r.first+SegRef(r.segments)
}

// textsJoin walks the texts chunks beside the segments (both in SegRef
// order): every segment's text is in the one chunk that covers it, every
// ref a chunk covers is a segment, and a chunk's segments are of one
// source.
type textsJoin struct {
	c      *recordCheck
	cur    *bolt.Cursor
	k, v   []byte
	first  SegRef
	n      SegRef
	next   SegRef // the chunk's first ref not yet matched to a segment
	source SourceID
	held   bool // a segment's text was taken from the chunk (of source)
	offs   []int
	body   []byte
	ok     bool // the chunk at k reads
}

func newTextsJoin(c *recordCheck) *textsJoin {
	t := &textsJoin{c: c, cur: c.bucket(bktTexts).Cursor()}
	t.k, t.v = t.cur.First()
	t.load()
	return t
}

// load reads the chunk at the cursor.
func (t *textsJoin) load() {
	t.ok, t.source, t.held = false, 0, false
	if t.k == nil {
		return
	}
	if len(t.k) != 8 {
		t.c.add("texts", "key %x: want a segment number", short(t.k))
		return
	}
	t.first = SegRef(getU64(t.k))
	t.next = t.first
	t.offs, t.body, t.ok = decodeTextChunk(t.v, t.offs)
	if !t.ok {
		t.c.add("texts", "chunk at segment %d does not read", t.first)
		return
	}
	t.n = SegRef(len(t.offs) - 1)
}

// step leaves the chunk at the cursor for the next one, reporting refs of
// it no segment claimed and a next chunk that overlaps it.
func (t *textsJoin) step() {
	end := t.first + 1
	if t.ok {
		end = t.first + t.n
		if t.next < end {
			t.c.add("texts", "chunk at segment %d holds texts of %d segments that do not exist (%d…%d)", t.first, end-t.next, t.next, end-1)
		}
	}
	t.k, t.v = t.cur.Next()
	t.load()
	if t.k != nil && len(t.k) == 8 && t.first < end {
		t.c.add("texts", "chunk at segment %d overlaps the one before it", t.first)
		if t.ok { // the refs both hold were matched there: the overlap says it
			t.next = min(end, t.first+t.n)
		}
	}
}

// text is segment ref's text (nil when no chunk holds it).
func (t *textsJoin) text(ref SegRef, source SourceID) []byte {
	for t.k != nil && t.before(ref) {
		t.step()
	}
	if t.k == nil || !t.ok || ref < t.first {
		return nil
	}
	if !t.held {
		t.source, t.held = source, true
	} else if source != t.source {
		t.c.add("texts", "chunk at segment %d holds texts of two sources (%d and %d)", t.first, t.source, source)
	}
	if ref > t.next {
		t.c.add("texts", "chunk at segment %d holds texts of %d segments that do not exist (%d…%d)", t.first, ref-t.next, t.next, ref-1)
	}
	t.next = ref + 1
	i := int(ref - t.first)
	return t.body[t.offs[i]:t.offs[i+1]]
}

// before tells whether the chunk at the cursor lies wholly before ref (a
// key that is no segment number, or a chunk that does not read and starts
// at or before ref, counts as before: it was reported).
func (t *textsJoin) before(ref SegRef) bool {
	switch {
	case len(t.k) != 8:
		return true
	case !t.ok:
		return SegRef(getU64(t.k)) <= ref
	}
	return ref >= t.first+t.n
}

func (t *textsJoin) finish() {
	for t.k != nil {
		t.step()
	}
}

// caseRunsJoin walks the bycase runs of each case beside the segments (in
// SegRef order): every segment of a case is in one run of it, and every
// segment a run holds is of that case.
type caseRunsJoin struct {
	c      *recordCheck
	b      *bolt.Bucket
	groups map[CaseID]*runCursor
}

type runCursor struct {
	cur  *bolt.Cursor
	k, v []byte
	run  caseRun
	ok   bool   // the run at k reads
	next SegRef // its first segment no segment record has claimed yet
}

func newCaseRunsJoin(c *recordCheck) *caseRunsJoin {
	return &caseRunsJoin{c: c, b: c.bucket(bktByCase), groups: map[CaseID]*runCursor{}}
}

func (j *caseRunsJoin) load(id CaseID, g *runCursor) {
	g.ok = false
	// A key of the case's that is no run key (finish reports it) hides
	// none of the runs after it.
	for g.k != nil && len(g.k) != 16 && len(g.k) >= 8 && getU64(g.k) == uint64(id) {
		g.k, g.v = g.cur.Next()
	}
	if g.k == nil || len(g.k) != 16 || getU64(g.k) != uint64(id) {
		g.k = nil // past the case's runs
		return
	}
	n, ok := caseRunLen(g.v)
	g.run = caseRun{id, SegRef(getU64(g.k[8:])), n}
	g.next, g.ok = g.run.first, ok
	if !ok {
		j.c.add("bycase", "key %x: run length %x does not read", short(g.k), short(g.v))
	}
}

// step leaves a run, reporting what of it no segment claimed.
func (j *caseRunsJoin) step(id CaseID, g *runCursor) {
	if g.ok && uint64(g.next-g.run.first) < g.run.n {
		end := g.run.first + SegRef(g.run.n) - 1
		j.c.add("bycase", "key %x: run of case %d holds segments %d…%d that are not the case's", short(g.k), id, g.next, end)
	}
	end := g.run.first + 1
	if g.ok {
		end = g.run.first + SegRef(g.run.n)
	}
	g.k, g.v = g.cur.Next()
	j.load(id, g)
	if g.k != nil && g.run.first < end {
		j.c.add("bycase", "key %x: overlaps the run before it", short(g.k))
		if g.ok { // the segments both hold were matched there: the overlap says it
			g.next = min(end, g.run.first+SegRef(g.run.n))
		}
	}
}

// expect says that segment ref is of case id.
func (j *caseRunsJoin) expect(id CaseID, ref SegRef) {
	g := j.groups[id]
	if g == nil {
		g = &runCursor{cur: j.b.Cursor()}
		g.k, g.v = g.cur.Seek(u64(uint64(id)))
		j.load(id, g)
		j.groups[id] = g
	}
	for g.k != nil && (!g.ok || !(ref < g.run.first+SegRef(g.run.n))) {
		if !g.ok && getU64(g.k[8:]) > uint64(ref) {
			break
		}
		j.step(id, g)
	}
	if g.k == nil || !g.ok || ref < g.run.first {
		j.c.add("bycase", "key %x: expected an entry, found none", short(pairKey(uint64(id), uint64(ref))))
		return
	}
	if ref > g.next {
		j.c.add("bycase", "key %x: run of case %d holds segments %d…%d that are not the case's", short(g.k), id, g.next, ref-1)
	}
	g.next = ref + 1
}

// finish reports what the walk left in each case's runs, and every run of
// a case no segment has.
func (j *caseRunsJoin) finish() {
	for id, g := range j.groups {
		for g.k != nil {
			j.step(id, g)
		}
	}
	cur := j.b.Cursor()
	for k, _ := cur.First(); k != nil; {
		if len(k) != 16 {
			j.c.add("bycase", "key %x: want case and segment numbers", short(k))
			k, _ = cur.Next()
			continue
		}
		if j.groups[CaseID(getU64(k))] != nil {
			next := nextPrefix(k[:8])
			if next == nil {
				break
			}
			k, _ = cur.Seek(next)
			continue
		}
		j.c.add("bycase", "key %x: expected no such entry (no record has it), found one", short(k))
		k, _ = cur.Next()
	}
}
