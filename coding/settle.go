package coding

import (
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DecisionKind says how a disagreement was settled.
type DecisionKind string

// Decision kinds.
const (
	TakeCoder DecisionKind = "coder" // one coder's version, spans included
	TakeUnion DecisionKind = "union" // every compared coder's codings together
	TakeNone  DecisionKind = "none"  // the code does not apply
	TakeSet   DecisionKind = "set"   // codes and spans the lead chose
)

// Decision is how to settle one disagreement.
type Decision struct {
	Kind  DecisionKind
	Coder string // TakeCoder: whose version
	// Set is TakeSet's codings (Code and Span are read; Starred too). Codes
	// outside the item are allowed — the picker may pick a better code —
	// and are added to consensus without removing anything else.
	Set []Passage
	// Coders are the compared coders, for the union and the audit memo;
	// nil: as Agreement's default.
	Coders []string
}

// Settlement is a recorded decision.
type Settlement struct {
	By    string       `json:"by"`              // who settled it
	At    time.Time    `json:"at"`              // when
	Kind  DecisionKind `json:"decision"`        // how
	Coder string       `json:"coder,omitempty"` // TakeCoder: whose version
	Audit string       `json:"audit"`           // the memo: decision and what each coder had
}

type settlementRecord struct {
	By    string       `json:"by"`
	At    int64        `json:"at"` // unix milliseconds
	Kind  DecisionKind `json:"kind"`
	Coder string       `json:"coder,omitempty"`
	Audit string       `json:"audit"`
}

// Settlement returns the decision recorded for a segment and code (a code
// group's level is looked up under its group).
func (s *Store) Settlement(seg SegRef, code CodeID) (Settlement, bool, error) {
	item := itemCode(s.Codebook(), code)
	var out Settlement
	var ok bool
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, ok, err = recs(tx).settlement(seg, item)
		return err
	})
	return out, ok, err
}

// SettleResult says what settling did.
type SettleResult struct {
	ActionResult
	Codings []Passage // consensus's codings of the item afterwards
}

// Settle decides a disagreement on code at seg, as one undoable action of
// actor: consensus's codings of the code (for a code group: of its levels)
// on the segment become the decision's, each with an audit memo — who
// settled it, when, how, and what each compared coder had — and the
// decision is recorded, so that a "none" decision counts as settled too.
// Settling again replaces the earlier decision.
func (s *Store) Settle(actor string, seg SegRef, code CodeID, d Decision) (SettleResult, error) {
	book := s.Codebook()
	if _, ok := book.Code(code); !ok {
		return SettleResult{}, errorf(ErrNotFound, "code %d", code)
	}
	if err := checkDecision(book, d); err != nil {
		return SettleResult{}, err
	}
	item := itemCode(book, code)
	segID, err := s.segmentID(seg)
	if err != nil {
		return SettleResult{}, err
	}
	st := &settling{s: s, book: book, actor: actor, seg: seg, item: item, scope: itemScope(book, item), d: d, now: time.Now()}
	res, err := s.act(actor, fmt.Sprintf("settle %s on %s", book.byID[item].Path, segID), st.run)
	if err == nil {
		res.Desc = "settled" + strings.TrimPrefix(res.Desc, "settle")
	}
	return SettleResult{ActionResult: res, Codings: st.codings}, err
}

// checkDecision refuses a decision that cannot be carried out, before
// anything is read.
func checkDecision(book *Codebook, d Decision) error {
	switch d.Kind {
	case TakeCoder:
		if d.Coder == "" {
			return errorf(ErrInvalidInput, "say whose version to take")
		}
	case TakeUnion, TakeNone:
	case TakeSet:
		for _, p := range d.Set {
			if _, ok := book.Code(p.Code); !ok {
				return errorf(ErrNotFound, "code %d", p.Code)
			}
		}
	default:
		return errorf(ErrInvalidInput, "decision %q: use coder, union, none or set", d.Kind)
	}
	return nil
}

