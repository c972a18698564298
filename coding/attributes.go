package coding

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
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
	rs := recs(tx)
	rs.eachCase(func(id CaseID, _ []byte) bool {
		c.note(lookup.caseAttrs(id), onCase)
		return true
	})
	maxCase := uint64(rs.maxCase())
	gen := uint64(0)
	cur := rs.segments()
	for sk, v := cur.first(); cur.holds(sk); sk, v = cur.next() {
		ref := sk.ref()
		rec, err := decodeSegment(v)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", ref, err)
		}
		c.note(rec.attrs, onSegment)
		gen++
		unit := uint64(rec.caseID)
		if unit == 0 {
			unit = maxCase + 1 + uint64(ref) // a segment with no case is its own case
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
