package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"qcode/coding"
	"qcode/coding/codingtest"
)

// writersRecipe has one of each block: text with a table of its own and
// raw HTML, headings, a table, a chart, the map, quotes, an agreement
// table would need two coders (cmd/qcode's study test has one).
const writersRecipe = `title: "Writers <&> test"
sections:
  - text: |
      ## Key findings

      - **Most** organisations ask for *reactions*; see <script>alert(1)</script> the table.

      | Level | n |
      | --- | ---: |
      | L1 | {n:code=Kirkpatrick/L1 Reaction} |
  - table:
      heading: Barriers
      codes: Barriers
  - chart:
      codes: Barriers
  - chart:
      type: map
  - quotes:
      code: Kirkpatrick
`

func build(t *testing.T) *Document {
	t.Helper()
	s := fixture(t)
	if _, _, err := s.AddCode("lead", "Barriers/<b>Bold<b> & \"quoted\"", codingDetails()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportCodings("lead", "n.csv", strings.NewReader("segment,code,coder\nR6,\"Barriers/<b>Bold<b> & \"\"quoted\"\"\",alice\n")); err != nil {
		t.Fatal(err)
	}
	doc, _, err := run(t, s, writersRecipe)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// The HTML report is one file: no script, nothing fetched, charts as
// inline SVG with their text escaped; the researcher's raw HTML is left
// out.
func TestHTMLStandsAlone(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, build(t)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script", "<b>", "src=", "href=\"http", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	for _, want := range []string{
		"<title>Writers &lt;&amp;&gt; test</title>",
		"<li><strong>Most</strong> organisations ask for <em>reactions</em>",
		"<td style=\"text-align:right\">4</td>", // the researcher's own table, counted
		"<caption><strong>Table 1.</strong> Barriers: number of participants raising each code (n = 5).</caption>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"",
		"&lt;b&gt;Bold&lt;b&gt; &amp; &#34;quoted&#34;",
		"<figcaption><strong>Figure 1.</strong> Barriers: number of participants raising each code (n = 5).</figcaption>",
		"<figcaption><strong>Figure 2.</strong> Thematic map",
		"<blockquote><p>Feedback forms, and [name] reads every one.</p></blockquote>\n<p class=\"attribution\">(Learning lead, survey)</p>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// It parses as XML where it is XHTML-like: every inline SVG.
	for _, svg := range regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(page, -1) {
		if err := wellFormed(strings.NewReader(svg)); err != nil {
			t.Errorf("SVG is not well-formed: %v", err)
		}
	}
}

// The Word document: every part well-formed XML, headings in Word's
// styles, tables as Word tables with their captions, quotes in Quote
// style, charts as PNG images, properties naming qcode; the same
// document gives the same bytes.
func TestDOCXStructure(t *testing.T) {
	doc := build(t)
	var b, again bytes.Buffer
	if err := WriteDOCX(&b, doc); err != nil {
		t.Fatal(err)
	}
	if err := WriteDOCX(&again, doc); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Errorf("two writes differ")
	}
	parts, _ := codingtest.Unzip(t, b.Bytes())
	body := string(parts["word/document.xml"])
	for _, want := range []string{
		`<w:pStyle w:val="Title"></w:pStyle>`,
		`<w:pStyle w:val="Heading1"></w:pStyle>`, `<w:t>Key findings</w:t>`,
		`<w:pStyle w:val="ListBullet"></w:pStyle>`,
		`<w:pStyle w:val="Caption"></w:pStyle>`, `<w:t xml:space="preserve">Table 1. </w:t>`, `<w:t xml:space="preserve">Figure 1. </w:t>`,
		`<w:pStyle w:val="Quote"></w:pStyle>`, `<w:t>Feedback forms, and [name] reads every one.</w:t>`,
		`<w:t>&lt;b&gt;Bold&lt;b&gt; &amp; &#34;quoted&#34;</w:t>`,
		`<w:drawing>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if n := strings.Count(body, "<w:tbl>"); n != 2 { // the researcher's table and Table 1
		t.Errorf("%d tables, want 2", n)
	}
	if strings.Contains(body, "script") {
		t.Errorf("raw HTML reached the document")
	}
	png := parts["word/media/image1.png"]
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("image1 is not a PNG")
	}
	core := string(parts["docProps/core.xml"])
	if !strings.Contains(core, "<dc:creator>qcode</dc:creator>") || !strings.Contains(core, "<dc:title>Writers &lt;&amp;&gt; test</dc:title>") || strings.Contains(core, "gomutex") {
		t.Errorf("core properties: %s", core)
	}
	for name, data := range parts {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			if err := wellFormed(bytes.NewReader(data)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

func wellFormed(r io.Reader) error {
	d := xml.NewDecoder(r)
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func codingDetails() coding.CodeDetails { return coding.CodeDetails{} }