// segmentID is a segment's ID as the action's description names it.
func (s *Store) segmentID(seg SegRef) (string, error) {
	var id string
	err := s.view(func(tx *bolt.Tx) error {
		rec, err := recs(tx).segment(seg)
		if err != nil {
			return errorf(ErrNotFound, "segment %d", seg)
		}
		id = qualifiedID(tx, newSourceNames(tx), &rec)
		return nil
	})
	return id, err
}

// settling is one Settle, carried out inside its action: the compared
// coders' versions are read, the decision is turned into the passages
// consensus should hold, and consensus's codings of the item are made so.
type settling struct {
	s     *Store
	book  *Codebook
	actor string
	seg   SegRef
	item  CodeID
	scope []CodeID // the item's codes (a group's levels)
	d     Decision
	now   time.Time

	names    []string      // the compared coders (and the one taken)
	ids      []CoderID     // their IDs, in the same order
	versions [][]codingKey // each one's codings of the item
	want     map[settledPassage]bool
	order    []settledPassage
	how      string    // the decision in words, for the audit memo
	codings  []Passage // consensus's codings afterwards
}

// settledPassage is a passage the decision keeps: (code, span).
type settledPassage struct {
	code CodeID
	span Span
}

func (st *settling) run(a *action) error {
	tx := a.tx
	st.order, st.codings = nil, nil // a run starts afresh, should the action run it twice
	if !recs(tx).hasSegment(st.seg) {
		return errorf(ErrNotFound, "segment %d", st.seg)
	}
	if err := st.readVersions(tx); err != nil {
		return err
	}
	if err := st.decide(tx); err != nil {
		return err
	}
	if err := st.checkExclusive(); err != nil {
		return err
	}
	return st.write(a)
}

// readVersions reads each compared coder's codings of the item on the
// segment (and of the coder whose version is taken, compared or not).
func (st *settling) readVersions(tx *bolt.Tx) error {
	names, ids, err := st.s.comparedCoders(tx, st.d.Coders)
	if err != nil {
		return err
	}
	if st.d.Kind == TakeCoder {
		id, ok := st.s.coderID(tx, st.d.Coder)
		if !ok {
			return errorf(ErrNotFound, "no coder %q", st.d.Coder)
		}
		if !containsCoder(ids, id) {
			names, ids = append(names, st.d.Coder), append(ids, id)
		}
	}
	st.names, st.ids = names, ids
	st.versions = make([][]codingKey, len(ids))
	for i, coder := range ids {
		for _, c := range st.scope {
			st.versions[i] = append(st.versions[i], segCoderCodings(tx, st.seg, c, coder)...)
		}
	}
	return nil
}

// decide turns the decision into the passages consensus should hold, each
// starred when any version it comes from was.
func (st *settling) decide(tx *bolt.Tx) error {
	st.want = map[settledPassage]bool{}
	add := func(p settledPassage, starred bool) {
		if _, ok := st.want[p]; !ok {
			st.order = append(st.order, p)
		}
		st.want[p] = st.want[p] || starred
	}
	starredAt := func(k codingKey) bool {
		c := codingAt(tx, k)
		return c != nil && c.Starred
	}
	switch st.d.Kind {
	case TakeCoder:
		for i, n := range st.names {
			if n == st.d.Coder {
				for _, k := range st.versions[i] {
					add(settledPassage{k.Code, k.Span}, starredAt(k))
				}
			}
		}
		st.how = st.d.Coder + "'s version"
	case TakeUnion:
		for _, v := range st.versions {
			for _, k := range v {
				add(settledPassage{k.Code, k.Span}, starredAt(k))
			}
		}
		st.how = "the union of " + strings.Join(st.names, ", ")
	case TakeNone:
		st.how = "none (the code does not apply)"
	case TakeSet:
		var paths []string
		for _, p := range st.d.Set {
			if err := checkSpan(tx, st.seg, p.Span); err != nil {
				return err
			}
			add(settledPassage{p.Code, p.Span}, p.Starred)
			paths = append(paths, describePassage(st.book, p.Code, p.Span))
		}
		st.how = "chosen: " + listOrNone(paths)
	}
	return nil
}

