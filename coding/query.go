package coding

import (
	"fmt"
	"slices"
	"strings"

	"qcode/corpus"
)

// QueryTerm is one condition of a SegmentQuery, as a filter bar shows it
// and takes it away, and as `--filter` spells it.
type QueryTerm struct {
	Kind  TermKind
	Name  string // the attribute's name (TermAttr)
	Value string // the code path, attribute value, source, coder, sample or text
	// Values are an attribute term's values when it names several (any
	// of them holds); Value is then "".
	Values []string
	// Not: an attribute term holds when the value is none of them.
	Not bool
}

// Equal tells whether two terms are the same condition (a term holds a
// slice, so == does not compile).
func (t QueryTerm) Equal(u QueryTerm) bool {
	return t.Kind == u.Kind && t.Name == u.Name && t.Value == u.Value && t.Not == u.Not && slices.Equal(t.Values, u.Values)
}

// AttrValues are an attribute term's values: Values, or Value alone.
func (t QueryTerm) AttrValues() []string {
	if len(t.Values) > 0 {
		return t.Values
	}
	return []string{t.Value}
}

// Condition is an attribute term as the condition it tests.
func (t QueryTerm) Condition() AttrCondition {
	return AttrCondition{Name: t.Name, Values: append([]string(nil), t.AttrValues()...), Not: t.Not}
}

// termOf is the term of an attribute condition.
func termOf(c AttrCondition) QueryTerm {
	t := QueryTerm{Kind: TermAttr, Name: c.Name, Not: c.Not}
	if len(c.Values) == 1 {
		t.Value = c.Values[0]
	} else {
		t.Values = append([]string(nil), c.Values...)
	}
	return t
}

// TermKind says what a QueryTerm tests.
type TermKind string

// The kinds of condition a segment query combines.
const (
	TermCode       TermKind = "code"       // coded with a code or a sub-code
	TermAttr       TermKind = "attr"       // an attribute has a value
	TermSource     TermKind = "source"     // in a source
	TermCase       TermKind = "case"       // a case's (participant's) segment
	TermCoder      TermKind = "coder"      // coded by a coder
	TermUncoded    TermKind = "uncoded"    // not coded
	TermCoded      TermKind = "coded"      // coded with anything
	TermUnreviewed TermKind = "unreviewed" // neither coded nor marked "nothing applies"
	TermStarred    TermKind = "starred"    // has a starred coding
	TermSample     TermKind = "sample"     // in a sample
	TermText       TermKind = "text"       // the text holds a string, ignoring case
)

// String is the term as a filter bar shows it: "code Barriers",
// "role = PQ lead", "coded by sam", "not reviewed".
func (t QueryTerm) String() string {
	switch t.Kind {
	case TermAttr:
		return t.Condition().String()
	case TermCoder:
		return "coded by " + t.Value
	case TermUncoded:
		return "not coded"
	case TermCoded:
		return "coded"
	case TermUnreviewed:
		return "not reviewed"
	case TermStarred:
		return "starred"
	case TermText:
		return "text “" + t.Value + "”"
	}
	return string(t.Kind) + " " + t.Value
}

// Spec is the term as `--filter` takes it: "code=Barriers",
// "attr:role=PQ lead", "uncoded".
func (t QueryTerm) Spec() string {
	switch t.Kind {
	case TermAttr:
		return "attr:" + t.Condition().Spec()
	case TermUncoded, TermCoded, TermUnreviewed, TermStarred:
		return string(t.Kind)
	}
	return string(t.Kind) + "=" + t.Value
}

// keyedTerms take a value after "=".
var keyedTerms = []TermKind{TermCode, TermSource, TermCase, TermCoder, TermSample, TermText}

// bareTerms stand alone.
var bareTerms = []TermKind{TermUncoded, TermCoded, TermUnreviewed, TermStarred}

