package corpus

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

func TestReadSheets(t *testing.T) {
	tests := []struct {
		name      string // fixture under testdata/
		as        string // parse under this name instead ("" = name)
		opts      Options
		format    string
		segments  []string
		cases     []string
		wantCases bool
	}{
		{
			name:   "long.csv",
			opts:   Options{TextCol: "response", IDCol: "response_id", CaseCol: "respondent"},
			format: "csv",
			segments: []string{
				`R1 [P1] "I wanted to progress\nin my career." {role=Social worker; question=Q1}`,
				`R2 [P1] "Time is the problem." {role=Social worker; question=Q2}`,
				`R4 [P2] "He said \"no\", so I waited." {role=Manager; question=Q1}`,
			},
		},
		{
			name:   "long.csv",
			as:     "long.csv",
			opts:   Options{TextCol: "RESPONSE"}, // case-insensitive fall-back; no id: generated IDs
			format: "csv",
			segments: []string{
				`long#1 "I wanted to progress\nin my career." {response_id=R1; respondent=P1; role=Social worker; question=Q1}`,
				`long#2 "Time is the problem." {response_id=R2; respondent=P1; role=Social worker; question=Q2}`,
				`long#4 "He said \"no\", so I waited." {response_id=R4; respondent=P2; role=Manager; question=Q1}`,
			},
		},
		{
			// Blank lines are not rows; a row with an empty answer still counts.
			name:   "long-noid.csv",
			opts:   Options{TextCol: "answer"},
			format: "csv",
			segments: []string{
				`long-noid#1 "First answer is long enough to matter." {role=Lead}`,
				`long-noid#3 "Third answer." {role=Worker}`,
			},
		},
		{
			name:   "wide.csv",
			opts:   Options{TextCols: []string{"Why did you apply?", " What got in the way? "}, IDCol: "id"},
			format: "csv",
			segments: []string{
				`P1/Why did you apply? [P1] "To progress my career and learn more." {question=Why did you apply?}`,
				`P1/What got in the way? [P1] "Workload and no backfill." {question=What got in the way?}`,
				`P3/Why did you apply? [P3] "To supervise students on placement." {question=Why did you apply?}`,
			},
			cases:     []string{`P1 {role=Social worker; region=Rural}`, `P3 {role=Manager; region=Urban}`},
			wantCases: true,
		},
		{
			name:   "wide.csv",
			opts:   Options{TextCols: []string{"Why did you apply?", "What got in the way?"}},
			format: "csv",
			segments: []string{
				`wide#1/Why did you apply? [wide#1] "To progress my career and learn more." {question=Why did you apply?}`,
				`wide#1/What got in the way? [wide#1] "Workload and no backfill." {question=What got in the way?}`,
				`wide#3/Why did you apply? [wide#3] "To supervise students on placement." {question=Why did you apply?}`,
			},
			cases:     []string{`wide#1 {id=P1; role=Social worker; region=Rural}`, `wide#3 {id=P3; role=Manager; region=Urban}`},
			wantCases: true,
		},
		{
			// A case column names the case of a wide row instead of its id.
			name:   "wide.csv",
			opts:   Options{TextCols: []string{"What got in the way?"}, IDCol: "id", CaseCol: "role"},
			format: "csv",
			segments: []string{
				`P1/What got in the way? [Social worker] "Workload and no backfill." {question=What got in the way?}`,
			},
			cases:     []string{`Social worker {region=Rural; Why did you apply?=To progress my career and learn more.}`},
			wantCases: true,
		},
		{
			name:   "semicolon.csv",
			opts:   Options{TextCol: "answer", IDCol: "id"},
			format: "csv",
			segments: []string{
				`A1 "Uno, dos, tres: commas are fine here." {role=Lead}`,
				`A2 "Another answer; with a semicolon" {role=Worker}`,
			},
		},
		{
			name:   "answers.tsv",
			opts:   Options{TextCol: "answer", IDCol: "id"},
			format: "tsv",
			segments: []string{
				`T1 "Tab separated answer, with a comma." {role=Lead}`,
				`T2 "Quoted\twith a tab"`,
			},
		},
		{
			name:   "answers.tsv",
			as:     "answers.TAB",
			opts:   Options{TextCol: "answer", IDCol: "id"},
			format: "tsv",
			segments: []string{
				`T1 "Tab separated answer, with a comma." {role=Lead}`,
				`T2 "Quoted\twith a tab"`,
			},
		},
	}
	for _, tt := range tests {
		name := tt.name
		if tt.as != "" {
			name = tt.as
		}
		t.Run(name, func(t *testing.T) {
			data := fixture(t, tt.name)
			src, err := Parse(name, data, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			checkSource(t, src, nil)
			if src.Format != tt.format || src.File != name || src.Name != name[:len(name)-len(filepath.Ext(name))] {
				t.Errorf("source %q file %q format %q", src.Name, src.File, src.Format)
			}
			if src.Hash != hashOf(data) || len(src.Hash) != 64 {
				t.Errorf("hash %q", src.Hash)
			}
			sameLines(t, "segments", describeAll(src.Segments), tt.segments)
			if tt.wantCases || len(src.Cases) > 0 {
				sameLines(t, "cases", describeCases(src.Cases), tt.cases)
			}
		})
	}
}

func TestReadFromDisk(t *testing.T) {
	src, err := Read(filepath.Join("testdata", "long.csv"), Options{TextCol: "response", IDCol: "response_id"})
	if err != nil {
		t.Fatal(err)
	}
	if src.Name != "long" || src.File != "long.csv" || len(src.Segments) != 3 {
		t.Errorf("got %s (%s), %d segments", src.Name, src.File, len(src.Segments))
	}
	_, err = Read(filepath.Join("testdata", "no-such.csv"), Options{})
	wantError(t, err, "no-such.csv: cannot read: no such file or directory")
	_, err = Read("testdata", Options{})
	wantError(t, err, "testdata: unsupported file type (no extension) (qcode reads .csv .tsv .tab .xlsx .txt .md .markdown .docx)")
}

func TestSheetErrors(t *testing.T) {
	tests := []struct {
		name string
		data string // inline; "@file" reads testdata/file
		opts Options
		want string
	}{
		{"unterminated.csv", "@unterminated.csv", Options{TextCol: "answer"}, "unterminated.csv: line 3: unterminated quoted field"},
		{"stray.csv", "id,answer\nA1,\"ab\"c\n", Options{TextCol: "answer"}, `stray.csv: line 2: stray " in a quoted field (a quote inside quotes must be doubled: "")`},
		{"bare.csv", "id,answer\nA1,ab\"c\n", Options{TextCol: "answer"}, `bare.csv: line 2: stray " in an unquoted field (quote the field and double the quote: "")`},
		{"ragged.csv", "@ragged.csv", Options{TextCol: "answer"}, "ragged.csv: line 3: row has 4 fields, header has 3"},
		{"short.csv", "id,role,answer\n\nA1,ok\n", Options{TextCol: "answer"}, "short.csv: line 3: row has 2 fields, header has 3"},
		{"binary.csv", "@binary.csv", Options{TextCol: "answer"}, "binary.csv: binary file, not text"},
		{"controls.csv", "id,answer\n\x01\x02\x03\x04\x05\x06,\x07\x08\x0e\x0f\x10\x11\n", Options{}, "controls.csv: binary file, not text"},
		{"empty.csv", "@empty.csv", Options{TextCol: "answer"}, "empty.csv: empty file"},
		{"blank.tsv", " \n\t\r\n\n", Options{TextCol: "answer"}, "blank.tsv: empty file"},
		{"bom.csv", "\xef\xbb\xbf", Options{TextCol: "answer"}, "bom.csv: empty file"},
		{"unknown.csv", "id,role,answer\n", Options{TextCol: "answr"}, `unknown.csv: no column "answr" (columns: id, role, answer)`},
		{"unknown.csv", "@long.csv", Options{TextCol: "response", IDCol: "rid"}, `unknown.csv: no column "rid" (columns: response_id, respondent, role, question, response)`},
		{"unknown.csv", "@long.csv", Options{TextCol: "response", CaseCol: "who"}, `unknown.csv: no column "who" (columns: response_id, respondent, role, question, response)`},
		{"unknown.csv", "@wide.csv", Options{TextCols: []string{"Why did you apply?", "Q9"}}, `unknown.csv: no column "Q9" (columns: id, role, region, Why did you apply?, What got in the way?)`},
		{"both.csv", "@wide.csv", Options{TextCol: "role", TextCols: []string{"region"}}, "both.csv: give --text-col (one row per answer) or --text-cols (one row per respondent), not both"},
		{"same.csv", "@wide.csv", Options{TextCol: "id", IDCol: "id"}, `same.csv: column "id" cannot be both the text column and the id column`},
		{"same.csv", "@wide.csv", Options{TextCols: []string{"id"}, IDCol: "id"}, `same.csv: column "id" is the id column; it cannot also be a text column`},
		{"dup.csv", "id,answer, answer \nA1,x,y\n", Options{TextCol: "answer"}, `dup.csv: line 1: duplicate column "answer" (columns 2 and 3)`},
		{"nameless.csv", "id,,answer\nA1,,y\nA2,x,z\n", Options{TextCol: "answer"}, "nameless.csv: line 3: value in column 2, which has no header"},
		{"dupid.csv", "id,answer\nR1,a\nR2,b\nR1,c\n", Options{TextCol: "answer", IDCol: "id"}, `dupid.csv: line 4: duplicate id "R1" (also on line 2)`},
		// In order (R9 before R10), then out of order, then a repeat of an
		// id seen while in order.
		{"dupid.csv", "id,answer\nR9,a\nR10,b\nR2,c\nR10,d\n", Options{TextCol: "answer", IDCol: "id"}, `dupid.csv: line 5: duplicate id "R10" (also on line 3)`},
		{"dupid.csv", "id,answer\nR9,a\nR10,b\nR10,c\n", Options{TextCol: "answer", IDCol: "id"}, `dupid.csv: line 4: duplicate id "R10" (also on line 3)`},
		{"dupid.csv", "id,a,b\nR1,x,\nR1,,y\n", Options{TextCols: []string{"a", "b"}, IDCol: "id"}, `dupid.csv: line 3: duplicate id "R1" (also on line 2)`},
		{"noid.csv", "id,answer\nR1,a\n ,b\n", Options{TextCol: "answer", IDCol: "id"}, `noid.csv: line 3: empty id in column "id"`},
		{"header-only.csv", "id,answer\n", Options{TextCol: "answer"}, `header-only.csv: no answers in column "answer"`},
		{"no-answers.csv", "id,answer\nA1,\nA2,  \n", Options{TextCol: "answer"}, `no-answers.csv: no answers in column "answer"`},
		{"no-answers.csv", "id,role,region\n1,Lead,\n", Options{TextCols: []string{"region"}, IDCol: "id"}, `no-answers.csv: no answers in columns "region"`},
		{"propose.csv", "id,Q3,Q7\n1,I applied because my manager said so,Too much work and no time at all\n2,To get on in my career as a social worker,Money and the travel to the university\n",
			Options{}, "propose.csv: say which column holds the answers: --text-col C (one row per answer) or --text-cols Q3,Q7 (one row per respondent); free-text columns: Q3, Q7"},
		{"propose.csv", "id,Why apply?,What stopped you?\n1,I applied because my manager said so,Too much work and no time at all\n",
			Options{}, "propose.csv: say which column holds the answers: --text-col C (one row per answer) or --text-cols 'Why apply?,What stopped you?' (one row per respondent); free-text columns: Why apply?, What stopped you?"},
		{"none.csv", "id,role\n1,Lead\n2,Worker\n", Options{}, "none.csv: say which column holds the answers: --text-col C (one row per answer) or --text-cols A,B (one row per respondent); no column looks like free text (columns: id, role)"},
		{"notes.pdf", "%PDF", Options{}, "notes.pdf: unsupported file type .pdf (qcode reads .csv .tsv .tab .xlsx .txt .md .markdown .docx)"},
		{"old.xls", "x", Options{}, "old.xls: unsupported file type .xls: save the workbook as .xlsx or .csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if len(tt.data) > 0 && tt.data[0] == '@' {
				data = fixture(t, tt.data[1:])
			}
			src, err := Parse(tt.name, data, tt.opts)
			checkSource(t, src, err)
			wantError(t, err, tt.want)
		})
	}
}

