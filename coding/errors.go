package coding

import (
	"errors"
	"fmt"
)

// Errors a caller may want to tell apart. Messages built with errorf carry
// one of these as their kind without repeating its text, so that a user
// reads one plain line.
var (
	ErrNoProject    = errors.New("no project")
	ErrNotProject   = errors.New("not a qcode project")
	ErrLocked       = errors.New("project is open in another qcode")
	ErrNewerSchema  = errors.New("project was written by a newer qcode")
	ErrExists       = errors.New("file exists")
	ErrNothingUndo  = errors.New("nothing to undo")
	ErrNothingRedo  = errors.New("nothing to redo")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrInvalidInput = errors.New("invalid input")
	ErrClosed       = errors.New("project is closed")
	ErrFileGone     = errors.New("nothing can be saved; quit and find the file")
	// ErrDamaged is a project file that bbolt or qcode cannot trust: cut
	// short, a page or record that does not read, an index or tally that
	// disagrees with the records. Nothing is written to it.
	ErrDamaged = errors.New("damaged project")
	// ErrReadOnly is a write to a project opened for reading only (by a
	// read-only command, or because the file or its file system is
	// read-only).
	ErrReadOnly = errors.New("read-only")
	// ErrOlderSchema is a project of an older schema opened for reading
	// only: it can be read once a writable open has migrated it.
	ErrOlderSchema = errors.New("older schema")
)

// kindError is a message of a known kind: errors.Is(err, kind) holds, and
// Error() is only the message.
type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }

// errorf formats a message of the given kind; %w in format wraps as usual.
func errorf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, err: fmt.Errorf(format, args...)}
}
