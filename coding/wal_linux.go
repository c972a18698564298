package coding

import (
	"os"
	"syscall"
)

// fdatasync syncs f's data and the metadata needed to read it back (its
// size), not its time stamps: one device flush for a record written over
// preallocated blocks.
func fdatasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
