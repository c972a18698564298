package coding_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"io"
	"testing"
	"syscall"
	"time"

	"qcode/coding"
	"qcode/corpus"
)

func BenchmarkZZAnswers(b *testing.B) {
	sqlite, _ := exec.LookPath("sqlite3")
	dir := b.TempDir()
	answers := filepath.Join(dir, "answers.csv")
	writeAnswers(b, answers, 200_000)
	for i := 0; i < 5; i++ {
		db := filepath.Join(dir, "bench"+string(rune('a'+i))+".sqlite")
		cmd := exec.Command(sqlite, db)
		cmd.Stdin = strings.NewReader(".mode csv\n.import " + answers + " answers\nCREATE UNIQUE INDEX answers_id ON answers(id);\n")
		cmd.Stdout = io.Discard
		start := time.Now()
		if err := cmd.Run(); err != nil { b.Fatal(err) }
		sq := time.Since(start)
		sqCPU := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		s, err := coding.Create(filepath.Join(dir, "bench"+string(rune('a'+i))+".qcode"), coding.CreateOptions{Codes: coding.PQTemplate()})
		if err != nil { b.Fatal(err) }
		var ru0, ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		start = time.Now()
		src, err := corpus.Read(answers, corpus.Options{TextCol: "answer", IDCol: "id", CaseCol: "respondent"})
		if err != nil { b.Fatal(err) }
		parse := time.Since(start)
		if _, err := s.ImportSource("bench", src, coding.ImportOptions{}); err != nil { b.Fatal(err) }
		q := time.Since(start)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		qCPU := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()+ru1.Stime.Nano()-ru0.Stime.Nano())
		s.Close()
		b.Logf("sqlite %v qcode %v (parse %v) ratio %.2f; cpu sqlite %v qcode %v ratio %.2f", sq.Round(time.Millisecond), q.Round(time.Millisecond), parse.Round(time.Millisecond), float64(q)/float64(sq), sqCPU.Round(time.Millisecond), qCPU.Round(time.Millisecond), float64(qCPU)/float64(sqCPU))
	}
}
