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
// compares it with a raw sync measured on the same disk in the same run
// (budget ≤ 2.5× fsync). An action is durable when Apply answers (its
// record is in the write-ahead file); its bbolt commit follows, and the
// next action waits for it.
//
// The anchor is the write the WAL makes: 4 KiB into a preallocated slot of
// a file in the project's directory, then the WAL's own sync (fdatasync on
// Linux). On this VM a sync costs 2–4× more after an idle moment than
// right after another sync, so each timed Apply is paired with a timed
// anchor taken in the same state, both ways, interleaved in one loop:
//
//   - after a pause: the last commit flushed, then 5 ms idle (a coder's
//     pace: keys come seconds apart);
//   - just synced: at once after an action's bbolt commit (Flush returns
//     when its last fdatasync has); the anchor after one untimed Apply's
//     commit, the timed Apply after another's, so both follow the very same
//     kind of sync (a commit's two) with nothing in between. Pairing the
//     anchor after one Apply's commit and then the timed Apply right after
//     the anchor would give them different predecessors (19 pages and two
//     syncs against one 4 KiB write).
//
// Beside those, the anchor back to back (the figure the budget was first
// written against), Go's fsync of moving 4 KiB pages (the figure of earlier
// runs), and Applies back to back, each paying its predecessor's commit
// (a script). Where each timed Apply's time went (WAL phases) is printed
// as medians.
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
	apply := func() {
		if _, err := s.Apply("bench", next(), code.ID, coding.Span{}); err != nil {
			b.Fatal(err)
		}
	}
	flush := func() {
		if err := s.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	// Warm up: the first writes after the fixture's bulk imports rewrite the
	// journal's last pages (which hold those imports' large entries) and
	// fault pages into the cache; a coder's session is past that.
	for i := 0; i < 50; i++ {
		apply()
	}
	n := max(300, b.N)
	if len(refs) < 5*n {
		b.Fatalf("survey-01 has too few segments (%d left)", len(refs))
	}
	anchor := newSyncAnchor(b, filepath.Dir(path))
	defer anchor.close()
	// phases holds the WAL's split of the Apply being timed.
	var phases [len(coding.WALPhases)]time.Duration
	var size int
	defer coding.WALTimes(func(d [len(coding.WALPhases)]time.Duration, n int) { phases, size = d, n })()
	timed := func(split *[len(coding.WALPhases)][]time.Duration, other *[]time.Duration) time.Duration {
		start := time.Now()
		apply()
		took := time.Since(start)
		inside := time.Duration(0)
		for p, d := range phases {
			split[p] = append(split[p], d)
			inside += d
		}
		*other = append(*other, took-inside)
		return took
	}
	const pause = 5 * time.Millisecond
	var paused, pausedRaw, synced, syncedRaw, backToBack []time.Duration
	var pausedSplit, syncedSplit [len(coding.WALPhases)][]time.Duration
	var pausedOther, syncedOther []time.Duration
	for i := 0; i < n; i++ {
		// After a pause.
		flush()
		time.Sleep(pause)
		pausedRaw = append(pausedRaw, anchor.sync())
		time.Sleep(pause)
		paused = append(paused, timed(&pausedSplit, &pausedOther))
		// Just synced.
		apply()
		flush()
		syncedRaw = append(syncedRaw, anchor.sync())
		apply()
		flush()
		synced = append(synced, timed(&syncedSplit, &syncedOther))
	}
	for i := 0; i < n; i++ {
		start := time.Now()
		apply()
		backToBack = append(backToBack, time.Since(start))
	}
	flush()
	raw := make([]time.Duration, n)
	for i := range raw {
		raw[i] = anchor.sync()
	}
	fsync := fsyncLatency(b, filepath.Dir(path), n)
	floor := commitFloor(b, filepath.Dir(path), n)
	logSplit := func(what string, split [len(coding.WALPhases)][]time.Duration, other []time.Duration) {
		parts := make([]string, 0, len(split)+1)
		for p, ds := range split {
			parts = append(parts, fmt.Sprintf("%s %s", coding.WALPhases[p], median(ds)))
		}
		parts = append(parts, fmt.Sprintf("outside (Apply, act) %s", median(other)))
		b.Logf("apply %s, where its time went (medians): %s", what, strings.Join(parts, " · "))
	}
	b.Logf("anchor: 4 KiB into the WAL's preallocated slot + its sync, back to back: median %s, p99 %s", median(raw), percentile(raw, 99))
	b.Logf("earlier runs' anchor (4 KiB at moving offsets + Go's fsync), back to back: median %s", median(fsync))
	b.Logf("bbolt's floor here, one small key committed (same options): median %s = %.2f× the anchor", median(floor), float64(median(floor))/float64(median(raw)))
	b.Logf("WAL record: %d bytes written", size)
	logSplit("after a pause", pausedSplit, pausedOther)
	logSplit("just synced", syncedSplit, syncedOther)
	b.Logf("after a pause: apply median %s (p99 %s), anchor median %s (p99 %s)", median(paused), percentile(paused, 99), median(pausedRaw), percentile(pausedRaw, 99))
	b.Logf("just synced: apply median %s (p99 %s), anchor median %s (p99 %s)", median(synced), percentile(synced, 99), median(syncedRaw), percentile(syncedRaw, 99))
	b.Logf("apply a code back to back (each waits for the last one's bbolt commit): median %s = %.2f× the anchor back to back, p99 %s",
		median(backToBack), float64(median(backToBack))/float64(median(raw)), percentile(backToBack, 99))
	codingtest.Budget(b, "apply a code, durable, after a pause (median)", median(paused), time.Duration(2.5*float64(median(pausedRaw))))
	pausedRatio := float64(median(paused)) / float64(median(pausedRaw))
	syncedRatio := float64(median(synced)) / float64(median(syncedRaw))
	ratio := float64(median(paused)) / float64(median(raw))
	codingtest.Ratio(b, "apply ÷ anchor, each after the same pause (medians)", pausedRatio, 2.5)
	codingtest.Ratio(b, "apply ÷ anchor, each just after a commit's sync (medians)", syncedRatio, 2.5)
	codingtest.Ratio(b, "apply after a pause ÷ anchor back to back (medians)", ratio, 2.5)
	b.ReportMetric(ratio, "x-fsync")
	b.ReportMetric(pausedRatio, "x-fsync-paused")
	b.ReportMetric(syncedRatio, "x-fsync-synced")
}

// syncAnchor times the write the WAL makes, on a file of its own beside the
// project: 4 KiB into the slot after a 4 KiB header of a preallocated,
// synced file, then the WAL's sync.
type syncAnchor struct {
	tb   testing.TB
	f    *os.File
	page []byte
}

func newSyncAnchor(tb testing.TB, dir string) *syncAnchor {
	f, err := os.CreateTemp(dir, "anchor")
	if err != nil {
		tb.Fatal(err)
	}
	a := &syncAnchor{tb: tb, f: f, page: make([]byte, 4096)}
	if _, err := f.WriteAt(make([]byte, 64<<10), 0); err != nil {
		tb.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		tb.Fatal(err)
	}
	return a
}

func (a *syncAnchor) sync() time.Duration {
	a.page[0]++ // new bytes each time
	start := time.Now()
	if _, err := a.f.WriteAt(a.page, 4096); err != nil {
		a.tb.Fatal(err)
	}
	if err := coding.Fdatasync(a.f); err != nil {
		a.tb.Fatal(err)
	}
	return time.Since(start)
}

func (a *syncAnchor) close() {
	a.f.Close()
	os.Remove(a.f.Name())
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
