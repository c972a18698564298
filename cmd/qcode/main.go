// Command qcode is a keyboard-first terminal tool for qualitative coding.
//
// This package only wires: it parses flags, opens the project, calls into
// coding, corpus and tui, and prints. Data goes to stdout; messages and
// progress go to stderr, so that `qcode report > table.md` stays clean.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