// ParseQueryTerm reads a condition as `--filter` spells it:
//
//	code=PATH  source=NAME  case=NAME  coder=NAME  sample=NAME  text=TEXT
//	uncoded  coded  unreviewed  starred
//	NAME=VALUE or attr:NAME=VALUE   an attribute (attr: for one named like a keyword)
//	NAME!=VALUE                     an attribute without that value
//
// An attribute takes several values with commas (any of them; with !=
// none of them); `\,` is a comma inside a value, and an empty value is
// "no value" (`role=`: segments without a role). Keywords match whatever
// their case; values are kept as written (an attribute's name is matched
// in any case when the query runs).
func ParseQueryTerm(spec string) (QueryTerm, error) {
	s := strings.TrimSpace(spec)
	key, value, hasValue := strings.Cut(s, "=")
	key = strings.TrimSpace(key)
	if !hasValue {
		for _, k := range bareTerms {
			if strings.EqualFold(key, string(k)) {
				return QueryTerm{Kind: k}, nil
			}
		}
		return QueryTerm{}, errorf(ErrInvalidInput, "filter %q: write code=PATH, source=NAME, case=NAME, coder=NAME, sample=NAME, text=TEXT, NAME=VALUE for an attribute, or one of uncoded, coded, unreviewed, starred", corpus.Excerpt(spec))
	}
	value = strings.TrimSpace(value)
	if name, ok := cutFold(key, "attr:"); ok {
		return attrTerm(spec, strings.TrimSpace(name), value)
	}
	if strings.HasSuffix(key, "!") {
		bare := strings.TrimSpace(strings.TrimSuffix(key, "!"))
		for _, k := range append(keyedTerms[:len(keyedTerms):len(keyedTerms)], bareTerms...) {
			if strings.EqualFold(bare, string(k)) {
				return QueryTerm{}, errorf(ErrInvalidInput, "filter %q: != is for attributes (write attr:%s!=… for an attribute of that name)", corpus.Excerpt(spec), bare)
			}
		}
	}
	for _, k := range keyedTerms {
		if strings.EqualFold(key, string(k)) {
			if value == "" {
				return QueryTerm{}, errorf(ErrInvalidInput, "filter %q: give a value after =", corpus.Excerpt(spec))
			}
			return QueryTerm{Kind: k, Value: value}, nil
		}
	}
	for _, k := range bareTerms {
		if strings.EqualFold(key, string(k)) {
			return QueryTerm{}, errorf(ErrInvalidInput, "filter %q: %s takes no value (write attr:%s=… for an attribute of that name)", corpus.Excerpt(spec), k, key)
		}
	}
	return attrTerm(spec, key, value)
}

func attrTerm(spec, name, value string) (QueryTerm, error) {
	not := strings.HasSuffix(name, "!")
	name = strings.TrimSpace(strings.TrimSuffix(name, "!"))
	if name == "" {
		return QueryTerm{}, errorf(ErrInvalidInput, "filter %q: name the attribute before =", corpus.Excerpt(spec))
	}
	return termOf(AttrCondition{Name: name, Values: splitValues(value), Not: not}), nil
}

// cutFold is strings.CutPrefix ignoring the prefix's case.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// Terms lists the query's conditions in a fixed order (Coders is not a
// condition: it says whose codings count).
func (q SegmentQuery) Terms() []QueryTerm {
	var out []QueryTerm
	if q.Text != "" {
		out = append(out, QueryTerm{Kind: TermText, Value: q.Text})
	}
	if q.Code != "" {
		out = append(out, QueryTerm{Kind: TermCode, Value: q.Code})
	}
	for _, a := range append([]Attribute{q.Attr}, q.Attrs...) {
		if a.Name != "" {
			out = append(out, QueryTerm{Kind: TermAttr, Name: a.Name, Value: a.Value})
		}
	}
	for _, c := range q.Where {
		out = append(out, termOf(c))
	}
	if q.Source != "" {
		out = append(out, QueryTerm{Kind: TermSource, Value: q.Source})
	}
	if q.Case != "" {
		out = append(out, QueryTerm{Kind: TermCase, Value: q.Case})
	}
	if q.CodedBy != "" {
		out = append(out, QueryTerm{Kind: TermCoder, Value: q.CodedBy})
	}
	for _, b := range []struct {
		on   bool
		kind TermKind
	}{{q.Uncoded, TermUncoded}, {q.Coded, TermCoded}, {q.Unreviewed, TermUnreviewed}, {q.Starred, TermStarred}} {
		if b.on {
			out = append(out, QueryTerm{Kind: b.kind})
		}
	}
	if q.Sample != "" {
		out = append(out, QueryTerm{Kind: TermSample, Value: q.Sample})
	}
	return out
}

