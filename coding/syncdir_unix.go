//go:build unix

package coding

import "os"

// syncDir makes a new entry in dir durable: a file made there is found
// after a power cut only once its directory was synced.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
