package coding

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultAttribution is the attribution a quote gets unless asked
// otherwise: the participant's role (or respondent group), the question's
// short id when there is one, and the method, e.g. "(PQ lead, Q9,
// survey)". Never the question's text: a survey question runs to a
// sentence, and in a transcript the question is the interviewer's prompt.
const DefaultAttribution = "{role|respondent_group|group}, {question_id}, {method}"

// FallbackAttribution is what a quote's attribution falls back to when its
// template finds no value at all (a survey imported without --attr, notes
// without front matter): the method, else the source's title. Past that,
// the kind of file the quote came from says "survey" or "notes". A quote
// always has an attribution, and never a file name (notes are often named
// after the person).
const FallbackAttribution = "{method|title}"

var fallbackTemplate, _ = ParseAttribution(FallbackAttribution)

// attributeOrFallback formats t, falling back as FallbackAttribution says
// when t has no value; format is the quote's source's (Source.Format).
func attributeOrFallback(t *AttributionTemplate, value func(string) string, format string) string {
	if out := t.Format(value); out != "" {
		return out
	}
	if out := fallbackTemplate.Format(value); out != "" {
		return out
	}
	switch format {
	case "csv", "tsv", "xlsx":
		return "Survey" // qcode reads sheets as survey exports
	}
	return "Notes"
}

// AttributionTemplate turns a quote's attributes into an anonymous
// attribution such as "Learning lead, medium-sized rural local authority,
// interview", from a template such as
// "{role}, {org_size} {geography} local authority, {method}".
//
// The rules, so that a missing attribute never leaves a trace:
//
//   - {name} is the attribute's value; {a|b|c} is the first of a, b, c that
//     has one. Names match exactly, else ignoring case. {{ and }} are
//     literal braces.
//   - The template splits into clauses at commas, semicolons and spaced
//     dashes, slashes, bars or middle dots (" - ", " – ", " — ", " / ",
//     " | ", " · "). A clause with fields, none of which has a value, is
//     dropped with its literal words ("{years} years qualified" goes
//     entirely); a clause with some value keeps its words. Surviving
//     clauses are joined by the separator that followed the previous
//     survivor, so no separator is ever doubled or left dangling.
//   - A bracketed group, "( … )" or "[ … ]", follows the same rules inside
//     and disappears whole when its fields are all empty: no "()" is left.
//   - Runs of space collapse to one; no space before , ; : . ) ] or after
//     ( [; the result starts with a capital letter, as an attribution in a
//     report does (unless its first word has capitals of its own: "iPad").
type AttributionTemplate struct {
	items []tmplItem
}

type tmplKind byte

const (
	tmplLit tmplKind = iota
	tmplField
	tmplGroup
	tmplSep
)

type tmplItem struct {
	kind  tmplKind
	text  string   // literal text, separator, or a group's opening bracket
	close string   // a group's closing bracket
	names []string // a field's alternatives
	items []tmplItem
}

// ParseAttribution reads an attribution template.
func ParseAttribution(template string) (*AttributionTemplate, error) {
	p := tmplParser{src: template}
	items, err := p.seq(0)
	if err != nil {
		return nil, err
	}
	return &AttributionTemplate{items: items}, nil
}

type tmplParser struct {
	src string
	pos int
}

var closers = map[byte]byte{'(': ')', '[': ']'}

