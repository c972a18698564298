package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A survey imported without --attr method has no method attribute: the
// report document says nothing about methods rather than failing.
func TestExportWithoutMethod(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.qcode")
	mustQcode(t, "init", p, "--codebook", "pq")
	write(t, filepath.Join(dir, "survey.csv"), "id,role,answer\nA1,Social worker,Career progression and a pay rise\nA2,PQ lead,No backfill and no time\n")
	mustQcode(t, "-p", p, "import", filepath.Join(dir, "survey.csv"), "--text-col", "answer", "--id-col", "id")
	write(t, filepath.Join(dir, "codings.csv"), "segment,code,coder\nA1,Motivations/Career progression,alice\n")
	mustQcode(t, "-p", p, "codings", "import", filepath.Join(dir, "codings.csv"))
	out := filepath.Join(dir, "report.md")
	_, errs := mustQcodeErr(t, "-p", p, "export", "--format", "md", out)
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "| &emsp;Career progression | 1 | 50% | 1 |") || strings.Contains(string(doc), "By method") {
		t.Errorf("export of a survey without method:\n%s\n%s", doc, errs)
	}
}

// Speakers' names as column headers are redacted, and kept apart.
func TestExportRedactsSpeakerColumns(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.qcode")
	mustQcode(t, "init", p, "--codebook", "pq")
	write(t, filepath.Join(dir, "group.md"), "Facilitator: What got in the way?\n\nZoë Price: Travel, mostly.\n\nAl Baker: No backfill; ask Zoe.\n")
	mustQcode(t, "-p", p, "import", filepath.Join(dir, "group.md"))
	write(t, filepath.Join(dir, "codings.csv"), "segment,code,coder\ngroup#2,Barriers/Travel and distance,alice\ngroup#3,Barriers/Release and backfill,alice\n")
	mustQcode(t, "-p", p, "codings", "import", filepath.Join(dir, "codings.csv"))
	doc, errs := mustQcodeErr(t, "-p", p, "export", "--format", "md", "-", "--by", "speaker")
	// The facilitator is no participant: no column.
	for _, want := range []string{"| [name 1] (n = 1) | [name 2] (n = 1) |", "> No backfill; ask [name]."} {
		if !strings.Contains(doc, want) {
			t.Errorf("export lacks %q:\n%s", want, doc)
		}
	}
	for _, name := range []string{"Zoë", "Zoe", "Price", "Al ", "Baker"} {
		if strings.Contains(doc, name) {
			t.Errorf("export prints %q", name)
		}
	}
	for _, want := range []string{`redacted: name "Zoë Price" in a column header (speaker)`, `redacted: name "Al Baker" in a column header (speaker)`,
		`redacted: group#3: name "Zoe" in a quote`} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

// An export is private like the project: 0600 unless the umask says less,
// whatever mode an earlier file had, and written by rename, leaving no
// temporary file behind.
func TestExportFileMode(t *testing.T) {
	p := reportProject(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "report.md")
	for _, c := range []struct {
		umask    int
		existing os.FileMode // 0: no file yet
		want     os.FileMode
	}{
		{0o022, 0, 0o600},
		{0o022, 0o644, 0o600}, // an older export
		{0o022, 0o600, 0o600},
		{0o002, 0o666, 0o600},
		{0o077, 0, 0o600},
		{0o277, 0o600, 0o400}, // the umask says less
	} {
		os.Remove(out)
		if c.existing != 0 {
			write(t, out, "old report")
			if err := os.Chmod(out, c.existing); err != nil {
				t.Fatal(err)
			}
		}
		old := syscall.Umask(c.umask)
		_, errs, code := qcode(t, "-p", p, "export", "--format", "md", out)
		syscall.Umask(old)
		if code != 0 {
			t.Fatalf("export: %s", errs)
		}
		info, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != c.want {
			t.Errorf("umask %03o, existing %03o: mode %03o, want %03o", c.umask, c.existing, info.Mode().Perm(), c.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("export left %d files", len(entries))
		}
	}
	// An export that cannot be renamed into place (OUT is a directory)
	// fails, leaving OUT as it was and no temporary file.
	os.Remove(out)
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(out, "keep.md"), "kept")
	if _, _, code := qcode(t, "-p", p, "export", "--format", "md", out); code != 1 {
		t.Errorf("export over a directory: exit %d", code)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "keep.md")); string(data) != "kept" {
		t.Errorf("a failed export changed what was there")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed export left %d files", len(entries))
	}
}
