package coding

import (
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Attribute names match whatever their case: a sheet's "Role" column and a
// front matter's "role" are one attribute, and `--by role` finds both. The
// store keeps each spelling as it came (an undo must give back the bytes it
// took), so the matching happens here, once, for every lookup by name: a
// name resolves to the interned ids of all its spellings, and a record's
// pair matches when its name is any of them. Values still match exactly:
// "LA01" and "la01" are different values, which `qcode attributes` points
// out so that they can be merged.

// spellings returns the interned ids of every string equal to name under
// Unicode simple case folding (strings.EqualFold), exact spelling or not.
// It seeks the sorted strix index one rune at a time, trying each case of
// the rune and going deeper only where some string starts so, so the cost
// follows the spellings that exist, not the size of the index. Ids of
// values that happen to be spelt like the name are harmless: a pair
// matches on its name id only.
func spellings(tx *bolt.Tx, name string) []uint64 {
	ix := recs(tx).strIndex()
	var out []uint64
	starts := ix.startsWith
	var walk func(prefix []byte, rest string)
	walk = func(prefix []byte, rest string) {
		if rest == "" {
			if id, ok := ix.id(prefix); ok {
				out = append(out, id)
			}
			return
		}
		r, size := utf8.DecodeRuneInString(rest)
		if r == utf8.RuneError && size <= 1 {
			next := append(prefix[:len(prefix):len(prefix)], rest[0])
			if starts(next) {
				walk(next, rest[1:])
			}
			return
		}
		for _, f := range foldOrbit(r) {
			next := utf8.AppendRune(prefix[:len(prefix):len(prefix)], f)
			if starts(next) {
				walk(next, rest[size:])
			}
		}
	}
	if name == "" {
		return nil
	}
	walk(make([]byte, 0, len(name)+4), name)
	return out
}

// foldOrbit lists the runes equal to r under simple case folding, r first
// ('k' gives k, K and the Kelvin sign).
func foldOrbit(r rune) []rune {
	out := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		out = append(out, f)
	}
	return out
}

// foldName is a key equal for names that strings.EqualFold finds equal:
// each rune replaced by the smallest rune of its fold orbit.
func foldName(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || ('a' <= s[i] && s[i] <= 'z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s // no lower-case letter to fold: upper case is the smallest
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b = utf8.AppendRune(b, m)
	}
	return string(b)
}

// nameIDs is an attribute name resolved to the ids of its spellings.
type nameIDs []uint64

// has tells whether id is one of the spellings.
func (n nameIDs) has(id uint64) bool {
	for _, x := range n {
		if x == id {
			return true
		}
	}
	return false
}

// nameIndex resolves attribute names within one transaction, caching what
// it learns: names to the ids of their spellings, and ids to their fold key.
type nameIndex struct {
	tx    *bolt.Tx
	in    *interner
	names map[string]nameIDs
	folds map[uint64]string
}

func newNameIndex(tx *bolt.Tx, in *interner) *nameIndex {
	return &nameIndex{tx: tx, in: in, names: map[string]nameIDs{}, folds: map[uint64]string{}}
}

// ids returns the spellings of name (nil when the project has none).
func (x *nameIndex) ids(name string) nameIDs {
	if ids, ok := x.names[name]; ok {
		return ids
	}
	ids := nameIDs(spellings(x.tx, name))
	x.names[name] = ids
	return ids
}

// fold returns the fold key of the interned string id.
func (x *nameIndex) fold(id uint64) string {
	if f, ok := x.folds[id]; ok {
		return f
	}
	f := foldName(x.in.str(id))
	x.folds[id] = f
	return f
}

// respellNames gives each new pair the name's spelling an existing pair
// has when the two differ only in case, so that setting "Role" on a record
// that has "role" replaces its value instead of adding a second, shadowed
// spelling.
func respellNames(in *interner, pairs, existing []strPair) {
	for i := range pairs {
		for _, e := range existing {
			if e.name != pairs[i].name && foldName(in.str(e.name)) == foldName(in.str(pairs[i].name)) {
				pairs[i].name = e.name
				break
			}
		}
	}
}
