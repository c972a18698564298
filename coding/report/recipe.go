package report

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"qcode/coding"
	"qcode/corpus"
)

// Recipe is a report's shape, written once and run after every coding
// session: a title and an ordered list of sections. Keys at the top are
// defaults for every section (a section's own key wins; its where
// conditions are added to the recipe's).
type Recipe struct {
	Title       string
	Date        bool // the "written by qcode on" line (default true)
	Coder       string
	Where       []coding.AttrCondition
	Unit        string
	UnitLabel   string
	Attribution string
	Style       string // count (default) or n_of_n
	Sections    []Section

	// name is the recipe's file name, for error lines; text is the
	// recipe as written; lines are the lines of its top keys.
	name, text string
	lines      map[string]int
}

// Text is the recipe as written (YAML).
func (r *Recipe) Text() string { return r.text }

// Section kinds.
const (
	KindText      = "text"
	KindMemo      = "memo"
	KindTable     = "table"
	KindQuotes    = "quotes"
	KindChart     = "chart"
	KindAgreement = "agreement"
)

var kinds = []string{KindText, KindMemo, KindTable, KindQuotes, KindChart, KindAgreement}

// Section is one section of a recipe; Kind says which fields apply.
type Section struct {
	Kind string
	Line int // the recipe line the section starts on

	Heading string // a heading written before the section
	Level   int    // its level (default 2; quotes: their theme headings' level, default 3)

	// text: Markdown with placeholders; textLine is the line of its first
	// line in the recipe.
	Text     string
	textLine int

	// memo: what the memo is on.
	Memo MemoRef

	// table, chart, quotes, agreement: what is counted.
	Codes     string // table, chart, agreement: a code and its sub-codes ("" every code)
	Code      string // quotes: a code and its sub-codes
	By        string
	Unit      string
	UnitLabel string
	Where     []coding.AttrCondition
	Coder     string
	Sort      string // codebook (default) or frequency
	Style     string // count or n_of_n
	Examples  bool
	Segments  *bool // table: a segments column (default: yes, but not for a code group)
	Describe  bool  // table: the code's description under the heading
	Caption   string
	ID        string // table: a name a chart can draw ("table: ID")
	Table     string // chart: the table it draws

	// quotes
	Starred     bool
	PerCode     int // 0 all; default 5 (perCodeSet tells)
	perCodeSet  bool
	Attribution string
	MaxChars    int
	Dedupe      bool

	// chart
	Type  string // bar (default) or map
	Title string

	// agreement
	Coders []string
	Units  string
	Sample string

	lines map[string]int // the line of each key, for errors
}

// MemoRef names the memo a memo section prints: the journal (all of it,
// or entry #Entry), a code's or a case's memo, or every memo (all).
type MemoRef struct {
	Kind  string // journal, code, case, all
	Name  string // the code's path or the case's name
	Entry int    // journal: one entry by number (0: every entry)
}

// Style values.
const (
	StyleCount = "count"
	StyleNofN  = "n_of_n"
)

// RecipeError is a mistake in a recipe, on one line of it.
type RecipeError struct {
	File string
	Line int
	Err  error
}

func (e *RecipeError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *RecipeError) Unwrap() error { return e.Err }

// lineErr places err on a recipe line.
func (r *Recipe) lineErr(line int, format string, args ...any) error {
	return &RecipeError{File: r.name, Line: line, Err: fmt.Errorf(format, args...)}
}

// wrapErr places an error from the store on a recipe line.
func (r *Recipe) wrapErr(line int, what string, err error) error {
	var re *RecipeError
	if errors.As(err, &re) {
		return err
	}
	if what != "" {
		err = fmt.Errorf("%s: %w", what, err)
	}
	return &RecipeError{File: r.name, Line: line, Err: err}
}

var topKeys = []string{"title", "date", "coder", "where", "unit", "unit_label", "attribution", "style", "sections"}

var sectionKeys = map[string][]string{
	KindTable:     {"heading", "level", "codes", "by", "unit", "unit_label", "where", "coder", "sort", "style", "examples", "segments", "description", "caption", "id", "attribution"},
	KindQuotes:    {"heading", "level", "code", "where", "coder", "starred", "per_code", "attribution", "max_chars", "dedupe"},
	KindChart:     {"heading", "level", "type", "codes", "table", "unit", "unit_label", "where", "coder", "caption", "title"},
	KindAgreement: {"heading", "level", "coders", "units", "sample", "codes", "where", "caption"},
	KindMemo:      {"heading", "level", "journal", "code", "case", "all"},
}

