package corpus

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// OpenInput opens the file at path for reading as input: a regular file of
// at most maxSize bytes (maxSize <= 0: DefaultLimits.InputSize). Anything
// else is refused before a byte is read, with an *InputError naming the
// file: a named pipe (whose open would wait for a writer, and whose read
// could last forever), a device such as /dev/zero, a directory, a socket, a
// file over the cap. The checks run on the opened descriptor, so a file
// swapped after them cannot be read instead; and the reader fails rather
// than return more than maxSize bytes, should the file grow while read.
//
// The reader also has a Size() int64 method, the file's size when it was
// opened, so that what parses it can size its rows ahead.
func OpenInput(path string, maxSize int64) (io.ReadCloser, error) {
	in, err := openInput(path, maxSize)
	if err != nil {
		return nil, err
	}
	return in, nil
}

func openInput(path string, maxSize int64) (*input, error) {
	if maxSize <= 0 {
		maxSize = DefaultLimits.InputSize
	}
	name := filepath.Base(path)
	// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	// writer. It changes nothing for a regular file.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, cannotRead(name, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, cannotRead(name, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, &InputError{File: name, Msg: "not a regular file (" + fileKind(info.Mode()) + ")", Err: ErrNotRegular}
	}
	if info.Size() > maxSize {
		f.Close()
		return nil, tooLarge(name, info.Size(), maxSize)
	}
	return &input{f: f, name: name, size: info.Size(), max: maxSize, left: maxSize}, nil
}

// ReadInput reads the whole file at path, as OpenInput allows.
func ReadInput(path string, maxSize int64) ([]byte, error) {
	in, err := openInput(path, maxSize)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	// Room for the whole file and the read that finds its end: bytes.Buffer's
	// ReadFrom wants 512 bytes free before each read, and doubled a buffer
	// sized to the file (a copy and a clear of 50 MB for a 50 MB export).
	b := make([]byte, 0, in.size+bytes.MinRead)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // the file grew while read: let append size it
		}
		n, err := in.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// ErrNotRegular is wrapped by the error for an input that is not a regular
// file (a named pipe, a device, a directory, a socket).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for an input over its size limit.
var ErrTooLarge = errors.New("input too large")

// input reads an opened file, failing once more than max bytes come out.
type input struct {
	f    *os.File
	name string
	size int64 // as it was when opened
	max  int64
	left int64
}

func (in *input) Read(b []byte) (int, error) {
	if in.left < 0 {
		return 0, in.grew()
	}
	// Ask for one byte past the cap, so that growing past it is seen.
	if int64(len(b)) > in.left+1 {
		b = b[:in.left+1]
	}
	n, err := in.f.Read(b)
	in.left -= int64(n)
	if in.left < 0 {
		return 0, in.grew()
	}
	if err != nil && err != io.EOF {
		return n, cannotRead(in.name, err)
	}
	return n, err
}

// Size is the file's size when it was opened.
func (in *input) Size() int64 { return in.size }

func (in *input) grew() error {
	return &InputError{File: in.name, Msg: "grew past the input limit of " + SizeText(in.max) + " while being read", Err: ErrTooLarge}
}

func (in *input) Close() error { return in.f.Close() }

func tooLarge(name string, size, max int64) error {
	return &InputError{File: name, Msg: "file is " + SizeText(size) + ", over the input limit of " + SizeText(max) + " (--max-input-size raises it)", Err: ErrTooLarge}
}

// cannotRead turns the operating system's complaint into an *InputError
// that still unwraps to fs.ErrNotExist and friends.
func cannotRead(name string, err error) error {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	if errors.Is(err, syscall.EISDIR) {
		msg = "is a directory"
	}
	return &InputError{File: name, Msg: "cannot read: " + msg, Err: err}
}

// fileKind names a file type that is not a regular file.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "a " + m.Type().String() + " file"
}
