package refi

import (
	"bytes"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"qcode/coding"
	"qcode/coding/codingtest"
)

// BenchmarkREFI exports a project of 100,000 answers and 500,000 codings
// of 8 coders as a .qdpx, reads it back and imports it into a new project,
// and prints each figure (no budget: DESIGN.md sets none for the
// exchange) with the heap the export and the read took.
func BenchmarkREFI(b *testing.B) {
	path := codingtest.Project(b, codingtest.Shape{Segments: 100_000, Codings: 500_000, Coders: 8})
	s, err := coding.OpenReadOnly(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < b.N; i++ {
		heap := func() uint64 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return m.HeapAlloc
		}
		base := heap()
		t0 := time.Now()
		px, err := s.ExportProject()
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		w, err := WriteQDPX(&out, px)
		if err != nil {
			b.Fatal(err)
		}
		export := time.Since(t0)
		px = nil
		b.Logf("export: %s for %d segments, %d codings: %.1f MB .qdpx", export.Round(time.Millisecond), w.Segments, w.Codings, float64(out.Len())/1e6)
		t1 := time.Now()
		imp, _, err := ReadQDPX("big.qdpx", out.Bytes(), ReadOptions{Coder: "lead"})
		if err != nil {
			b.Fatal(err)
		}
		read := time.Since(t1)
		b.Logf("read: %s; heap held by the read project %.0f MB", read.Round(time.Millisecond), float64(heap()-base)/1e6)
		t2 := time.Now()
		dst, err := coding.Create(filepath.Join(b.TempDir(), "back.qcode"), coding.CreateOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := dst.ImportProject("lead", imp); err != nil {
			b.Fatal(err)
		}
		b.Logf("import: %s", time.Since(t2).Round(time.Millisecond))
		dst.Close()
	}
}
