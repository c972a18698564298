package coding

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// Merging brings coders' copies of a project back into the lead's. What is
// matched how:
//
//   - sources by content hash; a source whose hash is new but whose name is
//     known is the same source re-imported (--replace) on one side: its
//     segments are matched by ID and a span coding is kept only where its
//     passage reads the same; a source unknown by both is copied in;
//   - segments by ID within their source;
//   - codes by path (a path this project lacks is created and reported);
//   - coders by name (optionally renamed on the way in).
//
// A coder's codings conflict when, on a segment both this project and the
// incoming file have codings of that coder on, the two sets of (code, span)
// differ. Stars and memos never conflict (a star is kept if either side has
// it; an incoming memo the project lacks is appended; memos on segments,
// sources, cases, codes and the journal come in by author, see
// mergeMemos). By default any
// conflict refuses the whole merge, naming each coder and segment, and
// nothing changes; MergeOptions.Prefer settles conflicting segments for one
// side instead, and MergeOptions.Rename files an incoming coder under
// another name (two people who chose the same name).

// Prefer says which side wins on the segments where a coder's codings
// conflict.
type Prefer string

// Conflict policies.
const (
	PreferNone     Prefer = ""         // refuse the merge
	PreferHere     Prefer = "here"     // keep this project's codings on those segments
	PreferIncoming Prefer = "incoming" // replace them by the incoming file's
)

// MergeOptions tune MergeProjects.
type MergeOptions struct {
	Prefer Prefer
	// Rename maps an incoming coder's name to the name their codings take
	// here.
	Rename map[string]string
}

// ProjectMerge says what merging project files did.
type ProjectMerge struct {
	ActionResult
	Files []FileMerge
}

// FileMerge says what one merged file brought.
type FileMerge struct {
	File      string
	Matched   int            // sources matched by content
	Copied    []string       // sources copied in
	Changed   []string       // sources matched by name whose content differs here
	NewCodes  []string       // code paths created
	NewCoders []string       // coders this project did not know
	Added     map[string]int // codings added, per coder (names as stored here)
	Updated   int            // codings already here whose star or memo changed
	Removed   int            // codings replaced under PreferIncoming
	Dropped   int            // codings whose segment or passage is not in this project
	Conflicts []CoderConflict
	// Review marks: added per coder; not brought because the coder coded
	// the segment here (codes win over a mark) or the segment is not here;
	// and marks here taken away because the file brought codes for them.
	Marks                                    map[string]int
	MarksSkipped, MarksDropped, MarksRemoved int
	// Memos on segments, sources, cases, codes and the journal: added or
	// extended per author; joined (the same author's memo on one target
	// differed here and there: both texts kept); dropped (their target is
	// not in this project).
	Memos                     map[string]int
	MemosJoined, MemosDropped int

	segMap  map[SegRef]segMatch // the file's segments matched here, for its marks and memos
	codeMap map[CodeID]CodeID   // the file's codes here, for its memos
}

// CoderConflict lists the segments where a coder's codings differ between
// this project and the incoming file.
type CoderConflict struct {
	Coder    string
	Segments []string // segment IDs (source:ID where IDs clash)
}

