package refi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"qcode/coding"
	"qcode/corpus/qdaxml"
)

// Origin is what qcode writes as a document's origin.
const Origin = "qcode"

// starNoteName names the note that marks starred codings.
const starNoteName = "Starred quotes"

// ErrEmptyCodebook is returned for a codebook export of a project with no
// codes: a QDA-XML codebook holds at least one.
var ErrEmptyCodebook = errors.New("the codebook has no codes: nothing to export")

// WriteQDC writes the project's codebook as a REFI-QDA .qdc: every code
// with its description (and inclusion and exclusion notes), colour and
// nesting. Codes are named by GUIDs derived from the project's id, the
// same in every export.
func WriteQDC(w io.Writer, book *coding.Codebook, meta coding.Meta) error {
	if book.Len() == 0 {
		return ErrEmptyCodebook
	}
	g := newGUIDs(meta.ID)
	cb := &qdaxml.Codebook{Origin: Origin, Codes: qdaxml.Codes{Code: coding.QDACodes(book, g.code)}}
	return qdaxml.WriteCodebook(w, cb)
}

// code is a code's GUID: by its id, so that a renamed or moved code keeps
// it.
func (g guids) code(c coding.Code) string { return g.of("code", strconv.FormatUint(uint64(c.ID), 10)) }

// Written says what WriteQDPX wrote.
type Written struct {
	Sources, Segments, Cases, Codes, Codings, Marks, Samples, Coders int
	// Memos counts the memos on sources, cases, codes and segments and the
	// journal's entries (a coding's memo goes with its coding).
	Memos int
	// Personal counts the e-mail addresses, phone numbers and people's
	// names found in the texts and memos (as qcode quotes finds them): a
	// .qdpx holds them as they are.
	Personal int
}

// WriteQDPX writes the whole project as a REFI-QDA .qdpx: project.qde,
// each source's text under sources/, and qcode.json. The same project
// gives the same bytes. Texts, names and memos are written as they are:
// the file is the project, for another tool, not a report.
func WriteQDPX(w io.Writer, px *coding.ProjectExport) (Written, error) {
	x := newExporter(px)
	p, files, side := x.build()
	var qde bytes.Buffer
	if err := qdaxml.WriteProject(&qde, p); err != nil {
		return Written{}, err
	}
	sj, err := json.Marshal(side)
	if err != nil {
		return Written{}, err
	}
	entries := append([]qdaxml.Entry{{Name: qdaxml.ProjectPart, Data: qde.Bytes()}}, files...)
	entries = append(entries, qdaxml.Entry{Name: SidecarName, Data: append(sj, '\n')})
	if err := qdaxml.WriteArchive(w, entries, px.Meta.Created); err != nil {
		return Written{}, err
	}
	return written(px), nil
}

// written counts what an export holds.
func written(px *coding.ProjectExport) Written {
	out := Written{Sources: len(px.Sources), Cases: len(px.Cases), Codes: px.Codebook.Len(), Codings: len(px.Codings),
		Marks: len(px.Marks), Samples: len(px.Samples), Coders: len(px.Coders), Memos: len(px.Memos)}
	var names []string
	for _, c := range px.Cases {
		if c.Label != "" {
			names = append(names, c.Label)
		} else {
			names = append(names, c.Name)
		}
	}
	for _, src := range px.Sources {
		for _, c := range src.Context {
			if c.Speaker != "" {
				names = append(names, c.Speaker)
			}
		}
	}
	scan := coding.NewPIIScanner(names)
	for _, src := range px.Sources {
		out.Segments += len(src.Segments)
		for _, seg := range src.Segments {
			out.Personal += len(scan.Scan(seg.Text))
		}
		for _, c := range src.Context {
			out.Personal += len(scan.Scan(c.Text))
		}
	}
	// Memos travel as written too.
	for _, m := range px.Memos {
		out.Personal += len(scan.Scan(m.Text))
	}
	for _, c := range px.Codings {
		if c.Memo != "" {
			out.Personal += len(scan.Scan(c.Memo))
		}
	}
	return out
}

// exporter builds a project document from a ProjectExport.
type exporter struct {
	px  *coding.ProjectExport
	g   guids
	at  map[coding.SegRef][2]int // segment → its source and place there
	sel map[coding.SegRef]string // segment → its selection's GUID
	// bySource lists, per source, the indexes of its codings.
	bySource map[coding.SourceID][]int
}

