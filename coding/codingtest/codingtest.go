// Package codingtest builds the large projects that benchmarks measure
// against DESIGN.md's budgets (1,000,000 segments, 5,000,000 codings, 8
// coders), and prints each figure beside its budget. The projects are built
// through the public API once, cached under the repository's .bench/ folder
// and reused by every benchmark that asks for the same shape. It also holds
// the damaged-file table (damage.go) that the tests of package coding and
// of the command line run.
package codingtest

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"qcode/coding"
	"qcode/corpus"
)

// Shape says how big a generated project is.
type Shape struct {
	Segments int // answers, in sources of at most 100,000
	Codings  int // spread over coders, codes and segments
	Coders   int
}

// Full is the shape of DESIGN.md's budgets.
var Full = Shape{Segments: 1_000_000, Codings: 5_000_000, Coders: 8}

// name is the cached file's: the schema is in it, so that a schema bump
// builds a new fixture rather than migrating (and changing) the cached one.
func (s Shape) name() string {
	return fmt.Sprintf("seg%d-cod%d-c%d-v%d.qcode", s.Segments, s.Codings, s.Coders, coding.SchemaVersion)
}

// Coder names the i-th generated coder.
func Coder(i int) string { return fmt.Sprintf("coder%d", i+1) }

// Attribute values of generated answers: a report "--by role" splits six ways,
// "--unit authority" counts thirty authorities.
var (
	Roles     = []string{"Social worker", "Senior practitioner", "Team manager", "PQ lead", "Practice educator", "Newly qualified"}
	Questions = []string{"Q11", "Q15", "Q16", "Q18", "Q20"}
)

// Dir is the cache folder: .bench/ at the repository root.
func Dir(tb testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", ".bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// Project returns the path of a project of the given shape, building it on
// first use (minutes for the full shape). Callers open it themselves; they
// must not change it (copy it first with CopyProject if they write).
func Project(tb testing.TB, shape Shape) string {
	tb.Helper()
	path := filepath.Join(Dir(tb), shape.name())
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".building"
	os.Remove(tmp)
	start := time.Now()
	if err := Build(tmp, shape); err != nil {
		os.Remove(tmp)
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("built %s in %s", shape.name(), time.Since(start).Round(time.Second))
	return path
}

// CopyProject copies a project file to dir, for benchmarks that write.
func CopyProject(tb testing.TB, path, dir string) string {
	tb.Helper()
	out := filepath.Join(dir, filepath.Base(path))
	in, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(f, in); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// Source generates the i-th source of n answers: ids "S<i>-<n>", five answers
// per respondent (case), attributes question_id, role and authority.
func Source(i, n int) *corpus.Source {
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	src := &corpus.Source{Name: fmt.Sprintf("survey-%02d", i), File: fmt.Sprintf("survey-%02d.csv", i),
		Format: "csv", Hash: fmt.Sprintf("generated-%d-%d", i, n)}
	src.Segments = make([]corpus.Segment, n)
	for j := range src.Segments {
		resp := j / len(Questions)
		src.Segments[j] = corpus.Segment{
			ID:   fmt.Sprintf("S%d-%d", i, j+1),
			Case: fmt.Sprintf("S%d-P%d", i, resp+1),
			Text: Answer(rng),
			Attributes: []corpus.Attribute{
				{Name: "question_id", Value: Questions[j%len(Questions)]},
				{Name: "role", Value: Roles[resp%len(Roles)]},
				{Name: "authority", Value: fmt.Sprintf("Authority %02d", resp%30+1)},
			},
		}
	}
	return src
}

var words = strings.Fields(`the course gave me confidence in court and my manager supported release
but workload and caseloads made study hard travel to the university took hours funding was cut
reflective practice improved my assessments and service users got better advice on their rights
i would recommend it to colleagues the assignments were heavy and backfill never came`)

// Answer makes a plausible answer of 8–40 words.
func Answer(rng *rand.Rand) string {
	n := 8 + rng.IntN(33)
	var b strings.Builder
	for k := 0; k < n; k++ {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	return b.String()
}

// Build creates a project of the given shape at path with the pq codebook.
// Codings must not exceed Segments × Coders (each is distinct).
func Build(path string, shape Shape) error {
	if shape.Codings > shape.Segments*shape.Coders {
		return fmt.Errorf("%d codings cannot be distinct over %d segments × %d coders", shape.Codings, shape.Segments, shape.Coders)
	}
	s, err := coding.Create(path, coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		return err
	}
	defer s.Close()
	const perSource = 100_000
	var ids []string
	for i := 0; i*perSource < shape.Segments; i++ {
		n := min(perSource, shape.Segments-i*perSource)
		src := Source(i+1, n)
		if _, err := s.ImportSource("builder", src, coding.ImportOptions{}); err != nil {
			return err
		}
		for _, seg := range src.Segments {
			ids = append(ids, seg.ID)
		}
	}
	var leaves []string
	book := s.Codebook()
	for _, c := range book.Codes() {
		if book.IsLeaf(c.ID) {
			leaves = append(leaves, c.Path)
		}
	}
	const chunk = 500_000
	rng := rand.New(rand.NewPCG(42, 42))
	for done := 0; done < shape.Codings; done += chunk {
		n := min(chunk, shape.Codings-done)
		if _, err := s.ImportCodings("builder", "generated.csv", CodingsCSV(rng, ids, leaves, shape.Coders, done, n)); err != nil {
			return err
		}
	}
	return nil
}

// CodingsCSV streams codings number from to from+n of a generated set, as a
// codings CSV. Coding k goes to segment k mod len(ids), by a coder that no
// other coding of that segment has, so every coding is distinct (up to
// coders codings per segment). Each segment leans towards three codes, so
// coders agree often but not always.
func CodingsCSV(rng *rand.Rand, ids, codes []string, coders, from, n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<16)
		fmt.Fprintln(w, "segment,code,coder")
		for k := from; k < from+n; k++ {
			seg := ids[k%len(ids)]
			round := k / len(ids)
			h := hashString(seg)
			code := codes[(int(h%uint64(len(codes)))+rng.IntN(3))%len(codes)]
			coder := Coder((round + int(h>>8)) % coders)
			fmt.Fprintf(w, "%s,%q,%s\n", seg, code, coder)
		}
		pw.CloseWithError(w.Flush())
	}()
	return pr
}

func hashString(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Budget prints a measured figure beside its budget from DESIGN.md, e.g.
// "report over 5,000,000 codings: 212ms (budget ≤ 500ms) ok".
func Budget(tb testing.TB, what string, got, budget time.Duration) {
	tb.Helper()
	verdict := "ok"
	if got > budget {
		verdict = "OVER BUDGET"
	}
	tb.Logf("%s: %s (budget ≤ %s) %s", what, got.Round(time.Microsecond*10), budget, verdict)
}

// Ratio prints a measured ratio beside its budget, e.g. "apply / fsync: 1.8× (budget ≤ 2.5×)".
func Ratio(tb testing.TB, what string, got, budget float64) {
	tb.Helper()
	verdict := "ok"
	if got > budget {
		verdict = "OVER BUDGET"
	}
	tb.Logf("%s: %.2f× (budget ≤ %.1f×) %s", what, got, budget, verdict)
}
