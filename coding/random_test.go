package coding

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qcode/corpus"
)

// Random sequences of actions by three coders, with undo and redo, checking
// after every step that the indexes, tallies, cases and codebook agree with
// the codings, and that undoing everything returns to the start byte for
// byte. SEEDS=n runs more sequences (make test runs a few).

// checkInvariants verifies index and tally consistency.
func checkInvariants(s *Store) error {
	return s.view(func(tx *bolt.Tx) error {
		codings := map[string]bool{}
		type tally struct{ n, segs int64 }
		want := map[[8]byte]*tally{}
		trio := map[string]bool{}
		book, err := readCodebook(tx)
		if err != nil {
			return fmt.Errorf("codebook: %v", err)
		}
		var errs []string
		tx.Bucket(bktCodings).ForEach(func(k, v []byte) error {
			codings[string(k)] = true
			key := parseCodingKey(k)
			var ck [8]byte
			copy(ck[:], countKey(key.Code, key.Coder))
			t := want[ck]
			if t == nil {
				t = &tally{}
				want[ck] = t
			}
			t.n++
			tk := string(k[:16])
			if !trio[tk] {
				trio[tk] = true
				t.segs++
			}
			if _, ok := book.byID[key.Code]; !ok {
				errs = append(errs, fmt.Sprintf("coding %+v: code %d not in codebook", key, key.Code))
			}
			if tx.Bucket(bktSegments).Get(u64(uint64(key.Seg))) == nil {
				errs = append(errs, fmt.Sprintf("coding %+v: segment %d missing", key, key.Seg))
			}
			if tx.Bucket(bktByCode).Get(key.byCode()) == nil {
				errs = append(errs, fmt.Sprintf("coding %+v: no bycode", key))
			}
			if tx.Bucket(bktByCoder).Get(key.byCoder()) == nil {
				errs = append(errs, fmt.Sprintf("coding %+v: no bycoder", key))
			}
			return nil
		})
		tx.Bucket(bktByCode).ForEach(func(k, v []byte) error {
			if !codings[string(parseByCodeKey(k).bytes())] {
				errs = append(errs, fmt.Sprintf("stray bycode %+v", parseByCodeKey(k)))
			}
			return nil
		})
		tx.Bucket(bktByCoder).ForEach(func(k, v []byte) error {
			if !codings[string(parseByCoderKey(k).bytes())] {
				errs = append(errs, fmt.Sprintf("stray bycoder %+v", parseByCoderKey(k)))
			}
			return nil
		})
		tx.Bucket(bktMemos).ForEach(func(k, v []byte) error {
			if !codings[string(k)] {
				errs = append(errs, fmt.Sprintf("stray memo %+v", parseCodingKey(k)))
			}
			if len(v) == 0 {
				errs = append(errs, "empty memo")
			}
			return nil
		})
		got := map[[8]byte]bool{}
		tx.Bucket(bktCounts).ForEach(func(k, v []byte) error {
			var ck [8]byte
			copy(ck[:], k)
			got[ck] = true
			n, segs := int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:]))
			w := want[ck]
			if w == nil {
				errs = append(errs, fmt.Sprintf("count %x = %d/%d, want none", k, n, segs))
			} else if w.n != n || w.segs != segs {
				errs = append(errs, fmt.Sprintf("count %x = %d/%d, want %d/%d", k, n, segs, w.n, w.segs))
			}
			return nil
		})
		for k, w := range want {
			if !got[k] {
				errs = append(errs, fmt.Sprintf("count %x missing, want %d/%d", k, w.n, w.segs))
			}
		}
		// casename <-> cases
		tx.Bucket(bktCaseName).ForEach(func(k, v []byte) error {
			r, err := decodeCase(tx.Bucket(bktCases).Get(v))
			if err != nil || r.name != string(k) {
				errs = append(errs, fmt.Sprintf("casename %q -> %d: bad case", k, getU64(v)))
			}
			return nil
		})
		tx.Bucket(bktCases).ForEach(func(k, v []byte) error {
			r, _ := decodeCase(v)
			if got := tx.Bucket(bktCaseName).Get([]byte(r.name)); !bytes.Equal(got, k) {
				errs = append(errs, fmt.Sprintf("case %d %q: casename lookup gives %x", getU64(k), r.name, got))
			}
			return nil
		})
		// segments -> their source's run, their text, their case
		tx.Bucket(bktSegments).ForEach(func(k, v []byte) error {
			r, err := decodeSegment(v)
			if err != nil {
				errs = append(errs, "bad segment")
				return nil
			}
			ref := getU64(k)
			if sr, ok := recs(tx).sourceRecord(r.source); !ok {
				errs = append(errs, fmt.Sprintf("segment %d: source %d missing", ref, r.source))
			} else if !slices.Contains(sr.segmentRefs(), SegRef(ref)) {
				errs = append(errs, fmt.Sprintf("segment %d: not in source %d's run", ref, r.source))
			}
			if recs(tx).text(SegRef(ref)) == nil {
				errs = append(errs, fmt.Sprintf("segment %d: no text", ref))
			}
			if r.caseID != 0 && tx.Bucket(bktCases).Get(u64(uint64(r.caseID))) == nil {
				errs = append(errs, fmt.Sprintf("segment %d: case %d missing", ref, r.caseID))
			}
			return nil
		})
		// Review marks: each has its index entry and a segment; no stray
		// index entry; samples name existing segments.
		tx.Bucket(bktMarks).ForEach(func(k, v []byte) error {
			seg, coder := parseMarkKey(k)
			if tx.Bucket(bktByMarker).Get(byMarkerKey(coder, seg)) == nil {
				errs = append(errs, fmt.Sprintf("mark %d/%d: no bymarker", seg, coder))
			}
			if tx.Bucket(bktSegments).Get(u64(uint64(seg))) == nil {
				errs = append(errs, fmt.Sprintf("mark %d/%d: segment missing", seg, coder))
			}
			return nil
		})
		tx.Bucket(bktByMarker).ForEach(func(k, v []byte) error {
			coder, seg := CoderID(binary.BigEndian.Uint32(k)), SegRef(binary.BigEndian.Uint64(k[4:]))
			if tx.Bucket(bktMarks).Get(markKey(seg, coder)) == nil {
				errs = append(errs, fmt.Sprintf("stray bymarker %d/%d", coder, seg))
			}
			return nil
		})
		tx.Bucket(bktSamples).ForEach(func(k, v []byte) error {
			_, refs, err := decodeSample(v)
			if err != nil || len(refs) == 0 {
				errs = append(errs, fmt.Sprintf("sample %s: %v, %d segments", k, err, len(refs)))
			}
			for _, r := range refs {
				if tx.Bucket(bktSegments).Get(u64(uint64(r))) == nil {
					errs = append(errs, fmt.Sprintf("sample %s: segment %d missing", k, r))
				}
			}
			return nil
		})
		// The record checks of `qcode check` must agree after every step.
		found := &findings{}
		(&recordCheck{tx: tx, found: found}).run()
		for _, p := range found.problems() {
			errs = append(errs, fmt.Sprintf("check: %s: %d: %s", p.Kind, p.Count, strings.Join(p.Examples, "; ")))
		}
		if len(errs) > 0 {
			sort.Strings(errs)
			if len(errs) > 8 {
				errs = append(errs[:8], fmt.Sprintf("... %d more", len(errs)-8))
			}
			return errors.New(strings.Join(errs, "\n"))
		}
		return nil
	})
}

