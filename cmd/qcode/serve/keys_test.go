package serve

import (
	"strings"
	"testing"
)

const (
	keyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
	keyB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKMNYWsr7mN5bSAf1DYJT2cAHYCKYc8YvpEy1Nh9UoFz"
)

func TestParseKeys(t *testing.T) {
	for _, c := range []struct {
		name, file string
		want       string // people as NAME/ROLE, or the error's text
	}{
		{"one each", "# team\n\nsam lead " + keyA + " sam@laptop\nalice coder " + keyB + "\n", "sam/lead alice/coder"},
		{"a name like its role", "coder coder " + keyA + "\n", "coder/coder"},
		{"one person, two keys", "sam lead " + keyA + "\nsam lead " + keyB + "\n", "sam/lead sam/lead"},
		{"no key", "sam lead\n", "line 1: write NAME ROLE PUBLIC-KEY"},
		{"bad role", "sam boss " + keyA + "\n", `line 1: role "boss": write coder or lead`},
		{"bad key", "sam lead ssh-ed25519 nonsense\n", "line 1: the public key of sam"},
		{"a key, two people", "sam lead " + keyA + "\nalice coder " + keyA + "\n", "line 2: this key is sam's already"},
		{"nobody", "# nobody yet\n", "no one is listed"},
	} {
		people, err := ParseKeys("team.keys", []byte(c.file))
		var got string
		if err != nil {
			got = err.Error()
		} else {
			var s []string
			for _, p := range people {
				s = append(s, p.Name+"/"+p.Role)
			}
			got = strings.Join(s, " ")
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %q; want %q", c.name, got, c.want)
		}
	}
}
