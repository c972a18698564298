package coding

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
	"qcode/corpus/printable"
)

// CodeDetails are a code's editable fields other than its place in the tree.
type CodeDetails struct {
	Description string
	Include     string
	Exclude     string
	Color       string
	Key         string
	Group       bool // a code group: its children are levels
	Exclusive   bool // one level per passage (makes the code a group)
}

func (d CodeDetails) apply(c *Code) {
	c.Description, c.Include, c.Exclude, c.Color, c.Key, c.Group = d.Description, d.Include, d.Exclude, d.Color, d.Key, d.Group || d.Exclusive
	c.Exclusive = d.Exclusive
}

// Details returns a code's editable fields.
func (c Code) Details() CodeDetails {
	return CodeDetails{Description: c.Description, Include: c.Include, Exclude: c.Exclude, Color: c.Color, Key: c.Key, Group: c.Group, Exclusive: c.Exclusive}
}

// checkName tells whether name can name a code.
func checkName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errorf(ErrInvalidInput, "a code needs a name")
	case strings.Contains(name, "/"):
		return errorf(ErrInvalidInput, "code name %q: \"/\" separates levels of a path", corpus.Excerpt(name))
	case name != strings.TrimSpace(name):
		return errorf(ErrInvalidInput, "code name %q has surrounding spaces", corpus.Excerpt(name))
	}
	// A code name is printed everywhere (tables, reports, the TUI): a
	// control character in it would act on the terminal.
	if _, r, bad := printable.Find(name); bad || strings.ContainsAny(name, "\n\t") {
		if !bad {
			r = rune(name[strings.IndexAny(name, "\n\t")])
		}
		return errorf(ErrInvalidInput, "code name %q holds a control character (%U): code names are plain text on one line", corpus.Excerpt(name), r)
	}
	return nil
}

// book returns the codebook as this transaction sees it. It is read once
// and kept while codes are only created (createCode adds to it), so that
// an import or merge that creates thousands of codes does not decode every
// code again for each new one; any other change to a code drops it.
func (a *action) book() (*Codebook, error) {
	if a.codebook == nil {
		b, err := readCodebook(a.tx)
		if err != nil {
			return nil, err
		}
		a.codebook = b
	}
	return a.codebook, nil
}

// sibling finds a child of parent named name, ignoring case.
func sibling(b *Codebook, parent CodeID, name string) (Code, bool) {
	for _, c := range b.children[parent] {
		if strings.EqualFold(c.Name, name) {
			return *c, true
		}
	}
	return Code{}, false
}

// createCode adds a code under parent at the end of its siblings.
func (a *action) createCode(b *Codebook, parent CodeID, name string, d CodeDetails) (CodeID, error) {
	if err := checkName(name); err != nil {
		return 0, err
	}
	if _, clash := sibling(b, parent, name); clash {
		return 0, errorf(ErrConflict, "code %q exists already", name)
	}
	seq, err := recs(a.tx).nextCodeID()
	if err != nil {
		return 0, err
	}
	if seq > math.MaxUint32 {
		return 0, errorf(ErrInvalidInput, "too many codes")
	}
	c := &Code{ID: CodeID(seq), Parent: parent, Name: name, Order: nextOrder(b, parent)}
	d.apply(c)
	kept := a.codebook
	if err := a.putCode(c); err != nil {
		return 0, err
	}
	if kept == b { // the action's own codebook: keep it in step
		b.add(c)
		a.codebook = b
	}
	return c.ID, nil
}

func nextOrder(b *Codebook, parent CodeID) int {
	order := 0
	for _, c := range b.children[parent] {
		if c.Order >= order {
			order = c.Order + 1
		}
	}
	return order
}

// ensurePath returns the code at path, creating it and any missing parents.
// created lists the paths it made.
func (a *action) ensurePath(path string, d *CodeDetails) (id CodeID, created []string, err error) {
	path = CleanPath(path)
	if path == "" {
		return 0, nil, errorf(ErrInvalidInput, "empty code path")
	}
	var parent CodeID
	parts := strings.Split(path, "/")
	for i, name := range parts {
		b, err := a.book()
		if err != nil {
			return 0, nil, err
		}
		if c, ok := sibling(b, parent, name); ok {
			parent = c.ID
			continue
		}
		var details CodeDetails
		if i == len(parts)-1 && d != nil {
			details = *d
		}
		if parent, err = a.createCode(b, parent, name, details); err != nil {
			return 0, nil, err
		}
		created = append(created, strings.Join(parts[:i+1], "/"))
	}
	return parent, created, nil
}

// AddCode creates a code at path, and any missing parents. It fails if the
// code exists.
func (s *Store) AddCode(actor, path string, d CodeDetails) (Code, ActionResult, error) {
	path = CleanPath(path)
	if _, ok := s.Codebook().Lookup(path); ok {
		return Code{}, ActionResult{}, errorf(ErrConflict, "code %q exists already", path)
	}
	var id CodeID
	res, err := s.act(actor, "add code "+path, func(a *action) error {
		var err error
		id, _, err = a.ensurePath(path, &d)
		return err
	})
	if err != nil {
		return Code{}, res, err
	}
	c, _ := s.Codebook().Code(id)
	return c, res, nil
}

