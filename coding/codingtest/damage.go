package codingtest

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"qcode/coding/codingtest/legacy"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qcode/coding"
)

// The damaged-file table: ways a project file goes bad (cut short, bit rot
// in each kind of page, a lost bucket, records and indexes that disagree)
// or was never a project (another program's bbolt file), each made by
// mutating a copy of a real project. The tests of package coding and of
// the command line run every entry.

// Damage is one way to spoil a copy of DamageBase's project.
type Damage struct {
	Name    string
	Foreign bool // not a qcode project at all (else a damaged one)
	Apply   func(tb testing.TB, path string)
}

// DamageIDs are segment IDs of DamageBase's project, for tests that write.
var DamageIDs = []string{"S1-10", "S1-11"}

// DamageBase builds a small project in dir with every kind of page: branch
// pages in the larger buckets, a long answer on overflow pages, free pages
// (an undone import), codings by two coders with a memo and a star, and a
// cleanly written freelist.
func DamageBase(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, "base.qcode")
	s, err := coding.Create(path, coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		tb.Fatal(err)
	}
	src := Source(1, 1000)
	src.Segments[0].Text = strings.Repeat("a very long answer about workload and release ", 250)
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("segment,code,coder,start,end,starred,memo\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "S1-%d,Barriers/Workload and time,%s,,,%v,%s\n", i+1, Coder(i%2), i == 7, map[bool]string{true: "caseloads"}[i == 3])
	}
	if _, err := s.ImportCodings("lead", "codings.csv", strings.NewReader(b.String())); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.ImportSource("lead", Source(2, 300), coding.ImportOptions{}); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Undo("lead"); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	// bbolt grows a file 16 MB at a time; the pages in use are enough (and
	// make each copy of the base cheap).
	truncate(tb, path, int64(readMeta(tb, path).pgid)*pageSize)
	return path
}

// Damages lists the table.
func Damages() []Damage {
	return []Damage{
		{Name: "cut to 100 bytes", Apply: func(tb testing.TB, p string) { truncate(tb, p, 100) }},
		{Name: "cut after the meta pages", Apply: func(tb testing.TB, p string) { truncate(tb, p, 8192) }},
		{Name: "cut to half its pages in use", Apply: func(tb testing.TB, p string) {
			truncate(tb, p, int64(readMeta(tb, p).pgid/2)*pageSize)
		}},
		{Name: "cut by its last page in use", Apply: func(tb testing.TB, p string) {
			m := readMeta(tb, p)
			truncate(tb, p, int64(m.pgid-1)*pageSize)
		}},
		{Name: "meta page 0: a flipped byte", Apply: func(tb testing.TB, p string) { flip(tb, p, 0, 16+16) }},
		{Name: "meta page 1: a flipped byte", Apply: func(tb testing.TB, p string) { flip(tb, p, 1, 16+16) }},
		{Name: "freelist page: kind", Apply: func(tb testing.TB, p string) { poke(tb, p, readMeta(tb, p).freelist, 8, 0x02) }},
		{Name: "freelist page: a free page that is in use", Apply: func(tb testing.TB, p string) {
			m := readMeta(tb, p)
			page := readPage(tb, p, m.freelist)
			if binary.LittleEndian.Uint16(page[10:]) == 0 {
				tb.Fatal("the base project has no free pages")
			}
			put64(tb, p, m.freelist, 16, bucketRoot(tb, p, "texts"))
		}},
		{Name: "branch page: kind", Apply: func(tb testing.TB, p string) { poke(tb, p, branch(tb, p, "texts"), 8, 0x00) }},
		{Name: "branch page: a child's page number", Apply: func(tb testing.TB, p string) {
			id := branch(tb, p, "texts")
			child := binary.LittleEndian.Uint64(readPage(tb, p, id)[16+8:])
			put64(tb, p, id, 16+8, child^1)
		}},
		{Name: "branch page: a child that is the branch itself (a loop)", Apply: func(tb testing.TB, p string) {
			id := branch(tb, p, "texts")
			put64(tb, p, id, 16+16+8, id)
		}},
		{Name: "branch page: a child past the end of the file", Apply: func(tb testing.TB, p string) {
			put64(tb, p, branch(tb, p, "texts"), 16+8, uint64(fileSize(tb, p)/pageSize)+100)
		}},
		{Name: "leaf page: kind", Apply: func(tb testing.TB, p string) { poke(tb, p, leaf(tb, p, "codings"), 8, 0x06) }},
		{Name: "leaf page: a key's size", Apply: func(tb testing.TB, p string) { put32(tb, p, leaf(tb, p, "codings"), 16+8, 0xFFFFFFF0) }},
		{Name: "leaf page: a key out of order", Apply: func(tb testing.TB, p string) {
			id := leaf(tb, p, "codings")
			page := readPage(tb, p, id)
			pos := binary.LittleEndian.Uint32(page[32+4:])
			poke(tb, p, id, 32+int(pos), 0xFF)
		}},
		{Name: "root bucket: a lost bucket", Apply: func(tb testing.TB, p string) {
			update(tb, p, func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("bycase")) })
		}},
		{Name: "a tally that disagrees with the codings", Apply: func(tb testing.TB, p string) {
			update(tb, p, func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte("counts"))
				k, v := b.Cursor().First()
				v = append([]byte(nil), v...)
				binary.BigEndian.PutUint64(v[8:], binary.BigEndian.Uint64(v)+5) // more segments than codings
				return b.Put(append([]byte(nil), k...), v)
			})
		}},
		{Name: "an index entry without its coding", Apply: func(tb testing.TB, p string) {
			update(tb, p, func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte("bycode"))
				k, _ := b.Cursor().Last()
				k = append([]byte(nil), k...)
				k[len(k)-1] ^= 0x40
				return b.Put(k, nil)
			})
		}},
		{Name: "a segment record that does not read", Apply: func(tb testing.TB, p string) {
			update(tb, p, func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte("segments"))
				k, _ := b.Cursor().First()
				return b.Put(append([]byte(nil), k...), []byte{7, 0xff})
			})
		}},
		{Name: "an undo stack pointing at a lost journal entry", Apply: func(tb testing.TB, p string) {
			update(tb, p, func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte("journal"))
				k, _ := b.Cursor().Last()
				return b.Delete(append([]byte(nil), k...))
			})
		}},
		{Name: "empty file", Foreign: true, Apply: func(tb testing.TB, p string) { truncate(tb, p, 0) }},
		{Name: "a file of zeros", Foreign: true, Apply: func(tb testing.TB, p string) { writeFile(tb, p, make([]byte, 16384)) }},
		{Name: "another program's bbolt file", Foreign: true, Apply: func(tb testing.TB, p string) {
			foreign(tb, p, map[string]string{})
		}},
		{Name: "another program's bbolt file with a meta bucket", Foreign: true, Apply: func(tb testing.TB, p string) {
			foreign(tb, p, map[string]string{"version": "3"})
		}},
		{Name: "another program's file, schema_version -1", Foreign: true, Apply: func(tb testing.TB, p string) {
			foreign(tb, p, map[string]string{"schema_version": "-1"})
		}},
		{Name: "a project id and time, schema_version -1", Foreign: true, Apply: func(tb testing.TB, p string) {
			update(tb, p, func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("-1")) })
		}},
		{Name: "a project id and time, schema_version garbage", Foreign: true, Apply: func(tb testing.TB, p string) {
			update(tb, p, func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("1x")) })
		}},
	}
}

