package coding

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// CodeID is a code's internal number. It never changes when a code is
// renamed or moved, so codings survive every reshaping of the codebook.
type CodeID uint32

// Code is one node of the codebook.
type Code struct {
	ID          CodeID
	Parent      CodeID // 0 for a theme (top-level code)
	Name        string
	Path        string // "Theme/Sub-code", derived from the tree
	Depth       int    // 0 for a theme
	Description string
	Include     string // inclusion note: when to apply it
	Exclude     string // exclusion note: when not to
	Color       string // "#rrggbb"; "" inherits the parent's
	Key         string // optional quick key
	// Group makes the code a code group (a facet such as Kirkpatrick): its
	// children are levels, which reports table together.
	Group bool
	// Exclusive (on a group) allows one level per passage: applying a level
	// replaces the coder's other levels on the passages it overlaps.
	Exclusive bool
	Order     int // position among its siblings
}

// codeRecord is how a code is stored (JSON: a codebook has tens of codes and
// is read once per change).
type codeRecord struct {
	Name        string `json:"name"`
	Parent      CodeID `json:"parent,omitempty"`
	Description string `json:"description,omitempty"`
	Include     string `json:"include,omitempty"`
	Exclude     string `json:"exclude,omitempty"`
	Color       string `json:"color,omitempty"`
	Key         string `json:"key,omitempty"`
	Group       bool   `json:"group,omitempty"`
	// Exclusive is written for every group. A group stored before it
	// existed (no "exclusive") meant exclusive levels, and still does:
	// projects made with the old pq template keep an exclusive Kirkpatrick
	// until it is edited (codebook edit Kirkpatrick --exclusive=false).
	Exclusive *bool `json:"exclusive,omitempty"`
	Order     int   `json:"order"`
}

func (c *Code) record() codeRecord {
	r := codeRecord{Name: c.Name, Parent: c.Parent, Description: c.Description, Include: c.Include,
		Exclude: c.Exclude, Color: c.Color, Key: c.Key, Group: c.Group, Order: c.Order}
	if c.Group {
		r.Exclusive = &c.Exclusive
	}
	return r
}

// exclusive is what a stored group means: its own flag, else (a record
// from before the flag) exclusive.
func (r *codeRecord) exclusive() bool {
	if !r.Group {
		return false
	}
	return r.Exclusive == nil || *r.Exclusive
}

func (c *Code) encode() []byte {
	b, _ := json.Marshal(c.record())
	return b
}

// Codebook is a snapshot of the code tree. It is never modified once built:
// a change to the codebook publishes a new one, so views may hold it freely.
type Codebook struct {
	codes    []*Code // tree order: depth first, siblings by Order then name
	byID     map[CodeID]*Code
	byPath   map[string]*Code
	byFold   map[string]*Code // lower-cased path → code, for forgiving lookups
	children map[CodeID][]*Code
}

// newCodebook builds the tree from stored codes, deriving paths and order.
func newCodebook(codes map[CodeID]*Code) (*Codebook, error) {
	b := &Codebook{
		byID:     make(map[CodeID]*Code, len(codes)),
		byPath:   make(map[string]*Code, len(codes)),
		byFold:   make(map[string]*Code, len(codes)),
		children: make(map[CodeID][]*Code),
	}
	for id, c := range codes {
		c.ID = id
		b.byID[id] = c
	}
	for _, c := range codes {
		if c.Parent != 0 && b.byID[c.Parent] == nil {
			return nil, errorf(errCorrupt, "code %q: parent %d missing", c.Name, c.Parent)
		}
		b.children[c.Parent] = append(b.children[c.Parent], c)
	}
	for _, kids := range b.children {
		sort.Slice(kids, func(i, j int) bool {
			if kids[i].Order != kids[j].Order {
				return kids[i].Order < kids[j].Order
			}
			return kids[i].Name < kids[j].Name
		})
	}
	var walk func(parent CodeID, prefix string, depth int)
	walk = func(parent CodeID, prefix string, depth int) {
		for _, c := range b.children[parent] {
			c.Path = prefix + c.Name
			c.Depth = depth
			b.codes = append(b.codes, c)
			b.byPath[c.Path] = c
			b.byFold[strings.ToLower(c.Path)] = c
			walk(c.ID, c.Path+"/", depth+1)
		}
	}
	walk(0, "", 0)
	if len(b.codes) != len(codes) {
		return nil, errorf(errCorrupt, "codebook has a cycle")
	}
	return b, nil
}

// add puts a new code (its ID, Parent, Name and Order set) into the tree
// where newCodebook would place it. Only an action's own codebook, never
// one that was published, is changed this way.
func (b *Codebook) add(c *Code) {
	parent := b.byID[c.Parent]
	c.Path, c.Depth = c.Name, 0
	if parent != nil {
		c.Path, c.Depth = parent.Path+"/"+c.Name, parent.Depth+1
	}
	kids := b.children[c.Parent]
	i := sort.Search(len(kids), func(i int) bool {
		if kids[i].Order != c.Order {
			return kids[i].Order > c.Order
		}
		return kids[i].Name > c.Name
	})
	b.children[c.Parent] = slices.Insert(kids, i, c)
	// In tree order it goes before its next sibling, or else after the
	// last of its parent's descendants.
	at := len(b.codes)
	if i < len(kids) {
		at = slices.Index(b.codes, kids[i])
	} else if parent != nil {
		at = slices.Index(b.codes, parent) + 1
		for at < len(b.codes) && b.codes[at].Depth > parent.Depth {
			at++
		}
	}
	b.codes = slices.Insert(b.codes, at, c)
	b.byID[c.ID] = c
	b.byPath[c.Path] = c
	// Of two paths that fold alike, the later in tree order answers.
	fold := strings.ToLower(c.Path)
	if other, ok := b.byFold[fold]; !ok || slices.Index(b.codes, other) < at {
		b.byFold[fold] = c
	}
}

