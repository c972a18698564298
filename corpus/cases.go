package corpus

import (
	"path/filepath"
	"strconv"
)

// ReadCases reads a cases sheet (CSV, TSV or XLSX; opts.Sheet picks an XLSX
// sheet, default the first): one case per row, named by the value in
// opts.IDCol, with every other non-empty cell as an attribute. Ids must be
// present and unique.
//
// A sheet with a source and a speaker column (opts.SourceCol and
// opts.SpeakerCol, or columns named "source" and "speaker") maps speakers
// of transcripts to cases instead: each row names a speaker label of one
// source, and its id (when opts.IDCol is given and the cell is not empty)
// names the case that speaker is, so that rows with one id join speakers
// of several sources into one case. Such rows need no unique id; each
// source and speaker appears once.
func ReadCases(path string, opts Options) ([]Case, error) {
	name := filepath.Base(path)
	if err := casesFormat(name); err != nil {
		return nil, err // before reading what cannot be used
	}
	data, err := ReadInput(path, opts.Limits.InputSize)
	if err != nil {
		return nil, err
	}
	return ParseCases(name, data, opts)
}

// ParseCases is ReadCases for bytes already in memory; name is the file's
// base name, extension included.
func ParseCases(name string, data []byte, opts Options) ([]Case, error) {
	if err := casesFormat(name); err != nil {
		return nil, err
	}
	format, _ := formatOf(name)
	lim := opts.Limits.orDefault()
	if int64(len(data)) > lim.InputSize {
		return nil, tooLarge(name, int64(len(data)), lim.InputSize)
	}
	t, err := readTable(name, format, data, false, opts.Sheet, lim)
	if err != nil {
		return nil, err
	}
	t.stripControls()
	col, err := t.column(opts.IDCol)
	if err != nil {
		return nil, err
	}
	srcCol, spkCol, err := speakerColumns(t, opts)
	if err != nil {
		return nil, err
	}
	if col < 0 && srcCol < 0 {
		return nil, &InputError{File: name, Msg: "say which column names the cases (--id-col; columns: " + listColumns(t.header) + ")"}
	}
	attrCols := make([]int, 0, len(t.header))
	for i := range t.header {
		if i != col && i != srcCol && i != spkCol {
			attrCols = append(attrCols, i)
		}
	}
	ids := newIDIndex(len(t.rows))
	speakers := map[[2]string]int{}
	cases := make([]Case, 0, len(t.rows))
	for _, r := range t.rows {
		attrs := t.attributes(r, attrCols)
		var id, source, speaker string
		if col >= 0 {
			id = r.cells[col]
		}
		if srcCol >= 0 {
			source, speaker = r.cells[srcCol], r.cells[spkCol]
		}
		switch {
		case id == "" && source == "" && speaker == "" && len(attrs) == 0:
			continue // a blank row
		case source != "" && speaker != "":
			key := [2]string{source, speaker}
			if prev, dup := speakers[key]; dup {
				return nil, t.errorAt(r.at, "speaker %q of source %q appears twice (also on %s)", Excerpt(speaker), Excerpt(source), t.where(prev))
			}
			speakers[key] = r.at
		case source != "" || speaker != "":
			return nil, t.errorAt(r.at, "give both the source and the speaker (columns %q and %q)", Excerpt(t.header[srcCol]), Excerpt(t.header[spkCol]))
		case col < 0:
			return nil, t.errorAt(r.at, "no source and speaker, and no --id-col to name the case")
		default:
			if id, err = ids.add(t, r, col); err != nil {
				return nil, err
			}
		}
		cases = append(cases, Case{Name: id, Source: source, Speaker: speaker, Attributes: attrs})
	}
	if len(cases) == 0 {
		what := t.header[max(col, srcCol)]
		return nil, &InputError{File: name, Msg: "no cases in column " + strconv.Quote(Excerpt(what))}
	}
	stripCases(cases)
	return cases, nil
}

// speakerColumns finds a cases sheet's source and speaker columns: the
// ones opts names, else columns named "source" and "speaker" when the
// sheet has both. -1, -1 when it has neither.
func speakerColumns(t *table, opts Options) (int, int, error) {
	srcName, spkName := opts.SourceCol, opts.SpeakerCol
	if (srcName == "") != (spkName == "") {
		return -1, -1, &InputError{File: t.file, Msg: "give both --source-col and --speaker-col"}
	}
	if srcName == "" {
		src, _ := t.column("source")
		spk, _ := t.column("speaker")
		if src < 0 || spk < 0 {
			return -1, -1, nil
		}
		return src, spk, nil
	}
	src, err := t.column(srcName)
	if err != nil {
		return -1, -1, err
	}
	spk, err := t.column(spkName)
	return src, spk, err
}

// casesFormat refuses a file that cannot be a cases sheet.
func casesFormat(name string) error {
	format, err := formatOf(name)
	if err != nil {
		return err
	}
	if format != "csv" && format != "tsv" && format != "xlsx" {
		return &InputError{File: name, Msg: "a cases sheet must be CSV, TSV or XLSX", Err: ErrUnsupported}
	}
	return nil
}
