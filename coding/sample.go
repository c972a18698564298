package coding

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"qcode/coding/agreement"
	"qcode/corpus"
)

// A sample is a named set of segments chosen for double coding: the
// segments two or more coders are meant to compare. `agree --sample NAME`
// computes agreement on exactly its segments, and the coding screen can
// list only them.
//
//	samples: name → format(1) | description (JSON) | n | n deltas of SegRef
//
// The segments are stored as a sorted list of refs, delta- and
// varint-encoded, in the sample's one record: a sample is one journaled
// record change, however large (10 % of 1,000,000 segments take about
// 100 KB). Came with schema 2.
//
// A random sample is drawn so that the same seed on the same project gives
// the same segments, whatever the order of maps or the machine:
//
//  1. The population is the segments of the named sources (every source
//     when none is named), grouped by source; sources in byte order of
//     their names, segments in their order within the source.
//  2. Its size is N, or P % of the population rounded half up; at least 1,
//     at most the population.
//  3. The size is shared among the sources in proportion to their segments
//     by largest remainders (Hamilton): each source gets ⌊size × n_s / n⌋,
//     and the segments left over go one each to the sources with the
//     largest remainders (size × n_s mod n), ties to the earlier source.
//  4. Within a source, a partial Fisher–Yates shuffle of its positions
//     takes the source's share: for i = 0 … k−1, swap position i with
//     i + u(n_s − i), where u(m) draws from SplitMix64 seeded with
//     seed XOR FNV-1a-64(source name), rejecting draws ≥ 2⁶⁴ − (2⁶⁴ mod m)
//     and taking the rest mod m (no bias). The first k positions are the
//     source's sample.
//
// The generator and its use are written out here rather than taken from
// math/rand, whose outputs for a seed may change between Go releases.

// SampleSpec says how to make a sample.
type SampleSpec struct {
	Name string
	// Size is "N" (segments) or "P%" (of the population) for a random
	// sample; Seed makes it reproducible.
	Size string
	Seed uint64
	// Segments are segment IDs (source:ID where IDs clash) for a sample
	// chosen elsewhere; File names where they came from (for the record).
	Segments []SegmentLine
	File     string
	// Sources limit the population (random) or qualify the IDs (listed);
	// empty: every source.
	Sources []string
	// Replace lets a sample of the same name be replaced.
	Replace bool
}

// SegmentLine is a segment ID read from a list, with its line for errors.
type SegmentLine struct {
	Line int
	ID   string
}

// Sample is a stored double-coding sample.
type Sample struct {
	Name     string         `json:"name"`
	Segments int            `json:"segments"`
	BySource map[string]int `json:"by_source"` // segments per source
	Size     string         `json:"size,omitempty"`
	Seed     *uint64        `json:"seed,omitempty"`
	Sources  []string       `json:"sources,omitempty"` // the population, when limited
	File     string         `json:"file,omitempty"`    // where a listed sample came from
	By       string         `json:"by"`
	Created  time.Time      `json:"created"`
	// Reviewed counts, per coder with codings or marks, the sample's
	// segments that coder reviewed (Samples fills it).
	Reviewed map[string]int `json:"reviewed"`
	Refs     []SegRef       `json:"-"`
}

// SampleResult says what making a sample did.
type SampleResult struct {
	ActionResult
	Sample   Sample
	Replaced bool // a sample of that name was replaced
}

type sampleInfo struct {
	By      string   `json:"by"`
	At      int64    `json:"at"` // unix milliseconds
	Size    string   `json:"size,omitempty"`
	Seed    *uint64  `json:"seed,omitempty"`
	Sources []string `json:"sources,omitempty"`
	File    string   `json:"file,omitempty"`
}

func encodeSample(info sampleInfo, refs []SegRef) []byte {
	j, _ := json.Marshal(info)
	w := make(wbuf, 0, len(j)+16+3*len(refs))
	w.byte(1)
	w.bytes(j)
	w.uvarint(uint64(len(refs)))
	var last SegRef
	for _, r := range refs {
		w.uvarint(uint64(r - last))
		last = r
	}
	return w
}

func decodeSample(b []byte) (sampleInfo, []SegRef, error) {
	var info sampleInfo
	r := rbuf{b: b}
	if r.byte() != 1 {
		return info, nil, errCorrupt
	}
	j := r.bytes()
	n := r.uvarint()
	if r.err != nil || n > uint64(len(b)) || json.Unmarshal(j, &info) != nil {
		return info, nil, errCorrupt
	}
	refs := make([]SegRef, n)
	var last SegRef
	for i := range refs {
		d := r.uvarint()
		if i > 0 && d == 0 {
			return info, nil, errCorrupt // refs are strictly increasing
		}
		last += SegRef(d)
		refs[i] = last
	}
	if r.err != nil || len(r.b) != 0 {
		return info, nil, errCorrupt
	}
	return info, refs, nil
}

