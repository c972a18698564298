package coding

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// Case names as users type them. Every place that takes a case by name —
// `attributes set --case`, `memo set --case`, a cases sheet's id column,
// the filter case=NAME — resolves it with a caseFinder, so that the forms
// qcode shows are the forms it reads, everywhere:
//
//  1. the name as stored ("R017", "Jane Doe");
//  2. SOURCE:LABEL for a transcript's speaker ("fg2:P1"), also when that
//     speaker has been joined to another case (a cases sheet's
//     source,speaker,case row): fg2:P1 then names the case it joined;
//  3. either, ignoring letter case ("jane doe", "FG2:p1");
//  4. a speaker's bare label ("P1") when one source alone has it, exactly,
//     else ignoring letter case.
//
// A name that fits several cases at one step is refused, naming them; a
// later step is not tried, so that "P1" never means one focus group's P1
// by chance.

// caseFinder resolves case names inside one transaction.
type caseFinder struct {
	tx    *bolt.Tx
	in    *interner
	names caseNameIndex
	// added are cases created by the action this finder serves: their
	// index entries are written when it ends.
	added map[string]CaseID

	built   bool
	folded  map[string][]string // lower-case shown name → stored names
	labels  map[string][]string // a speaker's label → its stored (scoped) names
	lfolded map[string][]string // the same, by lower-case label
	sources map[string]Source
}

func newCaseFinder(tx *bolt.Tx, in *interner) *caseFinder {
	return &caseFinder{tx: tx, in: in, names: recs(tx).caseNames(), added: map[string]CaseID{}}
}

// ambiguousCase is a name that fits several cases.
type ambiguousCase struct {
	name  string
	fits  []string // the cases, as shown, sorted
	label bool     // fits are speakers of several sources, by a bare label
	in    []string // the sources of those speakers, sorted
}

func (e *ambiguousCase) Error() string {
	if e.label {
		return fmt.Sprintf("case %q names speakers of several sources: write one of %s", corpus.Excerpt(e.name), quoteList(e.fits))
	}
	return fmt.Sprintf("case %q is ambiguous: write one of %s", corpus.Excerpt(e.name), quoteList(e.fits))
}

func (e *ambiguousCase) Unwrap() error { return ErrConflict }

// where lists the sources of a bare label's speakers, or the spellings of
// a folded name: "P2 (fg2, fg3)" as a cases import reports it.
func (e *ambiguousCase) where() string {
	in := e.fits
	if e.label {
		in = e.in
	}
	return fmt.Sprintf("%s (%s)", corpus.Excerpt(e.name), strings.Join(in, ", "))
}

// find resolves a name as users type it (see above).
func (f *caseFinder) find(name string) (CaseID, error) {
	if id := f.get(name); id != 0 {
		return id, nil
	}
	typed := name
	name = strings.TrimSpace(name)
	if id := f.get(name); id != 0 {
		return id, nil
	}
	for i := strings.IndexByte(name, ':'); i > 0; i = nextColon(name, i) {
		if id := f.get(scopedCase(name[:i], name[i+1:])); id != 0 {
			return id, nil
		}
		if src, ok := f.source(name[:i]); ok {
			if ids, _ := f.speakerCases(src, name[i+1:]); len(ids) == 1 {
				return ids[0], nil // a speaker joined to another case
			}
		}
	}
	f.build()
	if id, err := f.one(name, f.folded[strings.ToLower(name)], false); id != 0 || err != nil {
		return id, err
	}
	for _, fits := range [][]string{f.labels[name], f.lfolded[strings.ToLower(name)]} {
		if id, err := f.one(name, fits, true); id != 0 || err != nil {
			return id, err
		}
	}
	return 0, errorf(ErrNotFound, "no case %q", corpus.Excerpt(typed))
}

// one is the case of the only stored name in fits (0 for none), or the
// error that name fits several.
func (f *caseFinder) one(name string, fits []string, label bool) (CaseID, error) {
	switch len(fits) {
	case 0:
		return 0, nil
	case 1:
		return f.get(fits[0]), nil
	}
	e := &ambiguousCase{name: name, label: label}
	for _, n := range fits {
		e.fits = append(e.fits, CaseDisplay(n))
		if src, _, scoped := strings.Cut(n, "\x00"); scoped {
			e.in = append(e.in, src)
		}
	}
	sort.Strings(e.fits)
	sort.Strings(e.in)
	return 0, e
}

