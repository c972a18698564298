// Package schematest checks QDA-XML documents against the REFI-QDA
// schemas (Project.xsd, Codebook.xsd, kept here as published) for tests:
// with xmllint when the machine has it (libxml2-utils, which .ci/run
// installs), and always with a structural check in Go that reads the
// schema itself — element order and counts of every sequence and choice,
// required and unknown attributes, and the simple types (GUIDs, colours,
// enumerations, numbers, booleans, dates) — so that a machine without
// xmllint still checks something meaningful. It is imported by tests only.
package schematest

import (
	"bytes"
	_ "embed"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The schemas, as distributed by REFI (Codebook.xsd re-typed from the
// specification so that it is well-formed).
var (
	//go:embed Project.xsd
	ProjectXSD []byte
	//go:embed Codebook.xsd
	CodebookXSD []byte
)

// Validate checks doc against schema: the Go check always, xmllint when
// it is installed (a test log line says when it is not).
func Validate(t testing.TB, schema, doc []byte) {
	t.Helper()
	if err := Check(schema, doc); err != nil {
		t.Errorf("schema check: %v", err)
	}
	out, err := Xmllint(schema, doc)
	switch {
	case err == ErrNoXmllint:
		t.Log("xmllint is not installed (Debian: libxml2-utils): checked by the Go schema check only")
	case err != nil:
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}

// ErrNoXmllint is Xmllint's error on a machine without xmllint.
var ErrNoXmllint = fmt.Errorf("xmllint not installed")

// Xmllint runs `xmllint --noout --schema` on doc.
func Xmllint(schema, doc []byte) (string, error) {
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		return "", ErrNoXmllint
	}
	dir, err := os.MkdirTemp("", "schematest")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	xsd, file := filepath.Join(dir, "schema.xsd"), filepath.Join(dir, "doc.xml")
	if err := os.WriteFile(xsd, schema, 0o600); err != nil {
		return "", err
	}
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		return "", err
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", xsd, file).CombinedOutput()
	return string(out), err
}

// Check validates doc against the subset of XML Schema the REFI schemas
// use.
func Check(schema, doc []byte) error {
	s, err := parseSchema(schema)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	root, err := parseDoc(doc)
	if err != nil {
		return err
	}
	if root.ns != s.ns {
		return fmt.Errorf("root <%s> in namespace %q, want %q", root.name, root.ns, s.ns)
	}
	typ, ok := s.elements[root.name]
	if !ok {
		return fmt.Errorf("root <%s> is not declared", root.name)
	}
	return s.check(root, typ, "/"+root.name)
}

// schema is what the checker reads of an XSD.
type schema struct {
	ns       string
	elements map[string]string // global element → type
	complex  map[string]*complexType
	simple   map[string]*simpleType
}

type complexType struct {
	content particle // a sequence or choice
	attrs   []attribute
}

type particle struct {
	kind     string // "sequence", "choice" or "element"
	name     string // element
	typ      string // element
	min, max int    // max -1: unbounded
	items    []particle
}

type attribute struct {
	name, typ string
	required  bool
}

type simpleType struct {
	base    string
	pattern *regexp.Regexp
	enum    []string
}

// xsd mirrors the parts of an XSD document the checker reads.
type xsd struct {
	Target   string       `xml:"targetNamespace,attr"`
	Elements []xsdElement `xml:"element"`
	Complex  []struct {
		Name     string    `xml:"name,attr"`
		Sequence *xsdGroup `xml:"sequence"`
		Choice   *xsdGroup `xml:"choice"`
		Attrs    []struct {
			Name string `xml:"name,attr"`
			Type string `xml:"type,attr"`
			Use  string `xml:"use,attr"`
		} `xml:"attribute"`
	} `xml:"complexType"`
	Simple []struct {
		Name        string `xml:"name,attr"`
		Restriction struct {
			Base    string `xml:"base,attr"`
			Pattern []struct {
				Value string `xml:"value,attr"`
			} `xml:"pattern"`
			Enum []struct {
				Value string `xml:"value,attr"`
			} `xml:"enumeration"`
		} `xml:"restriction"`
	} `xml:"simpleType"`
}

type xsdElement struct {
	Name string `xml:"name,attr"`
	Type string `xml:"type,attr"`
	Min  string `xml:"minOccurs,attr"`
	Max  string `xml:"maxOccurs,attr"`
}

type xsdGroup struct {
	Min   string
	Max   string
	Items []xsdItem `xml:",any"`
}

// xsdItem is an element or a nested choice/sequence of a group.
type xsdItem struct {
	XMLName xml.Name
	Name    string    `xml:"name,attr"`
	Type    string    `xml:"type,attr"`
	Min     string    `xml:"minOccurs,attr"`
	Max     string    `xml:"maxOccurs,attr"`
	Items   []xsdItem `xml:",any"`
}

func (g *xsdGroup) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "minOccurs":
			g.Min = a.Value
		case "maxOccurs":
			g.Max = a.Value
		}
	}
	var inner struct {
		Items []xsdItem `xml:",any"`
	}
	if err := d.DecodeElement(&inner, &start); err != nil {
		return err
	}
	g.Items = inner.Items
	return nil
}

