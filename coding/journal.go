package coding

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// The journal is an append-only log of user actions. Each entry lists the
// logical operations the action made, each with the state before and after,
// so that undo sets every "before" back (in reverse) and redo sets every
// "after" again — through the same functions that keep indexes and counts
// right. Entries are per actor: undo takes the actor's latest action that is
// still done; a new action drops the actor's redo stack.

// Undo states, kept in bktUndo beside each entry's actor.
const (
	stateDone    = 'd'
	stateUndone  = 'u'
	stateDropped = 'x' // undone, then a new action made redo impossible
)

// Operation kinds.
const (
	opCoding    = 1 // a coding appeared, disappeared or changed (star, memo)
	opRecord    = 2 // a raw record changed (codes, cases)
	opSourceAdd = 3 // a source and its segments were added
	opSourceDel = 4 // a source and its segments were removed
)

// codingState is a coding's mutable part; nil means absent.
type codingState struct {
	Time    int64 // unix milliseconds
	Starred bool
	Memo    string
}

// appendValue appends the coding's stored value: time(8) · flags(1).
func (st *codingState) appendValue(b []byte) []byte {
	var flags byte
	if st.Starred {
		flags |= flagStarred
	}
	return append(binary.BigEndian.AppendUint64(b, uint64(st.Time)), flags)
}

const codingValueLen = 9

const flagStarred = 1

// op is one logical change inside an action.
type op struct {
	kind byte

	// opCoding
	key           codingKey
	before, after *codingState

	// The other kinds' fields sit behind a pointer, so that a coding
	// operation takes 64 bytes, not 192: a merge journals millions.
	*rawOp
}

// rawOp is what an opRecord or opSource* operation changed.
type rawOp struct {
	// opRecord
	bucket            []byte
	rkey              []byte
	rbefore, rafter   []byte
	hadBefore, hasAft bool

	// opSourceAdd / opSourceDel: snapshot holds the source's records while
	// they are not in the store (captured when they are removed).
	source   SourceID
	snapshot []rec
}

// rec is one raw record of a source snapshot.
type rec struct {
	bucket, key, value []byte
}

// entry is one journal entry: an actor's action.
type entry struct {
	seq   uint64
	coder CoderID
	time  int64
	desc  string
	ops   []op
}

// Entry formats. Version 1 wrote each coding operation with its whole key
// and both states (about 36 bytes; an import of a million codings made a
// 36 MB entry). Version 2 writes each run of coding operations as one
// compact record (see encodeCodingRun). Entries of both versions are read.
const (
	entryV1 = 1
	entryV2 = 2
)

// opCodingRun is how version 2 writes a run of consecutive opCoding
// operations; it is never an op's kind in memory.
const opCodingRun = 5

func (e *entry) encode() []byte {
	var w wbuf
	w.byte(entryV2)
	w.uvarint(uint64(e.coder))
	w.uvarint(uint64(e.time))
	w.str(e.desc)
	// The count is of encoded items (a run is one item), known only once
	// the runs are found.
	items := 0
	for i := 0; i < len(e.ops); i++ {
		if e.ops[i].kind == opCoding {
			for i+1 < len(e.ops) && e.ops[i+1].kind == opCoding {
				i++
			}
		}
		items++
	}
	w.uvarint(uint64(items))
	for i := 0; i < len(e.ops); i++ {
		o := &e.ops[i]
		if o.kind == opCoding {
			j := i + 1
			for j < len(e.ops) && e.ops[j].kind == opCoding {
				j++
			}
			w.byte(opCodingRun)
			encodeCodingRun(&w, e.ops[i:j])
			i = j - 1
			continue
		}
		w.byte(o.kind)
		encodeRawOp(&w, o)
	}
	return w
}

// encodeRawOp writes a record or source operation (the same in both
// versions).
func encodeRawOp(w *wbuf, o *op) {
	switch o.kind {
	case opRecord:
		w.bytes(o.bucket)
		w.bytes(o.rkey)
		encodeOpt(w, o.hadBefore, o.rbefore)
		encodeOpt(w, o.hasAft, o.rafter)
	case opSourceAdd, opSourceDel:
		w.uvarint(uint64(o.source))
		w.uvarint(uint64(len(o.snapshot)))
		for _, r := range o.snapshot {
			w.bytes(r.bucket)
			w.bytes(r.key)
			w.bytes(r.value)
		}
	}
}

// Flags of one operation in a coding run.
const (
	runBefore        = 1 << iota // a state before is written (the coding existed)
	runAfter                     // a state after is written (the coding exists after)
	runBeforeStarred             // the state before is starred
	runAfterStarred              // the state after is starred
	runBeforeMemo                // the state before has a memo, written after its time
	runAfterMemo                 // the state after has a memo
	runSameSeg                   // the segment is the previous operation's (not written)
	runSpan                      // a passage, not the whole segment: start and end follow
)

