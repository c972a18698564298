package tui

import (
	"fmt"

	"qcode/coding"
)

// A request is one user action, as a value: what to do, never a closure.
// Components build them from what the screen shows; the write queue
// (queue.go) shows each at once, runs them in order through perform, and
// tells every component how each ended.
type request interface {
	// words names the action for the status line ("+ Barriers/Workload and time").
	words() string
}

// Coding actions on one segment.
type (
	// applyReq puts a code on a segment, or a passage of it.
	applyReq struct {
		seg   coding.SegRef
		code  coding.CodeID
		path  string
		span  coding.Span
		quote string // the passage's excerpt, for the status line
		digit string // the digit that asked for it ("": none), named in the status line
	}
	// removeReq takes the coder's codings of a code off a segment.
	removeReq struct {
		seg   coding.SegRef
		code  coding.CodeID
		path  string
		digit string
	}
	// markReq sets or clears the coder's "reviewed, nothing applies".
	markReq struct {
		seg coding.SegRef
		on  bool
	}
	// starReq stars (or unstars) codings as report quotes.
	starReq struct {
		seg  coding.SegRef
		keys []coding.CodingKey
		on   bool
		// quote is the code a quote of the report's list belongs to: the
		// list shows the star once saved, the coding screen at once.
		quote string
	}
	// memoReq sets a coding's memo.
	memoReq struct {
		seg  coding.SegRef
		key  coding.CodingKey
		text string
	}
	// createReq adds a code and applies it: one action for the code, one
	// for the coding.
	createReq struct {
		seg  coding.SegRef
		path string
		span coding.Span
	}
	// spansReq puts a code on a passage that runs across segments (the
	// document view's turns): each segment's part, as one action. The
	// screen shows it once saved (the queue shows one segment's actions
	// ahead of the store).
	spansReq struct {
		code     coding.CodeID
		path     string
		passages []coding.SegmentSpan
		from, to string // the first and last segment's IDs, for the status line
		digit    string
	}
)

// codeAllReq codes every segment the screen showed (a search's matches,
// or the filtered list) with one code: one action, one undo.
type codeAllReq struct {
	refs []coding.SegRef // ascending, as the list holds them
	code coding.CodeID
	path string
}

// memoOnReq writes the coder's memo on a segment, participant, source or
// code, or a journal entry (a coding's memo is a memoReq): "" deletes it.
type memoOnReq struct {
	target coding.MemoTarget
	about  string // what it is on, in words ("segment R012")
	text   string
}

// undoReq undoes (or redoes) the coder's last action.
type undoReq struct{ redo bool }

// codebookOp is a change to the codebook.
type codebookOp int

const (
	opAdd codebookOp = iota
	opRename
	opUpdate // description, inclusion note, group, exclusive
	opMove
	opMerge
	opDelete
)

// codebookReq changes the codebook: path is the code, arg the new path
// (add), name (rename) or parent (move, merge).
type codebookReq struct {
	op      codebookOp
	what    string // in words
	path    string
	arg     string
	details coding.CodeDetails
}

// settleReq decides a disagreement into consensus.
type settleReq struct {
	seg      coding.SegRef
	code     coding.CodeID
	path     string
	segID    string
	decision coding.Decision
}

func (r applyReq) words() string {
	if r.quote != "" {
		return byDigit(r.digit) + "+ " + r.path + " “" + r.quote + "”"
	}
	return byDigit(r.digit) + "+ " + r.path
}
func (r removeReq) words() string { return byDigit(r.digit) + "− " + r.path }

// byDigit names the digit that asked for an action, so that the status
// line says which code each digit applied: "2 → + Motivations/Career
// progression on R001".
func byDigit(d string) string {
	if d == "" {
		return ""
	}
	return d + " → "
}
func (r markReq) words() string {
	if r.on {
		return "× " + markLabel
	}
	return "− " + markLabel
}
func (r starReq) words() string {
	switch {
	case r.quote != "":
		return "star a quote of " + r.quote
	case r.on:
		return "star"
	}
	return "unstar"
}
func (r spansReq) words() string {
	return fmt.Sprintf("%s+ %s on %s, %s–%s", byDigit(r.digit), r.path, plural(len(r.passages), "passage", "passages"), r.from, r.to)
}
func (r memoReq) words() string   { return "memo" }
func (r createReq) words() string { return "create and apply " + r.path }
func (r codeAllReq) words() string {
	return "code " + plural(len(r.refs), "segment", "segments") + " with " + r.path
}
func (r memoOnReq) words() string {
	if r.target.Kind == coding.MemoProject && r.target.Entry == 0 {
		return "journal entry"
	}
	return "memo on " + r.about
}
func (r undoReq) words() string {
	if r.redo {
		return "redo"
	}
	return "undo"
}
func (r codebookReq) words() string { return r.what }
func (r settleReq) words() string   { return "settle " + r.path + " on " + r.segID }