// CheckSampleName tells whether name can name a sample: not empty, at most
// 100 characters, no control characters or surrounding spaces.
func CheckSampleName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errorf(ErrInvalidInput, "a sample needs a name")
	case utf8.RuneCountInString(name) > 100, !utf8.ValidString(name),
		strings.IndexFunc(name, unicode.IsControl) >= 0, name != strings.TrimSpace(name):
		return errorf(ErrInvalidInput, "sample name %q: at most 100 characters, no control characters or surrounding spaces", corpus.Excerpt(name))
	}
	return nil
}

// ParseSampleSize reads a sample size: N segments, or P% of the population
// (0 < P ≤ 100).
func ParseSampleSize(v string) (n int, percent float64, err error) {
	v = strings.TrimSpace(v)
	if p, ok := strings.CutSuffix(v, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(f > 0 && f <= 100) {
			return 0, 0, errorf(ErrInvalidInput, "size %q: write N segments or P%% with 0 < P ≤ 100", corpus.Excerpt(v))
		}
		return 0, f, nil
	}
	n, err = strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, 0, errorf(ErrInvalidInput, "size %q: write N segments (at least 1) or P%%", corpus.Excerpt(v))
	}
	return n, 0, nil
}

// CreateSample stores a sample, as one undoable action of actor: random
// (spec.Size and spec.Seed, stratified by source) or listed (spec.Segments).
// A name already taken is refused unless spec.Replace.
func (s *Store) CreateSample(actor string, spec SampleSpec) (SampleResult, error) {
	var out SampleResult
	if err := CheckSampleName(spec.Name); err != nil {
		return out, err
	}
	listed := spec.Segments != nil
	if listed == (spec.Size != "") {
		return out, errorf(ErrInvalidInput, "a sample is either random (a size and a seed) or a list of segments")
	}
	n, percent := 0, 0.0
	if !listed {
		var err error
		if n, percent, err = ParseSampleSize(spec.Size); err != nil {
			return out, err
		}
	}
	desc := "sample " + spec.Name
	res, err := s.act(actor, desc, func(a *action) error {
		old := recs(a.tx).sampleValue(spec.Name)
		if old != nil && !spec.Replace {
			return errorf(ErrConflict, "a sample named %q exists; choose another name, or replace it", corpus.Excerpt(spec.Name))
		}
		out.Replaced = old != nil
		info := sampleInfo{By: actor, At: time.Now().UnixMilli(), Sources: spec.Sources}
		var refs []SegRef
		var err error
		if listed {
			info.File = spec.File
			refs, err = listedSample(a.tx, spec.Segments, spec.Sources, spec.File)
		} else {
			seed := spec.Seed
			info.Size, info.Seed = strings.TrimSpace(spec.Size), &seed
			refs, err = randomSample(a.tx, spec.Sources, n, percent, spec.Seed)
		}
		if err != nil {
			return err
		}
		if len(refs) == 0 {
			return errorf(ErrInvalidInput, "the sample would have no segments")
		}
		out.Sample, err = describeSample(a.tx, spec.Name, info, refs)
		if err != nil {
			return err
		}
		return a.putSample(spec.Name, encodeSample(info, refs))
	})
	out.ActionResult = res
	if err == nil && out.Replaced {
		out.Desc = "replace sample " + spec.Name
	}
	return out, err
}

// DeleteSample removes a sample (not its segments or codings), as one
// undoable action of actor.
func (s *Store) DeleteSample(actor, name string) (ActionResult, error) {
	return s.act(actor, "delete sample "+name, func(a *action) error {
		if recs(a.tx).sampleValue(name) == nil {
			return noSample(a.tx, name)
		}
		return a.putSample(name, nil)
	})
}

func noSample(tx *bolt.Tx, name string) error {
	names := sampleNames(tx)
	return errorf(ErrNotFound, "no sample %q (samples: %s)", corpus.Excerpt(name), listOrNone(names))
}

func sampleNames(tx *bolt.Tx) []string {
	var names []string
	_ = recs(tx).eachSample(func(name string, _ []byte) error {
		names = append(names, name)
		return nil
	})
	return names
}

