package coding

import (
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/coding/agreement"
)

// UnitScope says which segments are the units of an agreement computation.
type UnitScope string

// Unit scopes (DESIGN.md, "Agreement definitions").
const (
	// UnitsReviewed (the default): the segments every compared coder
	// reviewed — coded with anything, or marked "reviewed, nothing
	// applies". A segment one coder was never given is not a unit.
	UnitsReviewed UnitScope = "reviewed"
	// UnitsAll: every segment of the compared sources; a segment no compared
	// coder touched counts as agreement on "not coded".
	UnitsAll UnitScope = "all"
	// UnitsCoded: the segments at least one compared coder coded with
	// anything (any code, in scope or not).
	UnitsCoded UnitScope = "coded"
	// UnitsSample: the segments of a named sample (AgreeQuery.Sample)
	// that every compared coder has reviewed: a sample segment one of them
	// has not read yet would count as agreement on "not coded".
	// Agreement.SampleSize says how many the sample holds.
	UnitsSample UnitScope = "sample"
)

// ParseUnitScope reads --units: reviewed, coded or all ("" is reviewed).
func ParseUnitScope(v string) (UnitScope, error) {
	switch u := UnitScope(v); u {
	case "":
		return UnitsReviewed, nil
	case UnitsReviewed, UnitsCoded, UnitsAll:
		return u, nil
	}
	return "", errorf(ErrInvalidInput, "units %q: use reviewed, coded or all", v)
}

// AgreeQuery selects what Agreement compares. Zero fields take defaults.
type AgreeQuery struct {
	// Coders to compare, at least two; nil: every coder with at least one
	// coding or review mark except consensus, by name.
	Coders []string
	Units  UnitScope       // "" means UnitsReviewed; Sample sets UnitsSample
	Sample string          // the units are this sample's segments
	Codes  string          // a code path: that code and its descendants; "" every code
	Source string          // only this source's segments (by name); "" every source
	Where  []AttrCondition // only segments that meet every condition
}

// Agreement is inter-coder agreement per code and pooled over the leaf
// codes in scope. Its JSON is DESIGN.md's `agree` shape.
type Agreement struct {
	Coders    []string        `json:"coders"`
	Units     int             `json:"units"`
	UnitScope UnitScope       `json:"unit_scope"`
	Sample    string          `json:"sample,omitempty"`
	Source    string          `json:"source,omitempty"`
	Where     []AttrCondition `json:"where,omitempty"`
	Coded     map[string]int  `json:"coded"` // units each coder coded with anything
	// Reviewed counts the units each coder reviewed (coded or marked); on
	// a sample, the sample's segments each coder reviewed (of SampleSize).
	Reviewed map[string]int `json:"reviewed"`
	// SampleSize is the number of the sample's segments in scope; Units
	// are those every compared coder reviewed.
	SampleSize int             `json:"sample_segments,omitempty"`
	Codes      []CodeAgreement `json:"codes"` // every code in scope, tree order
	Overall    Overall         `json:"overall"`
}

// CodeAgreement is agreement on one code: a coder's value on a unit is 1
// when they applied the code or any descendant anywhere in the segment.
type CodeAgreement struct {
	Code  CodeID `json:"-"`
	Path  string `json:"path"`
	Depth int    `json:"-"`    // 0 for a theme, for indenting
	Leaf  bool   `json:"leaf"` // leaves are what Overall pools
	agreement.Metrics
	// Units is the number of units (the same for every code); Used, the
	// units where at least one coder applied the code: a 99 % agreement
	// on a code used on 2 of 200 units says little.
	Units int `json:"units"`
	Used  int `json:"used"`
	// Disagreements counts units where the coders' values differ.
	Disagreements int `json:"disagreements"`
	// Applied counts, per coder, the units with value 1.
	Applied map[string]int `json:"applied"`
}

// Overall pools the (unit, code) pairs of the leaf codes in scope.
type Overall struct {
	agreement.Metrics
	Pairs         int `json:"pairs"`         // units × leaf codes
	Used          int `json:"used"`          // pairs where at least one coder applied the code
	Disagreements int `json:"disagreements"` // pairs where the coders differ
}