// MergeProjects merges other copies of this project into it, as one
// undoable action of actor. Each file is opened read-only, so a coder's copy
// is never changed. A file that is not a qcode project, belongs to another
// project, or was written by another schema version is refused, and so is
// the whole merge (nothing changes); on a conflict with PreferNone the
// result lists the conflicts and the error says the merge was refused.
func (s *Store) MergeProjects(actor string, files []string, opts MergeOptions) (ProjectMerge, error) {
	var out ProjectMerge
	defer bulkGC()()
	if len(files) == 0 {
		return out, errorf(ErrInvalidInput, "no file to merge")
	}
	switch opts.Prefer {
	case PreferNone, PreferHere, PreferIncoming:
	default:
		return out, errorf(ErrInvalidInput, "prefer %q: use here or incoming", opts.Prefer)
	}
	var dbs []*Store
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	for _, f := range files {
		db, err := s.openCopy(f)
		if err != nil {
			return out, err
		}
		dbs = append(dbs, db)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	res, err := s.act(actor, "merge "+strings.Join(names, ", "), func(a *action) error {
		out.Files = nil
		// The copies' records are put as bbolt maps them: committed before
		// the copies are closed, here, not after the answer.
		a.commitHere = true
		view := &mergeView{tx: a.tx}
		for i, db := range dbs {
			fm := FileMerge{File: files[i], Added: map[string]int{}}
			err := db.view(func(otx *bolt.Tx) error { return a.mergeFile(otx, opts, &fm, view) })
			out.Files = append(out.Files, fm)
			if err != nil {
				return fmt.Errorf("%s: %w", files[i], err)
			}
		}
		var who []string
		pairs := 0
		for _, fm := range out.Files {
			for _, c := range fm.Conflicts {
				who = append(who, c.Coder)
				pairs += len(c.Segments)
			}
		}
		if pairs > 0 && opts.Prefer == PreferNone {
			return errorf(ErrConflict, "merge refused, nothing changed: coder %s has different codings here and in the incoming file on %s (see the list; merge with --prefer here or --prefer incoming, or file a coder under another name with --rename)",
				strings.Join(dedupe(who), ", "), plural(pairs, "segment"))
		}
		if err := a.setCodings(view.pending); err != nil {
			return err
		}
		// Review marks come after every file's codings are written: a
		// code (from any file) wins over a mark of the same coder.
		for i, db := range dbs {
			fm := &out.Files[i]
			if err := db.view(func(otx *bolt.Tx) error { return a.mergeMarks(otx, opts, fm.segMap, fm) }); err != nil {
				return fmt.Errorf("%s: %w", files[i], err)
			}
			if err := db.view(func(otx *bolt.Tx) error { return a.mergeMemos(otx, opts, fm) }); err != nil {
				return fmt.Errorf("%s: %w", files[i], err)
			}
		}
		return nil
	})
	out.ActionResult = res
	return out, err
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// openCopy opens a project file read-only, after a walk of every page
// (merge reads all of it; a damaged copy must not spread its damage), and
// checks that it is a copy of this project in this schema.
func (s *Store) openCopy(path string) (*Store, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorf(ErrNotFound, "%s: no such file", path)
	}
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errorf(ErrNotProject, "%s is a directory, not a qcode project", path)
	}
	if self, err := os.Stat(s.path); err == nil && os.SameFile(self, st) {
		return nil, errorf(ErrInvalidInput, "%s is this project; merge other copies into it", path)
	}
	c, err := openVetted(path)
	if err != nil {
		return nil, err
	}
	if c.Meta().ID != s.Meta().ID {
		c.Close()
		return nil, errorf(ErrConflict, "%s belongs to another project (%q), not to this one (%q): only copies of this project can be merged",
			path, c.Meta().Name, s.Meta().Name)
	}
	return c, nil
}

// segMatch is where an incoming segment lands here.
type segMatch struct {
	ref     SegRef
	changed bool   // its source's content differs here: check passages
	oldText string // the incoming segment's text (when changed)
	here    string // this project's text (when changed)
}

// mergeFile merges one incoming project, read in otx, into the action: its
// codes, sources and coders at once, its codings into view (written with
// every other file's when the last is read).
func (a *action) mergeFile(otx *bolt.Tx, opts MergeOptions, fm *FileMerge, view *mergeView) error {
	codeMap, err := a.mapCodes(otx, fm)
	if err != nil {
		return err
	}
	segMap, err := a.matchSources(otx, fm)
	if err != nil {
		return err
	}
	coderMap, coderName, err := a.mapCoders(otx, opts, fm)
	if err != nil {
		return err
	}
	m := &codingsMerge{tx: a.tx, view: view, opts: opts, fm: fm, segMap: segMap, coderName: coderName,
		conflicts: map[string][]string{}, sourceNames: newSourceNames(a.tx)}
	if err := m.walk(otx, codeMap, coderMap); err != nil {
		return err
	}
	coders := make([]string, 0, len(m.conflicts))
	for name := range m.conflicts {
		coders = append(coders, name)
	}
	sort.Strings(coders)
	for _, name := range coders {
		fm.Conflicts = append(fm.Conflicts, CoderConflict{Coder: name, Segments: m.conflicts[name]})
	}
	view.add(m.changes)
	fm.segMap, fm.codeMap = segMap, codeMap
	return nil
}

