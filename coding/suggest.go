package coding

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"sync"

	bolt "go.etcd.io/bbolt"

	"qcode/coding/suggest"
)

// Suggester suggests codes to one coder, learnt from that coder's own
// codings (package suggest: naive Bayes over a segment's words, its
// question and the interviewer's prompt) and, as a start, from the
// codebook's own words: every leaf code's name, description and inclusion
// note count as one segment given that code, so that a new coder gets
// suggestions from the first answer and a code used rarely still has its
// words. It never writes: suggestions are applied only by the coder.
//
// A Suggester is trained once (TrainSuggester) and follows the work:
// after each action, LearnAction re-reads the segments it touched. Its
// methods may be called from concurrent commands (a screen's tea.Cmds):
// they take turns.
type Suggester struct {
	mu      sync.Mutex
	coder   string
	coderID CoderID // 0 while the coder has done nothing
	book    *Codebook
	model   *suggest.Model
	docs    map[SegRef]learnt // what each segment the coder reviewed taught
	codings int               // the coder's codes learnt (a code once per segment)
	kept    keptDocs          // the learnt segments' features and labels

	withoutCodebook bool // measuring what the codings alone teach (tests)
}

// learnt is what a segment taught the model, kept to forget it exactly:
// where its features and labels are in keptDocs. It holds no pointer, so
// that a screen keeping a model of 600,000 segments does not give the
// garbage collector millions of small slices to trace (measured: the
// coding screen's key p99 tripled with them).
type learnt struct {
	at, n   int32 // features: kept.ids[at:at+n], kept.tf[at:at+n]
	lat, ln int32 // labels: kept.labels[lat:lat+ln]
}

// keptDocs holds every learnt segment's features and labels end to end.
// A forgotten segment's part stays until more than half is such garbage,
// then the live parts are copied together.
type keptDocs struct {
	ids     []int32
	tf      []float64
	labels  []suggest.Label
	garbage int // features no learnt segment holds
}

// keep stores a learnt doc and its labels.
func (k *keptDocs) keep(d suggest.Doc, labels []suggest.Label) learnt {
	ids, tf := d.Parts()
	l := learnt{at: int32(len(k.ids)), n: int32(len(ids)), lat: int32(len(k.labels)), ln: int32(len(labels))}
	k.ids = append(k.ids, ids...)
	k.tf = append(k.tf, tf...)
	k.labels = append(k.labels, labels...)
	return l
}

// doc is a learnt segment's doc and labels, as it was learnt.
func (k *keptDocs) doc(l learnt) (suggest.Doc, []suggest.Label) {
	return suggest.DocOf(k.ids[l.at:l.at+l.n:l.at+l.n], k.tf[l.at:l.at+l.n:l.at+l.n]), k.labels[l.lat : l.lat+l.ln : l.lat+l.ln]
}

// drop counts a forgotten segment's part as garbage and, past half,
// copies the live parts together (docs is rewritten with their places).
func (k *keptDocs) drop(l learnt, docs map[SegRef]learnt) {
	k.garbage += int(l.n)
	if k.garbage < 1<<16 || 2*k.garbage < len(k.ids) {
		return
	}
	var fresh keptDocs
	for ref, l := range docs {
		d, labels := k.doc(l)
		docs[ref] = fresh.keep(d, labels)
	}
	*k = fresh
}

// CodeSuggestion is a code suggested for a segment.
type CodeSuggestion struct {
	Code CodeID `json:"-"`
	Path string `json:"code"`
	// Score is the model's probability that the coder gives this code to
	// the segment: the order matters more than the number.
	Score float64 `json:"score"`
	// Because are the segment's words that weigh most for the code
	// ("question: …" and "prompt: …" for its question and prompt).
	Because []string `json:"because"`
}

// SegmentSuggestions are the suggestions for one segment, best first.
type SegmentSuggestions struct {
	Ref         SegRef           `json:"-"`
	Segment     string           `json:"segment"`
	Suggestions []CodeSuggestion `json:"suggestions"`
}

// TrainSuggester learns coder's codings: every segment they coded (with
// the codes they gave it) or marked "reviewed, nothing applies" (with
// none). Consensus is derived, not a coder's work: it is refused.
func (s *Store) TrainSuggester(coder string) (*Suggester, error) {
	if coder == Consensus {
		return nil, errorf(ErrInvalidInput, "suggestions learn from one coder's own codings; %s is derived from the coders' (name a coder)", Consensus)
	}
	g := &Suggester{coder: coder}
	err := s.view(func(tx *bolt.Tx) error { return g.train(s, tx) })
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Codings counts the coder's codings learnt (a code once per segment,
// whatever its spans).
func (g *Suggester) Codings() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.codings
}

