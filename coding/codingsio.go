package coding

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// CodingColumns are the columns of a codings file, in order; the first
// three are required. A row whose code is empty is a review mark: the
// coder reviewed the segment and no code applies.
var CodingColumns = []string{"segment", "code", "coder", "start", "end", "starred", "memo"}

// CodingsImport says what a codings import did.
type CodingsImport struct {
	ActionResult
	Rows      int
	Added     int
	Updated   int      // already there; star or memo changed
	Unchanged int      // already there as given
	Replaced  int      // codings of a code group's other level removed
	NewCodes  []string // code paths that did not exist and were created
	// Review marks (rows with an empty code): added, already there, and
	// left out because the coder coded the segment (codes win over a mark).
	Marked, MarksUnchanged, MarksSkipped int
	// MarksCleared counts marks taken away because the file codes their
	// segment for their coder.
	MarksCleared int
}

// codingRow is one parsed row of a codings file; an empty code is a
// review mark.
type codingRow struct {
	line          int
	segment, code string
	coder         string
	span          Span
	starred       *bool
	memo          *string
	mark          bool
	when          int64 // unix milliseconds; 0: now
}

// CodingsFile is a codings CSV as read by ReadCodings, not yet applied.
type CodingsFile struct {
	file string // base name, for messages
	rows []codingRow
}

// ReadCodings reads a codings CSV (segment,code,coder[,start,end,starred,memo])
// without the project: a malformed file fails here, naming its line, before
// the project is opened (and locked) for ImportCodingsFile.
func ReadCodings(name string, r io.Reader) (*CodingsFile, error) {
	file := filepath.Base(name)
	rows, err := parseCodingRows(file, r)
	if err != nil {
		return nil, err
	}
	return &CodingsFile{file: file, rows: rows}, nil
}

// ImportCodings reads a codings CSV and applies it: ReadCodings, then
// ImportCodingsFile.
func (s *Store) ImportCodings(actor, name string, r io.Reader) (CodingsImport, error) {
	f, err := ReadCodings(name, r)
	if err != nil {
		return CodingsImport{}, err
	}
	return s.ImportCodingsFile(actor, f)
}

// ImportCodingsFile applies every row of a codings file in one transaction:
// a bad row (unknown segment, bad span) fails the whole file with an error
// naming its line, and the project is left as it was. New code paths are
// created and listed in NewCodes.
func (s *Store) ImportCodingsFile(actor string, f *CodingsFile) (CodingsImport, error) {
	file, rows := f.file, f.rows
	out := CodingsImport{Rows: len(rows)}
	defer bulkGC()()
	res, err := s.act(actor, "import codings from "+file, func(a *action) error {
		names := newSourceNames(a.tx)
		resolved := make(map[string]SegRef, len(rows)/4) // rows name the same segment again and again
		where := func(i int) string { return fmt.Sprintf("%s: line %d", file, rows[i].line) }
		seg := func(i int) (SegRef, error) {
			row := &rows[i]
			if i > 0 && rows[i-1].segment == row.segment { // an export's rows come segment by segment
				return resolved[row.segment], nil
			}
			if ref, ok := resolved[row.segment]; ok {
				return ref, nil
			}
			ref, err := resolveSegment(a.tx, names, row.segment)
			if err != nil {
				if errors.Is(err, ErrNotFound) {
					return 0, errorf(ErrNotFound, "%s: unknown segment %q", where(i), corpus.Excerpt(row.segment))
				}
				return 0, fmt.Errorf("%s: %w", where(i), err)
			}
			resolved[row.segment] = ref
			return ref, nil
		}
		return a.applyCodingRows(rows, seg, where, &out)
	})
	out.ActionResult = res
	return out, err
}