func TestSheetSentinels(t *testing.T) {
	_, err := Parse("x.pdf", nil, Options{})
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("%v is not ErrUnsupported", err)
	}
	_, err = Parse("x.csv", []byte("id,role\n1,Lead\n"), Options{})
	if !errors.Is(err, ErrNoTextColumn) {
		t.Errorf("%v is not ErrNoTextColumn", err)
	}
}

func TestSheetLeniency(t *testing.T) {
	// A trailing delimiter makes a nameless, empty column: dropped. Spaces
	// before a quoted field are allowed; cells are trimmed; CR-only line
	// endings are lines.
	src, err := Parse("lenient.csv", []byte("id, answer,\rA1, \"a, b\",\r\rA2,  c  ,\r"), Options{TextCol: "answer", IDCol: "id"})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "segments", describeAll(src.Segments), []string{`A1 "a, b"`, `A2 "c"`})
	// A header cell typed over two lines is one name.
	src, err = Parse("header.csv", []byte("id,\"Why did\n you apply?\"\n1,Because.\n"), Options{TextCols: []string{"Why did you apply?"}})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "segments", describeAll(src.Segments), []string{`header#1/Why did you apply? [header#1] "Because." {question=Why did you apply?}`})
	// Tab delimiter sniffed for a .csv whose header has no comma or semicolon.
	src, err = Parse("tabs.csv", []byte("id\tanswer\nA1\tx, y\n"), Options{TextCol: "answer", IDCol: "id"})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "segments", describeAll(src.Segments), []string{`A1 "x, y"`})
}

