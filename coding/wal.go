package coding

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// An action is durable once its record is in the write-ahead file beside
// the project (FILE.wal) and synced: one small write and one fdatasync.
// The bbolt transaction that holds the action is committed afterwards, with
// bbolt's own syncs, by a goroutine; the next action and every read wait
// for that commit, so there is never more than one action between the WAL
// and the file. An open that finds a record the file does not hold yet
// replays it. docs/design-notes.md ("Durable actions") has the reasoning.

// ErrPendingWAL is a project whose write-ahead file holds an action the
// file does not have yet, opened where it cannot be applied (read-only).
// Opening the project for writing applies it.
var ErrPendingWAL = errors.New("an action is kept in the write-ahead file")

// ErrWAL is a write-ahead file that does not belong with its project file
// (another project's, a newer qcode's, or made on another state of the
// file). Nothing is applied or removed; the user moves it away.
var ErrWAL = errors.New("write-ahead file does not follow the project")

// ErrNotSaved is a bbolt commit that failed after its action was answered:
// the action is in the write-ahead file, and the store takes no more work.
var ErrNotSaved = errors.New("the project file could not be written")

const (
	walMagic      = "qcodewal"
	walVersion    = 1
	walHeaderSize = 4096     // the header has a block of its own: a torn record cannot reach it
	walPrealloc   = 64 << 10 // zeros written at creation, so that syncing a record is a data write only
	walMaxRecord  = 1 << 20  // larger actions commit synced, with no record
	walFrame      = 8        // length(4) · CRC-32C(4) before a record's body
)

// Record kinds.
const (
	walAction = 1 // an action made through act: its journal entry
	walUndo   = 2 // Undo(actor), run again
	walRedo   = 3 // Redo(actor), run again
)

// walMetaKey in the meta bucket holds the number and id of the last record
// the file holds: n(8) · id(8).
var walMetaKey = []byte("wal")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// walID names a record: the first 8 bytes of its body's SHA-256.
type walID [8]byte

func idOf(body []byte) walID {
	sum := sha256.Sum256(body)
	var id walID
	copy(id[:], sum[:8])
	return id
}

// walRecord is one action as the write-ahead file holds it: enough to make
// the same changes again on the state it was made on.
type walRecord struct {
	n     uint64 // one more than the file's meta/wal number
	prev  walID  // the file's meta/wal id
	txid  uint64 // the bbolt transaction its commit is
	kind  byte
	actor string

	// What the journal entry does not hold: top-level buckets the action
	// made, records it added to the registries no undo takes back (coders,
	// interned strings, with their reverse indexes), and the buckets'
	// sequences that moved.
	buckets [][]byte
	puts    []rec
	seqs    []bucketSeq

	// walAction: the journal entry as stored, and its sequence number (0:
	// the action changed nothing the journal records).
	seq   uint64
	entry []byte

	// large is not written: the action commits synced, without a record
	// (imports, merges, source snapshots, anything the record cannot say).
	large bool
}

type bucketSeq struct {
	name []byte
	seq  uint64
}

func (r *walRecord) encode() []byte {
	var w wbuf
	w.byte(1) // record format
	w.uvarint(r.n)
	w = append(w, r.prev[:]...)
	w.uvarint(r.txid)
	w.byte(r.kind)
	w.str(r.actor)
	w.uvarint(uint64(len(r.buckets)))
	for _, b := range r.buckets {
		w.bytes(b)
	}
	w.uvarint(uint64(len(r.puts)))
	for _, p := range r.puts {
		w.bytes(p.bucket)
		w.bytes(p.key)
		w.bytes(p.value)
	}
	w.uvarint(uint64(len(r.seqs)))
	for _, s := range r.seqs {
		w.bytes(s.name)
		w.uvarint(s.seq)
	}
	w.uvarint(r.seq)
	w.bytes(r.entry)
	return w
}

