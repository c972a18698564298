package coding

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
	"qcode/corpus/printable"
)

// Attributes are fixed inside qcode: `qcode attributes` lists every
// attribute with its values and how many segments and cases carry each,
// warns about values (and names) that differ only in case or spacing, and
// renames or merges a value or a name, or sets one on a source or case.
// Each change is one journaled action: the records it rewrites (sources,
// cases, segments) are journaled whole, so undo gives back their bytes.

// AttributeSummary is what `qcode attributes` lists.
type AttributeSummary struct {
	Attributes []AttributeCount   `json:"attributes"`
	Warnings   []AttributeWarning `json:"warnings"`
}

// AttributeCount is one attribute (all spellings of its name) with the
// segments and cases that carry it: a segment carries its merged value
// (its own, else its case's, else its source's), and a segment with no case
// counts as its own case, as in reports.
type AttributeCount struct {
	Name      string       `json:"name"`                // spelt as first stored
	Spellings []string     `json:"spellings,omitempty"` // every spelling, when there are several
	On        []string     `json:"on"`                  // where it is set: "source", "case", "segment"
	Segments  int          `json:"segments"`
	Cases     int          `json:"cases"`
	Values    []ValueCount `json:"values"`
}

// ValueCount is one value of an attribute with the segments and cases that
// carry it. A value set only where no segment takes it (a case with no
// segments, a value every segment overrides) counts zero.
type ValueCount struct {
	Value    string `json:"value"`
	Segments int    `json:"segments"`
	Cases    int    `json:"cases"`
}

// AttributeWarning points at spellings that are probably one: values of an
// attribute that differ only in case or spacing (Kind "values"), or names
// that differ only in case (Kind "names", matched as one attribute anyway).
type AttributeWarning struct {
	Kind      string   `json:"kind"`
	Attribute string   `json:"attribute"`
	Variants  []string `json:"variants"` // most segments first
	Message   string   `json:"message"`
}

// Attributes counts every attribute and value, one pass over the segment
// records (cases and sources looked up once each).
func (s *Store) Attributes() (AttributeSummary, error) {
	var out AttributeSummary
	err := s.view(func(tx *bolt.Tx) error {
		c, err := takeCensus(tx)
		if err != nil {
			return err
		}
		out = c.summary()
		return nil
	})
	return out, err
}

// layer bits of attrClass.on.
const (
	onSource = 1 << iota
	onCase
	onSegment
)

// attrClass gathers the spellings of one attribute name as a census meets them.
type attrClass struct {
	first     uint64            // lowest interned id among the spellings used
	spellings map[uint64]string // id → spelling
	on        int
	stamp     uint64 // the segment last counted, so a segment counts once
	segments  int
	units     unitList
	values    map[uint64]*valueTally
}

type valueTally struct {
	segments int
	units    unitList
}

// unitList collects the units (cases) a count met, skipping repeats in a
// row; distinct() sorts and counts them once at the end.
type unitList []uint64

func (u *unitList) add(unit uint64) {
	if n := len(*u); n > 0 && (*u)[n-1] == unit {
		return
	}
	*u = append(*u, unit)
}

func (u unitList) distinct() int {
	slices.Sort(u)
	return len(slices.Compact(u))
}

// census is one pass over a project's attributes.
type census struct {
	in      *interner
	names   *nameIndex
	lookup  *attrLookup
	classes map[string]*attrClass // fold key → class
	byID    map[uint64]*attrClass
}

func takeCensus(tx *bolt.Tx) (*census, error) {
	lookup := newAttrLookup(tx)
	c := &census{in: lookup.in, names: lookup.names, lookup: lookup, classes: map[string]*attrClass{}, byID: map[uint64]*attrClass{}}
	srcs, err := readSources(tx)
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		c.note(lookup.sourceAttrs(src.ID), onSource)
	}
	err = tx.Bucket(bktCases).ForEach(func(k, v []byte) error {
		c.note(lookup.caseAttrs(CaseID(getU64(k))), onCase)
		return nil
	})
	if err != nil {
		return nil, err
	}
	maxCase := tx.Bucket(bktCases).Sequence()
	gen := uint64(0)
	cur := tx.Bucket(bktSegments).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		rec, err := decodeSegment(v)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", getU64(k), err)
		}
		c.note(rec.attrs, onSegment)
		gen++
		unit := uint64(rec.caseID)
		if unit == 0 {
			unit = maxCase + 1 + getU64(k) // a segment with no case is its own case
		}
		for _, layer := range [][]strPair{rec.attrs, lookup.caseAttrs(rec.caseID), lookup.sourceAttrs(rec.source)} {
			for _, p := range layer {
				cl := c.class(p.name)
				if cl.stamp == gen {
					continue // a layer above set it already
				}
				cl.stamp = gen
				cl.segments++
				cl.units.add(unit)
				vt := cl.value(p.value)
				vt.segments++
				vt.units.add(unit)
			}
		}
	}
	return c, nil
}

