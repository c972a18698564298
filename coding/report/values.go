package report

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"qcode/coding"
)

// placeholder resolves placeholders in Markdown (values escaped).
func (b *builder) placeholder() func(Placeholder) (string, error) {
	return b.values(true, nil)
}

// placeholderWith resolves placeholders in plain text (a caption), with
// local values ({n}: the table's base) before the rest.
func (b *builder) placeholderWith(local map[string]string) func(Placeholder) (string, error) {
	return b.values(false, local)
}

func (b *builder) values(markdown bool, local map[string]string) func(Placeholder) (string, error) {
	esc := func(s string) string {
		if markdown {
			return coding.EscapeMarkdown(s)
		}
		return s
	}
	return func(p Placeholder) (string, error) {
		if v, ok := local[p.Name]; ok && len(p.Keys) == 0 {
			return v, nil
		}
		switch p.Name {
		case "project":
			return esc(b.s.Meta().Name), nil
		case "title":
			return esc(b.doc.Title), nil
		case "date":
			return b.opts.Date.Format("2 January 2006"), nil
		case "source":
			if b.sourceLabel == "" {
				return "every source", nil
			}
			return esc(b.sourceLabel), nil
		case "where":
			where := append(append([]coding.AttrCondition(nil), b.opts.Where...), b.r.Where...)
			if len(where) == 0 {
				return "every segment", nil
			}
			return esc(coding.DescribeWhere(where)), nil
		case "counted":
			return esc(b.counted()), nil
		case "coders":
			return esc(strings.Join(b.projectCoders(), ", ")), nil
		case "n_sources":
			if b.opts.Source != "" {
				return "1", nil
			}
			return fmt.Sprint(b.info.Sources), nil
		case "n_codings":
			total := 0
			for _, n := range b.info.Coders {
				total += n
			}
			return fmt.Sprint(total), nil
		case "n_coders":
			return fmt.Sprint(len(b.projectCoders())), nil
		case "consensus":
			return b.consensusText(markdown)
		}
		return b.count(p, esc)
	}
}

