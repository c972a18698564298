//go:build !unix

package coding

import (
	"io"
	"os"
	"time"
)

// lockShared leaves locking to bbolt where flock is not available.
func lockShared(*os.File, time.Duration) error { return nil }

func fileOwner(os.FileInfo) (int, int, bool) { return 0, 0, false }

func isReadOnlyFS(error) bool { return false }

const noFollow = 0