// Agreement computes agreement between coders per code, from the bycoder
// index: one cursor walk per coder fills a bitset over segments per code,
// parents take the union of their subtree, and agreement.Tally counts the
// bitsets 64 units at a time.
func (s *Store) Agreement(q AgreeQuery) (Agreement, error) {
	book := s.Codebook()
	out := Agreement{Source: q.Source, Where: q.Where, Sample: q.Sample, Coded: map[string]int{}, Reviewed: map[string]int{}, Codes: []CodeAgreement{}}
	if err := s.CheckWhere(q.Where); err != nil {
		return out, err
	}
	var err error
	if out.UnitScope, err = unitScope(q.Units, q.Sample); err != nil {
		return out, err
	}
	scope, err := book.Match(q.Codes)
	if err != nil {
		return out, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		names, ids, err := s.comparedCoders(tx, q.Coders)
		if err != nil {
			return err
		}
		out.Coders = names
		units, err := unitSet(tx, q.Source, q.Where)
		if err != nil {
			return err
		}
		size := len(units) * 64

		// index maps a CodeID to its position in scope (+1; 0: out of scope).
		var maxCode CodeID
		for _, c := range book.codes {
			maxCode = max(maxCode, c.ID)
		}
		index := make([]int32, maxCode+1)
		for i, id := range scope {
			index[id] = int32(i + 1)
		}
		m := len(ids)
		own := make([][]agreement.Bitset, len(scope)) // own[code][coder]; nil until used
		coded := make([]agreement.Bitset, m)
		for c, coder := range ids {
			coded[c] = agreement.NewBitset(size)
			walkByCoder(tx, coder, func(seg SegRef, code CodeID) {
				u := int(seg)
				if !units.Has(u) {
					return
				}
				coded[c].Set(u)
				if int(code) >= len(index) || index[code] == 0 {
					return
				}
				i := index[code] - 1
				if own[i] == nil {
					own[i] = make([]agreement.Bitset, m)
				}
				if own[i][c] == nil {
					own[i][c] = agreement.NewBitset(size)
				}
				own[i][c].Set(u)
			})
		}
		reviewed := make([]agreement.Bitset, m)
		for c, coder := range ids {
			reviewed[c] = slices.Clone(coded[c])
			walkMarks(tx, coder, func(seg SegRef) {
				if units.Has(int(seg)) {
					reviewed[c].Set(int(seg))
				}
			})
		}
		mask, err := unitMask(tx, out.UnitScope, q.Sample, units, coded, reviewed)
		if err != nil {
			return err
		}
		out.Units = mask.Count()
		reviewedIn := mask
		if out.UnitScope == UnitsSample {
			if reviewedIn, err = sampleBits(tx, q.Sample, size); err != nil {
				return err
			}
			reviewedIn.And(units)
			out.SampleSize = reviewedIn.Count()
		}
		for c := range coded {
			coded[c].And(mask)
			reviewed[c].And(reviewedIn)
			out.Coded[names[c]] = coded[c].Count()
			out.Reviewed[names[c]] = reviewed[c].Count()
		}

		// Parents after children: walk scope backwards (tree order puts a
		// parent before its descendants), folding each code's sets into
		// its parent's, in place.
		out.Codes = make([]CodeAgreement, len(scope))
		pooled := agreement.NewBinary(m)
		for i := len(scope) - 1; i >= 0; i-- {
			c := book.byID[scope[i]]
			sets := own[i]
			if sets == nil {
				sets = make([]agreement.Bitset, m)
			}
			b := agreement.Tally(mask, sets)
			ca := CodeAgreement{Code: c.ID, Path: c.Path, Depth: c.Depth, Leaf: book.IsLeaf(c.ID),
				Metrics: b.Metrics(), Units: int(b.Units()), Used: int(b.Units() - b.Hist[0]),
				Disagreements: int(b.Disagreements()), Applied: map[string]int{}}
			for k, n := range b.Ones {
				ca.Applied[names[k]] = int(n)
			}
			out.Codes[i] = ca
			if ca.Leaf {
				pooled.Add(b)
			}
			if p := index[c.Parent]; c.Parent != 0 && p != 0 {
				if own[p-1] == nil {
					own[p-1] = make([]agreement.Bitset, m)
				}
				for k, set := range sets {
					switch {
					case set == nil:
					case own[p-1][k] == nil:
						own[p-1][k] = set // no longer needed by code i: hand it on
					default:
						own[p-1][k].Or(set)
					}
				}
			}
			own[i] = nil
		}
		out.Overall = Overall{Metrics: pooled.Metrics(), Pairs: int(pooled.Units()), Disagreements: int(pooled.Disagreements())}
		if len(pooled.Hist) > 0 {
			out.Overall.Used = int(pooled.Units() - pooled.Hist[0])
		}
		return nil
	})
	return out, err
}