// dump renders every bucket that undo should restore.
func dump(s *Store) string {
	var b strings.Builder
	s.view(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			switch string(name) {
			case "journal", "undo", "strs", "strix", "coders", "codername", "meta":
				return nil
			}
			if k, _ := bk.Cursor().First(); k == nil {
				return nil
			}
			fmt.Fprintf(&b, "[%s]\n", name)
			return bk.ForEach(func(k, v []byte) error {
				fmt.Fprintf(&b, "%x=%x\n", k, v)
				return nil
			})
		})
	})
	return b.String()
}

type randWorld struct {
	t      *testing.T
	s      *Store
	rng    *rand.Rand
	coders []string
	log    []string
	nsrc   int
	// stack of done actions (actor, seq), global order
	done []doneAct
	// suggesters per coder, following every action (LearnAction)
	suggesters map[string]*Suggester
	// texts of every import by its hash (checkTexts)
	texts map[string][]string
	// the storage layouts made so far (checkTexts)
	reached map[string]bool
}

type doneAct struct {
	actor string
	seq   uint64
	desc  string
}

func (w *randWorld) refs() []SegRef {
	refs, err := w.s.SegmentRefs(SegmentQuery{})
	if err != nil {
		w.t.Fatal(err)
	}
	return refs
}

func (w *randWorld) pickCode() (Code, bool) {
	codes := w.s.Codebook().Codes()
	if len(codes) == 0 {
		return Code{}, false
	}
	return codes[w.rng.IntN(len(codes))], true
}

func (w *randWorld) codingsOf(seg SegRef, coder string) []Coding {
	id, ok := w.s.CoderID(coder)
	if !ok {
		return nil
	}
	cs, _ := w.s.CodingsOf(seg, []CoderID{id})
	return cs
}

