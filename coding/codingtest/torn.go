package codingtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"

	"qcode/coding"
)

// The torn-commit states: what a power cut leaves when it falls while
// bbolt writes the meta page of an action's commit, the action having
// answered once its record was in FILE.wal. They are made from real
// files: a session applies two codes, and after each commit (Flush) the
// project file and its write-ahead file are copied as they are on disk;
// a test then tears the newest meta page of a copy (Tears), so that the
// copy holds everything the cut-off commit wrote (its pages, past the
// older state's high-water mark and over its free pages) except a whole
// meta page.

// TornCode is the code the torn-commit session applies.
const TornCode = "Barriers/Workload and time"

// Snapshot is a project file and its write-ahead file as copied.
type Snapshot struct {
	File, WAL []byte
}

// TornFiles are the snapshots of one session and of a sibling session.
type TornFiles struct {
	// Base is the project before the session, cleanly closed (its newest
	// meta page has a freelist).
	Base []byte
	// First is after the commit of the session's first action (alice codes
	// S1-2), Second after its second (alice codes S1-1): each file's
	// newest meta page is that commit's, its WAL holds that action.
	First, Second Snapshot
	// Sibling is the second action of another session on Base (alice
	// codes S1-3, then S1-4): a record of the same transaction as
	// Second's, made on another state.
	Sibling Snapshot
}