// mapCodes finds each incoming code here by path, parents first (tree
// order), creating the paths this project lacks.
func (a *action) mapCodes(otx *bolt.Tx, fm *FileMerge) (map[CodeID]CodeID, error) {
	obook, err := readCodebook(otx)
	if err != nil {
		return nil, err
	}
	codeMap := map[CodeID]CodeID{}
	for _, c := range obook.codes {
		book, err := a.book()
		if err != nil {
			return nil, err
		}
		if here, ok := book.Lookup(c.Path); ok {
			codeMap[c.ID] = here.ID
			continue
		}
		d := c.Details()
		id, created, err := a.ensurePath(c.Path, &d)
		if err != nil {
			return nil, fmt.Errorf("code %q: %w", c.Path, err)
		}
		codeMap[c.ID] = id
		fm.NewCodes = append(fm.NewCodes, created...)
	}
	return codeMap, nil
}

// mapCoders finds each incoming coder here by name, renamed as asked, and
// adds the new ones that have codings.
func (a *action) mapCoders(otx *bolt.Tx, opts MergeOptions, fm *FileMerge) (map[CoderID]CoderID, map[CoderID]string, error) {
	coderMap := map[CoderID]CoderID{}
	coderName := map[CoderID]string{}
	theirs := recs(otx)
	err := theirs.eachCoder(func(oid CoderID, name string) error {
		if to, ok := opts.Rename[name]; ok {
			name = to
		}
		id, known := a.s.coderID(a.tx, name)
		if !known {
			if !theirs.hasCodings(oid) {
				return nil // no codings: nothing to bring
			}
			var err error
			if id, err = a.s.ensureCoder(a.tx, name); err != nil {
				return err
			}
			fm.NewCoders = append(fm.NewCoders, name)
		}
		coderMap[oid] = id
		coderName[id] = name
		return nil
	})
	return coderMap, coderName, err
}

// incoming is one coding of the incoming file, keyed as it lands here.
type incoming struct {
	key codingKey
	st  *codingState
}

// codingsMerge brings one file's codings in, a segment at a time, reading
// this project through the merge's view.
type codingsMerge struct {
	tx          *bolt.Tx
	view        *mergeView
	opts        MergeOptions
	fm          *FileMerge
	segMap      map[SegRef]segMatch
	coderName   map[CoderID]string
	sourceNames sourceNames
	conflicts   map[string][]string // coder → segment IDs
	changes     []codingChange
}

// walk reads the incoming codings in segment order (the codings bucket's),
// with memos read by a second cursor kept in step, and merges each
// segment's group.
func (m *codingsMerge) walk(otx *bolt.Tx, codeMap map[CodeID]CodeID, coderMap map[CoderID]CoderID) error {
	table := recs(otx).codings()
	memos := table.memosInOrder()
	var cur SegRef
	var group []incoming
	c := table.cursor()
	for row, val := c.first(); c.holds(row); row, val = c.next() {
		ok := row.key()
		if ok.Seg != cur {
			if err := m.segment(cur, group); err != nil {
				return err
			}
			cur, group = ok.Seg, group[:0]
		}
		coder, known := coderMap[ok.Coder]
		code, codeKnown := codeMap[ok.Code]
		if !known || !codeKnown {
			m.fm.Dropped++
			continue
		}
		match, matched := m.segMap[ok.Seg]
		if matched && match.changed && !(carriedCoding{key: ok, text: match.oldText}).fits(match.here) {
			m.fm.Dropped++
			continue
		}
		t, starred := val.stamp()
		key := codingKey{Seg: match.ref, Code: code, Coder: coder, Span: ok.Span}
		group = append(group, incoming{key, &codingState{Time: t, Starred: starred, Memo: memos.of(row)}})
	}
	return m.segment(cur, group)
}

