package coding

import (
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// QuoteQuery selects quotes for a quote bank. The zero value lists every
// coded passage of every code, by any coder, with the default attribution.
type QuoteQuery struct {
	Code        string          // a code path: that code and its descendants; "" every code
	Starred     bool            // only passages a coder starred as a quote
	PerCode     int             // at most this many quotes per code (starred first); 0 no limit
	Coders      []string        // coders whose codings count; nil: any coder; {Consensus}: the team's final coding
	Source      string          // only segments of this source (by name)
	Where       []AttrCondition // only segments that meet every condition
	Attribution string          // attribution template ("" DefaultAttribution)
	ShowIDs     bool            // fill Quote.Segment and Quote.Case (anonymous otherwise)
	Redact      bool            // replace personal details found with [email], [phone], [name]
}

// Quote is a coded passage ready for a report: the coding's span of text
// (or the whole segment) with its anonymous attribution.
type Quote struct {
	Code        CodeID `json:"-"`
	Path        string `json:"code"`
	Text        string `json:"text"`
	Attribution string `json:"attribution"` // without parentheses; never empty (see FallbackAttribution)
	Starred     bool   `json:"starred"`
	Segment     string `json:"segment,omitempty"` // segment ID, only with ShowIDs
	Case        string `json:"case,omitempty"`    // case name, only with ShowIDs

	Ref  SegRef `json:"-"`
	Span Span   `json:"-"`
	// Codings are the codings this quote stands for: several coders may
	// have coded the same passage; starring from a quote list stars them.
	Codings []CodingKey `json:"-"`
}

// QuoteGroup is one code's quotes.
type QuoteGroup struct {
	Code   CodeID  `json:"-"`
	Theme  string  `json:"theme"` // the top-level code's name
	Path   string  `json:"code"`
	Name   string  `json:"name"`
	Depth  int     `json:"depth"`
	Quotes []Quote `json:"quotes"`
}

// QuoteBank is quotes grouped by theme then code, in codebook order. Codes
// without quotes are left out.
type QuoteBank struct {
	Groups   []QuoteGroup `json:"groups"`
	Warnings []PIIHit     `json:"-"` // personal details found (redacted when asked)
	// Consensus says, for a bank of consensus's quotes, how many
	// disagreements in scope are not yet settled.
	Consensus *ConsensusSummary `json:"consensus,omitempty"`
}

// Quotes builds a quote bank. Within a code, starred passages come first,
// then the rest in project order; a passage several coders coded appears
// once. Every quote and attribution is scanned for personal details.
func (s *Store) Quotes(q QuoteQuery) (QuoteBank, error) {
	book := s.Codebook()
	ids, err := book.Match(q.Code)
	if err != nil {
		return QuoteBank{}, err
	}
	if q.PerCode < 0 {
		return QuoteBank{}, errorf(ErrInvalidInput, "quotes per code must not be negative (got %d)", q.PerCode)
	}
	if err := s.CheckWhere(q.Where); err != nil {
		return QuoteBank{}, err
	}
	consensus, err := isConsensus(q.Coders)
	if err != nil {
		return QuoteBank{}, err
	}
	var out QuoteBank
	err = s.view(func(tx *bolt.Tx) error {
		var allowed []bool
		var cons *consensusView
		if consensus {
			if cons, err = s.consensusView(tx, book, ids); err != nil {
				return err
			}
		} else if allowed, err = s.allowedCoders(tx, q.Coders); err != nil {
			return err
		}
		scope, err := whereScope(tx, q.Source, q.Where)
		if err != nil {
			return err
		}
		if cons != nil {
			sum := cons.summary(scope)
			out.Consensus = &sum
		}
		m, err := s.newQuoteMaker(tx, q.Attribution, q.ShowIDs, q.Redact)
		if err != nil {
			return err
		}
		stars := newStarLookup(tx, ids)
		for _, id := range ids {
			var passages []passage
			if cons != nil {
				passages = cons.passages(tx, id, scope, stars, q.PerCode, q.Starred)
			} else {
				passages = codePassages(tx, id, allowed, scope, stars, q.PerCode, q.Starred)
			}
			if len(passages) == 0 {
				continue
			}
			code, _ := book.Code(id)
			g := QuoteGroup{Code: id, Theme: book.Theme(id).Name, Path: code.Path, Name: code.Name, Depth: code.Depth}
			for _, p := range passages {
				quote, err := m.make(id, p.ref, p.span, p.starred, p.keys)
				if err != nil {
					return err
				}
				g.Quotes = append(g.Quotes, quote)
			}
			out.Groups = append(out.Groups, g)
		}
		out.Warnings = m.hits
		return nil
	})
	return out, err
}

// sourceSet marks the segments of a source.
func sourceSet(tx *bolt.Tx, name string) (refSet, error) {
	src, err := findSource(tx, name)
	if err != nil {
		return nil, err
	}
	rs := recs(tx)
	set := newRefSet(rs.maxSegment())
	rs.eachSegmentOf(&src, set.add)
	return set, nil
}

// passage is one coded passage of a code: a segment and span, with every
// allowed coding of it.
type passage struct {
	ref     SegRef
	span    Span
	starred bool // by any of its coders
	keys    []CodingKey
}

// codePassages lists a code's own passages (not its descendants'), starred
// first, then in project order; with limit > 0, at most limit of them;
// with starredOnly, only starred ones.
// The bycode index holds a code's codings by segment, so the passages of
// one segment (several coders, several spans) are gathered and merged
// before the next; with a limit, only starred passages and the first
// limit others are kept, so memory stays small on a large project.
func codePassages(tx *bolt.Tx, id CodeID, allowed []bool, scope refSet, stars *starLookup, limit int, starredOnly bool) []passage {
	sink := passageSink{limit: limit, starredOnly: starredOnly}
	var seg []passage
	flush := func() {
		for _, p := range seg {
			sink.add(p)
		}
		seg = seg[:0]
	}
	c := recs(tx).byCode()
	for k := c.seek(id); c.holds(k); k = c.next() {
		coder := k.coder()
		if allowed != nil && (int(coder) >= len(allowed) || !allowed[coder]) {
			continue
		}
		key := k.key()
		if scope != nil && !scope.has(key.Seg) {
			continue
		}
		if len(seg) > 0 && seg[0].ref != key.Seg {
			flush()
		}
		i := 0
		for i < len(seg) && seg[i].span != key.Span {
			i++
		}
		if i == len(seg) {
			seg = append(seg, passage{ref: key.Seg, span: key.Span})
		}
		// Once a passage is starred, its other codings need no lookup.
		if !seg[i].starred && stars.starred(key) {
			seg[i].starred = true
		}
		seg[i].keys = append(seg[i].keys, CodingKey(key))
	}
	flush()
	return sink.list()
}

// passageSink keeps a code's passages as a quote bank wants them, given in
// project order: starred ones, and (unless starredOnly) the first limit
// others (limit 0: all).
type passageSink struct {
	limit         int
	starredOnly   bool
	starred, rest []passage
}

func (k *passageSink) add(p passage) {
	switch {
	case p.starred:
		k.starred = append(k.starred, p)
	case !k.starredOnly && (k.limit <= 0 || len(k.rest) < k.limit):
		k.rest = append(k.rest, p)
	}
}

// list is the starred passages, then the rest, each in project order, cut
// to limit.
func (k *passageSink) list() []passage {
	byPlace := func(list []passage) {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].ref != list[j].ref {
				return list[i].ref < list[j].ref
			}
			return list[i].span.Start < list[j].span.Start
		})
	}
	byPlace(k.starred)
	byPlace(k.rest)
	out := append(k.starred, k.rest...)
	if k.limit > 0 && len(out) > k.limit {
		out = out[:k.limit]
	}
	return out
}

