package coding

import (
	"encoding/binary"
	"math/bits"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// MissingValue labels the crosstab column of segments that have no value for
// the --by attribute, so that columns always add up to the whole.
const MissingValue = "(missing)"

// ReportQuery says what a frequency report counts. The zero value counts
// every code over every segment, by any coder, in cases.
type ReportQuery struct {
	Codes string // a code path: that code and its descendants; "" every code
	By    string // attribute to cross-tabulate by; "" none
	Unit  string // attribute whose distinct values are counted instead of cases; "" cases
	// Coders whose codings count; nil: any coder. []string{Consensus}
	// counts the team's final coding (see consensus.go).
	Coders []string
	Source string // only segments of this source (by name); "" every source
	// Where: only segments that meet every condition (`--where`); totals
	// and percentages are of those.
	Where []AttrCondition

	// Examples picks one example quote per code: a starred coding first,
	// else the first coding in project order (the study's Table 2 shape).
	Examples    bool
	Attribution string // template for the examples' attributions ("" DefaultAttribution)
	Redact      bool   // replace personal details found in examples with [email], [phone], [name]
}

// Report is a theme frequency table: per code, how many segments and cases
// (or units) carry it, with an optional crosstab by an attribute. Its JSON
// form is the `qcode report --format json` contract of DESIGN.md.
type Report struct {
	SegmentsTotal int         `json:"segments_total"` // segments in scope
	CasesTotal    int         `json:"cases_total"`    // cases (or units) with at least one segment in scope
	Codes         []ReportRow `json:"codes"`          // every code in scope, tree order

	// SegmentsCoded and CasesCoded count the segments and cases (units) in
	// scope with at least one counted coding of a code in scope.
	SegmentsCoded int `json:"segments_coded"`
	CasesCoded    int `json:"cases_coded"`

	Unit   string          `json:"unit"`             // "case", or the --unit attribute counted instead
	Source string          `json:"source,omitempty"` // the --source scope
	Where  []AttrCondition `json:"where,omitempty"`  // the --where conditions
	Coders []string        `json:"coders"`           // coders counted; null: any coder
	// By is the crosstab attribute; Columns are its values in display order,
	// each with the segments and cases in scope that have it.
	By      string         `json:"by_attribute,omitempty"`
	Columns []ReportColumn `json:"by_totals,omitempty"`
	// WithoutUnit counts segments in scope that lack the --unit attribute:
	// they count as segments but not as units.
	WithoutUnit int `json:"segments_without_unit,omitempty"`
	// Prompts counts the interviewer's turns in scope: context for the
	// answers, neither segments nor cases, so counted in no total.
	Prompts int `json:"prompts,omitempty"`

	// Consensus says, when the report counts consensus, whose work it
	// compares and how many disagreements in scope are not yet settled.
	Consensus *ConsensusSummary `json:"consensus,omitempty"`

	// Warnings lists personal details found in the examples.
	Warnings []PIIHit `json:"-"`
}

// ReportRow is one code's line of a report. A parent's counts include its
// descendants'; a segment counts once per code however often it was coded.
type ReportRow struct {
	Code         CodeID                `json:"-"`
	Path         string                `json:"path"`
	Segments     int                   `json:"segments"`
	Cases        int                   `json:"cases"`
	PercentCases float64               `json:"percent_cases"` // of CasesTotal
	By           map[string]ReportCell `json:"by,omitempty"`  // per value of the By attribute
	Name         string                `json:"name"`
	Depth        int                   `json:"depth"` // 0 for a theme
	Example      *Quote                `json:"example,omitempty"`
}

// ReportCell is one crosstab cell: the code among segments with one value of
// the By attribute. PercentCases is the column percent: of the cases that
// have a segment with that value.
type ReportCell struct {
	Segments     int     `json:"segments"`
	Cases        int     `json:"cases"`
	PercentCases float64 `json:"percent_cases"`
}

// ReportColumn is one value of the By attribute with its totals in scope.
type ReportColumn struct {
	Value    string `json:"value"`
	Segments int    `json:"segments"`
	Cases    int    `json:"cases"`
}

// Report counts codes as q says, from the indexes: one walk of the bycode
// index per code and one pass over the compact segment records for case
// and attribute ids. It never reads a segment's text (except for examples).
func (s *Store) Report(q ReportQuery) (Report, error) {
	if err := s.CheckWhere(q.Where); err != nil {
		return Report{}, err
	}
	out, err := s.report(q)
	if err != nil {
		return out, err
	}
	// Every segment lacking the attribute may mean a typo: say so, with the
	// attributes the project has, unless the name exists elsewhere.
	byMissing := q.By != "" && len(out.Columns) == 1 && out.Columns[0].Value == MissingValue
	unitMissing := q.Unit != "" && out.SegmentsTotal > 0 && out.WithoutUnit == out.SegmentsTotal
	for _, c := range []struct {
		missing bool
		name    string
	}{{byMissing, q.By}, {unitMissing, q.Unit}} {
		if c.missing {
			if err := s.checkAttribute(c.name); err != nil {
				return Report{}, err
			}
		}
	}
	return out, nil
}

func (s *Store) report(q ReportQuery) (Report, error) {
	book := s.Codebook()
	ids, err := book.Match(q.Codes)
	if err != nil {
		return Report{}, err
	}
	out := Report{Unit: "case", Source: q.Source, Coders: q.Coders, By: q.By, Where: q.Where}
	if q.Unit != "" {
		out.Unit = q.Unit
	}
	consensus, err := isConsensus(q.Coders)
	if err != nil {
		return Report{}, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		var allowed []bool
		if !consensus {
			if allowed, err = s.allowedCoders(tx, q.Coders); err != nil {
				return err
			}
		}
		sc, err := scanSegments(tx, q.Source, q.Unit, q.By, newWhereMatcher(tx, q.Where))
		if err != nil {
			return err
		}
		out.SegmentsTotal, out.CasesTotal, out.WithoutUnit = sc.segments, sc.units, sc.withoutUnit
		if out.Prompts, err = countPrompts(tx, q.Source, sc.sources); err != nil {
			return err
		}
		if q.Unit != "" {
			out.Unit = sc.unitName
		}
		out.By = sc.byName
		for i, v := range sc.colNames {
			out.Columns = append(out.Columns, ReportColumn{Value: v, Segments: sc.colSegments[i], Cases: sc.colUnits[i]})
		}
		var sets map[CodeID]refSet
		var ex map[CodeID]example
		if consensus {
			v, err := s.consensusView(tx, book, ids)
			if err != nil {
				return err
			}
			sets = v.codeSets(ids, sc.scope)
			if q.Examples {
				ex = v.examples(tx, ids, sc.scope)
			}
			sum := v.summary(sc.scope)
			out.Consensus = &sum
		} else {
			sets, ex = codeSets(tx, book, ids, sc.scope, allowed, q.Examples)
		}
		out.Codes = sc.count(book, ids, sets)
		out.SegmentsCoded, out.CasesCoded = sc.coded(book, ids, sets)
		if q.Examples {
			m, err := s.newQuoteMaker(tx, q.Attribution, false, q.Redact)
			if err != nil {
				return err
			}
			for i := range out.Codes {
				if k, ok := ex[out.Codes[i].Code]; ok {
					keys := k.keys
					if keys == nil {
						keys = []CodingKey{CodingKey(k.key)}
					}
					quote, err := m.make(k.key.Code, k.key.Seg, k.key.Span, k.starred, keys)
					if err != nil {
						return err
					}
					out.Codes[i].Example = &quote
				}
			}
			out.Warnings = m.hits
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	return out, nil
}

// countPrompts counts the interviewer turns of one source (by name) or of
// every source; with in (a --where scope), of the sources with a segment
// in it.
func countPrompts(tx *bolt.Tx, source string, in map[SourceID]bool) (int, error) {
	srcs, err := readSources(tx)
	n := 0
	for _, src := range srcs {
		if (source == "" || src.Name == source) && (in == nil || in[src.ID]) {
			n += src.Prompts
		}
	}
	return n, err
}

// allowedCoders turns coder names into a lookup table by CoderID; nil
// means any coder. Consensus is not a coder to look up: it is derived
// (consensusView).
func (s *Store) allowedCoders(tx *bolt.Tx, names []string) ([]bool, error) {
	ids, err := s.coderIDs(tx, names)
	if err != nil {
		return nil, err
	}
	if ids == nil {
		return nil, nil
	}
	allowed := make([]bool, recs(tx).maxCoder()+1)
	for _, id := range ids {
		if int(id) < len(allowed) {
			allowed[id] = true
		}
	}
	return allowed, nil
}

// segmentScan is what one pass over the segment records learns: which
// segments are in scope, the unit (case or attribute value) and crosstab
// column of each, and the totals.
type segmentScan struct {
	scope refSet
	unit  []int32 // per SegRef: unit index; -1 none
	col   []int32 // per SegRef: column index (0 without By)

	nUnits      int
	segments    int // in scope
	units       int // distinct units in scope
	withoutUnit int

	colNames    []string
	colSegments []int
	colUnits    []int

	// unitName and byName are the --unit and --by attributes as stored
	// (their first spelling), whatever case they were asked in.
	unitName, byName string

	// sources are the sources with a segment in scope, kept only under
	// --where conditions (nil: every source of the scope).
	sources map[SourceID]bool
}

// attrResolver finds an attribute's interned value for a segment without
// decoding more than it needs: segment pairs first, then the case's, then
// the source's, each case and source looked up once.
type attrResolver struct {
	names   nameIDs // the ids of the name's spellings (any case)
	first   uint64  // the lowest spelling id found on a segment in scope: how the name is shown
	cases   []uint64
	caseOK  []bool
	sources map[SourceID]uint64
	lookup  *attrLookup
}

func newAttrResolver(tx *bolt.Tx, lookup *attrLookup, name string) *attrResolver {
	r := &attrResolver{lookup: lookup, sources: map[SourceID]uint64{}, names: lookup.names.ids(name)}
	n := recs(tx).maxCase() + 1
	r.cases, r.caseOK = make([]uint64, n), make([]bool, n)
	return r
}

// value returns the attribute's interned value (0 when absent).
func (r *attrResolver) value(source SourceID, caseID CaseID, pairs []byte) uint64 {
	if len(r.names) == 0 {
		return 0
	}
	if v, ok := r.pairValue(pairs); ok {
		return v
	}
	if caseID != 0 && uint64(caseID) < uint64(len(r.cases)) {
		if !r.caseOK[caseID] {
			r.cases[caseID] = r.layerValue(r.lookup.caseAttrs(caseID))
			r.caseOK[caseID] = true
		}
		if v := r.cases[caseID]; v != 0 {
			return v
		}
	}
	v, ok := r.sources[source]
	if !ok {
		v = r.layerValue(r.lookup.sourceAttrs(source))
		r.sources[source] = v
	}
	return v
}

// pairValue finds the attribute in a segment's raw pairs. One spelling
// (the common case) keeps the report's tight loop.
func (r *attrResolver) pairValue(pairs []byte) (uint64, bool) {
	if len(r.names) == 1 {
		v, ok := pairValue(pairs, r.names[0])
		if ok {
			r.saw(r.names[0])
		}
		return v, ok
	}
	name, v, ok := pairValueOf(pairs, r.names)
	if ok {
		r.saw(name)
	}
	return v, ok
}

// layerValue is the attribute's value among a case's or source's pairs
// (the first spelling found; 0 when absent).
func (r *attrResolver) layerValue(pairs []strPair) uint64 {
	for _, p := range pairs {
		if r.names.has(p.name) {
			r.saw(p.name)
			return p.value
		}
	}
	return 0
}

func (r *attrResolver) saw(name uint64) {
	if r.first == 0 || name < r.first {
		r.first = name
	}
}

// shown is the name as a report heads it: the first stored spelling found
// in scope, else what was asked.
func (r *attrResolver) shown(asked string) string {
	if r == nil || r.first == 0 {
		return asked
	}
	return r.lookup.in.str(r.first)
}

// scanSegments makes the one pass over segment records a report needs,
// keeping those of source ("" every source) that where matches (nil:
// every one). Interned ids are never 0 (bbolt sequences start at 1), so 0
// means absent.
func scanSegments(tx *bolt.Tx, source, unitAttr, byAttr string, where *whereMatcher) (*segmentScan, error) {
	var srcID SourceID
	if source != "" {
		src, err := findSource(tx, source)
		if err != nil {
			return nil, err
		}
		srcID = src.ID
	}
	rs := recs(tx)
	maxRef := rs.maxSegment()
	maxCase := rs.maxCase()
	sc := &segmentScan{scope: newRefSet(maxRef), unit: make([]int32, maxRef+1), col: make([]int32, maxRef+1)}
	if where != nil {
		sc.sources = map[SourceID]bool{}
	}
	lookup := newAttrLookup(tx)
	var unitR, byR *attrResolver
	unitIx := map[uint64]int32{}
	colIx := map[uint64]int32{}
	if unitAttr != "" {
		unitR = newAttrResolver(tx, lookup, unitAttr)
	} else {
		// A segment with no case counts as its own case.
		sc.nUnits = int(maxCase) + 1 + int(maxRef) + 1
	}
	if byAttr != "" {
		byR = newAttrResolver(tx, lookup, byAttr)
	}
	c := rs.segments()
	for sk, v := c.first(); c.holds(sk); sk, v = c.next() {
		ref := sk.ref()
		rec, ok := scanSegmentRecord(v)
		if !ok {
			return nil, errorf(errCorrupt, "segment %d", ref)
		}
		if srcID != 0 && rec.source != srcID {
			continue
		}
		if where != nil {
			if !where.match(rec) {
				continue
			}
			sc.sources[rec.source] = true
		}
		sc.scope.add(ref)
		sc.segments++
		switch {
		case unitR != nil:
			val := unitR.value(rec.source, rec.caseID, rec.pairs)
			if val == 0 {
				sc.unit[ref] = -1
				sc.withoutUnit++
				break
			}
			u, ok := unitIx[val]
			if !ok {
				u = int32(len(unitIx))
				unitIx[val] = u
			}
			sc.unit[ref] = u
		case rec.caseID != 0:
			sc.unit[ref] = int32(rec.caseID)
		default:
			sc.unit[ref] = int32(uint64(maxCase) + 1 + uint64(ref))
		}
		if byR != nil {
			val := byR.value(rec.source, rec.caseID, rec.pairs)
			col, ok := colIx[val]
			if !ok {
				col = int32(len(colIx))
				colIx[val] = col
				name := MissingValue
				if val != 0 {
					name = lookup.in.str(val)
				}
				sc.colNames = append(sc.colNames, name)
			}
			sc.col[ref] = col
		}
	}
	if unitR != nil {
		sc.nUnits = len(unitIx)
	}
	sc.unitName, sc.byName = unitR.shown(unitAttr), byR.shown(byAttr)
	if byR == nil {
		sc.colNames = nil
	}
	nCols := max(len(sc.colNames), 1)
	sc.colSegments, sc.colUnits = make([]int, nCols), make([]int, nCols)
	seen := newPairSet(sc.nUnits, nCols)
	unitSeen := make([]bool, sc.nUnits)
	sc.scope.each(func(ref SegRef) {
		sc.colSegments[sc.col[ref]]++
		u := sc.unit[ref]
		if u < 0 {
			return
		}
		if !unitSeen[u] {
			unitSeen[u] = true
			sc.units++
		}
		if seen.add(u, sc.col[ref]) {
			sc.colUnits[sc.col[ref]]++
		}
	})
	sc.sortColumns()
	return sc, nil
}

// sortColumns puts crosstab columns in natural order of their values
// ("Q2" before "Q10"), the missing column last, and renumbers sc.col.
func (sc *segmentScan) sortColumns() {
	if len(sc.colNames) < 2 {
		return
	}
	order := make([]int, len(sc.colNames))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := sc.colNames[order[i]], sc.colNames[order[j]]
		if (a == MissingValue) != (b == MissingValue) {
			return b == MissingValue
		}
		return naturalLess(a, b)
	})
	newIndex := make([]int32, len(order))
	names := make([]string, len(order))
	segs, units := make([]int, len(order)), make([]int, len(order))
	for to, from := range order {
		newIndex[from] = int32(to)
		names[to], segs[to], units[to] = sc.colNames[from], sc.colSegments[from], sc.colUnits[from]
	}
	sc.colNames, sc.colSegments, sc.colUnits = names, segs, units
	sc.scope.each(func(ref SegRef) { sc.col[ref] = newIndex[sc.col[ref]] })
}

// segmentFields are the parts of a segment record a report reads; pairs is
// the raw attribute list, searched in place by pairValue.
type segmentFields struct {
	source SourceID
	caseID CaseID
	pairs  []byte
}

// scanSegmentRecord reads a segment record's source and case and finds its
// attribute pairs without allocating: a report reads a million of them.
func scanSegmentRecord(b []byte) (segmentFields, bool) {
	var f segmentFields
	if len(b) == 0 || b[0] != 1 {
		return f, false
	}
	b = b[1:]
	var vals [4]uint64 // source, case, ordinal, id length
	for i := range vals {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return f, false
		}
		vals[i], b = v, b[n:]
	}
	if vals[3] > uint64(len(b)) {
		return f, false
	}
	b = b[vals[3]:]
	_, n := binary.Uvarint(b) // pair count
	if n <= 0 {
		return f, false
	}
	f.source, f.caseID, f.pairs = SourceID(vals[0]), CaseID(vals[1]), b[n:]
	return f, true
}