// newSrc is a source of n segments spoken by P0, P1 and P2: names across
// sources (a survey's respondents, shared speakers) or, scoped, within it
// (a transcript's speakers), with attributes on every layer under names
// that differ in case (for the attribute actions).
func newSrc(name string, n int, hash string, scoped bool) *corpus.Source {
	src := &corpus.Source{Name: name, File: name + ".csv", Format: "csv", Hash: hash, ScopedCases: scoped,
		Attributes: []corpus.Attribute{{Name: "method", Value: "survey"}},
		Cases:      []corpus.Case{{Name: "P1", Attributes: []corpus.Attribute{{Name: "Sector", Value: "Adults"}}}}}
	for i := 0; i < n; i++ {
		label := fmt.Sprintf("P%d", i%3)
		src.Segments = append(src.Segments, corpus.Segment{
			ID: fmt.Sprintf("%s-%d", name, i+1), Case: label,
			Text: fmt.Sprintf("answer %d of %s with some words here", i, name),
			Attributes: []corpus.Attribute{{Name: "speaker", Value: label},
				{Name: []string{"role", "Role"}[i%2], Value: []string{"Lead", "lead", "Manager"}[i%3]}},
		})
	}
	return src
}

// shape gives a random import what newSrc's never has: a speaker's or
// respondent's consecutive segments (bycase runs longer than one) and a
// text over textChunkBytes (a chunk cut by size), and notes its texts.
func (w *randWorld) shape(src *corpus.Source) {
	rng := w.rng
	if rng.IntN(2) == 0 {
		run := 2 + rng.IntN(3)
		for i := range src.Segments {
			label := fmt.Sprintf("P%d", (i/run)%3)
			src.Segments[i].Case = label
			src.Segments[i].Attributes[0].Value = label
		}
	}
	if rng.IntN(4) == 0 {
		i := rng.IntN(len(src.Segments))
		src.Segments[i].Text += strings.Repeat(" and more words", textChunkBytes/15+rng.IntN(200))
	}
	w.noteTexts(src)
}

// noteTexts keeps an import's texts by its hash (unique in this world),
// for checkTexts.
func (w *randWorld) noteTexts(src *corpus.Source) {
	if w.texts == nil {
		w.texts = map[string][]string{}
	}
	for _, seg := range src.Segments {
		w.texts[src.Hash] = append(w.texts[src.Hash], seg.Text)
	}
}

// checkTexts reads every segment's text as searches and listings do (in
// SegRef order, through one textReader) and compares it with what its
// import gave (sources this world imported through ImportSource).
func (w *randWorld) checkTexts() error {
	if w.reached == nil {
		w.reached = map[string]bool{}
	}
	return w.s.view(func(tx *bolt.Tx) error {
		rs := recs(tx)
		texts := rs.texts()
		srcs, err := readSources(tx)
		if err != nil {
			return err
		}
		hash := map[SourceID]string{}
		for _, src := range srcs {
			hash[src.ID] = src.Hash
		}
		tx.Bucket(bktTexts).ForEach(func(k, v []byte) error {
			offs, body, _ := decodeTextChunk(v, nil)
			switch {
			case len(offs) == textChunkSegments+1:
				w.reached["a chunk of 64 segments"] = true
			case len(body) >= textChunkBytes && len(offs) > 2:
				w.reached["a chunk of several segments cut by size"] = true
			}
			return nil
		})
		tx.Bucket(bktByCase).ForEach(func(k, v []byte) error {
			if n, _ := caseRunLen(v); n > 1 {
				w.reached["a bycase run of several segments"] = true
			}
			return nil
		})
		return tx.Bucket(bktSegments).ForEach(func(k, v []byte) error {
			r, err := decodeSegment(v)
			if err != nil {
				return err
			}
			want, ok := w.texts[hash[r.source]]
			if !ok {
				return nil // imported otherwise (TestRandomImportProject)
			}
			if r.ordinal < 1 || r.ordinal > len(want) {
				return fmt.Errorf("segment %d: ordinal %d of an import of %d", getU64(k), r.ordinal, len(want))
			}
			if got := texts.get(SegRef(getU64(k))); string(got) != want[r.ordinal-1] {
				return fmt.Errorf("segment %d: text %q, want %q", getU64(k), corpus.Excerpt(string(got)), corpus.Excerpt(want[r.ordinal-1]))
			}
			return nil
		})
	})
}

// attrStep is one random attribute action: rename a value, rename a name,
// or set (or remove) one on a source or case.
func (w *randWorld) attrStep(actor string, kind int) (string, ActionResult, error) {
	rng := w.rng
	sum, err := w.s.Attributes()
	if err != nil || len(sum.Attributes) == 0 {
		return "", ActionResult{}, err
	}
	at := sum.Attributes[rng.IntN(len(sum.Attributes))]
	names := []string{"role", "Role", "sector", "SECTOR", "method", "grade"}
	values := []string{"Lead", "lead", "Manager", "Adults", ""}
	var r AttributeChange
	var what string
	switch kind {
	case 0:
		if len(at.Values) == 0 {
			return "", ActionResult{}, nil
		}
		old, new := at.Values[rng.IntN(len(at.Values))].Value, values[rng.IntN(len(values)-1)]
		what = fmt.Sprintf("%s rename %s value %q to %q", actor, at.Name, old, new)
		r, err = w.s.RenameAttributeValue(actor, at.Name, old, new)
	case 1:
		new := names[rng.IntN(len(names))]
		what = fmt.Sprintf("%s rename attribute %s to %s", actor, at.Name, new)
		r, err = w.s.RenameAttribute(actor, at.Name, new)
	default:
		var on AttributeTarget
		if rng.IntN(2) == 0 {
			srcs, _ := w.s.Sources()
			on.Source = srcs[rng.IntN(len(srcs))].Name
		} else {
			on.Case = fmt.Sprintf("p%d", rng.IntN(3))
		}
		name, value := names[rng.IntN(len(names))], values[rng.IntN(len(values))]
		what = fmt.Sprintf("%s set %s=%q on %+v", actor, name, value, on)
		r, err = w.s.SetAttribute(actor, on, name, value)
	}
	return what, r.ActionResult, err
}

