package coding_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"qcode/coding"
	"qcode/coding/codingtest"
	"qcode/corpus"
)

// BenchmarkBesideSQLite runs the same work in qcode and in SQLite (the store
// QualCoder and Taguette use), in the same run, at 200,000 answers and
// 1,000,000 codings by 8 coders, and prints the ratios beside DESIGN.md's
// budgets: answer import ≤ 1.5× `.import` plus a unique index, codings
// import ≤ 1.5× `.import` plus two indexes, a report by attribute ≤ 1.0× the
// equivalent GROUP BY with count(DISTINCT …). It needs the sqlite3 command.
func BenchmarkBesideSQLite(b *testing.B) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Logf("sqlite3 is not installed (apt install sqlite3): no comparison")
		return
	}
	dir := b.TempDir()
	answers, codings := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "codings.csv")
	ids := writeAnswers(b, answers, 200_000)
	writeCodings(b, codings, ids, 1_000_000)

	// SQLite, as its command line does it.
	db := filepath.Join(dir, "bench.sqlite")
	runOn := func(db, script string) time.Duration {
		cmd := exec.Command(sqlite, db)
		cmd.Stdin = strings.NewReader(script)
		return timed(b, cmd, "sqlite3")
	}
	run := func(script string) time.Duration { return runOn(db, script) }
	// The answer import, five rounds, each into a new database and a new
	// project, alternately: sqlite3 as a command, qcode as `qcode import`
	// runs (its own process: read, parse, open, import, close).
	empty := filepath.Join(dir, "empty.qcode")
	e, err := coding.Create(empty, coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		b.Fatal(err)
	}
	e.Close()
	var sqlRounds, qRounds []time.Duration
	for i := range 5 {
		os.Remove(db)
		sqlRounds = append(sqlRounds, run(".mode csv\n.import "+answers+" answers\nCREATE UNIQUE INDEX answers_id ON answers(id);\n"))
		project := filepath.Join(dir, fmt.Sprintf("round%d.qcode", i))
		codingtest.CopyFile(b, empty, project)
		qRounds = append(qRounds, importInChild(b, project, answers))
	}
	os.Remove(db)
	sqlAnswers := run(".mode csv\n.import " + answers + " answers\nCREATE UNIQUE INDEX answers_id ON answers(id);\n")
	withAnswers := filepath.Join(dir, "answers.sqlite")
	codingtest.CopyFile(b, db, withAnswers)
	codingsScript := ".mode csv\n.import " + codings + " codings\nCREATE INDEX codings_segment ON codings(segment);\nCREATE INDEX codings_code ON codings(code);\n"
	sqlCodings := run(codingsScript)
	sqlReport := run(`SELECT c.code, a.role, count(DISTINCT a.id), count(DISTINCT a.respondent)
  FROM codings c JOIN answers a ON a.id = c.segment GROUP BY c.code, a.role;` + "\n")

	// qcode, as `qcode import`, `qcode codings import` and `qcode report --by role` do it.
	s, err := coding.Create(filepath.Join(dir, "bench.qcode"), coding.CreateOptions{Codes: coding.PQTemplate()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	src, err := corpus.Read(answers, corpus.Options{TextCol: "answer", IDCol: "id", CaseCol: "respondent"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportSource("bench", src, coding.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	qAnswers := time.Since(start)
	// A copy for the peak memory of the codings import, measured in a
	// process of its own.
	rssProject := filepath.Join(dir, "rss.qcode")
	codingtest.CopyFile(b, filepath.Join(dir, "bench.qcode"), rssProject)
	beforeCodings := filepath.Join(dir, "before-codings.qcode")
	codingtest.CopyFile(b, filepath.Join(dir, "bench.qcode"), beforeCodings)
	f, err := corpus.OpenInput(codings, 0) // as `qcode codings import` reads it
	if err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	if _, err := s.ImportCodings("bench", codings, f); err != nil {
		b.Fatal(err)
	}
	qCodings := time.Since(start)
	f.Close()
	start = time.Now()
	if _, err := s.Report(coding.ReportQuery{By: "role"}); err != nil {
		b.Fatal(err)
	}
	qReport := time.Since(start)

	importPeakRSS(b, rssProject, codings)

	// Two more rounds of the codings import, each into a copy of the
	// project and of the database as the answers left them.
	codingRatios := []float64{float64(qCodings) / float64(sqlCodings)}
	for i := range 2 {
		round := filepath.Join(dir, fmt.Sprintf("codings%d.sqlite", i))
		codingtest.CopyFile(b, withAnswers, round)
		sq := runOn(round, codingsScript)
		project := filepath.Join(dir, fmt.Sprintf("codings%d.qcode", i))
		codingtest.CopyFile(b, beforeCodings, project)
		codingRatios = append(codingRatios, float64(importCodingsOnce(b, project, codings))/float64(sq))
	}
	b.Logf("codings import rounds: %.2f×", codingRatios)
	slices.Sort(codingRatios)
	codingtest.Ratio(b, "codings import (1,000,000), qcode ÷ sqlite3, median of 3 rounds", codingRatios[1], 1.5)

	ratios := make([]float64, len(qRounds))
	for i := range qRounds {
		ratios[i] = float64(qRounds[i]) / float64(sqlRounds[i])
		b.Logf("answer import round %d: qcode (own process) %s, sqlite3 %s: %.2f×", i+1,
			qRounds[i].Round(time.Millisecond), sqlRounds[i].Round(time.Millisecond), ratios[i])
	}
	slices.Sort(ratios)
	codingtest.Ratio(b, "answer import (200,000), qcode in its own process ÷ sqlite3, median of 5 rounds", ratios[len(ratios)/2], 1.5)
	for _, r := range []struct {
		what    string
		q, sql  time.Duration
		budget  float64
		sqlWhat string
	}{
		{"answer import (200,000), in this process after the rounds", qAnswers, sqlAnswers, 1.5, ".import + unique index"},
		{"codings import (1,000,000), first round", qCodings, sqlCodings, 1.5, ".import + two indexes"},
		{"report by attribute", qReport, sqlReport, 1.0, "GROUP BY with count(DISTINCT)"},
	} {
		b.Logf("%s: qcode %s, sqlite3 %s (%s)", r.what, r.q.Round(time.Millisecond), r.sql.Round(time.Millisecond), r.sqlWhat)
		codingtest.Ratio(b, r.what+": qcode ÷ sqlite3", float64(r.q)/float64(r.sql), r.budget)
	}
}

// importCodingsOnce imports the codings into project and returns the
// import's time.
func importCodingsOnce(b *testing.B, project, codings string) time.Duration {
	s, err := coding.Open(project)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	f, err := corpus.OpenInput(codings, 0) // as `qcode codings import` reads it
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	if _, err := s.ImportCodings("bench", codings, f); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// importInChild imports the answers into project in a process of its own
// (the test binary, see TestMain) and returns the process's wall time.
func importInChild(b *testing.B, project, answers string) time.Duration {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "QCODE_IMPORT_PROJECT="+project, "QCODE_IMPORT_ANSWERS="+answers)
	return timed(b, cmd, "child import")
}

// timed runs a command, its output discarded, and returns its wall time.
func timed(b *testing.B, cmd *exec.Cmd, what string) time.Duration {
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v: %s", what, err, stderr.String())
	}
	return time.Since(start)
}

// importPeakRSS imports the codings into a copy of the project in a child
// process (the test binary, see TestMain) and prints its peak resident
// memory beside the budget of DESIGN.md.
func importPeakRSS(b *testing.B, project, codings string) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "QCODE_RSS_PROJECT="+project, "QCODE_RSS_CODINGS="+codings)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("child import: %v: %s", err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Logf("peak memory of a codings import: not measured on this system")
		return
	}
	const budget = 1.5 * (1 << 30)
	rss := float64(ru.Maxrss) * 1024 // kilobytes on Linux
	verdict := "ok"
	if rss > budget {
		verdict = "OVER BUDGET"
	}
	b.Logf("peak RSS of a codings import (1,000,000, own process, %s): %.2f GB (budget ≤ 1.50 GB) %s",
		strings.TrimSpace(string(out)), rss/(1<<30), verdict)
}

// writeAnswers writes a long survey export and returns its answer ids.
func writeAnswers(b testing.TB, path string, n int) []string {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,respondent,question_id,role,authority,answer")
	rng := rand.New(rand.NewPCG(5, 6))
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("A%07d", i+1)
		fmt.Fprintf(w, "%s,P%06d,%s,%s,Authority %02d,\"%s\"\n", ids[i], i/5+1,
			codingtest.Questions[i%5], codingtest.Roles[(i/5)%6], (i/5)%30+1, codingtest.Answer(rng))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return ids
}

// writeCodings writes n distinct codings of the answers by 8 coders.
func writeCodings(b testing.TB, path string, ids []string, n int) {
	var leaves []string
	book := coding.PQTemplate()
	var walk func(prefix string, specs []coding.CodeSpec)
	walk = func(prefix string, specs []coding.CodeSpec) {
		for _, sp := range specs {
			if len(sp.Codes) == 0 {
				leaves = append(leaves, prefix+sp.Name)
			}
			walk(prefix+sp.Name+"/", sp.Codes)
		}
	}
	walk("", book)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, codingtest.CodingsCSV(rand.New(rand.NewPCG(7, 8)), ids, leaves, 8, 0, n)); err != nil {
		b.Fatal(err)
	}
	f.Close()
}
