package ooxml

import "flag"

// `go test ./... -update` passes -update to every test binary; this package
// has no golden files, so it accepts the flag and ignores it.
var _ = flag.Bool("update", false, "no golden files in this package")