// pairValueOf finds the first pair whose name is one of names in a raw list
// of interned (name, value) uvarints.
func pairValueOf(pairs []byte, names nameIDs) (uint64, uint64, bool) {
	for len(pairs) > 0 {
		k, n := binary.Uvarint(pairs)
		if n <= 0 {
			return 0, 0, false
		}
		pairs = pairs[n:]
		v, m := binary.Uvarint(pairs)
		if m <= 0 {
			return 0, 0, false
		}
		pairs = pairs[m:]
		if names.has(k) {
			return k, v, true
		}
	}
	return 0, 0, false
}

// pairValue finds name in a raw list of interned (name, value) uvarints.
func pairValue(pairs []byte, name uint64) (uint64, bool) {
	for len(pairs) > 0 {
		k, n := binary.Uvarint(pairs)
		if n <= 0 {
			return 0, false
		}
		pairs = pairs[n:]
		v, m := binary.Uvarint(pairs)
		if m <= 0 {
			return 0, false
		}
		pairs = pairs[m:]
		if k == name {
			return v, true
		}
	}
	return 0, false
}

// example is a code's chosen example coding. keys are the codings the
// example's quote stands for (for consensus, the coders' codings it
// unites); nil: key alone.
type example struct {
	key     codingKey
	starred bool
	keys    []CodingKey
}