// projectCoders are the project's coders by name.
func (b *builder) projectCoders() []string {
	out := make([]string, 0, len(b.info.Coders))
	for c := range b.info.Coders {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// counted says whose codings the recipe counts.
func (b *builder) counted() string {
	switch c := b.coders(""); {
	case c == nil:
		return "any coder"
	case len(c) == 1 && c[0] == coding.Consensus:
		return "consensus (the team's final coding)"
	default:
		return strings.Join(c, ", ")
	}
}

// consensusText is the paragraph that says how consensus is read and how
// many disagreements are not yet settled ("" when the recipe does not
// count consensus).
func (b *builder) consensusText(markdown bool) (string, error) {
	c := b.coders("")
	if len(c) != 1 || c[0] != coding.Consensus {
		return "", nil
	}
	sum, err := b.s.ConsensusSummaryWhere("", b.opts.Source, append(append([]coding.AttrCondition(nil), b.opts.Where...), b.r.Where...))
	if err != nil {
		return "", err
	}
	var t strings.Builder
	t.WriteString("The counts are the team's final coding: the lead's decision where one was made, else each code that every coder who reviewed the segment applied (a segment one coder reviewed counts as that coder coded it).")
	if len(sum.Coders) > 0 {
		fmt.Fprintf(&t, " Coders compared: %s.", strings.Join(sum.Coders, ", "))
	}
	switch {
	case sum.Unsettled > 0:
		fmt.Fprintf(&t, " Not yet settled: %d of %d disagreements, which are not counted (QCODE-COMMAND lists them).", sum.Unsettled, sum.Disagreements)
	case sum.Disagreements > 0:
		fmt.Fprintf(&t, " Settled: all %d disagreements.", sum.Disagreements)
	case len(sum.Coders) > 1:
		t.WriteString(" The coders did not disagree.")
	}
	const command = "qcode disagreements --unsettled"
	if markdown {
		return "**Consensus.** " + strings.ReplaceAll(coding.EscapeMarkdown(t.String()), "QCODE-COMMAND", "`"+command+"`"), nil
	}
	return "Consensus. " + strings.ReplaceAll(t.String(), "QCODE-COMMAND", command), nil
}

// count resolves a counting placeholder over its scope.
func (b *builder) count(p Placeholder, esc func(string) string) (string, error) {
	sc := scope{codes: p.one("code"), unit: b.r.Unit, unitLabel: b.r.UnitLabel, source: b.opts.Source}
	if u, ok := p.Keys["unit"]; ok {
		sc.unit = u[0]
		if !strings.EqualFold(sc.unit, b.r.Unit) {
			sc.unitLabel = ""
		}
	}
	if src := p.one("source"); src != "" {
		sc.source = src
	}
	sc.where = append(append([]coding.AttrCondition(nil), b.opts.Where...), b.r.Where...)
	if specs := p.Keys["where"]; len(specs) > 0 {
		conds, err := coding.ParseWhere(specs)
		if err != nil {
			return "", err
		}
		sc.where = append(sc.where, conds...)
	}
	sc.coders = b.coders(p.one("coder"))
	if p.Name == "by_method" {
		sc.by = "method"
	}
	rep, err := b.report(sc, false, "")
	if err != nil {
		return "", err
	}
	var row *coding.ReportRow
	if sc.codes != "" && len(rep.Codes) > 0 {
		row = &rep.Codes[0]
	}
	switch p.Name {
	case "n", "n_cases", "n_participants", "n_coded":
		switch {
		case row != nil:
			return fmt.Sprint(row.Cases), nil
		case p.Name == "n_coded":
			return fmt.Sprint(rep.CasesCoded), nil
		}
		return fmt.Sprint(rep.CasesTotal), nil
	case "n_segments", "n_segments_coded":
		switch {
		case row != nil:
			return fmt.Sprint(row.Segments), nil
		case p.Name == "n_segments_coded":
			return fmt.Sprint(rep.SegmentsCoded), nil
		}
		return fmt.Sprint(rep.SegmentsTotal), nil
	case "n_prompts":
		return fmt.Sprint(rep.Prompts), nil
	case "n_without_unit":
		return fmt.Sprint(rep.WithoutUnit), nil
	case "pct":
		return coding.Percent(row.PercentCases), nil
	case "n_of_n":
		return nOfN(row.Cases, rep.CasesTotal, row.PercentCases), nil
	case "by_method":
		u := unitsOf(sc, rep)
		labels := b.columnLabels(rep)
		var parts []string
		for _, c := range rep.Columns {
			if c.Value != coding.MissingValue {
				parts = append(parts, fmt.Sprintf("%s: %s, %s", esc(labels[c.Value]), segmentsWord(c.Segments), u.n(c.Cases)))
			}
		}
		return strings.Join(parts, "; "), nil
	}
	return "", fmt.Errorf("placeholder {%s}: not a count", p.Name)
}

func segmentsWord(n int) string {
	if n == 1 {
		return "1 segment"
	}
	return fmt.Sprintf("%d segments", n)
}

// cutQuote shortens a quote to about max characters: at the last
// sentence end within them that keeps at least half, else at the last
// word boundary, never inside a word (a first word longer than max is
// kept whole). What is cut is marked with an ellipsis.
func cutQuote(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	sentence := -1
	for i := 0; i < max && i < len(runes); i++ {
		switch runes[i] {
		case '.', '!', '?', '…':
			j := i + 1
			for j < len(runes) && strings.ContainsRune(`"'”’)]`, runes[j]) {
				j++
			}
			if j <= max && (j == len(runes) || unicode.IsSpace(runes[j])) {
				sentence = j
			}
		}
	}
	if sentence >= max/2 {
		return string(runes[:sentence]) + " …"
	}
	cut := max
	for cut > 0 && !unicode.IsSpace(runes[cut]) {
		cut--
	}
	if cut == 0 { // one long first word: keep it whole
		cut = max
		for cut < len(runes) && !unicode.IsSpace(runes[cut]) {
			cut++
		}
		if cut == len(runes) {
			return s
		}
	}
	return strings.TrimRight(string(runes[:cut]), " \t\n,;:-–—") + "…"
}
