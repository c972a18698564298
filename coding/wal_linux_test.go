package coding

import (
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// BenchmarkWALWrite times ways of making a WAL record durable on a file
// made as createWAL makes it (4 KiB header, 64 KiB of zeros, synced), each
// way in turn in one loop so that they share the machine's moments: the
// write the WAL makes (the record's bytes, then fdatasync), the same padded
// to its 4 KiB block, O_DSYNC on the file instead of the separate sync
// (record, block), and O_DIRECT|O_DSYNC of the aligned block (no page
// cache). Each way is timed after a 5 ms pause and right after another
// way's sync. pwritev2 with RWF_DSYNC was timed too (through
// golang.org/x/sys/unix) and was no faster; docs/design-notes.md ("Durable
// actions") has the figures. QCODE_WALDIR picks the directory (default:
// the test's temporary one); use the disk the projects are on.
func BenchmarkWALWrite(b *testing.B) {
	dir := os.Getenv("QCODE_WALDIR")
	if dir == "" {
		dir = b.TempDir()
	}
	const record = 99 // an Apply's record with its frame, as BenchmarkApplyDurable prints
	open := func(name string, flag int) *os.File {
		path := filepath.Join(dir, name)
		os.Remove(path)
		w, err := createWAL(path, "00112233445566778899aabbccddeeff")
		if err != nil {
			b.Fatal(err)
		}
		w.f.Close()
		f, err := os.OpenFile(path, os.O_RDWR|flag, 0)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close(); os.Remove(path) })
		return f
	}
	aligned := func(n int) []byte { // O_DIRECT needs a block-aligned buffer
		buf := make([]byte, n+4096)
		off := int(4096 - uintptr(unsafe.Pointer(&buf[0]))%4096)
		return buf[off%4096:][:n]
	}
	type way struct {
		name  string
		write func(v byte) error
	}
	plain, padded := open("plain.wal", 0), open("padded.wal", 0)
	dsync, dsyncPadded := open("dsync.wal", syscall.O_DSYNC), open("dsyncpad.wal", syscall.O_DSYNC)
	direct := open("direct.wal", syscall.O_DIRECT|syscall.O_DSYNC)
	small, block, dblock := make([]byte, record), make([]byte, 4096), aligned(4096)
	ways := []way{
		{"pwrite record + fdatasync (the WAL's)", func(v byte) error {
			small[0] = v
			if _, err := plain.WriteAt(small, walHeaderSize); err != nil {
				return err
			}
			return fdatasync(plain)
		}},
		{"pwrite 4 KiB block + fdatasync", func(v byte) error {
			block[0] = v
			if _, err := padded.WriteAt(block, walHeaderSize); err != nil {
				return err
			}
			return fdatasync(padded)
		}},
		{"O_DSYNC pwrite record", func(v byte) error {
			small[0] = v
			_, err := dsync.WriteAt(small, walHeaderSize)
			return err
		}},
		{"O_DSYNC pwrite 4 KiB block", func(v byte) error {
			block[0] = v
			_, err := dsyncPadded.WriteAt(block, walHeaderSize)
			return err
		}},
		{"O_DIRECT|O_DSYNC 4 KiB block", func(v byte) error {
			dblock[0] = v
			_, err := direct.WriteAt(dblock, walHeaderSize)
			return err
		}},
	}
	n := max(300, b.N)
	paused := make([][]time.Duration, len(ways))
	synced := make([][]time.Duration, len(ways))
	for i := 0; i < n; i++ {
		for j := range ways {
			k := (i + j) % len(ways) // each way follows each other in turn
			time.Sleep(5 * time.Millisecond)
			start := time.Now()
			if err := ways[k].write(byte(i)); err != nil {
				b.Fatal(ways[k].name, err)
			}
			paused[k] = append(paused[k], time.Since(start))
		}
		for j := range ways {
			k := (i + j) % len(ways)
			start := time.Now()
			if err := ways[k].write(byte(i)); err != nil {
				b.Fatal(ways[k].name, err)
			}
			synced[k] = append(synced[k], time.Since(start))
		}
	}
	pct := func(d []time.Duration, p int) time.Duration {
		s := append([]time.Duration(nil), d...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[min(len(s)-1, len(s)*p/100)]
	}
	for k, w := range ways {
		b.Logf("%-36s after 5 ms: median %s p90 %s · just synced: median %s p90 %s", w.name,
			pct(paused[k], 50), pct(paused[k], 90), pct(synced[k], 50), pct(synced[k], 90))
	}
}
