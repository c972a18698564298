package qdaxml

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strconv"
	"strings"

	"qcode/corpus"
)

// ProjectPart is the name of the project document inside a .qdpx.
const ProjectPart = "project.qde"

// Archive is a .qdpx opened for reading: its project document parsed, its
// other entries read on demand and capped.
type Archive struct {
	File    string // base name of the .qdpx, for messages
	Project *Project

	lim     Limits
	entries map[string]*zip.File // by name, as written
	folded  map[string]*zip.File // by lower-cased name (NVivo writes Sources/, MAXQDA sources/)
	read    int64                // bytes inflated so far
}

// OpenArchive reads a .qdpx from data: the directory (entries capped in
// number, each name checked to stay inside the archive), then
// project.qde. Nothing else is inflated until asked for.
func OpenArchive(file string, data []byte, lim Limits) (*Archive, error) {
	lim = lim.orDefault()
	n, ok := zipEntries(data)
	if !ok {
		return nil, fail(file, "", "not a zip archive (a .qdpx is a zip holding project.qde)")
	}
	if n > uint64(lim.Entries) {
		return nil, fail(file, "", "the archive lists %s entries, more than %s (the limit)", groupDigits(n), groupDigits(uint64(lim.Entries)))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fail(file, "", "not a readable zip archive: %s", corpus.Cut(strings.TrimPrefix(err.Error(), "zip: "), 100))
	}
	a := &Archive{File: file, lim: lim, entries: map[string]*zip.File{}, folded: map[string]*zip.File{}}
	for _, f := range zr.File {
		if !localName(f.Name) {
			return nil, fail(file, "", "entry %q leaves the archive (a path with .. or from the root): refused", corpus.Excerpt(f.Name))
		}
		name := strings.ReplaceAll(f.Name, `\`, "/")
		a.entries[name] = f
		low := strings.ToLower(name)
		if _, dup := a.folded[low]; !dup {
			a.folded[low] = f
		}
	}
	qde := a.lookup(ProjectPart)
	if qde == nil {
		return nil, fail(file, "", "no %s in the archive (a .qdpx holds project.qde beside its sources)", ProjectPart)
	}
	doc, err := a.inflate(qde)
	if err != nil {
		return nil, err
	}
	if a.Project, err = ParseProject(file, ProjectPart, doc, lim); err != nil {
		return nil, err
	}
	return a, nil
}

// localName tells whether an entry's name stays inside the archive: no
// ".." step, not from the root or a drive, no NUL.
func localName(name string) bool {
	name = strings.ReplaceAll(name, `\`, "/")
	if name == "" || strings.ContainsRune(name, 0) || strings.HasPrefix(name, "/") ||
		(len(name) >= 2 && name[1] == ':') {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return false
		}
	}
	return true
}

// lookup finds an entry by name, exactly, else ignoring case.
func (a *Archive) lookup(name string) *zip.File {
	if f, ok := a.entries[name]; ok {
		return f
	}
	return a.folded[strings.ToLower(name)]
}

// Has tells whether the archive holds an entry (ignoring case).
func (a *Archive) Has(name string) bool { return a.lookup(name) != nil }

// Entry inflates a named entry (nil, nil when there is none).
func (a *Archive) Entry(name string) ([]byte, error) {
	f := a.lookup(name)
	if f == nil {
		return nil, nil
	}
	return a.inflate(f)
}

// ErrNoFile is wrapped by SourceFile's error for a path the archive does
// not hold.
var ErrNoFile = errors.New("no such file in the archive")

// SourceFile inflates the file an internal:// path names: under sources/
// (or Sources/), else from the archive's root. A path that would leave the
// archive is refused.
func (a *Archive) SourceFile(ref string) ([]byte, error) {
	p, ok := internalPath(ref)
	if !ok {
		return nil, fail(a.File, ProjectPart, "path %q is not inside the archive (internal://…)", corpus.Excerpt(ref))
	}
	if !localName(strings.TrimLeft(p, "/")) {
		return nil, fail(a.File, ProjectPart, "path %q leaves the archive: refused", corpus.Excerpt(ref))
	}
	p = strings.TrimLeft(p, "/")
	for _, name := range []string{"sources/" + p, p} {
		if f := a.lookup(name); f != nil {
			return a.inflate(f)
		}
	}
	return nil, &corpus.InputError{File: a.File, Where: ProjectPart, Msg: "no file " + quote(ref) + " in the archive", Err: ErrNoFile}
}

// internalPath is the path part of "internal://PATH", slash-separated.
func internalPath(ref string) (string, bool) {
	const scheme = "internal://"
	if len(ref) < len(scheme) || !strings.EqualFold(ref[:len(scheme)], scheme) {
		return "", false
	}
	return strings.ReplaceAll(ref[len(scheme):], `\`, "/"), true
}

// inflate reads an entry whole, within the caps: the entry's own, and the
// archive's total.
func (a *Archive) inflate(f *zip.File) ([]byte, error) {
	left := a.lim.Inflate - a.read
	if f.UncompressedSize64 > uint64(left) {
		return nil, a.tooBig(f)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fail(a.File, f.Name, "cannot be read: %s", corpus.Cut(strings.TrimPrefix(err.Error(), "zip: "), 100))
	}
	defer rc.Close()
	var b bytes.Buffer
	b.Grow(int(min(f.UncompressedSize64, 64<<20)))
	n, err := io.Copy(&b, io.LimitReader(rc, left+1))
	if n > left {
		return nil, a.tooBig(f)
	}
	if err != nil {
		return nil, fail(a.File, f.Name, "cannot be read: %s", corpus.Cut(strings.TrimPrefix(err.Error(), "zip: "), 100))
	}
	a.read += n
	return b.Bytes(), nil
}

func (a *Archive) tooBig(f *zip.File) error {
	return fail(a.File, f.Name, "inflates past %s, the limit for what one archive unpacks to (--max-input-size raises it)", corpus.SizeText(a.lim.Inflate))
}

// zipEntries reads the entry count from a zip's end-of-central-directory
// record (zip64 too), before archive/zip builds a value per entry.
func zipEntries(data []byte) (uint64, bool) {
	const eocdLen = 22
	if len(data) < eocdLen {
		return 0, false
	}
	// The record ends the file, after a comment of at most 65,535 bytes.
	from := max(0, len(data)-eocdLen-0xFFFF)
	i := bytes.LastIndex(data[from:], []byte("PK\x05\x06"))
	if i < 0 {
		return 0, false
	}
	i += from
	if i+eocdLen > len(data) {
		return 0, false
	}
	n := uint64(binary.LittleEndian.Uint16(data[i+10:]))
	if n != 0xFFFF {
		return n, true
	}
	// zip64: a locator just before the record points at the zip64 record.
	loc := i - 20
	if loc < 0 || !bytes.Equal(data[loc:loc+4], []byte("PK\x06\x07")) {
		return n, true
	}
	off := binary.LittleEndian.Uint64(data[loc+8:])
	if off > uint64(len(data)-56) || !bytes.Equal(data[off:off+4], []byte("PK\x06\x06")) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(data[off+32:]), true
}

func groupDigits(n uint64) string {
	str := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range str {
		if i > 0 && (len(str)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func quote(s string) string { return strconv.Quote(corpus.Excerpt(s)) }