// codeSets marks, per code in ids, the segments in scope coded with it (by
// an allowed coder), then rolls children up into parents. With examples it
// also picks each code's example coding.
func codeSets(tx *bolt.Tx, book *Codebook, ids []CodeID, scope refSet, allowed []bool, examples bool) (map[CodeID]refSet, map[CodeID]example) {
	sets := make(map[CodeID]refSet, len(ids))
	var ex map[CodeID]example
	var stars *starLookup
	if examples {
		ex = map[CodeID]example{}
		stars = newStarLookup(tx, ids)
	}
	c := recs(tx).byCode()
	for _, id := range ids {
		set := make(refSet, len(scope))
		for k := c.seek(id); c.holds(k); k = c.next() {
			ref := k.seg()
			coder := k.coder()
			if allowed != nil && (int(coder) >= len(allowed) || !allowed[coder]) {
				continue
			}
			if !scope.has(ref) {
				continue
			}
			set.add(ref)
			if examples {
				cur, have := ex[id]
				if have && cur.starred {
					continue
				}
				key := k.key()
				if starred := stars.starred(key); !have || starred {
					ex[id] = example{key: key, starred: starred}
				}
			}
		}
		sets[id] = set
	}
	rollUp(book, ids, sets)
	if examples {
		ex = pickExamples(book, ids, ex)
	}
	return sets, ex
}