// memoStep writes, edits or deletes the actor's memo on a segment, or
// (other) on a source, case, code or journal entry.
func (w *randWorld) memoStep(actor string, seg SegRef, other bool) (string, ActionResult, error) {
	rng := w.rng
	text := []string{"", "n1", "n2 longer"}[rng.IntN(3)]
	t := MemoTarget{Kind: MemoSegment, Segment: seg}
	if other {
		var err error
		switch rng.IntN(4) {
		case 0:
			srcs, _ := w.s.Sources()
			t = MemoTarget{Kind: MemoSource, Source: srcs[rng.IntN(len(srcs))].ID}
		case 1:
			cases, _ := w.s.Cases()
			if len(cases) == 0 {
				return "", ActionResult{}, nil
			}
			t = MemoTarget{Kind: MemoCase, Case: cases[rng.IntN(len(cases))].ID}
		case 2:
			c, ok := w.pickCode()
			if !ok {
				return "", ActionResult{}, nil
			}
			t = MemoTarget{Kind: MemoCode, Code: c.ID}
		default:
			t = MemoTarget{Kind: MemoProject}
			if rng.IntN(2) == 0 {
				t, err = w.s.FindMemoTarget(MemoProject, strconv.Itoa(1+rng.IntN(3)))
				if err != nil {
					return "", ActionResult{}, nil
				}
			} else if text == "" {
				text = "entry"
			}
		}
	} else if seg == 0 {
		return "", ActionResult{}, nil
	}
	what := fmt.Sprintf("%s memo %q on %+v", actor, text, t)
	r, err := w.s.SetMemoOn(actor, t, text)
	return what, r.ActionResult, err
}

