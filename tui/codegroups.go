package tui

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"

	"qcode/coding"
)

// Digits number at most ten codes. So that every code is a digit away, ]
// and [ step through groups of sibling codes: the children of one parent,
// ten at a time (a theme of twelve codes is two groups, of ten and of
// two). The steps visit, in the codebook's order, every parent with a leaf
// among its children — so every leaf is in some group — and, before the
// first and after the last, every theme as a tree (the panel's first view).

// groupSize is how many codes one group holds: the digits 1–9 and 0.
const groupSize = 10

// codeGroup is the chunk-th run of ten children of parent (0: the top
// level).
type codeGroup struct {
	parent coding.CodeID
	chunk  int
}

// codes are the group's codes, in the codebook's order.
func (g codeGroup) codes(book *coding.Codebook) []coding.Code {
	kids := book.Children(g.parent)
	lo := min(len(kids), g.chunk*groupSize)
	return kids[lo:min(len(kids), lo+groupSize)]
}

// chunks is how many groups the parent's children make.
func chunks(book *coding.Codebook, parent coding.CodeID) int {
	return ceilDiv(len(book.Children(parent)), groupSize)
}

// title names the group in at most w cells: the parent's path (or "Top
// level"), and which of its codes the group holds when it has more than
// ten ("Barriers · 11–12 of 12"); the path is cut first.
func (g codeGroup) title(book *coding.Codebook, w int) string {
	name := "Top level"
	if c, ok := book.Code(g.parent); ok {
		name = c.Path
	}
	n := len(book.Children(g.parent))
	if n <= groupSize {
		return ansi.Truncate(name, max(1, w), "…")
	}
	part := fmt.Sprintf(" · %d–%d of %d", g.chunk*groupSize+1, min(n, (g.chunk+1)*groupSize), n)
	room := w - ansi.StringWidth(part)
	if room < 4 {
		return ansi.Truncate(name+part, max(1, w), "…")
	}
	return ansi.Truncate(name, room, "…") + part
}

// valid is the group as it stands after the codebook changed: nil when
// its parent went or has no children now, its last chunk when it had
// more.
func (g *codeGroup) valid(book *coding.Codebook) *codeGroup {
	if _, ok := book.Code(g.parent); !ok && g.parent != 0 {
		return nil
	}
	n := chunks(book, g.parent)
	if n == 0 {
		return nil
	}
	return &codeGroup{g.parent, min(g.chunk, n-1)}
}

// up is the group above: the one its parent is in, or (from a theme's
// group, or the top level's) nil, every theme.
func (g codeGroup) up(book *coding.Codebook) *codeGroup {
	c, ok := book.Code(g.parent)
	if !ok || c.Parent == 0 {
		return nil
	}
	for i, sib := range book.Children(c.Parent) {
		if sib.ID == c.ID {
			return &codeGroup{c.Parent, i / groupSize}
		}
	}
	return nil
}

// digitGroups are the groups ] steps through, in the codebook's order
// (a parent's group before its sub-codes' groups), with each parent's
// position in that order (the top level first, at -1) for placing a group
// entered by hand among them.
func digitGroups(book *coding.Codebook) (seq []codeGroup, pos map[coding.CodeID]int) {
	pos = map[coding.CodeID]int{0: -1}
	var walk func(id coding.CodeID)
	walk = func(id coding.CodeID) {
		kids := book.Children(id)
		leaf := false
		for _, k := range kids {
			leaf = leaf || book.IsLeaf(k.ID)
		}
		if leaf {
			for c := range chunks(book, id) {
				seq = append(seq, codeGroup{id, c})
			}
		}
		for _, k := range kids {
			if !book.IsLeaf(k.ID) {
				pos[k.ID] = len(pos)
				walk(k.ID)
			}
		}
	}
	walk(0)
	return seq, pos
}

// stepGroup is the group after (d=1) or before (d=-1) cur (nil: every
// theme), wrapping through every theme. A group entered by hand (a
// parent with no leaf, from the panel) steps to its neighbours in the
// codebook's order.
func stepGroup(book *coding.Codebook, cur *codeGroup, d int) *codeGroup {
	seq, pos := digitGroups(book)
	if len(seq) == 0 {
		return nil
	}
	if cur == nil {
		if d > 0 {
			return &seq[0]
		}
		return &seq[len(seq)-1]
	}
	before := func(a, b codeGroup) bool {
		return pos[a.parent] < pos[b.parent] || pos[a.parent] == pos[b.parent] && a.chunk < b.chunk
	}
	if d > 0 {
		for i := range seq {
			if before(*cur, seq[i]) {
				return &seq[i]
			}
		}
		return nil
	}
	for i := len(seq) - 1; i >= 0; i-- {
		if before(seq[i], *cur) {
			return &seq[i]
		}
	}
	return nil
}
