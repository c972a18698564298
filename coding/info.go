package coding

import (
	bolt "go.etcd.io/bbolt"
)

// Info counts what a project holds (`qcode info`).
type Info struct {
	Name          string         `json:"name"`
	SchemaVersion int            `json:"schema_version"`
	Sources       int            `json:"sources"`
	Segments      int            `json:"segments"`
	Cases         int            `json:"cases"`
	Codes         int            `json:"codes"`
	Codings       int            `json:"codings"`
	Memos         int            `json:"memos"`  // on codings, segments, sources, cases, codes and in the journal
	Coders        map[string]int `json:"coders"` // codings per coder, for coders (not actors who only imported, merged or settled)
}

// Info counts sources, segments, cases, codes and codings (per coder). The
// coding counts come from the maintained tallies, not from a walk.
func (s *Store) Info() (Info, error) {
	out := Info{Name: s.Meta().Name, SchemaVersion: SchemaVersion, Coders: map[string]int{}, Codes: s.Codebook().Len()}
	err := s.view(func(tx *bolt.Tx) error {
		out.Sources, out.Segments, out.Cases, out.Memos = recs(tx).recordCounts()
		return nil
	})
	if err != nil {
		return out, err
	}
	counts, err := s.Counts()
	if err != nil {
		return out, err
	}
	perCoder := map[CoderID]int{}
	for _, c := range counts {
		out.Codings += c.Codings
		perCoder[c.Coder] += c.Codings
	}
	// Coders, not actors: a lead who only imported or merged is not listed.
	coders, err := s.CodingCoders()
	for _, name := range coders {
		id, _ := s.CoderID(name)
		out.Coders[name] = perCoder[id]
	}
	return out, err
}
