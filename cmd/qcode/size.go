package main

import (
	"fmt"
	"strconv"
	"strings"

	"qcode/corpus"
)

// byteSize is a flag holding a number of bytes, written 1073741824, 1GiB,
// 512M or 64 KiB: a suffix is a power of 1024, whether or not it has the i.
type byteSize int64

func (b *byteSize) String() string { return corpus.SizeText(int64(*b)) }

func (b *byteSize) Type() string { return "size" }

func (b *byteSize) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

var sizeUnits = []struct {
	suffix string
	shift  uint
}{
	{"tib", 40}, {"tb", 40}, {"t", 40},
	{"gib", 30}, {"gb", 30}, {"g", 30},
	{"mib", 20}, {"mb", 20}, {"m", 20},
	{"kib", 10}, {"kb", 10}, {"k", 10},
	{"b", 0},
}

// parseSize reads a positive size: digits with an optional unit suffix.
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	var shift uint
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, shift = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("size %q: write a positive number of bytes, e.g. 2GiB, 500MiB or 1073741824", s)
	}
	return n << shift, nil
}