// replaceLevels removes k.Coder's other levels of k.Code's group on the
// passages k overlaps, when the group is exclusive, as applying a level
// does, and lists the codes it removed. A level on another passage of the
// segment stays: exclusivity is per passage, not per answer.
func (a *action) replaceLevels(book *Codebook, k codingKey) ([]CodeID, error) {
	g, ok := book.ExclusiveGroupOf(k.Code)
	if !ok {
		return nil, nil
	}
	var replaced []CodeID
	var batch []codingChange
	for _, other := range book.Subtree(g.ID) {
		if other == g.ID || other == k.Code {
			continue
		}
		found := false
		for _, ok := range segCoderCodings(a.tx, k.Seg, other, k.Coder) {
			if ok.Span.Overlaps(k.Span) {
				batch = append(batch, codingChange{ok, nil})
				found = true
			}
		}
		if found {
			replaced = append(replaced, other)
		}
	}
	return replaced, a.setCodings(batch)
}

// replacedNote is what the status line says when applying a level of an
// exclusive group replaced others: "replaced L1 Reaction with L2 Learning:
// Kirkpatrick is exclusive".
func replacedNote(book *Codebook, code CodeID, replaced []CodeID) string {
	c, _ := book.Code(code)
	g, _ := book.GroupOf(code)
	names := make([]string, 0, len(replaced))
	for _, id := range replaced {
		old, _ := book.Code(id)
		names = append(names, old.Name)
	}
	return fmt.Sprintf("replaced %s with %s: %s is exclusive", strings.Join(names, " and "), c.Name, g.Name)
}

func parseCodingRows(file string, r io.Reader) ([]codingRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errorf(ErrInvalidInput, "%s: empty file", file)
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range CodingColumns {
			known = known || c == h
		}
		if !known {
			return nil, errorf(ErrInvalidInput, "%s: line 1: unknown column %q (columns: %s)", file, corpus.Excerpt(h), strings.Join(CodingColumns, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, errorf(ErrInvalidInput, "%s: line 1: column %q appears twice", file, corpus.Excerpt(h))
		}
		col[h] = i
	}
	for _, c := range CodingColumns[:3] {
		if _, ok := col[c]; !ok {
			return nil, errorf(ErrInvalidInput, "%s: line 1: missing column %q (need segment, code, coder)", file, c)
		}
	}
	cols := colsOf(col)
	cr.ReuseRecord = true // parseCodingRow keeps the fields, not the slice
	// Rows are gathered in chunks and joined once at the end: a slice of a
	// million rows grown by doubling copies them twice over into fresh
	// memory.
	var chunks [][]codingRow
	rows := make([]codingRow, 0, 1024)
	estimated := false
	seen := seenSpellings{codes: map[string]bool{}, coders: map[string]bool{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			return nil, errorf(ErrInvalidInput, "%s: line %d: row has %d fields, header has %d", file, line, len(rec), len(header))
		}
		row, err := parseCodingRow(rec, cols, &seen)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", file, line, err)
		}
		row.line = line
		if len(rows) == cap(rows) {
			if sized, ok := r.(interface{ Size() int64 }); ok && len(chunks) == 0 && !estimated {
				// The rows so far tell how many the file holds: one slice
				// sized for them all spares joining the chunks (a copy of
				// 100 MB of rows, with the collector's write barriers, cost
				// a million-row import 0.7 s).
				estimated = true
				if at := cr.InputOffset(); at > 0 {
					want := int(float64(sized.Size())/float64(at)*float64(len(rows))*1.05) + 1024
					if want > cap(rows) {
						rows = append(make([]codingRow, 0, want), rows...)
					}
				}
			}
		}
		if len(rows) == cap(rows) {
			chunks = append(chunks, rows)
			rows = make([]codingRow, 0, min(2*cap(rows), 1<<16))
		}
		rows = append(rows, row)
	}
	if len(chunks) > 0 {
		rows = slices.Concat(append(chunks, rows)...)
	}
	if len(rows) == 0 {
		return nil, errorf(ErrInvalidInput, "%s: no codings or review marks after the header", file)
	}
	return rows, nil
}

