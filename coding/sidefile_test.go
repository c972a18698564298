package coding

import (
	"os"
	"path/filepath"
	"qcode/coding/codingtest/legacy"
	"strconv"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestPIDFileIsNotFollowed plants symlinks (to a file, and dangling) and a
// hard link at FILE.pid: opening and closing the project never writes
// through them.
func TestPIDFileIsNotFollowed(t *testing.T) {
	s, path := newProject(t)
	s.Close()
	dir := t.TempDir()
	precious := filepath.Join(dir, "precious.txt")
	if err := os.WriteFile(precious, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "created-by-qcode")
	for _, plant := range []func(pid string) error{
		func(pid string) error { return os.Symlink(precious, pid) },
		func(pid string) error { return os.Symlink(dangling, pid) },
		func(pid string) error { return os.Link(precious, pid) },
	} {
		pid := path + ".pid"
		os.Remove(pid)
		if err := plant(pid); err != nil {
			t.Fatal(err)
		}
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Lstat(pid)
		if err != nil || !st.Mode().IsRegular() {
			t.Errorf("while open, %s is %v (%v), want a file of its own", pid, st, err)
		}
		if b, _ := os.ReadFile(pid); string(b) != strconv.Itoa(os.Getpid()) {
			t.Errorf("pid file holds %q", b)
		}
		s.Close()
		if b, _ := os.ReadFile(precious); string(b) != "keep me" {
			t.Fatalf("the file behind %s was overwritten: %q", pid, b)
		}
		if _, err := os.Lstat(dangling); err == nil {
			t.Fatalf("qcode created the target of a dangling symlink")
		}
	}
}

// TestMigrationBackupIsNotFollowed plants a dangling symlink where the
// schema-0 backup goes: the migration writes its backup under another name
// and never creates the link's target.
func TestMigrationBackupIsNotFollowed(t *testing.T) {
	s, path := newProject(t)
	importSurvey(t, s, "s")
	s.update(func(tx *bolt.Tx) error {
		if err := legacy.AsLayout4(tx); err != nil {
			return err
		}
		for _, b := range [][]byte{bktByCode, bktByCoder, bktCounts} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bktMeta).Delete([]byte("schema_version"))
	})
	s.Close()
	target := filepath.Join(t.TempDir(), "somewhere-else")
	if err := os.Symlink(target, path+".schema0.bak"); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if _, err := os.Lstat(target); err == nil {
		t.Errorf("the migration wrote its backup through a symlink")
	}
	backups, _ := filepath.Glob(path + ".schema0.*.bak")
	if len(backups) != 1 {
		t.Fatalf("backups %v, want one beside the symlink", backups)
	}
	if _, err := CheckFile(backups[0]); err == nil {
		t.Errorf("the backup of a schema-0 file checks as schema 1")
	}
}
