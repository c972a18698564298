package coding

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// Case is a participant: a respondent, interviewee, focus-group member or a
// whole organisation.
type Case struct {
	ID         CaseID
	Name       string // as CaseDisplay shows it: "fg2:P1" for a speaker within a source
	Attributes []Attribute
}

type caseRecord struct {
	name  string
	attrs []strPair
}

func (r *caseRecord) encode() []byte {
	var w wbuf
	w.byte(1)
	w.str(r.name)
	w.pairs(r.attrs)
	return w
}

func decodeCase(b []byte) (caseRecord, error) {
	var r caseRecord
	rb := rbuf{b: b}
	if rb.byte() != 1 {
		return r, errCorrupt
	}
	r.name = rb.str()
	r.attrs = rb.pairs()
	return r, rb.err
}

// setPairs sets each of attrs on the record, replacing values of the same
// name, and tells whether anything changed.
func (r *caseRecord) setPairs(attrs []strPair) bool {
	changed := false
	for _, p := range attrs {
		found := false
		for i := range r.attrs {
			if r.attrs[i].name == p.name {
				found = true
				if r.attrs[i].value != p.value {
					r.attrs[i].value, changed = p.value, true
				}
			}
		}
		if !found {
			r.attrs, changed = append(r.attrs, p), true
		}
	}
	return changed
}

// caseResolver finds or creates cases by name inside an action.
type caseResolver struct {
	a       *action
	in      *interner
	ids     map[string]CaseID
	created int
	// The last name resolved: a survey lists a respondent's answers
	// together (five lookups of one name in a map of 40,000, saved).
	lastName string
	lastID   CaseID
	// deleted is the action's count of removed cases when the caches were
	// last known good: a join in a cases sheet may remove a case named
	// earlier in the same sheet.
	deleted int
}

// newCaseResolver resolves names for action a; n is about how many it
// will meet (growing a map of 40,000 names cost an answer import 30 ms).
func newCaseResolver(a *action, in *interner, n int) *caseResolver {
	return &caseResolver{a: a, in: in, ids: make(map[string]CaseID, n)}
}

// resolve returns the case named name, creating it when new, and sets attrs
// on it (journaled).
func (cr *caseResolver) resolve(name string, attrs []Attribute) (CaseID, error) {
	tx := cr.a.tx
	if cr.deleted != cr.a.casesDeleted {
		clear(cr.ids)
		cr.lastID, cr.deleted = 0, cr.a.casesDeleted
	}
	if cr.lastID != 0 && name == cr.lastName && len(attrs) == 0 {
		return cr.lastID, nil
	}
	id, ok := cr.ids[name]
	if !ok {
		if known, ok := recs(tx).caseEntry(name); ok {
			id = known
		} else {
			if len(name) > maxInterned {
				return 0, errorf(ErrInvalidInput, "case name of %d bytes is too long", len(name))
			}
			var err error
			if id, err = cr.a.addCase(name); err != nil {
				return 0, err
			}
			cr.created++
		}
		cr.ids[name] = id
	}
	cr.lastName, cr.lastID = name, id
	if len(attrs) == 0 {
		return id, nil
	}
	return id, cr.setAttrs(id, attrs)
}

func (cr *caseResolver) setAttrs(id CaseID, attrs []Attribute) error {
	pairs, err := cr.in.pairs(attrs)
	if err != nil {
		return err
	}
	r, err := recs(cr.a.tx).caseRecord(id)
	if err != nil {
		return fmt.Errorf("case %d: %w", id, err)
	}
	respellNames(cr.in, pairs, r.attrs)
	if !r.setPairs(pairs) {
		return nil
	}
	return cr.a.putCase(id, r)
}

// Case names. A speaker label names a case within its source: its key in
// the casename index is the source's name, 0x00 and the label (no name
// holds 0x00: files are cleaned of control characters as they are read).
// Other names — respondent ids, shared speakers, the cases a cases sheet
// names, and every case of a file imported before labels were scoped —
// are keys as they are, so older files open and read unchanged.

