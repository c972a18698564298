package coding

import (
	"os"
	"path/filepath"
	"strconv"
)

// The pid file beside a project only makes "open in another qcode (pid N?)"
// useful. It is written to a new temporary file and renamed into place, so
// that a symlink or hard link planted at FILE.pid is replaced, never written
// through.

func writePID(path string) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".pid-*")
	if err != nil {
		return
	}
	_, err = f.WriteString(strconv.Itoa(os.Getpid()))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path+".pid")
	}
	if err != nil {
		os.Remove(f.Name())
	}
}

// removePID removes the pid file if it is still this process's.
func removePID(path string) {
	pid := path + ".pid"
	st, err := os.Lstat(pid)
	if err != nil || !st.Mode().IsRegular() {
		return
	}
	if b, err := os.ReadFile(pid); err == nil && string(b) == strconv.Itoa(os.Getpid()) {
		os.Remove(pid)
	}
}
