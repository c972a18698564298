package report

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"qcode/coding"
)

// StarterOptions are the command line's choices that the default report
// (and so the starter recipe) takes.
type StarterOptions struct {
	Coder       string                 // "" any coder; coding.Consensus the team's final coding
	Where       []coding.AttrCondition // conditions on every section
	Source      string                 // the --source the summary names
	Unit        string                 // attribute counted instead of participants
	By          string                 // attribute splitting the frequency tables
	Attribution string                 // attribution template
	PerCode     int                    // quotes per code: 0 every quote; < 0 QuotesPerCode
	Memos       bool                   // end with every memo
}

// Starter writes the recipe of qcode's default report for this project:
// a summary, the thematic map, per theme a table (a levels table with
// examples for a code group) and a bar chart of every code's sub-codes,
// the quote bank and, with Memos, the memos. `qcode export` without
// --recipe builds this recipe; `qcode export --recipe` writes it, to
// edit. The themes are this project's codebook as it is now; the numbers
// are placeholders, so the recipe stays right as coding goes on.
func Starter(s *coding.Store, o StarterOptions) (string, error) {
	attrs, err := s.AttributeValues()
	if err != nil {
		return "", err
	}
	hasMethod := false
	for _, a := range attrs {
		hasMethod = hasMethod || strings.EqualFold(a.Name, "method")
	}
	// Interviewer turns: the summary has a row for them when the project
	// has any (the placeholder counts them in scope).
	rep, err := s.Report(coding.ReportQuery{Codes: "", Source: o.Source, Where: o.Where, Unit: o.Unit})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# A report recipe for qcode (see docs/reports.md, \"Report recipes\").\n")
	w("# Render it: qcode export --recipe THIS.yaml --format md|docx|html OUT\n")
	w("# It reproduces qcode's default report for this project; reorder, drop,\n")
	w("# add or change sections: text (Markdown with placeholders such as\n")
	w("# {n_cases}), memo, table, quotes, chart, agreement.\n")
	w("title: %s\n", yamlString("{project}"))
	if o.Coder != "" {
		w("coder: %s\n", yamlString(o.Coder))
	}
	if len(o.Where) > 0 {
		w("where:\n")
		for _, c := range o.Where {
			w("  - %s\n", yamlString(c.Spec()))
		}
	}
	u := units{"participant", "participants"}
	if o.Unit != "" {
		w("unit: %s\n", yamlString(o.Unit))
		u = units{rep.Unit, plural(rep.Unit)}
	}
	if o.Attribution != "" {
		w("attribution: %s\n", yamlString(o.Attribution))
	}
	w("sections:\n")
	w("  - text: |\n")
	summary := []string{"## Summary", "", "| | |", "| --- | ---: |"}
	if o.Source != "" {
		summary = append(summary, "| Source | {source} |")
	} else {
		summary = append(summary, "| Sources | {n_sources} |")
	}
	if len(o.Where) > 0 {
		summary = append(summary, "| Segments selected | {where} |")
	}
	summary = append(summary, "| Segments (participants' answers) | {n_segments} |", "| Segments coded | {n_segments_coded} |")
	if o.Unit != "" {
		summary = append(summary, "| "+capital(u.many)+" | {n} |", "| "+capital(u.many)+" coded | {n_coded} |")
	} else {
		summary = append(summary, "| Participants (cases) | {n} |", "| Participants coded | {n_coded} |")
	}
	if rep.Prompts > 0 {
		summary = append(summary, "| Interviewer turns (prompts, not counted) | {n_prompts} |")
	}
	summary = append(summary, "| Codings in the project | {n_codings} |", "| Coders | {coders} |", "| Codings counted | {counted} |", "")
	if o.Coder == coding.Consensus {
		summary = append(summary, "{consensus}", "")
	}
	if hasMethod {
		summary = append(summary, "By method: {by_method}.", "")
	}
	what := "a case is a participant (a segment with no known participant counts as its own case)"
	if rep.Prompts > 0 {
		what += "; interviewers and facilitators are not participants, and their turns are prompts, not segments"
	}
	if o.Unit != "" {
		what = "counts are of distinct values of " + rep.Unit + "; segments without one are counted as segments only ({n_without_unit} here)"
	}
	summary = append(summary, "How to read the tables: "+what+". A code's count includes its sub-codes, and a segment counts once per code however many times it was coded. Percentages are of the "+u.many+" with at least one segment (n = {n}).")
	for _, line := range summary {
		if line == "" {
			w("\n")
			continue
		}
		w("      %s\n", strings.ReplaceAll(line, "\t", " "))
	}
	w("  - text: \"## Thematic map\"\n")
	w("  - chart:\n      type: map\n")
	w("  - text: \"## Themes\"\n")
	book := s.Codebook()
	themes := book.Children(0)
	if len(themes) == 0 {
		w("  - text: The codebook is empty.\n")
	}
	for _, theme := range themes {
		w("  - table:\n")
		w("      heading: %s\n      level: 3\n", yamlString(theme.Name))
		w("      codes: %s\n      description: true\n", yamlString(theme.Path))
		if theme.Group {
			w("      examples: true\n")
		} else if o.By != "" {
			w("      by: %s\n", yamlString(o.By))
		}
		var walk func(c coding.Code)
		walk = func(c coding.Code) {
			kids := book.Children(c.ID)
			if len(kids) == 0 {
				return
			}
			w("  - chart:\n      codes: %s\n", yamlString(c.Path))
			for _, k := range kids {
				walk(k)
			}
		}
		walk(theme)
	}
	w("  - text: \"## Quotes\"\n")
	perCode := o.PerCode
	if perCode < 0 {
		perCode = QuotesPerCode
	}
	w("  - quotes:\n      per_code: %d\n", perCode)
	if o.Memos {
		w("  - memo: all\n")
	}
	return b.String(), nil
}

// plainYAML is a string YAML reads as itself without quotes.
var plainYAML = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 ._/()'&+-]*$`)

// yamlString writes s as a YAML scalar: plain when that reads back as
// the same string, else double-quoted (JSON's escapes are YAML's).
func yamlString(s string) string {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~":
	default:
		if plainYAML.MatchString(s) && !strings.HasSuffix(s, " ") && !strings.Contains(s, " #") && !strings.Contains(s, ": ") {
			return s
		}
	}
	b, _ := json.Marshal(s)
	return string(b)
}
