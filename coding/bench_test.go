package coding_test

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"qcode/coding"
	"qcode/coding/codingtest"
	"qcode/corpus"
)

// These benchmarks print each figure beside its budget from DESIGN.md. They
// run under `make bench`, not `make test`.

// BenchmarkImportCSV100k reads and stores a 100,000-row long CSV: the whole
// `qcode import`, parse included (budget ≤ 2 s).
func BenchmarkImportCSV100k(b *testing.B) {
	dir := b.TempDir()
	csvPath := filepath.Join(dir, "answers.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,respondent,question_id,role,authority,answer")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100_000; i++ {
		fmt.Fprintf(w, "A%06d,P%05d,%s,%s,Authority %02d,\"%s\"\n", i+1, i/5+1,
			codingtest.Questions[i%5], codingtest.Roles[(i/5)%6], (i/5)%30+1, codingtest.Answer(rng))
	}
	w.Flush()
	f.Close()
	var times []time.Duration
	for i := 0; i < b.N; i++ {
		s, err := coding.Create(filepath.Join(dir, fmt.Sprintf("p%d.qcode", i)), coding.CreateOptions{Codes: coding.PQTemplate()})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		src, err := corpus.Read(csvPath, corpus.Options{TextCol: "answer", IDCol: "id", CaseCol: "respondent"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ImportSource("bench", src, coding.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		s.Close()
	}
	codingtest.Budget(b, "import of a 100,000-row CSV (median)", median(times), 2*time.Second)
}

// BenchmarkApplyDurable applies one code, durably, on the full project and
// compares it with a raw fsync measured on the same disk in the same run
// (budget ≤ 2.5× fsync). An action is durable when Apply answers (its
// record is in the write-ahead file); its bbolt commit follows, and the
// next action waits for it. A coder's next action comes seconds later, so
// each timed Apply starts after the last commit (Flush, not timed); the
// same run also times Applies back to back, each paying its predecessor's
// commit, the cost for a script.
func BenchmarkApplyDurable(b *testing.B) {
	path := codingtest.CopyProject(b, codingtest.Project(b, codingtest.Full), b.TempDir())
	s, err := coding.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	refs, err := s.SegmentRefs(coding.SegmentQuery{Source: "survey-01"})
	if err != nil {
		b.Fatal(err)
	}
	code, _ := s.Codebook().Lookup("Barriers/Workload and time")
	rng := rand.New(rand.NewPCG(3, 4))
	// Every Apply codes a segment bench has not coded: a new coding, a
	// journal entry, a record.
	rng.Shuffle(len(refs), func(i, j int) { refs[i], refs[j] = refs[j], refs[i] })
	next := func() coding.SegRef {
		ref := refs[0]
		refs = refs[1:]
		return ref
	}
	// Warm up: the first writes after the fixture's bulk imports rewrite the
	// journal's last pages (which hold those imports' large entries) and
	// fault pages into the cache; a coder's session is past that.
	for i := 0; i < 50; i++ {
		if _, err := s.Apply("bench", next(), code.ID, coding.Span{}); err != nil {
			b.Fatal(err)
		}
	}
	const n = 300
	if len(refs) < 2*max(n, b.N) {
		b.Fatalf("survey-01 has too few segments (%d left)", len(refs))
	}
	// On this VM a sync right after other syncs is several times faster
	// than one after an idle moment (a coder's pace), so beside the usual
	// back-to-back fsync figure each timed Apply is paired with a raw fsync
	// measured the same way: after the last commit and the same pause.
	raw, err := os.CreateTemp(filepath.Dir(path), "fsync")
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(raw.Name())
	defer raw.Close()
	page := make([]byte, 4096)
	const pause = 5 * time.Millisecond
	var apply, paired, backToBack []time.Duration
	for i := 0; i < max(n, b.N); i++ {
		if err := s.Flush(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(pause)
		start := time.Now()
		if _, err := raw.WriteAt(page, int64(i%64)*4096); err != nil {
			b.Fatal(err)
		}
		if err := raw.Sync(); err != nil {
			b.Fatal(err)
		}
		paired = append(paired, time.Since(start))
		time.Sleep(pause)
		ref := next()
		start = time.Now()
		if _, err := s.Apply("bench", ref, code.ID, coding.Span{}); err != nil {
			b.Fatal(err)
		}
		apply = append(apply, time.Since(start))
	}
	for i := 0; i < max(n, b.N); i++ {
		ref := next()
		start := time.Now()
		if _, err := s.Apply("bench", ref, code.ID, coding.Span{}); err != nil {
			b.Fatal(err)
		}
		backToBack = append(backToBack, time.Since(start))
	}
	if err := s.Flush(); err != nil {
		b.Fatal(err)
	}
	fsync := fsyncLatency(b, filepath.Dir(path), n)
	floor := commitFloor(b, filepath.Dir(path), n)
	ratio := float64(median(apply)) / float64(median(fsync))
	b.Logf("raw fsync (4 KiB write + fdatasync) median %s, p99 %s", median(fsync), percentile(fsync, 99))
	b.Logf("bbolt's floor here, one small key committed (same options): median %s = %.2f× fsync", median(floor), float64(median(floor))/float64(median(fsync)))
	codingtest.Budget(b, "apply a code, durable (median)", median(apply), time.Duration(2.5*float64(median(fsync))))
	b.Logf("apply a code, durable p99: %s", percentile(apply, 99))
	b.Logf("apply a code back to back (each waits for the last one's bbolt commit): median %s = %.2f× fsync, p99 %s",
		median(backToBack), float64(median(backToBack))/float64(median(fsync)), percentile(backToBack, 99))
	b.Logf("raw fsync after the same pause as each Apply: median %s, p99 %s", median(paired), percentile(paired, 99))
	codingtest.Ratio(b, "apply ÷ fsync after the same pause (medians)", float64(median(apply))/float64(median(paired)), 2.5)
	codingtest.Ratio(b, "apply ÷ fsync (medians)", ratio, 2.5)
	b.ReportMetric(ratio, "x-fsync")
	b.ReportMetric(float64(median(apply))/float64(median(paired)), "x-fsync-paired")
}

// commitFloor measures n commits of one small key into a small bbolt file
// opened as qcode opens projects: the least a durable action can cost.
func commitFloor(b *testing.B, dir string, n int) []time.Duration {
	db, err := bolt.Open(filepath.Join(dir, "floor.db"), 0o600, &bolt.Options{NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var out []time.Duration
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("k"))
			if err != nil {
				return err
			}
			return bk.Put([]byte{byte(i % 64)}, []byte("x"))
		}); err != nil {
			b.Fatal(err)
		}
		out = append(out, time.Since(start))
	}
	return out
}

// fsyncLatency measures n small writes each followed by a sync, in dir.
func fsyncLatency(b *testing.B, dir string, n int) []time.Duration {
	f, err := os.CreateTemp(dir, "fsync")
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	var out []time.Duration
	for i := 0; i < n; i++ {
		start := time.Now()
		if _, err := f.WriteAt(page, int64(i%64)*4096); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		out = append(out, time.Since(start))
	}
	return out
}

// BenchmarkOpen1M opens the 1,000,000-segment project after a clean close
// (Close writes bbolt's freelist, so Open need not walk every page; after a
// crash the first open does, see TestCrash* for that figure).
func BenchmarkOpen1M(b *testing.B) {
	path := codingtest.Project(b, codingtest.Full)
	var clean []time.Duration
	for i := 0; i < max(5, b.N); i++ {
		start := time.Now()
		s, err := coding.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		clean = append(clean, time.Since(start))
		s.Close()
	}
	codingtest.Budget(b, "open a 1,000,000-segment project (median)", median(clean), 300*time.Millisecond)
	st, _ := os.Stat(path)
	b.Logf("project file: %d MB", st.Size()>>20)
}

// BenchmarkVet1M opens the full project for writing and waits until its
// first write may go: Open walks the branch pages before anything is read,
// then every page is walked in the background (the coding screen's first
// frame does not wait for that walk; its first write does). Also the full
// `qcode check` of the same file.
func BenchmarkVet1M(b *testing.B) {
	path := codingtest.Project(b, codingtest.Full)
	var open, vet []time.Duration
	for i := 0; i < max(3, b.N); i++ {
		start := time.Now()
		s, err := coding.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		open = append(open, time.Since(start))
		if _, err := s.Undo("nobody"); !errors.Is(err, coding.ErrNothingUndo) {
			b.Fatal(err) // refused at once, once the walk is over
		}
		vet = append(vet, time.Since(start))
		s.Close()
	}
	b.Logf("open for writing, branch pages walked (median): %s", median(open))
	b.Logf("open, then every page walked before the first write (median): %s, worst %s", median(vet), percentile(vet, 100))
	start := time.Now()
	rep, err := coding.CheckFile(path)
	if err != nil || !rep.OK() {
		b.Fatal(err, rep.Problems)
	}
	b.Logf("qcode check of the full project: %s (%s)", time.Since(start).Round(time.Millisecond), strings.Join(rep.Checked, "; "))
}

func median(d []time.Duration) time.Duration { return percentile(d, 50) }

func percentile(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}

// BenchmarkResidentMemory does a session's heaviest work on the full
// project (the list of every segment, a full report, a crosstab, agreement
// for 8 coders) and prints the peak resident memory (budget ≤ 1.5 GB). The
// project's mapped pages that were touched count too.
func BenchmarkResidentMemory(b *testing.B) {
	path := codingtest.Project(b, codingtest.Full)
	// Building the fixture (or an earlier benchmark in this process) must
	// not count: give the memory back and reset the peak (Linux ≥ 4.0:
	// writing 5 to clear_refs resets VmHWM).
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("peak resident memory: cannot reset the peak here (%v); the figure includes earlier work", err)
	}
	s, err := coding.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < b.N; i++ {
		if _, err := s.SegmentRefs(coding.SegmentQuery{}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Report(coding.ReportQuery{}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Report(coding.ReportQuery{By: "role"}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Agreement(coding.AgreeQuery{}); err != nil {
			b.Fatal(err)
		}
	}
	peak := peakRSS(b)
	if peak < 0 {
		b.Logf("peak resident memory: unknown here (no /proc/self/status)")
		return
	}
	verdict := "ok"
	if peak > 1536<<20 {
		verdict = "OVER BUDGET"
	}
	b.Logf("peak resident memory after list, report, crosstab and agreement: %d MB (budget ≤ 1536 MB) %s", peak>>20, verdict)
}

// peakRSS reads the process's peak resident set size (Linux).
func peakRSS(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb << 10
		}
	}
	return 0
}