func decodeWALRecord(b []byte) (*walRecord, error) {
	r := rbuf{b: b}
	if v := r.byte(); v != 1 {
		return nil, fmt.Errorf("record format %d", v)
	}
	out := &walRecord{n: r.uvarint()}
	if len(r.b) < len(out.prev) {
		return nil, errCorrupt
	}
	copy(out.prev[:], r.b)
	r.b = r.b[len(out.prev):]
	out.txid = r.uvarint()
	out.kind = r.byte()
	out.actor = r.str()
	count := func() int {
		n := r.uvarint()
		if n > uint64(len(b)) {
			r.err = errCorrupt
			return 0
		}
		return int(n)
	}
	out.buckets = make([][]byte, count())
	for i := range out.buckets {
		out.buckets[i] = r.bytes()
	}
	out.puts = make([]rec, count())
	for i := range out.puts {
		out.puts[i] = rec{r.bytes(), r.bytes(), r.bytes()}
	}
	out.seqs = make([]bucketSeq, count())
	for i := range out.seqs {
		out.seqs[i] = bucketSeq{r.bytes(), r.uvarint()}
	}
	out.seq = r.uvarint()
	out.entry = r.bytes()
	if r.err == nil && len(r.b) != 0 {
		r.err = errCorrupt
	}
	switch {
	case r.err != nil:
		return nil, r.err
	case out.kind < walAction || out.kind > walRedo:
		return nil, fmt.Errorf("record kind %d", out.kind)
	}
	return out, nil
}

// registries are the buckets an action adds to with NextSequence and no
// undo takes back, each with its reverse index (name → id).
var registries = [][2][]byte{{bktCoders, bktCoderName}, {bktStrs, bktStrIx}}

// txStart is a write transaction's top-level buckets and their sequences
// when it began.
type txStart map[string]uint64

func startOf(tx *bolt.Tx) txStart {
	m := txStart{}
	tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		m[string(name)] = b.Sequence()
		return nil
	})
	return m
}

// capture records what the transaction changed beyond its journal entry
// (see walRecord). Anything it cannot say (a bucket dropped) makes the
// action large: committed synced, with no record.
func (r *walRecord) capture(tx *bolt.Tx, start txStart) {
	seen := 0
	tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		seq0, had := start[string(name)]
		if had {
			seen++
		} else {
			r.buckets = append(r.buckets, bytes.Clone(name))
		}
		if seq := b.Sequence(); seq != seq0 || !had {
			r.seqs = append(r.seqs, bucketSeq{bytes.Clone(name), seq})
		}
		return nil
	})
	if seen != len(start) {
		r.large = true
	}
	for _, reg := range registries {
		fwd, rev := tx.Bucket(reg[0]), tx.Bucket(reg[1])
		if fwd == nil || rev == nil {
			continue
		}
		for id := start[string(reg[0])] + 1; id <= fwd.Sequence(); id++ {
			v := fwd.Get(u64(id))
			if v == nil {
				continue
			}
			r.puts = append(r.puts, rec{reg[0], u64(id), bytes.Clone(v)})
			if ix := rev.Get(v); ix != nil {
				r.puts = append(r.puts, rec{reg[1], bytes.Clone(v), bytes.Clone(ix)})
			}
		}
	}
}

// appliedWAL reads meta/wal: the number and id of the last record the file
// holds (0 and a zero id when none).
func appliedWAL(tx *bolt.Tx) (uint64, walID) {
	var id walID
	v := tx.Bucket(bktMeta).Get(walMetaKey)
	if len(v) != 16 {
		return 0, id
	}
	copy(id[:], v[8:])
	return getU64(v), id
}

func putApplied(tx *bolt.Tx, n uint64, id walID) error {
	return tx.Bucket(bktMeta).Put(walMetaKey, append(u64(n), id[:]...))
}

// walFile is the write-ahead file of a writable store, made on its first
// logged action and removed by Close.
type walFile struct {
	f    *os.File
	path string
}

func (s *Store) walPath() string { return s.path + ".wal" }