// segment merges the incoming codings of one segment, coder by coder.
func (m *codingsMerge) segment(seg SegRef, group []incoming) error {
	if len(group) == 0 {
		return nil
	}
	match, ok := m.segMap[seg]
	if !ok {
		m.fm.Dropped += len(group)
		return nil
	}
	here := map[CoderID][]codingKey{}
	for _, k := range m.view.segCodings(match.ref) {
		here[k.Coder] = append(here[k.Coder], k)
	}
	byCoder := map[CoderID][]incoming{}
	var order []CoderID
	for _, in := range group {
		if _, seen := byCoder[in.key.Coder]; !seen {
			order = append(order, in.key.Coder)
		}
		byCoder[in.key.Coder] = append(byCoder[in.key.Coder], in)
	}
	for _, coder := range order {
		ins, have := byCoder[coder], here[coder]
		if len(have) > 0 && !sameCodings(have, ins, func(in incoming) codingKey { return in.key }) {
			if err := m.conflict(coder, match.ref, have, ins); err != nil {
				return err
			}
			continue
		}
		for _, in := range ins {
			old := m.view.at(in.key)
			if old == nil {
				m.fm.Added[m.coderName[coder]]++
				m.changes = append(m.changes, codingChange{in.key, in.st})
				continue
			}
			if next := mergeState(old, in.st); *next != *old {
				m.fm.Updated++
				m.changes = append(m.changes, codingChange{in.key, next})
			}
		}
	}
	return nil
}

// conflict records that a coder's codings of a segment differ here and in
// the file and, under PreferIncoming, replaces this project's by the file's.
func (m *codingsMerge) conflict(coder CoderID, ref SegRef, have []codingKey, ins []incoming) error {
	name := m.coderName[coder]
	rec, err := recs(m.tx).segment(ref)
	if err != nil {
		return err
	}
	m.conflicts[name] = append(m.conflicts[name], qualifiedID(m.tx, m.sourceNames, &rec))
	if m.opts.Prefer != PreferIncoming {
		return nil
	}
	incomingKeys := map[codingKey]bool{}
	for _, in := range ins {
		incomingKeys[in.key] = true
	}
	for _, k := range have {
		if !incomingKeys[k] {
			m.changes = append(m.changes, codingChange{k, nil})
			m.fm.Removed++
		}
	}
	for _, in := range ins {
		if old := m.view.at(in.key); old == nil {
			m.fm.Added[name]++
			m.changes = append(m.changes, codingChange{in.key, in.st})
		} else if *old != *in.st {
			m.fm.Updated++
			m.changes = append(m.changes, codingChange{in.key, in.st})
		}
	}
	return nil
}

