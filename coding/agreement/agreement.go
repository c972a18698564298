// Package agreement computes inter-coder agreement statistics: percent
// agreement, Cohen's kappa, Fleiss' kappa and Krippendorff's alpha (nominal).
//
// It is pure arithmetic on counts: it knows nothing of projects, codes or
// storage. Two entry points serve two needs:
//
//   - Binary holds the sufficient statistics of 0/1 ratings by a fixed set of
//     coders (how many units had exactly k coders say 1, and how many units
//     each coder said 1 to). Tally builds it from one bitset per coder, which
//     is how a project's codings are compared at a million units; Binary
//     values of several codes add up to the pooled (unit, code) statistics.
//   - CohenKappa, FleissKappa, KrippendorffAlpha and PercentAgreement take
//     general nominal data (any number of categories, missing values where
//     the method allows them), as the published worked examples use.
//
// A statistic that its definition leaves undefined (no variation, too few
// coders, no units) is reported as an undefined Value, never as NaN.
package agreement

import (
	"encoding/json"
	"math"
	"strconv"
)

// Value is a statistic that may be undefined, e.g. a kappa when every coder
// gave every unit the same value (chance agreement is then 1 and the ratio
// 0/0).
type Value struct {
	v  float64
	ok bool
}

// Undefined is the value of a statistic its definition does not cover.
var Undefined = Value{}

// Defined wraps a number; NaN and infinities become Undefined so that no
// caller ever prints or encodes them.
func Defined(v float64) Value {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Undefined
	}
	return Value{v: v, ok: true}
}

// Float returns the number and whether it is defined.
func (v Value) Float() (float64, bool) { return v.v, v.ok }

// OK tells whether the value is defined.
func (v Value) OK() bool { return v.ok }

// MarshalJSON writes the number, or null when undefined.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.ok {
		return []byte("null"), nil
	}
	return json.Marshal(v.v)
}

// UnmarshalJSON reads a number or null.
func (v *Value) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Undefined
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*v = Defined(f)
	return nil
}

// String formats the value with 3 decimals, or "–" when undefined.
func (v Value) String() string { return v.Format(3) }

// Format formats the value with prec decimals, or "–" when undefined.
func (v Value) Format(prec int) string {
	if !v.ok {
		return "–"
	}
	return strconv.FormatFloat(v.v, 'f', prec, 64)
}

// Metrics are the four statistics qcode reports for a code. The JSON names
// are DESIGN.md's `agree` contract.
type Metrics struct {
	PercentAgreement  Value `json:"percent_agreement"`
	CohenKappa        Value `json:"cohen_kappa"`
	FleissKappa       Value `json:"fleiss_kappa"`
	KrippendorffAlpha Value `json:"krippendorff_alpha"`
}

// Kappa is the kappa a table labels and colours: Cohen's for two coders,
// otherwise Fleiss'.
func (m Metrics) Kappa() Value {
	if m.CohenKappa.ok {
		return m.CohenKappa
	}
	return m.FleissKappa
}
