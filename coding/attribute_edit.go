package coding

import (
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
	"qcode/corpus/printable"
)

// Changes to attributes: rename or merge a value, rename or merge a name,
// set one on a source or case. Each is one action; the records it rewrites
// are journaled whole, and undo refuses to put one back over a later
// change (action.checkRecordChange).

// AttributeChange says what renaming or setting an attribute changed.
type AttributeChange struct {
	ActionResult
	Sources, Cases, Segments int  // records changed
	Merged                   bool // the new value or name was there already: two are now one
	Dropped                  int  // shadowed duplicates dropped (a record that had two spellings of the name)
	// Overridden counts the segments of a source or case just set that keep
	// a value of their own (or their case's), which wins.
	Overridden int
}

// checkAttrText refuses a name or value qcode could not show or parse back.
func checkAttrText(what, s string, name bool) error {
	switch {
	case name && strings.TrimSpace(s) == "":
		return errorf(ErrInvalidInput, "an attribute needs a name")
	case name && s != strings.TrimSpace(s):
		return errorf(ErrInvalidInput, "attribute name %q has surrounding spaces", corpus.Excerpt(s))
	case name && strings.ContainsAny(s, "=\n\t"):
		return errorf(ErrInvalidInput, "attribute name %q: no \"=\", tabs or line breaks", corpus.Excerpt(s))
	case len(s) > maxInterned:
		return errorf(ErrInvalidInput, "%s of %d bytes is too long (limit %d)", what, len(s), maxInterned)
	}
	if _, r, bad := printable.Find(s); bad {
		return errorf(ErrInvalidInput, "%s %q holds a control character (%U)", what, corpus.Excerpt(s), r)
	}
	return nil
}

// attrEdit rewrites attribute pairs across every source, case and segment
// record inside one action, journaling each record it changes.
type attrEdit struct {
	a     *action
	in    *interner
	names *nameIndex
	out   *AttributeChange
}

func newAttrEdit(a *action, out *AttributeChange) *attrEdit {
	in := newInterner(a.tx, a)
	return &attrEdit{a: a, in: in, names: newNameIndex(a.tx, in), out: out}
}

// each rewrites every record's pairs with fn (which returns the new pairs
// and whether they changed); an error from fn stops the action.
func (e *attrEdit) each(fn func(what string, pairs []strPair) ([]strPair, bool, error)) error {
	tx := e.a.tx
	srcs, err := readSources(tx)
	if err != nil {
		return err
	}
	for _, src := range srcs {
		pairs, err := e.sourcePairs(src)
		if err != nil {
			return err
		}
		next, changed, err := fn("source "+src.Name, pairs)
		if err != nil || !changed {
			if err != nil {
				return err
			}
			continue
		}
		if err := e.putSource(src.ID, next); err != nil {
			return err
		}
		e.out.Sources++
	}
	rs := recs(tx)
	type caseChange struct {
		id  CaseID
		rec caseRecord
	}
	var cases []caseChange
	rs.eachCase(func(id CaseID, v []byte) bool {
		r, derr := decodeCase(v)
		if derr != nil {
			err = fmt.Errorf("case %d: %w", id, derr)
			return false
		}
		next, changed, ferr := fn("case "+r.name, r.attrs)
		if ferr != nil {
			err = ferr
			return false
		}
		if changed {
			r.attrs = next
			cases = append(cases, caseChange{id, r})
		}
		return true
	})
	if err != nil {
		return err
	}
	for _, c := range cases {
		if err := e.a.putCase(c.id, c.rec); err != nil {
			return err
		}
	}
	e.out.Cases += len(cases)
	type segChange struct {
		ref SegRef
		rec segmentRecord
	}
	var segs []segChange
	cur := rs.segments()
	for sk, v := cur.first(); cur.holds(sk); sk, v = cur.next() {
		ref := sk.ref()
		rec, err := decodeSegment(v)
		if err != nil {
			return fmt.Errorf("segment %d: %w", ref, err)
		}
		if len(rec.attrs) == 0 {
			continue
		}
		next, changed, err := fn("segment "+rec.id, rec.attrs)
		if err != nil {
			return err
		}
		if changed {
			rec.attrs = next
			segs = append(segs, segChange{ref, rec})
		}
	}
	// Written after the walk (a bucket must not change under its cursor),
	// in key order.
	for _, c := range segs {
		if err := e.a.putSegment(c.ref, c.rec); err != nil {
			return err
		}
	}
	e.out.Segments += len(segs)
	return nil
}

// sourcePairs interns a source's attributes (stored as strings).
func (e *attrEdit) sourcePairs(src Source) ([]strPair, error) {
	out := make([]strPair, 0, len(src.Attributes))
	for _, a := range src.Attributes {
		n, err := e.in.id(a.Name)
		if err != nil {
			return nil, err
		}
		v, err := e.in.id(a.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, strPair{n, v})
	}
	return out, nil
}