// ParseRecipe reads a recipe (YAML). name is the file's name, used in
// error lines. Anything it does not know — a key, a section kind, a
// value of sort or style — is an error naming the line; codes,
// attributes, coders and placeholders are checked against the project
// when the report is built (Build).
func ParseRecipe(name string, data []byte) (*Recipe, error) {
	r := &Recipe{name: name, text: string(data), Date: true, lines: map[string]int{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, r.yamlErr(err)
	}
	if len(doc.Content) == 0 {
		return nil, r.lineErr(0, "the recipe is empty: it needs sections (qcode export --recipe writes a starter)")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, r.lineErr(root.Line, "a recipe is a mapping with title and sections")
	}
	var sections *yaml.Node
	err := r.eachKey(root, topKeys, "the recipe", func(key string, v *yaml.Node) error {
		var err error
		r.lines[key] = v.Line
		switch key {
		case "title":
			r.Title, err = r.str(v, key)
		case "date":
			r.Date, err = r.boolean(v, key)
		case "coder":
			r.Coder, err = r.str(v, key)
		case "where":
			r.Where, err = r.where(v)
		case "unit":
			r.Unit, err = r.str(v, key)
		case "unit_label":
			r.UnitLabel, err = r.str(v, key)
		case "attribution":
			r.Attribution, err = r.str(v, key)
		case "style":
			r.Style, err = r.oneOf(v, key, StyleCount, StyleNofN)
		case "sections":
			sections = v
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if sections == nil || sections.Kind != yaml.SequenceNode || len(sections.Content) == 0 {
		line := root.Line
		if sections != nil {
			line = sections.Line
		}
		return nil, r.lineErr(line, "sections: give a list of sections (text, memo, table, quotes, chart, agreement)")
	}
	for _, n := range sections.Content {
		s, err := r.section(n)
		if err != nil {
			return nil, err
		}
		r.Sections = append(r.Sections, s)
	}
	return r, r.checkTables()
}

// yamlErr turns a YAML syntax error into one line naming the recipe's
// line ("yaml: line 3: …").
func (r *Recipe) yamlErr(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ":"); ok {
			if line, err := strconv.Atoi(n); err == nil {
				return r.lineErr(line, "not YAML:%s", after)
			}
		}
	}
	return r.lineErr(0, "not YAML: %s", msg)
}

// eachKey calls fn for each key of a mapping, refusing keys not in known
// and keys given twice.
func (r *Recipe) eachKey(m *yaml.Node, known []string, what string, fn func(string, *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := k.Value
		if !slices.Contains(known, key) {
			return r.lineErr(k.Line, "%s: unknown key %q (keys: %s)", what, corpus.Excerpt(key), strings.Join(known, ", "))
		}
		if seen[key] {
			return r.lineErr(k.Line, "%s: %s is given twice", what, key)
		}
		seen[key] = true
		if err := fn(key, v); err != nil {
			return err
		}
	}
	return nil
}

func (r *Recipe) str(v *yaml.Node, key string) (string, error) {
	if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle != 0 {
		// title: {project} is a YAML mapping, not a placeholder.
		return "", r.lineErr(v.Line, "%s: put a value that starts with { in quotes (%s: \"{project} …\")", key, key)
	}
	if v.Kind != yaml.ScalarNode {
		return "", r.lineErr(v.Line, "%s: give one value", key)
	}
	return v.Value, nil
}

func (r *Recipe) boolean(v *yaml.Node, key string) (bool, error) {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
		return false, r.lineErr(v.Line, "%s: write true or false (got %q)", key, corpus.Excerpt(v.Value))
	}
	return b, nil
}

func (r *Recipe) number(v *yaml.Node, key string) (int, error) {
	n, err := strconv.Atoi(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil || n < 0 {
		return 0, r.lineErr(v.Line, "%s: give a whole number ≥ 0 (got %q)", key, corpus.Excerpt(v.Value))
	}
	return n, nil
}

func (r *Recipe) oneOf(v *yaml.Node, key string, values ...string) (string, error) {
	s, err := r.str(v, key)
	if err == nil && !slices.Contains(values, s) {
		err = r.lineErr(v.Line, "%s: %q is not one of %s", key, corpus.Excerpt(s), strings.Join(values, ", "))
	}
	return s, err
}

func (r *Recipe) list(v *yaml.Node, key string) ([]string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		var out []string
		for _, s := range strings.Split(v.Value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(v.Content))
		for _, n := range v.Content {
			s, err := r.str(n, key)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, r.lineErr(v.Line, "%s: give a list", key)
}

// where reads a where: a mapping of attribute to a value or a list of
// values (any of them), or a list of --where specs ("role!=PQ lead"), or
// one spec.
func (r *Recipe) where(v *yaml.Node) ([]coding.AttrCondition, error) {
	var specs []string
	switch v.Kind {
	case yaml.MappingNode:
		var out []coding.AttrCondition
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			vals, err := r.list(val, "where "+k.Value)
			if val.Kind == yaml.ScalarNode {
				vals = []string{val.Value} // a mapping's value is one value, commas and all
			}
			if err != nil {
				return nil, err
			}
			if strings.TrimSpace(k.Value) == "" {
				return nil, r.lineErr(k.Line, "where: name the attribute")
			}
			out = append(out, coding.AttrCondition{Name: strings.TrimSpace(k.Value), Values: vals})
		}
		return out, nil
	case yaml.ScalarNode:
		specs = []string{v.Value}
	case yaml.SequenceNode:
		for _, n := range v.Content {
			s, err := r.str(n, "where")
			if err != nil {
				return nil, err
			}
			specs = append(specs, s)
		}
	}
	out, err := coding.ParseWhere(specs)
	if err != nil {
		return nil, r.wrapErr(v.Line, "", err)
	}
	return out, nil
}

// section reads one item of sections: a mapping with one key, the kind,
// whose value holds the section's keys (text: the Markdown itself; memo:
// "journal", "all", or a mapping).
func (r *Recipe) section(n *yaml.Node) (Section, error) {
	s := Section{Line: n.Line, lines: map[string]int{}}
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return s, r.lineErr(n.Line, "a section is one of %s, e.g. \"- table: {codes: Barriers}\"", strings.Join(kinds, ", "))
	}
	k, v := n.Content[0], n.Content[1]
	s.Kind = k.Value
	if !slices.Contains(kinds, s.Kind) {
		return s, r.lineErr(k.Line, "unknown section %q (sections: %s)", corpus.Excerpt(s.Kind), strings.Join(kinds, ", "))
	}
	switch {
	case s.Kind == KindText:
		if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle != 0 {
			return s, r.lineErr(v.Line, "text: put text that starts with { in quotes, or write text: | and the lines below")
		}
		if v.Kind != yaml.ScalarNode {
			return s, r.lineErr(v.Line, "text: write the Markdown as a string (text: | and the lines below)")
		}
		s.Text, s.textLine = v.Value, v.Line
		if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			s.textLine++ // a block's first line is the one after "|"
		}
		return s, nil
	case s.Kind == KindMemo && v.Kind == yaml.ScalarNode:
		switch v.Value {
		case "journal", "all":
			s.Memo.Kind = v.Value
			return s, nil
		}
		return s, r.lineErr(v.Line, "memo: write journal, all, or a mapping such as {code: Barriers}, {case: NAME}, {journal: 2}")
	case v.Kind == yaml.ScalarNode && v.Value == "" && s.Kind == KindQuotes:
		return s, nil // "- quotes:" alone: every code's quotes
	case v.Kind != yaml.MappingNode:
		return s, r.lineErr(v.Line, "%s: give its keys (%s)", s.Kind, strings.Join(sectionKeys[s.Kind], ", "))
	}
	err := r.eachKey(v, sectionKeys[s.Kind], s.Kind, func(key string, val *yaml.Node) error {
		s.lines[key] = val.Line
		return r.sectionKey(&s, key, val)
	})
	if err != nil {
		return s, err
	}
	if s.Kind == KindMemo && s.Memo.Kind == "" {
		return s, r.lineErr(v.Line, "memo: name it: journal, code, case or all")
	}
	if s.Kind == KindChart && s.Table != "" {
		for _, key := range []string{"codes", "unit", "unit_label", "where", "coder"} {
			if _, ok := s.lines[key]; ok {
				return s, r.lineErr(s.lines[key], "chart: %s comes from table %q; leave it out", key, s.Table)
			}
		}
	}
	return s, nil
}

