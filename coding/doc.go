// Package coding owns a qcode project: the codebook, the segments and cases
// imported into it, the codings coders apply, the action journal that undoes
// and redoes them, and the reports and exports built from them.
//
// A project is one bbolt file. Every user action is one durable write
// transaction and one journal entry; the journal holds logical operations
// (a coding put or removed, a record changed, a source added or removed) so
// that undo and redo go through the same code that keeps the indexes and
// counts right. Segments and codings are addressed internally by dense
// numbers (SegRef, CodeID, CoderID) and stored under composite big-endian
// keys, so that "codings of a segment", "segments with a code" and "codings by
// a coder" are prefix scans.
//
// A file is vetted before bbolt reads it (pagefile.go: meta pages, size,
// every branch page), every transaction runs behind a boundary that turns
// bbolt's panics and faults into ErrDamaged (guard.go), and the first
// write waits for a walk of every page (and, for a small file, the record
// checks of CheckFile): a damaged or foreign file is refused, never crashes
// qcode, and never takes a write.
//
// This is the only package that imports bbolt. It reads no files other than
// the project (importers live in package corpus) and prints nothing.
package coding