// encodeCodingRun writes coding operations compactly: a count, then per
// operation a flags byte, the segment as a signed difference from the
// previous operation's (left out when the same), code and coder, the span
// when there is one, and each state present as a signed difference of its
// time from the previous time written, then its memo when it has one. An
// import's operations are in key order with one time, so each takes about
// five bytes. A state absent takes no bytes at all: an import's new
// codings have no "before".
func encodeCodingRun(w *wbuf, ops []op) {
	w.uvarint(uint64(len(ops)))
	var prevSeg uint64
	var prevTime int64
	for i := range ops {
		o := &ops[i]
		var flags byte
		if o.before != nil {
			flags |= runBefore
			if o.before.Starred {
				flags |= runBeforeStarred
			}
			if o.before.Memo != "" {
				flags |= runBeforeMemo
			}
		}
		if o.after != nil {
			flags |= runAfter
			if o.after.Starred {
				flags |= runAfterStarred
			}
			if o.after.Memo != "" {
				flags |= runAfterMemo
			}
		}
		seg := uint64(o.key.Seg)
		if i > 0 && seg == prevSeg {
			flags |= runSameSeg
		}
		if !o.key.Span.Whole() {
			flags |= runSpan
		}
		w.byte(flags)
		if flags&runSameSeg == 0 {
			w.varint(int64(seg - prevSeg))
			prevSeg = seg
		}
		w.uvarint(uint64(o.key.Code))
		w.uvarint(uint64(o.key.Coder))
		if flags&runSpan != 0 {
			w.uvarint(uint64(o.key.Span.Start))
			w.uvarint(uint64(o.key.Span.End))
		}
		for _, st := range []*codingState{o.before, o.after} {
			if st == nil {
				continue
			}
			w.varint(st.Time - prevTime)
			prevTime = st.Time
			if st.Memo != "" {
				w.str(st.Memo)
			}
		}
	}
}

// decodeCodingRun reads what encodeCodingRun wrote, appending to ops. The
// states are allocated together (a million of them, one at a time, made
// the collector's work).
func decodeCodingRun(r *rbuf, ops []op, limit int) []op {
	n := r.uvarint()
	if r.err != nil || n > uint64(limit) {
		r.err = errCorrupt
		return ops
	}
	ops = slices.Grow(ops, int(n)) // an import's undo decodes a million at once
	var prevSeg uint64
	var prevTime int64
	var states []codingState
	state := func(starred, memo bool) *codingState {
		if len(states) == cap(states) {
			states = make([]codingState, 0, min(int(n), 4096))
		}
		states = append(states, codingState{})
		st := &states[len(states)-1]
		st.Time = prevTime + r.varint()
		prevTime = st.Time
		st.Starred = starred
		if memo {
			st.Memo = r.str()
		}
		return st
	}
	for i := uint64(0); i < n && r.err == nil; i++ {
		flags := r.byte()
		if flags&runSameSeg == 0 {
			prevSeg += uint64(r.varint())
		} else if i == 0 {
			r.err = errCorrupt
		}
		o := op{kind: opCoding}
		o.key.Seg = SegRef(prevSeg)
		o.key.Code = CodeID(r.uvarint32())
		o.key.Coder = CoderID(r.uvarint32())
		if flags&runSpan != 0 {
			o.key.Span = Span{int(r.uvarint32()), int(r.uvarint32())}
		}
		if flags&runBefore != 0 {
			o.before = state(flags&runBeforeStarred != 0, flags&runBeforeMemo != 0)
		}
		if flags&runAfter != 0 {
			o.after = state(flags&runAfterStarred != 0, flags&runAfterMemo != 0)
		}
		ops = append(ops, o)
	}
	return ops
}

func encodeState(w *wbuf, st *codingState) {
	if st == nil {
		w.byte(0)
		return
	}
	w.byte(1)
	w.uvarint(uint64(st.Time))
	if st.Starred {
		w.byte(1)
	} else {
		w.byte(0)
	}
	w.str(st.Memo)
}

func encodeOpt(w *wbuf, present bool, b []byte) {
	if !present {
		w.byte(0)
		return
	}
	w.byte(1)
	w.bytes(b)
}

