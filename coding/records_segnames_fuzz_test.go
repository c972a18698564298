package coding

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// FuzzSegmentNames: any IDs (none empty, none with 0x00) for one or two
// sources, written by nameRunBuilder as an import writes them, are found
// by segmentsNamed exactly where a walk of the segments finds them, and no
// ID near them is found anywhere else. ids is the sources' IDs split at
// 0x00 (empty ones left out, an ID repeated within a source kept once, as
// an import refuses it); the first split of them are the first source's;
// run extends the first source with a numbered run of that many IDs after
// its last (to reach maxNameRun's cut); gap leaves numbers between the
// sources' segments (an undone import's).
func FuzzSegmentNames(f *testing.F) {
	f.Add("R1\x00R2\x00R3\x00R1\x00R2", uint8(3), uint16(0), uint8(0))
	f.Add("A0000009\x00A0000010\x00A09\x00A10\x00intro\x00A0000011", uint8(4), uint16(0), uint8(2))
	f.Add("fg2#3\x00fg2#4\x00x:R1\x00007\x00008\x009", uint8(6), uint16(0), uint8(0))
	f.Add("R999999999999999998\x00R999999999999999999\x00R1000000000000000000", uint8(2), uint16(0), uint8(1))
	f.Add("R1\x00R1", uint8(1), uint16(maxNameRun+2), uint8(0))
	f.Add("Q7\x00Q4100\x00Q4101", uint8(1), uint16(2*maxNameRun), uint8(5))
	f.Add("\xff\x00\xff1\x00\xff2\x00a\xff\x00\x01", uint8(2), uint16(3), uint8(0))
	db, err := bolt.Open(filepath.Join(f.TempDir(), "names.db"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	f.Fuzz(func(t *testing.T, ids string, split uint8, run uint16, gap uint8) {
		var all []string
		for _, id := range strings.Split(ids, "\x00") {
			if id != "" {
				all = append(all, id)
			}
		}
		cut := min(int(split), len(all))
		sources := [][]string{once(all[:cut]), once(all[cut:])}
		if first := sources[0]; len(first) > 0 && run > 0 {
			if prefix, n, digits, ok := nameParts(first[len(first)-1]); ok {
				for i := range uint64(run) % (2*maxNameRun + 8) {
					sources[0] = append(sources[0], fmt.Sprintf("%s%0*d", prefix, digits, n+1+i))
				}
				sources[0] = once(sources[0])
			}
		}
		tx, err := db.Begin(true)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		b, err := tx.CreateBucket(bktSegName)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]SegRef{}
		ref := SegRef(0)
		for _, src := range sources {
			var names nameRunBuilder
			for _, id := range src {
				ref++
				names.add(id, ref)
				want[id] = append(want[id], ref)
			}
			names.end()
			for _, r := range names.recs {
				if err := b.Put(r.key, r.value); err != nil {
					t.Fatal(err)
				}
			}
			ref += SegRef(gap)
		}
		probes := map[string]bool{}
		for id := range want {
			probes[id] = true
			for _, n := range neighbours(id) {
				probes[n] = true
			}
		}
		for id := range probes {
			if got := recs(tx).segmentsNamed(id); !slices.Equal(got, want[id]) {
				t.Fatalf("segmentsNamed(%q) = %v, want %v", id, got, want[id])
			}
		}
	})
}

// once keeps the first of each ID.
func once(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
