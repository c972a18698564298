package main

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"qcode/coding"
	"qcode/corpus/printable"
)

// Sheets of the matrix workbook.
const (
	matrixSheet = "Matrix"
	aboutSheet  = "About"
)

// matrixXLSX writes a matrix as an Excel workbook: on the first sheet a
// header row (code, then one column per case, source or value), the
// code's path in column A and the counts as numbers, with the header row
// and column A frozen so that both stay in view while scrolling; on a
// second sheet, what was counted (the caption and each column's n).
func matrixXLSX(m coding.Matrix, caption string) ([]byte, error) {
	if len(m.Columns)+1 > excelize.MaxColumns {
		return nil, fmt.Errorf("the matrix has %d columns; a worksheet holds at most %d: use --format csv, or fewer columns (--where, --codes, another --cols)",
			len(m.Columns)+1, excelize.MaxColumns)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", matrixSheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(matrixSheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: "B2", ActiveCell: "B2", Pane: "bottomRight"}}}); err != nil {
		return nil, err
	}
	if err := sw.SetColWidth(1, 1, 48); err != nil {
		return nil, err
	}
	head := make([]any, 0, len(m.Columns)+1)
	head = append(head, excelize.Cell{StyleID: bold, Value: "code"})
	for _, c := range m.Columns {
		head = append(head, excelize.Cell{StyleID: bold, Value: printable.String(c.Value)})
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	for i, r := range m.Codes {
		row := make([]any, 0, len(r.Cells)+1)
		row = append(row, printable.String(r.Path))
		for _, n := range r.Cells {
			row = append(row, n)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if err := matrixAbout(f, m, caption, bold); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// matrixAbout fills the second sheet: the caption, then each column's
// segments and cases in scope.
func matrixAbout(f *excelize.File, m coding.Matrix, caption string, bold int) error {
	if _, err := f.NewSheet(aboutSheet); err != nil {
		return err
	}
	rows := [][]any{
		{caption},
		{"rows: codes (a parent counts its sub-codes); columns: " + printable.String(m.Cols) + "; cells: " + m.Count},
		{},
		{"column", "segments", "cases"},
	}
	for _, c := range m.Columns {
		rows = append(rows, []any{printable.String(c.Value), c.Segments, c.Cases})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(aboutSheet, cell, &r); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(aboutSheet, "A4", "C4", bold); err != nil {
		return err
	}
	return f.SetColWidth(aboutSheet, "A", "A", 40)
}
