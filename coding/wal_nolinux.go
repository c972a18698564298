//go:build !linux

package coding

import "os"

// fdatasync is fsync where the system has no fdatasync (on macOS, Go's
// Sync asks the disk to flush its cache: F_FULLFSYNC).
func fdatasync(f *os.File) error { return f.Sync() }
