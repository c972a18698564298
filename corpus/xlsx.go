package corpus

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
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

// readXLSX reads one sheet of a workbook (the first when sheet is ""). Sheet
// rows shorter than the header are padded: spreadsheets drop trailing blanks.
func readXLSX(name string, data []byte, sheet string) (t *table, err error) {
	defer func() {
		// excelize is large and was not written for hostile input; a panic
		// in it is a damaged file, not a crash of qcode.
		if r := recover(); r != nil {
			t, err = nil, &InputError{File: name, Msg: fmt.Sprintf("damaged XLSX file (%v)", r)}
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
		return nil, &InputError{File: name, Where: fmt.Sprintf("sheet %q", sheet),
			Msg: "no such sheet (sheets: " + strings.Join(sheets, ", ") + ")"}
	}
	where := fmt.Sprintf("sheet %q", sheet)

	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, &InputError{File: name, Where: where, Msg: "damaged sheet (" + err.Error() + ")", Err: err}
	}
	defer rows.Close()
	t = &table{file: name, unit: "row", letters: true}
	for at := 1; rows.Next(); at++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, &InputError{File: name, Where: "row " + strconv.Itoa(at), Msg: "damaged sheet (" + err.Error() + ")", Err: err}
		}
		blank := true
		for i, c := range cells {
			cells[i] = strings.TrimSpace(cleanText(c))
			blank = blank && cells[i] == ""
		}
		switch {
		case t.header == nil && blank:
			continue // rows above the header
		case t.header == nil:
			t.headerAt, t.header = at, cells
		case blank:
			// Counted in n (IDs stay put when a row is cleared), but no row.
		default:
			t.rows = append(t.rows, tableRow{at: at, n: at - t.headerAt, cells: cells})
		}
	}
	if err := rows.Error(); err != nil {
		return nil, &InputError{File: name, Where: where, Msg: "damaged sheet (" + err.Error() + ")", Err: err}
	}
	if t.header == nil {
		return nil, &InputError{File: name, Where: where, Msg: "empty sheet"}
	}
	if err := t.settleHeader(); err != nil {
		return nil, err
	}
	return t, nil
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