// checkExclusive keeps one level per passage of an exclusive group, for
// consensus as for any coder.
func (st *settling) checkExclusive() error {
	book := st.book
	for i, p := range st.order {
		g, ok := book.ExclusiveGroupOf(p.code)
		if !ok {
			continue
		}
		for _, q := range st.order[:i] {
			if qg, ok := book.ExclusiveGroupOf(q.code); ok && qg.ID == g.ID && q.code != p.code && q.span.Overlaps(p.span) {
				return errorf(ErrConflict, "%s is exclusive (one level per passage): the decision has %s and %s on one passage; take one coder's version or choose a level",
					g.Path, book.byID[q.code].Name, book.byID[p.code].Name)
			}
		}
	}
	return nil
}

// write makes consensus's codings of the item the decided passages, each
// with the audit memo, and records the decision.
func (st *settling) write(a *action) error {
	tx, book := a.tx, st.book
	consensus, err := st.s.ensureCoder(tx, Consensus)
	if err != nil {
		return err
	}
	reviewed := make([]bool, len(st.ids))
	for _, r := range reviewersOf(tx, st.seg) {
		for i, id := range st.ids {
			reviewed[i] = reviewed[i] || id == r
		}
	}
	audit := auditMemo(book, st.actor, st.now, st.how, st.names, st.versions, reviewed)
	inScope := map[CodeID]bool{}
	for _, id := range st.scope {
		inScope[id] = true
	}
	var changes []codingChange
	for _, c := range st.scope {
		for _, k := range segCoderCodings(tx, st.seg, c, consensus) {
			if _, keep := st.want[settledPassage{k.Code, k.Span}]; !keep {
				changes = append(changes, codingChange{k, nil})
			}
		}
	}
	for _, p := range st.order {
		k := codingKey{Seg: st.seg, Code: p.code, Coder: consensus, Span: p.span}
		if !inScope[p.code] {
			// A code the picker chose outside the item: its group's
			// other levels make way, as when a coder applies a level.
			if _, err := a.replaceLevels(book, k); err != nil {
				return err
			}
		}
		changes = append(changes, codingChange{k, &codingState{Time: st.now.UnixMilli(), Starred: st.want[p], Memo: audit}})
		st.codings = append(st.codings, newPassage(book, p.code, p.span, &codingState{Starred: st.want[p], Memo: audit}))
	}
	if err := a.setCodings(changes); err != nil {
		return err
	}
	return a.putSettlement(st.seg, st.item, settlementRecord{By: st.actor, At: st.now.UnixMilli(), Kind: st.d.Kind, Coder: st.d.Coder, Audit: audit})
}

// auditMemo is the memo on a consensus coding: who decided what, when, and
// what each coder had, so the decision can be reviewed later without the
// coders' copies. A coder who never reviewed the segment had no opinion,
// which is not the same as "none".
func auditMemo(book *Codebook, actor string, when time.Time, how string, names []string, versions [][]codingKey, reviewed []bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Settled by %s on %s: %s.", actor, when.UTC().Format("2006-01-02 15:04 UTC"), how)
	for i, n := range names {
		if !reviewed[i] {
			fmt.Fprintf(&b, "\n%s had: not reviewed", n)
			continue
		}
		var had []string
		for _, k := range versions[i] {
			had = append(had, describePassage(book, k.Code, k.Span))
		}
		fmt.Fprintf(&b, "\n%s had: %s", n, listOrNone(had))
	}
	return b.String()
}

// describePassage names a code and, for a span, its rune offsets.
func describePassage(book *Codebook, code CodeID, span Span) string {
	path := fmt.Sprintf("code %d", code)
	if c, ok := book.byID[code]; ok {
		path = c.Path
	}
	if span.Whole() {
		return path
	}
	return fmt.Sprintf("%s [%d–%d]", path, span.Start, span.End)
}