// UpdateCode replaces a code's details (description, notes, colour, key, group).
func (s *Store) UpdateCode(actor, path string, d CodeDetails) (ActionResult, error) {
	c, err := s.lookup(path)
	if err != nil {
		return ActionResult{}, err
	}
	return s.act(actor, "edit code "+c.Path, func(a *action) error {
		d.apply(&c)
		return a.putCode(&c)
	})
}

func (s *Store) lookup(path string) (Code, error) {
	c, ok := s.Codebook().Lookup(path)
	if !ok {
		return Code{}, errorf(ErrNotFound, "no code %q", path)
	}
	return c, nil
}

// RenameCode gives a code a new name; its codings and children stay.
func (s *Store) RenameCode(actor, path, name string) (ActionResult, error) {
	c, err := s.lookup(path)
	if err != nil {
		return ActionResult{}, err
	}
	name = strings.TrimSpace(name)
	if err := checkName(name); err != nil {
		return ActionResult{}, err
	}
	return s.act(actor, fmt.Sprintf("rename %s to %s", c.Path, name), func(a *action) error {
		b, err := a.book()
		if err != nil {
			return err
		}
		if other, clash := sibling(b, c.Parent, name); clash && other.ID != c.ID {
			return errorf(ErrConflict, "code %q exists already", other.Path)
		}
		c.Name = name
		return a.putCode(&c)
	})
}

// MoveCode puts a code (with its children and codings) under another parent;
// parent "" makes it a theme.
func (s *Store) MoveCode(actor, path, parent string) (ActionResult, error) {
	c, err := s.lookup(path)
	if err != nil {
		return ActionResult{}, err
	}
	var to Code
	if CleanPath(parent) != "" {
		if to, err = s.lookup(parent); err != nil {
			return ActionResult{}, err
		}
	}
	where := to.Path
	if where == "" {
		where = "the top level"
	}
	return s.act(actor, fmt.Sprintf("move %s under %s", c.Path, where), func(a *action) error {
		b, err := a.book()
		if err != nil {
			return err
		}
		for _, id := range b.Subtree(c.ID) {
			if id == to.ID && to.ID != 0 {
				return errorf(ErrInvalidInput, "cannot move %s under itself or its own sub-code", c.Path)
			}
		}
		if other, clash := sibling(b, to.ID, c.Name); clash && other.ID != c.ID {
			return errorf(ErrConflict, "%s has a code named %q already", where, other.Name)
		}
		if c.Parent == to.ID {
			return nil
		}
		c.Parent, c.Order = to.ID, nextOrder(b, to.ID)
		return a.putCode(&c)
	})
}

// MergeResult says what a merge did.
type MergeResult struct {
	ActionResult
	Moved int // codings re-keyed to the target
	Fused int // codings that were already on the target and were combined
}

// MergeCode folds code from into code into: from's codings become into's
// (a coding already there keeps one copy, starred if either was, memos
// joined), its children move under into (merging same-named ones), its
// memos join into's (each author's with their own), and from is deleted.
// Nothing is lost; one undo restores it all.
func (s *Store) MergeCode(actor, from, into string) (MergeResult, error) {
	src, err := s.lookup(from)
	if err != nil {
		return MergeResult{}, err
	}
	dst, err := s.lookup(into)
	if err != nil {
		return MergeResult{}, err
	}
	if src.ID == dst.ID {
		return MergeResult{}, errorf(ErrInvalidInput, "cannot merge %s into itself", src.Path)
	}
	for _, id := range s.Codebook().Subtree(src.ID) {
		if id == dst.ID {
			return MergeResult{}, errorf(ErrInvalidInput, "cannot merge %s into its own sub-code %s", src.Path, dst.Path)
		}
	}
	var out MergeResult
	res, err := s.act(actor, fmt.Sprintf("merge %s into %s", src.Path, dst.Path), func(a *action) error {
		return a.merge(src.ID, dst.ID, &out)
	})
	out.ActionResult = res
	return out, err
}

func (a *action) merge(from, into CodeID, out *MergeResult) error {
	b, err := a.book()
	if err != nil {
		return err
	}
	for _, child := range b.Children(from) {
		// Merging into the parent, the code itself is one of into's children:
		// it is going, so its name does not count as taken.
		if same, ok := sibling(b, into, child.Name); ok && same.ID != from {
			if err := a.merge(child.ID, same.ID, out); err != nil {
				return err
			}
			if b, err = a.book(); err != nil {
				return err
			}
			continue
		}
		child.Parent, child.Order = into, nextOrder(b, into)
		if err := a.putCode(&child); err != nil {
			return err
		}
		if b, err = a.book(); err != nil {
			return err
		}
	}
	var batch []codingChange
	walkByCode(a.tx, from, func(k codingKey) {
		st := codingAt(a.tx, k)
		batch = append(batch, codingChange{k, nil})
		k.Code = into
		if have := codingAt(a.tx, k); have != nil {
			st = fuse(have, st)
			out.Fused++
		} else {
			out.Moved++
		}
		batch = append(batch, codingChange{k, st})
	})
	if err := a.setCodings(batch); err != nil {
		return err
	}
	if _, err := a.moveMemos(memoCodeByte, uint64(from), uint64(into)); err != nil {
		return err
	}
	return a.deleteCode(from)
}

