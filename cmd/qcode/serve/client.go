package serve

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"
)

// Dial connects to the owner of project. It returns ErrNoOwner when no
// socket is there, when what is there is not a socket (never followed),
// or when nothing answers it (an owner killed before it could remove it:
// the next owner removes it).
func Dial(project string) (net.Conn, error) {
	path := SocketPath(project)
	st, err := os.Lstat(path)
	if err != nil || st.Mode()&fs.ModeSocket == 0 {
		return nil, ErrNoOwner
	}
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoOwner
	}
	if err != nil {
		return nil, fmt.Errorf("qcode socket %s: %w", path, err)
	}
	return c, nil
}

// ErrOwnerGone says the owner closed the connection before it sent the
// exit status (it was killed, or stopped while the session ran).
var ErrOwnerGone = errors.New("the qcode serving this project went away before the command finished")

// Run sends req over c, copies stdin to the owner (until its end, when not
// nil) and the window sizes from resize, writes what the owner sends to
// stdout and stderr, and returns the exit status the owner sends last.
func Run(c net.Conn, req Request, stdin io.Reader, stdout, stderr io.Writer, resize <-chan [2]int) (int, error) {
	defer c.Close()
	req.Version = ProtocolVersion
	out := &frameWriter{c: c}
	if err := out.write(frameRequest, encodeRequest(req)); err != nil {
		return 1, fmt.Errorf("qcode socket: %w", err)
	}
	done := make(chan struct{})
	defer close(done)
	if stdin != nil {
		go func() {
			buf := make([]byte, 32<<10)
			for {
				n, err := stdin.Read(buf)
				if n > 0 && out.write(frameStdin, buf[:n]) != nil {
					return
				}
				if err != nil {
					out.write(frameEOF, nil)
					return
				}
			}
		}()
	} else {
		out.write(frameEOF, nil)
	}
	if resize != nil {
		go func() {
			for {
				select {
				case <-done:
					return
				case s := <-resize:
					if out.write(frameResize, sizeBytes(s[0], s[1])) != nil {
						return
					}
				}
			}
		}()
	}
	for {
		kind, p, err := readFrame(c)
		if err != nil {
			return 1, ErrOwnerGone
		}
		switch kind {
		case frameStdout:
			stdout.Write(p)
		case frameStderr:
			stderr.Write(p)
		case frameExit:
			if len(p) != 4 {
				return 1, ErrOwnerGone
			}
			return int(int32(binary.BigEndian.Uint32(p))), nil
		}
	}
}
