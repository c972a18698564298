package corpus

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"qcode/corpus/ooxml"
)

// oleMagic starts a compound file: an old .xls workbook, or an .xlsx that is
// encrypted because it has a password.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Limits that keep a zip bomb (or a damaged zip header) from eating the
// machine: a real survey workbook of a million answers unzips to a few
// hundred MiB, and XML packs ten to fifty times, not thousands.
const (
	xlsxMaxUnzipped = 1 << 30  // whatever the packed size
	xlsxFreeUnzip   = 64 << 20 // allowed at any packing ratio
	xlsxMaxRatio    = 200      // unzipped ÷ packed, above xlsxFreeUnzip
)

var xlsxLimits = excelize.Options{
	UnzipSizeLimit:    xlsxMaxUnzipped,
	UnzipXMLSizeLimit: 64 << 20,
}

// unzippedSizeProblem checks the sizes a workbook's zip directory claims
// before excelize allocates them. A zip that does not open is left for
// excelize to report.
func unzippedSizeProblem(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > xlsxMaxUnzipped || total < f.UncompressedSize64 {
			return fmt.Sprintf("workbook too large (unzips to more than %d MiB): save the sheet as CSV", xlsxMaxUnzipped>>20)
		}
	}
	if total > xlsxFreeUnzip && total > xlsxMaxRatio*uint64(len(data)) {
		return fmt.Sprintf("damaged XLSX file (%d KiB claim to unzip to %d MiB)", len(data)>>10, total>>20)
	}
	return ""
}

// readXLSX reads one sheet of a workbook (the first when sheet is ""),
// streaming its rows: each row keeps only the header's named columns, so a
// stray cell in column XFD costs one wide row as read, not every row padded
// to 16,384 cells. Sheet rows shorter than the header are padded:
// spreadsheets drop trailing blanks.
func readXLSX(name string, data []byte, sheet string, lim Limits) (t *table, err error) {
	defer func() {
		// excelize is large and was not written for hostile input; a panic
		// in it is a damaged file, not a crash of qcode.
		if r := recover(); r != nil {
			t, err = nil, &InputError{File: name, Msg: fmt.Sprintf("damaged XLSX file (%s)", Cut(fmt.Sprint(r), 200))}
		}
	}()
	if bytes.HasPrefix(data, oleMagic) {
		return nil, &InputError{File: name, Msg: "not an XLSX file (an old .xls workbook, or one with a password: save it as .xlsx without a password)"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &InputError{File: name, Msg: msgEmpty}
	}
	if problem := unzippedSizeProblem(data); problem != "" {
		return nil, &InputError{File: name, Msg: problem}
	}
	if err := checkXLSXParts(name, data, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), xlsxLimits)
	if err != nil {
		return nil, &InputError{File: name, Msg: "not an XLSX file", Err: err}
	}
	defer f.Close()

	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &InputError{File: name, Msg: "not an XLSX file (no sheets)"}
	}
	if sheet == "" {
		sheet = sheets[0]
	} else if found := findSheet(sheets, sheet); found != "" {
		sheet = found
	} else {
		return nil, &InputError{File: name, Where: fmt.Sprintf("sheet %q", Excerpt(sheet)),
			Msg: "no such sheet (sheets: " + listNames(sheets, "sheets") + ")"}
	}
	where := fmt.Sprintf("sheet %q", Excerpt(sheet))

	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, &InputError{File: name, Where: where, Msg: damagedSheet(err), Err: err}
	}
	defer rows.Close()
	t = &table{file: name, unit: "row", letters: true, sheet: sheet, lim: lim}
	for at := 1; rows.Next(); at++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, &InputError{File: name, Where: "row " + strconv.Itoa(at), Msg: damagedSheet(err), Err: err}
		}
		if err := t.count(at, len(cells), xlsxCellsHint); err != nil {
			return nil, err
		}
		blank := true
		for i, c := range cells {
			if c != "" {
				cells[i] = strings.TrimSpace(cleanText(c))
				blank = blank && cells[i] == ""
			}
		}
		switch {
		case t.header == nil && blank:
			continue // rows above the header
		case t.header == nil:
			if err := t.setHeader(at, cells); err != nil {
				return nil, err
			}
		case blank:
			// Counted in n (IDs stay put when a row is cleared), but no row.
		default:
			if err := t.addRow(at, at-t.headerAt, cells); err != nil {
				return nil, err
			}
		}
	}
	if err := rows.Error(); err != nil {
		return nil, &InputError{File: name, Where: where, Msg: damagedSheet(err), Err: err}
	}
	if t.header == nil {
		return nil, &InputError{File: name, Where: where, Msg: "empty sheet"}
	}
	return t, nil
}

// xlsxCellsHint explains an XLSX cell count: excelize builds every cell of a
// row up to its last filled one.
const xlsxCellsHint = ", counting blank cells up to the last filled one of each row: clear stray cells far to the right, or save the sheet as CSV"

// damagedSheet is the message for excelize's complaint about a sheet, which
// may quote the file.
func damagedSheet(err error) string {
	return "damaged sheet (" + Cut(err.Error(), 200) + ")"
}

// checkXLSXParts walks every XML part of the workbook before excelize
// decodes it (excelize holds the shared strings in memory whole, and
// encoding/xml keeps every open element): a part nesting elements deeper
// than lim.Depth or with a giant tag, and a shared-string table of more than
// lim.SharedStrings entries, are refused. A zip or part that does not open
// is left for excelize to report.
func checkXLSXParts(name string, data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	for _, f := range zr.File {
		part := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		if !strings.HasSuffix(part, ".xml") && !strings.HasSuffix(part, ".rels") {
			continue
		}
		count, maxCount := "", 0
		if part == "xl/sharedstrings.xml" {
			count, maxCount = "si", lim.SharedStrings
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		_, err = ooxml.Scan(rc, lim.Depth, count, maxCount)
		rc.Close()
		switch {
		case errors.Is(err, ooxml.ErrCount):
			return &InputError{File: name, Msg: overLimit("shared strings", lim.SharedStrings) + ": save the sheet as CSV"}
		case errors.Is(err, ooxml.ErrDepth):
			return &InputError{File: name, Msg: fmt.Sprintf("damaged XLSX file (%s nests elements more than %d deep)", Excerpt(f.Name), lim.Depth)}
		case errors.Is(err, ooxml.ErrTagSize):
			return &InputError{File: name, Msg: fmt.Sprintf("damaged XLSX file (%s has a tag longer than %s)", Excerpt(f.Name), SizeText(ooxml.MaxTagSize))}
		}
	}
	return nil
}

// findSheet finds a sheet by name, exactly or else ignoring case.
func findSheet(sheets []string, want string) string {
	want = strings.TrimSpace(want)
	for _, s := range sheets {
		if s == want {
			return s
		}
	}
	for _, s := range sheets {
		if strings.EqualFold(s, want) {
			return s
		}
	}
	return ""
}
