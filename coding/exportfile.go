package coding

import (
	"errors"
	"os"
	"path/filepath"
)

// WriteExportFile writes an export (a report document, its list of
// redactions) to path atomically: a temporary file in the same directory,
// synced, then renamed over path, and the directory synced, so that a
// crash or a full disk leaves the old file or the new one, never half of
// one. The file is created with mode 0600, less if the umask says so,
// whatever mode an earlier file had: a report holds quotes from the
// project, which is 0600 too.
func WriteExportFile(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".qcode-export-*") // 0600 &^ umask
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, os.ErrInvalid) {
		return nil // a file system that cannot sync directories
	}
	return err
}
