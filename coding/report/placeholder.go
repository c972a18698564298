package report

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"qcode/coding"
	"qcode/corpus"
)

// Placeholders are written in a recipe's text, title and captions as
// {name} or {name:key=value,key=value}; {{ and }} are literal braces.
// Counts take the scope keys of a table: code (the count of units with
// that code), unit, where (an attribute condition as --where writes it;
// repeatable), coder and source. Examples:
//
//	{n_cases}                                    participants in scope
//	{n:unit=authority,where=sector=local authority}
//	{n_of_n:code=Kirkpatrick/L1 Reaction,unit=authority}   17 of 20 (85%)
//	{pct:code=Barriers}                          50%
var placeholderNames = []string{
	"project", "title", "date", "source", "where", "counted", "coders", "consensus", "by_method",
	"n", "n_cases", "n_participants", "n_segments", "n_coded", "n_segments_coded", "n_prompts", "n_without_unit",
	"n_sources", "n_codings", "n_coders", "pct", "n_of_n",
}

// placeholderKeys are the keys a counting placeholder takes.
var placeholderKeys = []string{"code", "codes", "unit", "where", "coder", "source"}

// counting placeholders take keys; the others take none.
var countingPlaceholders = []string{"n", "n_cases", "n_participants", "n_segments", "n_coded", "n_segments_coded", "n_prompts", "n_without_unit", "pct", "n_of_n", "by_method"}

// placeholderRE finds a placeholder: a name, then optional keys up to
// the closing brace.
var placeholderRE = regexp.MustCompile(`\{([a-z_]+)(?::([^{}]*))?\}`)

// placeholderArgs splits "code=A,where=role=x,y,unit=u": a comma starts a
// new key only when a known key and "=" follow it, so a where's values
// keep their commas.
var nextKeyRE = regexp.MustCompile(`^\s*(code|codes|unit|where|coder|source)\s*=`)

// Placeholder is one parsed placeholder.
type Placeholder struct {
	Name string
	Keys map[string][]string // key → values, in the order written
}

// ParsePlaceholder reads the inside of a placeholder ("n_of_n:code=X").
func ParsePlaceholder(inner string) (Placeholder, error) {
	name, args, hasArgs := strings.Cut(inner, ":")
	p := Placeholder{Name: strings.TrimSpace(name), Keys: map[string][]string{}}
	if !slices.Contains(placeholderNames, p.Name) {
		return p, fmt.Errorf("unknown placeholder {%s} (placeholders: %s)", corpus.Excerpt(p.Name), strings.Join(placeholderNames, ", "))
	}
	if !hasArgs {
		return p, p.check()
	}
	if !slices.Contains(countingPlaceholders, p.Name) {
		return p, fmt.Errorf("placeholder {%s} takes no keys", p.Name)
	}
	for _, part := range splitArgs(args) {
		key, value, ok := strings.Cut(part, "=")
		key = strings.TrimSpace(key)
		if !ok || !slices.Contains(placeholderKeys, key) {
			return p, fmt.Errorf("placeholder {%s:%s}: %q is not key=value with a key of %s", p.Name, corpus.Excerpt(args), corpus.Excerpt(part), strings.Join(placeholderKeys, ", "))
		}
		if key == "codes" {
			key = "code"
		}
		if key != "where" && len(p.Keys[key]) > 0 {
			return p, fmt.Errorf("placeholder {%s:%s}: %s is given twice", p.Name, corpus.Excerpt(args), key)
		}
		p.Keys[key] = append(p.Keys[key], strings.TrimSpace(value))
	}
	return p, p.check()
}

// check refuses a percentage without the code it is of.
func (p Placeholder) check() error {
	if (p.Name == "pct" || p.Name == "n_of_n") && len(p.Keys["code"]) == 0 {
		return fmt.Errorf("placeholder {%s} needs code=PATH (the code counted)", p.Name)
	}
	return nil
}

func splitArgs(args string) []string {
	var out []string
	start := 0
	for i := 0; i < len(args); i++ {
		if args[i] == ',' && nextKeyRE.MatchString(args[i+1:]) {
			out = append(out, args[start:i])
			start = i + 1
		}
	}
	return append(out, args[start:])
}

// one is the single value of a key ("" when absent).
func (p Placeholder) one(key string) string {
	if v := p.Keys[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// expand replaces every placeholder of text with value(p), escaping the
// braces written {{ and }}. An error names the line of text (1-based)
// it is on.
func expand(text string, value func(Placeholder) (string, error)) (string, int, error) {
	var b strings.Builder
	line := 1
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\n':
			line++
		case strings.HasPrefix(text[i:], "{{"), strings.HasPrefix(text[i:], "}}"):
			b.WriteByte(c)
			i += 2
			continue
		case c == '{':
			if loc := placeholderRE.FindStringSubmatchIndex(text[i:]); loc != nil && loc[0] == 0 {
				p, err := ParsePlaceholder(text[i+1 : i+loc[1]-1])
				if err == nil {
					var v string
					if v, err = value(p); err == nil {
						b.WriteString(v)
						i += loc[1]
						continue
					}
				}
				return "", line, err
			}
			if i+1 < len(text) && (text[i+1] >= 'a' && text[i+1] <= 'z' || text[i+1] == '_') {
				end := strings.IndexAny(text[i:], "}\n")
				if end < 0 {
					end = len(text) - i
				}
				return "", line, fmt.Errorf("placeholder %q is not closed with }", corpus.Excerpt(text[i:i+end]))
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), 0, nil
}

// nOfN writes a count of its base: "17 of 20 (85%)".
func nOfN(n, of int, pct float64) string {
	return fmt.Sprintf("%d of %d (%s)", n, of, coding.Percent(pct))
}
