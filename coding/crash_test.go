package coding

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// The crash tests re-run this test binary as a child that imports a large
// file, kill it with SIGKILL part-way, and check that the project opens and
// is exactly as it was before, or exactly as after.

const (
	crashSegments = 100_000
	crashCodings  = 150_000
)

func TestMain(m *testing.M) {
	if mode := os.Getenv("QCODE_CRASH_CHILD"); mode != "" {
		path := os.Getenv("QCODE_CRASH_PATH")
		var err error
		switch mode {
		case "wal":
			err = walChild(path, 0)
		case "wal-hold-5":
			err = walChild(path, 5)
		case "replay":
			err = replayChild(path)
		default:
			err = crashChild(mode, path)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if project := os.Getenv("QCODE_IMPORT_PROJECT"); project != "" {
		if err := answersChild(project, os.Getenv("QCODE_IMPORT_ANSWERS")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if project := os.Getenv("QCODE_RSS_PROJECT"); project != "" {
		if err := rssChild(project, os.Getenv("QCODE_RSS_CODINGS")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func bigSource(name string, n int) *corpus.Source {
	src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: name}
	src.Segments = make([]corpus.Segment, n)
	for i := range src.Segments {
		src.Segments[i] = corpus.Segment{ID: fmt.Sprintf("%s-%d", name, i+1), Case: fmt.Sprintf("P%d", i/5),
			Text:       fmt.Sprintf("answer %d about workload, release and travel", i),
			Attributes: []corpus.Attribute{{Name: "question_id", Value: fmt.Sprintf("Q%d", i%5)}}}
	}
	return src
}

// crashChild does the work the parent kills.
func crashChild(mode, path string) error {
	s, err := Open(path)
	if err != nil {
		return err
	}
	fmt.Println("ready")
	var once sync.Once
	testHookInTx = func() { once.Do(func() { fmt.Println("begin") }) }
	switch mode {
	case "import":
		_, err = s.ImportSource("child", bigSource("big", crashSegments), ImportOptions{})
	case "codings":
		var b strings.Builder
		b.WriteString("segment,code,coder\n")
		for i := 0; i < crashCodings; i++ {
			fmt.Fprintf(&b, "base-%d,Barriers/Workload and time,c%d\n", i%50_000+1, i%7)
		}
		_, err = s.ImportCodings("child", "big.csv", strings.NewReader(b.String()))
	}
	if err != nil {
		return err
	}
	fmt.Println("done")
	return s.Close()
}

func TestCrashDuringImport(t *testing.T) {
	crashTest(t, "import", func(t *testing.T, s *Store, completed bool) bool {
		info, _ := s.Info()
		switch info.Segments {
		case 50_000:
			if completed {
				t.Errorf("the child said done, but the import is not there")
			}
			return true
		case 50_000 + crashSegments:
			refs, err := s.SegmentRefs(SegmentQuery{Source: "big"})
			if err != nil || len(refs) != crashSegments {
				t.Errorf("after: source big has %d segments (%v)", len(refs), err)
			}
			if _, err := s.Resolve(fmt.Sprintf("big-%d", crashSegments)); err != nil {
				t.Errorf("after: last segment missing: %v", err)
			}
		default:
			t.Errorf("project is half imported: %d segments", info.Segments)
		}
		return false
	})
}

func TestCrashDuringCodingsImport(t *testing.T) {
	crashTest(t, "codings", func(t *testing.T, s *Store, completed bool) bool {
		info, _ := s.Info()
		exported := 0
		if err := s.ExportCodings(func(CodingRecord) error { exported++; return nil }); err != nil {
			t.Fatal(err)
		}
		byCode := 0
		s.view(func(tx *bolt.Tx) error {
			byCode = tx.Bucket(bktByCode).Stats().KeyN
			return nil
		})
		// 150,000 rows over 50,000 segments × 7 coders: all distinct codings.
		if (info.Codings != 0 && info.Codings != crashCodings) || exported != info.Codings || byCode != info.Codings {
			t.Errorf("half a codings import: tallies %d, codings %d, index %d", info.Codings, exported, byCode)
		}
		if completed && info.Codings == 0 {
			t.Errorf("the child said done, but the codings are not there")
		}
		return info.Codings == 0
	})
}

// crashCheck checks the project after a child ran (completed: it said
// done) and tells whether the project is as it was before the child's work.
type crashCheck func(t *testing.T, s *Store, completed bool) (before bool)

// crashTest kills a child doing mode at several moments of its write
// transaction and checks the project each time. At least one kill must
// land inside the transaction: after the child said its transaction began,
// before it said done, with the project found as it was before.
func crashTest(t *testing.T, mode string, check crashCheck) {
	if testing.Short() {
		t.Skip("crash test re-runs the binary; not in -short")
	}
	dir := t.TempDir()
	base := filepath.Join(dir, "base.qcode")
	s, err := Create(base, CreateOptions{Codes: PQTemplate()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("setup", bigSource("base", 50_000), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// First let a child finish, to learn how long its transaction takes on
	// this machine; then kill children at fractions of that time after
	// their transaction began.
	full, _ := runChild(t, mode, base, filepath.Join(dir, "full.qcode"), 0, check)
	inside := 0
	for i, frac := range []float64{0.15, 0.5, 0.85, 0.97} {
		if _, in := runChild(t, mode, base, filepath.Join(dir, fmt.Sprintf("p%d.qcode", i)), time.Duration(frac*float64(full)), check); in {
			inside++
		}
	}
	if inside == 0 {
		t.Errorf("no kill landed inside the transaction (every child had finished or not begun)")
	}
}

// runChild copies base to path, runs a child on it, kills it delay after
// its transaction began (0: lets it finish) and checks the project. It
// returns how long the transaction ran, and whether the kill landed inside
// it.
func runChild(t *testing.T, mode, base, path string, delay time.Duration, check crashCheck) (time.Duration, bool) {
	copyFile(t, base, path)
	cmd, lines := startChild(t, mode, path)
	for _, want := range []string{"ready", "begin"} {
		if got, ok := <-lines; !ok || got != want {
			t.Fatalf("child did not say %s: %q", want, got)
		}
	}
	start := time.Now()
	done := make(chan bool, 1)
	go func() {
		finished := false
		for l := range lines {
			finished = finished || l == "done"
		}
		done <- finished
	}()
	var completed bool
	if delay == 0 {
		completed = <-done
		cmd.Wait()
	} else {
		select {
		case completed = <-done:
		case <-time.After(delay):
		}
		cmd.Process.Kill() // SIGKILL: no deferred code, no Close
		cmd.Wait()
		if !completed {
			completed = <-done
		}
	}
	ran := time.Since(start)

	opened := time.Now()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("after a kill at %s the project does not open: %v", delay, err)
	}
	took := time.Since(opened)
	defer s.Close()
	before := check(t, s, completed)
	inside := delay > 0 && !completed && before
	info, _ := s.Info()
	t.Logf("killed %s after the transaction began (ran %s): completed=%v, inside=%v, segments %d, codings %d, reopened in %s",
		delay, ran.Round(time.Millisecond), completed, inside, info.Segments, info.Codings, took)
	return ran, inside
}