// seenSpellings are the code and coder spellings a file's rows have used
// so far, checked once each: a million rows name a few dozen codes.
type seenSpellings struct {
	codes, coders map[string]bool
}

// maxSeen bounds what seenSpellings keeps (a file of a million distinct
// codes is checked row by row).
const maxSeen = 4096

func (s *seenSpellings) add(m map[string]bool, v string) {
	if len(m) < maxSeen {
		m[v] = true
	}
}

// codingCols are the columns' positions in a codings file's rows (-1: the
// file has no such column), looked up once rather than per row.
type codingCols struct{ segment, code, coder, start, end, starred, memo int }

func colsOf(col map[string]int) codingCols {
	at := func(name string) int {
		if i, ok := col[name]; ok {
			return i
		}
		return -1
	}
	return codingCols{at("segment"), at("code"), at("coder"), at("start"), at("end"), at("starred"), at("memo")}
}

// parseCodingRow reads one row. A code or coder spelled as one seen
// before is known good.
func parseCodingRow(rec []string, cols codingCols, seen *seenSpellings) (codingRow, error) {
	get := func(i int) (string, bool) {
		if i < 0 {
			return "", false
		}
		return rec[i], true
	}
	var row codingRow
	row.segment, _ = get(cols.segment)
	row.code, _ = get(cols.code)
	row.coder, _ = get(cols.coder)
	row.segment, row.coder = strings.TrimSpace(row.segment), strings.TrimSpace(row.coder)
	row.mark = strings.TrimSpace(row.code) == ""
	switch {
	case row.segment == "":
		return row, errorf(ErrInvalidInput, "empty segment")
	case !row.mark && !seen.codes[row.code] && CleanPath(row.code) == "":
		return row, errorf(ErrInvalidInput, "code %q names no code", corpus.Excerpt(row.code))
	}
	if !seen.coders[row.coder] {
		if err := CheckCoderName(row.coder); err != nil {
			return row, err
		}
		seen.add(seen.coders, row.coder)
	}
	if row.mark {
		return row, checkMarkRow(rec, cols)
	}
	seen.add(seen.codes, row.code)
	start, _ := get(cols.start)
	end, _ := get(cols.end)
	start, end = strings.TrimSpace(start), strings.TrimSpace(end)
	if start != "" || end != "" {
		a, err1 := strconv.Atoi(start)
		b, err2 := strconv.Atoi(end)
		if err1 != nil || err2 != nil || a < 0 || b <= a {
			return row, errorf(ErrInvalidInput, "span start %q, end %q: need whole numbers with 0 ≤ start < end, or both empty", corpus.Excerpt(start), corpus.Excerpt(end))
		}
		row.span = Span{a, b}
	}
	if v, ok := get(cols.starred); ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "yes", "1", "y", "*":
			t := true
			row.starred = &t
		case "false", "no", "0", "n":
			f := false
			row.starred = &f
		case "":
		default:
			return row, errorf(ErrInvalidInput, "starred %q: use true or false", corpus.Excerpt(v))
		}
	}
	if v, ok := get(cols.memo); ok && v != "" {
		row.memo = &v
	}
	return row, nil
}

// checkMarkRow refuses a review-mark row (empty code) that carries a
// span, a star or a memo: a mark says only that nothing applies.
func checkMarkRow(rec []string, cols codingCols) error {
	for _, c := range []struct {
		name string
		at   int
	}{{"start", cols.start}, {"end", cols.end}, {"memo", cols.memo}} {
		if c.at >= 0 && strings.TrimSpace(rec[c.at]) != "" {
			return errorf(ErrInvalidInput, "an empty code marks the segment reviewed with nothing that applies: leave %s empty", c.name)
		}
	}
	if i := cols.starred; i >= 0 {
		switch strings.ToLower(strings.TrimSpace(rec[i])) {
		case "", "false", "no", "0", "n":
		default:
			return errorf(ErrInvalidInput, "an empty code marks the segment reviewed with nothing that applies: it cannot be starred")
		}
	}
	return nil
}

