// Package serve lets the one qcode process that holds a project (its
// owner: the coding screen, or `qcode serve`) serve it to others: any other
// qcode command on the file, over a Unix socket beside it, and a team of
// coders over SSH.
//
// It moves bytes and decides who may connect; it knows nothing of
// commands or codings. The owner hands it a Handler that runs a command
// line or a coding screen on the store it holds.
package serve

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Kinds of session a client asks for.
const (
	KindCommand = "command" // run one command line, then exit
	KindScreen  = "screen"  // run a coding screen on the client's terminal
)

// Request is what a client asks the owner to run, and the client's side of
// things that a command's output depends on.
type Request struct {
	Kind    string   `json:"kind"`
	Args    []string `json:"args"`              // the command line, without "qcode"
	Dir     string   `json:"dir"`               // the client's working directory
	Coder   string   `json:"coder"`             // the client's default coder name
	Project string   `json:"project"`           // the client's default project path
	Env     []string `json:"env,omitempty"`     // TERM, COLORTERM, NO_COLOR… for a screen
	Stdout  Term     `json:"stdout"`            // what the client's stdout is
	Stderr  Term     `json:"stderr"`            // what the client's stderr is
	Width   int      `json:"width,omitempty"`   // a screen's size
	Height  int      `json:"height,omitempty"`  // a screen's size
	Version int      `json:"version,omitempty"` // protocol version (ProtocolVersion)
}

// ProtocolVersion changes when the frames change: an owner refuses a client
// of another version rather than misread it.
const ProtocolVersion = 1

// Term says whether a stream is a terminal, and how wide.
type Term struct {
	IsTerminal bool `json:"terminal"`
	Width      int  `json:"width,omitempty"`
}

// Frames: one type byte, a 4-byte big-endian length, the payload.
const (
	frameRequest = 'q' // client: the Request, as JSON
	frameStdin   = 'i' // client: bytes of its stdin
	frameEOF     = 'I' // client: its stdin is at its end
	frameResize  = 'w' // client: its terminal's new width and height
	frameStdout  = 'o' // owner: bytes for the client's stdout
	frameStderr  = 'e' // owner: bytes for the client's stderr
	frameExit    = 'x' // owner: the exit status; the last frame
)

// maxFrame bounds a frame's payload, so that a bad peer cannot make the
// other allocate without limit.
const maxFrame = 1 << 20

func writeFrame(w io.Writer, kind byte, p []byte) error {
	var head [5]byte
	head[0] = kind
	binary.BigEndian.PutUint32(head[1:], uint32(len(p)))
	if _, err := w.Write(append(head[:], p...)); err != nil {
		return err
	}
	return nil
}

func readFrame(r io.Reader) (byte, []byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("qcode socket: a frame of %d bytes (at most %d)", n, maxFrame)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return 0, nil, err
	}
	return head[0], p, nil
}

func encodeRequest(req Request) []byte {
	b, _ := json.Marshal(req) // a Request always marshals
	return b
}

func decodeRequest(p []byte) (Request, error) {
	var req Request
	if err := json.Unmarshal(p, &req); err != nil {
		return req, fmt.Errorf("qcode socket: bad request: %w", err)
	}
	if req.Version != ProtocolVersion {
		return req, fmt.Errorf("qcode socket: protocol %d, this qcode speaks %d: run the same qcode on both sides", req.Version, ProtocolVersion)
	}
	if req.Kind != KindCommand && req.Kind != KindScreen {
		return req, fmt.Errorf("qcode socket: unknown kind %q", req.Kind)
	}
	return req, nil
}

func sizeBytes(w, h int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint32(b[:4], uint32(w))
	binary.BigEndian.PutUint32(b[4:], uint32(h))
	return b[:]
}

func sizeOf(p []byte) (int, int, error) {
	if len(p) != 8 {
		return 0, 0, errors.New("qcode socket: bad window size")
	}
	return int(binary.BigEndian.Uint32(p[:4])), int(binary.BigEndian.Uint32(p[4:])), nil
}