// readSample returns a sample's segments.
func readSample(tx *bolt.Tx, name string) (sampleInfo, []SegRef, error) {
	v := recs(tx).sampleValue(name)
	if v == nil {
		return sampleInfo{}, nil, noSample(tx, name)
	}
	info, refs, err := decodeSample(v)
	if err != nil {
		return info, nil, fmt.Errorf("sample %q: %w", name, err)
	}
	return info, refs, nil
}

// sampleBits is a sample's segments as a bitset over refs.
func sampleBits(tx *bolt.Tx, name string, size int) (agreement.Bitset, error) {
	_, refs, err := readSample(tx, name)
	if err != nil {
		return nil, err
	}
	set := agreement.NewBitset(size)
	for _, r := range refs {
		if int(r) < size {
			set.Set(int(r))
		}
	}
	return set, nil
}

// describeSample counts a sample's segments per source.
func describeSample(tx *bolt.Tx, name string, info sampleInfo, refs []SegRef) (Sample, error) {
	out := Sample{Name: name, Segments: len(refs), BySource: map[string]int{}, Size: info.Size, Seed: info.Seed,
		Sources: info.Sources, File: info.File, By: info.By, Created: time.UnixMilli(info.At).UTC(), Refs: refs}
	names := newSourceNames(tx)
	rs := recs(tx)
	for _, r := range refs {
		rec, err := rs.segment(r)
		if err != nil {
			return out, fmt.Errorf("sample %q: segment %d: %w", name, r, err)
		}
		out.BySource[names[rec.source]]++
	}
	return out, nil
}

// Samples lists the project's samples by name, each with its size, its
// segments per source, and how many of them each coder has reviewed.
func (s *Store) Samples() ([]Sample, error) {
	out := []Sample{}
	err := s.view(func(tx *bolt.Tx) error {
		size := int(recs(tx).maxSegment()) + 1
		reviewed := map[string]agreement.Bitset{}
		for _, name := range s.activeCoders(tx) {
			id, _ := s.coderID(tx, name)
			set := agreement.NewBitset(size)
			reviewedBits(tx, id, set)
			reviewed[name] = set
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
			sm.Reviewed = map[string]int{}
			for coder, set := range reviewed {
				n := 0
				for _, r := range refs {
					if set.Has(int(r)) {
						n++
					}
				}
				sm.Reviewed[coder] = n
			}
			out = append(out, sm)
		}
		return nil
	})
	return out, err
}

// Sample returns one sample, its segments (Refs) included.
func (s *Store) Sample(name string) (Sample, error) {
	var out Sample
	err := s.view(func(tx *bolt.Tx) error {
		info, refs, err := readSample(tx, name)
		if err != nil {
			return err
		}
		out, err = describeSample(tx, name, info, refs)
		return err
	})
	return out, err
}

// SampleList lists the samples by name with their sizes and how they were
// made, without reading their segments (for pickers).
func (s *Store) SampleList() ([]Sample, error) {
	out := []Sample{}
	err := s.view(func(tx *bolt.Tx) error {
		for _, name := range sampleNames(tx) {
			info, refs, err := readSample(tx, name)
			if err != nil {
				return err
			}
			out = append(out, Sample{Name: name, Segments: len(refs), Size: info.Size, Seed: info.Seed, Sources: info.Sources,
				File: info.File, By: info.By, Created: time.UnixMilli(info.At).UTC()})
		}
		return nil
	})
	return out, err
}

// population lists the segments of the named sources (every source when
// none), source by source in name order, each in its order in the source.
func population(tx *bolt.Tx, sources []string) ([]string, [][]SegRef, error) {
	all, err := readSources(tx)
	if err != nil {
		return nil, nil, err
	}
	var chosen []Source
	if len(sources) == 0 {
		chosen = all
	} else {
		for _, name := range sources {
			src, err := findSource(tx, name)
			if err != nil {
				return nil, nil, err
			}
			if !slices.ContainsFunc(chosen, func(c Source) bool { return c.ID == src.ID }) {
				chosen = append(chosen, src)
			}
		}
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i].Name < chosen[j].Name })
	names := make([]string, len(chosen))
	groups := make([][]SegRef, len(chosen))
	for i, src := range chosen {
		segs, err := recs(tx).sourceSegments(&src)
		if err != nil {
			return nil, nil, err
		}
		sort.SliceStable(segs, func(a, b int) bool { return segs[a].rec.ordinal < segs[b].rec.ordinal })
		names[i] = src.Name
		for _, seg := range segs {
			groups[i] = append(groups[i], seg.ref)
		}
	}
	return names, groups, nil
}

