// Package qdaxml reads and writes the documents of QDA-XML 1.0, the REFI-QDA
// exchange standard that NVivo, ATLAS.ti, MAXQDA and QualCoder share: a
// project (project.qde, inside a .qdpx zip with its source texts) and a
// codebook (.qdc).
//
// It owns the XML model (element order as the schemas' sequences ask), the
// archive (entries capped, paths that leave it refused), source texts read
// as REFI counts them (UTF-8, BOM dropped, line endings LF), and the
// one-line errors for bad input. It knows nothing of qcode's store: package
// coding/refi maps a project to and from it. It must not store anything or
// talk to a terminal.
package qdaxml

import "encoding/xml"

// The schemas' namespaces.
const (
	ProjectNS  = "urn:QDA-XML:project:1.0"
	CodebookNS = "urn:QDA-XML:codebook:1.0"
)

// Project is the root of project.qde. Sections are pointers so that an
// empty one is left out: the schema refuses an empty <Sets/> and friends.
type Project struct {
	XMLName           xml.Name `xml:"urn:QDA-XML:project:1.0 Project"`
	Name              string   `xml:"name,attr"`
	Origin            string   `xml:"origin,attr,omitempty"`
	CreatingUserGUID  string   `xml:"creatingUserGUID,attr,omitempty"`
	CreationDateTime  string   `xml:"creationDateTime,attr,omitempty"`
	ModifyingUserGUID string   `xml:"modifyingUserGUID,attr,omitempty"`
	ModifiedDateTime  string   `xml:"modifiedDateTime,attr,omitempty"`
	BasePath          string   `xml:"basePath,attr,omitempty"`

	Users       *Users     `xml:"Users"`
	CodeBook    *CodeBook  `xml:"CodeBook"`
	Variables   *Variables `xml:"Variables"`
	Cases       *Cases     `xml:"Cases"`
	Sources     *Sources   `xml:"Sources"`
	Notes       *Notes     `xml:"Notes"`
	Sets        *Sets      `xml:"Sets"`
	Description string     `xml:"Description,omitempty"`
	NoteRefs    []Ref      `xml:"NoteRef"`
}

// Users lists the people who worked on a project (qcode's coders).
type Users struct {
	User []User `xml:"User"`
}

// User is one person; codings name theirs by GUID.
type User struct {
	GUID string `xml:"guid,attr"`
	Name string `xml:"name,attr,omitempty"`
	ID   string `xml:"id,attr,omitempty"`
}

// CodeBook is a project's codebook.
type CodeBook struct {
	Codes Codes `xml:"Codes"`
}

// Codes is a list of top-level codes.
type Codes struct {
	Code []Code `xml:"Code"`
}

// Code is one code with its sub-codes. IsCodable is kept as written
// ("true", "false", "1", "0"; empty when absent) so that a reader can
// tell a missing attribute from a false one.
type Code struct {
	GUID        string `xml:"guid,attr"`
	Name        string `xml:"name,attr"`
	IsCodable   string `xml:"isCodable,attr"`
	Color       string `xml:"color,attr,omitempty"`
	Description string `xml:"Description,omitempty"`
	NoteRefs    []Ref  `xml:"NoteRef"`
	Codes       []Code `xml:"Code"`
}

// Variables declares the variables cases and sources carry values of.
type Variables struct {
	Variable []Variable `xml:"Variable"`
}

// Variable types (typeOfVariable).
const (
	TypeText     = "Text"
	TypeBoolean  = "Boolean"
	TypeInteger  = "Integer"
	TypeFloat    = "Float"
	TypeDate     = "Date"
	TypeDateTime = "DateTime"
)

// Variable is a named, typed attribute.
type Variable struct {
	GUID        string `xml:"guid,attr"`
	Name        string `xml:"name,attr"`
	Type        string `xml:"typeOfVariable,attr"`
	Description string `xml:"Description,omitempty"`
}

// VariableValue is one value of a variable on a case or source: exactly
// one of the typed values is set. Values are kept as written.
type VariableValue struct {
	VariableRef   Ref     `xml:"VariableRef"`
	TextValue     *string `xml:"TextValue"`
	BooleanValue  *string `xml:"BooleanValue"`
	IntegerValue  *string `xml:"IntegerValue"`
	FloatValue    *string `xml:"FloatValue"`
	DateValue     *string `xml:"DateValue"`
	DateTimeValue *string `xml:"DateTimeValue"`
}

// Value returns the value as text, whatever its type, and whether one is
// set.
func (v VariableValue) Value() (string, bool) {
	for _, p := range []*string{v.TextValue, v.BooleanValue, v.IntegerValue, v.FloatValue, v.DateValue, v.DateTimeValue} {
		if p != nil {
			return *p, true
		}
	}
	return "", false
}

// Cases lists the project's cases.
type Cases struct {
	Case []Case `xml:"Case"`
}

