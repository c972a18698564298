package agreement

import (
	"math/bits"
)

// Binary is everything the four statistics need from 0/1 ratings of N units
// by the same m coders (every coder rates every unit, as when "not coded"
// means 0): Hist[k] counts the units that exactly k coders said 1 to, and
// Ones[c] the units coder c said 1 to. Percent agreement, Fleiss' kappa and
// Krippendorff's alpha depend on Hist alone; Cohen's kappa also needs each
// coder's marginal, Ones.
//
// Binary values over the same coders add (Add), which pools units: the
// (unit, code) pairs of several codes.
type Binary struct {
	Hist []int64 // len m+1
	Ones []int64 // len m
}

// NewBinary returns empty statistics for m coders.
func NewBinary(m int) Binary {
	return Binary{Hist: make([]int64, m+1), Ones: make([]int64, m)}
}

// Coders is m, the number of coders.
func (b Binary) Coders() int { return len(b.Ones) }

// Units is N, the number of units.
func (b Binary) Units() int64 {
	var n int64
	for _, h := range b.Hist {
		n += h
	}
	return n
}

// Disagreements counts the units where the coders did not all give the same
// value.
func (b Binary) Disagreements() int64 {
	m := b.Coders()
	if m == 0 {
		return 0
	}
	return b.Units() - b.Hist[0] - b.Hist[m]
}

// Add pools o's units into b. Both must be for the same number of coders.
func (b *Binary) Add(o Binary) {
	if len(b.Hist) == 0 {
		*b = NewBinary(o.Coders())
	}
	if len(o.Hist) != len(b.Hist) {
		panic("agreement: Binary.Add with different numbers of coders")
	}
	for k, h := range o.Hist {
		b.Hist[k] += h
	}
	for c, n := range o.Ones {
		b.Ones[c] += n
	}
}

// Metrics computes all four statistics.
func (b Binary) Metrics() Metrics {
	return Metrics{
		PercentAgreement:  b.PercentAgreement(),
		CohenKappa:        b.CohenKappa(),
		FleissKappa:       b.FleissKappa(),
		KrippendorffAlpha: b.KrippendorffAlpha(),
	}
}

// PercentAgreement is 100 × the share of units on which all coders gave the
// same value. Undefined without units or with fewer than two coders.
func (b Binary) PercentAgreement() Value {
	n, m := b.Units(), b.Coders()
	if n == 0 || m < 2 {
		return Undefined
	}
	return Defined(100 * float64(b.Hist[0]+b.Hist[m]) / float64(n))
}

// CohenKappa is Cohen's (1960) kappa: (p_o − p_e) / (1 − p_e) with p_e from
// each coder's own marginals. Defined for exactly two coders; undefined when
// p_e = 1 (both coders gave every unit the same single value).
func (b Binary) CohenKappa() Value {
	n := b.Units()
	if b.Coders() != 2 || n == 0 {
		return Undefined
	}
	a1, b1 := b.Ones[0], b.Ones[1]
	if (a1 == 0 && b1 == 0) || (a1 == n && b1 == n) {
		return Undefined
	}
	// Work in counts (× n²) so that p_e = 1 is an exact test above and the
	// arithmetic stays in integers as long as it can.
	nn := float64(n) * float64(n)
	po := float64(b.Hist[0]+b.Hist[2]) * float64(n)
	pe := float64(a1)*float64(b1) + float64(n-a1)*float64(n-b1)
	return Defined((po - pe) / (nn - pe))
}

// FleissKappa is Fleiss' (1971) kappa for m coders rating every unit:
// (P̄ − P̄_e) / (1 − P̄_e), where P̄ is the mean share of agreeing coder
// pairs per unit and P̄_e = Σ_j p_j² from the pooled category shares.
// Undefined with fewer than two coders, no units, or a single category used
// throughout (P̄_e = 1).
func (b Binary) FleissKappa() Value {
	n, m := b.Units(), int64(b.Coders())
	if n == 0 || m < 2 {
		return Undefined
	}
	var ones, agreePairs int64
	for k, h := range b.Hist {
		k := int64(k)
		ones += k * h
		agreePairs += h * (k*(k-1) + (m-k)*(m-k-1))
	}
	total := n * m
	if ones == 0 || ones == total {
		return Undefined
	}
	pBar := float64(agreePairs) / (float64(n) * float64(m) * float64(m-1))
	p1 := float64(ones) / float64(total)
	pe := p1*p1 + (1-p1)*(1-p1)
	return Defined((pBar - pe) / (1 - pe))
}