// step performs one random action; withUndo enables undo/redo.
func (w *randWorld) step(withUndo bool, actor string) {
	rng := w.rng
	if actor == "" {
		actor = w.coders[rng.IntN(len(w.coders))]
	}
	refs := w.refs()
	var seg SegRef
	if len(refs) > 0 {
		seg = refs[rng.IntN(len(refs))]
	}
	var res ActionResult
	var err error
	var what string
	n := 27
	if withUndo {
		n = 31
	}
	k := rng.IntN(n) // undo and redo come last: without them, n stops short
	switch {
	case k < 3 && seg != 0:
		c, _ := w.pickCode()
		span := Span{}
		if rng.IntN(2) == 0 {
			st := rng.IntN(5)
			span = Span{st, st + 1 + rng.IntN(5)}
		}
		what = fmt.Sprintf("%s apply %s seg %d span %v", actor, c.Path, seg, span)
		var r ApplyResult
		r, err = w.s.Apply(actor, seg, c.ID, span)
		res = r.ActionResult
	case k < 5 && seg != 0:
		c, _ := w.pickCode()
		what = fmt.Sprintf("%s toggle %s seg %d", actor, c.Path, seg)
		var r ApplyResult
		r, err = w.s.Toggle(actor, seg, c.ID)
		res = r.ActionResult
	case k < 6 && seg != 0:
		cs := w.codingsOf(seg, actor)
		if len(cs) == 0 {
			return
		}
		c := cs[rng.IntN(len(cs))]
		what = fmt.Sprintf("%s remove %+v", actor, c.CodingKey)
		res, err = w.s.Remove(actor, c.CodingKey)
	case k < 7 && seg != 0:
		cs := w.codingsOf(seg, actor)
		if len(cs) == 0 {
			return
		}
		c := cs[rng.IntN(len(cs))]
		what = fmt.Sprintf("%s star %+v", actor, c.CodingKey)
		res, err = w.s.SetStar(actor, c.CodingKey, !c.Starred)
	case k < 8 && seg != 0:
		cs := w.codingsOf(seg, actor)
		if len(cs) == 0 {
			return
		}
		c := cs[rng.IntN(len(cs))]
		memo := []string{"", "m1", "m2"}[rng.IntN(3)]
		what = fmt.Sprintf("%s memo %q %+v", actor, memo, c.CodingKey)
		res, err = w.s.SetMemo(actor, c.CodingKey, memo)
	case k < 9:
		a, ok1 := w.pickCode()
		b, ok2 := w.pickCode()
		if !ok1 || !ok2 {
			return
		}
		what = fmt.Sprintf("%s merge %s into %s", actor, a.Path, b.Path)
		var r MergeResult
		r, err = w.s.MergeCode(actor, a.Path, b.Path)
		res = r.ActionResult
	case k < 10:
		if rng.IntN(3) != 0 {
			return
		}
		a, ok := w.pickCode()
		if !ok {
			return
		}
		what = fmt.Sprintf("%s delete %s", actor, a.Path)
		res, err = w.s.DeleteCode(actor, a.Path)
	case k < 11:
		a, ok1 := w.pickCode()
		b, _ := w.pickCode()
		if !ok1 {
			return
		}
		to := b.Path
		if rng.IntN(3) == 0 {
			to = ""
		}
		what = fmt.Sprintf("%s move %s under %q", actor, a.Path, to)
		res, err = w.s.MoveCode(actor, a.Path, to)
	case k < 12:
		a, ok := w.pickCode()
		path := "New" + strconv.Itoa(rng.IntN(4))
		if ok && rng.IntN(2) == 0 {
			path = a.Path + "/" + path
		}
		what = fmt.Sprintf("%s add %s", actor, path)
		_, res, err = w.s.AddCode(actor, path, CodeDetails{Group: rng.IntN(3) == 0, Exclusive: rng.IntN(4) == 0})
	case k < 13 && len(refs) > 0:
		// import codings
		var b strings.Builder
		b.WriteString("segment,code,coder,start,end,starred,memo\n")
		segs, _ := w.s.Load(refs, nil)
		for i := 0; i < 1+rng.IntN(4); i++ {
			sg := segs[rng.IntN(len(segs))]
			c, ok := w.pickCode()
			path := "Imported/X" + strconv.Itoa(rng.IntN(3))
			if ok && rng.IntN(3) != 0 {
				path = c.Path
			}
			if rng.IntN(4) == 0 { // a review mark
				fmt.Fprintf(&b, "%s,,%s,,,,\n", w.s.QualifiedID(&sg), w.coders[rng.IntN(len(w.coders))])
				continue
			}
			st, en := "", ""
			if rng.IntN(2) == 0 {
				s0 := rng.IntN(5)
				st, en = strconv.Itoa(s0), strconv.Itoa(s0+1+rng.IntN(4))
			}
			star := []string{"", "true", "false"}[rng.IntN(3)]
			memo := []string{"", "im"}[rng.IntN(2)]
			fmt.Fprintf(&b, "%s,%q,%s,%s,%s,%s,%s\n", w.s.QualifiedID(&sg), path, w.coders[rng.IntN(len(w.coders))], st, en, star, memo)
		}
		what = fmt.Sprintf("%s import codings\n%s", actor, b.String())
		var r CodingsImport
		r, err = w.s.ImportCodings(actor, "c.csv", strings.NewReader(b.String()))
		res = r.ActionResult
	case k < 14:
		// import a source (new or replace)
		replace := w.nsrc > 0 && rng.IntN(2) == 0
		name := fmt.Sprintf("src%d", w.nsrc)
		if replace {
			name = fmt.Sprintf("src%d", rng.IntN(w.nsrc))
		} else {
			w.nsrc++
		}
		n := 2 + rng.IntN(3)
		if rng.IntN(5) == 0 { // several texts chunks: 64 segments or more
			n = 60 + rng.IntN(75)
		}
		src := newSrc(name, n, fmt.Sprintf("h%d", rng.Int()), rng.IntN(2) == 0)
		w.shape(src)
		what = fmt.Sprintf("%s import %s replace=%v n=%d scoped=%v", actor, name, replace, len(src.Segments), src.ScopedCases)
		var r ImportResult
		r, err = w.s.ImportSource(actor, src, ImportOptions{Replace: replace})
		res = r.ActionResult
	case k < 15 && seg != 0:
		c, _ := w.pickCode()
		kind := []DecisionKind{TakeUnion, TakeNone, TakeCoder}[rng.IntN(3)]
		d := Decision{Kind: kind}
		if kind == TakeCoder {
			d.Coder = w.coders[rng.IntN(len(w.coders))]
		}
		what = fmt.Sprintf("%s settle %s seg %d %v", actor, c.Path, seg, d)
		var r SettleResult
		r, err = w.s.Settle(actor, seg, c.ID, d)
		res = r.ActionResult
	case k < 16:
		a, ok := w.pickCode()
		if !ok {
			return
		}
		name := "R" + strconv.Itoa(rng.IntN(3))
		what = fmt.Sprintf("%s rename %s to %s", actor, a.Path, name)
		res, err = w.s.RenameCode(actor, a.Path, name)
	case k < 17:
		// a cases sheet: a source's speaker joins a case, or gets attributes
		srcName := "base"
		if w.nsrc > 0 && rng.IntN(3) != 0 {
			srcName = fmt.Sprintf("src%d", rng.IntN(w.nsrc))
		}
		row := corpus.Case{Source: srcName, Speaker: fmt.Sprintf("P%d", rng.IntN(3)),
			Name: []string{"", "J0", "J1", "P0", "base:P1"}[rng.IntN(5)]}
		if rng.IntN(2) == 0 {
			row.Attributes = []Attribute{{Name: "role", Value: []string{"a", "b"}[rng.IntN(2)]}}
		}
		what = fmt.Sprintf("%s cases %s:%s → %q %v", actor, row.Source, row.Speaker, row.Name, row.Attributes)
		var r CasesResult
		r, err = w.s.ImportCases(actor, []corpus.Case{row})
		res = r.ActionResult
	case k < 18 && seg != 0:
		marked, _ := w.s.Marked(actor)
		on := !marked.Has(seg)
		what = fmt.Sprintf("%s mark seg %d %v", actor, seg, on)
		res, err = w.s.SetReviewed(actor, seg, on)
	case k < 19:
		name := "icr" + strconv.Itoa(rng.IntN(2))
		spec := SampleSpec{Name: name, Replace: rng.IntN(2) == 0, Seed: rng.Uint64()}
		if rng.IntN(2) == 0 {
			spec.Size = []string{"1", "2", "50%"}[rng.IntN(3)]
		} else if len(refs) > 0 {
			segs, _ := w.s.Load(refs, nil)
			for i := range 1 + rng.IntN(3) {
				sg := segs[rng.IntN(len(segs))]
				spec.Segments = append(spec.Segments, SegmentLine{Line: i + 1, ID: w.s.QualifiedID(&sg)})
			}
		} else {
			return
		}
		what = fmt.Sprintf("%s sample %+v", actor, spec)
		var r SampleResult
		r, err = w.s.CreateSample(actor, spec)
		res = r.ActionResult
	case k < 20:
		name := "icr" + strconv.Itoa(rng.IntN(2))
		what = fmt.Sprintf("%s delete sample %s", actor, name)
		res, err = w.s.DeleteSample(actor, name)
	case k < 23:
		what, res, err = w.attrStep(actor, k-20)
	case k < 25:
		what, res, err = w.memoStep(actor, seg, k == 24)
	case k < 26:
		// code every match of a random filter
		c, ok := w.pickCode()
		if !ok {
			return
		}
		specs := [][]string{{"text=answer 1"}, {"role=lead"}, {"uncoded"}, {"code=A", "unreviewed"}, {"source=base", "starred"}, {"Role=Manager", "text=src"}, {"role!=lead"}, {"role=lead,Manager", "uncoded"}}
		spec := specs[rng.IntN(len(specs))]
		q, perr := ParseQuery(spec)
		if perr != nil {
			w.t.Fatal(perr)
		}
		q.Coders = []string{actor}
		if rng.IntN(3) == 0 && len(refs) > 0 {
			// The segments a screen showed, one of them perhaps gone since.
			q = SegmentQuery{Refs: []SegRef{refs[rng.IntN(len(refs))], refs[rng.IntN(len(refs))], refs[len(refs)-1] + 1}}
			spec = []string{fmt.Sprint("refs ", q.Refs)}
		}
		what = fmt.Sprintf("%s code every match of %v with %s", actor, spec, c.Path)
		var r CodeAllResult
		r, err = w.s.CodeAll(actor, q, c.ID)
		res = r.ActionResult
	case k < 27 && len(refs) > 0:
		// a passage across segments: each segment's part, in one action
		c, ok := w.pickCode()
		if !ok {
			return
		}
		var passages []SegmentSpan
		for i := 0; i < 1+rng.IntN(3); i++ {
			p := SegmentSpan{Seg: refs[rng.IntN(len(refs))]}
			if rng.IntN(2) == 0 {
				st := rng.IntN(5)
				p.Span = Span{st, st + 1 + rng.IntN(5)}
			}
			passages = append(passages, p)
		}
		what = fmt.Sprintf("%s apply %s to passages %v", actor, c.Path, passages)
		var r ApplySpansResult
		r, err = w.s.ApplySpans(actor, c.ID, passages)
		res = r.ActionResult
	case k < 29:
		what = actor + " undo"
		res, err = w.s.Undo(actor)
		if err == nil {
			what += fmt.Sprintf(" (seq %d %s)", res.Seq, res.Desc)
			for i := len(w.done) - 1; i >= 0; i-- {
				if w.done[i].seq == res.Seq {
					w.done = append(w.done[:i], w.done[i+1:]...)
					break
				}
			}
		}
	case k < 31:
		what = actor + " redo"
		res, err = w.s.Redo(actor)
		if err == nil {
			what += fmt.Sprintf(" (seq %d %s)", res.Seq, res.Desc)
			w.done = append(w.done, doneAct{actor, res.Seq, res.Desc})
		}
	default:
		return
	}
	if what == "" {
		return
	}
	if err != nil {
		what += " -> error: " + err.Error()
	} else if !strings.HasSuffix(what, "undo") && !strings.Contains(what, " undo (") && !strings.Contains(what, " redo") && res.Seq != 0 {
		w.done = append(w.done, doneAct{actor, res.Seq, res.Desc})
	}
	w.log = append(w.log, what)
	if err == nil {
		w.learn(res)
	}
	if ierr := checkInvariants(w.s); ierr != nil {
		w.t.Fatalf("invariant broken after step %d:\n%s\n--- log:\n%s", len(w.log), ierr, strings.Join(w.log, "\n"))
	}
	if terr := w.checkTexts(); terr != nil {
		w.t.Fatalf("texts after step %d:\n%s\n--- log:\n%s", len(w.log), terr, strings.Join(w.log, "\n"))
	}
	if cerr := checkConsensus(w.s); cerr != nil {
		w.t.Fatalf("consensus differs from its rule after step %d:\n%s\n--- log:\n%s", len(w.log), cerr, strings.Join(w.log, "\n"))
	}
	if err != nil && strings.Contains(err.Error(), "corrupt") {
		w.t.Fatalf("corrupt error:\n%s", strings.Join(w.log, "\n"))
	}
}

