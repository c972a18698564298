// Package ooxml checks the shape of the XML parts of an Office Open XML
// package (.xlsx, .docx) before a parser builds anything from them.
//
// encoding/xml keeps a stack entry for every open element and builds every
// attribute of a tag, and excelize decodes whole parts into structs: a few
// hundred KiB of zip can unpack into millions of unclosed elements and take
// gigabytes. Scan walks the bytes once, keeping nothing but counters, and
// refuses a part nested too deep, a tag too long, or too many elements of one
// name. It does not check that the XML is well formed: the real parser does.
package ooxml

import (
	"bytes"
	"errors"
	"io"
)

// MaxTagSize caps the bytes of one tag, attributes included. Real parts
// hold tags of a few hundred bytes; the root of a Word document, with its
// namespace declarations, a few KiB.
const MaxTagSize = 16 << 10

// The errors Scan returns for a part over a limit; the caller words them
// with the limit it set.
var (
	ErrDepth   = errors.New("elements nested too deep")
	ErrTagSize = errors.New("a tag too long")
	ErrCount   = errors.New("too many elements")
)

// Shape is what Scan counted in a part.
type Shape struct {
	Depth int // deepest element nesting seen
	Count int // start tags whose local name is the one asked for
}

// Scan reads the XML in r to its end and returns its shape. It fails as
// soon as elements nest deeper than maxDepth (ErrDepth), a tag runs over
// MaxTagSize (ErrTagSize), or more than maxCount start tags have the local
// name count (ErrCount; maxCount <= 0: no cap). Read errors are returned as
// they are.
func Scan(r io.Reader, maxDepth int, count string, maxCount int) (Shape, error) {
	s := scanner{maxDepth: maxDepth, want: []byte(count), maxCount: maxCount}
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if serr := s.feed(buf[:n]); serr != nil {
			return s.shape, serr
		}
		if err == io.EOF {
			return s.shape, nil
		}
		if err != nil {
			return s.shape, err
		}
	}
}

// Where the scanner is in the markup.
const (
	inText    = iota
	inOpen    // just after '<'
	inName    // a start tag's name
	inTag     // a start tag, after its name
	inQuote   // an attribute value, ended by quote
	inSlash   // '/' inside a start tag: "/>" closes it empty
	inEnd     // an end tag "</…>"
	inSpecial // "<!…" or "<?…": a comment, CDATA, declaration or processing instruction
)

type scanner struct {
	maxDepth int
	want     []byte
	maxCount int

	shape   Shape
	depth   int
	state   int
	quote   byte
	tagLen  int
	name    []byte // the local name read so far, up to len(want)+1 bytes
	nameBad bool   // the name is already longer than want
	special []byte // the last three bytes of a "<!…" or "<?…" construct
	kind    byte   // '-' comment, '[' CDATA, '?' instruction, '!' declaration
}

func (s *scanner) feed(b []byte) error {
	for i := 0; i < len(b); i++ {
		// Text and attribute values are most of the bytes: skip them whole.
		switch s.state {
		case inText:
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				return nil
			}
			i += j
		case inQuote:
			j := bytes.IndexByte(b[i:], s.quote)
			if j < 0 {
				j = len(b) - i
			}
			if s.tagLen += j; s.tagLen > MaxTagSize {
				return ErrTagSize
			}
			if i += j; i == len(b) {
				return nil
			}
		}
		c := b[i]
		if s.state != inText {
			s.tagLen++
			if s.tagLen > MaxTagSize && s.state != inSpecial {
				return ErrTagSize
			}
		}
		switch s.state {
		case inText:
			if c == '<' {
				s.state, s.tagLen = inOpen, 1
			}
		case inOpen:
			switch c {
			case '/':
				s.state = inEnd
			case '!', '?':
				s.state, s.kind, s.special = inSpecial, c, s.special[:0]
			default:
				s.state, s.name, s.nameBad = inName, s.name[:0], false
				s.addName(c)
			}
		case inName:
			switch c {
			case ' ', '\t', '\r', '\n':
				s.state = inTag
			case '/':
				s.state = inSlash
			case '>':
				if err := s.open(false); err != nil {
					return err
				}
			default:
				s.addName(c)
			}
		case inTag:
			switch c {
			case '"', '\'':
				s.state, s.quote = inQuote, c
			case '/':
				s.state = inSlash
			case '>':
				if err := s.open(false); err != nil {
					return err
				}
			}
		case inQuote:
			if c == s.quote {
				s.state = inTag
			}
		case inSlash:
			switch c {
			case '>':
				if err := s.open(true); err != nil {
					return err
				}
			case '"', '\'':
				s.state, s.quote = inQuote, c
			default:
				s.state = inTag
			}
		case inEnd:
			if c == '>' {
				s.state = inText
				if s.depth > 0 {
					s.depth--
				}
			}
		case inSpecial:
			if s.endsSpecial(c) {
				s.state = inText
			}
		}
	}
	return nil
}

// addName keeps the local name of a start tag: the part after a prefix.
func (s *scanner) addName(c byte) {
	if c == ':' {
		s.name, s.nameBad = s.name[:0], false
		return
	}
	if len(s.name) > len(s.want) {
		s.nameBad = true
		return
	}
	s.name = append(s.name, c)
}

// open ends a start tag; empty is true for "<x/>".
func (s *scanner) open(empty bool) error {
	s.state = inText
	if len(s.want) > 0 && !s.nameBad && string(s.name) == string(s.want) {
		s.shape.Count++
		if s.maxCount > 0 && s.shape.Count > s.maxCount {
			return ErrCount
		}
	}
	if empty {
		return nil
	}
	s.depth++
	if s.depth > s.shape.Depth {
		s.shape.Depth = s.depth
		if s.depth > s.maxDepth {
			return ErrDepth
		}
	}
	return nil
}

// endsSpecial reads one byte of a "<!…" or "<?…" construct and tells
// whether it ended: a comment at "-->", CDATA at "]]>", an instruction at
// "?>", anything else (a declaration) at the first '>'.
func (s *scanner) endsSpecial(c byte) bool {
	if len(s.special) < 8 {
		s.special = append(s.special, c)
	} else {
		copy(s.special, s.special[1:])
		s.special[len(s.special)-1] = c
	}
	if s.kind == '!' && len(s.special) == 1 { // "<!-" or "<![" decides the kind
		switch s.special[0] {
		case '-':
			s.kind = '-'
		case '[':
			s.kind = '['
		}
	}
	if c != '>' {
		return false
	}
	tail := s.special
	switch s.kind {
	case '-':
		return s.tagLen >= 7 && len(tail) >= 3 && string(tail[len(tail)-3:]) == "-->"
	case '[':
		return len(tail) >= 3 && string(tail[len(tail)-3:]) == "]]>"
	case '?':
		return len(tail) >= 2 && tail[len(tail)-2] == '?'
	}
	return true
}
