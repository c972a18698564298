package coding

import (
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// What a code matrix's columns are, besides an attribute's values.
const (
	MatrixCases   = "cases"
	MatrixSources = "sources"
)

// What a code matrix's cells count.
const (
	CountSegments = "segments"
	CountCases    = "cases"
)

// MatrixQuery says what a code matrix crosses: codes (the rows) against
// cases, sources or the values of an attribute (the columns).
type MatrixQuery struct {
	Codes string // a code path: that code and its descendants; "" every code
	// Cols is MatrixCases, MatrixSources, or an attribute's name (in any
	// case); "attr:NAME" names an attribute called cases or sources.
	Cols   string
	Count  string       // CountSegments (default) or CountCases
	Coders []string     // whose codings count; nil any coder; {Consensus} the team's final coding
	Where  SegmentQuery // only the segments this selects (zero: every segment)
}

// Matrix is a code × case, source or attribute-value table (NVivo's matrix
// coding query): per code and column, the segments (or cases) in scope
// with the code. Its JSON form is `qcode matrix --format json`.
type Matrix struct {
	Rows  string `json:"rows"`  // "codes"
	Cols  string `json:"cols"`  // "cases", "sources", or the attribute as first spelt
	Count string `json:"count"` // "segments" or "cases"
	// Columns are the cases, sources or values that have segments in
	// scope, each with those totals; segments without the attribute make
	// the last column, MissingValue.
	Columns []MatrixColumn `json:"columns"`
	Codes   []MatrixRow    `json:"codes"` // every code in scope, tree order

	SegmentsTotal int      `json:"segments_total"` // segments in scope
	CasesTotal    int      `json:"cases_total"`    // their cases (a segment with no case is its own)
	Coders        []string `json:"coders"`         // coders counted; null: any coder
	Where         []string `json:"where,omitempty"`
	// Consensus says, when consensus was counted, how many disagreements
	// in scope are not yet settled.
	Consensus *ConsensusSummary `json:"consensus,omitempty"`
}

// MatrixColumn is one column with its totals in scope.
type MatrixColumn struct {
	Value    string `json:"value"` // a case (as CaseDisplay shows it, or the segment ID of a segment with no case), a source, a value
	Segments int    `json:"segments"`
	Cases    int    `json:"cases"`
}

// MatrixRow is one code's row: a cell per column, in Columns' order. A
// parent's cells count its descendants' segments; a segment counts once
// per cell however often it was coded.
type MatrixRow struct {
	Code  CodeID `json:"-"`
	Path  string `json:"path"`
	Name  string `json:"name"`
	Depth int    `json:"depth"`
	Cells []int  `json:"cells"`
	// Segments and Cases are the row's totals (a case with segments in two
	// columns counts once here).
	Segments int `json:"segments"`
	Cases    int `json:"cases"`
}

// matrixScan is the column and unit of every segment in scope.
type matrixScan struct {
	col   []int32 // per SegRef: column index
	unit  []int32 // per SegRef: case index (a segment with no case its own)
	names []string
	nUnit int
	// casesAreColumns: each column is one case, so a cell counts a case
	// when it counts any segment (no (case, column) pairs to remember).
	casesAreColumns bool
}

// Matrix crosses codes with cases, sources or an attribute's values. It
// reads the codings as the report does (one walk of the bycode index) and
// the segment records once for their columns.
func (s *Store) Matrix(q MatrixQuery) (Matrix, error) {
	book := s.Codebook()
	ids, err := book.Match(q.Codes)
	if err != nil {
		return Matrix{}, err
	}
	count := q.Count
	switch count {
	case "", CountSegments:
		count = CountSegments
	case CountCases:
	default:
		return Matrix{}, errorf(ErrInvalidInput, "count %q: use segments or cases", count)
	}
	cols, attr := q.Cols, ""
	switch {
	case strings.EqualFold(cols, MatrixCases), strings.EqualFold(cols, "case"):
		cols = MatrixCases
	case strings.EqualFold(cols, MatrixSources), strings.EqualFold(cols, "source"):
		cols = MatrixSources
	default:
		if name, ok := cutFold(cols, "attr:"); ok {
			cols = name
		}
		cols = strings.TrimSpace(cols)
		if cols == "" {
			return Matrix{}, errorf(ErrInvalidInput, "columns: name cases, sources or an attribute")
		}
		attr = cols
	}
	out := Matrix{Rows: "codes", Cols: cols, Count: count, Coders: q.Coders, Where: WhereSpecs(q.Where)}
	err = s.view(func(tx *bolt.Tx) error {
		cs, err := s.readCodedScope(tx, book, ids, q.Coders, q.Where)
		if err != nil {
			return err
		}
		out.Consensus = cs.consensus
		ms, shown, err := scanColumns(tx, cs.scope, cols, attr)
		if err != nil {
			return err
		}
		if attr != "" {
			out.Cols = shown
		}
		ms.casesAreColumns = cols == MatrixCases
		out.Columns, out.SegmentsTotal, out.CasesTotal = ms.totals(cs.scope)
		out.Codes = ms.rows(book, ids, cs.sets, count, len(out.Columns))
		return nil
	})
	if err == nil && attr != "" && out.SegmentsTotal > 0 && len(out.Columns) == 1 && out.Columns[0].Value == MissingValue {
		// No segment in scope has the attribute: probably a typo.
		if err := s.checkAttribute(attr); err != nil {
			return Matrix{}, err
		}
	}
	return out, err
}

// scanColumns gives every segment in scope its case and its column: its
// case (cols MatrixCases), its source (MatrixSources), or the value of
// attribute attr (merged: segment, case, source; any case of the name),
// MissingValue last. Columns of cases and values are in natural order of
// their names, sources in import order. It returns the attribute's name
// as first spelt. One cursor walk over the segment records, reading ids
// and attribute pairs in place.
func scanColumns(tx *bolt.Tx, scope refSet, cols, attr string) (*matrixScan, string, error) {
	rs := recs(tx)
	maxRef := rs.maxSegment()
	maxCase := uint64(rs.maxCase())
	ms := &matrixScan{col: make([]int32, maxRef+1), unit: make([]int32, maxRef+1), nUnit: int(maxCase) + 1 + int(maxRef) + 1}
	var resolver *attrResolver
	var lookup *attrLookup
	if attr != "" {
		lookup = newAttrLookup(tx)
		resolver = newAttrResolver(tx, lookup, attr)
	}
	colOf := map[uint64]int32{} // column key → index
	var keys []uint64           // by index: source id, unit, or interned value
	ownIDs := map[uint64]string{}
	c := rs.segments()
	for sk, v := c.first(); c.holds(sk); sk, v = c.next() {
		ref := sk.ref()
		if !scope.has(ref) {
			continue
		}
		rec, ok := scanSegmentRecord(v)
		if !ok {
			return nil, "", errorf(errCorrupt, "segment %d", ref)
		}
		u := uint64(rec.caseID)
		if rec.caseID == 0 {
			u = maxCase + 1 + uint64(ref)
		}
		ms.unit[ref] = int32(u)
		var key uint64
		switch {
		case resolver != nil:
			key = resolver.value(rec.source, rec.caseID, rec.pairs)
		case cols == MatrixSources:
			key = uint64(rec.source)
		default:
			key = u
		}
		col, seen := colOf[key]
		if !seen {
			col = int32(len(keys))
			colOf[key] = col
			keys = append(keys, key)
			if cols == MatrixCases && rec.caseID == 0 {
				r, err := decodeSegment(v)
				if err != nil {
					return nil, "", errorf(errCorrupt, "segment %d", ref)
				}
				ownIDs[key] = r.id
			}
		}
		ms.col[ref] = col
	}
	ms.names = make([]string, len(keys))
	switch {
	case resolver != nil:
		for i, key := range keys {
			ms.names[i] = MissingValue
			if key != 0 {
				ms.names[i] = lookup.in.str(key)
			}
		}
	case cols == MatrixSources:
		srcs, err := readSources(tx)
		if err != nil {
			return nil, "", err
		}
		name := map[uint64]string{}
		for _, src := range srcs {
			name[uint64(src.ID)] = src.Name
		}
		for i, key := range keys {
			ms.names[i] = name[key]
		}
	default:
		if err := caseColumnNames(tx, keys, ownIDs, ms.names); err != nil {
			return nil, "", err
		}
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := ms.names[order[i]], ms.names[order[j]]
		switch {
		case cols == MatrixSources:
			return keys[order[i]] < keys[order[j]] // source ids: import order
		case (a == MissingValue) != (b == MissingValue):
			return b == MissingValue
		}
		return naturalLess(a, b)
	})
	ms.reorder(scope, order)
	shown := attr
	if resolver != nil {
		shown = resolver.shown(attr)
	}
	return ms, shown, nil
}

