package coding

import (
	"bufio"
	"fmt"
	"os"
	"time"
)

// rssChild imports a codings file into a project as `qcode codings import`
// does, in a process of its own, so that the parent (BenchmarkBesideSQLite)
// can read the import's peak resident memory from its rusage. It prints
// how long the import took.
func rssChild(project, codings string) error {
	s, err := Open(project)
	if err != nil {
		return err
	}
	f, err := os.Open(codings)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	if _, err := s.ImportCodings("bench", codings, bufio.NewReader(f)); err != nil {
		return err
	}
	fmt.Println(time.Since(start).Round(time.Millisecond))
	return s.Close()
}