// walHeader is the file's first block: magic, format, the project's id,
// CRC-32C of those.
func walHeader(project string) ([]byte, error) {
	id, err := hex.DecodeString(project)
	if err != nil || len(id) != 16 {
		return nil, fmt.Errorf("project id %q", project)
	}
	h := make([]byte, walHeaderSize)
	copy(h, walMagic)
	h[8] = walVersion
	copy(h[9:25], id)
	binary.BigEndian.PutUint32(h[25:], crc32.Checksum(h[:25], castagnoli))
	return h, nil
}

// createWAL makes a new write-ahead file: never one already there, nor
// through a symlink. Its header and directory entry are synced before any
// record is trusted to it.
func createWAL(path, project string) (*walFile, error) {
	head, err := walHeader(project)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, walPrealloc)
	copy(buf, head)
	_, err = f.WriteAt(buf, 0)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return &walFile{f: f, path: path}, nil
}

// write puts a record in the slot after the header and syncs it.
func (w *walFile) write(body []byte, c *walClock) error {
	buf := make([]byte, walFrame+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	binary.BigEndian.PutUint32(buf[4:], crc32.Checksum(body, castagnoli))
	copy(buf[walFrame:], body)
	if _, err := w.f.WriteAt(buf, walHeaderSize); err != nil {
		return err
	}
	c.lap(phaseWrite)
	err := fdatasync(w.f)
	c.lap(phaseSync)
	return err
}

// close closes the file and, when remove says so, removes it if the name
// still names it.
func (w *walFile) close(remove bool) {
	if w == nil {
		return
	}
	if remove {
		st, err := w.f.Stat()
		if lst, lerr := os.Lstat(w.path); err == nil && lerr == nil && os.SameFile(st, lst) {
			os.Remove(w.path)
		}
	}
	w.f.Close()
}

// walRead is a write-ahead file found beside a project.
type walRead struct {
	rec *walRecord // nil: no valid record (none written, or torn)
	id  walID
}

// readWAL reads the write-ahead file at path, if there is one (nil, nil
// when not). It never follows a symlink. A file that is not a write-ahead
// file, or belongs to another project (unless project is anyProject) or a
// newer qcode, is ErrWAL; a header that was never written whole (a kill
// while the file was made) is read as no record.
func readWAL(path, project string) (*walRead, error) {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errorf(ErrWAL, "%s is not a regular file (a symlink?): qcode neither reads nor writes through it; remove it to open the project", path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, walHeaderSize)
	n, err := io.ReadFull(f, head)
	if err != nil && n < 29 {
		if allZero(head[:n]) {
			return &walRead{}, nil
		}
		return nil, errorf(ErrWAL, "%s is not a qcode write-ahead file (%d bytes); move it away to open the project", path, n)
	}
	switch {
	case allZero(head[:29]):
		return &walRead{}, nil // made, never synced whole: no record was trusted to it
	case string(head[:8]) != walMagic:
		return nil, errorf(ErrWAL, "%s is not a qcode write-ahead file; move it away to open the project", path)
	case binary.BigEndian.Uint32(head[25:]) != crc32.Checksum(head[:25], castagnoli):
		return &walRead{}, nil // the header itself was torn: no record followed it
	case head[8] != walVersion:
		return nil, errorf(ErrWAL, "%s was written by a newer qcode (format %d): open the project with that qcode", path, head[8])
	case project != anyProject && hex.EncodeToString(head[9:25]) != project:
		return nil, errorf(ErrWAL, "%s belongs to another project (id %x, this one's is %s): move it away to open the project", path, head[9:25], project)
	}
	frame := make([]byte, walFrame)
	if _, err := f.ReadAt(frame, walHeaderSize); err != nil {
		return &walRead{}, nil
	}
	size, sum := binary.BigEndian.Uint32(frame), binary.BigEndian.Uint32(frame[4:])
	if size == 0 || size > walMaxRecord || int64(size) > st.Size()-walHeaderSize-walFrame {
		// A larger record is never written (such an action commits synced).
		return &walRead{}, nil
	}
	body := make([]byte, size)
	if _, err := f.ReadAt(body, walHeaderSize+walFrame); err != nil || crc32.Checksum(body, castagnoli) != sum {
		return &walRead{}, nil // torn: never acknowledged
	}
	rec, err := decodeWALRecord(body)
	if err != nil {
		return nil, errorf(ErrWAL, "%s: its record does not read (%v): move it away to open the project without it", path, err)
	}
	return &walRead{rec: rec, id: idOf(body)}, nil
}

// anyProject reads a write-ahead file of any project: before bbolt has
// opened the file, which holds the project's id (see tornCommit).
const anyProject = ""

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// walState says how a record stands against the file as tx sees it (a read
// transaction): applied (the file holds it), pending (it follows the file),
// or neither (ErrWAL).
func walState(tx *bolt.Tx, path string, w *walRead) (pending bool, err error) {
	n0, id0 := appliedWAL(tx)
	r := w.rec
	switch {
	case r.n == n0 && w.id == id0:
		return false, nil
	case r.n == n0+1 && r.prev == id0 && r.txid == uint64(tx.ID())+1:
		return true, nil
	}
	return false, errorf(ErrWAL, "%s holds action #%d, which does not follow %s as it is now (the file holds #%d; was it restored or replaced?): move %s away to open the project without that action",
		path+".wal", r.n, path, n0, path+".wal")
}

// commitment is a bbolt commit in flight after its action answered.
type commitment struct {
	done chan struct{}
	err  error
}

// flushed waits for the commit in flight, if any, and reports its failure
// (which stops the store: the WAL holds the action, the file does not).
func (s *Store) flushed() error {
	if c := s.inflight.Load(); c != nil {
		<-c.done
		return c.err
	}
	return nil
}

// Flush waits until the project file holds every action answered so far.
// Each was durable when it answered (in the write-ahead file); Flush is for
// callers that measure, or copy the file while it is open.
func (s *Store) Flush() error { return s.flushed() }

// testHookBeforeCommit, when a test sets it, runs before a logged
// action's commit (the crash tests hold the commit there); testHookReplay
// runs before a replayed record's commit at open.
var (
	testHookBeforeCommit func()
	testHookReplay       func()
)

// The parts of a logged action's time on the caller's path, for the
// benchmark (testHookTimes).
const (
	phaseWait    = iota // the lock, and the previous action's commit
	phaseBegin          // bbolt's write transaction begun
	phaseAction         // the action's own reads and writes, its journal entry
	phaseCapture        // what the record holds beside the entry (startOf, capture)
	phaseEncode         // the record encoded and named (its SHA-256)
	phaseWrite          // the record framed and written into the WAL
	phaseSync           // the WAL's sync
	phaseHandoff        // the commit handed to its goroutine
	walPhases
)

// testHookTimes, when a test sets it, is given where each logged action's
// time went and its record's size; no clock is read otherwise.
var testHookTimes func(d [walPhases]time.Duration, size int)

// walClock splits a logged action's time into phases (testHookTimes).
type walClock struct {
	on   bool
	last time.Time
	d    [walPhases]time.Duration
}

func startClock() walClock {
	if testHookTimes == nil {
		return walClock{}
	}
	return walClock{on: true, last: time.Now()}
}

// lap adds the time since the last lap to phase p.
func (c *walClock) lap(p int) {
	if c.on {
		now := time.Now()
		c.d[p] += now.Sub(c.last)
		c.last = now
	}
}

// testHookLogged, when a test sets it, is given each logged transaction
// and its record before the commit, and returns the transaction to commit
// (the random test rolls it back and commits a replay of the record).
var testHookLogged func(s *Store, tx *bolt.Tx, r *walRecord, body []byte) (*bolt.Tx, error)

// logged runs fn in a write transaction and makes its change durable: by
// a record in the write-ahead file, with the commit left to a goroutine,
// or (r.large, or no WAL could be made) by a synced commit here. fn fills
// r (kind, actor, entry). An action that changed nothing is rolled back.
func (s *Store) logged(r *walRecord, fn func(tx *bolt.Tx) error) error {
	clock := startClock()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.flushed(); err != nil {
		return err
	}
	clock.lap(phaseWait)
	var tx *bolt.Tx
	var body []byte
	err := s.guard(func() (err error) {
		if tx, err = s.db.Begin(true); err != nil {
			return err
		}
		s.db.AllocSize = growth(tx.Size())
		clock.lap(phaseBegin)
		start := startOf(tx)
		clock.lap(phaseCapture)
		if err := fn(tx); err != nil {
			return err
		}
		clock.lap(phaseAction)
		r.capture(tx, start)
		clock.lap(phaseCapture)
		if r.kind == walAction && r.entry == nil {
			if st := tx.Stats(); st.GetNodeCount() == 0 {
				return errNothingWritten // bbolt made no node to write: nothing to commit
			}
			r.large = true // no journal entry, yet a write (a coder's first visit): synced, as before
		}
		n0, id0 := appliedWAL(tx)
		r.n, r.prev, r.txid = n0+1, id0, uint64(tx.ID())
		if r.large || s.walOff {
			return nil
		}
		clock.lap(phaseAction)
		if body = r.encode(); len(body) > walMaxRecord {
			r.large, body = true, nil
			return nil
		}
		id := idOf(body)
		clock.lap(phaseEncode)
		return putApplied(tx, r.n, id)
	})
	clock.lap(phaseAction)
	if errors.Is(err, errNothingWritten) {
		s.rollback(tx)
		return nil
	}
	if err != nil {
		s.rollback(tx)
		if errors.Is(err, ErrDamaged) {
			s.setDamage(err)
		}
		return err
	}
	if body == nil {
		return s.commitNow(tx)
	}
	if testHookLogged != nil {
		if tx, err = testHookLogged(s, tx, r, body); err != nil {
			s.rollback(tx)
			return err
		}
	}
	if s.wal == nil && !s.walOff {
		if s.wal, err = createWAL(s.walPath(), s.meta.ID); err != nil {
			s.wal, s.walOff = nil, true // a directory the user may not write: commit as before
		}
	}
	if s.walOff {
		return s.commitNow(tx)
	}
	clock.lap(phaseAction)
	if err := s.wal.write(body, &clock); err != nil {
		s.rollback(tx)
		return fmt.Errorf("%s: %w", s.walPath(), err)
	}
	c := &commitment{done: make(chan struct{})}
	s.inflight.Store(c)
	go s.commitLater(tx, c)
	clock.lap(phaseHandoff)
	if clock.on {
		testHookTimes(clock.d, walFrame+len(body))
	}
	return nil
}

// errNothingWritten is an action that wrote nothing: rolled back, not an
// error.
var errNothingWritten = errors.New("nothing written")

// commitNow commits tx with bbolt's syncs, here.
func (s *Store) commitNow(tx *bolt.Tx) error {
	return s.committed(s.guard(tx.Commit))
}

// commitLater commits an answered action's transaction (see logged).
func (s *Store) commitLater(tx *bolt.Tx, c *commitment) {
	defer close(c.done)
	if testHookBeforeCommit != nil {
		testHookBeforeCommit()
	}
	if err := s.commitNow(tx); err != nil {
		c.err = errorf(ErrNotSaved, "%s could not be written (%v): the last action is kept in %s and is applied when the project is opened again", s.path, err, s.walPath())
	}
}

// rollback ends a write transaction that will not be committed.
func (s *Store) rollback(tx *bolt.Tx) {
	if tx != nil && tx.DB() != nil {
		_ = s.guard(tx.Rollback)
	}
}

// replay makes a record's changes again in tx, on the state it was made
// on (see walState).
func (s *Store) replay(tx *bolt.Tx, r *walRecord, id walID) (book *Codebook, err error) {
	if uint64(tx.ID()) != r.txid {
		return nil, errorf(ErrWAL, "record #%d was made for transaction %d, not %d", r.n, r.txid, tx.ID())
	}
	for _, name := range r.buckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return nil, err
		}
	}
	for _, p := range r.puts {
		b := tx.Bucket(p.bucket)
		if b == nil {
			return nil, errorf(errCorrupt, "record #%d names bucket %q", r.n, p.bucket)
		}
		if err := b.Put(p.key, p.value); err != nil {
			return nil, err
		}
	}
	switch r.kind {
	case walAction:
		if r.entry != nil {
			if book, err = s.redoEntry(tx, r); err != nil {
				return nil, err
			}
		} else if _, err := s.ensureCoder(tx, r.actor); err != nil {
			return nil, err
		}
	case walUndo, walRedo:
		if _, book, _, err = s.undoRedoTx(tx, r.actor, r.kind == walUndo); err != nil {
			return nil, err
		}
	}
	for _, q := range r.seqs {
		b := tx.Bucket(q.name)
		if b == nil {
			return nil, errorf(errCorrupt, "record #%d names bucket %q", r.n, q.name)
		}
		if err := b.SetSequence(q.seq); err != nil {
			return nil, err
		}
	}
	return book, putApplied(tx, r.n, id)
}