func occurs(min, max string) (int, int) {
	lo, hi := 1, 1
	if min != "" {
		lo, _ = strconv.Atoi(min)
	}
	switch max {
	case "":
	case "unbounded":
		hi = -1
	default:
		hi, _ = strconv.Atoi(max)
	}
	return lo, hi
}

func toParticle(kind string, it xsdItem) particle {
	lo, hi := occurs(it.Min, it.Max)
	p := particle{kind: kind, name: it.Name, typ: local(it.Type), min: lo, max: hi}
	for _, sub := range it.Items {
		switch sub.XMLName.Local {
		case "element", "sequence", "choice":
			p.items = append(p.items, toParticle(sub.XMLName.Local, sub))
		}
	}
	return p
}

func local(qname string) string {
	if i := strings.IndexByte(qname, ':'); i >= 0 && !strings.HasPrefix(qname, "xsd:") {
		return qname[i+1:]
	}
	return qname
}

func parseSchema(data []byte) (*schema, error) {
	var x xsd
	if err := xml.Unmarshal(data, &x); err != nil {
		return nil, err
	}
	s := &schema{ns: x.Target, elements: map[string]string{}, complex: map[string]*complexType{}, simple: map[string]*simpleType{}}
	for _, e := range x.Elements {
		s.elements[e.Name] = local(e.Type)
	}
	for _, c := range x.Complex {
		ct := &complexType{}
		switch {
		case c.Sequence != nil:
			ct.content = toParticle("sequence", xsdItem{Min: c.Sequence.Min, Max: c.Sequence.Max, Items: c.Sequence.Items})
		case c.Choice != nil:
			ct.content = toParticle("choice", xsdItem{Min: c.Choice.Min, Max: c.Choice.Max, Items: c.Choice.Items})
		default:
			ct.content = particle{kind: "sequence", min: 1, max: 1}
		}
		for _, a := range c.Attrs {
			ct.attrs = append(ct.attrs, attribute{name: a.Name, typ: local(a.Type), required: a.Use == "required"})
		}
		s.complex[c.Name] = ct
	}
	for _, st := range x.Simple {
		t := &simpleType{base: st.Restriction.Base}
		if len(st.Restriction.Pattern) > 0 {
			re, err := regexp.Compile("^(?:" + st.Restriction.Pattern[0].Value + ")$")
			if err != nil {
				return nil, fmt.Errorf("pattern of %s: %w", st.Name, err)
			}
			t.pattern = re
		}
		for _, e := range st.Restriction.Enum {
			t.enum = append(t.enum, e.Value)
		}
		s.simple[st.Name] = t
	}
	return s, nil
}

// node is an element of the document checked.
type node struct {
	ns, name string
	attrs    []xml.Attr
	kids     []*node
	text     strings.Builder
}

