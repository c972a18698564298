package coding

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The write-ahead tests. An action answers once its record is in FILE.wal
// and synced; its bbolt commit follows in a goroutine. Every test ends with
// every answered action in the project and `qcode check` passing.

const walCode = "Barriers/Workload and time"

// walChild applies the code to base-1, base-2, … and prints "ack N" once
// each Apply has answered. hold (0: never) is the action whose commit is
// held for ever (after "held"), as if the process stopped between the
// write-ahead file and the project file.
func walChild(path string, hold int) error {
	s, err := Open(path)
	if err != nil {
		return err
	}
	code, ok := s.Codebook().Lookup(walCode)
	if !ok {
		return fmt.Errorf("no code %s", walCode)
	}
	var commits atomic.Int32
	if hold > 0 {
		testHookBeforeCommit = func() {
			// Commits run one at a time, in order: this is action hold's.
			if commits.Add(1) == int32(hold) {
				fmt.Println("held")
				select {}
			}
		}
	}
	fmt.Println("ready")
	for i := 1; i <= 200; i++ {
		ref, err := s.Resolve(fmt.Sprintf("base-%d", i))
		if err != nil {
			return err
		}
		if _, err := s.Apply("child", ref, code.ID, Span{}); err != nil {
			return err
		}
		fmt.Printf("ack %d\n", i)
	}
	fmt.Println("done")
	return s.Close()
}

// replayChild opens a project whose write-ahead file holds an action, and
// stops for ever in the replay's transaction (after "replaying").
func replayChild(path string) error {
	testHookReplay = func() {
		fmt.Println("replaying")
		select {}
	}
	fmt.Println("ready")
	_, err := Open(path)
	if err == nil {
		err = errors.New("the open did not replay")
	}
	return err
}

// walBase is a project with 200 segments (base-1 … base-200) and no WAL.
func walBase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.qcode")
	s, err := Create(path, CreateOptions{Codes: PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("setup", bigSource("base", 200), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// startChild runs this test binary as a child in mode on path and returns
// its output's lines, one per receive, closed when it exits.
func startChild(t *testing.T, mode, path string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "QCODE_CRASH_CHILD="+mode, "QCODE_CRASH_PATH="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 512)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return cmd, lines
}

// readUntil reads lines until every line of stop was seen (in any order),
// counting "ack N" lines (the highest N). It fails the test if the child
// exits first.
func readUntil(t *testing.T, lines <-chan string, stop ...string) (acked int) {
	t.Helper()
	want := map[string]bool{}
	for _, l := range stop {
		want[l] = true
	}
	for l := range lines {
		if n := 0; strings.HasPrefix(l, "ack ") {
			fmt.Sscanf(l, "ack %d", &n)
			acked = max(acked, n)
		}
		delete(want, l)
		if len(want) == 0 {
			return acked
		}
	}
	t.Fatalf("the child ended before it said %q (acked %d)", stop, acked)
	return 0
}

func kill(cmd *exec.Cmd) {
	cmd.Process.Kill() // SIGKILL: no deferred code, no Close
	cmd.Wait()
}

// ackedPresent opens the project after a kill and checks that every
// answered action (base-1 … base-acked coded by child) is in it, and no
// other; then closes it and runs `qcode check`. It returns how many
// actions the open replayed.
func ackedPresent(t *testing.T, path string, acked, atMost int) int {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("after the kill the project does not open: %v", err)
	}
	replayed := s.Replayed()
	coded := map[string]bool{}
	if err := s.ExportCodings(func(r CodingRecord) error {
		if r.Coder == "child" {
			coded[r.Segment] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= acked; i++ {
		if !coded[fmt.Sprintf("base-%d", i)] {
			t.Errorf("answered action %d (base-%d) is not in the project (replayed %d)", i, i, replayed)
		}
	}
	if len(coded) < acked || len(coded) > atMost {
		t.Errorf("%d codings by child, %d actions answered (at most %d begun)", len(coded), acked, atMost)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path + ".wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after a clean close the write-ahead file is still there: %v", err)
	}
	checkFile(t, path)
	return replayed
}

// A kill right after an answer: the commit may be in flight, or done.
func TestCrashAfterAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-runs the binary; not in -short")
	}
	base := walBase(t)
	for _, after := range []int{1, 7, 40} {
		path := filepath.Join(t.TempDir(), "p.qcode")
		copyFile(t, base, path)
		cmd, lines := startChild(t, "wal", path)
		readUntil(t, lines, fmt.Sprintf("ack %d", after))
		kill(cmd)
		acked := after
		for l := range lines { // acks printed before the kill landed
			var n int
			if _, err := fmt.Sscanf(l, "ack %d", &n); err == nil {
				acked = max(acked, n)
			}
		}
		replayed := ackedPresent(t, path, acked, acked+1)
		t.Logf("killed after ack %d (last ack %d): replayed %d", after, acked, replayed)
	}
}

// A kill between the write-ahead file and the project file: the action
// answered, its commit never ran. The open replays it.
func TestCrashBeforeCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-runs the binary; not in -short")
	}
	path := walBase(t)
	cmd, lines := startChild(t, "wal-hold-5", path)
	// Apply 5 answers before its commit, which is held: 6 never begins.
	acked := readUntil(t, lines, "held", "ack 5")
	kill(cmd)
	if replayed := ackedPresent(t, path, acked, 5); replayed != 1 {
		t.Errorf("replayed %d actions, want 1", replayed)
	}
}

