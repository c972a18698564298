package docx_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"qcode/corpus/docx"
	"qcode/corpus/docx/docxtest"
)

func TestRead(t *testing.T) {
	data := docxtest.Build(
		docxtest.H("Title", "A title"),
		docxtest.H("Heading2", "A heading"),
		docxtest.H("berschrift1", "Überschrift"),
		docxtest.Paragraph{Style: "ListParagraph", Numbered: true, Runs: []docxtest.Run{{Text: "Item?"}}},
		docxtest.Turn("Anna", "Hello."),
		docxtest.Paragraph{Runs: []docxtest.Run{{Text: " "}, {Text: "Lead", Bold: true}, {Text: ": hi"}}},
		docxtest.Paragraph{Runs: []docxtest.Run{{Text: "Plain "}, {Text: "bold", Bold: true}}},
		docxtest.Paragraph{Runs: []docxtest.Run{{Text: "a"}, {Text: "b", Deleted: true}, {Text: "c", Inserted: true}, {Text: "\td\ne"}}},
		docxtest.P(""),
	)
	got, err := docx.Read(data, docx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []docx.Paragraph{
		{Text: "A title", Style: "Title", Heading: true},
		{Text: "A heading", Style: "heading 2", Heading: true},
		{Text: "Überschrift", Style: "heading 1", Heading: true},
		{Text: "Item?", Style: "List Paragraph", List: true},
		{Text: "Anna: Hello.", BoldLead: "Anna:"},
		{Text: " Lead: hi", BoldLead: " Lead"},
		{Text: "Plain bold"},
		{Text: "ac\td\ne"},
		{},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestReadWithoutStyles(t *testing.T) {
	// Heading style ids are recognised without styles.xml; numId 0 is no list.
	data := docxtest.Zip(map[string]string{"word/document.xml": `<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body>` +
		`<w:p><w:pPr><w:pStyle w:val="Heading3"/></w:pPr><w:r><w:t>H</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:rPr><w:b w:val="false"/></w:rPr><w:t>Not a list:</w:t></w:r></w:p>` +
		`<w:p><w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>Strong:</w:t></w:r><w:r><w:noBreakHyphen/><w:t>x</w:t></w:r></w:p>` +
		`</w:body></w:document>`})
	got, err := docx.Read(data, docx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []docx.Paragraph{
		{Text: "H", Style: "Heading3", Heading: true},
		{Text: "Not a list:"},
		{Text: "Strong:-x", BoldLead: "Strong:"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestReadErrors(t *testing.T) {
	if _, err := docx.Read([]byte("plain text"), docx.Limits{}); !errors.Is(err, docx.ErrNotZip) {
		t.Errorf("plain text: %v", err)
	}
	if _, err := docx.Read(docxtest.Zip(map[string]string{"a.xml": "<a/>"}), docx.Limits{}); !errors.Is(err, docx.ErrNoDocument) {
		t.Errorf("no document: %v", err)
	}
	_, err := docx.Read(docxtest.Zip(map[string]string{"word/document.xml": "<w:document"}), docx.Limits{})
	if err == nil || err.Error() != "damaged DOCX file (word/document.xml: XML syntax error on line 1: unexpected EOF)" {
		t.Errorf("bad XML: %v", err)
	}
}

func TestReadLimits(t *testing.T) {
	nested := docxtest.Document(strings.Repeat("<w:p>", 300) + strings.Repeat("</w:p>", 300))
	if _, err := docx.Read(nested, docx.Limits{}); !errors.Is(err, docx.ErrTooDeep) {
		t.Errorf("300 nested paragraphs: %v", err)
	}
	// document, body, then paragraphs: 12 deep.
	nested = docxtest.Document(strings.Repeat("<w:p>", 10) + strings.Repeat("</w:p>", 10))
	if _, err := docx.Read(nested, docx.Limits{Depth: 11}); !errors.Is(err, docx.ErrTooDeep) {
		t.Errorf("12 deep, limit 11: %v", err)
	}
	got, err := docx.Read(nested, docx.Limits{Depth: 12})
	if err != nil || len(got) != 10 {
		t.Errorf("12 deep, limit 12: %d paragraphs, %v", len(got), err)
	}
	if _, err := docx.Read(nested, docx.Limits{Paragraphs: 9}); !errors.Is(err, docx.ErrParagraphs) {
		t.Errorf("10 paragraphs, limit 9: %v", err)
	}
	flat := docxtest.Document(strings.Repeat("<w:p/>", 10))
	if _, err := docx.Read(flat, docx.Limits{Paragraphs: 9}); !errors.Is(err, docx.ErrParagraphs) {
		t.Errorf("10 empty paragraphs, limit 9: %v", err)
	}
	if got, err := docx.Read(flat, docx.Limits{Paragraphs: 10}); err != nil || len(got) != 10 {
		t.Errorf("10 paragraphs, limit 10: %d, %v", len(got), err)
	}
	huge := docxtest.Document("<w:p" + strings.Repeat(` a=""`, 5000) + "/>")
	if _, err := docx.Read(huge, docx.Limits{}); err == nil || err.Error() != "damaged DOCX file (word/document.xml has a tag longer than 16 KiB)" {
		t.Errorf("a giant tag: %v", err)
	}
}
