// Package refi maps a qcode project to and from REFI-QDA (QDA-XML 1.0), the
// exchange standard of NVivo, ATLAS.ti, MAXQDA and QualCoder: a whole
// project as a .qdpx (WriteQDPX, ReadQDPX) and the codebook as a .qdc
// (WriteQDC; coding.ParseCodebook reads one).
//
// A qcode source is a list of segments; a REFI text source is one plain
// text with selections coded by character positions. The text of a source
// is built from what the store holds, the same way every time (layout.go):
// a transcript's title, headings, interviewer prompts and participants'
// turns in their order, a sheet's answers one per paragraph after their
// IDs. Every segment is a selection named by its ID; a coding of the whole
// segment sits in it, a coded span is a selection of its own. What the
// standard has no place for (a segment's own attributes, where a
// transcript's prompts and headings are, review marks and samples segment
// by segment, quick keys and code groups, which case a memo is on) travels
// beside project.qde in qcode.json, so that a .qdpx written by qcode comes
// back whole; other tools read the standard part and leave the rest. Memos
// are notes (memos.go, read_memos.go).
//
// A project written elsewhere is read as qcode would read its texts: each
// source becomes segments by speaker turn or paragraph, as a TXT import
// makes them, and every selection is cut along those segments (a part of
// one is a span; one across several is split per segment).
//
// The package reads nothing but the bytes it is given and stores nothing:
// the command line reads the file, then stores what ReadQDPX returns with
// coding.Store.ImportProject in one action.
package refi