// Case is a participant (or any unit of analysis): its variables, and the
// sources or selections that belong to it.
type Case struct {
	GUID           string          `xml:"guid,attr"`
	Name           string          `xml:"name,attr,omitempty"`
	Description    string          `xml:"Description,omitempty"`
	CodeRefs       []Ref           `xml:"CodeRef"`
	VariableValues []VariableValue `xml:"VariableValue"`
	SourceRefs     []Ref           `xml:"SourceRef"`
	SelectionRefs  []Ref           `xml:"SelectionRef"`
}

// Sources lists the project's sources. qcode writes and reads text
// sources; the others are counted so that a reader can say what it left
// out.
type Sources struct {
	Text    []TextSource `xml:"TextSource"`
	Picture []Named      `xml:"PictureSource"`
	PDF     []Named      `xml:"PDFSource"`
	Audio   []Named      `xml:"AudioSource"`
	Video   []Named      `xml:"VideoSource"`
}

// Named is a source qcode does not read: its GUID and name only.
type Named struct {
	GUID string `xml:"guid,attr"`
	Name string `xml:"name,attr"`
}

// TextSource is a plain text (in the archive at plainTextPath, or inline
// as PlainTextContent) with selections coded by character positions. A
// Note has the same shape.
type TextSource struct {
	GUID             string `xml:"guid,attr"`
	Name             string `xml:"name,attr,omitempty"`
	RichTextPath     string `xml:"richTextPath,attr,omitempty"`
	PlainTextPath    string `xml:"plainTextPath,attr,omitempty"`
	CreatingUser     string `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string `xml:"creationDateTime,attr,omitempty"`
	ModifyingUser    string `xml:"modifyingUser,attr,omitempty"`
	ModifiedDateTime string `xml:"modifiedDateTime,attr,omitempty"`

	Description      string               `xml:"Description,omitempty"`
	PlainTextContent *string              `xml:"PlainTextContent"`
	Selections       []PlainTextSelection `xml:"PlainTextSelection"`
	Codings          []Coding             `xml:"Coding"`
	NoteRefs         []Ref                `xml:"NoteRef"`
	VariableValues   []VariableValue      `xml:"VariableValue"`
}

// PlainTextSelection is a passage of a text source: characters
// [StartPosition, EndPosition), counted in Unicode code points over the
// text with LF line endings.
type PlainTextSelection struct {
	GUID             string `xml:"guid,attr"`
	Name             string `xml:"name,attr,omitempty"`
	StartPosition    string `xml:"startPosition,attr"`
	EndPosition      string `xml:"endPosition,attr"`
	CreatingUser     string `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string `xml:"creationDateTime,attr,omitempty"`
	ModifyingUser    string `xml:"modifyingUser,attr,omitempty"`
	ModifiedDateTime string `xml:"modifiedDateTime,attr,omitempty"`

	Description string   `xml:"Description,omitempty"`
	Codings     []Coding `xml:"Coding"`
	NoteRefs    []Ref    `xml:"NoteRef"`
}

// Coding applies a code to the selection (or source) it sits in.
type Coding struct {
	GUID             string `xml:"guid,attr"`
	CreatingUser     string `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string `xml:"creationDateTime,attr,omitempty"`
	CodeRef          Ref    `xml:"CodeRef"`
	NoteRefs         []Ref  `xml:"NoteRef"`
}

// Notes lists the project's notes (memos); each is a text source.
type Notes struct {
	Note []TextSource `xml:"Note"`
}

// Sets lists named sets of codes, sources and notes.
type Sets struct {
	Set []Set `xml:"Set"`
}

// Set is a named group of codes, sources and notes.
type Set struct {
	GUID          string `xml:"guid,attr"`
	Name          string `xml:"name,attr"`
	Description   string `xml:"Description,omitempty"`
	MemberCodes   []Ref  `xml:"MemberCode"`
	MemberSources []Ref  `xml:"MemberSource"`
	MemberNotes   []Ref  `xml:"MemberNote"`
}

// Ref points at another element by its GUID.
type Ref struct {
	Target string `xml:"targetGUID,attr"`
}

// Codebook is the root of a .qdc file. Its sets name codes by `guid`,
// not `targetGUID` as a project's do.
type Codebook struct {
	XMLName xml.Name      `xml:"urn:QDA-XML:codebook:1.0 CodeBook"`
	Origin  string        `xml:"origin,attr,omitempty"`
	Codes   Codes         `xml:"Codes"`
	Sets    *CodebookSets `xml:"Sets"`
}

// CodebookSets lists a codebook's sets of codes.
type CodebookSets struct {
	Set []CodebookSet `xml:"Set"`
}

// CodebookSet is a named group of codes in a .qdc.
type CodebookSet struct {
	GUID        string       `xml:"guid,attr"`
	Name        string       `xml:"name,attr"`
	Description string       `xml:"Description,omitempty"`
	MemberCodes []MemberCode `xml:"MemberCode"`
}

// MemberCode names a code of a codebook set.
type MemberCode struct {
	GUID string `xml:"guid,attr"`
}
