package coding

import (
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// AttrCondition is a condition on a segment's merged attribute (segment,
// then case, then source; the name in any case): its value is one of
// Values, or with Not none of them. The empty value stands for "no value":
// `role=` selects segments without a role, `role!=` those with one. It is
// what `--where` and a recipe's `where:` give, and an attribute term of a
// SegmentQuery.
type AttrCondition struct {
	Name   string   `json:"attribute"`
	Values []string `json:"values"`
	Not    bool     `json:"not,omitempty"`
}

// String says the condition as a caption does: "role = PQ lead",
// "role = PQ lead or Learning lead", "sector ≠ local authority",
// "role neither A nor B", "no role", "has a role".
func (c AttrCondition) String() string {
	shown := make([]string, len(c.Values))
	for i, v := range c.Values {
		shown[i] = v
		if v == "" {
			shown[i] = "(none)"
		}
	}
	switch {
	case len(c.Values) == 1 && c.Values[0] == "" && !c.Not:
		return "no " + c.Name
	case len(c.Values) == 1 && c.Values[0] == "":
		return "has a " + c.Name
	case len(c.Values) == 1 && !c.Not:
		return c.Name + " = " + shown[0]
	case len(c.Values) == 1:
		return c.Name + " ≠ " + shown[0]
	case !c.Not:
		return c.Name + " = " + orList(shown, "or")
	}
	return c.Name + " neither " + orList(shown, "nor")
}

// orList joins values as prose: "A", "A or B", "A, B or C".
func orList(values []string, word string) string {
	if len(values) <= 1 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " " + word + " " + values[len(values)-1]
}

// Spec is the condition as `--where` takes it: "role=PQ lead",
// "role!=A,B" (a comma inside a value written \,).
func (c AttrCondition) Spec() string {
	vals := make([]string, len(c.Values))
	for i, v := range c.Values {
		vals[i] = strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), ",", `\,`)
	}
	op := "="
	if c.Not {
		op = "!="
	}
	return c.Name + op + strings.Join(vals, ",")
}

// DescribeWhere joins conditions for a caption: "role = PQ lead ·
// sector ≠ third sector" ("" for none).
func DescribeWhere(conds []AttrCondition) string {
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = c.String()
	}
	return strings.Join(parts, " · ")
}

