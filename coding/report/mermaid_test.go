package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"qcode/coding"
)

// TestExportMermaidIsWellFormed checks every Mermaid block of a report
// against the grammar it must follow (mermaid's mindmap and xychart
// parsers), with code names full of what breaks them: double quotes,
// backticks, "#…;" entities, "%%" comments, brackets.
func TestExportMermaidIsWellFormed(t *testing.T) {
	s := fixture(t)
	nasty := []string{`Barriers/The "system" ` + "`is`" + ` #1; %% broken (really) [sic] {x}`, `Odd: "quoted" theme/a-b — c %% d`}
	for _, p := range nasty {
		if _, _, err := s.AddCode("lead", p, coding.CodeDetails{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ImportCodings("lead", "n.csv", strings.NewReader("segment,code,coder\n"+
		`R5,"Barriers/The ""system"" `+"`is`"+` #1; %% broken (really) [sic] {x}",alice`+"\n"+
		`R6,"Odd: ""quoted"" theme/a-b — c %% d",bob`+"\n")); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := ExportMarkdown(s, &b, ExportOptions{Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	blocks := regexp.MustCompile("(?s)```mermaid\n(.*?)```").FindAllStringSubmatch(doc, -1)
	if len(blocks) < 4 {
		t.Fatalf("%d Mermaid blocks", len(blocks))
	}
	label := `"[^"` + "`" + `#]*"`
	mindmapLine := regexp.MustCompile(`^(  root\(\(` + label + `\)\)|( {4,})n\d+\[` + label + `\])$`)
	xyLines := []*regexp.Regexp{
		regexp.MustCompile(`^xychart-beta horizontal$`),
		regexp.MustCompile(`^  title ` + label + `$`),
		regexp.MustCompile(`^  x-axis \[` + label + `(, ` + label + `)*\]$`),
		regexp.MustCompile(`^  y-axis ` + label + ` 0 --> [1-9]\d*$`),
		regexp.MustCompile(`^  bar \[\d+(, \d+)*\]$`),
	}
	sawNasty := 0
	for _, blk := range blocks {
		lines := strings.Split(strings.TrimSuffix(blk[1], "\n"), "\n")
		switch lines[0] {
		case "mindmap":
			for _, l := range lines[1:] {
				if !mindmapLine.MatchString(l) {
					t.Errorf("mindmap line %q is not a quoted node", l)
				}
				if strings.Contains(l, "system") {
					sawNasty++
				}
			}
		case "xychart-beta horizontal":
			if len(lines) != len(xyLines) {
				t.Errorf("xychart has %d lines: %q", len(lines), blk[1])
				continue
			}
			for i, l := range lines {
				if !xyLines[i].MatchString(l) {
					t.Errorf("xychart line %q does not match %s", l, xyLines[i])
				}
			}
			if strings.Contains(blk[1], "system") {
				sawNasty++
			}
		default:
			t.Errorf("unexpected Mermaid block %q", lines[0])
		}
	}
	if sawNasty < 2 {
		t.Errorf("the nasty code is missing from the charts")
	}
	// Figures state n.
	for _, c := range regexp.MustCompile(`\*\*Figure \d+\.\*\*[^\n]*`).FindAllString(doc, -1) {
		if !strings.Contains(c, "n = ") {
			t.Errorf("caption without n: %s", c)
		}
	}
}