func newExporter(px *coding.ProjectExport) *exporter {
	x := &exporter{px: px, g: newGUIDs(px.Meta.ID), at: map[coding.SegRef][2]int{}, sel: map[coding.SegRef]string{}}
	for i, src := range px.Sources {
		for j, seg := range src.Segments {
			x.at[seg.Ref] = [2]int{i, j}
			x.sel[seg.Ref] = x.g.of("segment", src.Name, seg.ID)
		}
	}
	x.bySource = map[coding.SourceID][]int{}
	for i, c := range px.Codings {
		if at, ok := x.at[c.Seg]; ok {
			id := px.Sources[at[0]].ID
			x.bySource[id] = append(x.bySource[id], i)
		}
	}
	return x
}

func (x *exporter) user(name string) string { return x.g.of("user", name) }

// stamp writes a time as xsd:dateTime, to the millisecond.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)
}

func (x *exporter) build() (*qdaxml.Project, []qdaxml.Entry, *sidecar) {
	px := x.px
	p := &qdaxml.Project{Name: px.Meta.Name, Origin: Origin, CreationDateTime: stamp(px.Meta.Created)}
	side := &sidecar{Format: sidecarFormat, Version: sidecarVersion}
	if p.Name == "" {
		p.Name = "qcode project"
	}
	if us := users(px); len(us) > 0 {
		p.Users = &qdaxml.Users{}
		for _, c := range us {
			p.Users.User = append(p.Users.User, qdaxml.User{GUID: x.user(c), Name: c})
		}
	}
	memos := x.memoNotes()
	if px.Codebook.Len() > 0 {
		p.CodeBook = &qdaxml.CodeBook{Codes: qdaxml.Codes{Code: coding.QDACodes(px.Codebook, x.g.code)}}
		codeNoteRefs(p.CodeBook.Codes.Code, memos.code)
		for _, c := range px.Codebook.Codes() {
			if c.Key != "" || c.Group || c.Exclusive {
				side.Codes = append(side.Codes, sidecarCode{GUID: x.g.code(c), Key: c.Key, Group: c.Group, Exclusive: c.Exclusive})
			}
		}
	}
	var vars variableSet
	for _, c := range px.Cases {
		for _, a := range c.Attributes {
			vars.add(a.Name, a.Value)
		}
	}
	for _, src := range px.Sources {
		for _, a := range src.Attributes {
			vars.add(a.Name, a.Value)
		}
	}
	list, byName := vars.variables(x.g)
	if len(list) > 0 {
		p.Variables = &qdaxml.Variables{Variable: list}
	}
	values := func(attrs []coding.Attribute) []qdaxml.VariableValue {
		var out []qdaxml.VariableValue
		for _, a := range attrs {
			v := byName[a.Name]
			out = append(out, typedValue(v.GUID, v.Type, a.Value))
		}
		return out
	}
	x.cases(p, side, values, memos)
	notes, starNote := x.notes()
	var files []qdaxml.Entry
	p.Sources = &qdaxml.Sources{}
	for _, src := range px.Sources {
		ts, file, ss := x.source(src, notes, starNote, values, memos)
		p.Sources.Text = append(p.Sources.Text, ts)
		files = append(files, file)
		side.Sources = append(side.Sources, ss)
	}
	if len(p.Sources.Text) == 0 {
		p.Sources = nil
	}
	if len(notes.list) > 0 {
		side.StarNote = starNote
	}
	if all := append(notes.list, memos.list...); len(all) > 0 {
		p.Notes = &qdaxml.Notes{Note: all}
	}
	p.NoteRefs = memos.project
	x.sets(p, side)
	for _, st := range px.Settled {
		code, _ := px.Codebook.Code(st.Code)
		side.Settled = append(side.Settled, sidecarSettled{Segment: x.sel[st.Seg], Code: x.g.code(code), By: st.By, At: st.At,
			Decision: string(st.Kind), Coder: st.Coder, Audit: st.Audit})
	}
	return p, files, side
}

// cases writes every case with its variables and the selections of its
// segments; a speaker named within a source is noted in the sidecar.
func (x *exporter) cases(p *qdaxml.Project, side *sidecar, values func([]coding.Attribute) []qdaxml.VariableValue, memos memoNotes) {
	segs := map[coding.CaseID][]string{}
	for _, src := range x.px.Sources {
		for _, seg := range src.Segments {
			if seg.Case != 0 {
				segs[seg.Case] = append(segs[seg.Case], x.sel[seg.Ref])
			}
		}
	}
	if len(x.px.Cases) == 0 {
		return
	}
	p.Cases = &qdaxml.Cases{}
	for _, c := range x.px.Cases {
		guid := x.caseGUID(c)
		cm := memos.cases[c.ID]
		qc := qdaxml.Case{GUID: guid, Name: c.Name, Description: cm.description(), VariableValues: values(c.Attributes)}
		if cm != nil {
			for _, n := range cm.notes {
				side.CaseMemos = append(side.CaseMemos, sidecarCaseMemo{Note: n, Case: guid})
			}
		}
		for _, s := range segs[c.ID] {
			qc.SelectionRefs = append(qc.SelectionRefs, qdaxml.Ref{Target: s})
		}
		p.Cases.Case = append(p.Cases.Case, qc)
		if c.Label != "" {
			side.Cases = append(side.Cases, sidecarCase{GUID: guid, Source: c.Source, Label: c.Label})
		}
	}
}

