package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"qcode/coding"
	"qcode/coding/refi"
	"qcode/corpus"
	"qcode/corpus/printable"
)

// exportREFI writes the project (qdpx) or its codebook (qdc) for other
// QDA tools.
func (a *app) exportREFI(s *coding.Store, format, out string) error {
	var buf bytes.Buffer
	if format == "qdc" {
		if err := refi.WriteQDC(&buf, s.Codebook(), s.Meta()); err != nil {
			return err
		}
		data := buf.Bytes()
		if out == "-" { // as codebook export prints it
			data = []byte(printable.String(buf.String()))
		}
		if err := a.writeOut(out, data); err != nil {
			return err
		}
		a.note("REFI-QDA codebook: %s", counted(s.Codebook().Len(), "code", "codes"))
		return nil
	}
	if out == "-" && isTerminal(a.stdout) {
		return usagef("a .qdpx is a zip archive: give a file name, or send - to a pipe")
	}
	bar := startProgress(a.stderr, "writing "+out)
	px, err := s.ExportProject()
	if err != nil {
		bar.end()
		return err
	}
	w, err := refi.WriteQDPX(&buf, px)
	bar.end()
	if err != nil {
		return err
	}
	if err := a.writeOut(out, buf.Bytes()); err != nil {
		return err
	}
	a.note("REFI-QDA project: %s, %s, %s, %s, %s of %s",
		counted(w.Sources, "source", "sources"), counted(w.Segments, "segment", "segments"), counted(w.Cases, "case", "cases"),
		counted(w.Codes, "code", "codes"), counted(w.Codings, "coding", "codings"), counted(w.Coders, "coder", "coders"))
	if w.Marks > 0 || w.Samples > 0 {
		a.note("review marks (%d) and samples (%d) as sets of sources; qcode reads them back segment by segment", w.Marks, w.Samples)
	}
	if w.Memos > 0 {
		a.note("%s on sources, cases, codes and segments and in the journal, as notes (a case's memo is its description too)", counted(w.Memos, "memo", "memos"))
	}
	if w.Personal > 0 {
		a.note("warning: the texts hold %s (e-mail addresses, phone numbers, names), written as they are: a .qdpx is the project itself; share it as you would the project file",
			counted(w.Personal, "possible personal detail", "possible personal details"))
	}
	return nil
}

// importProject imports a REFI-QDA project (.qdpx) into the project named
// by -p: a new one (created here, from the file's name), or one with no
// sources yet. The file is read and checked before the project is opened
// or made; a failed import leaves an existing project as it was and
// removes one it made.
func (a *app) importProject(path string) error {
	data, err := corpus.ReadInput(path, int64(a.maxInput))
	if err != nil {
		return err
	}
	bar := startProgress(a.stderr, "reading "+filepath.Base(path))
	imp, rep, err := refi.ReadQDPX(filepath.Base(path), data, refi.ReadOptions{Limits: a.limits(), Coder: a.coder})
	bar.end()
	if err != nil {
		return err
	}
	if err := imp.Check(); err != nil {
		return err
	}
	data = nil
	created := false
	var s *coding.Store
	if _, err := os.Stat(a.project); errors.Is(err, os.ErrNotExist) {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		if s, err = coding.Create(a.project, coding.CreateOptions{Name: name}); err != nil {
			return err
		}
		created = true
	} else if s, err = a.open(); err != nil {
		return err
	}
	bar = startProgress(a.stderr, "storing "+filepath.Base(path))
	res, err := s.ImportProject(a.coder, imp)
	bar.end()
	if cerr := a.release(s); err == nil {
		err = cerr
	}
	if err != nil {
		if created {
			os.Remove(a.project)
		}
		return err
	}
	origin := rep.Origin
	if origin == "" {
		origin = "no origin named"
	}
	if created {
		a.note("created %s", a.project)
	}
	a.note("imported %s (%s): %s, %s, %s; %s (%d new); %s of %s",
		filepath.Base(path), origin, counted(res.Sources, "source", "sources"), counted(res.Segments, "segment", "segments"),
		counted(res.Cases, "case", "cases"), counted(countSpecs(imp.Codes), "code", "codes"), len(res.Codes.Created),
		counted(res.Codings.Added, "coding", "codings"), counted(coderCount(imp), "coder", "coders"))
	if res.Codings.Marked > 0 || res.Samples > 0 {
		a.note("%s, %s", counted(res.Codings.Marked, "review mark", "review marks"), counted(res.Samples, "sample", "samples"))
	}
	if res.Memos > 0 {
		a.note("%s on sources, cases, codes and segments and in the journal (qcode memos lists them)", counted(res.Memos, "memo", "memos"))
	}
	if res.Codings.Replaced > 0 {
		a.note("%s of exclusive groups replaced by a later level on the same passage", counted(res.Codings.Replaced, "level", "levels"))
	}
	if !rep.Whole {
		a.note("segments by speaker turn or paragraph, as a TXT import makes them; every selection cut along them")
	}
	for _, n := range rep.Notes {
		a.note("note: %s", n)
	}
	return nil
}

// coderCount counts the coders of an import's codings.
func coderCount(imp *coding.ProjectImport) int {
	seen := map[string]bool{}
	for _, c := range imp.Codings {
		seen[c.Coder] = true
	}
	return len(seen)
}

// countSpecs counts the codes of a codebook tree.
func countSpecs(specs []coding.CodeSpec) int {
	n := len(specs)
	for _, sp := range specs {
		n += countSpecs(sp.Codes)
	}
	return n
}

// isProjectFile tells whether path names a REFI-QDA project.
func isProjectFile(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".qdpx")
}

// notCodebookFile refuses a codebook given to import.
func notCodebookFile(path string) error {
	if strings.EqualFold(filepath.Ext(path), ".qdc") {
		return usagef("%s is a codebook: qcode codebook import %s", filepath.Base(path), path)
	}
	return nil
}
