package qdaxml

import (
	"archive/zip"
	"compress/flate"
	"encoding/xml"
	"io"
	"time"
)

// header opens every document qcode writes.
const header = `<?xml version="1.0" encoding="utf-8"?>` + "\n"

// WriteProject writes p as project.qde: the XML declaration, then the
// document in the project namespace, indented.
func WriteProject(w io.Writer, p *Project) error {
	p.XMLName = xml.Name{Space: ProjectNS, Local: "Project"}
	return writeDoc(w, p)
}

// WriteCodebook writes c as a .qdc document in the codebook namespace.
func WriteCodebook(w io.Writer, c *Codebook) error {
	c.XMLName = xml.Name{Space: CodebookNS, Local: "CodeBook"}
	return writeDoc(w, c)
}

func writeDoc(w io.Writer, v any) error {
	if _, err := io.WriteString(w, header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Entry is a file of an archive being written.
type Entry struct {
	Name string // slash-separated, relative: "project.qde", "sources/<guid>.txt"
	Data []byte
}

// WriteArchive writes a .qdpx: the entries in the order given, deflated,
// each stamped with modified (so that the same project gives the same
// bytes).
func WriteArchive(w io.Writer, entries []Entry, modified time.Time) error {
	zw := zip.NewWriter(w)
	// The fastest deflate: a project's XML shrinks tenfold even so, and
	// the default level took as long as writing the XML itself.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	for _, e := range entries {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: modified.UTC()})
		if err != nil {
			return err
		}
		if _, err := f.Write(e.Data); err != nil {
			return err
		}
	}
	return zw.Close()
}