// redoEntry makes an action's journal entry again: its operations' "after"
// states through the code redo uses, then the same entry and undo stack.
func (s *Store) redoEntry(tx *bolt.Tx, r *walRecord) (*Codebook, error) {
	coder, err := s.ensureCoder(tx, r.actor)
	if err != nil {
		return nil, err
	}
	e, err := decodeEntry(r.seq, r.entry)
	if err != nil {
		return nil, err
	}
	if e.coder != coder {
		return nil, errorf(errCorrupt, "record #%d: entry of coder %d, actor %q is %d", r.n, e.coder, r.actor, coder)
	}
	a := &action{s: s, tx: tx, coder: coder}
	if err := a.replay(e, false); err != nil {
		return nil, err
	}
	if err := a.record(r.seq, r.entry); err != nil {
		return nil, err
	}
	if a.codesChanged {
		return readCodebook(tx)
	}
	return nil, nil
}

// recoverWAL applies the action a write-ahead file beside the project
// holds and the file does not (a writable open), then removes the WAL. A
// read-only store only says whether there is one (ErrPendingWAL). A meta
// page Open let pass as torn (s.torn) is accepted only here, when the
// record is pending against the state bbolt opened, and rewritten by the
// replay's commit; in every other case the file is refused as damaged, as
// any file with a bad meta page is.
func (s *Store) recoverWAL() error {
	w, err := readWAL(s.walPath(), s.meta.ID)
	if s.torn != nil && (err != nil || w == nil || w.rec == nil) {
		return s.tornRefused()
	}
	if err != nil || w == nil {
		return err
	}
	pending := false
	if w.rec != nil {
		if err := s.view(func(tx *bolt.Tx) (err error) {
			pending, err = walState(tx, s.path, w)
			if s.torn != nil && uint64(tx.ID()) != s.torn.txid {
				pending = false // another writer came between the preflight and bbolt's lock
			}
			return err
		}); err != nil {
			if s.torn != nil {
				return s.tornRefused()
			}
			return err
		}
	}
	if s.torn != nil && (!pending || s.readOnly != "") {
		return s.tornRefused()
	}
	if s.readOnly != "" {
		if pending {
			return errorf(ErrPendingWAL, "%s: an action is kept in %s and not yet in the file (a qcode stopped before writing it there): open the project once for writing to apply it (any qcode command that writes, or `qcode -p %s info`)", s.path, s.walPath(), s.path)
		}
		return nil
	}
	if pending {
		if err := s.replayPending(w); err != nil {
			return fmt.Errorf("%s: applying the action kept in %s: %w", s.path, s.walPath(), err)
		}
		s.replayed = 1
		if s.torn != nil {
			if err := s.tornRewritten(); err != nil {
				return err
			}
		}
	}
	return removeWAL(s.walPath())
}

