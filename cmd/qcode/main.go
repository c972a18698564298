// Command qcode is a keyboard-first terminal tool for qualitative coding.
//
// This package only wires: it parses flags, opens the project, calls into
// coding, corpus and tui, and prints. Data goes to stdout; messages and
// progress go to stderr, so that `qcode report > table.md` stays clean.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

func main() {
	os.Exit(profiled(func() int { return run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }))
}

// profiled runs fn, writing a CPU profile to $QCODE_CPUPROFILE when it is
// set: how the figures of docs/design-notes.md are taken apart for a
// command as users run it (a fresh process), not only in benchmarks.
func profiled(fn func() int) int {
	path := os.Getenv("QCODE_CPUPROFILE")
	if path == "" {
		return fn()
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "qcode: QCODE_CPUPROFILE: %v\n", err)
		return fn()
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "qcode: QCODE_CPUPROFILE: %v\n", err)
		return fn()
	}
	defer pprof.StopCPUProfile()
	return fn()
}