// unitScope settles the units asked for: a sample sets them; otherwise
// --units, reviewed by default.
func unitScope(units UnitScope, sample string) (UnitScope, error) {
	if sample != "" {
		if units != "" && units != UnitsSample {
			return "", errorf(ErrInvalidInput, "a sample sets the units: leave out units %q", units)
		}
		return UnitsSample, nil
	}
	if units == UnitsSample {
		return "", errorf(ErrInvalidInput, "units sample: name the sample")
	}
	return ParseUnitScope(string(units))
}

// unitMask is the set of units among base (every segment, or a source's):
// the segments every compared coder reviewed, some compared coder coded,
// all of them, or a sample's. coded and reviewed are per compared coder.
func unitMask(tx *bolt.Tx, scope UnitScope, sample string, base agreement.Bitset, coded, reviewed []agreement.Bitset) (agreement.Bitset, error) {
	mask := slices.Clone(base)
	switch scope {
	case UnitsCoded:
		any := agreement.NewBitset(len(base) * 64)
		for _, set := range coded {
			any.Or(set)
		}
		mask.And(any)
	case UnitsReviewed:
		for _, set := range reviewed {
			mask.And(set)
		}
	case UnitsSample:
		set, err := sampleBits(tx, sample, len(base)*64)
		if err != nil {
			return nil, err
		}
		mask.And(set)
		for _, set := range reviewed {
			mask.And(set)
		}
	}
	return mask, nil
}

// comparedCoders resolves the coders to compare: the named ones, or by
// default every coder with a coding or review mark except consensus.
func (s *Store) comparedCoders(tx *bolt.Tx, names []string) ([]string, []CoderID, error) {
	if names == nil {
		names = s.activeCoders(tx)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return nil, nil, errorf(ErrInvalidInput, "coder %q is named twice", n)
		}
		seen[n] = true
	}
	if len(names) < 2 {
		have := s.activeCoders(tx)
		return nil, nil, errorf(ErrInvalidInput, "agreement needs at least two coders (coders with codings or review marks: %s)", listOrNone(have))
	}
	ids, err := s.coderIDs(tx, names)
	if err != nil {
		return nil, nil, err
	}
	return names, ids, nil
}

// activeCoders lists, by name, the coders (isCoder) other than consensus —
// the people whose work is compared by default. (Every actor is in the
// coders bucket, so "all coders" would include whoever imported.)
func (s *Store) activeCoders(tx *bolt.Tx) []string {
	var out []string
	for _, name := range s.codingCoders(tx) {
		if name != Consensus && name != "" {
			out = append(out, name)
		}
	}
	return out
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// unitSet marks every segment of a source (by name), or of the project,
// that meets where.
func unitSet(tx *bolt.Tx, source string, where []AttrCondition) (agreement.Bitset, error) {
	rs := recs(tx)
	size := int(rs.maxSegment()) + 1
	set := agreement.NewBitset(size)
	if len(where) > 0 {
		scope, err := whereScope(tx, source, where)
		if err != nil {
			return nil, err
		}
		scope.each(func(ref SegRef) { set.Set(int(ref)) })
		return set, nil
	}
	if source == "" {
		c := rs.segments()
		for sk, _ := c.first(); c.holds(sk); sk, _ = c.next() {
			ref := sk.ref()
			set.Set(int(ref))
		}
		return set, nil
	}
	src, err := findSource(tx, source)
	if err != nil {
		return nil, err
	}
	rs.eachSegmentOf(&src, func(ref SegRef) { set.Set(int(ref)) })
	return set, nil
}