// With adds a condition. A condition that holds one value (code, source,
// coder, sample, text, an attribute of the same name) replaces the one
// there: two codes or two roles at once would select nothing, and a filter
// bar that adds "role = lead" beside "role = manager" means to change it.
// An attribute's != is added beside the attribute's other conditions:
// leaving out one value as well as another is what it means.
func (q SegmentQuery) With(t QueryTerm) (SegmentQuery, error) {
	switch t.Kind {
	case TermCode:
		q.Code = t.Value
	case TermSource:
		q.Source = t.Value
	case TermCase:
		q.Case = t.Value
	case TermCoder:
		q.CodedBy = t.Value
	case TermSample:
		q.Sample = t.Value
	case TermText:
		q.Text = t.Value
	case TermUncoded:
		q.Uncoded = true
	case TermCoded:
		q.Coded = true
	case TermUnreviewed:
		q.Unreviewed = true
	case TermStarred:
		q.Starred = true
	case TermAttr:
		if t.Name == "" {
			return q, errorf(ErrInvalidInput, "an attribute filter needs a name")
		}
		if !t.Not {
			q = q.Without(QueryTerm{Kind: TermAttr, Name: t.Name})
		}
		q.Where = append(q.Where, t.Condition())
	default:
		return q, errorf(ErrInvalidInput, "no filter %q", t.Kind)
	}
	return q, nil
}

// Without takes a condition away; an attribute term goes by its name
// (any case), whatever its value.
func (q SegmentQuery) Without(t QueryTerm) SegmentQuery {
	switch t.Kind {
	case TermCode:
		q.Code = ""
	case TermSource:
		q.Source = ""
	case TermCase:
		q.Case = ""
	case TermCoder:
		q.CodedBy = ""
	case TermSample:
		q.Sample = ""
	case TermText:
		q.Text = ""
	case TermUncoded:
		q.Uncoded = false
	case TermCoded:
		q.Coded = false
	case TermUnreviewed:
		q.Unreviewed = false
	case TermStarred:
		q.Starred = false
	case TermAttr:
		if strings.EqualFold(q.Attr.Name, t.Name) {
			q.Attr = Attribute{}
		}
		var kept []Attribute
		for _, a := range q.Attrs {
			if !strings.EqualFold(a.Name, t.Name) {
				kept = append(kept, a)
			}
		}
		q.Attrs = kept
		var where []AttrCondition
		for _, c := range q.Where {
			if !strings.EqualFold(c.Name, t.Name) {
				where = append(where, c)
			}
		}
		q.Where = where
	}
	return q
}

// Describe is the query's conditions joined for a status line:
// "code Barriers · role = PQ lead · not reviewed" ("every segment" for
// none).
func (q SegmentQuery) Describe() string {
	terms := q.Terms()
	if len(terms) == 0 {
		return "every segment"
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t.String()
	}
	return strings.Join(parts, " · ")
}

// ParseQuery builds a query from `--filter` specs, every one of which
// must hold.
func ParseQuery(specs []string) (SegmentQuery, error) {
	var q SegmentQuery
	for _, spec := range specs {
		t, err := ParseQueryTerm(spec)
		if err != nil {
			return q, err
		}
		if q, err = q.With(t); err != nil {
			return q, fmt.Errorf("filter %q: %w", corpus.Excerpt(spec), err)
		}
	}
	return q, nil
}
