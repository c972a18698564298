package coding

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// `merge A B C` is one action whose codings are written in one sorted
// batch; it must leave the project exactly as `merge A; merge B; merge C`
// does, report the same per file, and undo to the byte. Random copies by
// three coders overlap: the same coder in several files (agreeing on some
// segments, conflicting on others), stars and memos on both sides, spans,
// codings removed in a copy, a code path new to the lead, and a source that
// two copies imported.

// randomCopies makes a lead project and n copies, each changed at random.
func randomCopies(t *testing.T, rng *rand.Rand, n int) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	lead := filepath.Join(dir, "lead.qcode")
	s, err := Create(lead, CreateOptions{Codes: []CodeSpec{
		{Name: "A", Codes: []CodeSpec{{Name: "a1"}, {Name: "a2"}}},
		{Name: "G", Group: true, Codes: []CodeSpec{{Name: "L1"}, {Name: "L2"}}},
		{Name: "B", Codes: []CodeSpec{{Name: "A", Codes: []CodeSpec{{Name: "a1"}}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportSource("lead", newSrc("base", 12, "base", true), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	codeRows(t, rng, s, "lead", "base", 10)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var copies []string
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("copy%d.qcode", i))
		copyFile(t, lead, p)
		c, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if rng.IntN(2) == 0 {
			if _, err := c.ImportSource("lead", newSrc("extra", 4, "extra", true), ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			codeRows(t, rng, c, "alice", "extra", 4)
		}
		codeRows(t, rng, c, "alice", "base", 12)
		refs := mustRefs(t, c, SegmentQuery{Source: "base"})
		for k := 0; k < 3; k++ { // take away some of what the lead has
			cs, _ := c.CodingsOf(refs[rng.IntN(len(refs))], nil)
			if len(cs) > 0 {
				if _, err := c.Remove("alice", cs[rng.IntN(len(cs))].CodingKey); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, p)
	}
	return lead, copies
}

// codeRows imports n random codings rows on a source's segments.
func codeRows(t *testing.T, rng *rand.Rand, s *Store, actor, source string, n int) {
	t.Helper()
	codes := []string{"A/a1", "A/a2", "G/L1", "G/L2", "B/A/a1", "New/Theme"}
	coders := []string{"alice", "bob", "carol"}
	var b strings.Builder
	b.WriteString("segment,code,coder,start,end,starred,memo\n")
	for i := 0; i < n; i++ {
		start, end := "", ""
		if rng.IntN(4) == 0 {
			a := rng.IntN(10)
			start, end = fmt.Sprint(a), fmt.Sprint(a+1+rng.IntN(10))
		}
		memo := ""
		if rng.IntN(4) == 0 {
			memo = fmt.Sprintf("note %d", rng.IntN(3))
		}
		fmt.Fprintf(&b, "%s-%d,%s,%s,%s,%s,%v,%s\n", source, 1+rng.IntN(4), codes[rng.IntN(len(codes))],
			coders[rng.IntN(len(coders))], start, end, rng.IntN(3) == 0, memo)
	}
	if _, err := s.ImportCodings(actor, "rows.csv", strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
}

// mergeInto merges each group of files as one action into a fresh copy of
// lead and returns the store (open) and the per-file results.
func mergeInto(t *testing.T, lead string, opts MergeOptions, groups ...[]string) (*Store, []FileMerge, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "lead.qcode")
	copyFile(t, lead, p)
	s := openLead(t, p)
	var files []FileMerge
	for _, g := range groups {
		res, err := s.MergeProjects("lead", g, opts)
		files = append(files, res.Files...)
		if err != nil {
			return s, files, err
		}
	}
	return s, files, nil
}

func TestMergeTogetherEqualsOneByOne(t *testing.T) {
	merged := map[Prefer]int{}
	for seed := uint64(0); seed < uint64(max(4, seeds()/6)); seed++ {
		rng := rand.New(rand.NewPCG(seed, 77))
		lead, copies := randomCopies(t, rng, 3)
		var apart [][]string
		for _, c := range copies {
			apart = append(apart, []string{c})
		}
		start := dumpFile(t, lead)
		for _, prefer := range []Prefer{PreferNone, PreferHere, PreferIncoming} {
			opts := MergeOptions{Prefer: prefer}
			one, oneFiles, oneErr := mergeInto(t, lead, opts, copies)
			seq, seqFiles, seqErr := mergeInto(t, lead, opts, apart...)
			if oneErr != nil {
				// Refused for a conflict: nothing changed, and one of the
				// files merged alone conflicts as well.
				if prefer != PreferNone || seqErr == nil {
					t.Fatalf("seed %d, prefer %q: merge A B C: %v; one by one: %v", seed, prefer, oneErr, seqErr)
				}
				if dump(one) != start {
					t.Fatalf("seed %d: a refused merge changed the project", seed)
				}
				continue
			}
			if seqErr != nil {
				t.Fatalf("seed %d, prefer %q: one by one: %v", seed, prefer, seqErr)
			}
			merged[prefer]++
			if got, want := dumpUntimed(t, one), dumpUntimed(t, seq); got != want {
				t.Fatalf("seed %d, prefer %q: merge A B C differs from one by one:\n%s", seed, prefer, diffLines(want, got))
			}
			if !reflect.DeepEqual(oneFiles, seqFiles) {
				t.Errorf("seed %d, prefer %q: per-file results\n%+v\none by one\n%+v", seed, prefer, oneFiles, seqFiles)
			}
			if err := checkInvariants(one); err != nil {
				t.Fatalf("seed %d, prefer %q: %v", seed, prefer, err)
			}
			after := dump(one)
			if _, err := one.Undo("lead"); err != nil {
				t.Fatal(err)
			}
			if got, want := dump(one), start; got != want {
				t.Fatalf("seed %d, prefer %q: undo of merge A B C:\n%s", seed, prefer, diffLines(want, got))
			}
			if _, err := one.Redo("lead"); err != nil {
				t.Fatal(err)
			}
			if dump(one) != after {
				t.Fatalf("seed %d, prefer %q: redo of merge A B C differs", seed, prefer)
			}
			if err := checkInvariants(one); err != nil {
				t.Fatalf("seed %d, prefer %q: after redo: %v", seed, prefer, err)
			}
		}
	}
	t.Logf("merges compared: %v", merged)
	if merged[PreferHere] == 0 || merged[PreferIncoming] == 0 {
		t.Errorf("too few merges compared: %v", merged)
	}
}

// dumpUntimed is dump without the time a source was imported (a source
// copied in by a merge is stamped with the merge's time).
func dumpUntimed(t *testing.T, s *Store) string {
	t.Helper()
	lines := strings.Split(dump(s), "\n")
	section := ""
	for i, l := range lines {
		if strings.HasPrefix(l, "[") {
			section = l
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if section != "[sources]" || !ok {
			continue
		}
		raw, err := hex.DecodeString(v)
		var rec map[string]any
		if err != nil || json.Unmarshal(raw, &rec) != nil {
			t.Fatalf("source record %s", l)
		}
		delete(rec, "imported")
		out, _ := json.Marshal(rec)
		lines[i] = k + "=" + string(out)
	}
	return strings.Join(lines, "\n")
}

// dumpFile renders a closed project as dump does.
func dumpFile(t *testing.T, path string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "view.qcode")
	copyFile(t, path, p)
	s := openLead(t, p)
	return dump(s)
}

// A merge of several files writes their codings as one sorted batch (file
// by file, the second file's puts moved the nodes the first had grown, on
// every put): its journal entry lists each coding once, in key order.
func TestMergeWritesOneSortedBatch(t *testing.T) {
	lead, copies := handOut(t, "alice", "bob")
	for i, coder := range []string{"alice", "bob"} {
		withProject(t, copies[i], func(s *Store, refs []SegRef) {
			for _, ref := range refs {
				applyAs(t, s, coder, ref, career)
				applyAs(t, s, "pilot", ref, workload) // in both files
			}
		})
	}
	s := openLead(t, lead)
	res, err := s.MergeProjects("lead", copies, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Files[0].Added["alice"] + res.Files[0].Added["pilot"] + res.Files[1].Added["bob"] + res.Files[1].Added["pilot"]; n != 15 {
		t.Fatalf("added %d codings, want 15: %+v", n, res.Files)
	}
	err = s.view(func(tx *bolt.Tx) error {
		e, err := decodeEntry(res.Seq, tx.Bucket(bktJournal).Get(u64(res.Seq)))
		if err != nil {
			return err
		}
		var last *codingKey
		for i := range e.ops {
			o := &e.ops[i]
			if o.kind != opCoding {
				continue
			}
			if last != nil && last.compare(o.key) >= 0 {
				t.Errorf("coding %+v journaled after %+v: not one sorted batch", o.key, *last)
			}
			last = &o.key
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
