package qdaxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"qcode/corpus"
	"qcode/corpus/ooxml"
)

// Limits bound what is read from one file. Zero fields take DefaultLimits.
type Limits struct {
	// Inflate caps the bytes an archive's entry may unpack to, and the
	// bytes of all entries read from one archive together.
	Inflate int64
	// Entries caps the files an archive may list (its directory is read
	// before anything else, and each entry costs memory).
	Entries int
	// Depth caps the nesting of elements in a document.
	Depth int
}

// DefaultLimits are far above real projects (a thousand interviews, a
// codebook of thousands of codes) and far below what exhausts a laptop.
var DefaultLimits = Limits{Inflate: corpus.DefaultLimits.InputSize, Entries: 200_000, Depth: corpus.DefaultLimits.Depth}

func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.Inflate > 0 {
		d.Inflate = l.Inflate
	}
	if l.Entries > 0 {
		d.Entries = l.Entries
	}
	if l.Depth > 0 {
		d.Depth = l.Depth
	}
	return d
}

// ErrInvalid is wrapped by every error for a file that is not what the
// standard describes (bad XML, a missing part, a reference to nothing).
var ErrInvalid = errors.New("invalid REFI-QDA file")

// fail is an error naming the file, where in it, and what is wrong.
func fail(file, where, format string, args ...any) error {
	return &corpus.InputError{File: file, Where: where, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid}
}

// ParseProject reads project.qde. file names the file read (the .qdpx or
// .qde) and part the document within it ("project.qde", or "" for a bare
// .qde), for messages.
func ParseProject(file, part string, data []byte, lim Limits) (*Project, error) {
	var p Project
	if err := parseDoc(file, part, data, lim, ProjectNS, "Project", &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ParseCodebook reads a .qdc codebook.
func ParseCodebook(file string, data []byte, lim Limits) (*Codebook, error) {
	var c Codebook
	if err := parseDoc(file, "", data, lim, CodebookNS, "CodeBook", &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// parseDoc checks a document's shape before encoding/xml builds anything
// (deep nesting and giant tags are refused by a scan that keeps only
// counters), then decodes it into v, whose root must be named root. The
// root's namespace is not checked: a document that leaves it out, or puts
// a codebook in the project's, is read all the same.
func parseDoc(file, part string, data []byte, lim Limits, ns, root string, v any) error {
	lim = lim.orDefault()
	where := func(line int) string {
		w := part
		if line > 0 {
			if w != "" {
				w += ": "
			}
			w += fmt.Sprintf("line %d", line)
		}
		return w
	}
	if _, err := ooxml.Scan(bytes.NewReader(data), lim.Depth, "", 0); err != nil {
		switch {
		case errors.Is(err, ooxml.ErrDepth):
			return fail(file, where(0), "elements nested more than %d deep (the limit)", lim.Depth)
		case errors.Is(err, ooxml.ErrTagSize):
			return fail(file, where(0), "a tag longer than %s (the limit)", corpus.SizeText(ooxml.MaxTagSize))
		}
		return fail(file, where(0), "%s", err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	// Only UTF-8 (and its ASCII subset) is read: the standard asks for it.
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q: QDA-XML documents are UTF-8", corpus.Excerpt(label))
	}
	first, err := firstElement(dec)
	if err != nil {
		return xmlError(file, where, dec, err)
	}
	if first.Name.Local != root {
		return fail(file, where(0), "the document is a <%s>, not a QDA-XML <%s>", corpus.Excerpt(first.Name.Local), root)
	}
	first.Name.Space = ns
	if err := dec.DecodeElement(v, &first); err != nil {
		return xmlError(file, where, dec, err)
	}
	// Nothing but space, comments and processing instructions may follow.
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlError(file, where, dec, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fail(file, where(lineOf(data, dec.InputOffset())), "a second root element <%s>", corpus.Excerpt(t.Name.Local))
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fail(file, where(lineOf(data, dec.InputOffset())), "text after the root element")
			}
		}
	}
}

// firstElement reads up to the root element.
func firstElement(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return xml.StartElement{}, errors.New("no root element (an empty document)")
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, errors.New("text before the root element")
			}
		}
	}
}

// xmlError words a decoding error on one line, with its line number.
func xmlError(file string, where func(int) string, dec *xml.Decoder, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fail(file, where(se.Line), "%s", corpus.Cut(se.Msg, 200))
	}
	line, _ := dec.InputPos()
	return fail(file, where(line), "%s", corpus.Cut(strings.TrimPrefix(err.Error(), "xml: "), 200))
}

// lineOf is the 1-based line of byte offset off.
func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}
