package coding

import (
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// Case is a participant: a respondent, interviewee, focus-group member or a
// whole organisation.
type Case struct {
	ID         CaseID
	Name       string
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
}

func newCaseResolver(a *action, in *interner) *caseResolver {
	return &caseResolver{a: a, in: in, ids: map[string]CaseID{}}
}

// resolve returns the case named name, creating it when new, and sets attrs
// on it (journaled).
func (cr *caseResolver) resolve(name string, attrs []Attribute) (CaseID, error) {
	tx := cr.a.tx
	id, ok := cr.ids[name]
	if !ok {
		if v := tx.Bucket(bktCaseName).Get([]byte(name)); v != nil {
			id = CaseID(getU64(v))
		} else {
			if len(name) > maxInterned {
				return 0, errorf(ErrInvalidInput, "case name of %d bytes is too long", len(name))
			}
			seq, err := tx.Bucket(bktCases).NextSequence()
			if err != nil {
				return 0, err
			}
			id = CaseID(seq)
			r := caseRecord{name: name}
			if err := cr.a.putRecord(bktCases, u64(seq), r.encode()); err != nil {
				return 0, err
			}
			if err := cr.a.putRecordLater(bktCaseName, []byte(name), u64(seq)); err != nil {
				return 0, err
			}
			cr.created++
		}
		cr.ids[name] = id
	}
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
	key := u64(uint64(id))
	r, err := decodeCase(cr.a.tx.Bucket(bktCases).Get(key))
	if err != nil {
		return fmt.Errorf("case %d: %w", id, err)
	}
	respellNames(cr.in, pairs, r.attrs)
	if !r.setPairs(pairs) {
		return nil
	}
	return cr.a.putRecord(bktCases, key, r.encode())
}

// CasesResult says what a cases import matched.
type CasesResult struct {
	ActionResult
	Matched   int      // cases that received attributes
	Unmatched []string // ids that name no case in the project
}

// ImportCases attaches attributes to existing cases, matched by case name (a
// respondent id or a speaker's name; exact first, then ignoring case). Ids
// that match no case are reported, not created.
func (s *Store) ImportCases(actor string, cases []corpus.Case) (CasesResult, error) {
	var out CasesResult
	res, err := s.act(actor, fmt.Sprintf("attach attributes to %d cases", len(cases)), func(a *action) error {
		in := newInterner(a.tx, a)
		cr := newCaseResolver(a, in)
		folded := map[string]CaseID{}
		names := a.tx.Bucket(bktCaseName)
		if err := names.ForEach(func(k, v []byte) error {
			folded[strings.ToLower(string(k))] = CaseID(getU64(v))
			return nil
		}); err != nil {
			return err
		}
		for _, c := range cases {
			var id CaseID
			if v := names.Get([]byte(c.Name)); v != nil {
				id = CaseID(getU64(v))
			} else if fid, ok := folded[strings.ToLower(c.Name)]; ok {
				id = fid
			} else {
				out.Unmatched = append(out.Unmatched, c.Name)
				continue
			}
			if err := cr.setAttrs(id, c.Attributes); err != nil {
				return err
			}
			out.Matched++
		}
		return nil
	})
	out.ActionResult = res
	return out, err
}

// Cases lists the project's cases with their attributes.
func (s *Store) Cases() ([]Case, error) {
	var out []Case
	err := s.view(func(tx *bolt.Tx) error {
		in := newInterner(tx, nil)
		return tx.Bucket(bktCases).ForEach(func(k, v []byte) error {
			r, err := decodeCase(v)
			if err != nil {
				return fmt.Errorf("case %d: %w", getU64(k), err)
			}
			out = append(out, Case{ID: CaseID(getU64(k)), Name: r.name, Attributes: in.attrs(r.attrs)})
			return nil
		})
	})
	return out, err
}
