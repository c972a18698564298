package coding_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"qcode/coding"
	"qcode/coding/codingtest"
)

// A power cut while bbolt writes the meta page of an answered action's
// commit tears that page; the record of the action is in FILE.wal. The
// open falls back to the other meta page, replays the record (whose commit
// rewrites the torn page) and loses nothing. Any other bad meta page is
// refused as before.

func aliceCoded(t *testing.T, s *coding.Store) []string {
	t.Helper()
	var out []string
	if err := s.ExportCodings(func(r coding.CodingRecord) error {
		if r.Coder == "alice" {
			out = append(out, r.Segment)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestTornMetaWithPendingRecordRecovers(t *testing.T) {
	dir := t.TempDir()
	tf := codingtest.TornSession(t, dir)
	for _, c := range []struct {
		name  string
		snap  codingtest.Snapshot
		old   []byte   // the file before the torn commit
		acked []string // every answered action, by alice
		// Where the torn commit wrote: pages past the older meta's
		// high-water mark (the file grew), or pages below it, free in the
		// older state (freed by the commit before, reused).
		past, over bool
	}{
		{"first action of a session (the older meta has a freelist)", tf.First, tf.Base, []string{"S1-2"}, true, false},
		{"second action of a session (the older meta is an action's commit)", tf.Second, tf.First.File, []string{"S1-1", "S1-2"}, false, true},
	} {
		for _, tear := range codingtest.Tears() {
			t.Run(c.name+"/"+tear.Name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "p.qcode")
				codingtest.Write(t, path, c.snap.File, c.snap.WAL)
				newest := codingtest.Newest(t, path)
				written := codingtest.Metas(t, path)
				codingtest.TearMeta(t, path, newest, c.old, tear)
				metas := codingtest.Metas(t, path)
				older := metas[1-newest]
				if metas[newest].Valid || !older.Valid || older.Txid+1 != written[newest].Txid {
					t.Fatalf("the tear: %+v (was %+v)", metas, written)
				}
				// The file holds what the cut-off commit wrote: pages past the
				// older meta's high-water mark, or over pages free in the older
				// state (the checks below read that state whole).
				below, past := codingtest.Rewritten(c.old, c.snap.File, older.Pgid)
				if (past > 0) != c.past || (below > 0) != c.over || written[newest].Pgid < older.Pgid {
					t.Errorf("the torn commit wrote %d pages below the older high-water mark (%d pages) and %d past it (its own: %d pages)", below, older.Pgid, past, written[newest].Pgid)
				}

				// Read-only: the record cannot be applied (as for any
				// pending record); nothing changes.
				before := readFile(t, path)
				if _, err := coding.OpenReadOnly(path); !errors.Is(err, coding.ErrPendingWAL) {
					t.Errorf("read-only open: %v, want ErrPendingWAL", err)
				}
				// check: the torn page is accounted for by the pending record.
				rep, err := coding.CheckFile(path)
				checked := strings.Join(rep.Checked, "; ")
				if err != nil || !rep.OK() || !strings.Contains(checked, "1 action kept in") || !strings.Contains(checked, "meta page") || !strings.Contains(checked, "torn") {
					t.Errorf("check before the open: %v %+v %q", err, rep.Problems, checked)
				}
				// A merge reads no copy missing an answered action.
				lead := filepath.Join(t.TempDir(), "lead.qcode")
				codingtest.Write(t, lead, tf.Base, nil)
				l, err := coding.Open(lead)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := l.MergeProjects("lead", []string{path}, coding.MergeOptions{}); !errors.Is(err, coding.ErrDamaged) && !errors.Is(err, coding.ErrPendingWAL) {
					t.Errorf("merge of the torn copy: %v", err)
				}
				l.Close()
				if !bytes.Equal(readFile(t, path), before) {
					t.Fatal("a read-only open, check or merge changed the file")
				}

				s, err := coding.Open(path)
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				if s.Replayed() != 1 {
					t.Errorf("replayed %d, want 1", s.Replayed())
				}
				if page, ok := s.MetaRewritten(); !ok || page != newest {
					t.Errorf("MetaRewritten() = %d, %v; want %d", page, ok, newest)
				}
				// The replay's commit is transaction older+1: bbolt wrote it
				// to the torn page, whole.
				if m := codingtest.Metas(t, path); !m[0].Valid || !m[1].Valid || m[newest].Txid != older.Txid+1 || m[1-newest] != older {
					t.Errorf("meta pages after the replay: %+v (older was %+v)", m, older)
				}
				if _, err := os.Lstat(path + ".wal"); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the WAL is left after the replay: %v", err)
				}
				if got := aliceCoded(t, s); !slices.Equal(got, c.acked) {
					t.Errorf("alice's codings: %v, want %v", got, c.acked)
				}
				// The replayed action undoes, and the store writes on.
				if _, err := s.Undo("alice"); err != nil {
					t.Fatalf("undo: %v", err)
				}
				if got := aliceCoded(t, s); len(got) != len(c.acked)-1 {
					t.Errorf("after undo: %v", got)
				}
				if _, err := s.Redo("alice"); err != nil {
					t.Fatalf("redo: %v", err)
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				if rep, err := coding.CheckFile(path); err != nil || !rep.OK() {
					t.Errorf("check after: %v %+v", err, rep.Problems)
				}
				r, err := coding.OpenReadOnly(path)
				if err != nil {
					t.Fatal(err)
				}
				if got := aliceCoded(t, r); !slices.Equal(got, c.acked) {
					t.Errorf("alice's codings after close: %v, want %v", got, c.acked)
				}
				r.Close()
			})
		}
	}
}

func TestTornMetaRefusedOtherwise(t *testing.T) {
	dir := t.TempDir()
	tf := codingtest.TornSession(t, dir)
	for i, c := range codingtest.TornRefusals(tf) {
		t.Run(c.Name, func(t *testing.T) {
			path := filepath.Join(dir, "refused", string(rune('a'+i)), "p.qcode")
			os.MkdirAll(filepath.Dir(path), 0o700)
			c.Make(t, path)
			kind := c.Want
			foreign := kind == coding.ErrNotProject
			before, walBefore := readFile(t, path), readFile(t, path+".wal")

			s, err := coding.Open(path)
			if err == nil {
				ref, rerr := s.Resolve("S1-5")
				c, _ := s.Codebook().Lookup(codingtest.TornCode)
				if rerr == nil {
					_, err = s.Apply("bob", ref, c.ID, coding.Span{})
				}
				if cerr := s.Close(); cerr != nil {
					t.Errorf("close: %v", cerr)
				}
			}
			if !errors.Is(err, kind) || strings.Contains(err.Error(), "\n") {
				t.Errorf("open and write: %v, want one line of %v", err, kind)
			}
			if r, err := coding.OpenReadOnly(path); err == nil {
				r.Close()
			} else if !errors.Is(err, kind) && !errors.Is(err, coding.ErrPendingWAL) && !errors.Is(err, coding.ErrWAL) && !errors.Is(err, coding.ErrOlderSchema) {
				t.Errorf("read-only open: %v", err)
			}
			rep, err := coding.CheckFile(path)
			switch {
			case foreign && !errors.Is(err, coding.ErrNotProject):
				t.Errorf("check: %v", err)
			case !foreign && (err != nil || rep.OK()):
				t.Errorf("check: %v, %+v: want the damage named", err, rep)
			case !foreign && rep.Problems[len(rep.Problems)-1].Kind != "meta" && rep.Problems[0].Kind != "meta":
				t.Errorf("check names no bad meta page: %+v", rep.Problems)
			}
			if !bytes.Equal(readFile(t, path), before) || !bytes.Equal(readFile(t, path+".wal"), walBefore) {
				t.Errorf("the file or its WAL changed")
			}
			if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) > 2 {
				t.Errorf("files left beside the project (a backup?): %v", ents)
			}
		})
	}
}
