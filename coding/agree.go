package coding

import (
	"bytes"
	"encoding/binary"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/coding/agreement"
)

// UnitScope says which segments are the units of an agreement computation.
type UnitScope string

// Unit scopes (DESIGN.md, "Agreement definitions").
const (
	// UnitsAll: every segment of the compared sources; a segment no compared
	// coder touched counts as agreement on "not coded".
	UnitsAll UnitScope = "all"
	// UnitsCoded: the segments at least one compared coder coded with
	// anything (any code, in scope or not), i.e. the sample they worked on.
	UnitsCoded UnitScope = "coded"
)

// AgreeQuery selects what Agreement compares. Zero fields take defaults.
type AgreeQuery struct {
	// Coders to compare, at least two; nil: every coder with at least one
	// coding except consensus, by name.
	Coders []string
	Units  UnitScope // "" means UnitsAll
	Codes  string    // a code path: that code and its descendants; "" every code
	Source string    // only this source's segments (by name); "" every source
}

// Agreement is inter-coder agreement per code and pooled over the leaf
// codes in scope. Its JSON is DESIGN.md's `agree` shape.
type Agreement struct {
	Coders    []string        `json:"coders"`
	Units     int             `json:"units"`
	UnitScope UnitScope       `json:"unit_scope"`
	Source    string          `json:"source,omitempty"`
	Coded     map[string]int  `json:"coded"` // units each coder coded with anything
	Codes     []CodeAgreement `json:"codes"` // every code in scope, tree order
	Overall   Overall         `json:"overall"`
}

// CodeAgreement is agreement on one code: a coder's value on a unit is 1
// when they applied the code or any descendant anywhere in the segment.
type CodeAgreement struct {
	Code  CodeID `json:"-"`
	Path  string `json:"path"`
	Depth int    `json:"-"`    // 0 for a theme, for indenting
	Leaf  bool   `json:"leaf"` // leaves are what Overall pools
	agreement.Metrics
	// Disagreements counts units where the coders' values differ.
	Disagreements int `json:"disagreements"`
	// Applied counts, per coder, the units with value 1.
	Applied map[string]int `json:"applied"`
}

// Overall pools the (unit, code) pairs of the leaf codes in scope.
type Overall struct {
	agreement.Metrics
	Pairs         int `json:"pairs"`         // units × leaf codes
	Disagreements int `json:"disagreements"` // pairs where the coders differ
}

// Agreement computes agreement between coders per code, from the bycoder
// index: one cursor walk per coder fills a bitset over segments per code,
// parents take the union of their subtree, and agreement.Tally counts the
// bitsets 64 units at a time.
func (s *Store) Agreement(q AgreeQuery) (Agreement, error) {
	book := s.Codebook()
	out := Agreement{UnitScope: q.Units, Source: q.Source, Coded: map[string]int{}, Codes: []CodeAgreement{}}
	if out.UnitScope == "" {
		out.UnitScope = UnitsAll
	}
	if out.UnitScope != UnitsAll && out.UnitScope != UnitsCoded {
		return out, errorf(ErrInvalidInput, "units %q: use all or coded", q.Units)
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
		units, err := unitSet(tx, q.Source)
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
		mask := units
		if out.UnitScope == UnitsCoded {
			mask = agreement.NewBitset(size)
			for _, set := range coded {
				mask.Or(set)
			}
		}
		out.Units = mask.Count()
		for c, set := range coded {
			out.Coded[names[c]] = set.Count()
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
				Metrics: b.Metrics(), Disagreements: int(b.Disagreements()), Applied: map[string]int{}}
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
		return nil
	})
	return out, err
}

// comparedCoders resolves the coders to compare: the named ones, or by
// default every coder with a coding except consensus.
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
		return nil, nil, errorf(ErrInvalidInput, "agreement needs at least two coders (coders with codings: %s)", listOrNone(have))
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

// unitSet marks every segment of a source (by name), or of the project.
func unitSet(tx *bolt.Tx, source string) (agreement.Bitset, error) {
	size := int(tx.Bucket(bktSegments).Sequence()) + 1
	set := agreement.NewBitset(size)
	if source == "" {
		c := tx.Bucket(bktSegments).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			set.Set(int(getU64(k)))
		}
		return set, nil
	}
	src, err := findSource(tx, source)
	if err != nil {
		return nil, err
	}
	prefix := u64(uint64(src.ID))
	c := tx.Bucket(bktBySource).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		set.Set(int(getU64(k[8:])))
	}
	return set, nil
}

// walkByCoder calls fn for every coding of one coder, in segment order,
// decoding only what agreement needs.
func walkByCoder(tx *bolt.Tx, coder CoderID, fn func(SegRef, CodeID)) {
	c := tx.Bucket(bktByCoder).Cursor()
	for k, _ := c.Seek(u32(uint32(coder))); len(k) == codingKeyLen && CoderID(binary.BigEndian.Uint32(k)) == coder; k, _ = c.Next() {
		fn(SegRef(binary.BigEndian.Uint64(k[4:])), CodeID(binary.BigEndian.Uint32(k[12:])))
	}
}
