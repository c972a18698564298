package corpus

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInputSizeCap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "survey.csv")
	data := "id,answer\n" + strings.Repeat("A1,an answer long enough\n", 4) // 110 bytes
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Read(path, Options{TextCol: "answer", Limits: Limits{InputSize: 100}})
	wantError(t, err, "survey.csv: file is 110 B, over the input limit of 100 B (--max-input-size raises it)")
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("%v does not wrap ErrTooLarge", err)
	}
	_, err = ReadCases(path, Options{IDCol: "id", Limits: Limits{InputSize: 100}})
	wantError(t, err, "survey.csv: file is 110 B, over the input limit of 100 B (--max-input-size raises it)")
	_, err = Parse("survey.csv", []byte(data), Options{TextCol: "answer", Limits: Limits{InputSize: 100}})
	wantError(t, err, "survey.csv: file is 110 B, over the input limit of 100 B (--max-input-size raises it)")

	// A file exactly at the cap is read.
	got, err := ReadInput(path, 110)
	if err != nil || string(got) != data {
		t.Fatalf("at the cap: %q, %v", got, err)
	}

	// A file that grows past the cap while it is read is cut off with an
	// error, not read on.
	r, err := OpenInput(path, 120)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(strings.Repeat("A2,more\n", 10)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	n, err := io.Copy(io.Discard, r)
	wantError(t, err, "survey.csv: grew past the input limit of 120 B while being read")
	if n > 120 {
		t.Errorf("read %d bytes past a cap of 120", n)
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 64 << 20: "64 MiB",
		1 << 30: "1 GiB", 3 << 29: "1.5 GiB", 5 << 40: "5 TiB",
	} {
		if got := SizeText(n); got != want {
			t.Errorf("SizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