// caseColumnNames names the columns of cases (keys are units): a case as
// CaseDisplay shows it, read in one walk of the cases bucket, and a
// segment with no case by its segment ID.
func caseColumnNames(tx *bolt.Tx, keys []uint64, ownIDs map[uint64]string, names []string) error {
	at := make(map[uint64]int, len(keys))
	for i, key := range keys {
		if id, own := ownIDs[key]; own {
			names[i] = id
		} else {
			at[key] = i
		}
	}
	var bad error
	recs(tx).eachCase(func(id CaseID, v []byte) bool {
		if len(at) == 0 {
			return false
		}
		i, ok := at[uint64(id)]
		if !ok {
			return true
		}
		r, err := decodeCase(v)
		if err != nil {
			bad = errorf(errCorrupt, "case %d", id)
			return false
		}
		names[i] = CaseDisplay(r.name)
		delete(at, uint64(id))
		return true
	})
	if bad != nil {
		return bad
	}
	if len(at) > 0 {
		return errorf(errCorrupt, "%d segments name a case that is not there", len(at))
	}
	return nil
}

// reorder puts the columns in order (order[to] = from) and renumbers
// every segment's column.
func (ms *matrixScan) reorder(scope refSet, order []int) {
	newIndex := make([]int32, len(order))
	names := make([]string, len(order))
	for to, from := range order {
		newIndex[from] = int32(to)
		names[to] = ms.names[from]
	}
	ms.names = names
	scope.each(func(ref SegRef) { ms.col[ref] = newIndex[ms.col[ref]] })
}