// tornMeta is a meta page torn by a power cut during the commit of the
// action a write-ahead file holds (docs/design-notes.md, "A torn meta
// page"). bbolt writes a commit's pages, syncs, then writes its meta page
// to page txid mod 2 and syncs: a cut during that last write can leave the
// page neither old nor new, while the other meta page, one transaction
// older, and every page it points to are whole.
type tornMeta struct {
	page int    // 0 or 1
	txid uint64 // the transaction of the other, valid, meta page
	err  string // the page's entry in fileHead.metaErrs
}

// tornCommit says whether head's one bad meta page may be that of a
// commit cut off after its action answered: the page is torn (magic,
// version or checksum), it is the page the commit after the valid meta's
// transaction writes, and the write-ahead file at walPath holds a record
// made for that very transaction. Whether the record is this project's and
// follows the valid meta's state is confirmed once bbolt has opened the
// file on that page (recoverWAL, checkWAL); until then the walk of the
// pages lets the torn page pass.
func tornCommit(head fileHead, walPath string) *tornMeta {
	if head.torn < 0 || uint64(head.torn) != (head.meta.txid+1)%2 {
		return nil
	}
	w, err := readWAL(walPath, anyProject)
	if err != nil || w == nil || w.rec == nil || w.rec.txid != head.meta.txid+1 {
		return nil
	}
	return &tornMeta{page: head.torn, txid: head.meta.txid, err: head.metaErrs[0]}
}