// TornSession builds the snapshots in dir.
func TornSession(tb testing.TB, dir string) *TornFiles {
	tb.Helper()
	base := filepath.Join(dir, "torn-base.qcode")
	s, err := coding.Create(base, coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.ImportSource("setup", Source(1, 40), coding.ImportOptions{}); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	out := &TornFiles{Base: readAll(tb, base)}
	session := func(name string, segs ...string) []Snapshot {
		p := filepath.Join(dir, name+".qcode")
		writeFile(tb, p, out.Base)
		s, err := coding.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		defer s.Close()
		c, ok := s.Codebook().Lookup(TornCode)
		if !ok {
			tb.Fatal("no code " + TornCode)
		}
		var snaps []Snapshot
		for _, seg := range segs {
			ref, err := s.Resolve(seg)
			if err != nil {
				tb.Fatal(err)
			}
			if _, err := s.Apply("alice", ref, c.ID, coding.Span{}); err != nil {
				tb.Fatal(err)
			}
			if err := s.Flush(); err != nil {
				tb.Fatal(err)
			}
			snaps = append(snaps, Snapshot{readAll(tb, p), readAll(tb, p+".wal")})
		}
		return snaps
	}
	snaps := session("torn-session", "S1-2", "S1-1")
	out.First, out.Second = snaps[0], snaps[1]
	out.Sibling = session("torn-sibling", "S1-3", "S1-4")[1]
	return out
}

// Write puts a snapshot at path (and path.wal, or none when wal is nil).
func Write(tb testing.TB, path string, file, wal []byte) {
	tb.Helper()
	writeFile(tb, path, file)
	os.Remove(path + ".wal")
	if wal != nil {
		writeFile(tb, path+".wal", wal)
	}
}

// MetaPage is one of bbolt's two meta pages as a test reads it.
type MetaPage struct {
	Valid      bool // magic, version and checksum hold
	Txid, Pgid uint64
}

// Metas reads both meta pages of a file (page size 4096).
func Metas(tb testing.TB, path string) [2]MetaPage {
	tb.Helper()
	var out [2]MetaPage
	for i := range out {
		p := readPage(tb, path, uint64(i))[16:]
		h := fnv.New64a()
		h.Write(p[:56])
		out[i] = MetaPage{
			Valid: binary.LittleEndian.Uint32(p) == 0xED0CDAED && binary.LittleEndian.Uint32(p[4:]) == 2 && binary.LittleEndian.Uint64(p[56:]) == h.Sum64(),
			Pgid:  binary.LittleEndian.Uint64(p[40:]),
			Txid:  binary.LittleEndian.Uint64(p[48:]),
		}
	}
	return out
}

// Newest is the meta page bbolt uses (the valid one with the higher txid).
func Newest(tb testing.TB, path string) int {
	m := Metas(tb, path)
	if !m[0].Valid || (m[1].Valid && m[1].Txid > m[0].Txid) {
		return 1
	}
	return 0
}

// Tear is one way the write of a meta page can be cut off.
type Tear struct {
	Name string
	// Apply makes the torn page from the page as written (written) and as
	// it was before (old).
	Apply func(written, old []byte) []byte
}

// Tears lists them.
func Tears() []Tear {
	return []Tear{
		{"zeros (the block was never written)", func(w, _ []byte) []byte { return make([]byte, len(w)) }},
		{"garbage", func(w, _ []byte) []byte {
			b := make([]byte, len(w))
			for i := range b {
				b[i] = byte(i*131 + 7)
			}
			return b
		}},
		{"half written (new up to the page count, old from the txid on)", func(w, old []byte) []byte {
			b := bytes.Clone(old)
			copy(b, w[:16+48])
			return b
		}},
	}
}

// TearMeta tears meta page id of the file at path; old is a file whose
// page id is what the page held before the cut-off write.
func TearMeta(tb testing.TB, path string, id int, old []byte, tear Tear) {
	tb.Helper()
	written := readPage(tb, path, uint64(id))
	was := old[id*pageSize : (id+1)*pageSize]
	writeAt(tb, path, uint64(id), 0, tear.Apply(written, was))
}

// OtherProjectWAL is a write-ahead file as another project's would be: the
// same record, another project id in its header.
func OtherProjectWAL(wal []byte) []byte {
	b := bytes.Clone(wal)
	for i := 9; i < 25; i++ {
		b[i] ^= 0x5a
	}
	binary.BigEndian.PutUint32(b[25:], crc32.Checksum(b[:25], crc32.MakeTable(crc32.Castagnoli)))
	return b
}

// Rewritten counts the pages (past the meta pages) that differ between
// two files: below page hwm, and from it on.
func Rewritten(old, now []byte, hwm uint64) (below, past int) {
	for id := 2; (id+1)*pageSize <= len(now); id++ {
		var was []byte
		if (id+1)*pageSize <= len(old) {
			was = old[id*pageSize : (id+1)*pageSize]
		}
		if !bytes.Equal(now[id*pageSize:(id+1)*pageSize], was) {
			if uint64(id) < hwm {
				below++
			} else {
				past++
			}
		}
	}
	return below, past
}

func readAll(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TornRefusal is a bad meta page no torn commit accounts for, refused as
// it was before torn commits were recovered.
type TornRefusal struct {
	Name string
	Want error  // what the open is refused as (coding.ErrDamaged, ErrWAL, ErrNotProject)
	Says string // what the command line's one line says
	Make func(tb testing.TB, path string)
}

// TornRefusals lists them, made from the session's snapshots.
func TornRefusals(tf *TornFiles) []TornRefusal {
	tear := Tears()[0]
	tornSecond := func(tb testing.TB, path string, wal []byte) {
		Write(tb, path, tf.Second.File, wal)
		TearMeta(tb, path, Newest(tb, path), tf.First.File, tear)
	}
	const damaged = "damaged project"
	return []TornRefusal{
		{"torn newest meta, no WAL", coding.ErrDamaged, damaged, func(tb testing.TB, p string) { tornSecond(tb, p, nil) }},
		{"torn newest meta of a session's first action, no WAL", coding.ErrDamaged, damaged, func(tb testing.TB, p string) {
			Write(tb, p, tf.First.File, nil)
			TearMeta(tb, p, Newest(tb, p), tf.Base, tear)
		}},
		{"torn newest meta, a WAL whose record is torn", coding.ErrDamaged, damaged, func(tb testing.TB, p string) {
			w := bytes.Clone(tf.Second.WAL)
			w[4096+8+3] ^= 0xff
			tornSecond(tb, p, w)
		}},
		{"torn newest meta, the record the older state holds (applied)", coding.ErrDamaged, damaged, func(tb testing.TB, p string) {
			tornSecond(tb, p, tf.First.WAL)
		}},
		{"torn newest meta, a record of the same transaction made on another state", coding.ErrDamaged, damaged, func(tb testing.TB, p string) {
			tornSecond(tb, p, tf.Sibling.WAL)
		}},
		// The older meta page has a freelist, so the page walk that finds
		// the torn page runs after the open (writes are refused): the WAL's
		// own refusal comes first, as it did.
		{"torn newest meta, a record two transactions on", coding.ErrWAL, "does not follow", func(tb testing.TB, p string) {
			Write(tb, p, tf.First.File, tf.Second.WAL)
			TearMeta(tb, p, Newest(tb, p), tf.Base, tear)
		}},
		{"torn newest meta, another project's WAL", coding.ErrDamaged, damaged, func(tb testing.TB, p string) {
			tornSecond(tb, p, OtherProjectWAL(tf.Second.WAL))
		}},
		// A migration would commit over the torn page before the replay
		// (no qcode before schema 4 wrote a WAL; a real schema-4 file has its
		// record applied before the migration: cmd/qcode's
		// TestTornSchema4ProjectRecoversThenMigrates).
		{"torn newest meta, a pending record, an older schema", coding.ErrDamaged, damaged, func(tb testing.TB, p string) {
			tornSecond(tb, p, tf.Second.WAL)
			key := []byte("schema_version")
			b := bytes.ReplaceAll(readAll(tb, p), fmt.Appendf(key, "%d", coding.SchemaVersion), fmt.Appendf(key, "%d", 3))
			writeFile(tb, p, b)
		}},
		{"torn older meta, the record applied", coding.ErrDamaged, damaged, func(tb testing.TB, p string) {
			Write(tb, p, tf.Second.File, tf.Second.WAL)
			TearMeta(tb, p, 1-Newest(tb, p), tf.First.File, tear)
		}},
		{"both meta pages torn, a pending record", coding.ErrNotProject, "not a qcode project", func(tb testing.TB, p string) {
			Write(tb, p, tf.Second.File, tf.Second.WAL)
			newest := Newest(tb, p)
			TearMeta(tb, p, newest, tf.First.File, tear)
			TearMeta(tb, p, 1-newest, tf.First.File, tear)
		}},
	}
}
