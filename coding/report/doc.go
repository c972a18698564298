// Package report builds report documents from recipes: a recipe (YAML)
// names a report's sections — the researcher's text with placeholders,
// memos, frequency tables, quote banks, charts, agreement tables — and
// Build turns it, with the project's counts, into a Document that the
// Markdown, HTML and Word writers render alike. Counting is the store's
// (coding.Store.Report, Quotes, Agreement); this package decides what a
// report says and how each format shows it. It never touches the
// project file's storage and never writes a file itself: the command
// writes what it returns, atomically.
package report
