package qdaxml

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Text is a source's plain text as REFI counts it: UTF-8 without a BOM,
// every line ending LF. Positions are counted in code points over it.
type Text struct {
	Text string
	// CRLF lists, in order, the code-point positions (in Text) of the
	// line endings that were CRLF in the file: a tool that counted such an
	// ending as two characters wrote positions that run ahead by one per
	// CRLF before them.
	CRLF []int
}

// DecodeText reads a source file: UTF-8 (a BOM is dropped), UTF-16 with a
// BOM, else Windows-1252 where the bytes are not UTF-8; CRLF and lone CR
// become LF.
func DecodeText(data []byte) Text {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		if b, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewDecoder().Bytes(data[2:]); err == nil {
			data = b
		}
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		if b, err := xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM).NewDecoder().Bytes(data[2:]); err == nil {
			data = b
		}
	}
	if !utf8.Valid(data) {
		if b, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			data = b
		}
	}
	s := strings.TrimPrefix(string(data), "\uFEFF")
	if !strings.Contains(s, "\r") {
		return Text{Text: s}
	}
	var out Text
	var b strings.Builder
	b.Grow(len(s))
	pos := 0 // code points written
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				out.CRLF = append(out.CRLF, pos)
				size = 2
			}
			r = '\n'
		}
		b.WriteRune(r)
		pos++
		i += size
	}
	out.Text = b.String()
	return out
}