// tolerate takes the torn meta page Open let pass out of a head read again
// (the background vet), if it is still the same page of the same state.
func (s *Store) tolerate(head *fileHead) {
	if t := s.torn; t != nil && head.torn == t.page && head.meta.txid == t.txid {
		head.metaErrs = nil
	}
}

// tornRefused is the damage a torn meta page is when no pending record
// accounts for it: what the walk of the pages would have reported.
func (s *Store) tornRefused() error {
	err := asDamaged(s.path, errorf(ErrDamaged, "meta: %s", s.torn.err))
	s.setDamage(err)
	return err
}

// tornRewritten checks, after the replay's commit, that both meta pages
// are whole again, the torn one holding the replay's transaction (bbolt
// writes transaction txid+1's meta to the torn page).
func (s *Store) tornRewritten() error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	head, err := readHead(f)
	if err == nil && (len(head.metaErrs) > 0 || head.slot != s.torn.page || head.meta.txid != s.torn.txid+1) {
		err = errorf(ErrDamaged, "meta page %d was not rewritten by the replay (%v)", s.torn.page, head.metaErrs)
	}
	if err != nil {
		err = asDamaged(s.path, err)
		s.setDamage(err)
		return err
	}
	s.metaRewritten = true
	return nil
}

// MetaRewritten says which of bbolt's meta pages (0 or 1) Open found
// torn and rewrote by replaying the action whose commit tore it (see
// Replayed); ok is false when none.
func (s *Store) MetaRewritten() (page int, ok bool) {
	if !s.metaRewritten {
		return 0, false
	}
	return s.torn.page, true
}

// replayPending replays a pending record in one synced transaction.
func (s *Store) replayPending(w *walRead) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.Begin(true)
	if err != nil {
		return err
	}
	var book *Codebook
	err = s.guard(func() (err error) {
		book, err = s.replay(tx, w.rec, w.id)
		return err
	})
	if err == nil && testHookReplay != nil {
		testHookReplay()
	}
	if err != nil {
		s.rollback(tx)
		s.forgetCoders()
		return err
	}
	if err := s.commitNow(tx); err != nil {
		return err
	}
	s.publish(book)
	return s.loadState() // the coders and codebook the record added
}

// removeWAL removes a write-ahead file whose action the project holds (or
// that holds none). It was read through no symlink; a name that is no
// longer a regular file is left alone.
func removeWAL(path string) error {
	if st, err := os.Lstat(path); err != nil || !st.Mode().IsRegular() {
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Replayed says how many actions Open applied from a write-ahead file left
// by a qcode that stopped before writing them into the project (0 or 1).
func (s *Store) Replayed() int { return s.replayed }
