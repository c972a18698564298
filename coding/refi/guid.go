package refi

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"

	"qcode/corpus/qdaxml"
)

// guids names the things of one project. The namespace is the project's
// id (shared by every copy of the project), so that every export of it
// gives each code, source, segment, case and coding the same GUID.
type guids struct{ ns [16]byte }

func newGUIDs(projectID string) guids {
	var g guids
	if b, err := hex.DecodeString(projectID); err == nil && len(b) == 16 {
		copy(g.ns[:], b)
		return g
	}
	sum := sha1.Sum([]byte("qcode project " + projectID))
	copy(g.ns[:], sum[:16])
	return g
}

// of is the GUID of a thing of a kind ("code", "segment"…) named by parts.
func (g guids) of(kind string, parts ...string) string {
	return qdaxml.NameGUID(g.ns, kind+"\x00"+strings.Join(parts, "\x00"))
}