// rollUp adds each code's set to its parent's: ids is a subtree in tree
// order, so walking it backwards finishes every child before its parent.
func rollUp(book *Codebook, ids []CodeID, sets map[CodeID]refSet) {
	for i := len(ids) - 1; i >= 0; i-- {
		code, _ := book.Code(ids[i])
		if parent, ok := sets[code.Parent]; ok && code.Parent != 0 {
			parent.or(sets[ids[i]])
		}
	}
}

// pickExamples gives each code of ids its example: its own, or for a
// parent one of its descendants' (pickExample); codes with none are left
// out.
func pickExamples(book *Codebook, ids []CodeID, ex map[CodeID]example) map[CodeID]example {
	for i := len(ids) - 1; i >= 0; i-- {
		ex[ids[i]] = pickExample(book, ids[i], ex)
	}
	for id, e := range ex {
		if e.key == (codingKey{}) {
			delete(ex, id)
		}
	}
	return ex
}

// pickExample chooses a parent's example: its own starred coding, else a
// descendant's starred one (children in order), else its own first coding,
// else a descendant's.
func pickExample(book *Codebook, id CodeID, ex map[CodeID]example) example {
	own, have := ex[id]
	if have && own.starred {
		return own
	}
	kids := book.Children(id)
	for _, k := range kids {
		if e, ok := ex[k.ID]; ok && e.starred {
			return e
		}
	}
	if have {
		return own
	}
	for _, k := range kids {
		if e, ok := ex[k.ID]; ok && e.key != (codingKey{}) {
			return e
		}
	}
	return example{}
}