// quoteMaker turns coded passages into quotes inside one read transaction:
// text, attribution, personal-details scan.
type quoteMaker struct {
	tx      *bolt.Tx
	book    *Codebook
	lookup  *attrLookup
	sources sourceNames
	tmpl    *AttributionTemplate
	scan    *PIIScanner
	showIDs bool
	redact  bool
	hits    []PIIHit
	warned  map[PIIHit]bool
	formats map[SourceID]string // each source's file format, read when a quote first needs it
}

func (s *Store) newQuoteMaker(tx *bolt.Tx, template string, showIDs, redact bool) (*quoteMaker, error) {
	if template == "" {
		template = DefaultAttribution
	}
	tmpl, err := ParseAttribution(template)
	if err != nil {
		return nil, err
	}
	return &quoteMaker{tx: tx, book: s.Codebook(), lookup: newAttrLookup(tx), sources: newSourceNames(tx), tmpl: tmpl,
		scan: NewPIIScanner(caseNames(tx)), showIDs: showIDs, redact: redact, warned: map[PIIHit]bool{}}, nil
}

// PIIScanner makes a scanner for the project's case and speaker names,
// for text an export adds beside quotes (a recipe's prose, memos).
func (s *Store) PIIScanner() (*PIIScanner, error) { return s.piiScanner() }