// learn lets every coder's suggester follow an action, and checks now and
// then that what it learnt step by step is what it would learn afresh.
func (w *randWorld) learn(res ActionResult) {
	if w.suggesters == nil {
		w.suggesters = map[string]*Suggester{}
		for _, c := range w.coders {
			g, err := w.s.TrainSuggester(c)
			if err != nil {
				w.t.Fatal(err)
			}
			w.suggesters[c] = g
		}
	}
	for _, c := range w.coders {
		if err := w.suggesters[c].LearnAction(w.s, res); err != nil {
			w.t.Fatalf("%s's suggester after step %d: %v", c, len(w.log), err)
		}
	}
	if len(w.log)%10 != 0 {
		return
	}
	refs := w.refs()
	for _, c := range w.coders {
		fresh, err := w.s.TrainSuggester(c)
		if err != nil {
			w.t.Fatal(err)
		}
		got, err1 := w.suggesters[c].Suggest(w.s, refs, 0)
		want, err2 := fresh.Suggest(w.s, refs, 0)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) || w.suggesters[c].Codings() != fresh.Codings() {
			w.t.Fatalf("%s's suggestions learnt step by step differ from learnt afresh after step %d (%v %v):\n%+v\n%+v\n--- log:\n%s",
				c, len(w.log), err1, err2, got, want, strings.Join(w.log, "\n"))
		}
	}
}

