package coding

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseCodings feeds arbitrary bytes to the codings CSV reader: it must
// never panic, and every row it accepts must be usable.
func FuzzParseCodings(f *testing.F) {
	for _, seed := range []string{
		"segment,code,coder\nR001,Barriers,alice\n",
		"segment,code,coder,start,end,starred,memo\nR001,A/B,alice,0,4,true,\"a, memo\"\n",
		"segment,code,coder\nR001,\"unterminated,alice\n",
		"\ufeffSegment, Code ,CODER\nsrc:R1,Theme/ Sub ,bob\n",
		"segment,code,coder,start,end\nR1,A,b,5,2\n",
		"segment,code\n",
		"",
		"segment,code," + strings.Repeat("c", 2000) + "\n",
		"segment,code,coder,starred\nR1,A,b," + strings.Repeat("yes", 700) + "\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := parseCodingRows("f.csv", strings.NewReader(string(data)))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Errorf("error does not name the file: %v", err)
			}
			if n := utf8.RuneCountInString(err.Error()); n > 300 {
				t.Errorf("error of %d runes quotes too much of the file", n)
			}
			return
		}
		for _, r := range rows {
			// An empty code is a review mark ("reviewed, nothing applies").
			if r.segment == "" || CheckCoderName(r.coder) != nil || (r.mark != (r.code == "")) || (!r.mark && CleanPath(r.code) == "") {
				t.Errorf("accepted an unusable row: %+v", r)
			}
			if !r.span.Whole() && (r.span.Start < 0 || r.span.End <= r.span.Start) {
				t.Errorf("accepted a bad span: %+v", r.span)
			}
		}
	})
}

// FuzzParseCodebook feeds arbitrary YAML and JSON to the codebook reader.
func FuzzParseCodebook(f *testing.F) {
	for _, seed := range []string{
		"codes:\n  - name: Barriers\n    codes:\n      - name: Workload\n        include: x\n",
		"codes:\n  - name: A/B\n",
		"codes:\n  - name: A\n  - name: a\n",
		`{"codes":[{"name":"K","group":true,"codes":[{"name":"L1"}]}]}`,
		"codes: [",
		"{}",
	} {
		f.Add("cb.yaml", []byte(seed))
		f.Add("cb.json", []byte(seed))
	}
	// REFI-QDA codebooks (.qdc): nested codes, notes in the description,
	// names that need fitting, and broken documents.
	for _, seed := range []string{
		`<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="0a1b2c3d-0000-4000-8000-000000000001" name="A/B" isCodable="true" color="#abc"><Description>d` + "\n\nInclude: x" + `</Description><Code guid="0a1b2c3d-0000-4000-8000-000000000002" name="a" isCodable="false"/><Code guid="0a1b2c3d-0000-4000-8000-000000000003" name="A" isCodable="true"/></Code></Codes></CodeBook>`,
		`<CodeBook><Codes><Code name="  " isCodable="true"/><Code name="" isCodable="true"/></Codes></CodeBook>`,
		`<CodeBook><Codes><Code name="x"><Code name="y"><Code name="z"/></Code></Code></Codes>`,
		`<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>`,
		`<CodeBook><Codes/></CodeBook>`,
	} {
		f.Add("cb.qdc", []byte(seed))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		specs, err := ParseCodebook(name, data)
		if err != nil {
			return
		}
		var walk func([]CodeSpec)
		walk = func(list []CodeSpec) {
			for _, sp := range list {
				if checkName(sp.Name) != nil {
					t.Errorf("accepted a bad code name %q", sp.Name)
				}
				walk(sp.Codes)
			}
		}
		walk(specs)
		// What was accepted must build a codebook.
		codes := map[CodeID]*Code{}
		var id CodeID
		var add func(parent CodeID, list []CodeSpec)
		add = func(parent CodeID, list []CodeSpec) {
			for _, sp := range list {
				id++
				codes[id] = &Code{Parent: parent, Name: sp.Name}
				add(id, sp.Codes)
			}
		}
		add(0, specs)
		if _, err := newCodebook(codes); err != nil {
			t.Errorf("accepted codebook does not build: %v", err)
		}
	})
}
