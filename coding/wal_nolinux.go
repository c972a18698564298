//go:build !linux

package coding

import "os"

// walSyncFlag: elsewhere each record is synced after its write (on macOS
// O_DSYNC does not ask the disk to flush its cache; Sync does).
const walSyncFlag = 0

// syncRecord syncs a record written to the write-ahead file.
func syncRecord(f *os.File) error { return fdatasync(f) }

// fdatasync is fsync where the system has no fdatasync (on macOS, Go's
// Sync asks the disk to flush its cache: F_FULLFSYNC).
func fdatasync(f *os.File) error { return f.Sync() }
