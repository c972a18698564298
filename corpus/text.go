package corpus

import (
	"bytes"
	"strings"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Messages for files that are not text at all; tests compare against them.
const (
	msgEmpty  = "empty file"
	msgBinary = "binary file, not text"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeText turns the bytes of a text file (CSV, TSV, TXT, Markdown) into
// UTF-8 with \n line endings. It reads UTF-8 with or without a BOM, UTF-16
// with a BOM (or without one when the zero bytes leave no doubt), and falls
// back to Windows-1252, which is what spreadsheets on Windows write when they
// say "ANSI". It returns msgEmpty or msgBinary as the reason a file is not text.
//
// owned says the caller gives data up (Read's own buffer, never written
// again): the text is then data itself, not a copy of it (a 40 MB export
// was copied once more, and the copy's pages faulted in).
func decodeText(data []byte, owned bool) (text string, problem string) {
	if len(bytes.TrimSpace(data)) == 0 {
		return "", msgEmpty
	}
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data = data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE):
		data, enc = data[2:], xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
	case bytes.HasPrefix(data, bomUTF16BE):
		data, enc = data[2:], xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)
	case bytes.IndexByte(data, 0) >= 0:
		enc = utf16WithoutBOM(data)
		if enc == nil {
			return "", msgBinary
		}
	case !utf8.Valid(data):
		enc = charmap.Windows1252
	}
	if enc != nil {
		b, err := enc.NewDecoder().Bytes(data)
		if err != nil {
			return "", msgBinary
		}
		data, owned = b, true
	}
	if looksBinary(data) {
		return "", msgBinary
	}
	if owned {
		text = unsafe.String(unsafe.SliceData(data), len(data))
	} else {
		text = string(data)
	}
	text = strings.TrimPrefix(text, "\uFEFF")
	text = normaliseNewlines(text)
	if strings.TrimSpace(text) == "" {
		return "", msgEmpty
	}
	return text, ""
}

// utf16WithoutBOM recognises UTF-16 text that lost its BOM: mostly ASCII, so
// every other byte is zero, on the same side throughout. Anything else with a
// zero byte is binary.
func utf16WithoutBOM(data []byte) encoding.Encoding {
	if len(data) < 4 || len(data)%2 != 0 {
		return nil
	}
	var evenZeros, oddZeros int
	for i, b := range data {
		if b == 0 {
			if i%2 == 0 {
				evenZeros++
			} else {
				oddZeros++
			}
		}
	}
	half := len(data) / 2
	switch {
	case evenZeros == 0 && oddZeros*10 >= half*7:
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
	case oddZeros == 0 && evenZeros*10 >= half*7:
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)
	}
	return nil
}

// looksBinary reports whether decoded text holds a NUL, or more than one
// control character in twenty bytes of its first MiB (tab, newline, carriage
// return, form feed and vertical tab do not count; C1 controls do).
func looksBinary(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return true
	}
	data = data[:min(len(data), 1<<20)]
	controls := 0
	for i, b := range data {
		switch controlByte[b] {
		case 1:
			controls++
		case 2: // 0xC2 starts U+0080…U+00FF; U+0080…U+009F are C1 controls
			if i+1 < len(data) && data[i+1] <= 0x9F {
				controls++
			}
		}
	}
	return controls*20 > len(data)
}

// controlByte marks the bytes looksBinary counts: 1 for a C0 control or
// DEL, 2 for the lead byte of a possible C1 control.
var controlByte = func() (t [256]uint8) {
	for b := 0; b < 0x20; b++ {
		switch b {
		case '\t', '\n', '\r', '\f', '\v':
		default:
			t[b] = 1
		}
	}
	t[0x7F] = 1
	t[0xC2] = 2
	return t
}()

// normaliseNewlines turns CRLF and lone CR into LF.
func normaliseNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// cleanText makes a value read from a container format (XLSX cell, DOCX run)
// safe to store: valid UTF-8, \n line endings, no NULs.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return normaliseNewlines(s)
}
