// Package suggest learns which codes a coder gives to which answers, and
// suggests codes for the answers not yet coded. It is offline and
// deterministic: nothing leaves the machine, and the same codings give
// the same suggestions.
//
// The model is naive Bayes, one yes/no question per code ("does this
// coder give code c to this segment?"), over a segment's features (see
// Features): for each code, how often each feature occurs in the
// segments the coder gave the code to and in the segments they coded
// otherwise. A segment's score for a code is the log-odds of the code
// given its features, turned into a probability; the features that
// weigh most for the code are the "because" words. Learning a segment is
// adding its counts, forgetting it subtracting them, so the model follows
// the coder's work one coding at a time. The package knows nothing of
// the store: callers give it features and labels.
package suggest

import (
	"math"
	"sort"
)

// A Label names a code; the caller chooses the numbering.
type Label uint32

// Model holds the counts naive Bayes needs. The zero value is not ready:
// use New.
type Model struct {
	vocab map[string]int32 // feature key → id
	keys  []string         // id → key

	docs   int              // segments learnt
	total  float64          // features over every segment learnt
	counts []float64        // by feature id: occurrences over every segment learnt
	live   int              // features with a count: the vocabulary smoothing spreads over
	labels map[Label]*label // per code
}

// label is one code's counts: the segments given it and their features.
type label struct {
	docs   int
	total  float64
	counts map[int32]float64
}

// New returns an empty model.
func New() *Model {
	return &Model{vocab: map[string]int32{}, labels: map[Label]*label{}}
}

// Doc is a segment's features as the model counts them: feature ids with
// their counts, and the words to show for each.
type Doc struct {
	ids    []int32
	tf     []float64
	words  []string
	unseen int // features the model has never counted (scoring only)
}

// Docs returns the number of segments learnt.
func (m *Model) Docs() int { return m.docs }

// doc interns a segment's features (adding new ones to the vocabulary
// when learning).
func (m *Model) doc(features []Feature, learn bool) Doc {
	d := Doc{ids: make([]int32, 0, len(features)), tf: make([]float64, 0, len(features))}
	if !learn {
		d.words = make([]string, 0, len(features))
	}
	var at map[int32]int // beyond a few dozen features a map finds repeats faster than a scan
	if len(features) > 48 {
		at = make(map[int32]int, len(features))
	}
	for _, f := range features {
		id, ok := m.vocab[f.Key]
		if ok && !learn && m.counts[id] == 0 {
			ok = false // only forgotten segments had it
		}
		if !ok {
			if !learn {
				d.unseen++
				continue
			}
			id = int32(len(m.keys))
			m.vocab[f.Key] = id
			m.keys = append(m.keys, f.Key)
			m.counts = append(m.counts, 0)
		}
		if i := d.find(id, at); i >= 0 {
			d.tf[i]++
			continue
		}
		if at != nil {
			at[id] = len(d.ids)
		}
		d.ids = append(d.ids, id)
		d.tf = append(d.tf, 1)
		if !learn {
			d.words = append(d.words, f.Word) // for "because", when scoring only
		}
	}
	return d
}

// find returns where id is among the doc's features, or -1.
func (d *Doc) find(id int32, at map[int32]int) int {
	if at != nil {
		if i, ok := at[id]; ok {
			return i
		}
		return -1
	}
	for i, x := range d.ids {
		if x == id {
			return i
		}
	}
	return -1
}

// Learn adds a segment the coder gave the codes labels (none: reviewed,
// nothing applies) and returns its counted form, which Forget takes to
// take it back out exactly.
func (m *Model) Learn(features []Feature, labels []Label) Doc {
	d := m.doc(features, true)
	m.add(d, labels, 1)
	return d
}

// Parts are a doc's feature ids and their counts, for a caller that keeps
// many learnt docs compactly (DocOf makes the doc again).
func (d Doc) Parts() ([]int32, []float64) { return d.ids, d.tf }

// DocOf is the doc whose Parts are ids and tf: one learnt before, to be
// forgotten.
func DocOf(ids []int32, tf []float64) Doc { return Doc{ids: ids, tf: tf} }

// Forget takes back a segment learnt with these labels.
func (m *Model) Forget(d Doc, labels []Label) { m.add(d, labels, -1) }

func (m *Model) add(d Doc, labels []Label, sign float64) {
	m.docs += int(sign)
	for i, id := range d.ids {
		was := m.counts[id]
		m.counts[id] += sign * d.tf[i]
		m.total += sign * d.tf[i]
		switch {
		case was == 0 && m.counts[id] != 0:
			m.live++
		case was != 0 && m.counts[id] == 0:
			m.live-- // a word only forgotten segments had: as if never seen
		}
	}
	for _, l := range labels {
		s := m.labels[l]
		if s == nil {
			s = &label{counts: map[int32]float64{}}
			m.labels[l] = s
		}
		s.docs += int(sign)
		for i, id := range d.ids {
			s.counts[id] += sign * d.tf[i]
			s.total += sign * d.tf[i]
			if s.counts[id] == 0 {
				delete(s.counts, id)
			}
		}
		if s.docs == 0 {
			delete(m.labels, l)
		}
	}
}

// Suggestion is a code suggested for a segment.
type Suggestion struct {
	Label Label
	// Score is the model's probability that the coder gives the code,
	// from its log-odds: a ranking more than a measure (naive Bayes is
	// sure of itself).
	Score float64
	// Because are the segment's words that weigh most for the code,
	// strongest first (at most three).
	Because []string

	logit float64
}

// Smoothing: alpha is added to every feature count (Laplace), prior to
// every code's count of segments.
const (
	alpha = 0.5
	prior = 1.0
)

// Suggest ranks the codes for a segment's features and returns the top
// n (every code the model knows, n ≤ 0). Ties go to the lower label, so
// the order never depends on a map's.
func (m *Model) Suggest(features []Feature, n int) []Suggestion {
	d := m.doc(features, false)
	v := float64(m.live) + 1 // the vocabulary, and one for every unseen feature
	out := make([]Suggestion, 0, len(m.labels))
	type weight struct {
		w    float64
		word string
	}
	var ws []weight
	for l, s := range m.labels {
		restDocs := float64(m.docs - s.docs)
		restTotal := m.total - s.total
		logit := math.Log((float64(s.docs) + prior) / (restDocs + prior)) // prior odds
		ws = ws[:0]
		for i, id := range d.ids {
			in := s.counts[id]
			rest := m.counts[id] - in
			w := math.Log((in+alpha)/(s.total+alpha*v)) - math.Log((rest+alpha)/(restTotal+alpha*v))
			logit += d.tf[i] * w
			if w > 0 && in > 0 {
				ws = append(ws, weight{d.tf[i] * w, d.words[i]})
			}
		}
		sort.SliceStable(ws, func(i, j int) bool {
			if ws[i].w != ws[j].w {
				return ws[i].w > ws[j].w
			}
			return ws[i].word < ws[j].word
		})
		var because []string
		for _, w := range ws {
			if len(because) == 3 {
				break
			}
			because = append(because, w.word)
		}
		out = append(out, Suggestion{Label: l, Score: 1 / (1 + math.Exp(-logit)), Because: because, logit: logit})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].logit != out[j].logit {
			return out[i].logit > out[j].logit
		}
		return out[i].Label < out[j].Label
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
