package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// Roles a person may have on a served project.
const (
	RoleCoder = "coder" // codes blind: sees only their own codings
	RoleLead  = "lead"  // may do everything
)

// Person is one line of the keys file: who a public key says its holder is.
type Person struct {
	Name string
	Role string
	Key  gossh.PublicKey
}

// ReadKeys reads a keys file: one person a line, `NAME ROLE PUBLIC-KEY`
// (ROLE coder or lead; the key as in authorized_keys, its comment
// optional). Blank lines and lines starting with # are skipped. A key may
// name one person only; a name may have several keys.
func ReadKeys(path string) ([]Person, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	return ParseKeys(path, data)
}

// ParseKeys is ReadKeys on the file's bytes (name is for messages).
func ParseKeys(name string, data []byte) ([]Person, error) {
	var people []Person
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("%s: line %d: write NAME ROLE PUBLIC-KEY (e.g. alice coder ssh-ed25519 AAAA…)", name, n)
		}
		if f[1] != RoleCoder && f[1] != RoleLead {
			return nil, fmt.Errorf("%s: line %d: role %q: write coder or lead", name, n, f[1])
		}
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(line, f[0])), f[1]))
		key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(rest))
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: the public key of %s: %v", name, n, f[0], err)
		}
		for _, p := range people {
			if bytes.Equal(p.Key.Marshal(), key.Marshal()) && p.Name != f[0] {
				return nil, fmt.Errorf("%s: line %d: this key is %s's already (line by line, a key names one person)", name, n, p.Name)
			}
		}
		people = append(people, Person{Name: f[0], Role: f[1], Key: key})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(people) == 0 {
		return nil, fmt.Errorf("%s: no one is listed: write NAME ROLE PUBLIC-KEY, one person a line", name)
	}
	return people, nil
}