// A kill during the replay at open: the record stays pending, and the
// next open replays it.
func TestCrashDuringReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-runs the binary; not in -short")
	}
	path := walBase(t)
	cmd, lines := startChild(t, "wal-hold-5", path)
	acked := readUntil(t, lines, "held", "ack 5")
	kill(cmd)
	cmd, lines = startChild(t, "replay", path)
	readUntil(t, lines, "replaying")
	kill(cmd)
	if replayed := ackedPresent(t, path, acked, 5); replayed != 1 {
		t.Errorf("replayed %d actions, want 1", replayed)
	}
}

// pendingCopy makes, in-process, what a stop between the write-ahead file
// and the project file leaves: a project and a WAL holding one more
// action (base-1 coded by alice). It returns the copy's path.
func pendingCopy(t *testing.T) string {
	t.Helper()
	s, path := newProject(t)
	if _, err := s.ImportSource("setup", bigSource("base", 20), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ref, err := s.Resolve("base-2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("alice", ref, code(t, s, walCode), Span{}); err != nil {
		t.Fatal(err) // the first logged action makes the WAL
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.qcode")
	release := make(chan struct{})
	copied := make(chan struct{})
	testHookBeforeCommit = func() {
		copyFile(t, path, copyPath)
		copyFile(t, path+".wal", copyPath+".wal")
		close(copied)
		<-release
	}
	defer func() { testHookBeforeCommit = nil }()
	ref, _ = s.Resolve("base-1")
	if _, err := s.Apply("alice", ref, code(t, s, walCode), Span{}); err != nil {
		t.Fatal(err)
	}
	<-copied
	close(release)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	return copyPath
}

func codedBy(t *testing.T, s *Store, coder string) []string {
	t.Helper()
	var out []string
	if err := s.ExportCodings(func(r CodingRecord) error {
		if r.Coder == coder {
			out = append(out, r.Segment)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPendingRecordReplayedAtOpen(t *testing.T) {
	path := pendingCopy(t)
	// Read-only: refused, saying what to do; the files are left as they were.
	before, _ := os.ReadFile(path)
	if _, err := OpenReadOnly(path); !errors.Is(err, ErrPendingWAL) || !strings.Contains(err.Error(), "open the project once for writing") {
		t.Errorf("read-only open of a project with a pending record: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("a read-only open changed the file")
	}
	// check reads it and says so, without failing.
	rep, err := CheckFile(path)
	if err != nil || !rep.OK() || !strings.Contains(strings.Join(rep.Checked, "; "), "1 action kept in") {
		t.Errorf("check: %v %+v %q", err, rep.Problems, rep.Checked)
	}
	// A merge does not read a copy that lacks an answered action.
	s0, _ := newProject(t)
	if _, err := s0.MergeProjects("lead", []string{path}, MergeOptions{}); !errors.Is(err, ErrPendingWAL) {
		t.Errorf("merge of a copy with a pending record: %v", err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Replayed() != 1 {
		t.Errorf("replayed %d", s.Replayed())
	}
	if got := codedBy(t, s, "alice"); strings.Join(got, ",") != "base-1,base-2" {
		t.Errorf("alice's codings after replay: %v", got)
	}
	if _, err := os.Lstat(path + ".wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the applied WAL is still there: %v", err)
	}
	// The replayed action is undoable as the action was.
	if res, err := s.Undo("alice"); err != nil || !strings.Contains(res.Desc, "Workload") {
		t.Errorf("undo after replay: %+v %v", res, err)
	}
	if got := codedBy(t, s, "alice"); strings.Join(got, ",") != "base-2" {
		t.Errorf("alice's codings after undo: %v", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path)
}

// A WAL that does not follow its project (the project restored from an
// older copy, or another project's WAL) is neither applied nor removed.
func TestWALThatDoesNotFollowIsRefused(t *testing.T) {
	path := pendingCopy(t)
	other := pendingCopy(t)
	// Another project's WAL beside this one.
	wal, _ := os.ReadFile(other + ".wal")
	if err := os.WriteFile(path+".wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if !errors.Is(err, ErrWAL) || !strings.Contains(err.Error(), "another project") {
		t.Errorf("open beside another project's WAL: %v", err)
	}
	if rep, err := CheckFile(path); err != nil || rep.OK() {
		t.Errorf("check beside another project's WAL: %v %+v", err, rep)
	}
	if _, err := os.Stat(path + ".wal"); err != nil {
		t.Errorf("the WAL was removed: %v", err)
	}
	// Its own WAL, the project one action further on: the record is
	// applied (the WAL is removed); one action back (two): refused.
	s, err := Open(other)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other+".wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(other)
	if err != nil {
		t.Fatalf("open beside an applied record: %v", err)
	}
	if s.Replayed() != 0 {
		t.Errorf("an applied record was replayed")
	}
	ref, _ := s.Resolve("base-3")
	if _, err := s.Apply("bob", ref, code(t, s, walCode), Span{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.WriteFile(other+".wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(other); !errors.Is(err, ErrWAL) || !strings.Contains(err.Error(), "does not follow") {
		t.Errorf("open beside an older record: %v", err)
	}
	os.Remove(other + ".wal")
}

// A torn record (the write never finished: it was never answered) and a
// WAL made but never synced whole are ignored and removed.
func TestTornRecordIgnored(t *testing.T) {
	path := pendingCopy(t)
	wal, _ := os.ReadFile(path + ".wal")
	torn := append([]byte(nil), wal...)
	torn[walHeaderSize+walFrame+3] ^= 0xff // the CRC no longer matches
	for name, b := range map[string][]byte{"torn": torn, "zeros": make([]byte, walPrealloc), "empty": nil, "header only": wal[:walHeaderSize]} {
		p := filepath.Join(t.TempDir(), "p.qcode")
		copyFile(t, path, p)
		if err := os.WriteFile(p+".wal", b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if s.Replayed() != 0 || len(codedBy(t, s, "alice")) != 1 {
			t.Errorf("%s: replayed %d, alice coded %v", name, s.Replayed(), codedBy(t, s, "alice"))
		}
		s.Close()
		if _, err := os.Lstat(p + ".wal"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: left", name)
		}
		checkFile(t, p)
	}
}

// A symlink at FILE.wal is never followed, read or written through.
func TestWALSymlinkRefused(t *testing.T) {
	s, path := newProject(t)
	s.Close()
	target := filepath.Join(t.TempDir(), "target")
	if err := os.Symlink(target, path+".wal"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrWAL) {
		t.Errorf("open beside a symlinked WAL: %v", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("written through the symlink")
	}
	if rep, err := CheckFile(path); err != nil || rep.OK() {
		t.Errorf("check beside a symlinked WAL: %v %+v", err, rep)
	}
	os.Remove(path + ".wal")
}

// Actions answered in a session are in the file once Flush returns, the
// WAL goes at Close, and a read waits for the last commit.
func TestWALSessionLeavesOneFile(t *testing.T) {
	s, path := newProject(t)
	if _, err := s.ImportSource("setup", bigSource("base", 20), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	testHookBeforeCommit = func() { <-release }
	defer func() { testHookBeforeCommit = nil }()
	ref, _ := s.Resolve("base-1")
	if _, err := s.Apply("alice", ref, code(t, s, walCode), Span{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path + ".wal"); err != nil {
		t.Errorf("no WAL while an action is being committed: %v", err)
	}
	// A read started while the commit is held sees the action: it waited.
	read := make(chan []string)
	go func() { read <- codedBy(t, s, "alice") }()
	close(release)
	if got := <-read; len(got) != 1 {
		t.Errorf("the read during the commit: %v", got)
	}
	testHookBeforeCommit = nil
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path + ".wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the WAL is left after Close: %v", err)
	}
}

// The benchmark's split of an action's time (testHookTimes) is given once
// per action that goes through the WAL, with the size of the record in
// the file, and never for an action that wrote nothing or committed with
// no record (an import).
func TestWALTimesOnePerLoggedAction(t *testing.T) {
	s, path := newProject(t)
	var calls []int
	var last [walPhases]time.Duration
	testHookTimes = func(d [walPhases]time.Duration, size int) { calls, last = append(calls, size), d }
	defer func() { testHookTimes = nil }()
	if _, err := s.ImportSource("setup", bigSource("base", 20), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Fatalf("an import (synced, no record) was timed: %v", calls)
	}
	ref, _ := s.Resolve("base-1")
	for i := 0; i < 2; i++ { // the second is a no-op: rolled back, not timed
		if _, err := s.Apply("alice", ref, code(t, s, walCode), Span{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 {
		t.Fatalf("timed %d actions, want 1: %v", len(calls), calls)
	}
	frame := make([]byte, walFrame)
	f, err := os.Open(path + ".wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.ReadAt(frame, walHeaderSize); err != nil {
		t.Fatal(err)
	}
	if want := walFrame + int(binary.BigEndian.Uint32(frame)); calls[0] != want {
		t.Errorf("size %d, the record in the WAL is %d bytes with its frame", calls[0], want)
	}
	for p, d := range last {
		if d < 0 || (d == 0 && p == phaseSync) {
			t.Errorf("phase %d: %s", p, d)
		}
	}
}

// FuzzDecodeWALRecord feeds arbitrary bytes to the record decoder (a WAL is
// a file on disk): it must never panic, and a record it accepts must
// come back the same from its encoding.
func FuzzDecodeWALRecord(f *testing.F) {
	r := &walRecord{n: 7, txid: 42, kind: walAction, actor: "alice",
		buckets: [][]byte{[]byte("settled")},
		puts:    []rec{{bktCoders, u64(3), []byte("alice")}, {bktCoderName, []byte("alice"), u64(3)}},
		seqs:    []bucketSeq{{bktJournal, 12}}, seq: 12, entry: []byte{1, 2, 3}}
	copy(r.prev[:], "prevprev")
	f.Add(r.encode())
	f.Add((&walRecord{n: 1, kind: walUndo, actor: "bob"}).encode())
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeWALRecord(b)
		if err != nil {
			return
		}
		again, err := decodeWALRecord(got.encode())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("%+v encoded and decoded again: %+v (%v)", got, again, err)
		}
	})
}

// TestSchema4PendingRecordAppliedBeforeTheMigration opens a project and the
// write-ahead file a schema-4 qcode left with an action in it
// (testdata/schema4/pending.qcode: pendingCopy run at commit f102dcc, the
// last of schema 4). The record follows the file as that qcode left it, so
// it is applied before the migration moves the file on: both of alice's
// codings are there, the file is schema 5, one file is left and it checks.
func TestSchema4PendingRecordAppliedBeforeTheMigration(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pending.qcode")
	copyFile(t, "testdata/schema4/pending.qcode", path)
	copyFile(t, "testdata/schema4/pending.qcode.wal", path+".wal")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Replayed() != 1 || s.Meta().Schema != SchemaVersion {
		t.Errorf("replayed %d, schema %d", s.Replayed(), s.Meta().Schema)
	}
	if got := codedBy(t, s, "alice"); !slices.Equal(got, []string{"base-1", "base-2"}) {
		t.Errorf("alice's codings: %v, want base-1 and base-2", got)
	}
	if _, err := os.Stat(path + ".schema4.bak"); err != nil {
		t.Errorf("no backup: %v", err)
	}
	s.Close()
	if _, err := os.Stat(path + ".wal"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the WAL is still there: %v", err)
	}
	if rep, err := CheckFile(path); err != nil || !rep.OK() {
		t.Errorf("check: %v %+v", err, rep.Problems)
	}
}
