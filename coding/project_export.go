package coding

import (
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ProjectExport is a whole project as an exchange file (a REFI-QDA .qdpx)
// writes it, read in one transaction: what is stored, nothing derived.
// Consensus is its stored decisions only (coded under the coder
// `consensus`); what every reviewer agreed on is derived again from the
// coders' codings wherever the project is read.
type ProjectExport struct {
	Meta     Meta
	Codebook *Codebook
	Sources  []ExportSource
	Cases    []ExportCase
	Codings  []ExportCoding // in segment order
	Marks    []ExportMark   // in segment order
	Samples  []Sample       // by name, each with its Refs
	// Settled are the lead's recorded decisions (a "none" decision has
	// no coding to show for it), in segment order.
	Settled []ExportSettlement
	// Coders are the coders with codings or review marks, by name.
	Coders []string
	// Memos are the memos on segments, sources, cases and codes and the
	// journal's entries, by kind, target and author (a coding's memo is
	// its coding's Memo).
	Memos []ExportMemo
}

// ExportMemo is one author's memo on a segment, a source, a case or a
// code, or a journal entry (Kind MemoProject; Created is its id).
type ExportMemo struct {
	Kind    MemoKind
	Segment SegRef
	Source  SourceID
	Case    CaseID
	Code    CodeID
	Author  string
	Text    string
	Created time.Time
	Updated time.Time
}

// ExportSource is a source with its segments, in their order.
type ExportSource struct {
	Source
	Segments []ExportSegment
}

// ExportSegment is a segment as stored: its own attributes, not those it
// takes from its case and source.
type ExportSegment struct {
	Ref        SegRef
	ID         string
	Case       CaseID // 0: no case
	Text       string
	Attributes []Attribute
}

// ExportCase is a case with its attributes. A speaker named within a
// source has Source and Label set (its Name is "source:label").
type ExportCase struct {
	ID            CaseID
	Name          string
	Source, Label string
	Attributes    []Attribute
}

// ExportCoding is a coding with its coder's name, star, memo and time.
type ExportCoding struct {
	Seg     SegRef
	Code    CodeID
	Coder   string
	Span    Span
	Starred bool
	Memo    string
	Time    time.Time
}

// ExportSettlement is a recorded decision on a segment and an item (a
// code, or the group of a level).
type ExportSettlement struct {
	Seg  SegRef
	Code CodeID
	Settlement
}

// ExportMark is a review mark ("reviewed, nothing applies").
type ExportMark struct {
	Seg   SegRef
	Coder string
	Time  time.Time
}

// ExportProject reads the whole project for an exchange export.
func (s *Store) ExportProject() (*ProjectExport, error) {
	out := &ProjectExport{Meta: s.Meta(), Codebook: s.Codebook()}
	err := s.view(func(tx *bolt.Tx) error {
		book, err := readCodebook(tx)
		if err != nil {
			return err
		}
		out.Codebook = book
		in := newInterner(tx, nil)
		srcs, err := readSources(tx)
		if err != nil {
			return err
		}
		rs := recs(tx)
		texts := rs.texts()
		for _, src := range srcs {
			if err := src.decodeContext(); err != nil {
				return err
			}
			segs, err := rs.sourceSegments(&src)
			if err != nil {
				return err
			}
			es := ExportSource{Source: src, Segments: make([]ExportSegment, len(segs))}
			for i, seg := range segs {
				es.Segments[i] = ExportSegment{Ref: seg.ref, ID: seg.rec.id, Case: seg.rec.caseID,
					Text: string(texts.get(seg.ref)), Attributes: in.attrs(seg.rec.attrs)}
			}
			out.Sources = append(out.Sources, es)
		}
		var bad error
		rs.eachCase(func(id CaseID, v []byte) bool {
			r, err := decodeCase(v)
			if err != nil {
				bad = fmt.Errorf("case %d: %w", id, err)
				return false
			}
			c := ExportCase{ID: id, Name: CaseDisplay(r.name), Attributes: in.attrs(r.attrs)}
			if src, label, scoped := strings.Cut(r.name, "\x00"); scoped {
				c.Source, c.Label = src, label
			}
			out.Cases = append(out.Cases, c)
			return true
		})
		if bad != nil {
			return bad
		}
		coders := map[string]bool{}
		table := rs.codings()
		c := table.cursor()
		for row, val := c.first(); c.holds(row); row, val = c.next() {
			key := row.key()
			ms, starred := val.stamp()
			name := s.coderName(tx, key.Coder)
			coders[name] = true
			out.Codings = append(out.Codings, ExportCoding{Seg: key.Seg, Code: key.Code, Coder: name, Span: key.Span,
				Starred: starred, Memo: table.rowMemo(row), Time: time.UnixMilli(ms).UTC()})
		}
		_ = rs.eachMark(func(row storedMark) error {
			if !row.wellFormed() {
				return nil
			}
			name := s.coderName(tx, row.coder())
			coders[name] = true
			out.Marks = append(out.Marks, ExportMark{Seg: row.seg(), Coder: name, Time: time.UnixMilli(row.when()).UTC()})
			return nil
		})
		for name := range coders {
			out.Coders = append(out.Coders, name)
		}
		sort.Strings(out.Coders)
		err = rs.eachSettled(func(seg SegRef, code CodeID) error {
			st, ok, err := rs.settlement(seg, code)
			if ok {
				out.Settled = append(out.Settled, ExportSettlement{Seg: seg, Code: code, Settlement: st})
			}
			return err
		})
		if err != nil {
			return err
		}
		if err := s.exportMemos(tx, out); err != nil {
			return err
		}
		for _, name := range sampleNames(tx) {
			info, refs, err := readSample(tx, name)
			if err != nil {
				return err
			}
			sm, err := describeSample(tx, name, info, refs)
			if err != nil {
				return err
			}
			out.Samples = append(out.Samples, sm)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// exportMemos reads the memos on segments, sources, cases and codes and the
// journal, in key order.
func (s *Store) exportMemos(tx *bolt.Tx, out *ProjectExport) error {
	return recs(tx).memos().each(func(k, v []byte) error {
		kind, id, author, ok := parseMemoKey(k)
		if !ok {
			return errorf(errCorrupt, "a memo's key %x does not read", short(k))
		}
		rec, err := decodeMemo(v)
		if err != nil {
			return errorf(errCorrupt, "a memo (%x) does not read", short(k))
		}
		t := targetOf(kind, id)
		out.Memos = append(out.Memos, ExportMemo{Kind: t.Kind, Segment: t.Segment, Source: t.Source, Case: t.Case, Code: t.Code,
			Author: s.coderName(tx, author), Text: rec.text,
			Created: time.UnixMilli(rec.created).UTC(), Updated: time.UnixMilli(rec.updated).UTC()})
		return nil
	})
}