// putSource writes a source's attributes back as strings.
func (e *attrEdit) putSource(id SourceID, pairs []strPair) error {
	r, ok := recs(e.a.tx).sourceRecord(id)
	if !ok {
		return errorf(errCorrupt, "source %d", id)
	}
	r.Attrs = nil
	for _, p := range pairs {
		r.Attrs = append(r.Attrs, [2]string{e.in.str(p.name), e.in.str(p.value)})
	}
	return e.a.putSourceRecord(id, r)
}

// noAttribute is the error for a name no record has, listing those it has.
func noAttribute(tx *bolt.Tx, name string) error {
	attrs, _ := attributeValues(tx)
	names := make([]string, 0, len(attrs))
	for _, a := range attrs {
		names = append(names, a.Name)
	}
	return errorf(ErrNotFound, "no attribute %q (attributes: %s)", corpus.Excerpt(name), listOrNone(names))
}

// RenameAttributeValue renames value old of attribute name (any case) to
// new on every source, case and segment: a rename, or a merge when new is a
// value already.
func (s *Store) RenameAttributeValue(actor, name, old, new string) (AttributeChange, error) {
	var out AttributeChange
	if err := checkAttrText("value", new, false); err != nil {
		return out, err
	}
	if new == "" {
		return out, errorf(ErrInvalidInput, "the new value is empty: to remove an attribute, use qcode attributes set")
	}
	desc := fmt.Sprintf("rename %s value %q to %q", name, corpus.Excerpt(old), corpus.Excerpt(new))
	res, err := s.act(actor, desc, func(a *action) error {
		e := newAttrEdit(a, &out)
		ids := e.names.ids(name)
		if len(ids) == 0 {
			return noAttribute(a.tx, name)
		}
		oldID, _ := recs(a.tx).interned(old)
		newID, err := e.in.id(new)
		if err != nil {
			return err
		}
		found := false
		err = e.each(func(_ string, pairs []strPair) ([]strPair, bool, error) {
			var next []strPair
			for i, p := range pairs {
				if ids.has(p.name) && p.value == newID && oldID != 0 {
					out.Merged = true
				}
				if oldID == 0 || !ids.has(p.name) || p.value != oldID {
					continue
				}
				found = true
				if next == nil {
					next = slices.Clone(pairs)
				}
				next[i].value = newID
			}
			return next, next != nil, nil
		})
		if err != nil {
			return err
		}
		if !found {
			return noValue(a.tx, name, old)
		}
		return nil
	})
	out.ActionResult = res
	return out, err
}

// noValue is the error for a value the attribute does not have, naming the
// values that differ from it only in case or spacing.
func noValue(tx *bolt.Tx, name, value string) error {
	attrs, _ := attributeValues(tx)
	var near []string
	for _, a := range attrs {
		if !strings.EqualFold(a.Name, name) {
			continue
		}
		for _, v := range a.Values {
			if sameValue(v) == sameValue(value) {
				near = append(near, fmt.Sprintf("%q", v))
			}
		}
	}
	msg := fmt.Sprintf("attribute %q has no value %q", corpus.Excerpt(name), corpus.Excerpt(value))
	if len(near) > 0 {
		msg += fmt.Sprintf(" (it has %s: values match exactly, spaces included)", strings.Join(near, ", "))
	}
	return errorf(ErrNotFound, "%s", msg)
}

// RenameAttribute renames attribute old (every spelling of it) to new on
// every source, case and segment. new may be another spelling of old (to
// keep one), a new name, or another attribute's name: then the two merge,
// refused where a record has both with different values.
func (s *Store) RenameAttribute(actor, old, new string) (AttributeChange, error) {
	var out AttributeChange
	if err := checkAttrText("attribute name", new, true); err != nil {
		return out, err
	}
	desc := fmt.Sprintf("rename attribute %s to %s", corpus.Excerpt(old), corpus.Excerpt(new))
	res, err := s.act(actor, desc, func(a *action) error {
		e := newAttrEdit(a, &out)
		from := e.names.ids(old)
		if len(from) == 0 {
			return noAttribute(a.tx, old)
		}
		respell := foldName(old) == foldName(new)
		var into nameIDs // the other attribute's spellings, when merging
		if !respell {
			into = e.names.ids(new)
		}
		// Merging into an existing attribute keeps a spelling it has.
		target := new
		if len(into) > 0 && !slices.Contains(spellingStrings(e.in, into), new) {
			target = e.in.str(slices.Min(into))
		}
		newID, err := e.in.id(target)
		if err != nil {
			return err
		}
		var clash string
		clashes := 0
		err = e.each(func(what string, pairs []strPair) ([]strPair, bool, error) {
			other, hasOther := uint64(0), false // the value the record has under new already
			for _, p := range pairs {
				if into.has(p.name) {
					other, hasOther = p.value, true
					out.Merged = true
					break
				}
			}
			next := make([]strPair, 0, len(pairs))
			renamed := false
			for _, p := range pairs {
				switch {
				case !from.has(p.name):
					next = append(next, p)
				case hasOther && p.value != other:
					clashes++
					if clash == "" {
						clash = fmt.Sprintf("%s has %s=%q and %s=%q", what, e.in.str(p.name), e.in.str(p.value), target, e.in.str(other))
					}
				case hasOther:
					// The same value under both names: the one under new stays.
				case renamed:
					// A second spelling of old on one record was shadowed by
					// the first (lookups take the first): it goes.
					out.Dropped++
				default:
					renamed = true
					next = append(next, strPair{newID, p.value})
				}
			}
			return next, !slices.Equal(next, pairs), nil
		})
		if err != nil {
			return err
		}
		if clashes > 0 {
			return errorf(ErrConflict, "%s and %s cannot merge: %d records have both with different values (%s); set one of them first",
				corpus.Excerpt(old), corpus.Excerpt(new), clashes, clash)
		}
		return nil
	})
	out.ActionResult = res
	return out, err
}