// CopyFile copies a file (a base project) to a new path.
func CopyFile(tb testing.TB, from, to string) {
	tb.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	writeFile(tb, to, b)
}

const pageSize = 4096

type meta struct{ root, freelist, pgid, txid uint64 }

// readMeta reads the meta page bbolt uses (the one with the higher txid).
func readMeta(tb testing.TB, path string) meta {
	var best meta
	for i := uint64(0); i < 2; i++ {
		p := readPage(tb, path, i)[16:]
		m := meta{root: binary.LittleEndian.Uint64(p[16:]), freelist: binary.LittleEndian.Uint64(p[32:]),
			pgid: binary.LittleEndian.Uint64(p[40:]), txid: binary.LittleEndian.Uint64(p[48:])}
		if i == 0 || m.txid > best.txid {
			best = m
		}
	}
	return best
}

func readPage(tb testing.TB, path string, id uint64) []byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, pageSize)
	if _, err := f.ReadAt(b, int64(id)*pageSize); err != nil {
		tb.Fatal(err)
	}
	return b
}

func writeAt(tb testing.TB, path string, id uint64, off int, b []byte) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, int64(id)*pageSize+int64(off)); err != nil {
		tb.Fatal(err)
	}
}

func poke(tb testing.TB, path string, id uint64, off int, v byte) {
	writeAt(tb, path, id, off, []byte{v})
}

func flip(tb testing.TB, path string, id uint64, off int) {
	poke(tb, path, id, off, readPage(tb, path, id)[off]^0x10)
}

func put32(tb testing.TB, path string, id uint64, off int, v uint32) {
	writeAt(tb, path, id, off, binary.LittleEndian.AppendUint32(nil, v))
}

func put64(tb testing.TB, path string, id uint64, off int, v uint64) {
	writeAt(tb, path, id, off, binary.LittleEndian.AppendUint64(nil, v))
}

func fileSize(tb testing.TB, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Size()
}

func truncate(tb testing.TB, path string, size int64) {
	if err := os.Truncate(path, size); err != nil {
		tb.Fatal(err)
	}
}

func writeFile(tb testing.TB, path string, b []byte) {
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// bucketRoot is the root page of a top-level bucket.
func bucketRoot(tb testing.TB, path, name string) uint64 {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var root uint64
	db.View(func(tx *bolt.Tx) error {
		root = uint64(tx.Bucket([]byte(name)).Root())
		return nil
	})
	return root
}

// branch is the root page of a bucket large enough to have branch pages.
func branch(tb testing.TB, path, name string) uint64 {
	tb.Helper()
	id := bucketRoot(tb, path, name)
	if readPage(tb, path, id)[8] != 0x01 {
		tb.Fatalf("bucket %s has no branch page", name)
	}
	return id
}

// leaf is the first leaf page under a bucket's root branch.
func leaf(tb testing.TB, path, name string) uint64 {
	p := readPage(tb, path, branch(tb, path, name))
	return binary.LittleEndian.Uint64(p[16+8:])
}

// update changes a project file through bbolt behind qcode's back.
func update(tb testing.TB, path string, fn func(tx *bolt.Tx) error) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// foreign replaces the file with another program's bbolt file: a bucket of
// its own and, when meta has keys, a meta bucket holding them.
func foreign(tb testing.TB, path string, metaKeys map[string]string) {
	tb.Helper()
	os.Remove(path)
	update(tb, path, func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("widgets")); err != nil {
			return err
		}
		if len(metaKeys) == 0 {
			return nil
		}
		m, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		for k, v := range metaKeys {
			if err := m.Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
}

// AsSchema2 turns a closed project of the current schema back into what a schema-2
// qcode wrote (no memos on targets), as a project left by an older qcode.
func AsSchema2(t testing.TB, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte("targetmemos")); err != nil {
			return err
		}
		if err := legacy.AsLayout4(tx); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("2"))
	})
	if err != nil {
		t.Fatal(err)
	}
}