// Segments counts the segments of the coder's learnt: coded, or marked
// "nothing applies".
func (g *Suggester) Segments() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.docs)
}

// Coder is whose codings the suggester learnt.
func (g *Suggester) Coder() string { return g.coder }

// train (re)builds the model from the codebook and the coder's work.
func (g *Suggester) train(s *Store, tx *bolt.Tx) error {
	g.book = s.Codebook()
	g.model = suggest.New()
	g.docs = map[SegRef]learnt{}
	g.kept = keptDocs{}
	g.codings = 0
	if !g.withoutCodebook {
		g.learnCodebook()
	}
	id, ok := s.coderID(tx, g.coder)
	if !ok {
		g.coderID = 0 // nothing done yet: the codebook alone
		return nil
	}
	g.coderID = id
	r := newSegmentReader(tx)
	var seg SegRef
	var labels []suggest.Label
	flush := func() error {
		if seg == 0 {
			return nil
		}
		err := g.learn(r, seg, labels)
		labels = labels[:0]
		return err
	}
	// The coder's codings in segment order, then the segments marked
	// "nothing applies" (a mark and a coding never share a segment).
	c := recs(tx).byCoder()
	for k := c.seek(id); c.holds(k); k = c.next() {
		ref, code := k.seg(), k.code()
		if ref != seg {
			if err := flush(); err != nil {
				return err
			}
			seg = ref
		}
		if l := suggest.Label(code); !containsLabel(labels, l) {
			labels = append(labels, l)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	var marked []SegRef
	walkMarks(tx, id, func(ref SegRef) { marked = append(marked, ref) })
	for _, ref := range marked {
		if _, coded := g.docs[ref]; !coded {
			if err := g.learn(r, ref, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// codebookWeight is how many coded segments a code's own words count as.
// Chosen by measuring (suggest_test.go): over 30 splits of the coded
// survey, weights 1, 2, 3 and 5 gave 78.8, 80.9, 81.0 and 80.8 % on
// average, the worst split 69.0, 70.7, 71.9 and 69.0 %; on 30 other
// splits, not looked at before, 78.3, 80.0, 80.1 and 79.9 % (worst 69.5,
// 74.1, 74.1, 72.9 %). The coder's own codings soon outweigh it.
const codebookWeight = 3

// learnCodebook teaches every leaf code its own words.
func (g *Suggester) learnCodebook() {
	for _, c := range g.book.Codes() {
		if !g.book.IsLeaf(c.ID) {
			continue
		}
		for k := 0; k < codebookWeight; k++ {
			g.model.Learn(suggest.Features(c.Name+". "+c.Description+" "+c.Include, "", ""), []suggest.Label{suggest.Label(c.ID)})
		}
	}
}

func containsLabel(ls []suggest.Label, l suggest.Label) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// learn teaches one segment with its labels (a copy is kept).
func (g *Suggester) learn(r *segmentReader, ref SegRef, labels []suggest.Label) error {
	f, err := r.features(ref)
	if err != nil {
		return err
	}
	g.docs[ref] = g.kept.keep(g.model.Learn(f, labels), labels)
	g.codings += len(labels)
	return nil
}

// Learn follows the coder's work on some segments (those an action
// touched: ActionResult.Segments): each is forgotten and learnt again
// from what the store holds now. When the codebook changed, or an action
// touched more segments than it lists, call Retrain instead.
func (g *Suggester) Learn(s *Store, refs []SegRef) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.learnRefs(s, refs)
}

func (g *Suggester) learnRefs(s *Store, refs []SegRef) error {
	if s.Codebook() != g.book {
		return g.retrain(s)
	}
	return s.view(func(tx *bolt.Tx) error {
		if g.coderID == 0 {
			id, ok := s.coderID(tx, g.coder)
			if !ok {
				return nil // still nothing of theirs
			}
			g.coderID = id
		}
		r := newSegmentReader(tx)
		for _, ref := range refs {
			if old, ok := g.docs[ref]; ok {
				d, labels := g.kept.doc(old)
				g.model.Forget(d, labels)
				g.codings -= len(labels)
				delete(g.docs, ref)
				g.kept.drop(old, g.docs)
			}
			if !recs(tx).hasSegment(ref) {
				continue // its import was undone
			}
			labels, reviewed := g.labelsOf(tx, ref)
			if !reviewed {
				continue
			}
			if err := g.learn(r, ref, labels); err != nil {
				return err
			}
		}
		return nil
	})
}

// Retrain learns everything again (a codebook change, a bulk action).
func (g *Suggester) Retrain(s *Store) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.retrain(s)
}

func (g *Suggester) retrain(s *Store) error {
	return s.view(func(tx *bolt.Tx) error { return g.train(s, tx) })
}

// LearnAction follows one action's result, whoever's it was: the
// segments it lists are learnt again. It retrains instead (about a second
// per 100,000 codings) when the codebook changed, when the action touched
// more segments than it lists, or when it changed something without
// touching a coding (an import, an attribute edit: a segment's text,
// question or prompt may have changed).
func (g *Suggester) LearnAction(s *Store, res ActionResult) error {
	if res.Seq == 0 {
		return nil // nothing changed
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(res.Segments) >= maxTouched || len(res.Segments) == 0 || s.Codebook() != g.book {
		return g.retrain(s)
	}
	return g.learnRefs(s, res.Segments)
}

// labelsOf reads the codes the coder gave a segment, and whether they
// reviewed it at all (coded, or marked "nothing applies").
func (g *Suggester) labelsOf(tx *bolt.Tx, ref SegRef) ([]suggest.Label, bool) {
	var labels []suggest.Label
	reviewed := false
	rs := recs(tx)
	c := rs.byCoder()
	for k := c.seekSegment(g.coderID, ref); c.holds(k); k = c.next() {
		reviewed = true
		if l := suggest.Label(k.code()); !containsLabel(labels, l) {
			labels = append(labels, l)
		}
	}
	if !reviewed {
		reviewed = rs.markValue(ref, g.coderID) != nil
	}
	return labels, reviewed
}

// Unreviewed lists, in project order, the segments where selects that the
// coder has not reviewed (neither coded nor marked "nothing applies"):
// what is left to suggest for.
func (g *Suggester) Unreviewed(s *Store, where SegmentQuery) ([]SegRef, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []SegRef
	err := s.view(func(tx *bolt.Tx) error {
		refs, err := s.selectRefs(tx, where)
		if err != nil || g.coderID == 0 {
			out = refs
			return err
		}
		max := recs(tx).maxSegment()
		done := codedSet(tx, max, []CoderID{g.coderID})
		markedSet(tx, done, []CoderID{g.coderID})
		for _, r := range refs {
			if !done.has(r) {
				out = append(out, r)
			}
		}
		return nil
	})
	return out, err
}

// Suggest ranks codes for each segment, at most top each (0: every code
// the model knows). Codes the coder already gave the segment are left
// out, and so are codes no longer in the codebook.
func (g *Suggester) Suggest(s *Store, refs []SegRef, top int) ([]SegmentSuggestions, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s.Codebook() != g.book {
		if err := g.retrain(s); err != nil {
			return nil, err
		}
	}
	out := make([]SegmentSuggestions, 0, len(refs))
	err := s.view(func(tx *bolt.Tx) error {
		r := newSegmentReader(tx)
		for _, ref := range refs {
			f, err := r.features(ref)
			if err != nil {
				return err
			}
			var have []suggest.Label
			if g.coderID != 0 {
				have, _ = g.labelsOf(tx, ref)
			}
			ss := SegmentSuggestions{Ref: ref, Segment: r.id, Suggestions: []CodeSuggestion{}}
			for _, sg := range g.model.Suggest(f, 0) {
				if top > 0 && len(ss.Suggestions) == top {
					break
				}
				code, ok := g.book.Code(CodeID(sg.Label))
				if !ok || containsLabel(have, sg.Label) {
					continue
				}
				because := sg.Because
				if because == nil {
					because = []string{}
				}
				ss.Suggestions = append(ss.Suggestions, CodeSuggestion{Code: code.ID, Path: code.Path, Score: sg.Score, Because: because})
			}
			out = append(out, ss)
		}
		return nil
	})
	return out, err
}

// segmentReader reads what the model needs of a segment: its text, its
// question (the merged attribute question, else question_id) and its
// prompt, without decoding more of the record than it must. Asked in
// project order (as training asks), it walks the segments and texts with
// cursors instead of looking each up.
type segmentReader struct {
	tx                    *bolt.Tx
	question, qid, prompt *attrResolver
	segs                  *forward
	texts                 *textReader
	id                    string // the last segment's ID
}

func newSegmentReader(tx *bolt.Tx) *segmentReader {
	lookup := newAttrLookup(tx)
	rs := recs(tx)
	return &segmentReader{tx: tx, segs: rs.forwardSegments(), texts: rs.texts(),
		question: newAttrResolver(tx, lookup, "question"), qid: newAttrResolver(tx, lookup, "question_id"),
		prompt: newAttrResolver(tx, lookup, "prompt")}
}

func (r *segmentReader) features(ref SegRef) ([]suggest.Feature, error) {
	v := r.segs.get(ref)
	if v == nil {
		return nil, errorf(ErrNotFound, "no segment %d", ref)
	}
	rec, ok := scanSegmentRecord(v)
	if !ok {
		return nil, errorf(errCorrupt, "segment %d", ref)
	}
	r.id = segmentIDOf(v)
	str := func(res *attrResolver) string {
		if id := res.value(rec.source, rec.caseID, rec.pairs); id != 0 {
			return res.lookup.in.str(id)
		}
		return ""
	}
	q := str(r.question)
	if q == "" {
		q = str(r.qid)
	}
	return suggest.Features(string(r.texts.get(ref)), q, str(r.prompt)), nil
}

// segmentIDOf reads a segment record's ID in place ("" if it does not
// read: scanSegmentRecord has refused it already).
func segmentIDOf(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	b = b[1:]
	var n int
	for i := 0; i < 3; i++ { // source, case, ordinal
		if _, n = binary.Uvarint(b); n <= 0 {
			return ""
		}
		b = b[n:]
	}
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return ""
	}
	return string(b[n : n+int(l)])
}

// SimilarSegment is a segment like another, with how alike they are.
type SimilarSegment struct {
	Ref        SegRef
	ID         string
	Similarity float64 // cosine of their words' tf-idf weights, 0–1
}

// Similar lists up to n segments of the same source most like ref (the
// cosine of their words, each weighted by how rare it is in the source:
// tf-idf), most alike first; segments sharing no word are left out. One
// pass over the source's texts (about a second for 100,000 answers), so a
// screen asks it from a command.
func (s *Store) Similar(ref SegRef, n int) ([]SimilarSegment, error) {
	var out []SimilarSegment
	err := s.view(func(tx *bolt.Tx) error {
		rs := recs(tx)
		v := rs.segmentValue(ref)
		if v == nil {
			return errorf(ErrNotFound, "no segment %d", ref)
		}
		rec, ok := scanSegmentRecord(v)
		if !ok {
			return errorf(errCorrupt, "segment %d", ref)
		}
		// Every text of the source as (word id, count) pairs.
		type doc struct {
			ref   SegRef
			terms []int32
			tf    []float64
		}
		vocab := map[string]int32{}
		var df []float64
		var docs []doc
		query := -1
		src, ok := rs.source(rec.source)
		if !ok {
			return errorf(errCorrupt, "source %d of segment %d", rec.source, ref)
		}
		texts := rs.texts()
		for _, r := range rs.segmentsOf(&src) {
			d := doc{ref: r}
			for _, f := range suggest.Features(string(texts.get(r)), "", "") {
				id, ok := vocab[f.Key]
				if !ok {
					id = int32(len(df))
					vocab[f.Key] = id
					df = append(df, 0)
				}
				if i := slices.Index(d.terms, id); i >= 0 {
					d.tf[i]++
					continue
				}
				d.terms = append(d.terms, id)
				d.tf = append(d.tf, 1)
				df[id]++
			}
			if d.ref == ref {
				query = len(docs)
			}
			docs = append(docs, d)
		}
		if query < 0 {
			return nil
		}
		idf := make([]float64, len(df))
		for i, n := range df {
			idf[i] = math.Log(float64(len(docs)) / n)
		}
		weight := func(d doc, i int) float64 { return (1 + math.Log(d.tf[i])) * idf[d.terms[i]] }
		q := make(map[int32]float64, len(docs[query].terms))
		var qn float64
		for i, t := range docs[query].terms {
			x := weight(docs[query], i)
			q[t] = x
			qn += x * x
		}
		if qn == 0 {
			return nil
		}
		for j, d := range docs {
			if j == query {
				continue
			}
			var dot, dn float64
			for i, t := range d.terms {
				x := weight(d, i)
				dn += x * x
				dot += x * q[t]
			}
			if dot > 0 {
				out = append(out, SimilarSegment{Ref: d.ref, Similarity: dot / math.Sqrt(qn*dn)})
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Similarity > out[j].Similarity })
		if n > 0 && len(out) > n {
			out = out[:n]
		}
		for i := range out {
			out[i].ID = segmentIDOf(rs.segmentValue(out[i].Ref))
		}
		return nil
	})
	return out, err
}