// fuse combines two codings of the same passage into one.
func fuse(a, b *codingState) *codingState {
	out := *a
	out.Starred = a.Starred || b.Starred
	if b.Time < out.Time {
		out.Time = b.Time
	}
	switch {
	case out.Memo == "":
		out.Memo = b.Memo
	case b.Memo != "" && b.Memo != out.Memo:
		out.Memo += "\n\n" + b.Memo
	}
	return &out
}

// Usage counts the codings and coded segments of a code and its descendants,
// for the confirmation before a delete.
func (s *Store) Usage(path string) (codings, segments int, err error) {
	c, err := s.lookup(path)
	if err != nil {
		return 0, 0, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		seen := map[SegRef]bool{}
		for _, id := range s.Codebook().Subtree(c.ID) {
			walkByCode(tx, id, func(k codingKey) {
				codings++
				seen[k.Seg] = true
			})
		}
		segments = len(seen)
		return nil
	})
	return codings, segments, err
}

// DeleteCode removes a code, its descendants, all their codings and the
// memos on those codes. Callers confirm first (see Usage); undo brings
// everything back.
func (s *Store) DeleteCode(actor, path string) (ActionResult, error) {
	c, err := s.lookup(path)
	if err != nil {
		return ActionResult{}, err
	}
	return s.act(actor, "delete code "+c.Path, func(a *action) error {
		b, err := a.book()
		if err != nil {
			return err
		}
		ids := b.Subtree(c.ID)
		var batch []codingChange
		for _, id := range ids {
			walkByCode(a.tx, id, func(k codingKey) { batch = append(batch, codingChange{k, nil}) })
		}
		if err := a.setCodings(batch); err != nil {
			return err
		}
		for i := len(ids) - 1; i >= 0; i-- {
			if _, err := a.deleteMemos(memoCodeByte, uint64(ids[i])); err != nil {
				return err
			}
			if err := a.deleteCode(ids[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// CodebookImport says what importing a codebook file did.
type CodebookImport struct {
	ActionResult
	Created []string
	Updated []string
}

// ImportCodebook merges codes from a file into the codebook: new paths are
// created, existing codes take the file's non-empty details. Nothing is
// deleted.
func (s *Store) ImportCodebook(actor string, specs []CodeSpec) (CodebookImport, error) {
	if err := checkSpecs(specs, ""); err != nil {
		return CodebookImport{}, err
	}
	var out CodebookImport
	res, err := s.act(actor, "import codebook", func(a *action) error { return a.mergeSpecs(specs, &out) })
	out.ActionResult = res
	return out, err
}

// mergeSpecs merges codes into the codebook within an action: new paths
// are created, existing codes take the specs' non-empty details.
func (a *action) mergeSpecs(specs []CodeSpec, out *CodebookImport) error {
	var walk func(prefix string, specs []CodeSpec) error
	walk = func(prefix string, specs []CodeSpec) error {
		for _, sp := range specs {
			path := prefix + sp.Name
			b, err := a.book()
			if err != nil {
				return err
			}
			if c, ok := b.Lookup(path); ok {
				next := c
				sp.fillDetails(&next)
				if !bytes.Equal(next.encode(), c.encode()) {
					if err := a.putCode(&next); err != nil {
						return err
					}
					out.Updated = append(out.Updated, c.Path)
				}
			} else {
				d := sp.details()
				_, created, err := a.ensurePath(path, &d)
				if err != nil {
					return err
				}
				out.Created = append(out.Created, created...)
			}
			if err := walk(path+"/", sp.Codes); err != nil {
				return err
			}
		}
		return nil
	}
	return walk("", specs)
}

// writeCodebook stores a whole codebook in a new project (not journaled:
// it is the project's starting point).
func writeCodebook(tx *bolt.Tx, specs []CodeSpec) error {
	if err := checkSpecs(specs, ""); err != nil {
		return err
	}
	rs := recs(tx)
	var walk func(parent CodeID, specs []CodeSpec) error
	walk = func(parent CodeID, specs []CodeSpec) error {
		for i, sp := range specs {
			seq, err := rs.nextCodeID()
			if err != nil {
				return err
			}
			c := &Code{ID: CodeID(seq), Parent: parent, Name: sp.Name, Order: i}
			sp.details().apply(c)
			if err := rs.storeCode(c); err != nil {
				return err
			}
			if err := walk(c.ID, sp.Codes); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(0, specs)
}
