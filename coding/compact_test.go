package coding

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestGrowth(t *testing.T) {
	for _, c := range []struct {
		size int64
		want int
	}{
		{16 << 10, 256 << 10},    // a new file: the least step
		{2 << 20, 256 << 10},     // an eighth is 256 KiB
		{8 << 20, 1 << 20},       // an eighth
		{128 << 20, 16 << 20},    // an eighth is the most step
		{2 << 30, 16 << 20},      // a 2 GB project grows as before
		{0, 256 << 10},           // (never: bbolt's file has its meta pages)
		{100 << 20, 12800 << 10}, // 100 MiB ÷ 8 = 12.5 MiB
	} {
		if got := growth(c.size); got != c.want {
			t.Errorf("growth(%d) = %d, want %d", c.size, got, c.want)
		}
	}
}

// A new project was 16.8 MB: bbolt's 16 MiB AllocSize beyond its needs.
func TestNewProjectIsSmall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.qcode")
	s, err := Create(path, CreateOptions{Codes: PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Opened again and written to (an action and Close's freelist commit).
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("alice", survey("s1"), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() >= 1<<20 {
		t.Errorf("a new project with one small source is %d bytes, want under 1 MiB", st.Size())
	}
	checkFile(t, path)
}

// everything renders every bucket, nested bucket, key, value and sequence of
// the file at path, read by bbolt alone.
func everything(t *testing.T, path string) string {
	t.Helper()
	db, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	var walk func(bk *bolt.Bucket, indent string) error
	walk = func(bk *bolt.Bucket, indent string) error {
		return bk.ForEach(func(k, v []byte) error {
			if sub := bk.Bucket(k); v == nil && sub != nil {
				fmt.Fprintf(&b, "%s[%x] seq %d\n", indent, k, sub.Sequence())
				return walk(sub, indent+"  ")
			}
			fmt.Fprintf(&b, "%s%x=%x\n", indent, k, v)
			return nil
		})
	}
	if err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			fmt.Fprintf(&b, "[%s] seq %d\n", name, bk.Sequence())
			return walk(bk, "  ")
		})
	}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// shrunkProject is a project that held an n-segment source, undone: its
// pages are free, the file is as large as it was.
func shrunkProject(t *testing.T, n int) string {
	t.Helper()
	s, path := newUncheckedProject(t)
	if _, err := s.ImportSource("alice", survey("s1"), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	refs, err := s.SegmentRefs(SegmentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("alice", refs[0], code(t, s, "Barriers/Workload and time"), Span{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("alice", bigSource("big", n), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCompact(t *testing.T) {
	path := shrunkProject(t, 3_000)
	before := everything(t, path)
	st, _ := os.Stat(path)
	res, err := Compact(path)
	if err != nil {
		t.Fatal(err)
	}
	if res.Before != st.Size() || res.Backup != path+".bak" {
		t.Errorf("result %+v, want before %d and backup %s", res, st.Size(), path+".bak")
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// The undone source's 3,000 segments and their indexes took about a
	// megabyte; what is left (a five-answer survey, the journal with the
	// import's snapshot) is a fraction of that.
	if res.After != after.Size() || after.Size()*2 > st.Size() {
		t.Errorf("compacted %d → %d bytes (file %d): want less than half", res.Before, res.After, after.Size())
	}
	t.Logf("compacted %d → %d bytes, %d records compared", res.Before, res.After, res.Records)
	if res.Records < 100 {
		t.Errorf("compared %d records", res.Records)
	}
	if got := everything(t, path); got != before {
		t.Errorf("the compacted project differs:\n%s", diffLines(before, got))
	}
	if got := everything(t, res.Backup); got != before {
		t.Errorf("the backup differs:\n%s", diffLines(before, got))
	}
	checkFile(t, path)
	checkFile(t, res.Backup)
	if matches, _ := filepath.Glob(path + ".compact-*"); len(matches) != 0 {
		t.Errorf("left behind: %v", matches)
	}
	// The journal survived whole: the undone import is redone from it.
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s, path)
	if _, err := s.Redo("alice"); err != nil {
		t.Fatal(err)
	}
	if info, _ := s.Info(); info.Segments != 5+3_000 || info.Codings != 1 {
		t.Errorf("after redo: %d segments, %d codings", info.Segments, info.Codings)
	}
}

// A backup name already taken (a file, or a symlink) is left alone: the
// backup gets a dated name.
func TestCompactBackupNameTaken(t *testing.T) {
	path := shrunkProject(t, 10)
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Symlink(target, path+".bak"); err != nil {
		t.Fatal(err)
	}
	res, err := Compact(path)
	if err != nil {
		t.Fatal(err)
	}
	if res.Backup == path+".bak" || !strings.HasPrefix(res.Backup, path+".") || !strings.HasSuffix(res.Backup, ".bak") {
		t.Errorf("backup %s", res.Backup)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("written through the symlink: %v", err)
	}
	checkFile(t, res.Backup)
	checkFile(t, path)
}

// A project open in another qcode is not compacted (nor is anything
// written beside it).
func TestCompactLocked(t *testing.T) {
	s, path := newProject(t)
	_, err := Compact(path)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("compact of an open project: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".compact-") || strings.HasSuffix(e.Name(), ".bak") {
			t.Errorf("left %s", e.Name())
		}
	}
	_ = s
}