func csvError(file string, err error) error {
	var ie *corpus.InputError
	if errors.As(err, &ie) {
		return err // from reading the file (it grew past its cap): it names the file
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			msg = "unterminated or stray quote"
		}
		return errorf(ErrInvalidInput, "%s: line %d: %s", file, pe.StartLine, msg)
	}
	return fmt.Errorf("%s: %w", file, err)
}

// CodingRecord is a coding as exported: names instead of numbers. A
// record with an empty Code is a review mark (the coder reviewed the
// segment and nothing applies).
type CodingRecord struct {
	Segment string `json:"segment"` // ID, or source:ID where IDs clash
	Code    string `json:"code"`
	Coder   string `json:"coder"`
	Start   *int   `json:"start"` // nil for the whole segment
	End     *int   `json:"end"`
	Starred bool   `json:"starred"`
	Memo    string `json:"memo"`
}

// CSV returns the record as a row of CodingColumns.
func (c CodingRecord) CSV() []string {
	start, end := "", ""
	if c.Start != nil {
		start, end = strconv.Itoa(*c.Start), strconv.Itoa(*c.End)
	}
	return []string{c.Segment, c.Code, c.Coder, start, end, strconv.FormatBool(c.Starred), c.Memo}
}

// ExportCodings calls fn for every coding and review mark, in segment
// order; on a segment, the codings come first, then the marks (records
// with an empty Code).
func (s *Store) ExportCodings(fn func(CodingRecord) error) error {
	book := s.Codebook()
	return s.view(func(tx *bolt.Tx) error {
		names := newSourceNames(tx)
		segs, memos := tx.Bucket(bktSegments), tx.Bucket(bktMemos)
		var lastRef SegRef
		var lastID string
		segID := func(ref SegRef) (string, error) {
			if ref == lastRef && lastID != "" {
				return lastID, nil
			}
			rec, err := decodeSegment(segs.Get(u64(uint64(ref))))
			if err != nil {
				return "", fmt.Errorf("segment %d: %w", ref, err)
			}
			lastRef, lastID = ref, rec.id
			if len(refsNamed(tx, rec.id)) > 1 {
				lastID = names[rec.source] + ":" + rec.id
			}
			return lastID, nil
		}
		// Marks are walked beside the codings, both in segment order.
		var marks *bolt.Cursor
		var mk []byte
		if b := tx.Bucket(bktMarks); b != nil {
			marks = b.Cursor()
			mk, _ = marks.First()
		}
		marksBefore := func(limit SegRef, all bool) error {
			for ; mk != nil; mk, _ = marks.Next() {
				if len(mk) != markKeyLen {
					continue
				}
				seg, coder := parseMarkKey(mk)
				if !all && seg >= limit {
					return nil
				}
				id, err := segID(seg)
				if err != nil {
					return err
				}
				if err := fn(CodingRecord{Segment: id, Coder: s.coderName(tx, coder)}); err != nil {
					return err
				}
			}
			return nil
		}
		c := tx.Bucket(bktCodings).Cursor()
		var cur SegRef
		for k, v := c.First(); k != nil; k, v = c.Next() {
			key := parseCodingKey(k)
			if key.Seg != cur {
				// The marks of the segments before this one (the previous
				// segment's after its codings).
				if err := marksBefore(key.Seg, false); err != nil {
					return err
				}
				cur = key.Seg
			}
			id, err := segID(key.Seg)
			if err != nil {
				return err
			}
			code, _ := book.Code(key.Code)
			_, starred := decodeCodingValue(v)
			out := CodingRecord{Segment: id, Code: code.Path, Coder: s.coderName(tx, key.Coder),
				Starred: starred, Memo: string(memos.Get(k))}
			if !key.Span.Whole() {
				start, end := key.Span.Start, key.Span.End
				out.Start, out.End = &start, &end
			}
			if err := fn(out); err != nil {
				return err
			}
		}
		return marksBefore(0, true)
	})
}
