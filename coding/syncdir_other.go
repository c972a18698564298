//go:build !unix

package coding

// syncDir is a no-op where a directory cannot be opened and synced
// (Windows makes new entries durable with the file).
func syncDir(string) error { return nil }