// KrippendorffAlpha is Krippendorff's alpha for nominal data: 1 − D_o/D_e,
// computed from the coincidence matrix. With every coder rating every unit,
// o_01 = Σ_u n_u0·n_u1 / (m − 1) and α = 1 − (n − 1)·o_01 / (n_0·n_1), where
// n = N·m pairable values. Undefined with fewer than two coders, no units,
// or a single value used throughout (D_e = 0).
func (b Binary) KrippendorffAlpha() Value {
	units, m := b.Units(), int64(b.Coders())
	if units == 0 || m < 2 {
		return Undefined
	}
	var n1, mixed int64
	for k, h := range b.Hist {
		k := int64(k)
		n1 += k * h
		mixed += h * k * (m - k)
	}
	n := units * m
	n0 := n - n1
	if n0 == 0 || n1 == 0 {
		return Undefined
	}
	o01 := float64(mixed) / float64(m-1)
	return Defined(1 - float64(n-1)*o01/(float64(n0)*float64(n1)))
}

// Bitset is a set of unit numbers, one bit each.
type Bitset []uint64

// NewBitset returns an empty set for units 0..n-1.
func NewBitset(n int) Bitset { return make(Bitset, (n+63)/64) }

// Set adds unit u.
func (s Bitset) Set(u int) { s[u>>6] |= 1 << (uint(u) & 63) }

// Has tells whether unit u is in the set.
func (s Bitset) Has(u int) bool {
	w := u >> 6
	return w < len(s) && s[w]&(1<<(uint(u)&63)) != 0
}

// Count is the number of units in the set.
func (s Bitset) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Or adds every unit of o to s (o may be shorter).
func (s Bitset) Or(o Bitset) {
	for i, w := range o {
		s[i] |= w
	}
}

// And keeps in s only the units also in o.
func (s Bitset) And(o Bitset) {
	for i := range s {
		if i < len(o) {
			s[i] &= o[i]
		} else {
			s[i] = 0
		}
	}
}

// Tally counts, over the units in mask, how many of the coders' sets hold
// each unit: the Binary statistics of "coder c said 1 to unit u" ⇔
// coders[c].Has(u). A nil coder set is empty.
//
// It adds the coders' words into a bit-sliced counter (one machine word per
// bit of the count, 64 units at a time) and reads off each count k with a
// word-wide equality test, so a million units by eight coders cost about
// 16,000 words × a few dozen instructions rather than eight million bit
// tests.
func Tally(mask Bitset, coders []Bitset) Binary {
	m := len(coders)
	out := NewBinary(m)
	planes := bits.Len(uint(m)) // a count ≤ m fits in this many bits
	p := make([]uint64, planes)
	var total int64
	for w, mw := range mask {
		if mw == 0 {
			continue
		}
		total += int64(bits.OnesCount64(mw))
		var any uint64
		for c, set := range coders {
			if w >= len(set) {
				continue
			}
			x := set[w] & mw
			if x == 0 {
				continue
			}
			any |= x
			out.Ones[c] += int64(bits.OnesCount64(x))
		}
		if any == 0 {
			continue // every unit of the word has count 0
		}
		clear(p)
		for _, set := range coders {
			if w >= len(set) {
				continue
			}
			x := set[w] & mw
			// Ripple-carry add x into the planes.
			for j := 0; x != 0 && j < planes; j++ {
				carry := p[j] & x
				p[j] ^= x
				x = carry
			}
		}
		for k := 1; k <= m; k++ {
			eq := any
			for j := 0; j < planes; j++ {
				if k>>j&1 == 1 {
					eq &= p[j]
				} else {
					eq &^= p[j]
				}
			}
			out.Hist[k] += int64(bits.OnesCount64(eq))
		}
	}
	var coded int64
	for k := 1; k <= m; k++ {
		coded += out.Hist[k]
	}
	out.Hist[0] = total - coded
	return out
}
