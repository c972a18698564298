package codingtest

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// Unzip reads every entry of a zip archive (a .docx, a .qdpx) a test
// wrote: each entry's bytes by name, and the names in archive order.
func Unzip(t testing.TB, data []byte) (map[string][]byte, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
		names = append(names, f.Name)
	}
	return out, names
}
