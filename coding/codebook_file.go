package coding

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"qcode/corpus"
	"qcode/corpus/qdaxml"
)

// CodeSpec is a code as written in a codebook file (YAML or JSON) and in the
// built-in templates: a name, its details, and its sub-codes.
type CodeSpec struct {
	Name        string     `json:"name" yaml:"name"`
	Description string     `json:"description,omitempty" yaml:"description,omitempty"`
	Include     string     `json:"include,omitempty" yaml:"include,omitempty"`
	Exclude     string     `json:"exclude,omitempty" yaml:"exclude,omitempty"`
	Color       string     `json:"color,omitempty" yaml:"color,omitempty"`
	Key         string     `json:"key,omitempty" yaml:"key,omitempty"`
	Group       bool       `json:"group,omitempty" yaml:"group,omitempty"`         // a code group: its children are levels
	Exclusive   bool       `json:"exclusive,omitempty" yaml:"exclusive,omitempty"` // one level per passage (a group)
	Codes       []CodeSpec `json:"codes,omitempty" yaml:"codes,omitempty"`
}

func (sp CodeSpec) details() CodeDetails {
	return CodeDetails{Description: sp.Description, Include: sp.Include, Exclude: sp.Exclude, Color: sp.Color, Key: sp.Key, Group: sp.Group, Exclusive: sp.Exclusive}
}

// fillDetails sets the details the spec gives (non-empty ones) on c.
func (sp CodeSpec) fillDetails(c *Code) {
	for _, f := range []struct {
		from string
		to   *string
	}{{sp.Description, &c.Description}, {sp.Include, &c.Include}, {sp.Exclude, &c.Exclude}, {sp.Color, &c.Color}, {sp.Key, &c.Key}} {
		if f.from != "" {
			*f.to = f.from
		}
	}
	if sp.Group || sp.Exclusive {
		c.Group = true
	}
	if sp.Exclusive {
		c.Exclusive = true
	}
}

// codebookFile is the top level of a codebook file.
type codebookFile struct {
	Codes []CodeSpec `json:"codes" yaml:"codes"`
}

func checkSpecs(specs []CodeSpec, prefix string) error {
	seen := map[string]bool{}
	for _, sp := range specs {
		if err := checkName(sp.Name); err != nil {
			if prefix != "" {
				return fmt.Errorf("under %s: %w", corpus.Excerpt(strings.TrimSuffix(prefix, "/")), err)
			}
			return err
		}
		key := strings.ToLower(sp.Name)
		if seen[key] {
			return errorf(ErrInvalidInput, "code %q appears twice", corpus.Excerpt(prefix+sp.Name))
		}
		seen[key] = true
		if err := checkSpecs(sp.Codes, prefix+sp.Name+"/"); err != nil {
			return err
		}
	}
	return nil
}

// ParseCodebook reads a codebook file: YAML (.yaml, .yml) or JSON (.json),
// a top-level "codes" list of {name, description, include, exclude, color,
// key, group, exclusive, codes}; or a REFI-QDA codebook (.qdc, see
// QDASpecs). name is the file's name, for messages and the format.
func ParseCodebook(name string, data []byte) ([]CodeSpec, error) {
	var f codebookFile
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, errorf(ErrInvalidInput, "%s: %s", filepath.Base(name), corpus.Cut(jsonErrorWhere(data, err), 200))
		}
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && err != io.EOF {
			return nil, errorf(ErrInvalidInput, "%s: %s", filepath.Base(name), corpus.Cut(yamlMessage(err), 200))
		}
	case ".qdc":
		cb, err := qdaxml.ParseCodebook(filepath.Base(name), data, qdaxml.Limits{})
		if err != nil {
			return nil, err
		}
		f.Codes, _, _ = QDASpecs(cb.Codes.Code)
	default:
		return nil, errorf(ErrInvalidInput, "%s: a codebook file is .yaml, .yml, .json or .qdc (REFI-QDA)", filepath.Base(name))
	}
	if len(f.Codes) == 0 {
		return nil, errorf(ErrInvalidInput, "%s: no codes (expected a top-level \"codes\" list)", filepath.Base(name))
	}
	if err := checkSpecs(f.Codes, ""); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(name), err)
	}
	return f.Codes, nil
}

// yamlMessage makes a YAML error one line: "line 3: field colour not found".
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := te.Errors[0]
		if i := strings.Index(msg, " in type "); i > 0 {
			msg = msg[:i]
		}
		return msg
	}
	return strings.ReplaceAll(strings.TrimPrefix(err.Error(), "yaml: "), "\n", "; ")
}

// jsonErrorWhere turns a JSON decoding error into "line N: what".
func jsonErrorWhere(data []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if off < 0 || off > int64(len(data)) {
		return msg
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	return fmt.Sprintf("line %d: %s", line, msg)
}

// Specs returns the codebook as a tree of specs, as files hold it.
func (b *Codebook) Specs() []CodeSpec {
	var walk func(parent CodeID) []CodeSpec
	walk = func(parent CodeID) []CodeSpec {
		var out []CodeSpec
		for _, c := range b.children[parent] {
			out = append(out, CodeSpec{Name: c.Name, Description: c.Description, Include: c.Include,
				Exclude: c.Exclude, Color: c.Color, Key: c.Key, Group: c.Group, Exclusive: c.Exclusive, Codes: walk(c.ID)})
		}
		return out
	}
	return walk(0)
}

// WriteCodebook writes specs as YAML or JSON ("yaml" or "json").
func WriteCodebook(w io.Writer, specs []CodeSpec, format string) error {
	f := codebookFile{Codes: specs}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(f)
	case "yaml", "":
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(f); err != nil {
			return err
		}
		return enc.Close()
	}
	return errorf(ErrInvalidInput, "codebook format %q: use yaml or json", format)
}