func decodeEntry(seq uint64, b []byte) (*entry, error) {
	r := rbuf{b: b}
	version := r.byte()
	if version != entryV1 && version != entryV2 {
		return nil, errorf(errCorrupt, "journal entry %d: format %d", seq, version)
	}
	e := &entry{seq: seq}
	e.coder = CoderID(r.uvarint())
	e.time = int64(r.uvarint())
	e.desc = r.str()
	n := r.uvarint()
	if n > uint64(len(b)) {
		return nil, errorf(errCorrupt, "journal entry %d", seq)
	}
	e.ops = make([]op, 0, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		o := op{kind: r.byte()}
		switch {
		case o.kind == opCodingRun && version == entryV2:
			e.ops = decodeCodingRun(&r, e.ops, len(b))
			continue
		case o.kind == opCoding && version == entryV1:
			k := r.bytes()
			if len(k) != codingKeyLen {
				return nil, errorf(errCorrupt, "journal entry %d", seq)
			}
			o.key = parseCodingKey(k)
			o.before = decodeState(&r)
			o.after = decodeState(&r)
		case o.kind == opRecord:
			o.rawOp = &rawOp{}
			o.bucket = r.bytes()
			o.rkey = r.bytes()
			o.hadBefore, o.rbefore = decodeOpt(&r)
			o.hasAft, o.rafter = decodeOpt(&r)
		case o.kind == opSourceAdd || o.kind == opSourceDel:
			o.rawOp = &rawOp{source: SourceID(r.uvarint())}
			m := r.uvarint()
			if m > uint64(len(b)) {
				return nil, errorf(errCorrupt, "journal entry %d", seq)
			}
			o.snapshot = make([]rec, m)
			for j := range o.snapshot {
				o.snapshot[j] = rec{r.bytes(), r.bytes(), r.bytes()}
			}
		default:
			return nil, errorf(errCorrupt, "journal entry %d: op kind %d", seq, o.kind)
		}
		e.ops = append(e.ops, o)
	}
	if r.err != nil {
		return nil, fmt.Errorf("journal entry %d: %w", seq, r.err)
	}
	return e, nil
}

func decodeState(r *rbuf) *codingState {
	if r.byte() == 0 {
		return nil
	}
	st := &codingState{Time: int64(r.uvarint())}
	st.Starred = r.byte() == 1
	st.Memo = r.str()
	return st
}

func decodeOpt(r *rbuf) (bool, []byte) {
	if r.byte() == 0 {
		return false, nil
	}
	return true, append([]byte(nil), r.bytes()...)
}

// action is an open write transaction on behalf of one actor. Its methods
// change the store and record each change for the journal.
type action struct {
	s            *Store
	tx           *bolt.Tx
	coder        CoderID
	ops          []op
	codesChanged bool
	notes        []string         // what the status line should say beyond the description
	pending      map[string][]rec // writes queued by later, flushed in key order
	desc         string           // what the action did, when it knows better than its caller
	restored     []CodeID         // codes an undo or redo brought back, to check their names
	codebook     *Codebook        // the codebook as this transaction sees it, once read (see book)
	lifted       *liftedReviews   // marks and sample places of a source being replaced
	liftedMemos  *liftedMemos     // memos on a source being replaced and on its segments
	// commitHere commits the action before it answers, with no write-ahead
	// record: what it put refers to memory that does not outlive the call
	// (another file's map, in a merge).
	commitHere bool
	// casesDeleted counts the cases the action removed, so that what
	// cached a case by name (caseResolver) knows to look again.
	casesDeleted int
}

// ActionResult reports what an action did.
type ActionResult struct {
	Seq   uint64   // journal sequence number (0 when nothing changed)
	Desc  string   // what was done, for the status line
	Notes []string // extra remarks (e.g. a code group level replaced)
	// Segments are the segments whose codings changed (the first
	// maxTouched), so that a view can refresh or jump to them.
	Segments []SegRef
}

const maxTouched = 64

// touched lists the distinct segments of the coding and review-mark
// operations.
func touched(ops []op) []SegRef {
	var out []SegRef
	seen := map[SegRef]bool{}
	for _, o := range ops {
		var seg SegRef
		switch {
		case o.kind == opCoding:
			seg = o.key.Seg
		case o.kind == opRecord && bytes.Equal(o.bucket, bktMarks) && len(o.rkey) == markKeyLen:
			seg, _ = parseMarkKey(o.rkey)
		case o.kind == opRecord && bytes.Equal(o.bucket, bktTargetMemos) && len(o.rkey) == memoKeyLen && o.rkey[0] == memoSegmentByte:
			_, id, _, _ := parseMemoKey(o.rkey)
			seg = SegRef(id)
		default:
			continue
		}
		if !seen[seg] {
			seen[seg] = true
			out = append(out, seg)
			if len(out) == maxTouched {
				break
			}
		}
	}
	return out
}

// testHookInTx, when a test sets it, is called as each action's write
// transaction begins (the crash tests learn so that a kill came inside one).
var testHookInTx func()

// act runs fn as one durable transaction on behalf of actor and journals it.
// An action that changes nothing writes no journal entry. It is durable
// when it returns: by its record in the write-ahead file (see wal.go), or
// by a synced commit when it has no record (no journal entry, a source's
// snapshot, a record too large).
func (s *Store) act(actor, desc string, fn func(a *action) error) (ActionResult, error) {
	var res ActionResult
	done, err := s.beginWrite()
	if err != nil {
		return res, err
	}
	defer done()
	var book *Codebook
	r := &walRecord{kind: walAction, actor: actor}
	err = s.logged(r, func(tx *bolt.Tx) error {
		if testHookInTx != nil {
			testHookInTx()
		}
		coder, err := s.ensureCoder(tx, actor)
		if err != nil {
			return err
		}
		a := &action{s: s, tx: tx, coder: coder}
		if err := fn(a); err != nil {
			return err
		}
		if err := a.flushLater(); err != nil {
			return err
		}
		if a.desc != "" {
			desc = a.desc
		}
		res.Desc = desc
		res.Notes = a.notes
		res.Segments = touched(a.ops)
		if len(a.ops) == 0 {
			return nil
		}
		r.large = a.commitHere
		for _, o := range a.ops {
			if o.kind == opSourceAdd || o.kind == opSourceDel {
				r.large = true // snapshots: a synced commit, no record
				break
			}
		}
		if a.codesChanged {
			if book, err = readCodebook(tx); err != nil {
				return err
			}
		}
		res.Seq, r.entry, err = a.journal(desc)
		r.seq = res.Seq
		return err
	})
	if err != nil {
		s.forgetCoders()
		return ActionResult{}, err
	}
	s.publish(book)
	return res, nil
}

