package coding

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"qcode/corpus/printable"
	"qcode/corpus/qdaxml"
)

// REFI-QDA codebooks. A QDA-XML code has a name, a colour and one
// <Description>; qcode's inclusion and exclusion notes travel inside it, as
// paragraphs of their own after the description ("Include: …",
// "Exclude: …"), which people reading it in another tool understand and
// which qcode reads back. Quick keys and code groups have no place in the
// standard and stay behind (a .qdpx written by qcode carries them beside
// the project).

// Labels of the note paragraphs inside a QDA-XML description.
const (
	includeLabel = "Include:"
	excludeLabel = "Exclude:"
)

// QDADescription is a code's description as a QDA-XML <Description>: the
// description, then the inclusion and exclusion notes as paragraphs.
func QDADescription(c Code) string {
	var parts []string
	if c.Description != "" {
		parts = append(parts, c.Description)
	}
	if c.Include != "" {
		parts = append(parts, includeLabel+" "+c.Include)
	}
	if c.Exclude != "" {
		parts = append(parts, excludeLabel+" "+c.Exclude)
	}
	return strings.Join(parts, "\n\n")
}

// splitQDADescription reads a QDA-XML description back into description,
// inclusion and exclusion notes: from the first paragraph that starts with
// "Include:" or "Exclude:" (any case), each such paragraph starts a note
// and the paragraphs after it continue it.
func splitQDADescription(s string) (desc, include, exclude string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	paras := strings.Split(s, "\n\n")
	var d, inc, exc []string
	cur := &d
	for _, p := range paras {
		trimmed := strings.TrimSpace(p)
		switch {
		case hasLabel(trimmed, includeLabel):
			cur = &inc
			p = strings.TrimSpace(trimmed[len(includeLabel):])
		case hasLabel(trimmed, excludeLabel):
			cur = &exc
			p = strings.TrimSpace(trimmed[len(excludeLabel):])
		}
		*cur = append(*cur, p)
	}
	return strings.Join(d, "\n\n"), strings.Join(inc, "\n\n"), strings.Join(exc, "\n\n")
}

func hasLabel(s, label string) bool {
	return len(s) >= len(label) && strings.EqualFold(s[:len(label)], label)
}

// hexColor is a colour as QDA-XML writes it (RGBType).
var hexColor = regexp.MustCompile(`^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$`)

// QDAColor is a code's colour as QDA-XML accepts it ("#rrggbb"), or ""
// when it has none a reader could use.
func QDAColor(c string) string {
	c = strings.TrimSpace(c)
	if !hexColor.MatchString(c) {
		return ""
	}
	return strings.ToLower(expandColor(c))
}

// expandColor writes "#abc" as "#aabbcc".
func expandColor(c string) string {
	if len(c) != 4 {
		return c
	}
	return "#" + strings.Repeat(c[1:2], 2) + strings.Repeat(c[2:3], 2) + strings.Repeat(c[3:4], 2)
}

// QDACodes is the codebook as QDA-XML codes, each named by guid(code).
func QDACodes(book *Codebook, guid func(Code) string) []qdaxml.Code {
	var walk func(parent CodeID) []qdaxml.Code
	walk = func(parent CodeID) []qdaxml.Code {
		var out []qdaxml.Code
		for _, c := range book.Children(parent) {
			out = append(out, qdaxml.Code{GUID: guid(c), Name: c.Name, IsCodable: "true", Color: QDAColor(c.Color),
				Description: QDADescription(c), Codes: walk(c.ID)})
		}
		return out
	}
	return walk(0)
}

// QDASpecs turns QDA-XML codes into codebook specs. Names are made fit for
// a path: control characters and line breaks go, "/" (which separates a
// path's levels) becomes "∕" (U+2215), an empty name becomes "(unnamed)",
// and a sibling whose name another already has (ignoring case) gets " (2)".
// paths maps each code's GUID (qdaxml.GUIDKey) to its path; notes says
// what was changed, for the user.
func QDASpecs(codes []qdaxml.Code) (specs []CodeSpec, paths map[string]string, notes []string) {
	paths = map[string]string{}
	renamed := 0
	var walk func(prefix string, codes []qdaxml.Code) []CodeSpec
	walk = func(prefix string, codes []qdaxml.Code) []CodeSpec {
		var out []CodeSpec
		taken := map[string]bool{}
		for _, c := range codes {
			name := fitCodeName(c.Name)
			if name != c.Name {
				renamed++
			}
			base := name
			for i := 2; taken[strings.ToLower(name)]; i++ {
				name = fmt.Sprintf("%s (%d)", base, i)
			}
			if base != name {
				renamed++
			}
			taken[strings.ToLower(name)] = true
			sp := CodeSpec{Name: name, Color: QDAColor(c.Color)}
			sp.Description, sp.Include, sp.Exclude = splitQDADescription(c.Description)
			path := prefix + name
			if k := qdaxml.GUIDKey(c.GUID); k != "" {
				if _, dup := paths[k]; !dup {
					paths[k] = path
				}
			}
			sp.Codes = walk(path+"/", c.Codes)
			out = append(out, sp)
		}
		return out
	}
	specs = walk("", codes)
	switch {
	case renamed == 1:
		notes = append(notes, "1 code name changed to fit a path (no \"/\", line breaks or control characters; siblings differ)")
	case renamed > 1:
		notes = append(notes, strconv.Itoa(renamed)+" code names changed to fit a path (no \"/\", line breaks or control characters; siblings differ)")
	}
	return specs, paths, notes
}

// fitCodeName makes a code name from another tool usable in a path.
func fitCodeName(name string) string {
	name = printable.Strip(name)
	name = strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' || r == ' ' }), " ")
	name = strings.ReplaceAll(name, "/", "∕")
	if name == "" {
		return "(unnamed)"
	}
	return name
}
