package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"

	"qcode/corpus/printable"
)

// Read reads the file at path into a Source. The format follows the
// extension: .csv, .tsv and .tab are sheets of delimited text, .xlsx a
// workbook, .txt, .md and .markdown notes, .docx a Word document. Every error
// is an *InputError naming the file.
func Read(path string, opts Options) (*Source, error) {
	if _, err := formatOf(filepath.Base(path)); err != nil {
		return nil, err // before reading what cannot be used
	}
	data, err := ReadInput(path, opts.Limits.InputSize)
	if err != nil {
		return nil, err
	}
	return parse(filepath.Base(path), data, true, opts)
}

// Parse is Read for bytes already in memory (the embedded demo survey,
// fuzzing): name is the file's base name, extension included.
func Parse(name string, data []byte, opts Options) (*Source, error) {
	return parse(name, data, false, opts)
}

// parse is Parse; owned says data is the caller's to give up (Read's
// buffer), so that the text read from it need not be a copy.
func parse(name string, data []byte, owned bool, opts Options) (*Source, error) {
	format, err := formatOf(name)
	if err != nil {
		return nil, err
	}
	lim := opts.Limits.orDefault()
	if int64(len(data)) > lim.InputSize {
		return nil, tooLarge(name, int64(len(data)), lim.InputSize)
	}
	// The file's hash (an import's identity) is taken on the other core
	// while the file is parsed.
	var hash string
	hashed := make(chan struct{})
	go func() { hash = hashOf(data); close(hashed) }()
	defer func() { <-hashed }() // an error return leaves no goroutine behind
	src := &Source{
		Name:   printable.Strip(sourceName(name)),
		File:   printable.Strip(name),
		Format: format,
	}
	switch format {
	case "csv", "tsv", "xlsx":
		t, err := readTable(name, format, data, owned, opts.Sheet, lim)
		if err != nil {
			return nil, err
		}
		t.stripControls()
		err = t.fill(src, opts)
		if err != nil {
			return nil, err
		}
	case "txt", "md":
		err = readTextNotes(src, data, owned, opts, lim)
	case "docx":
		err = readDOCXNotes(src, data, opts, lim)
	}
	if err != nil {
		return nil, err
	}
	if format != "csv" && format != "tsv" && format != "xlsx" {
		stripControls(src) // a sheet's cells were cleaned as read
	}
	<-hashed
	src.Hash = hash
	return src, nil
}

// formats maps a lower-case extension to the Source.Format it is read as.
var formats = map[string]string{
	".csv":      "csv",
	".tsv":      "tsv",
	".tab":      "tsv",
	".xlsx":     "xlsx",
	".txt":      "txt",
	".md":       "md",
	".markdown": "md",
	".docx":     "docx",
}

// formatOf names the format of a file from its extension, or explains why
// qcode cannot read it.
func formatOf(name string) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if f, ok := formats[ext]; ok {
		return f, nil
	}
	msg := "unsupported file type " + quoteExt(ext) + " (qcode reads .csv .tsv .tab .xlsx .txt .md .markdown .docx)"
	switch ext {
	case ".xls", ".xlsm", ".ods", ".numbers":
		msg = "unsupported file type " + ext + ": save the workbook as .xlsx or .csv"
	case ".doc", ".odt", ".rtf", ".pages":
		msg = "unsupported file type " + ext + ": save the document as .docx or .txt"
	}
	return "", &InputError{File: name, Msg: msg, Err: ErrUnsupported}
}

func quoteExt(ext string) string {
	if ext == "" {
		return "(no extension)"
	}
	return ext
}

// sourceName is the file's base name without its extension.
func sourceName(name string) string {
	return strings.TrimSuffix(name, filepath.Ext(name))
}

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
