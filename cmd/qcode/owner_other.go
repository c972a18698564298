//go:build !unix

package main

import "os"

// notifyResize: without SIGWINCH a screen drawn by the owner keeps the
// size it started with.
func notifyResize(chan<- os.Signal) {}
