package serve

import (
	"net"
	"os"
	"strconv"
	"syscall"
)

// peerOf names the process at the other end of c, and refuses one of
// another user (the socket's mode 0600 should already keep them out).
func peerOf(c *net.UnixConn) (string, bool) {
	raw, err := c.SyscallConn()
	if err != nil {
		return "", false
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil || cerr != nil {
		return "", false
	}
	if int(cred.Uid) != os.Getuid() {
		return "", false
	}
	return "pid " + strconv.Itoa(int(cred.Pid)), true
}
