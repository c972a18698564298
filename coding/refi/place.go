package refi

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// placed is where a segment's text sits in its source's text, in code
// points: [start, end). pos, when set, gives the place of each of the
// segment's code points (the text was found with different spacing);
// nil means they follow one another from start.
type placed struct {
	start, end int
	pos        []int32
	ok         bool
}

// at is the source position of the segment's i-th code point.
func (p placed) at(i int) int {
	if p.pos == nil {
		return p.start + i
	}
	return int(p.pos[i])
}

// length is the segment's length in code points.
func (p placed) length() int {
	if p.pos == nil {
		return p.end - p.start
	}
	return len(p.pos)
}

// cut returns the part of the segment that source positions [s, e)
// cover, in the segment's code points [a, b); ok is false when they
// cover none of it.
func (p placed) cut(s, e int) (a, b int, ok bool) {
	n := p.length()
	a = sort.Search(n, func(i int) bool { return p.at(i) >= s })
	b = sort.Search(n, func(i int) bool { return p.at(i) >= e })
	return a, b, a < b
}

// placeAll finds each text in the source text, in order, each after the
// one before: exactly where it can, else code point by code point with
// the spacing allowed to differ (notes join a turn's lines and trim their
// ends). A text not found is not placed; the next is looked for after the
// last one placed.
func placeAll(source string, texts []string) []placed {
	out := make([]placed, len(texts))
	bc, rc := 0, 0 // cursor: bytes and code points into source
	for i, t := range texts {
		if t == "" {
			continue
		}
		if j := strings.Index(source[bc:], t); j >= 0 {
			start := rc + utf8.RuneCountInString(source[bc:bc+j])
			end := start + utf8.RuneCountInString(t)
			out[i] = placed{start: start, end: end, ok: true}
			bc, rc = bc+j+len(t), end
			continue
		}
		if p, nb, ok := placeLoose(source, bc, rc, t); ok {
			out[i] = p
			bc, rc = nb, p.end
		}
	}
	return out
}

// placeLoose looks for t from byte bc (code point rc) of source, matching
// its non-space code points in order and letting any run of spaces differ.
// It tries each place where t's first word starts, up to a few hundred.
func placeLoose(source string, bc, rc int, t string) (placed, int, bool) {
	first := t
	if i := strings.IndexFunc(t, unicode.IsSpace); i > 0 {
		first = t[:i]
	}
	for tries := 0; tries < 256; tries++ {
		j := strings.Index(source[bc:], first)
		if j < 0 {
			return placed{}, 0, false
		}
		rc += utf8.RuneCountInString(source[bc : bc+j])
		bc += j
		if p, end, ok := matchLoose(source, bc, rc, t); ok {
			return p, end, true
		}
		_, size := utf8.DecodeRuneInString(source[bc:])
		bc, rc = bc+size, rc+1
	}
	return placed{}, 0, false
}

// matchLoose matches t at byte bc (code point rc) of source.
func matchLoose(source string, bc, rc int, t string) (placed, int, bool) {
	pos := make([]int32, 0, len(t))
	last := rc - 1
	for _, r := range t {
		if unicode.IsSpace(r) {
			// Spacing of the segment's own: placed after what came before.
			pos = append(pos, int32(last+1))
			continue
		}
		for bc < len(source) {
			sr, size := utf8.DecodeRuneInString(source[bc:])
			if sr == r {
				break
			}
			if !unicode.IsSpace(sr) || len(pos) == 0 {
				return placed{}, 0, false
			}
			bc, rc = bc+size, rc+1
		}
		if bc >= len(source) {
			return placed{}, 0, false
		}
		pos = append(pos, int32(rc))
		last = rc
		_, size := utf8.DecodeRuneInString(source[bc:])
		bc, rc = bc+size, rc+1
	}
	return placed{start: int(pos[0]), end: last + 1, pos: pos, ok: true}, bc, true
}