// count turns each code's segment set into its row, crosstab included.
func (sc *segmentScan) count(book *Codebook, ids []CodeID, sets map[CodeID]refSet) []ReportRow {
	rows := make([]ReportRow, 0, len(ids))
	nCols := len(sc.colNames)
	stamp := make([]int32, sc.nUnits)
	var seen *pairSet
	if nCols > 0 {
		seen = newPairSet(sc.nUnits, nCols)
	}
	for i, id := range ids {
		code, _ := book.Code(id)
		row := ReportRow{Code: id, Path: code.Path, Name: code.Name, Depth: code.Depth}
		mark := int32(i + 1)
		var colSegs, colUnits []int
		if nCols > 0 {
			colSegs, colUnits = make([]int, nCols), make([]int, nCols)
		}
		set := sets[id]
		set.each(func(ref SegRef) {
			row.Segments++
			u := sc.unit[ref]
			if nCols > 0 {
				col := sc.col[ref]
				colSegs[col]++
				if u >= 0 && seen.add(u, col) {
					colUnits[col]++
				}
			}
			if u >= 0 && stamp[u] != mark {
				stamp[u] = mark
				row.Cases++
			}
		})
		if nCols > 0 {
			seen.reset(func(yield func(int32, int32)) {
				set.each(func(ref SegRef) {
					if u := sc.unit[ref]; u >= 0 {
						yield(u, sc.col[ref])
					}
				})
			})
			row.By = make(map[string]ReportCell, nCols)
			for c, name := range sc.colNames {
				row.By[name] = ReportCell{Segments: colSegs[c], Cases: colUnits[c], PercentCases: percent(colUnits[c], sc.colUnits[c])}
			}
		}
		row.PercentCases = percent(row.Cases, sc.units)
		rows = append(rows, row)
	}
	return rows
}