func newWorld(t *testing.T, seed uint64) *randWorld {
	path := filepath.Join(t.TempDir(), "p.qcode")
	s, err := Create(path, CreateOptions{Codes: []CodeSpec{
		{Name: "A", Codes: []CodeSpec{{Name: "a1"}, {Name: "a2"}}},
		{Name: "G", Group: true, Exclusive: true, Codes: []CodeSpec{{Name: "L1"}, {Name: "L2"}}},
		{Name: "H", Group: true, Codes: []CodeSpec{{Name: "M1"}, {Name: "M2"}}},
		{Name: "B", Codes: []CodeSpec{{Name: "A", Codes: []CodeSpec{{Name: "a1"}}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	checkWhenDone(t, s, path)
	base := newSrc("base", 4, "base", false)
	if _, err := s.ImportSource("qcode-demo", base, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("NOREPLAY") == "" {
		checkReplays(t)
	}
	w := &randWorld{t: t, s: s, rng: rand.New(rand.NewPCG(seed, seed)), coders: []string{"alice", "bob", "carol"}}
	w.noteTexts(base)
	return w
}

func seeds() int {
	if v, err := strconv.Atoi(os.Getenv("SEEDS")); err == nil {
		return v
	}
	return 25
}

// Phase A: actions only, then undo all in global reverse order → start.
func TestRandomUndoAll(t *testing.T) {
	for seed := uint64(0); seed < uint64(seeds()); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			w := newWorld(t, seed)
			start := dump(w.s)
			for i := 0; i < 40; i++ {
				w.step(false, "")
			}
			for i := len(w.done) - 1; i >= 0; i-- {
				d := w.done[i]
				res, err := w.s.Undo(d.actor)
				if err != nil {
					t.Fatalf("undo %v: %v\nlog:\n%s", d, err, strings.Join(w.log, "\n"))
				}
				if res.Seq != d.seq {
					t.Fatalf("undo %v undid seq %d", d, res.Seq)
				}
				if ierr := checkInvariants(w.s); ierr != nil {
					t.Fatalf("after undo of %v: %v\nlog:\n%s", d, ierr, strings.Join(w.log, "\n"))
				}
			}
			if got := dump(w.s); got != start {
				t.Fatalf("undo all did not return to start\nlog:\n%s\n%s", strings.Join(w.log, "\n"), diffLines(start, got))
			}
		})
	}
}

// Phase B: with undo/redo interleaved across coders; invariants only.
func TestRandomWithUndo(t *testing.T) {
	for seed := uint64(0); seed < uint64(seeds()); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			w := newWorld(t, seed+10000)
			for i := 0; i < 60; i++ {
				w.step(true, "")
			}
		})
	}
}

// TestRandomReachesEveryLayout: the random sequences make every layout of
// texts and bycase that schema 5 has (a chunk of 64 segments, a chunk cut
// by size, a case's run of several segments), and checkInvariants (check's
// record checks) and checkTexts pass on each. Sequences as
// TestRandomWithUndo's, until each layout was made (seeds 0 to 2 do).
func TestRandomReachesEveryLayout(t *testing.T) {
	layouts := []string{"a chunk of 64 segments", "a chunk of several segments cut by size", "a bycase run of several segments"}
	reached := map[string]bool{}
	for seed := uint64(0); seed < 8 && len(reached) < len(layouts); seed++ {
		w := newWorld(t, seed+10000)
		for i := 0; i < 60; i++ {
			w.step(true, "")
		}
		for l := range w.reached {
			reached[l] = true
		}
	}
	for _, l := range layouts {
		if !reached[l] {
			t.Errorf("no random sequence of eight made %s", l)
		}
	}
}

// Phase C: one actor with undo/redo, then undo all → start.
func TestRandomOneActor(t *testing.T) {
	for seed := uint64(0); seed < uint64(seeds()); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			w := newWorld(t, seed+20000)
			start := dump(w.s)
			for i := 0; i < 50; i++ {
				w.step(true, "alice")
			}
			for {
				_, err := w.s.Undo("alice")
				if errors.Is(err, ErrNothingUndo) {
					break
				}
				if err != nil {
					t.Fatalf("undo: %v\nlog:\n%s", err, strings.Join(w.log, "\n"))
				}
			}
			if got := dump(w.s); got != start {
				t.Fatalf("undo all did not return to start\nlog:\n%s\n%s", strings.Join(w.log, "\n"), diffLines(start, got))
			}
		})
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	am, bm := map[string]bool{}, map[string]bool{}
	for _, l := range al {
		am[l] = true
	}
	for _, l := range bl {
		bm[l] = true
	}
	var out []string
	for _, l := range al {
		if !bm[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bl {
		if !am[l] {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > 30 {
		out = out[:30]
	}
	return strings.Join(out, "\n")
}

// checkReplays makes every logged action of the test prove its write-ahead
// record: before the commit, the transaction is dumped whole (every bucket,
// key, value and sequence, the journal and meta included) and rolled back,
// the record is decoded and replayed in a new transaction as an open after
// a crash would, and the two dumps must be the same; the replay is what is
// committed. At the end, the test must have replayed some.
func checkReplays(t *testing.T) {
	n := 0
	testHookLogged = func(s *Store, tx *bolt.Tx, r *walRecord, body []byte) (*bolt.Tx, error) {
		want := txDump(tx)
		txid := tx.ID()
		if err := tx.Rollback(); err != nil {
			return nil, err
		}
		dec, err := decodeWALRecord(body)
		if err != nil {
			t.Fatalf("record of %q: %v", r.actor, err)
		}
		tx2, err := s.db.Begin(true)
		if err != nil {
			return nil, err
		}
		if tx2.ID() != txid {
			t.Fatalf("replay in transaction %d, the action's was %d", tx2.ID(), txid)
		}
		if _, err := s.replay(tx2, dec, idOf(body)); err != nil {
			tx2.Rollback()
			t.Fatalf("replay of a record (kind %d, actor %s, seq %d): %v", dec.kind, dec.actor, dec.seq, err)
		}
		if got := txDump(tx2); got != want {
			tx2.Rollback()
			t.Fatalf("replay of a record (kind %d, actor %s, seq %d) differs from the action:\n%s", dec.kind, dec.actor, dec.seq, diffLines(want, got))
		}
		n++
		return tx2, nil
	}
	t.Cleanup(func() {
		testHookLogged = nil
		if n == 0 && !t.Failed() {
			t.Errorf("no action was logged")
		}
	})
}

// txDump renders everything tx sees: buckets, nested buckets, keys,
// values, sequences.
func txDump(tx *bolt.Tx) string {
	var b strings.Builder
	var walk func(bk *bolt.Bucket, indent string)
	walk = func(bk *bolt.Bucket, indent string) {
		bk.ForEach(func(k, v []byte) error {
			if sub := bk.Bucket(k); v == nil && sub != nil {
				fmt.Fprintf(&b, "%s[%x] seq %d\n", indent, k, sub.Sequence())
				walk(sub, indent+"  ")
				return nil
			}
			fmt.Fprintf(&b, "%s%x=%x\n", indent, k, v)
			return nil
		})
	}
	tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
		fmt.Fprintf(&b, "[%s] seq %d\n", name, bk.Sequence())
		walk(bk, "  ")
		return nil
	})
	return b.String()
}