// sameCodings tells whether two lists name the same (code, span) pairs.
func sameCodings[T any](have []codingKey, in []T, key func(T) codingKey) bool {
	type cs struct {
		code CodeID
		span Span
	}
	a, b := map[cs]bool{}, map[cs]bool{}
	for _, k := range have {
		a[cs{k.Code, k.Span}] = true
	}
	for _, x := range in {
		k := key(x)
		b[cs{k.Code, k.Span}] = true
	}
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// mergeState combines this project's state of a coding with the incoming
// one so that merging the same file again changes nothing: a star on
// either side stays; an incoming memo is appended unless already there.
func mergeState(here, in *codingState) *codingState {
	out := *here
	out.Starred = here.Starred || in.Starred
	switch {
	case in.Memo == "" || strings.Contains(here.Memo, in.Memo):
	case here.Memo == "":
		out.Memo = in.Memo
	default:
		out.Memo = here.Memo + "\n\n" + in.Memo
	}
	return &out
}

// matchSources maps every incoming segment to one here, copying in the
// sources this project lacks.
func (a *action) matchSources(otx *bolt.Tx, fm *FileMerge) (map[SegRef]segMatch, error) {
	tx := a.tx
	theirs, err := readSources(otx)
	if err != nil {
		return nil, err
	}
	ours, err := readSources(tx)
	if err != nil {
		return nil, err
	}
	byHash, byName := map[string]Source{}, map[string]Source{}
	for _, src := range ours {
		if src.Hash != "" {
			byHash[src.Hash] = src
		}
		byName[src.Name] = src
	}
	out := map[SegRef]segMatch{}
	taken := map[SegRef]bool{} // each segment here receives one incoming segment
	for _, src := range theirs {
		osegs, err := recs(otx).sourceSegments(&src)
		if err != nil {
			return nil, err
		}
		here, ok := byHash[src.Hash]
		changed, checkText := false, false
		if !ok || src.Hash == "" {
			here, ok = byName[src.Name]
			changed = ok && here.Hash != src.Hash
			checkText = ok // no hash, or another hash: compare texts
		}
		if !ok {
			refs, err := a.copySource(otx, src, osegs)
			if err != nil {
				return nil, fmt.Errorf("copy source %q: %w", src.Name, err)
			}
			if len(refs) == 0 {
				continue
			}
			for i, seg := range osegs {
				out[seg.ref] = segMatch{ref: refs[i]}
				taken[refs[i]] = true
			}
			fm.Copied = append(fm.Copied, src.Name)
			// A later file finds it by hash and by name.
			rec, err := recs(tx).segment(refs[0])
			if err != nil {
				return nil, err
			}
			copied := Source{ID: rec.source, Name: src.Name, Hash: src.Hash}
			byName[src.Name] = copied
			if src.Hash != "" {
				byHash[src.Hash] = copied
			}
			continue
		}
		if changed {
			fm.Changed = append(fm.Changed, src.Name)
		} else {
			fm.Matched++
		}
		hsegs, err := recs(tx).sourceSegments(&here)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]int, len(hsegs))
		for i, seg := range hsegs {
			byID[seg.rec.id] = i
		}
		hereRecs, fileRecs := recs(tx), recs(otx)
		for _, seg := range osegs {
			i, ok := byID[seg.rec.id]
			if !ok || taken[hsegs[i].ref] {
				continue
			}
			m := segMatch{ref: hsegs[i].ref}
			if checkText {
				m.oldText = string(fileRecs.text(seg.ref))
				m.here = string(hereRecs.text(hsegs[i].ref))
				m.changed = m.oldText != m.here
			}
			out[seg.ref] = m
			taken[m.ref] = true
		}
	}
	return out, nil
}

// copySource adds an incoming source (segments, texts, cases, attributes)
// through addSource, so that it is journaled like an import and undone with
// the merge.
func (a *action) copySource(otx *bolt.Tx, src Source, segs []storedSegment) ([]SegRef, error) {
	in := newInterner(otx, nil)
	if err := src.decodeContext(); err != nil {
		return nil, err
	}
	// Case names are copied as stored (a speaker's is already scoped to
	// its source), so ScopedCases stays false.
	cs := &corpus.Source{Name: src.Name, File: src.File, Format: src.Format, Hash: src.Hash, Attributes: src.Attributes,
		Context: src.Context}
	caseNames := map[CaseID]string{}
	here, theirs := recs(a.tx), recs(otx)
	for _, seg := range segs {
		var caseName string
		if seg.rec.caseID != 0 {
			name, ok := caseNames[seg.rec.caseID]
			if !ok {
				r, err := theirs.caseRecord(seg.rec.caseID)
				if err != nil {
					return nil, fmt.Errorf("case %d: %w", seg.rec.caseID, err)
				}
				name = r.name
				caseNames[seg.rec.caseID] = name
				// A case this project knows keeps its own attributes.
				if !here.hasCaseNamed(name) && len(r.attrs) > 0 {
					cs.Cases = append(cs.Cases, corpus.Case{Name: name, Attributes: in.attrs(r.attrs)})
				}
			}
			caseName = name
		}
		cs.Segments = append(cs.Segments, corpus.Segment{ID: seg.rec.id, Case: caseName,
			Text: string(theirs.text(seg.ref)), Attributes: in.attrs(seg.rec.attrs)})
	}
	if len(cs.Segments) == 0 {
		return nil, nil
	}
	refs, _, err := a.addSource(cs, ImportOptions{}, oldSpeakers{})
	return refs, err
}