// note registers pairs set on a layer (so that values no segment takes are
// listed too).
func (c *census) note(pairs []strPair, on int) {
	for _, p := range pairs {
		cl := c.class(p.name)
		cl.on |= on
		cl.value(p.value)
	}
}

func (c *census) class(name uint64) *attrClass {
	if cl, ok := c.byID[name]; ok {
		return cl
	}
	key := c.names.fold(name)
	cl := c.classes[key]
	if cl == nil {
		cl = &attrClass{first: name, spellings: map[uint64]string{}, values: map[uint64]*valueTally{}}
		c.classes[key] = cl
	}
	cl.first = min(cl.first, name)
	cl.spellings[name] = c.in.str(name)
	c.byID[name] = cl
	return cl
}

func (cl *attrClass) value(id uint64) *valueTally {
	vt := cl.values[id]
	if vt == nil {
		vt = &valueTally{}
		cl.values[id] = vt
	}
	return vt
}

func (c *census) summary() AttributeSummary {
	out := AttributeSummary{Attributes: []AttributeCount{}, Warnings: []AttributeWarning{}}
	for _, cl := range c.classes {
		a := AttributeCount{Name: cl.spellings[cl.first], Segments: cl.segments, Cases: cl.units.distinct(), Values: []ValueCount{}}
		for _, l := range []struct {
			bit  int
			name string
		}{{onSource, "source"}, {onCase, "case"}, {onSegment, "segment"}} {
			if cl.on&l.bit != 0 {
				a.On = append(a.On, l.name)
			}
		}
		if len(cl.spellings) > 1 {
			ids := make([]uint64, 0, len(cl.spellings))
			for id := range cl.spellings {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			for _, id := range ids {
				a.Spellings = append(a.Spellings, cl.spellings[id])
			}
		}
		for id, vt := range cl.values {
			a.Values = append(a.Values, ValueCount{Value: c.in.str(id), Segments: vt.segments, Cases: vt.units.distinct()})
		}
		sort.Slice(a.Values, func(i, j int) bool {
			x, y := a.Values[i].Value, a.Values[j].Value
			if naturalLess(x, y) != naturalLess(y, x) {
				return naturalLess(x, y)
			}
			return x < y // equal but for case ("LA01", "la01"): a stable order
		})
		out.Attributes = append(out.Attributes, a)
	}
	sort.Slice(out.Attributes, func(i, j int) bool {
		a, b := out.Attributes[i].Name, out.Attributes[j].Name
		if la, lb := strings.ToLower(a), strings.ToLower(b); la != lb {
			return la < lb
		}
		return a < b
	})
	for _, a := range out.Attributes {
		out.Warnings = append(out.Warnings, warnAttribute(a)...)
	}
	return out
}

// sameValue is a key equal for values that differ only in case or spacing
// ("Learning lead", "learning  lead ").
func sameValue(v string) string { return foldName(strings.Join(strings.Fields(v), " ")) }

// warnAttribute finds an attribute's spellings that are probably one.
func warnAttribute(a AttributeCount) []AttributeWarning {
	var out []AttributeWarning
	if len(a.Spellings) > 1 {
		out = append(out, AttributeWarning{Kind: "names", Attribute: a.Name, Variants: a.Spellings,
			Message: fmt.Sprintf("attribute names %s differ only in case: they are one attribute, shown as %q; to keep one spelling: qcode attributes rename-name %s %s",
				quoteList(a.Spellings), a.Name, shellWord(a.Spellings[1]), shellWord(a.Name))})
	}
	groups := map[string][]ValueCount{}
	var keys []string
	for _, v := range a.Values {
		k := sameValue(v.Value)
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], v)
	}
	for _, k := range keys {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		sort.SliceStable(g, func(i, j int) bool { return g[i].Segments > g[j].Segments })
		var variants, counted []string
		for _, v := range g {
			variants = append(variants, v.Value)
			counted = append(counted, fmt.Sprintf("%q (%s)", v.Value, plural(v.Segments, "segment")))
		}
		var fixes []string
		for _, v := range g[1:] {
			fixes = append(fixes, fmt.Sprintf("qcode attributes rename %s %s %s", shellWord(a.Name), shellWord(v.Value), shellWord(g[0].Value)))
		}
		out = append(out, AttributeWarning{Kind: "values", Attribute: a.Name, Variants: variants,
			Message: fmt.Sprintf("attribute %q: values %s differ only in case or spacing; to merge them: %s",
				a.Name, strings.Join(counted, " and "), strings.Join(fixes, "; "))})
	}
	return out
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, " and ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// shellWord quotes a word for a command line the user may paste.
func shellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || r == '/' || r == ':' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

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
	type change struct {
		key []byte
		val []byte
	}
	var changes []change
	err = tx.Bucket(bktCases).ForEach(func(k, v []byte) error {
		r, err := decodeCase(v)
		if err != nil {
			return fmt.Errorf("case %d: %w", getU64(k), err)
		}
		next, changed, err := fn("case "+r.name, r.attrs)
		if err != nil || !changed {
			return err
		}
		r.attrs = next
		changes = append(changes, change{append([]byte(nil), k...), r.encode()})
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := e.a.putRecord(bktCases, c.key, c.val); err != nil {
			return err
		}
	}
	e.out.Cases += len(changes)
	changes = changes[:0]
	cur := tx.Bucket(bktSegments).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		rec, err := decodeSegment(v)
		if err != nil {
			return fmt.Errorf("segment %d: %w", getU64(k), err)
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
			changes = append(changes, change{append([]byte(nil), k...), rec.encode()})
		}
	}
	// Written after the walk (a bucket must not change under its cursor),
	// in key order.
	for _, c := range changes {
		if err := e.a.putRecord(bktSegments, c.key, c.val); err != nil {
			return err
		}
	}
	e.out.Segments += len(changes)
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
	key := u64(uint64(id))
	var r sourceRecord
	if err := json.Unmarshal(e.a.tx.Bucket(bktSources).Get(key), &r); err != nil {
		return errorf(errCorrupt, "source %d", id)
	}
	r.Attrs = nil
	for _, p := range pairs {
		r.Attrs = append(r.Attrs, [2]string{e.in.str(p.name), e.in.str(p.value)})
	}
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return e.a.putRecord(bktSources, key, v)
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
		oldV := a.tx.Bucket(bktStrIx).Get([]byte(old))
		var oldID uint64
		if oldV != nil {
			oldID = getU64(oldV)
		}
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
	Case   string // a case's name (exact, else ignoring case when that is unambiguous)
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
	where := "source " + on.Source
	if on.Case != "" {
		where = "case " + on.Case
	}
	desc := fmt.Sprintf("set %s=%s on %s", name, corpus.Excerpt(value), where)
	if value == "" {
		desc = fmt.Sprintf("remove %s from %s", name, where)
	}
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
			out.Overridden = e.overridden(bktBySource, uint64(src.ID), name, true)
			return e.putSource(src.ID, next)
		}
		id, err := findCase(a.tx, on.Case)
		if err != nil {
			return err
		}
		key := u64(uint64(id))
		r, err := decodeCase(a.tx.Bucket(bktCases).Get(key))
		if err != nil {
			return fmt.Errorf("case %d: %w", id, err)
		}
		next, err := set(r.attrs)
		if err != nil || slices.Equal(next, r.attrs) {
			return err
		}
		r.attrs = next
		out.Cases++
		out.Overridden = e.overridden(bktByCase, uint64(id), name, false)
		return a.putRecord(bktCases, key, r.encode())
	})
	out.ActionResult = res
	return out, err
}