func TestOneFreeTextColumnIsRead(t *testing.T) {
	data := "id,role,comment\n1,Lead,I applied because my manager said so\n2,Worker,To get on in my career as a social worker\n3,Worker,\n"
	src, err := Parse("auto.csv", []byte(data), Options{IDCol: "id"})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "segments", describeAll(src.Segments), []string{
		`1 "I applied because my manager said so" {role=Lead}`,
		`2 "To get on in my career as a social worker" {role=Worker}`,
	})
}

func TestFreeTextColumns(t *testing.T) {
	got, err := FreeTextColumns(filepath.Join("testdata", "wide.csv"), Options{IDCol: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Why did you apply?", "What got in the way?"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// The long survey's question column repeats: not free text.
	got, err = FreeTextColumns(filepath.Join("..", "testdata", "london-pq-survey-2010.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"response"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	_, err = FreeTextColumns(filepath.Join("testdata", "interview.txt"), Options{})
	wantError(t, err, "interview.txt: not a sheet (CSV, TSV or XLSX)")
}

func TestColumnLetters(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := columnLetters(i); got != want {
			t.Errorf("columnLetters(%d) = %q, want %q", i, got, want)
		}
	}
}

// TestIDAfter: the order in which an id column is taken to be sorted, so
// that no two of its ids can be the same.
func TestIDAfter(t *testing.T) {
	for _, tt := range []struct {
		id, prev string
		want     bool
	}{
		{"R2", "R1", true},
		{"R10", "R9", true}, // longer sorts after
		{"R9", "R10", false},
		{"A0000002", "A0000001", true},
		{"R1", "R1", false}, // the same id is not after itself
		{"Q1", "R1", false},
		{"", "R1", false},
	} {
		if got := IDAfter(tt.id, tt.prev); got != tt.want {
			t.Errorf("IDAfter(%q, %q) = %v, want %v", tt.id, tt.prev, got, tt.want)
		}
	}
}