// piiScanner makes a scanner for the project's case names.
func (s *Store) piiScanner() (*PIIScanner, error) {
	var names []string
	err := s.view(func(tx *bolt.Tx) error {
		names = caseNames(tx)
		return nil
	})
	return NewPIIScanner(names), err
}

// caseNames lists the names of the project's cases (respondents, speakers
// by their labels) and the labels of interviewers, which a quote may name
// ("as Sarah asked"); the scanner keeps those that look like a person's.
func caseNames(tx *bolt.Tx) []string {
	var out []string
	recs(tx).eachCaseName(func(name string) { out = append(out, caseLabel(name)) })
	srcs, _ := readSources(tx)
	for _, src := range srcs {
		if src.Prompts == 0 || src.decodeContext() != nil {
			continue
		}
		seen := map[string]bool{}
		for _, c := range src.Context {
			if c.Kind == corpus.ContextPrompt && !seen[c.Speaker] {
				seen[c.Speaker] = true
				out = append(out, c.Speaker)
			}
		}
	}
	return out
}

func (m *quoteMaker) make(code CodeID, ref SegRef, span Span, starred bool, keys []CodingKey) (Quote, error) {
	rs := recs(m.tx)
	rec, err := rs.segment(ref)
	if err != nil {
		return Quote{}, fmt.Errorf("segment %d: %w", ref, err)
	}
	c, _ := m.book.Code(code)
	q := Quote{Code: code, Path: c.Path, Starred: starred, Ref: ref, Span: span, Codings: keys}
	q.Text = passageText(string(rs.text(ref)), span)
	attrs := m.lookup.merged(&rec)
	q.Attribution = attributeOrFallback(m.tmpl, func(name string) string { return attrValue(attrs, name) }, m.format(rec.source))

	segID := rec.id
	if len(refsNamed(m.tx, rec.id)) > 1 {
		segID = m.sources[rec.source] + ":" + rec.id
	}
	if m.showIDs {
		q.Segment = segID
		if rec.caseID != 0 {
			cr, _ := rs.caseRecord(rec.caseID)
			q.Case = CaseDisplay(cr.name)
		}
	}
	q.Text = m.check(q.Text, segID, c.Path, "quote")
	q.Attribution = m.check(q.Attribution, segID, c.Path, "attribution")
	return q, nil
}

// check scans text for personal details, records each new hit, and
// returns the text redacted when asked.
func (m *quoteMaker) check(text, segID, path, where string) string {
	found := m.scan.Scan(text)
	for _, f := range found {
		hit := PIIHit{Segment: segID, Code: path, Where: where, Kind: f.Kind, Text: f.Text}
		// A passage quoted under several codes is reported once.
		dedupe := hit
		dedupe.Code = ""
		if !m.warned[dedupe] {
			m.warned[dedupe] = true
			m.hits = append(m.hits, hit)
		}
	}
	if m.redact && len(found) > 0 {
		return Redact(text, found)
	}
	return text
}

// attrValue finds a merged attribute by name, exactly first, then ignoring
// case (a sheet's "Role" column answers {role}).
func attrValue(attrs []Attribute, name string) string {
	for _, a := range attrs {
		if a.Name == name {
			return a.Value
		}
	}
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return a.Value
		}
	}
	return ""
}

// passageText cuts a span (rune offsets) out of a segment's text; the zero
// span is the whole text. Surrounding space is trimmed, and an ellipsis
// marks where the passage leaves out words of the answer, as quoting does.
func passageText(text string, span Span) string {
	if span.Whole() {
		return strings.TrimSpace(text)
	}
	runes := []rune(text)
	start, end := min(max(span.Start, 0), len(runes)), min(max(span.End, 0), len(runes))
	if start >= end {
		return strings.TrimSpace(text)
	}
	out := strings.TrimSpace(string(runes[start:end]))
	if strings.TrimSpace(string(runes[:start])) != "" {
		out = "…" + out
	}
	if rest := strings.TrimSpace(string(runes[end:])); rest != "" {
		out += "…"
	}
	return out
}
