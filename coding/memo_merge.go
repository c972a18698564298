package coding

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// mergeMemos brings an incoming copy's memos on segments, sources, cases,
// codes and the project in. A memo lands on the same target here (a
// segment by ID within its source, a source by content or name, a case by
// name, a code by path, a journal entry by its time) under the same
// author. Another author's memo on the same target is a memo of its own:
// both stay. The same author's memo on a target here is never overwritten:
// a text that holds the other wins (an edit that only added), otherwise
// both texts are kept, one after the other, and counted as joined. Memos
// whose target is not here (a segment of a source the copy lacks) are
// counted as dropped.
func (a *action) mergeMemos(otx *bolt.Tx, opts MergeOptions, fm *FileMerge) error {
	in := recs(otx).memos()
	if in.b == nil {
		return nil // a copy of an older schema has none
	}
	m := &memoMerge{a: a, otx: otx, opts: opts, fm: fm, authors: map[CoderID]CoderID{}}
	if err := m.mapSources(); err != nil {
		return err
	}
	return in.each(func(k, v []byte) error {
		kind, id, author, ok := parseMemoKey(k)
		if !ok {
			return errorf(errCorrupt, "an incoming memo's key %x does not read", short(k))
		}
		if _, err := decodeMemo(v); err != nil {
			return errorf(errCorrupt, "an incoming memo (%x) does not read", short(k))
		}
		target, ok, err := m.target(kind, id)
		if err != nil {
			return err
		}
		if !ok {
			fm.MemosDropped++
			return nil
		}
		who, name, err := m.author(author)
		if err != nil {
			return err
		}
		changed, joined, err := a.joinMemoCounted(memoKey(kind, target, who), v)
		if err != nil {
			return err
		}
		if joined {
			fm.MemosJoined++
		}
		if changed {
			if fm.Memos == nil {
				fm.Memos = map[string]int{}
			}
			fm.Memos[name]++
		}
		return nil
	})
}

// memoMerge maps one incoming file's memo targets and authors here.
type memoMerge struct {
	a       *action
	otx     *bolt.Tx
	opts    MergeOptions
	fm      *FileMerge
	sources map[SourceID]SourceID
	authors map[CoderID]CoderID
}

// mapSources finds each incoming source here as matchSources did: by
// content, else by name.
func (m *memoMerge) mapSources() error {
	theirs, err := readSources(m.otx)
	if err != nil {
		return err
	}
	ours, err := readSources(m.a.tx)
	if err != nil {
		return err
	}
	byHash, byName := map[string]SourceID{}, map[string]SourceID{}
	for _, src := range ours {
		if src.Hash != "" {
			byHash[src.Hash] = src.ID
		}
		byName[src.Name] = src.ID
	}
	m.sources = map[SourceID]SourceID{}
	for _, src := range theirs {
		if id, ok := byHash[src.Hash]; ok && src.Hash != "" {
			m.sources[src.ID] = id
		} else if id, ok := byName[src.Name]; ok {
			m.sources[src.ID] = id
		}
	}
	return nil
}

// target is where an incoming memo's target is here.
func (m *memoMerge) target(kind byte, id uint64) (uint64, bool, error) {
	switch kind {
	case memoProjectByte:
		return id, true, nil
	case memoSegmentByte:
		match, ok := m.fm.segMap[SegRef(id)]
		return uint64(match.ref), ok, nil
	case memoSourceByte:
		here, ok := m.sources[SourceID(id)]
		return uint64(here), ok, nil
	case memoCodeByte:
		here, ok := m.fm.codeMap[CodeID(id)]
		return uint64(here), ok, nil
	case memoCaseByte:
		r, ok, err := recs(m.otx).lookupCase(CaseID(id))
		if !ok {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, fmt.Errorf("incoming case %d: %w", id, err)
		}
		here, ok := recs(m.a.tx).caseNamed(r.name)
		return uint64(here), ok, nil
	}
	return 0, false, nil
}

// author is the incoming author here (renamed as asked), created when new.
func (m *memoMerge) author(id CoderID) (CoderID, string, error) {
	if here, ok := m.authors[id]; ok {
		return here, m.a.s.coderName(m.a.tx, here), nil
	}
	name := recs(m.otx).coderName(id)
	if to, ok := m.opts.Rename[name]; ok {
		name = to
	}
	here, err := m.a.s.ensureCoder(m.a.tx, name)
	if err != nil {
		return 0, "", fmt.Errorf("memo by %q: %w", corpus.Excerpt(name), err)
	}
	m.authors[id] = here
	return here, name, nil
}