func parseDoc(doc []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err != nil {
			if root != nil && len(stack) == 0 {
				return root, nil
			}
			return nil, fmt.Errorf("not well-formed: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			names := map[xml.Name]bool{}
			for _, a := range t.Attr {
				if names[a.Name] {
					return nil, fmt.Errorf("not well-formed: attribute %s twice on <%s>", a.Name.Local, t.Name.Local)
				}
				names[a.Name] = true
			}
			n := &node{ns: t.Name.Space, name: t.Name.Local, attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root == nil {
				root = n
			} else {
				return nil, fmt.Errorf("a second root <%s>", n.name)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
}

func (s *schema) check(n *node, typ, path string) error {
	if n.ns != s.ns {
		return fmt.Errorf("%s: namespace %q, want %q", path, n.ns, s.ns)
	}
	ct, ok := s.complex[typ]
	if !ok { // a simple type: text only
		if len(n.kids) > 0 {
			return fmt.Errorf("%s: <%s> inside a %s", path, n.kids[0].name, typ)
		}
		return s.value(typ, n.text.String(), path)
	}
	if strings.TrimSpace(n.text.String()) != "" {
		return fmt.Errorf("%s: text %q in an element of type %s", path, cut(n.text.String()), typ)
	}
	declared := map[string]attribute{}
	for _, a := range ct.attrs {
		declared[a.name] = a
	}
	seen := map[string]bool{}
	for _, a := range n.attrs {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		d, ok := declared[a.Name.Local]
		if !ok || a.Name.Space != "" {
			return fmt.Errorf("%s: attribute %s is not declared for %s", path, a.Name.Local, typ)
		}
		seen[d.name] = true
		if err := s.value(d.typ, a.Value, path+"/@"+d.name); err != nil {
			return err
		}
	}
	for _, a := range ct.attrs {
		if a.required && !seen[a.name] {
			return fmt.Errorf("%s: required attribute %s missing", path, a.name)
		}
	}
	types := map[string]string{}
	collect(ct.content, types)
	i, err := s.match(ct.content, n.kids, 0, path)
	if err != nil {
		return err
	}
	if i < len(n.kids) {
		return fmt.Errorf("%s: <%s> not allowed here (type %s)", path, n.kids[i].name, typ)
	}
	for k, kid := range n.kids {
		if err := s.check(kid, types[kid.name], fmt.Sprintf("%s/%s[%d]", path, kid.name, k+1)); err != nil {
			return err
		}
	}
	return nil
}

// collect maps the element names a content model allows to their types.
func collect(p particle, types map[string]string) {
	if p.kind == "element" {
		types[p.name] = p.typ
	}
	for _, it := range p.items {
		collect(it, types)
	}
}

// match consumes kids from i as particle p allows (greedily, which the
// deterministic content models of an XSD permit) and returns where it
// stopped.
func (s *schema) match(p particle, kids []*node, i int, path string) (int, error) {
	count := 0
	var why error
	for p.max < 0 || count < p.max {
		next, err := s.once(p, kids, i, path)
		if err != nil {
			why = err
			break
		}
		if next == i { // an occurrence of nothing: the rest may be empty too
			count = max(count, p.min)
			break
		}
		i = next
		count++
	}
	if count < p.min {
		if p.kind != "element" && why != nil {
			return i, why
		}
		at := "the end"
		if i < len(kids) {
			at = "<" + kids[i].name + ">"
		}
		return i, fmt.Errorf("%s: %s expected at least %d times before %s", path, p.name, p.min, at)
	}
	return i, nil
}

// once matches one occurrence of p at kids[i:].
func (s *schema) once(p particle, kids []*node, i int, path string) (int, error) {
	switch p.kind {
	case "element":
		if i < len(kids) && kids[i].name == p.name {
			return i + 1, nil
		}
		return i, fmt.Errorf("%s: no %s", path, p.name)
	case "choice":
		for _, it := range p.items {
			if j, err := s.match(it, kids, i, path); err == nil && j > i {
				return j, nil
			}
		}
		for _, it := range p.items {
			if it.min == 0 {
				return i, nil
			}
		}
		return i, fmt.Errorf("%s: none of the choices at %s", path, at(kids, i))
	default: // sequence
		for _, it := range p.items {
			j, err := s.match(it, kids, i, path)
			if err != nil {
				return i, err
			}
			i = j
		}
		return i, nil
	}
}

func at(kids []*node, i int) string {
	if i < len(kids) {
		return "<" + kids[i].name + ">"
	}
	return "the end"
}

var (
	integerRE = regexp.MustCompile(`^[+-]?[0-9]+$`)
	decimalRE = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$`)
)

// value checks a value against a simple type.
func (s *schema) value(typ, v, path string) error {
	if st, ok := s.simple[typ]; ok {
		tv := strings.Join(strings.Fields(v), " ") // xsd:token collapses spaces
		if st.pattern != nil && !st.pattern.MatchString(tv) {
			return fmt.Errorf("%s: %q does not match %s", path, cut(v), typ)
		}
		if len(st.enum) > 0 {
			for _, e := range st.enum {
				if e == tv {
					return nil
				}
			}
			return fmt.Errorf("%s: %q is not one of %s", path, cut(v), strings.Join(st.enum, ", "))
		}
		return nil
	}
	tv := strings.TrimSpace(v)
	bad := false
	switch typ {
	case "xsd:integer":
		bad = !integerRE.MatchString(tv)
	case "xsd:decimal":
		bad = !decimalRE.MatchString(tv)
	case "xsd:boolean":
		bad = tv != "true" && tv != "false" && tv != "1" && tv != "0"
	case "xsd:date":
		_, err := time.Parse("2006-01-02", tv)
		bad = err != nil
	case "xsd:dateTime":
		_, err1 := time.Parse(time.RFC3339Nano, tv)
		_, err2 := time.Parse("2006-01-02T15:04:05.999999999", tv)
		bad = err1 != nil && err2 != nil
	case "xsd:string", "xsd:token":
	default:
		return fmt.Errorf("%s: unknown type %s", path, typ)
	}
	if bad {
		return fmt.Errorf("%s: %q is not an %s", path, cut(v), typ)
	}
	return nil
}

func cut(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