// ParseWhere reads `--where` specs, every one of which must hold:
// NAME=VALUE, NAME!=VALUE, several values with commas (any of them;
// with != none of them). It is the attribute term of `--filter`
// (ParseQueryTerm), except that every name is an attribute's (`--where
// source=…` is an attribute named source, not a source). Conditions on
// one attribute all hold (`role!=A --where role!=B` leaves out both);
// naming one attribute twice with = is refused: both cannot hold, and
// `role=A,B` says either.
func ParseWhere(specs []string) ([]AttrCondition, error) {
	var out []AttrCondition
	for _, spec := range specs {
		s := strings.TrimSpace(spec)
		if rest, ok := cutFold(s, "attr:"); ok {
			s = rest
		}
		if !strings.Contains(s, "=") {
			return nil, errorf(ErrInvalidInput, "where %q: write NAME=VALUE or NAME!=VALUE (several values with commas)", corpus.Excerpt(spec))
		}
		t, err := ParseQueryTerm("attr:" + s)
		if err != nil {
			return nil, err
		}
		c := t.Condition()
		if !c.Not {
			for _, o := range out {
				if strings.EqualFold(o.Name, c.Name) && !o.Not {
					return nil, errorf(ErrInvalidInput, "where %q: %s is named twice with =; write %s=A,B for either value", corpus.Excerpt(spec), c.Name, c.Name)
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// splitValues splits an attribute term's value at commas (`\,` is a
// comma inside a value, `\\` a backslash), trimming each.
func splitValues(s string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == ',' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case s[i] == ',':
			out = append(out, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(s[i])
		}
	}
	return append(out, strings.TrimSpace(b.String()))
}

// whereMatcher tests segments against conditions inside one read
// transaction, on the compact records a report walks (no decoding).
type whereMatcher struct {
	conds []whereTest
}

type whereTest struct {
	attr   *attrResolver
	values []uint64 // interned ids; 0 is "no value"
	none   bool     // every value asked is unknown (and not ""): nothing has it
	not    bool
}

// newWhereMatcher prepares conds (nil when there are none).
func newWhereMatcher(tx *bolt.Tx, conds []AttrCondition) *whereMatcher {
	if len(conds) == 0 {
		return nil
	}
	lookup := newAttrLookup(tx)
	rs := recs(tx)
	m := &whereMatcher{}
	for _, c := range conds {
		t := whereTest{attr: newAttrResolver(tx, lookup, c.Name), not: c.Not, none: true}
		for _, v := range c.Values {
			if v == "" {
				t.values, t.none = append(t.values, 0), false
				continue
			}
			if id, ok := rs.interned(v); ok {
				t.values, t.none = append(t.values, id), false
			}
		}
		m.conds = append(m.conds, t)
	}
	return m
}

// match tells whether a segment (its compact fields) meets every
// condition.
func (m *whereMatcher) match(f segmentFields) bool {
	for _, t := range m.conds {
		in := false
		if !t.none {
			in = slices.Contains(t.values, t.attr.value(f.source, f.caseID, f.pairs))
		}
		if in == t.not {
			return false
		}
	}
	return true
}

// matchRef reads a segment's record and matches it.
func (m *whereMatcher) matchRef(tx *bolt.Tx, ref SegRef) (bool, error) {
	rec, ok := scanSegmentRecord(recs(tx).segmentValue(ref))
	if !ok {
		return false, errorf(errCorrupt, "segment %d", ref)
	}
	return m.match(rec), nil
}

// whereScope is the set of segments of a source (all with ""), that
// meet conds; nil when there is neither a source nor a condition (every
// segment).
func whereScope(tx *bolt.Tx, source string, conds []AttrCondition) (refSet, error) {
	var scope refSet
	var err error
	if source != "" {
		if scope, err = sourceSet(tx, source); err != nil {
			return nil, err
		}
	}
	m := newWhereMatcher(tx, conds)
	if m == nil {
		return scope, nil
	}
	rs := recs(tx)
	out := newRefSet(rs.maxSegment())
	c := rs.segments()
	for sk, v := c.first(); c.holds(sk); sk, v = c.next() {
		ref := sk.ref()
		if scope != nil && !scope.has(ref) {
			continue
		}
		rec, ok := scanSegmentRecord(v)
		if !ok {
			return nil, errorf(errCorrupt, "segment %d", ref)
		}
		if m.match(rec) {
			out.add(ref)
		}
	}
	return out, nil
}

// CheckWhere refuses a condition on an attribute no segment, case or
// source has (in any case), or a value the attribute never takes in the
// project, naming what there is: a typo would otherwise give an empty
// table that reads as a finding.
func (s *Store) CheckWhere(conds []AttrCondition) error {
	if len(conds) == 0 {
		return nil
	}
	attrs, err := s.AttributeValues()
	if err != nil {
		return err
	}
	for _, c := range conds {
		var found *AttributeValues
		for i := range attrs {
			if strings.EqualFold(attrs[i].Name, c.Name) {
				found = &attrs[i]
				break
			}
		}
		if found == nil {
			names := make([]string, len(attrs))
			for i, a := range attrs {
				names[i] = a.Name
			}
			return errorf(ErrNotFound, "where %s: no attribute %q (attributes: %s)", c.Spec(), corpus.Excerpt(c.Name), listOrNone(names))
		}
		for _, v := range c.Values {
			if v != "" && !slices.Contains(found.Values, v) {
				return errorf(ErrNotFound, "where %s: %s never has the value %q (values: %s)", c.Spec(), found.Name, corpus.Excerpt(v), valueList(found.Values))
			}
		}
	}
	return nil
}

// valueList lists values for an error line, the first ten.
func valueList(values []string) string {
	const most = 10
	if len(values) > most {
		return strings.Join(values[:most], ", ") + fmt.Sprintf(", … (%d in all)", len(values))
	}
	return listOrNone(values)
}

// SourceLabel names a source as an export may print it: its title (the
// lines before a transcript's first turn, or a title attribute), else
// its method, else "Survey" for a sheet and "Notes" for notes — never its
// name, which for notes is often the person's (the attribution fallback's
// rule). An unknown source is an error.
func (s *Store) SourceLabel(name string) (string, error) {
	var out string
	err := s.view(func(tx *bolt.Tx) error {
		src, err := findSource(tx, name)
		if err != nil {
			return err
		}
		value := func(n string) string { return attrValue(src.Attributes, n) }
		out = attributeOrFallback(fallbackTemplate, value, src.Format)
		if t := value("title"); t != "" {
			out = t
		}
		return nil
	})
	return out, err
}
