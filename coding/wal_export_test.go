package coding

import "time"

// What the benchmarks in package coding_test need from the write-ahead
// path.

// WALPhases names the parts of a logged action's time on the caller's
// path, in the order WALTimes gives them.
var WALPhases = [walPhases]string{"wait", "begin", "action", "capture", "encode", "write", "sync", "hand-off"}

// WALTimes calls f after each logged action with where its time went
// (by WALPhases) and its record's size in the WAL; stop ends that.
func WALTimes(f func(d [walPhases]time.Duration, size int)) (stop func()) {
	testHookTimes = f
	return func() { testHookTimes = nil }
}

// Fdatasync is the sync the write-ahead file uses.
var Fdatasync = fdatasync
