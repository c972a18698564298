package coding

import (
	"fmt"
	"qcode/corpus"
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
	f, err := corpus.OpenInput(codings, 0) // as `qcode codings import` reads it
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	if _, err := s.ImportCodings("bench", codings, f); err != nil {
		return err
	}
	fmt.Println(time.Since(start).Round(time.Millisecond))
	return s.Close()
}

// answersChild imports an answers CSV into project as `qcode import` does
// (read and parse the file, open the project, import, close), in a
// process of its own: BenchmarkBesideSQLite times it as it times sqlite3.
func answersChild(project, answers string) error {
	src, err := corpus.Read(answers, corpus.Options{TextCol: "answer", IDCol: "id", CaseCol: "respondent"})
	if err != nil {
		return err
	}
	s, err := Open(project)
	if err != nil {
		return err
	}
	if _, err := s.ImportSource("bench", src, ImportOptions{}); err != nil {
		s.Close()
		return err
	}
	return s.Close()
}