// scopedCase is the key of a speaker label within a source.
func scopedCase(source, label string) string { return source + "\x00" + label }

// CaseDisplay is how a stored case name is shown and typed: "fg2:P1" for
// speaker P1 of source fg2, a plain name as it is.
func CaseDisplay(name string) string { return strings.Replace(name, "\x00", ":", 1) }

// caseLabel is the label of a case name: "P1" for fg2's P1.
func caseLabel(name string) string {
	if i := strings.IndexByte(name, 0); i >= 0 {
		return name[i+1:]
	}
	return name
}

// copyAttrs gives case to the attributes of case from (a replaced
// import's speaker, named before labels were scoped).
func (cr *caseResolver) copyAttrs(from, to CaseID) error {
	r, err := recs(cr.a.tx).caseRecord(from)
	if err != nil {
		return fmt.Errorf("case %d: %w", from, err)
	}
	if len(r.attrs) == 0 {
		return nil
	}
	return cr.setAttrs(to, cr.in.attrs(r.attrs))
}

// CasesResult says what a cases import matched.
type CasesResult struct {
	ActionResult
	Matched   int      // rows whose case received attributes (or a speaker)
	Unmatched []string // ids, or source:speaker, that name no case or speaker in the project
	// Ambiguous lists bare labels that name a speaker in several sources,
	// each with the sources: "P1 (fg2, fg3)".
	Ambiguous []string
	Joined    int // speakers moved to the case a row names
	Created   int // cases the sheet named that did not exist
}

// ImportCases attaches attributes to cases. A row with an id only is
// matched by case name: exact, then as "source:speaker", then ignoring
// case, then as a bare speaker label that exactly one source has. A row
// with a source and speaker names that source's speaker: with an id too,
// the speaker becomes the case the id names (created when new), which is
// how a follow-up interview's speaker joins the first interview's; the
// case the speaker leaves is removed once nothing speaks as it. Rows that
// match nothing are reported, not created. One undoable action.
func (s *Store) ImportCases(actor string, cases []corpus.Case) (CasesResult, error) {
	var out CasesResult
	res, err := s.act(actor, "attach attributes to "+plural(len(cases), "case"), func(a *action) error {
		m, err := newCaseMatcher(a)
		if err != nil {
			return err
		}
		for _, c := range cases {
			if c.Source != "" {
				if err := m.speakerRow(c, &out); err != nil {
					return err
				}
				continue
			}
			id, why, err := m.byName(c.Name)
			if err != nil {
				return err
			}
			if id == 0 {
				if why != "" {
					out.Ambiguous = append(out.Ambiguous, why)
				} else {
					out.Unmatched = append(out.Unmatched, c.Name)
				}
				continue
			}
			if err := m.cr.setAttrs(id, c.Attributes); err != nil {
				return err
			}
			out.Matched++
		}
		return nil
	})
	out.ActionResult = res
	return out, err
}

// caseMatcher finds the cases a cases sheet's rows name, inside an action.
type caseMatcher struct {
	a    *action
	in   *interner
	cr   *caseResolver
	find *caseFinder
}

func newCaseMatcher(a *action) (*caseMatcher, error) {
	in := newInterner(a.tx, a)
	return &caseMatcher{a: a, in: in, cr: newCaseResolver(a, in, 0), find: newCaseFinder(a.tx, in)}, nil
}

// byName finds the case an id names, as every command finds one
// (caseFinder); 0 and how it is ambiguous when it fits several cases, 0
// and "" when nothing matches.
func (m *caseMatcher) byName(name string) (CaseID, string, error) {
	id, err := m.find.find(name)
	var amb *ambiguousCase
	switch {
	case err == nil:
		return id, "", nil
	case errors.As(err, &amb):
		return 0, amb.where(), nil
	case errors.Is(err, ErrNotFound):
		return 0, "", nil
	}
	return 0, "", err
}

