package schematest

import (
	"strings"
	"testing"
)

const guid = "0b7e7f2c-1f7e-4a0e-9a4f-6b3c2d1e0f9a"

// The Go check accepts what the schema allows and refuses, with the path
// of the element, each kind of thing it forbids.
func TestCheck(t *testing.T) {
	ok := `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="` + guid + `" name="A" isCodable="true" color="#aabbcc"><Description>d</Description><Code guid="` + guid + `" name="B" isCodable="false"/></Code></Codes></CodeBook><Sources><TextSource guid="` + guid + `" plainTextPath="internal://x.txt"><PlainTextSelection guid="` + guid + `" startPosition="0" endPosition="3"><Coding guid="` + guid + `"><CodeRef targetGUID="` + guid + `"/></Coding></PlainTextSelection></TextSource><PDFSource guid="` + guid + `"/><TextSource guid="` + guid + `"/></Sources></Project>`
	if err := Check(ProjectXSD, []byte(ok)); err != nil {
		t.Fatalf("valid document refused: %v", err)
	}
	if out, err := Xmllint(ProjectXSD, []byte(ok)); err != nil && err != ErrNoXmllint {
		t.Fatalf("xmllint refuses the valid document: %v %s", err, out)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"order", `<CodeBook><Codes>`, `<Sets><Set guid="` + guid + `" name="s"/></Sets><CodeBook><Codes>`, "<CodeBook> not allowed here"},
		{"required attribute", `name="A" isCodable="true"`, `name="A"`, "required attribute isCodable missing"},
		{"unknown attribute", `name="p"`, `name="p" colour="red"`, "attribute colour is not declared"},
		{"GUID", `<Code guid="` + guid + `" name="B"`, `<Code guid="123" name="B"`, `"123" does not match GUIDType`},
		{"colour", `#aabbcc`, `#abcd`, "does not match RGBType"},
		{"integer", `endPosition="3"`, `endPosition="three"`, "is not an xsd:integer"},
		{"boolean", `isCodable="false"`, `isCodable="no"`, "is not an xsd:boolean"},
		{"empty sets", `</Sources></Project>`, `</Sources><Sets></Sets></Project>`, "Set expected at least 1 times"},
		{"namespace", `xmlns="urn:QDA-XML:project:1.0"`, `xmlns="urn:other"`, "namespace"},
		{"text", `<Codes><Code`, `<Codes>x<Code`, "text"},
		{"missing", `<Coding guid="` + guid + `"><CodeRef targetGUID="` + guid + `"/></Coding>`, `<Coding guid="` + guid + `"></Coding>`, "CodeRef expected at least 1 times"},
	} {
		doc := strings.Replace(ok, c.from, c.to, 1)
		if doc == ok {
			t.Fatalf("%s: the replacement did not apply", c.name)
		}
		err := Check(ProjectXSD, []byte(doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if _, err := Xmllint(ProjectXSD, []byte(doc)); err == nil {
			t.Errorf("%s: xmllint accepts what the Go check refuses", c.name)
		}
	}
	qdc := `<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes><Code guid="` + guid + `" name="A" isCodable="true"/></Codes><Sets><Set guid="` + guid + `" name="s"><MemberCode guid="` + guid + `"/></Set></Sets></CodeBook>`
	if err := Check(CodebookXSD, []byte(qdc)); err != nil {
		t.Errorf("valid codebook refused: %v", err)
	}
	if err := Check(CodebookXSD, []byte(strings.Replace(qdc, `<Code guid`, `<Code name="B" guid`, 1))); err == nil {
		t.Errorf("a codebook with two names accepted") // well-formedness: a repeated attribute
	}
}