func spellingStrings(in *interner, ids nameIDs) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = in.str(id)
	}
	return out
}

// AttributeTarget names the one source or case an attribute is set on.
type AttributeTarget struct {
	Source string // a source's name
	Case   string // a case as users type it (fg2:P1 for a transcript's speaker), as FindCase reads it
}

// SetAttribute sets attribute name to value on one source or case (an
// empty value removes it). The name matches whatever its case: a record
// that has the attribute keeps its spelling.
func (s *Store) SetAttribute(actor string, on AttributeTarget, name, value string) (AttributeChange, error) {
	var out AttributeChange
	if (on.Source == "") == (on.Case == "") {
		return out, errorf(ErrInvalidInput, "set an attribute on one source or one case")
	}
	if err := checkAttrText("attribute name", name, true); err != nil {
		return out, err
	}
	if err := checkAttrText("value", value, false); err != nil {
		return out, err
	}
	describe := func(where string) string {
		if value == "" {
			return fmt.Sprintf("remove %s from %s", name, where)
		}
		return fmt.Sprintf("set %s=%s on %s", name, corpus.Excerpt(value), where)
	}
	where := "source " + on.Source
	if on.Case != "" {
		where = "case " + on.Case
	}
	desc := describe(where)
	res, err := s.act(actor, desc, func(a *action) error {
		e := newAttrEdit(a, &out)
		set := func(pairs []strPair) ([]strPair, error) {
			ids := e.names.ids(name)
			next := make([]strPair, 0, len(pairs)+1)
			done := false
			for _, p := range pairs {
				if !ids.has(p.name) {
					next = append(next, p)
					continue
				}
				if !done && value != "" {
					v, err := e.in.id(value)
					if err != nil {
						return nil, err
					}
					next = append(next, strPair{p.name, v})
				} else if done {
					out.Dropped++ // a shadowed second spelling
				}
				done = true
			}
			if !done && value != "" {
				n, err := e.in.id(name)
				if err != nil {
					return nil, err
				}
				v, err := e.in.id(value)
				if err != nil {
					return nil, err
				}
				next = append(next, strPair{n, v})
			}
			if !done && value == "" {
				return nil, errorf(ErrNotFound, "%s has no attribute %q", where, corpus.Excerpt(name))
			}
			return next, nil
		}
		if on.Source != "" {
			src, err := findSource(a.tx, on.Source)
			if err != nil {
				return err
			}
			pairs, err := e.sourcePairs(src)
			if err != nil {
				return err
			}
			next, err := set(pairs)
			if err != nil || slices.Equal(next, pairs) {
				return err
			}
			out.Sources++
			out.Overridden = e.overridden(recs(a.tx).segmentsOf(&src), name, true)
			return e.putSource(src.ID, next)
		}
		id, err := newCaseFinder(a.tx, e.in).find(on.Case)
		if err != nil {
			return err
		}
		r, err := recs(a.tx).caseRecord(id)
		if err != nil {
			return fmt.Errorf("case %d: %w", id, err)
		}
		where = "case " + CaseDisplay(r.name) // as found: "P7" may be fg2:P7
		a.desc = describe(where)
		next, err := set(r.attrs)
		if err != nil || slices.Equal(next, r.attrs) {
			return err
		}
		r.attrs = next
		out.Cases++
		out.Overridden = e.overridden(recs(a.tx).segmentsOfCase(id), name, false)
		return a.putCase(id, r)
	})
	out.ActionResult = res
	return out, err
}

// overridden counts the segments of a source or case (refs) that have
// attribute name themselves, or through their case when withCase: their
// value wins over the one just set.
func (e *attrEdit) overridden(refs []SegRef, name string, withCase bool) int {
	ids := e.names.ids(name)
	has := func(pairs []strPair) bool {
		return slices.ContainsFunc(pairs, func(p strPair) bool { return ids.has(p.name) })
	}
	lookup := newAttrLookup(e.a.tx)
	rs := recs(e.a.tx)
	n := 0
	for _, ref := range refs {
		rec, err := rs.segment(ref)
		if err != nil {
			continue
		}
		if has(rec.attrs) || (withCase && has(lookup.caseAttrs(rec.caseID))) {
			n++
		}
	}
	return n
}