func nextColon(s string, i int) int {
	if j := strings.IndexByte(s[i+1:], ':'); j >= 0 {
		return i + 1 + j
	}
	return -1
}

// speakerRow applies a row naming a source's speaker: its attributes go to
// the speaker's case, or, when the row names a case, the speaker joins it.
func (m *caseMatcher) speakerRow(c corpus.Case, out *CasesResult) error {
	what := c.Source + ":" + c.Speaker
	src, ok := m.find.source(c.Source)
	if !ok {
		out.Unmatched = append(out.Unmatched, what)
		return nil
	}
	ids, refs := m.find.speakerCases(src, c.Speaker)
	if len(refs) == 0 {
		out.Unmatched = append(out.Unmatched, what)
		return nil
	}
	if c.Name == "" {
		for _, id := range ids {
			if err := m.cr.setAttrs(id, c.Attributes); err != nil {
				return err
			}
		}
		out.Matched++
		return nil
	}
	target, _, err := m.byName(c.Name)
	if err != nil {
		return err
	}
	if target == 0 {
		created := m.cr.created
		if target, err = m.cr.resolve(c.Name, nil); err != nil {
			return err
		}
		out.Created += m.cr.created - created
		m.find.add(c.Name, target)
	}
	moved, err := m.a.moveToCase(refs, target)
	if err != nil {
		return err
	}
	if moved > 0 {
		out.Joined++
	}
	if err := m.cr.setAttrs(target, c.Attributes); err != nil {
		return err
	}
	out.Matched++
	return nil
}

// moveToCase makes refs segments of case to, journaled, and removes each
// case they leave once no segment belongs to it. It returns how many
// segments moved.
func (a *action) moveToCase(refs []SegRef, to CaseID) (int, error) {
	rs := recs(a.tx)
	left := map[CaseID]bool{}
	moved := 0
	for _, ref := range refs {
		rec, err := rs.segment(ref)
		if err != nil {
			return 0, fmt.Errorf("segment %d: %w", ref, err)
		}
		from := rec.caseID
		if from == to {
			continue
		}
		rec.caseID = to
		if err := a.putSegment(ref, rec); err != nil {
			return 0, err
		}
		if from != 0 {
			left[from] = true
		}
		if err := a.moveSegmentCase(ref, from, to); err != nil {
			return 0, err
		}
		moved++
	}
	gone := slices.Sorted(maps.Keys(left))
	for _, from := range gone {
		// A case nobody speaks as any more was the same person as the
		// case joined: its memos go there.
		if a.caseSegments(from) == 0 {
			if _, err := a.moveMemos(memoCaseByte, uint64(from), uint64(to)); err != nil {
				return 0, err
			}
		}
	}
	return moved, a.removeEmptyCases(gone)
}

// removeEmptyCases removes, journaled, each of ids that no segment
// belongs to any more and nobody has a memo on.
func (a *action) removeEmptyCases(ids []CaseID) error {
	rs := recs(a.tx)
	for _, id := range ids {
		if a.caseSegments(id) > 0 || !rs.hasCase(id) {
			continue
		}
		if hasMemos(a.tx, memoCaseByte, uint64(id)) {
			continue // a memo on it keeps it: nothing written is dropped
		}
		r, err := rs.caseRecord(id)
		if err != nil {
			return fmt.Errorf("case %d: %w", id, err)
		}
		if err := a.deleteCase(id, r.name); err != nil {
			return err
		}
	}
	return nil
}

// Cases lists the project's cases with their attributes.
func (s *Store) Cases() ([]Case, error) {
	var out []Case
	err := s.view(func(tx *bolt.Tx) error {
		in := newInterner(tx, nil)
		var bad error
		recs(tx).eachCase(func(id CaseID, v []byte) bool {
			r, err := decodeCase(v)
			if err != nil {
				bad = fmt.Errorf("case %d: %w", id, err)
				return false
			}
			out = append(out, Case{ID: id, Name: CaseDisplay(r.name), Attributes: in.attrs(r.attrs)})
			return true
		})
		return bad
	})
	return out, err
}
