package refi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"qcode/coding"
	"qcode/corpus"
	"qcode/corpus/printable"
	"qcode/corpus/qdaxml"
)

// ReadOptions say how to read a project.
type ReadOptions struct {
	// Limits cap what is read: InputSize caps what the archive unpacks to,
	// Paragraphs and Depth what one source text and project.qde may hold.
	Limits corpus.Limits
	// Coder is the coder of codings that name no user.
	Coder string
}

// Report says how a project was read and what was left out or changed,
// for the user.
type Report struct {
	Origin string // the origin the project names ("qcode", "MAXQDA 2022"…)
	// Whole is true for a project qcode wrote, read back with its
	// segments, attributes, marks and samples as they were.
	Whole bool
	Notes []string // one line each
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// ReadQDPX reads a .qdpx (its bytes, the file already read) into what
// coding.Store.ImportProject stores. file is the file's base name. A file
// that is not a sound REFI-QDA project — invalid XML, no project.qde, a
// selection out of its text, a path that leaves the archive, an entry that
// inflates past the limit, a coding of a code the codebook lacks — is an
// error of one line naming the file and where.
func ReadQDPX(file string, data []byte, opts ReadOptions) (*coding.ProjectImport, *Report, error) {
	lim := opts.Limits
	if lim.InputSize <= 0 {
		lim.InputSize = corpus.DefaultLimits.InputSize
	}
	arc, err := qdaxml.OpenArchive(file, data, qdaxml.Limits{Inflate: lim.InputSize, Depth: lim.Depth})
	if err != nil {
		return nil, nil, err
	}
	if opts.Coder == "" {
		opts.Coder = "coder"
	}
	r := &reader{file: file, arc: arc, p: arc.Project, opts: opts, lim: lim,
		out: &coding.ProjectImport{File: file}, rep: &Report{Origin: arc.Project.Origin}}
	if err := r.read(); err != nil {
		return nil, nil, err
	}
	return r.out, r.rep, nil
}

// reader reads one archive.
type reader struct {
	file string
	arc  *qdaxml.Archive
	p    *qdaxml.Project
	opts ReadOptions
	lim  corpus.Limits
	side *sidecar // qcode's own details; nil for a project written elsewhere

	out *coding.ProjectImport
	rep *Report

	codes map[string]string            // code GUID key → path
	users map[string]string            // user GUID key → coder name
	vars  map[string]qdaxml.Variable   // variable GUID key → variable
	notes map[string]qdaxml.TextSource // note GUID key → note
	used  map[string]bool              // notes read as memos or stars
	// noteTexts are the notes' texts as read; unread, the notes with no
	// plain text.
	noteTexts map[string]string
	unread    map[string]bool
	sources   []*source            // per TextSource, in order
	sels      map[string]selection // selection GUID key → where
	byGUID    map[string]int       // source GUID key → index in sources
	cases     map[string]string    // case GUID key → the name it was read as

	dropped struct{ context, unplaced, skipped, noNote, longNotes int }
}

// source is a text source as read.
type source struct {
	ts    *qdaxml.TextSource
	name  string
	text  string
	n     int   // code points
	crlf  []int // see qdaxml.Text
	shift bool  // positions count a CRLF as two characters
	src   *corpus.Source
	index int      // in out.Sources; -1 when left out
	segs  []placed // where each segment is in the text
	// isSeg maps a segment's selection (qcode's own projects) to the
	// segment.
	isSeg map[string]int
}

// selection is a PlainTextSelection: its source and its positions.
type selection struct {
	src        int
	start, end int
	sel        *qdaxml.PlainTextSelection
}

// errf is an error of the project document, naming the file.
func (r *reader) errf(format string, args ...any) error {
	return &corpus.InputError{File: r.file, Where: qdaxml.ProjectPart, Msg: fmt.Sprintf(format, args...), Err: qdaxml.ErrInvalid}
}

func (r *reader) read() error {
	if err := r.readSidecar(); err != nil {
		return err
	}
	r.rep.Whole = r.side != nil
	r.readUsers()
	if err := r.readCodes(); err != nil {
		return err
	}
	r.readVariables()
	r.readNotes()
	if err := r.readSources(); err != nil {
		return err
	}
	if len(r.out.Sources) == 0 {
		return &corpus.InputError{File: r.file, Msg: "no text source qcode can read (a project of text sources: transcripts, notes, answers)", Err: qdaxml.ErrInvalid}
	}
	if err := r.readSelections(); err != nil {
		return err
	}
	if err := r.readCases(); err != nil {
		return err
	}
	r.readSets()
	if err := r.readCodings(); err != nil {
		return err
	}
	if err := r.readMarksAndSamples(); err != nil {
		return err
	}
	if err := r.readMemos(); err != nil {
		return err
	}
	r.finish()
	return nil
}

// readSidecar reads qcode.json when the project says qcode wrote it.
func (r *reader) readSidecar() error {
	if !strings.HasPrefix(strings.ToLower(r.p.Origin), "qcode") || !r.arc.Has(SidecarName) {
		return nil
	}
	data, err := r.arc.Entry(SidecarName)
	if err != nil {
		return err
	}
	var side sidecar
	if err := json.Unmarshal(data, &side); err != nil {
		return &corpus.InputError{File: r.file, Where: SidecarName, Msg: corpus.Cut(err.Error(), 200), Err: qdaxml.ErrInvalid}
	}
	if side.Format != sidecarFormat {
		return nil
	}
	if side.Version > sidecarVersion {
		return &corpus.InputError{File: r.file, Where: SidecarName, Msg: fmt.Sprintf("written by a newer qcode (version %d): upgrade qcode to read it whole", side.Version), Err: qdaxml.ErrInvalid}
	}
	r.side = &side
	return nil
}

// name is a name read from the file: as written (without control
// characters) in a project qcode wrote, else printable and on one line.
func (r *reader) name(s string) string {
	if r.side != nil {
		return printable.Strip(s)
	}
	return clean(s)
}

// clean makes a name from the file printable and one line.
func clean(s string) string {
	return strings.Join(strings.Fields(printable.Strip(s)), " ")
}

func (r *reader) readUsers() {
	r.users = map[string]string{}
	if r.p.Users == nil {
		return
	}
	for _, u := range r.p.Users.User {
		name := clean(strings.ReplaceAll(u.Name, ",", " "))
		if name == "" {
			name = clean(strings.ReplaceAll(u.ID, ",", " "))
		}
		key := qdaxml.GUIDKey(u.GUID)
		if name == "" {
			name = "user-" + strings.SplitN(key, "-", 2)[0]
		}
		r.users[key] = name
	}
}

func (r *reader) readCodes() error {
	if r.p.CodeBook == nil {
		r.codes = map[string]string{}
		return nil
	}
	specs, paths, notes := coding.QDASpecs(r.p.CodeBook.Codes.Code)
	r.rep.Notes = append(r.rep.Notes, notes...)
	r.codes = paths
	if r.side != nil && len(r.side.Codes) > 0 {
		details := map[string]sidecarCode{}
		for _, c := range r.side.Codes {
			if path, ok := paths[qdaxml.GUIDKey(c.GUID)]; ok {
				details[path] = c
			}
		}
		var walk func(prefix string, specs []coding.CodeSpec)
		walk = func(prefix string, specs []coding.CodeSpec) {
			for i := range specs {
				sp := &specs[i]
				if d, ok := details[prefix+sp.Name]; ok {
					sp.Key, sp.Group, sp.Exclusive = d.Key, d.Group, d.Exclusive
				}
				walk(prefix+sp.Name+"/", sp.Codes)
			}
		}
		walk("", specs)
	}
	r.out.Codes = specs
	return nil
}

func (r *reader) readVariables() {
	r.vars = map[string]qdaxml.Variable{}
	if r.p.Variables == nil {
		return
	}
	for _, v := range r.p.Variables.Variable {
		v.Name = r.name(v.Name)
		r.vars[qdaxml.GUIDKey(v.GUID)] = v
	}
}

// attributes reads variable values as attributes (values as written).
func (r *reader) attributes(values []qdaxml.VariableValue) []coding.Attribute {
	var out []coding.Attribute
	unknown := 0
	for _, vv := range values {
		v, ok := r.vars[qdaxml.GUIDKey(vv.VariableRef.Target)]
		value, set := vv.Value()
		value = printable.Strip(value)
		if r.side == nil {
			value = strings.TrimSpace(value)
		}
		switch {
		case !ok || v.Name == "":
			unknown++
		case set && value != "":
			out = append(out, coding.Attribute{Name: v.Name, Value: value})
		}
	}
	if unknown > 0 {
		r.rep.note("%s name no variable: left out", count(unknown, "variable value", "variable values"))
	}
	return out
}

func (r *reader) readNotes() {
	r.notes, r.used = map[string]qdaxml.TextSource{}, map[string]bool{}
	r.noteTexts, r.unread = map[string]string{}, map[string]bool{}
	if r.p.Notes == nil {
		return
	}
	for _, n := range r.p.Notes.Note {
		r.notes[qdaxml.GUIDKey(n.GUID)] = n
	}
}

// count writes n with its noun.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
