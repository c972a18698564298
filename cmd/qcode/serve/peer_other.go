//go:build !linux

package serve

import "net"

// peerOf names the other end of c. Outside Linux the socket's mode 0600
// (and its private directory at bind time) is what keeps other users out.
func peerOf(c *net.UnixConn) (string, bool) { return "local", true }
