package qdaxml

import (
	"crypto/sha1"
	"encoding/hex"
	"regexp"
	"strings"
)

// guidRE is the schemas' GUIDType: 8-4-4-4-12 hex digits, bare or in
// braces.
var guidRE = regexp.MustCompile(`^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$`)

// ValidGUID tells whether s is a GUID as the schemas write one.
func ValidGUID(s string) bool { return guidRE.MatchString(s) }

// GUIDKey is the form two spellings of one GUID share: lower case, no
// braces. References are matched by it.
func GUIDKey(s string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "{"), "}"))
}

// NameGUID is a name-based GUID (RFC 9562 version 5: SHA-1 of a
// namespace and a name): the same namespace and name always give the same
// GUID, so an export of one project names each thing the same way every
// time.
func NameGUID(namespace [16]byte, name string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC variant
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}