// totals counts each column's segments and cases in scope, and the
// scope's.
func (ms *matrixScan) totals(scope refSet) ([]MatrixColumn, int, int) {
	cols := make([]MatrixColumn, len(ms.names))
	for i, n := range ms.names {
		cols[i].Value = n
	}
	var seen *pairSet
	if !ms.casesAreColumns {
		seen = newPairSet(ms.nUnit, len(cols))
	}
	unitSeen := make(refSet, ms.nUnit/64+1)
	segments, cases := 0, 0
	scope.each(func(ref SegRef) {
		c, u := ms.col[ref], ms.unit[ref]
		cols[c].Segments++
		segments++
		if seen == nil {
			cols[c].Cases = 1
		} else if seen.add(u, c) {
			cols[c].Cases++
		}
		if !unitSeen.has(SegRef(u)) {
			unitSeen.add(SegRef(u))
			cases++
		}
	})
	return cols, segments, cases
}

// rows counts each code's cells: segments, or distinct cases, per column.
func (ms *matrixScan) rows(book *Codebook, ids []CodeID, sets map[CodeID]refSet, count string, nCols int) []MatrixRow {
	out := make([]MatrixRow, 0, len(ids))
	var seen *pairSet
	if count == CountCases && !ms.casesAreColumns {
		seen = newPairSet(ms.nUnit, max(nCols, 1))
	}
	unitSeen := make(refSet, ms.nUnit/64+1)
	for _, id := range ids {
		c, _ := book.Code(id)
		row := MatrixRow{Code: id, Path: c.Path, Name: c.Name, Depth: c.Depth, Cells: make([]int, nCols)}
		set := sets[id]
		set.each(func(ref SegRef) {
			col, u := ms.col[ref], ms.unit[ref]
			row.Segments++
			if !unitSeen.has(SegRef(u)) {
				unitSeen.add(SegRef(u))
				row.Cases++
			}
			switch {
			case count == CountCases && ms.casesAreColumns:
				row.Cells[col] = 1
			case seen == nil:
				row.Cells[col]++
			case seen.add(u, col):
				row.Cells[col]++
			}
		})
		// Clear only what this row set, so that a wide matrix costs what
		// its codings do, not rows × columns.
		set.each(func(ref SegRef) { unitSeen[uint64(ms.unit[ref])/64] = 0 })
		if seen != nil {
			seen.reset(func(yield func(int32, int32)) {
				set.each(func(ref SegRef) { yield(ms.unit[ref], ms.col[ref]) })
			})
		}
		out = append(out, row)
	}
	return out
}