// Len is the number of codes.
func (b *Codebook) Len() int { return len(b.codes) }

// Codes lists every code in tree order (a parent before its children).
func (b *Codebook) Codes() []Code {
	out := make([]Code, len(b.codes))
	for i, c := range b.codes {
		out[i] = *c
	}
	return out
}

// Code returns the code with the given id.
func (b *Codebook) Code(id CodeID) (Code, bool) {
	c, ok := b.byID[id]
	if !ok {
		return Code{}, false
	}
	return *c, true
}

// Lookup finds a code by path. An exact match wins; otherwise the path is
// matched ignoring case, so "barriers/workload and time" finds the code.
func (b *Codebook) Lookup(path string) (Code, bool) {
	path = CleanPath(path)
	if c, ok := b.byPath[path]; ok {
		return *c, true
	}
	if c, ok := b.byFold[strings.ToLower(path)]; ok {
		return *c, true
	}
	return Code{}, false
}

// Children lists a code's direct children in order; Children(0) lists the themes.
func (b *Codebook) Children(id CodeID) []Code {
	kids := b.children[id]
	out := make([]Code, len(kids))
	for i, c := range kids {
		out[i] = *c
	}
	return out
}

// Subtree lists a code and all its descendants, in tree order.
func (b *Codebook) Subtree(id CodeID) []CodeID {
	var out []CodeID
	var walk func(CodeID)
	walk = func(id CodeID) {
		out = append(out, id)
		for _, c := range b.children[id] {
			walk(c.ID)
		}
	}
	if _, ok := b.byID[id]; ok {
		walk(id)
	}
	return out
}

// IsLeaf tells whether a code has no children.
func (b *Codebook) IsLeaf(id CodeID) bool { return len(b.children[id]) == 0 }

// Ancestors lists a code's parents from the nearest to the theme.
func (b *Codebook) Ancestors(id CodeID) []CodeID {
	var out []CodeID
	for c := b.byID[id]; c != nil && c.Parent != 0; c = b.byID[c.Parent] {
		out = append(out, c.Parent)
	}
	return out
}

// GroupOf returns the code group whose levels include id (its parent, when
// that parent is a group).
func (b *Codebook) GroupOf(id CodeID) (Code, bool) {
	c := b.byID[id]
	if c == nil || c.Parent == 0 {
		return Code{}, false
	}
	p := b.byID[c.Parent]
	if p == nil || !p.Group {
		return Code{}, false
	}
	return *p, true
}

// ExclusiveGroupOf returns id's code group when that group is exclusive:
// then applying id replaces the coder's other levels on the passages it
// overlaps.
func (b *Codebook) ExclusiveGroupOf(id CodeID) (Code, bool) {
	g, ok := b.GroupOf(id)
	if !ok || !g.Exclusive {
		return Code{}, false
	}
	return g, true
}

// Overlaps tells whether two passages of one segment share text: the whole
// segment overlaps every passage (a segment is never empty).
func (s Span) Overlaps(o Span) bool {
	if s.Whole() || o.Whole() {
		return true
	}
	return s.Start < o.End && o.Start < s.End
}

// Theme returns the top-level code above id (id itself for a theme).
func (b *Codebook) Theme(id CodeID) Code {
	c := b.byID[id]
	for c != nil && c.Parent != 0 {
		c = b.byID[c.Parent]
	}
	if c == nil {
		return Code{}
	}
	return *c
}

// ColorOf is the code's colour, inherited from the nearest ancestor that has one.
func (b *Codebook) ColorOf(id CodeID) string {
	for c := b.byID[id]; c != nil; c = b.byID[c.Parent] {
		if c.Color != "" {
			return c.Color
		}
	}
	return ""
}

// Match lists the codes whose path starts with prefix (a code and its
// descendants), the way --codes PREFIX selects them. An empty prefix matches
// every code.
func (b *Codebook) Match(prefix string) ([]CodeID, error) {
	if CleanPath(prefix) == "" {
		ids := make([]CodeID, len(b.codes))
		for i, c := range b.codes {
			ids[i] = c.ID
		}
		return ids, nil
	}
	c, ok := b.Lookup(prefix)
	if !ok {
		return nil, errorf(ErrNotFound, "no code %q", prefix)
	}
	return b.Subtree(c.ID), nil
}

// CleanPath trims spaces around each part of a code path and drops empty
// parts, so " Barriers / Funding " names "Barriers/Funding".
func CleanPath(path string) string {
	parts := strings.Split(path, "/")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "/")
}

func (s *Store) loadCodebook(tx *bolt.Tx) error {
	b, err := readCodebook(tx)
	if err != nil {
		return err
	}
	s.publish(b)
	return nil
}

func readCodebook(tx *bolt.Tx) (*Codebook, error) {
	codes := map[CodeID]*Code{}
	err := recs(tx).eachCode(func(id CodeID, v []byte) error {
		var r codeRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return errorf(errCorrupt, "code %d", id)
		}
		codes[id] = &Code{Name: r.Name, Parent: r.Parent, Description: r.Description,
			Include: r.Include, Exclude: r.Exclude, Color: r.Color, Key: r.Key, Group: r.Group, Exclusive: r.exclusive(), Order: r.Order}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return newCodebook(codes)
}

// Codebook returns the current codebook snapshot.
func (s *Store) Codebook() *Codebook {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.book
}