func (r *Recipe) sectionKey(s *Section, key string, v *yaml.Node) error {
	var err error
	switch key {
	case "heading":
		s.Heading, err = r.str(v, key)
	case "level":
		s.Level, err = r.number(v, key)
		if err == nil && (s.Level < 1 || s.Level > 6) {
			err = r.lineErr(v.Line, "level: give 1 to 6")
		}
	case "codes":
		s.Codes, err = r.str(v, key)
	case "code":
		if s.Kind == KindMemo {
			s.Memo.Kind = "code"
			err = r.memoTarget(s, v)
		} else {
			s.Code, err = r.str(v, key)
		}
	case "case":
		s.Memo.Kind = "case"
		err = r.memoTarget(s, v)
	case "journal":
		if s.Memo.Kind != "" {
			return r.lineErr(v.Line, "memo: name one memo")
		}
		s.Memo.Kind = "journal"
		s.Memo.Entry, err = r.number(v, key)
		if err == nil && s.Memo.Entry < 1 {
			err = r.lineErr(v.Line, "journal: give an entry's number (1 is the oldest; qcode memos --kind project lists them)")
		}
	case "all":
		var all bool
		if all, err = r.boolean(v, key); err == nil && all {
			if s.Memo.Kind != "" {
				return r.lineErr(v.Line, "memo: name one memo")
			}
			s.Memo.Kind = "all"
		}
	case "by":
		s.By, err = r.str(v, key)
	case "unit":
		s.Unit, err = r.str(v, key)
	case "unit_label":
		s.UnitLabel, err = r.str(v, key)
	case "where":
		s.Where, err = r.where(v)
	case "coder":
		s.Coder, err = r.str(v, key)
	case "sort":
		s.Sort, err = r.oneOf(v, key, "codebook", "frequency")
	case "style":
		s.Style, err = r.oneOf(v, key, StyleCount, StyleNofN)
	case "examples":
		s.Examples, err = r.boolean(v, key)
	case "segments":
		var b bool
		b, err = r.boolean(v, key)
		s.Segments = &b
	case "description":
		s.Describe, err = r.boolean(v, key)
	case "caption":
		s.Caption, err = r.str(v, key)
	case "id":
		s.ID, err = r.str(v, key)
	case "table":
		s.Table, err = r.str(v, key)
	case "starred":
		s.Starred, err = r.boolean(v, key)
	case "per_code":
		s.PerCode, err = r.number(v, key)
		s.perCodeSet = true
	case "attribution":
		s.Attribution, err = r.str(v, key)
	case "max_chars":
		s.MaxChars, err = r.number(v, key)
	case "dedupe":
		s.Dedupe, err = r.boolean(v, key)
	case "type":
		s.Type, err = r.oneOf(v, key, "bar", "map")
	case "title":
		s.Title, err = r.str(v, key)
	case "coders":
		s.Coders, err = r.list(v, key)
	case "units":
		s.Units, err = r.oneOf(v, key, "reviewed", "coded", "all")
	case "sample":
		s.Sample, err = r.str(v, key)
	}
	return err
}

func (r *Recipe) memoTarget(s *Section, v *yaml.Node) error {
	if s.Memo.Name != "" || s.Memo.Entry != 0 {
		return r.lineErr(v.Line, "memo: name one memo")
	}
	name, err := r.str(v, s.Memo.Kind)
	if err == nil && strings.TrimSpace(name) == "" {
		err = r.lineErr(v.Line, "memo %s: give its name", s.Memo.Kind)
	}
	s.Memo.Name = name
	return err
}

// checkTables refuses a chart of a table no section names (or names
// later), and two tables of one id.
func (r *Recipe) checkTables() error {
	ids := map[string]bool{}
	for _, s := range r.Sections {
		switch {
		case s.Kind == KindTable && s.ID != "":
			if ids[s.ID] {
				return r.lineErr(s.lines["id"], "table id %q is given twice", s.ID)
			}
			ids[s.ID] = true
		case s.Kind == KindChart && s.Table != "" && !ids[s.Table]:
			return r.lineErr(s.lines["table"], "chart: no table with id %q above it", s.Table)
		}
	}
	return nil
}
