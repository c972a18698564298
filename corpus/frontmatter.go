package corpus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// splitFrontMatter cuts a YAML front matter block off the top of notes: a
// first line "---", the YAML, and a closing "---" or "..." line. It returns
// the YAML, the rest of the text, and the file line the rest starts on.
// ok is false when the text has no front matter; an opening line without a
// closing one is an error.
func splitFrontMatter(file, text string) (yamlText, rest string, restLine int, ok bool, err error) {
	first, body, found := strings.Cut(text, "\n")
	if strings.TrimRight(first, " \t") != "---" || !found {
		return "", text, 1, false, nil
	}
	var b strings.Builder
	line := 1
	for body != "" {
		var l string
		l, body, _ = strings.Cut(body, "\n")
		line++
		switch strings.TrimRight(l, " \t") {
		case "---", "...":
			return b.String(), body, line + 1, true, nil
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return "", "", 0, false, &InputError{File: file, Where: "line 1", Msg: `front matter has no closing "---" line`}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// frontMatter reads the flat key: value pairs of a front matter block into
// attributes, in the order written. Scalars are kept as written, lists are
// joined with ", ", nested mappings are refused. Blank values are skipped.
func frontMatter(file, yamlText string) ([]Attribute, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(yamlText), &doc); err != nil {
		msg := err.Error()
		where := "line 1"
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			where, msg = "line "+strconv.Itoa(n+1), m[2] // +1: the opening "---"
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		return nil, &InputError{File: file, Where: where, Msg: "front matter: " + Cut(msg, 200), Err: err}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // an empty block
	}
	m := doc.Content[0]
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		return nil, nil
	}
	if m.Kind != yaml.MappingNode {
		return nil, &InputError{File: file, Where: "line " + strconv.Itoa(m.Line+1), Msg: "front matter: expected key: value lines"}
	}
	attrs := make([]Attribute, 0, len(m.Content)/2)
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], deref(m.Content[i+1])
		at := "line " + strconv.Itoa(k.Line+1)
		if k.Kind != yaml.ScalarNode {
			return nil, &InputError{File: file, Where: at, Msg: "front matter: a key must be a plain name"}
		}
		key := strings.TrimSpace(k.Value)
		if key == "" {
			continue
		}
		if seen[key] {
			return nil, &InputError{File: file, Where: at, Msg: fmt.Sprintf("front matter: key %s appears twice", Excerpt(key))}
		}
		seen[key] = true
		value, ok := scalarText(v)
		if !ok && v.Kind == yaml.SequenceNode {
			items := make([]string, 0, len(v.Content))
			for _, it := range v.Content {
				s, ok := scalarText(deref(it))
				if !ok {
					return nil, &InputError{File: file, Where: at, Msg: fmt.Sprintf("front matter: key %s: nested values are not supported", Excerpt(key))}
				}
				if s != "" {
					items = append(items, s)
				}
			}
			value, ok = strings.Join(items, ", "), true
		}
		if !ok {
			return nil, &InputError{File: file, Where: at, Msg: fmt.Sprintf("front matter: key %s: nested values are not supported", Excerpt(key))}
		}
		if value != "" {
			attrs = append(attrs, Attribute{Name: key, Value: value})
		}
	}
	return attrs, nil
}

// deref follows one alias (&anchor / *alias) to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// scalarText is a scalar's text as written ("" for null); ok is false for
// anything that is not a scalar.
func scalarText(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return strings.TrimSpace(n.Value), true
}
