package coding

import (
	"sort"
	"strings"
	"unicode"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// CoderID is a coder's internal number.
type CoderID uint32

// Consensus is the reserved coder that holds adjudicated decisions.
const Consensus = "consensus"

// CheckCoderName tells whether name can name a coder: not empty, no comma
// (lists of coders are comma-separated) and no control characters.
func CheckCoderName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errorf(ErrInvalidInput, "coder name is empty")
	}
	if strings.ContainsRune(name, ',') || strings.IndexFunc(name, unicode.IsControl) >= 0 || name != strings.TrimSpace(name) {
		return errorf(ErrInvalidInput, "coder name %q: no commas, control characters or surrounding spaces", corpus.Excerpt(name))
	}
	return nil
}

func (s *Store) loadCoders(tx *bolt.Tx) error {
	coders := map[string]CoderID{}
	names := map[CoderID]string{}
	err := recs(tx).eachCoder(func(id CoderID, name string) error {
		coders[name] = id
		names[id] = name
		return nil
	})
	s.mu.Lock()
	s.coders, s.names = coders, names
	s.mu.Unlock()
	return err
}

// forgetCoders reloads the coder cache after a failed transaction that may
// have added a coder it then rolled back.
func (s *Store) forgetCoders() {
	_ = s.view(s.loadCoders)
}

// ensureCoder returns the coder's id, adding the coder on first use.
func (s *Store) ensureCoder(tx *bolt.Tx, name string) (CoderID, error) {
	if id, ok := s.coderID(tx, name); ok {
		return id, nil
	}
	if err := CheckCoderName(name); err != nil {
		return 0, err
	}
	id, err := recs(tx).addCoder(name)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.coders[name] = id
	s.names[id] = name
	s.mu.Unlock()
	return id, nil
}

func (s *Store) coderID(tx *bolt.Tx, name string) (CoderID, bool) {
	s.mu.RLock()
	id, ok := s.coders[name]
	s.mu.RUnlock()
	if ok {
		return id, true
	}
	return recs(tx).coderNamed(name)
}

func (s *Store) coderName(tx *bolt.Tx, id CoderID) string {
	s.mu.RLock()
	name, ok := s.names[id]
	s.mu.RUnlock()
	if ok {
		return name
	}
	return recs(tx).coderName(id)
}

// CoderName returns the name of a coder ("" if unknown).
func (s *Store) CoderName(id CoderID) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.names[id]
}

// CoderID returns the id of a named coder.
func (s *Store) CoderID(name string) (CoderID, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.coders[name]
	return id, ok
}

// Coders lists every coder known to the project, sorted by name.
func (s *Store) Coders() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.coders))
	for name := range s.coders {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// isCoder tells whether an actor is a coder: someone with work to compare
// and list, a coding or a review mark. Everyone who acts is in the coders
// bucket (the journal needs a name), but a lead who only imports, merges
// or settles is an actor, not a coder.
func isCoder(tx *bolt.Tx, id CoderID) bool {
	rs := recs(tx)
	return rs.hasCodings(id) || rs.hasMarks(id)
}

// codingCoders lists the coders (see isCoder) by name, sorted.
func (s *Store) codingCoders(tx *bolt.Tx) []string {
	s.mu.RLock()
	ids := make(map[CoderID]string, len(s.names))
	for id, name := range s.names {
		ids[id] = name
	}
	s.mu.RUnlock()
	var out []string
	for id, name := range ids {
		if isCoder(tx, id) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// CodingCoders lists the coders with work (codings), sorted by name: who
// a coder filter, `qcode info` and agreement's default offer. Consensus is
// among them once it has codings.
func (s *Store) CodingCoders() ([]string, error) {
	var out []string
	err := s.view(func(tx *bolt.Tx) error {
		out = s.codingCoders(tx)
		return nil
	})
	return out, err
}