// coded counts the segments and units carrying any code in scope: the
// union of the top codes' sets (each holds its descendants' already).
func (sc *segmentScan) coded(book *Codebook, ids []CodeID, sets map[CodeID]refSet) (int, int) {
	union := make(refSet, len(sc.scope))
	for _, id := range ids {
		code, _ := book.Code(id)
		if _, nested := sets[code.Parent]; !nested || code.Parent == 0 {
			union.or(sets[id])
		}
	}
	segments, units := 0, 0
	seen := make([]bool, sc.nUnits)
	union.each(func(ref SegRef) {
		segments++
		if u := sc.unit[ref]; u >= 0 && !seen[u] {
			seen[u] = true
			units++
		}
	})
	return segments, units
}

// percent is 100 × n ÷ of, and 0 (not NaN) for an empty base.
func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// or adds every member of o to s.
func (s refSet) or(o refSet) {
	for i := range o {
		if i < len(s) {
			s[i] |= o[i]
		}
	}
}

// each calls fn for every member, in ref order.
func (s refSet) each(fn func(SegRef)) {
	for i, w := range s {
		for w != 0 {
			tz := bits.TrailingZeros64(w)
			fn(SegRef(uint64(i)*64 + uint64(tz)))
			w &= w - 1
		}
	}
}

