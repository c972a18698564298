//go:build unix

package coding

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// mapFile maps the first size bytes of f read-only: the branch walk reads
// a page in a hundred, and a map spares it a system call per page.
func mapFile(f *os.File, size int64) ([]byte, func(), error) {
	if size <= 0 {
		return nil, func() {}, nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { syscall.Munmap(b) }, nil
}

// lockShared takes bbolt's shared lock on f, waiting up to timeout for a
// writer to let go (the lock is released when f is closed).
func lockShared(f *os.File, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil || !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileOwner(st os.FileInfo) (uid, gid int, ok bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(sys.Uid), int(sys.Gid), true
}

func isReadOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }

// noFollow makes an open fail on a symlink rather than write through it.
const noFollow = syscall.O_NOFOLLOW