// publish makes a codebook read inside a committed transaction the current
// one (nil: the codebook did not change).
func (s *Store) publish(book *Codebook) {
	if book == nil {
		return
	}
	s.mu.Lock()
	s.book = book
	s.mu.Unlock()
}

// journal appends the action's entry and drops the actor's redo stack. It
// returns the entry's number and its bytes (the write-ahead record's).
func (a *action) journal(desc string) (uint64, []byte, error) {
	seq, err := a.tx.Bucket(bktJournal).NextSequence()
	if err != nil {
		return 0, nil, err
	}
	e := entry{seq: seq, coder: a.coder, time: time.Now().UnixMilli(), desc: desc, ops: a.ops}
	b := e.encode()
	return seq, b, a.record(seq, b)
}

// record stores entry seq (its bytes b) and makes it the top of the
// actor's undo stack, dropping what the actor had undone: what journal
// does once the entry is made, and what a replayed record does again.
func (a *action) record(seq uint64, b []byte) error {
	if err := a.tx.Bucket(bktJournal).Put(u64(seq), b); err != nil {
		return err
	}
	u := a.tx.Bucket(bktUndo)
	prefix := u32(uint32(a.coder))
	c := u.Cursor()
	var drop [][]byte
	for k, v := seekLast(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		if v[0] == stateDone {
			break
		}
		if v[0] == stateUndone {
			drop = append(drop, append([]byte(nil), k...))
		}
	}
	for _, k := range drop {
		if err := u.Put(k, []byte{stateDropped}); err != nil {
			return err
		}
	}
	return u.Put(append(prefix, u64(seq)...), []byte{stateDone})
}