func (x *exporter) caseGUID(c coding.ExportCase) string {
	if c.Label != "" {
		return x.g.of("case", c.Source, c.Label)
	}
	return x.g.of("case", c.Name)
}

// noteSet is the project's notes: a memo per coding that has one.
type noteSet struct {
	list []qdaxml.TextSource
	memo map[int]string // coding index → its memo's note
}

// notes makes a note of every coding's memo, and one note that starred
// codings refer to.
func (x *exporter) notes() (noteSet, string) {
	ns := noteSet{memo: map[int]string{}}
	star := ""
	for _, c := range x.px.Codings {
		if c.Starred {
			star = x.g.of("note", "starred")
			text := "Codings starred in qcode as quotes for the report."
			ns.list = append(ns.list, qdaxml.TextSource{GUID: star, Name: starNoteName, PlainTextContent: &text})
			break
		}
	}
	for i, c := range x.px.Codings {
		if c.Memo == "" {
			continue
		}
		guid := x.g.of("memo", x.codingGUID(c))
		code, _ := x.px.Codebook.Code(c.Code)
		memo := c.Memo
		ns.list = append(ns.list, qdaxml.TextSource{GUID: guid, Name: "Memo: " + code.Path, CreatingUser: x.user(c.Coder),
			CreationDateTime: stamp(c.Time), PlainTextContent: &memo})
		ns.memo[i] = guid
	}
	return ns, star
}

func (x *exporter) codingGUID(c coding.ExportCoding) string {
	at := x.at[c.Seg]
	src := x.px.Sources[at[0]]
	code, _ := x.px.Codebook.Code(c.Code)
	return x.g.of("coding", src.Name, src.Segments[at[1]].ID, x.g.code(code), c.Coder,
		strconv.Itoa(c.Span.Start), strconv.Itoa(c.Span.End))
}

// source writes a source: its text file, a selection per segment (with
// the codings of the whole segment), a selection per coded span.
func (x *exporter) source(src coding.ExportSource, notes noteSet, starNote string,
	values func([]coding.Attribute) []qdaxml.VariableValue, memos memoNotes) (qdaxml.TextSource, qdaxml.Entry, sidecarSource) {
	guid := x.g.of("source", src.Name)
	lay := layoutSource(src)
	ts := qdaxml.TextSource{GUID: guid, Name: src.Name, PlainTextPath: "internal://" + guid + ".txt",
		CreationDateTime: stamp(src.Imported), NoteRefs: memos.source[src.ID], VariableValues: values(src.Attributes)}
	ss := sidecarSource{GUID: guid, File: src.File, Format: src.Format, Hash: src.Hash}
	for i, c := range src.Context {
		cp := lay.context[i]
		ss.Context = append(ss.Context, sidecarContext{Kind: string(c.Kind), N: c.N, Speaker: c.Speaker, Start: cp.start, End: cp.end})
	}
	// The codings of each segment, whole and by span, in key order.
	whole := map[coding.SegRef][]int{}
	type spanKey struct {
		seg  coding.SegRef
		span coding.Span
	}
	spans := map[spanKey][]int{}
	segSpans := map[coding.SegRef][]coding.Span{} // each segment's spans, in key order
	for _, i := range x.bySource[src.ID] {
		c := x.px.Codings[i]
		if c.Span.Whole() {
			whole[c.Seg] = append(whole[c.Seg], i)
			continue
		}
		k := spanKey{c.Seg, c.Span}
		if _, ok := spans[k]; !ok {
			segSpans[c.Seg] = append(segSpans[c.Seg], c.Span)
		}
		spans[k] = append(spans[k], i)
	}
	codings := func(idx []int) []qdaxml.Coding {
		var out []qdaxml.Coding
		for _, i := range idx {
			c := x.px.Codings[i]
			code, _ := x.px.Codebook.Code(c.Code)
			qc := qdaxml.Coding{GUID: x.codingGUID(c), CreatingUser: x.user(c.Coder), CreationDateTime: stamp(c.Time),
				CodeRef: qdaxml.Ref{Target: x.g.code(code)}}
			if n, ok := notes.memo[i]; ok {
				qc.NoteRefs = append(qc.NoteRefs, qdaxml.Ref{Target: n})
			}
			if c.Starred {
				qc.NoteRefs = append(qc.NoteRefs, qdaxml.Ref{Target: starNote})
			}
			out = append(out, qc)
		}
		return out
	}
	for i, seg := range src.Segments {
		start := lay.segStart[i]
		end := start + runeCount(seg.Text)
		ts.Selections = append(ts.Selections, qdaxml.PlainTextSelection{GUID: x.sel[seg.Ref], Name: seg.ID,
			StartPosition: strconv.Itoa(start), EndPosition: strconv.Itoa(end), Codings: codings(whole[seg.Ref]),
			NoteRefs: memos.segment[seg.Ref]})
		sg := sidecarSegment{GUID: x.sel[seg.Ref]}
		for _, a := range seg.Attributes {
			sg.Attributes = append(sg.Attributes, [2]string{a.Name, a.Value})
		}
		ss.Segments = append(ss.Segments, sg)
		for _, sp := range sortedSpans(segSpans[seg.Ref]) {
			k := spanKey{seg.Ref, sp}
			ts.Selections = append(ts.Selections, qdaxml.PlainTextSelection{
				GUID:          x.g.of("span", src.Name, seg.ID, strconv.Itoa(k.span.Start), strconv.Itoa(k.span.End)),
				StartPosition: strconv.Itoa(start + k.span.Start), EndPosition: strconv.Itoa(start + k.span.End),
				Codings: codings(spans[k])})
		}
	}
	return ts, qdaxml.Entry{Name: "sources/" + guid + ".txt", Data: []byte(lay.text)}, ss
}