// get is the case stored under name exactly (0: none).
func (f *caseFinder) get(name string) CaseID {
	if id, ok := f.added[name]; ok {
		if recs(f.tx).hasCase(id) {
			return id
		}
		delete(f.added, name) // made, then removed by a join in the same sheet
	}
	id, _ := f.names.get(name)
	return id
}

// add makes a case created in this action findable.
func (f *caseFinder) add(name string, id CaseID) {
	f.added[name] = id
	if f.built {
		f.index(name)
	}
}

// build reads every case name into the folded and label indexes, once.
func (f *caseFinder) build() {
	if f.built {
		return
	}
	f.built = true
	f.folded, f.labels, f.lfolded = map[string][]string{}, map[string][]string{}, map[string][]string{}
	f.names.each(f.index)
	for name := range f.added {
		f.index(name)
	}
}

func (f *caseFinder) index(name string) {
	key := strings.ToLower(CaseDisplay(name))
	if !slices.Contains(f.folded[key], name) {
		f.folded[key] = append(f.folded[key], name)
	}
	if strings.IndexByte(name, 0) < 0 {
		return
	}
	label := caseLabel(name)
	if !slices.Contains(f.labels[label], name) {
		f.labels[label] = append(f.labels[label], name)
		f.lfolded[strings.ToLower(label)] = append(f.lfolded[strings.ToLower(label)], name)
	}
}

// source finds a source by its exact name.
func (f *caseFinder) source(name string) (Source, bool) {
	if f.sources == nil {
		f.sources = map[string]Source{}
		srcs, _ := readSources(f.tx)
		for _, src := range srcs {
			f.sources[src.Name] = src
		}
	}
	src, ok := f.sources[name]
	return src, ok
}

// speakerCases lists a source's segments whose speaker is label (exactly,
// else ignoring case), with the cases they belong to now.
func (f *caseFinder) speakerCases(src Source, label string) ([]CaseID, []SegRef) {
	refs := f.speakerRefs(src, label)
	var ids []CaseID
	rs := recs(f.tx)
	for _, ref := range refs {
		rec, err := rs.segment(ref)
		if err == nil && rec.caseID != 0 && !slices.Contains(ids, rec.caseID) {
			ids = append(ids, rec.caseID)
		}
	}
	return ids, refs
}

func (f *caseFinder) speakerRefs(src Source, label string) []SegRef {
	name, err := f.in.lookup("speaker")
	if err != nil {
		return nil
	}
	rs := recs(f.tx)
	var exact, folded []SegRef
	for _, ref := range rs.segmentsOf(&src) {
		rec, err := rs.segment(ref)
		if err != nil {
			continue
		}
		for _, p := range rec.attrs {
			if p.name != name {
				continue
			}
			v := f.in.str(p.value)
			if v == label {
				exact = append(exact, ref)
			} else if strings.EqualFold(v, label) {
				folded = append(folded, ref)
			}
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return folded
}

// findCase resolves a case name as users type it, in a transaction of
// its own reading.
func findCase(tx *bolt.Tx, name string) (CaseID, error) {
	return newCaseFinder(tx, newInterner(tx, nil)).find(name)
}

// FindCase resolves a case as users type it — its name, SOURCE:LABEL for
// a transcript's speaker, either ignoring letter case, or a bare label
// that one source alone has — to the case with its attributes.
func (s *Store) FindCase(name string) (Case, error) {
	var out Case
	err := s.view(func(tx *bolt.Tx) error {
		id, err := findCase(tx, name)
		if err != nil {
			return err
		}
		r, err := recs(tx).caseRecord(id)
		if err != nil {
			return fmt.Errorf("case %d: %w", id, err)
		}
		out = Case{ID: id, Name: CaseDisplay(r.name), Attributes: newInterner(tx, nil).attrs(r.attrs)}
		return nil
	})
	return out, err
}