// segment is the segment a request acts on (0: none), refreshed once the
// store has answered.
func segment(r request) coding.SegRef {
	switch r := r.(type) {
	case applyReq:
		return r.seg
	case removeReq:
		return r.seg
	case markReq:
		return r.seg
	case starReq:
		return r.seg
	case memoReq:
		return r.seg
	case createReq:
		return r.seg
	case settleReq:
		return r.seg
	}
	return 0
}

// changesBook tells whether a request may change the codebook.
func changesBook(r request) bool {
	switch r.(type) {
	case undoReq, createReq, codebookReq:
		return true
	}
	return false
}

// outcome is what the store answered to a request, beyond its action's
// result: the passages a settlement left in consensus.
type outcome struct {
	coding.ActionResult
	consensus []coding.Passage
}

// perform runs a request against the store, as the coder. It is the one
// place where the screen's actions meet the store, and it runs in a
// command, never in Update.
func perform(s *coding.Store, coder string, r request) (outcome, error) {
	var out outcome
	var err error
	switch r := r.(type) {
	case applyReq:
		var a coding.ApplyResult
		a, err = s.Apply(coder, r.seg, r.code, r.span)
		out.ActionResult = a.ActionResult
		if err == nil && out.Seq != 0 {
			out.Desc = r.words()
		}
	case removeReq:
		out.ActionResult, err = s.RemoveCode(coder, r.seg, r.code)
		if err == nil && out.Seq != 0 {
			out.Desc = r.words()
		}
	case markReq:
		out.ActionResult, err = s.SetReviewed(coder, r.seg, r.on)
		if err == nil && out.Seq != 0 {
			out.Desc = r.words()
		}
	case starReq:
		out.ActionResult, err = s.SetStars(coder, r.keys, r.on)
	case memoReq:
		out.ActionResult, err = s.SetMemo(coder, r.key, r.text)
	case spansReq:
		var a coding.ApplySpansResult
		a, err = s.ApplySpans(coder, r.code, r.passages)
		out.ActionResult = a.ActionResult
		if err == nil && out.Seq != 0 {
			out.Desc = r.words()
		}
	case createReq:
		var c coding.Code
		c, _, err = s.AddCode(coder, r.path, coding.CodeDetails{})
		if err != nil {
			return out, err
		}
		var a coding.ApplyResult
		a, err = s.Apply(coder, r.seg, c.ID, r.span)
		out.ActionResult = a.ActionResult
		if err == nil {
			out.Desc = "created and applied " + c.Path
		}
	case undoReq:
		if r.redo {
			out.ActionResult, err = s.Redo(coder)
		} else {
			out.ActionResult, err = s.Undo(coder)
		}
		if err == nil {
			out.Desc = r.words() + ": " + out.Desc
		}
	case codebookReq:
		out.ActionResult, err = editCodebook(s, coder, r)
	case codeAllReq:
		var res coding.CodeAllResult
		res, err = s.CodeAll(coder, coding.SegmentQuery{Refs: r.refs}, r.code)
		out.ActionResult = res.ActionResult
		switch {
		case err != nil:
		case res.Coded == 0:
			out.Desc = fmt.Sprintf("%s was on every one already (%d)", r.path, res.Already)
		default:
			out.Desc = fmt.Sprintf("coded %s with %s", plural(res.Coded, "segment", "segments"), r.path)
			if res.Already > 0 {
				out.Notes = append(out.Notes, fmt.Sprintf("%d already had it", res.Already))
			}
			if gone := len(r.refs) - res.Matched; gone > 0 {
				out.Notes = append(out.Notes, fmt.Sprintf("%d no longer in the project", gone))
			}
		}
	case memoOnReq:
		var res coding.MemoResult
		res, err = s.SetMemoOn(coder, r.target, r.text)
		out.ActionResult = res.ActionResult
	case settleReq:
		var res coding.SettleResult
		res, err = s.Settle(coder, r.seg, r.code, r.decision)
		out.ActionResult, out.consensus = res.ActionResult, res.Codings
	default:
		err = fmt.Errorf("unknown action %T", r)
	}
	return out, err
}

func editCodebook(s *coding.Store, actor string, r codebookReq) (coding.ActionResult, error) {
	switch r.op {
	case opAdd:
		_, res, err := s.AddCode(actor, r.arg, r.details)
		return res, err
	case opRename:
		return s.RenameCode(actor, r.path, r.arg)
	case opUpdate:
		return s.UpdateCode(actor, r.path, r.details)
	case opMove:
		return s.MoveCode(actor, r.path, r.arg)
	case opMerge:
		res, err := s.MergeCode(actor, r.path, r.arg)
		if err == nil {
			res.Desc = fmt.Sprintf("%s (%s moved, %d combined)", res.Desc, plural(res.Moved, "coding", "codings"), res.Fused)
		}
		return res.ActionResult, err
	case opDelete:
		return s.DeleteCode(actor, r.path)
	}
	return coding.ActionResult{}, fmt.Errorf("unknown codebook change %d", r.op)
}