// pairSet remembers (unit, column) pairs: a bitset when units × columns is
// modest, a map beyond, so that a crosstab by a many-valued attribute does
// not allocate gigabytes.
type pairSet struct {
	nCols int
	bits  []uint64
	m     map[int64]struct{}
}

const pairSetMaxBits = 1 << 28 // 32 MiB

func newPairSet(nUnits, nCols int) *pairSet {
	p := &pairSet{nCols: nCols}
	if n := uint64(nUnits) * uint64(nCols); n <= pairSetMaxBits {
		p.bits = make([]uint64, n/64+1)
	} else {
		p.m = map[int64]struct{}{}
	}
	return p
}

// add puts the pair in and tells whether it was new.
func (p *pairSet) add(u, col int32) bool {
	i := int64(u)*int64(p.nCols) + int64(col)
	if p.m != nil {
		if _, ok := p.m[i]; ok {
			return false
		}
		p.m[i] = struct{}{}
		return true
	}
	w, b := i/64, uint64(1)<<(i%64)
	if p.bits[w]&b != 0 {
		return false
	}
	p.bits[w] |= b
	return true
}

// reset empties the set; pairs lists what was added, so that clearing a
// large bitset costs only as much as filling it did.
func (p *pairSet) reset(pairs func(yield func(int32, int32))) {
	if p.m != nil {
		clear(p.m)
		return
	}
	pairs(func(u, col int32) {
		i := int64(u)*int64(p.nCols) + int64(col)
		p.bits[i/64] = 0
	})
}

// naturalLess orders strings the way people read numbered values: "Q2"
// before "Q10", "Authority 9" before "Authority 10"; otherwise ignoring case.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if la, lb := unicode.ToLower(ra), unicode.ToLower(rb); la != lb {
			return la < lb
		}
		a, b = a[sa:], b[sb:]
	}
	if len(a) != len(b) {
		return a == ""
	}
	return false
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

// checkAttribute refuses an attribute name no segment, case or source has
// in any case.
func (s *Store) checkAttribute(name string) error {
	attrs, err := s.AttributeValues()
	if err != nil {
		return err
	}
	var names []string
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return nil
		}
		names = append(names, a.Name)
	}
	return errorf(ErrNotFound, "no attribute %q (attributes: %s)", name, strings.Join(names, ", "))
}
