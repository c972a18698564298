//go:build !unix

package coding

import (
	"io"
	"os"
	"time"
)

// mapFile reads the first size bytes of f (no mmap here).
func mapFile(f *os.File, size int64) ([]byte, func(), error) {
	b := make([]byte, size)
	if _, err := f.ReadAt(b, 0); err != nil && err != io.EOF {
		return nil, nil, err
	}
	return b, func() {}, nil
}

// lockShared leaves locking to bbolt where flock is not available.
func lockShared(*os.File, time.Duration) error { return nil }

func fileOwner(os.FileInfo) (int, int, bool) { return 0, 0, false }

func isReadOnlyFS(error) bool { return false }

const noFollow = 0