// seq parses items until the closing bracket end (0: the end of input).
func (p *tmplParser) seq(end byte) ([]tmplItem, error) {
	var items []tmplItem
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			items = append(items, tmplItem{kind: tmplLit, text: lit.String()})
			lit.Reset()
		}
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '{' && strings.HasPrefix(p.src[p.pos:], "{{"):
			lit.WriteByte('{')
			p.pos += 2
		case c == '}' && strings.HasPrefix(p.src[p.pos:], "}}"):
			lit.WriteByte('}')
			p.pos += 2
		case c == '{':
			close := strings.IndexByte(p.src[p.pos:], '}')
			if close < 0 {
				return nil, errorf(ErrInvalidInput, "attribution template %q: { at %d is never closed", p.src, p.pos+1)
			}
			var names []string
			for _, n := range strings.Split(p.src[p.pos+1:p.pos+close], "|") {
				if n = strings.TrimSpace(n); n == "" {
					return nil, errorf(ErrInvalidInput, "attribution template %q: empty attribute name in {…} at %d", p.src, p.pos+1)
				}
				names = append(names, n)
			}
			flush()
			items = append(items, tmplItem{kind: tmplField, names: names})
			p.pos += close + 1
		case c == '}':
			return nil, errorf(ErrInvalidInput, "attribution template %q: } at %d has no {", p.src, p.pos+1)
		case closers[c] != 0:
			start := p.pos
			p.pos++
			inner, err := p.seq(closers[c])
			if err != nil {
				return nil, err
			}
			if p.pos > len(p.src) || p.src[p.pos-1] != closers[c] {
				return nil, errorf(ErrInvalidInput, "attribution template %q: %c at %d is never closed", p.src, c, start+1)
			}
			flush()
			items = append(items, tmplItem{kind: tmplGroup, text: string(c), close: string(closers[c]), items: inner})
		case end != 0 && c == end:
			p.pos++
			flush()
			return items, nil
		case c == ',' || c == ';':
			flush()
			items = append(items, tmplItem{kind: tmplSep, text: string(c) + " "})
			p.pos++
		default:
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			if strings.ContainsRune("-–—/|·", r) && endsWithSpace(lit.String()) && p.pos+size < len(p.src) && p.src[p.pos+size] == ' ' {
				flush()
				items = append(items, tmplItem{kind: tmplSep, text: " " + string(r) + " "})
				p.pos += size
				continue
			}
			lit.WriteRune(r)
			p.pos += size
		}
	}
	if end != 0 {
		// The caller reports the unclosed bracket.
		p.pos = len(p.src) + 1
		return items, nil
	}
	flush()
	return items, nil
}

func endsWithSpace(s string) bool { return s != "" && s[len(s)-1] == ' ' }

// Format renders the attribution for a quote whose attribute values value
// returns ("" for absent).
func (t *AttributionTemplate) Format(value func(name string) string) string {
	out, _, _ := formatItems(t.items, value)
	// A capital starts the attribution, unless its first word has its own
	// capitals ("iPad user", "eLearning lead").
	r, size := utf8.DecodeRuneInString(out)
	first, _, _ := strings.Cut(out, " ")
	if unicode.IsLower(r) && strings.IndexFunc(first, unicode.IsUpper) < 0 {
		out = string(unicode.ToUpper(r)) + out[size:]
	}
	return out
}

// formatItems renders one level of a template and counts its fields and
// those that had a value.
func formatItems(items []tmplItem, value func(string) string) (string, int, int) {
	type clause struct {
		text string
		sep  string // the separator that follows it
	}
	var kept []clause
	var b strings.Builder
	fields, present := 0, 0
	cFields, cPresent := 0, 0
	end := func(sep string) {
		text := tidy(b.String())
		if text != "" && (cFields == 0 || cPresent > 0) {
			kept = append(kept, clause{text: text, sep: sep})
		}
		fields, present = fields+cFields, present+cPresent
		b.Reset()
		cFields, cPresent = 0, 0
	}
	for _, it := range items {
		switch it.kind {
		case tmplLit:
			b.WriteString(it.text)
		case tmplField:
			cFields++
			for _, n := range it.names {
				if v := strings.TrimSpace(value(n)); v != "" {
					cPresent++
					b.WriteString(v)
					break
				}
			}
		case tmplGroup:
			inner, f, p := formatItems(it.items, value)
			cFields, cPresent = cFields+f, cPresent+p
			if inner != "" && (f == 0 || p > 0) {
				b.WriteString(it.text + inner + it.close)
			}
		case tmplSep:
			end(it.text)
		}
	}
	end("")
	var out strings.Builder
	for i, c := range kept {
		if i > 0 {
			sep := kept[i-1].sep
			if sep == "" {
				sep = ", "
			}
			out.WriteString(sep)
		}
		out.WriteString(c.text)
	}
	return tidy(out.String()), fields, present
}

// tidy collapses runs of space, drops space before closing punctuation and
// after opening brackets, and trims.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{" ,", " ;", " :", " .", " )", " ]"} {
		s = strings.ReplaceAll(s, p, p[1:])
	}
	for _, p := range []string{"( ", "[ "} {
		s = strings.ReplaceAll(s, p, p[:1])
	}
	return strings.TrimSpace(s)
}

// format is a source's file format ("csv", "md"…), for the last fallback.
func (m *quoteMaker) format(id SourceID) string {
	if m.formats == nil {
		m.formats = map[SourceID]string{}
		srcs, _ := readSources(m.tx)
		for _, src := range srcs {
			m.formats[src.ID] = src.Format
		}
	}
	return m.formats[id]
}