// findCase resolves a case by name: exactly, else ignoring case when one
// case matches so.
func findCase(tx *bolt.Tx, name string) (CaseID, error) {
	names := tx.Bucket(bktCaseName)
	if v := names.Get([]byte(name)); len(v) == 8 {
		return CaseID(getU64(v)), nil
	}
	var found []CaseID
	var spelt []string
	_ = names.ForEach(func(k, v []byte) error {
		if len(v) == 8 && strings.EqualFold(string(k), name) {
			found = append(found, CaseID(getU64(v)))
			spelt = append(spelt, string(k))
		}
		return nil
	})
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return 0, errorf(ErrNotFound, "no case %q", corpus.Excerpt(name))
	}
	return 0, errorf(ErrConflict, "case %q is ambiguous: %s", corpus.Excerpt(name), quoteList(spelt))
}

// overridden counts the segments of a source or case (by the index
// bucket) that have attribute name themselves, or through their case when
// withCase: their value wins over the one just set.
func (e *attrEdit) overridden(index []byte, id uint64, name string, withCase bool) int {
	ids := e.names.ids(name)
	has := func(pairs []strPair) bool {
		return slices.ContainsFunc(pairs, func(p strPair) bool { return ids.has(p.name) })
	}
	lookup := newAttrLookup(e.a.tx)
	segs := e.a.tx.Bucket(bktSegments)
	n := 0
	prefix := u64(id)
	c := e.a.tx.Bucket(index).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		rec, err := decodeSegment(segs.Get(k[8:]))
		if err != nil {
			continue
		}
		if has(rec.attrs) || (withCase && has(lookup.caseAttrs(rec.caseID))) {
			n++
		}
	}
	return n
}
