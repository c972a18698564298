package refi

import (
	"strconv"
	"strings"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
	"qcode/corpus/qdaxml"
)

// readCases gives segments their cases: qcode's own as they were; from
// another tool, a case's selections, else the whole source it holds (a
// one-person interview), else (a source several speakers share) its
// variables become the source's.
func (r *reader) readCases() error {
	if r.p.Cases == nil {
		return nil
	}
	scoped := map[string]sidecarCase{}
	if r.side != nil {
		for _, c := range r.side.Cases {
			scoped[qdaxml.GUIDKey(c.GUID)] = c
		}
	}
	assigned := map[[2]int]bool{}
	taken := map[string]bool{}
	unused, shared := 0, 0
	r.cases = map[string]string{}
	for n, c := range r.p.Cases.Case {
		var name string
		if sc, ok := scoped[qdaxml.GUIDKey(c.GUID)]; ok {
			name = coding.ScopedCaseName(printable.Strip(sc.Source), printable.Strip(sc.Label))
		} else if r.side != nil {
			name = printable.Strip(c.Name)
		} else {
			name = uniqueName(clean(c.Name), taken)
		}
		if name == "" {
			name = uniqueName("case "+strconv.Itoa(n+1), taken)
		}
		taken[name] = true
		attrs := r.attributes(c.VariableValues)
		got, described := 0, false
		give := func(s *source, seg int) {
			k := [2]int{s.index, seg}
			if assigned[k] {
				return
			}
			assigned[k] = true
			s.src.Segments[seg].Case = name
			got++
		}
		for _, ref := range c.SelectionRefs {
			sel, ok := r.sels[qdaxml.GUIDKey(ref.Target)]
			if !ok {
				continue
			}
			s := r.sources[sel.src]
			if seg, ok := s.isSeg[qdaxml.GUIDKey(ref.Target)]; ok {
				give(s, seg)
				continue
			}
			for _, cv := range s.segmentsIn(sel.start, sel.end) {
				give(s, cv.seg)
			}
		}
		for _, ref := range c.SourceRefs {
			i, ok := r.byGUID[qdaxml.GUIDKey(ref.Target)]
			if !ok || r.sources[i].src == nil {
				continue
			}
			s := r.sources[i]
			speakers := map[string]bool{}
			for _, seg := range s.src.Segments {
				if seg.Case != "" {
					speakers[seg.Case] = true
				}
			}
			if len(speakers) > 1 {
				// A focus group held by one case: its speakers stay
				// cases, and the case's variables describe the source.
				s.src.Attributes = mergeMissing(s.src.Attributes, attrs)
				shared++
				described = true
				continue
			}
			for seg := range s.src.Segments {
				give(s, seg)
			}
		}
		if got == 0 && r.side == nil {
			if !described {
				unused++
			}
			continue
		}
		r.cases[qdaxml.GUIDKey(c.GUID)] = name
		r.out.Cases = append(r.out.Cases, corpus.Case{Name: name, Attributes: attrs})
	}
	if unused > 0 {
		r.rep.note("%s no text qcode read: left out", count(unused, "case holds", "cases hold"))
	}
	if shared > 0 {
		r.rep.note("%s a whole source several speakers share: its speakers stay cases, the case's variables describe the source", count(shared, "case holds", "cases hold"))
	}
	return nil
}

// mergeMissing adds the attributes base lacks (by name, any case).
func mergeMissing(base, extra []coding.Attribute) []coding.Attribute {
	for _, e := range extra {
		found := false
		for _, b := range base {
			found = found || strings.EqualFold(b.Name, e.Name)
		}
		if !found {
			base = append(base, e)
		}
	}
	return base
}

// readSets reads another tool's sets as the attribute `set` of the sources
// (or cases) they hold. A project qcode wrote has its samples and marks
// in qcode.json instead.
func (r *reader) readSets() {
	if r.p.Sets == nil || r.side != nil {
		return
	}
	caseSets := map[string][]string{}
	ignored := 0
	for _, set := range r.p.Sets.Set {
		name := clean(set.Name)
		if name == "" || len(set.MemberSources) == 0 {
			ignored++
			continue
		}
		for _, m := range set.MemberSources {
			key := qdaxml.GUIDKey(m.Target)
			if i, ok := r.byGUID[key]; ok && r.sources[i].src != nil {
				src := r.sources[i].src
				src.Attributes = addSetValue(src.Attributes, name)
			} else if c, ok := r.cases[key]; ok {
				caseSets[c] = append(caseSets[c], name)
			}
		}
	}
	for i := range r.out.Cases {
		for _, name := range caseSets[r.out.Cases[i].Name] {
			r.out.Cases[i].Attributes = addSetValue(r.out.Cases[i].Attributes, name)
		}
	}
	if ignored > 0 {
		r.rep.note("%s of codes or notes left out: qcode reads sets of sources and cases (as the attribute set)", count(ignored, "set", "sets"))
	}
}

// addSetValue adds a set's name to the attribute `set` ("A; B" when in
// several).
func addSetValue(attrs []coding.Attribute, name string) []coding.Attribute {
	for i, a := range attrs {
		if strings.EqualFold(a.Name, "set") {
			for _, v := range strings.Split(a.Value, "; ") {
				if v == name {
					return attrs
				}
			}
			attrs[i].Value += "; " + name
			return attrs
		}
	}
	return append(attrs, coding.Attribute{Name: "set", Value: name})
}