// randomSample draws n segments (or percent of the population) from the
// named sources, stratified by source (see the algorithm above).
func randomSample(tx *bolt.Tx, sources []string, n int, percent float64, seed uint64) ([]SegRef, error) {
	names, groups, err := population(tx, sources)
	if err != nil {
		return nil, err
	}
	sizes := make([]int, len(groups))
	total := 0
	for i, g := range groups {
		sizes[i] = len(g)
		total += len(g)
	}
	if total == 0 {
		return nil, errorf(ErrInvalidInput, "no segments to sample from")
	}
	if percent > 0 {
		n = int(math.Floor(percent*float64(total)/100 + 0.5))
		if n < 1 {
			n = 1
		}
	}
	if n > total {
		return nil, errorf(ErrInvalidInput, "a sample of %d segments from %d: the population is smaller", n, total)
	}
	shares := allocate(n, sizes)
	var out []SegRef
	for i, g := range groups {
		for _, pos := range choose(len(g), shares[i], seed^fnv1a(names[i])) {
			out = append(out, g[pos])
		}
	}
	slices.Sort(out)
	return out, nil
}

// allocate shares n among groups of the given sizes in proportion, by
// largest remainders; ties go to the earlier group.
func allocate(n int, sizes []int) []int {
	total := 0
	for _, s := range sizes {
		total += s
	}
	out := make([]int, len(sizes))
	if total == 0 {
		return out
	}
	left := n
	rem := make([]int, len(sizes))
	for i, s := range sizes {
		p := uint64(n) * uint64(s) // exact: no float rounding decides a share
		out[i] = int(p / uint64(total))
		rem[i] = int(p % uint64(total))
		left -= out[i]
	}
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rem[order[a]] > rem[order[b]] })
	for _, i := range order[:left] {
		out[i]++
	}
	return out
}

// choose picks k of the positions 0 … n−1 by a partial Fisher–Yates
// shuffle driven by SplitMix64 from seed, returned in ascending order.
func choose(n, k int, seed uint64) []int {
	pos := make([]int, n)
	for i := range pos {
		pos[i] = i
	}
	g := splitMix64(seed)
	for i := 0; i < k; i++ {
		j := i + int(g.uniform(uint64(n-i)))
		pos[i], pos[j] = pos[j], pos[i]
	}
	out := pos[:k]
	slices.Sort(out)
	return out
}

// splitMix64 is Steele, Lea and Flood's SplitMix64 (2014), as in Vigna's
// reference code.
type splitMix64 uint64

func (s *splitMix64) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// uniform draws from 0 … m−1 without bias (rejection of the last partial
// block of 2⁶⁴).
func (s *splitMix64) uniform(m uint64) uint64 {
	limit := math.MaxUint64 - (math.MaxUint64%m+1)%m // the last value of the last whole block
	for {
		if x := s.next(); x <= limit {
			return x % m
		}
	}
}

// fnv1a is FNV-1a, 64 bits, of a string.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// ResolveList finds the segments of a list read by ReadSegmentList (file
// names the list in errors), in project order, each once.
func (s *Store) ResolveList(lines []SegmentLine, file string) ([]SegRef, error) {
	var out []SegRef
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = listedSample(tx, lines, nil, file)
		return err
	})
	return out, err
}

// listedSample resolves a list of segment IDs; with sources named, an ID
// is looked up within them (a clash across other sources does not matter).
func listedSample(tx *bolt.Tx, lines []SegmentLine, sources []string, file string) ([]SegRef, error) {
	names := newSourceNames(tx)
	var within map[SourceID]bool
	if len(sources) > 0 {
		within = map[SourceID]bool{}
		for _, name := range sources {
			src, err := findSource(tx, name)
			if err != nil {
				return nil, err
			}
			within[src.ID] = true
		}
	}
	where := func(l SegmentLine) string {
		if file == "" {
			return fmt.Sprintf("segment %d of the list", l.Line)
		}
		return fmt.Sprintf("%s: line %d", file, l.Line)
	}
	rs := recs(tx)
	seen := map[SegRef]bool{}
	var out []SegRef
	for _, l := range lines {
		var ref SegRef
		var err error
		if within == nil {
			ref, err = resolveSegment(tx, names, l.ID)
		} else {
			err = errorf(ErrNotFound, "no segment %q in %s", corpus.Excerpt(l.ID), strings.Join(sources, ", "))
			id := l.ID
			if i := strings.IndexByte(id, ':'); i > 0 && len(refsNamed(tx, id)) == 0 {
				id = id[i+1:]
			}
			for _, r := range refsNamed(tx, id) {
				rec, derr := rs.segment(r)
				if derr == nil && within[rec.source] {
					ref, err = r, nil
					break
				}
			}
		}
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, errorf(ErrNotFound, "%s: unknown segment %q", where(l), corpus.Excerpt(l.ID))
			}
			return nil, fmt.Errorf("%s: %w", where(l), err)
		}
		if !seen[ref] {
			seen[ref] = true
			out = append(out, ref)
		}
	}
	slices.Sort(out)
	return out, nil
}