// seekLast positions c on the last key with the given prefix (or before it).
func seekLast(c *bolt.Cursor, prefix []byte) ([]byte, []byte) {
	end := append(append([]byte(nil), prefix...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	if k, _ := c.Seek(end); k == nil {
		return c.Last()
	}
	return c.Prev()
}

// Undo reverts actor's latest action that is still done.
func (s *Store) Undo(actor string) (ActionResult, error) {
	return s.undoRedo(actor, true)
}

// Redo re-applies actor's most recently undone action, if no new action has
// been made since.
func (s *Store) Redo(actor string) (ActionResult, error) {
	return s.undoRedo(actor, false)
}

func (s *Store) undoRedo(actor string, undo bool) (ActionResult, error) {
	var res ActionResult
	done, err := s.beginWrite()
	if err != nil {
		return res, err
	}
	defer done()
	var book *Codebook
	kind := byte(walRedo)
	if undo {
		kind = walUndo
	}
	r := &walRecord{kind: kind, actor: actor}
	err = s.logged(r, func(tx *bolt.Tx) (err error) {
		res, book, r.large, err = s.undoRedoTx(tx, actor, undo)
		return err
	})
	if err != nil {
		return ActionResult{}, err
	}
	s.publish(book)
	return res, nil
}

// undoRedoTx undoes or redoes actor's action in tx: what Undo and Redo do,
// and what a replayed undo or redo does again. large says the entry moves
// a source's snapshot (no write-ahead record: a synced commit).
func (s *Store) undoRedoTx(tx *bolt.Tx, actor string, undo bool) (res ActionResult, book *Codebook, large bool, err error) {
	coder, ok := s.coderID(tx, actor)
	if !ok {
		if undo {
			return res, nil, false, ErrNothingUndo
		}
		return res, nil, false, ErrNothingRedo
	}
	u := tx.Bucket(bktUndo)
	prefix := u32(uint32(coder))
	c := u.Cursor()
	var target []byte
	for k, v := seekLast(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		if undo && v[0] == stateDone {
			target = append([]byte(nil), k...)
			break
		}
		if !undo {
			if v[0] == stateDone {
				break
			}
			if v[0] == stateUndone {
				target = append([]byte(nil), k...) // keep walking back: redo the earliest undone
			}
			// Dropped entries are passed over: what was undone before
			// them is still redoable once what came after is redone.
		}
	}
	if target == nil {
		if undo {
			return res, nil, false, ErrNothingUndo
		}
		return res, nil, false, ErrNothingRedo
	}
	seq := getU64(target[4:])
	j := tx.Bucket(bktJournal)
	e, err := decodeEntry(seq, j.Get(u64(seq)))
	if err != nil {
		return res, nil, false, err
	}
	a := &action{s: s, tx: tx, coder: coder}
	if err := a.replay(e, undo); err != nil {
		verb := map[bool]string{true: "undo", false: "redo"}[undo]
		return res, nil, false, fmt.Errorf("%s %q: %w", verb, e.desc, err)
	}
	// Source operations move their snapshots in and out of the entry.
	if err := j.Put(u64(seq), e.encode()); err != nil {
		return res, nil, false, err
	}
	state := byte(stateUndone)
	if !undo {
		state = stateDone
	}
	if err := u.Put(target, []byte{state}); err != nil {
		return res, nil, false, err
	}
	if a.codesChanged {
		if book, err = readCodebook(tx); err != nil {
			return res, nil, false, errorf(ErrConflict, "%s %q would break the codebook (%v); undo later changes first", map[bool]string{true: "undoing", false: "redoing"}[undo], e.desc, err)
		}
	}
	for _, o := range e.ops {
		if o.kind == opSourceAdd || o.kind == opSourceDel {
			large = true
		}
	}
	return ActionResult{Seq: seq, Desc: e.desc, Segments: touched(e.ops)}, book, large, nil
}

// replay undoes an entry (its operations in reverse, each set to its
// "before") or redoes it (in order, each set to its "after"). Runs of coding
// operations are written as one sorted batch.
func (a *action) replay(e *entry, undo bool) error {
	var batch []codingChange
	flush := func() error {
		if err := a.checkCodingTargets(batch); err != nil {
			return err
		}
		_, err := writeCodings(a.tx, batch)
		batch = batch[:0]
		return err
	}
	step := func(o *op) error {
		if o.kind == opCoding {
			st := o.after
			if undo {
				st = o.before
			}
			batch = append(batch, codingChange{o.key, st})
			return nil
		}
		if err := flush(); err != nil {
			return err
		}
		return a.revert(o, undo)
	}
	if undo {
		for i := len(e.ops) - 1; i >= 0; i-- {
			if err := step(&e.ops[i]); err != nil {
				return err
			}
		}
	} else {
		for i := range e.ops {
			if err := step(&e.ops[i]); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := a.flushLater(); err != nil {
		return err
	}
	return a.checkNames()
}

// revert sets a record or source operation's "before" (undo) or "after"
// (redo) state.
func (a *action) revert(o *op, undo bool) error {
	switch o.kind {
	case opRecord:
		b := a.tx.Bucket(o.bucket)
		if b == nil {
			return errorf(errCorrupt, "journal names bucket %q", o.bucket)
		}
		if bytes.Equal(o.bucket, bktSources) {
			// An edit journaled by schema 4 holds the source record
			// without its run of segments (First), which the migration
			// added to the record: both states get the record's run.
			cur := b.Get(o.rkey)
			o.rbefore, o.rafter = sourceValueAsSchema5(o.rbefore, cur), sourceValueAsSchema5(o.rafter, cur)
		}
		present, v := o.hasAft, o.rafter
		if undo {
			present, v = o.hadBefore, o.rbefore
		}
		switch {
		case bytes.Equal(o.bucket, bktCodes):
			a.codesChanged, a.codebook = true, nil
			if err := a.checkCodeChange(CodeID(getU64(o.rkey)), present, v); err != nil {
				return err
			}
		case present && bytes.Equal(o.bucket, bktMarks) && len(o.rkey) == markKeyLen:
			if seg, _ := parseMarkKey(o.rkey); a.tx.Bucket(bktSegments).Get(u64(uint64(seg))) == nil {
				return errorf(ErrConflict, "a review mark's segment was removed by a later action (an undone import); redo that first")
			}
		case present && bytes.Equal(o.bucket, bktSamples):
			if err := a.checkSampleSegments(v); err != nil {
				return err
			}
		case present && bytes.Equal(o.bucket, bktTargetMemos):
			if !memoTargetExists(a.tx, o.rkey) {
				kind, _, _, _ := parseMemoKey(o.rkey)
				return errorf(ErrConflict, "a memo's %s was removed by a later action; undo that first", memoKindOf[kind])
			}
		case bytes.Equal(o.bucket, bktCases) && !present:
			if n := a.caseSegments(CaseID(getU64(o.rkey))); n > 0 {
				return nil // another source still speaks of this case: keep it
			}
			if id := getU64(o.rkey); hasMemos(a.tx, memoCaseByte, id) {
				name, _ := memoAbout(a.tx, nil, memoCaseByte, id)
				return errorf(ErrConflict, "case %q has memos written since; delete them first", corpus.Excerpt(name))
			}
			// A case another action gave attributes since (a colleague's
			// cases sheet) would take them with it: the undo of the import
			// that made it, then its redo, lost them.
			gone := o.rafter
			if !undo {
				gone = o.rbefore
			}
			if cur := b.Get(o.rkey); cur != nil && !bytes.Equal(cur, gone) {
				name := ""
				if r, err := decodeCase(cur); err == nil {
					name = CaseDisplay(r.name)
				}
				return errorf(ErrConflict, "case %q was given attributes by a later action; undo that first", corpus.Excerpt(name))
			}
		case bytes.Equal(o.bucket, bktCaseName) && !present:
			if id := b.Get(o.rkey); id != nil && a.caseSegments(CaseID(getU64(id))) > 0 {
				return nil // the case stays, and so does its name
			}
		case bytes.Equal(o.bucket, bktCaseName):
			if id := b.Get(o.rkey); id != nil && !bytes.Equal(id, v) {
				return errorf(ErrConflict, "a case named %q was added since; undo that first", corpus.Excerpt(CaseDisplay(string(o.rkey))))
			}
		case bytes.Equal(o.bucket, bktSegments), bytes.Equal(o.bucket, bktByCase):
			// A segment moved to another case (a cases sheet's join) can
			// be moved back only while its import is there.
			ref := o.rkey
			if len(ref) == 16 {
				ref = ref[8:]
			}
			if a.tx.Bucket(bktSegments).Get(ref) == nil {
				return errorf(ErrConflict, "a segment was removed by a later action (an undone import); redo that first")
			}
		}
		if err := a.checkRecordChange(o, undo); err != nil {
			return err
		}
		if !present {
			return b.Delete(o.rkey)
		}
		return b.Put(o.rkey, v)
	case opSourceAdd, opSourceDel:
		remove := (o.kind == opSourceAdd) == undo
		if remove {
			snap, err := a.removeSource(o.source)
			if err != nil {
				return err
			}
			o.snapshot = snap
			return nil
		}
		if err := a.checkSnapshot(o.snapshot); err != nil {
			return err
		}
		if err := restoreSnapshot(a.tx, o.snapshot); err != nil {
			return err
		}
		o.snapshot = nil
		return nil
	}
	return errorf(errCorrupt, "op kind %d", o.kind)
}

// Undo and redo set states that other actions (another coder's, or this
// coder's own before an undo) may have made impossible since. These checks
// refuse, with the reason, rather than leave a coding on a code or segment
// that is gone, or two codes at one path.

// checkCodingTargets refuses to put a coding on a code or segment that no
// longer exists.
func (a *action) checkCodingTargets(batch []codingChange) error {
	codes, segs := a.tx.Bucket(bktCodes), a.tx.Bucket(bktSegments)
	for _, c := range batch {
		if c.after == nil {
			continue
		}
		if codes.Get(u64(uint64(c.key.Code))) == nil {
			return errorf(ErrConflict, "a coding's code was deleted by a later action; undo that first")
		}
		if segs.Get(u64(uint64(c.key.Seg))) == nil {
			return errorf(ErrConflict, "a coding's segment was removed by a later action (an undone import); redo that first")
		}
	}
	return nil
}

// checkRecordChange refuses to set back a source, case or segment record
// that an action made since has changed or removed: the journal holds whole
// records, so putting one back would undo that later action's change too
// (another coder's attribute set on the same case) or bring back a record
// of a source whose import was undone. Creations and removals are the
// import's business (snapshots, and the case rules above).
func (a *action) checkRecordChange(o *op, undo bool) error {
	if !o.hadBefore || !o.hasAft {
		return nil
	}
	var what string
	switch {
	case bytes.Equal(o.bucket, bktSources):
		what = "source"
	case bytes.Equal(o.bucket, bktCases):
		what = "case"
	case bytes.Equal(o.bucket, bktSegments):
		what = "segment"
	default:
		return nil
	}
	want := o.rafter
	if !undo {
		want = o.rbefore
	}
	cur := a.tx.Bucket(o.bucket).Get(o.rkey)
	switch {
	case cur == nil:
		return errorf(ErrConflict, "the %s was removed by a later action (an undone import); redo that first", what)
	case !bytes.Equal(cur, want):
		return errorf(ErrConflict, "the %s's attributes were changed by a later action; undo that first", what)
	}
	return nil
}

// checkCodeChange refuses to delete a code that has codings or sub-codes, or
// to restore one whose parent is gone or whose name another code now has.
func (a *action) checkCodeChange(id CodeID, present bool, value []byte) error {
	codes := a.tx.Bucket(bktCodes)
	name := func(id CodeID) string {
		var r codeRecord
		json.Unmarshal(codes.Get(u64(uint64(id))), &r)
		return r.Name
	}
	if !present {
		if codes.Get(u64(uint64(id))) == nil {
			return nil
		}
		if hasPrefix(a.tx.Bucket(bktByCode), u32(uint32(id))) {
			return errorf(ErrConflict, "code %q has codings made since; remove or undo them first", name(id))
		}
		if hasMemos(a.tx, memoCodeByte, uint64(id)) {
			return errorf(ErrConflict, "code %q has memos written since; delete or undo them first", name(id))
		}
		kids := false
		codes.ForEach(func(k, v []byte) error {
			var r codeRecord
			if json.Unmarshal(v, &r) == nil && r.Parent == id {
				kids = true
			}
			return nil
		})
		if kids {
			return errorf(ErrConflict, "code %q has sub-codes added since; move or undo them first", name(id))
		}
		return nil
	}
	var rec codeRecord
	if err := json.Unmarshal(value, &rec); err != nil {
		return errorf(errCorrupt, "code %d in the journal", id)
	}
	if rec.Parent != 0 && codes.Get(u64(uint64(rec.Parent))) == nil {
		return errorf(ErrConflict, "the parent of code %q was deleted since; undo that first", rec.Name)
	}
	a.restored = append(a.restored, id) // its name is checked once the whole entry is replayed
	return nil
}

// checkNames refuses a replay that leaves a restored code with a sibling of
// the same name. It runs after the whole entry, because one entry may move a
// code away before another takes its name (a merge into the parent).
func (a *action) checkNames() error {
	if len(a.restored) == 0 {
		return nil
	}
	type place struct {
		parent CodeID
		name   string
	}
	seen := map[place]CodeID{}
	var clash string
	a.tx.Bucket(bktCodes).ForEach(func(k, v []byte) error {
		var r codeRecord
		if json.Unmarshal(v, &r) != nil {
			return nil
		}
		p := place{r.Parent, strings.ToLower(r.Name)}
		id := CodeID(getU64(k))
		if other, ok := seen[p]; ok && (slices.Contains(a.restored, id) || slices.Contains(a.restored, other)) {
			clash = r.Name
		}
		seen[p] = id
		return nil
	})
	if clash != "" {
		return errorf(ErrConflict, "a code named %q was added there since; rename or merge it first", clash)
	}
	return nil
}

// checkSnapshot refuses to bring back a source when one of the same name
// or content was imported since, or when a case of its segments was
// removed since (a cases sheet joined its speakers to another case).
func (a *action) checkSnapshot(snap []rec) error {
	for _, r := range snap {
		switch {
		case bytes.Equal(r.bucket, bktSegments):
			seg, err := decodeSegment(r.value)
			if err != nil {
				return errorf(errCorrupt, "a segment in the journal")
			}
			if seg.caseID != 0 && a.tx.Bucket(bktCases).Get(u64(uint64(seg.caseID))) == nil {
				return errorf(ErrConflict, "a case of the source's segments was joined to another since; undo that first")
			}
		case bytes.Equal(r.bucket, bktSourceHash):
			if a.tx.Bucket(bktSourceHash).Get(r.key) != nil {
				return errorf(ErrConflict, "the same file was imported again since; undo that import first")
			}
		case bytes.Equal(r.bucket, bktSources):
			var sr sourceRecord
			if json.Unmarshal(r.value, &sr) != nil {
				continue
			}
			if _, err := findSource(a.tx, sr.Name); err == nil {
				return errorf(ErrConflict, "a source named %q was imported since; undo that import first", sr.Name)
			}
		}
	}
	return nil
}

// putRecord changes a raw record and journals the change.
func (a *action) putRecord(bucket, key, value []byte) error {
	return a.putRecordAt(bucket, key, value, false)
}

// putRecordLater is putRecord for a record nothing in the action reads back
// from the bucket: the write waits for flushLater, in key order.
func (a *action) putRecordLater(bucket, key, value []byte) error {
	return a.putRecordAt(bucket, key, value, true)
}

func (a *action) putRecordAt(bucket, key, value []byte, later bool) error {
	return a.putRecordOver(bucket, key, a.tx.Bucket(bucket).Get(key), value, later)
}

// putNewRecord is putRecord of a record the caller knows is not there (a
// key from a bucket's sequence, a name it looked up): no lookup.
func (a *action) putNewRecord(bucket, key, value []byte, later bool) error {
	return a.putRecordOver(bucket, key, nil, value, later)
}

// putRecordOver journals and writes value over old, the key's value now.
func (a *action) putRecordOver(bucket, key, old, value []byte, later bool) error {
	b := a.tx.Bucket(bucket)
	o := op{kind: opRecord, rawOp: &rawOp{bucket: bucket, rkey: append([]byte(nil), key...),
		hadBefore: old != nil, rbefore: append([]byte(nil), old...),
		hasAft: value != nil, rafter: append([]byte(nil), value...)}}
	if old != nil && value != nil && bytes.Equal(old, value) {
		return nil
	}
	if old == nil && value == nil {
		return nil
	}
	if bytes.Equal(bucket, bktCodes) {
		a.codesChanged, a.codebook = true, nil
	}
	a.ops = append(a.ops, o)
	if later {
		if value == nil {
			a.later(bucket, o.rkey, nil)
		} else {
			a.later(bucket, o.rkey, o.rafter)
		}
		return nil
	}
	if value == nil {
		return b.Delete(key)
	}
	return b.Put(key, value)
}

// LastSegment is the first segment the actor's latest coding action
// changed: where a coder left off. Very large entries (imports) are skipped
// rather than decoded.
func (s *Store) LastSegment(actor string) (SegRef, bool) {
	var out SegRef
	_ = s.view(func(tx *bolt.Tx) error {
		coder, ok := s.coderID(tx, actor)
		if !ok {
			return nil
		}
		prefix := u32(uint32(coder))
		j := tx.Bucket(bktJournal)
		c := tx.Bucket(bktUndo).Cursor()
		for k, v := seekLast(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
			if v[0] != stateDone {
				continue
			}
			raw := j.Get(k[4:])
			if len(raw) > 64<<10 {
				continue
			}
			if e, err := decodeEntry(getU64(k[4:]), raw); err == nil {
				if segs := touched(e.ops); len(segs) > 0 {
					out = segs[0]
					return nil
				}
			}
		}
		return nil
	})
	return out, out != 0
}

// History lists the latest n journal entries of every actor, newest first
// (`qcode log --all`).
func (s *Store) History(n int) ([]HistoryEntry, error) {
	var out []HistoryEntry
	err := s.view(func(tx *bolt.Tx) error {
		u := tx.Bucket(bktUndo)
		c := tx.Bucket(bktJournal).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			h, err := s.historyEntry(tx, getU64(k), v)
			if err != nil {
				return err
			}
			h.setState(u.Get(append(u32(uint32(h.coder)), k...)))
			out = append(out, h)
		}
		markNextUndo(out)
		return nil
	})
	return out, err
}

// ActorHistory lists actor's latest n journal entries, newest first: what
// Undo(actor) takes back, in the order it would (the first entry still
// done is next), with the entries undone since. An actor that has made no
// action has none (not an error).
func (s *Store) ActorHistory(actor string, n int) ([]HistoryEntry, error) {
	var out []HistoryEntry
	err := s.view(func(tx *bolt.Tx) error {
		coder, ok := s.coderID(tx, actor)
		if !ok {
			return nil
		}
		prefix := u32(uint32(coder))
		j := tx.Bucket(bktJournal)
		c := tx.Bucket(bktUndo).Cursor()
		for k, v := seekLast(c, prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, v = c.Prev() {
			seq := getU64(k[4:])
			h, err := s.historyEntry(tx, seq, j.Get(k[4:]))
			if err != nil {
				return err
			}
			h.setState(v)
			out = append(out, h)
		}
		markNextUndo(out)
		return nil
	})
	return out, err
}

// LatestAction is the newest journal entry still done, whoever made it:
// what to name when a coder with nothing to undo asks for an undo.
func (s *Store) LatestAction() (HistoryEntry, bool, error) {
	var out HistoryEntry
	found := false
	err := s.view(func(tx *bolt.Tx) error {
		u := tx.Bucket(bktUndo)
		c := tx.Bucket(bktJournal).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			h, err := s.historyEntry(tx, getU64(k), v)
			if err != nil {
				return err
			}
			h.setState(u.Get(append(u32(uint32(h.coder)), k...)))
			if h.State == "done" {
				out, found = h, true
				return nil
			}
		}
		return nil
	})
	return out, found, err
}

// historyEntry reads an entry's actor, time and description without
// decoding its operations (an import's entry holds every segment).
func (s *Store) historyEntry(tx *bolt.Tx, seq uint64, b []byte) (HistoryEntry, error) {
	r := rbuf{b: b}
	if v := r.byte(); v != entryV1 && v != entryV2 {
		return HistoryEntry{}, errorf(errCorrupt, "journal entry %d: format %d", seq, v)
	}
	coder := CoderID(r.uvarint())
	t := int64(r.uvarint())
	desc := r.str()
	if r.err != nil {
		return HistoryEntry{}, fmt.Errorf("journal entry %d: %w", seq, r.err)
	}
	return HistoryEntry{Seq: seq, Coder: s.coderName(tx, coder), Time: time.UnixMilli(t), Desc: desc, coder: coder}, nil
}

func (h *HistoryEntry) setState(v []byte) {
	h.State = "done"
	if len(v) == 1 {
		switch v[0] {
		case stateUndone:
			h.State = "undone"
		case stateDropped:
			h.State = "dropped"
		}
	}
	h.Undone = h.State != "done"
}

// markNextUndo marks, per actor, the newest entry still done: the one that
// actor's next undo takes back.
func markNextUndo(list []HistoryEntry) {
	seen := map[CoderID]bool{}
	for i := range list {
		if list[i].State == "done" && !seen[list[i].coder] {
			seen[list[i].coder] = true
			list[i].NextUndo = true
		}
	}
}

// HistoryEntry is one journal entry as `qcode log` shows it.
type HistoryEntry struct {
	Seq   uint64
	Coder string // the actor: only Undo(Coder) takes it back
	Time  time.Time
	Desc  string
	// State is "done", "undone" (redo brings it back) or "dropped" (undone,
	// then a new action of the same actor made redo impossible).
	State  string
	Undone bool // State is not "done"
	// NextUndo marks the entry the actor's next undo takes back (within
	// the entries listed).
	NextUndo bool

	coder CoderID
}
