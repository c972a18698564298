package coding_test

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"qcode/coding"
	"qcode/coding/codingtest"
)

// A team's merge at a realistic size: the lead hands out copies of a
// 50,000-answer survey with nothing coded; alice and bob each code every
// answer with three codes, and both copies hold the same pilot coding of
// every fourth answer (so the files overlap). `qcode merge A B` is one
// transaction; it should cost what `qcode merge A; qcode merge B` does.
const (
	teamSegments = 50_000
	teamPerCoder = 3
)

// teamCopies builds the lead's project and the two coders' copies in dir.
func teamCopies(b *testing.B, dir string) (lead, alice, bob string) {
	b.Helper()
	lead = filepath.Join(dir, "lead.qcode")
	s, err := coding.Create(lead, coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		b.Fatal(err)
	}
	src := codingtest.Source(1, teamSegments)
	if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	book := s.Codebook()
	var codes []string // leaves outside code groups: no level replaces another
	for _, c := range book.Codes() {
		if _, group := book.GroupOf(c.ID); book.IsLeaf(c.ID) && !group {
			codes = append(codes, c.Path)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	code := func(seg, k, salt int) string { return codes[(seg*7+k*(5+salt)+salt)%len(codes)] }
	for i, coder := range []string{"alice", "bob"} {
		path := codingtest.CopyProject(b, lead, b.TempDir())
		c, err := coding.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		pr, pw := io.Pipe()
		go func() {
			w := bufio.NewWriter(pw)
			fmt.Fprintln(w, "segment,code,coder")
			for j, seg := range src.Segments {
				for k := 0; k < teamPerCoder; k++ {
					fmt.Fprintf(w, "%s,%q,%s\n", seg.ID, code(j, k, i), coder)
				}
				if j%4 == 0 {
					fmt.Fprintf(w, "%s,%q,pilot\n", seg.ID, code(j, 0, 9))
				}
			}
			pw.CloseWithError(w.Flush())
		}()
		if _, err := c.ImportCodings(coder, coder+".csv", pr); err != nil {
			b.Fatal(err)
		}
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			alice = path
		} else {
			bob = path
		}
	}
	return lead, alice, bob
}

// mergeTimed merges each group of files as one action into a fresh copy of
// lead, and returns the time of all the merges, the codings they added and
// the bytes they allocated.
func mergeTimed(b *testing.B, lead string, groups ...[]string) (time.Duration, int, uint64) {
	b.Helper()
	s, err := coding.Open(codingtest.CopyProject(b, lead, b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	added := 0
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start := time.Now()
	for _, files := range groups {
		res, err := s.MergeProjects("lead", files, coding.MergeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range res.Files {
			for _, n := range f.Added {
				added += n
			}
		}
	}
	took := time.Since(start)
	runtime.ReadMemStats(&m1)
	return took, added, m1.TotalAlloc - m0.TotalAlloc
}

// BenchmarkMergeTwoCopies prints `merge A B` beside `merge A; merge B`
// (medians of three runs each) on the team set-up above.
func BenchmarkMergeTwoCopies(b *testing.B) {
	lead, alice, bob := teamCopies(b, b.TempDir())
	var together, apart []time.Duration
	for i := 0; i < max(3, b.N); i++ {
		t, n1, bytes1 := mergeTimed(b, lead, []string{alice, bob})
		together = append(together, t)
		t, n2, bytes2 := mergeTimed(b, lead, []string{alice}, []string{bob})
		apart = append(apart, t)
		if n1 != n2 {
			b.Fatalf("merge A B added %d codings, merge A; merge B %d", n1, n2)
		}
		if i == 0 {
			b.Logf("each merge adds %d codings (%d answers, two coders × %d codes, a shared pilot coder)", n1, teamSegments, teamPerCoder)
			b.Logf("allocated per coding added: merge A B %d bytes | merge A; merge B %d bytes", bytes1/uint64(n1), bytes2/uint64(n2))
		}
	}
	one, two := median(together), median(apart)
	b.Logf("merge A B: %s | merge A; merge B: %s (medians of %d)", one.Round(time.Millisecond), two.Round(time.Millisecond), len(together))
	codingtest.Ratio(b, "merge A B ÷ (merge A; merge B)", float64(one)/float64(two), 1.0)
	b.ReportMetric(float64(one.Milliseconds()), "ms/merge-AB")
	b.ReportMetric(float64(two.Milliseconds()), "ms/merge-A-then-B")
}

// BenchmarkImportNewCodes imports a codings file whose 5,000 rows each
// name a code the codebook lacks (50 new themes of 100 codes): creating
// codes must cost the same per code however many came before.
func BenchmarkImportNewCodes(b *testing.B) {
	const n = 5_000
	src := codingtest.Source(1, n)
	var csv strings.Builder
	csv.WriteString("segment,code,coder\n")
	for i, seg := range src.Segments {
		fmt.Fprintf(&csv, "%s,Emergent %d/Code %04d,alice\n", seg.ID, i%50, i)
	}
	var times []time.Duration
	for i := 0; i < max(3, b.N); i++ {
		s, err := coding.Create(filepath.Join(b.TempDir(), "p.qcode"), coding.CreateOptions{Codes: coding.PQTemplate()})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ImportSource("lead", src, coding.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res, err := s.ImportCodings("alice", "new-codes.csv", strings.NewReader(csv.String()))
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		if len(res.NewCodes) != n+50 || s.Codebook().Len() != 47+n+50 {
			b.Fatalf("%d new codes, codebook of %d", len(res.NewCodes), s.Codebook().Len())
		}
		s.Close()
	}
	b.Logf("codings import creating %d new codes: %s (median of %d)", n+50, median(times).Round(time.Millisecond), len(times))
	b.ReportMetric(float64(median(times).Milliseconds()), "ms/import")
}