// ReadSegmentList reads segment IDs for a listed sample, before the project
// is opened: one ID a line (blank lines and lines starting with # are
// skipped), or a CSV whose header names a column "segment" or "id" (as
// `qcode segments --format csv` and `codings export` write; an ID a
// listing quoted as a spreadsheet cell, '=A1, reads as =A1).
func ReadSegmentList(name string, r io.Reader) ([]SegmentLine, error) {
	file := filepath.Base(name)
	br := bufio.NewReader(r)
	head, _ := br.Peek(4096)
	first := strings.ToLower(strings.TrimPrefix(string(head), "\ufeff"))
	if i := strings.IndexAny(first, "\r\n"); i >= 0 {
		first = first[:i]
	}
	if col := listColumn(first); col >= 0 {
		return readSegmentCSV(file, br, col)
	}
	var out []SegmentLine
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		id := strings.TrimSpace(sc.Text())
		if line == 1 {
			id = strings.TrimPrefix(id, "\ufeff")
		}
		if id == "" || strings.HasPrefix(id, "#") {
			continue
		}
		out = append(out, SegmentLine{Line: line, ID: id})
	}
	if err := sc.Err(); err != nil {
		var ie *corpus.InputError
		if errors.As(err, &ie) {
			return nil, err
		}
		return nil, errorf(ErrInvalidInput, "%s: %v", file, err)
	}
	if len(out) == 0 {
		return nil, errorf(ErrInvalidInput, "%s: no segment IDs", file)
	}
	return out, nil
}

// listColumn finds the segment column in a CSV header line (-1: not CSV).
func listColumn(header string) int {
	if !strings.Contains(header, ",") {
		return -1
	}
	rec, err := csv.NewReader(strings.NewReader(header)).Read()
	if err != nil {
		return -1
	}
	for _, want := range []string{"segment", "id"} {
		for i, h := range rec {
			if strings.TrimSpace(h) == want {
				return i
			}
		}
	}
	return -1
}

func readSegmentCSV(file string, r io.Reader, col int) ([]SegmentLine, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	if _, err := cr.Read(); err != nil {
		return nil, csvError(file, err)
	}
	var out []SegmentLine
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if col >= len(rec) {
			return nil, errorf(ErrInvalidInput, "%s: line %d: no segment column", file, line)
		}
		// A listing's CSV quotes an ID that starts like a formula
		// ('=A1): the ID is what follows.
		if id := corpus.FromSpreadsheetCell(strings.TrimSpace(rec[col])); id != "" {
			out = append(out, SegmentLine{Line: line, ID: id})
		}
	}
	if len(out) == 0 {
		return nil, errorf(ErrInvalidInput, "%s: no segment IDs", file)
	}
	return out, nil
}

// checkSampleSegments refuses to bring back a sample (undo or redo) whose
// segments were removed since.
func (a *action) checkSampleSegments(value []byte) error {
	_, refs, err := decodeSample(value)
	if err != nil {
		return errorf(errCorrupt, "a sample in the journal does not read")
	}
	rs := recs(a.tx)
	for _, r := range refs {
		if !rs.hasSegment(r) {
			return errorf(ErrConflict, "a sample's segments were removed by a later action (an undone import); redo that first")
		}
	}
	return nil
}

// samplesWith lists the samples that hold any of refs (sorted), for the
// check that a source being removed is in no sample.
func samplesWith(tx *bolt.Tx, refs []uint64) ([]string, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	in := map[SegRef]bool{}
	for _, r := range refs {
		in[SegRef(r)] = true
	}
	var out []string
	err := recs(tx).eachSample(func(k string, v []byte) error {
		_, members, err := decodeSample(v)
		if err != nil {
			return fmt.Errorf("sample %q: %w", k, err)
		}
		for _, r := range members {
			if in[r] {
				out = append(out, string(k))
				break
			}
		}
		return nil
	})
	return out, err
}