// sets writes samples and review marks as sets of the sources they touch
// (the standard's sets hold sources, not passages); the sidecar lists
// their segments.
func (x *exporter) sets(p *qdaxml.Project, side *sidecar) {
	var sets []qdaxml.Set
	members := func(refs []coding.SegRef) []qdaxml.Ref {
		in := map[int]bool{}
		for _, r := range refs {
			in[x.at[r][0]] = true
		}
		var out []qdaxml.Ref
		for i, src := range x.px.Sources {
			if in[i] {
				out = append(out, qdaxml.Ref{Target: x.g.of("source", src.Name)})
			}
		}
		return out
	}
	for _, sm := range x.px.Samples {
		desc := fmt.Sprintf("Double-coding sample %s: %s", sm.Name, segmentsText(len(sm.Refs)))
		if sm.Size != "" {
			desc += ", size " + sm.Size
		}
		if sm.Seed != nil {
			desc += ", seed " + strconv.FormatUint(*sm.Seed, 10)
		}
		if sm.By != "" {
			desc += ", made by " + sm.By
		}
		sets = append(sets, qdaxml.Set{GUID: x.g.of("sample", sm.Name), Name: "Sample " + sm.Name, Description: desc + ".",
			MemberSources: members(sm.Refs)})
		ss := sidecarSample{Name: sm.Name, By: sm.By, Created: sm.Created, Size: sm.Size, Seed: sm.Seed, Sources: sm.Sources, File: sm.File}
		for _, r := range sm.Refs {
			ss.Segments = append(ss.Segments, x.sel[r])
		}
		side.Samples = append(side.Samples, ss)
	}
	byCoder := map[string][]coding.SegRef{}
	var coders []string
	for _, m := range x.px.Marks {
		if _, ok := byCoder[m.Coder]; !ok {
			coders = append(coders, m.Coder)
		}
		byCoder[m.Coder] = append(byCoder[m.Coder], m.Seg)
		side.Marks = append(side.Marks, sidecarMark{Segment: x.sel[m.Seg], Coder: m.Coder, Time: m.Time})
	}
	for _, c := range coders {
		refs := byCoder[c]
		sets = append(sets, qdaxml.Set{GUID: x.g.of("marks", c), Name: "Reviewed, nothing applies: " + c,
			Description: fmt.Sprintf("%s %s read and found no code for.", segmentsText(len(refs)), c), MemberSources: members(refs)})
	}
	if len(sets) > 0 {
		p.Sets = &qdaxml.Sets{Set: sets}
	}
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// sortedSpans orders a segment's spans by start, then end.
func sortedSpans(spans []coding.Span) []coding.Span {
	slices.SortFunc(spans, func(a, b coding.Span) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	return spans
}

func segmentsText(n int) string {
	if n == 1 {
		return "1 segment"
	}
	return strconv.Itoa(n) + " segments"
}
