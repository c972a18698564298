package agreement

// The general nominal forms, for any number of categories. Categories are
// numbered 0..k-1; Missing marks a coder who gave a unit no value.

// Missing is the category of a unit a coder did not rate.
const Missing = -1

// Counts turns reliability data — data[u][c] is coder c's category for unit
// u, or Missing — into per-unit category counts: out[u][j] is the number of
// coders who put unit u in category j. Categories ≥ k are ignored.
func Counts(data [][]int, k int) [][]int {
	out := make([][]int, len(data))
	for u, row := range data {
		out[u] = make([]int, k)
		for _, v := range row {
			if v >= 0 && v < k {
				out[u][v]++
			}
		}
	}
	return out
}

// PercentAgreement is 100 × the share of units on which every coder who
// rated the unit gave the same category, over units with at least two
// values (counts as made by Counts). Undefined when no unit has two values.
func PercentAgreement(counts [][]int) Value {
	units, agree := 0, 0
	for _, row := range counts {
		mu, top := 0, 0
		for _, n := range row {
			mu += n
			top = max(top, n)
		}
		if mu < 2 {
			continue
		}
		units++
		if top == mu {
			agree++
		}
	}
	if units == 0 {
		return Undefined
	}
	return Defined(100 * float64(agree) / float64(units))
}

// CohenKappa is Cohen's (1960) kappa from a k×k contingency table: table[i][j]
// counts the units the first coder put in category i and the second in j.
// Undefined for an empty table or when chance agreement is 1.
func CohenKappa(table [][]int) Value {
	k := len(table)
	rows, cols := make([]float64, k), make([]float64, k)
	var n, diag float64
	for i, row := range table {
		if len(row) != k {
			return Undefined
		}
		for j, c := range row {
			f := float64(c)
			n += f
			rows[i] += f
			cols[j] += f
			if i == j {
				diag += f
			}
		}
	}
	if n == 0 {
		return Undefined
	}
	var pe float64
	for i := range rows {
		pe += rows[i] * cols[i]
	}
	pe /= n * n
	po := diag / n
	if pe >= 1 {
		return Undefined
	}
	return Defined((po - pe) / (1 - pe))
}

// Contingency builds the k×k table of two coders' categories over the units
// both rated.
func Contingency(a, b []int, k int) [][]int {
	t := make([][]int, k)
	for i := range t {
		t[i] = make([]int, k)
	}
	for u := range min(len(a), len(b)) {
		if a[u] >= 0 && a[u] < k && b[u] >= 0 && b[u] < k {
			t[a[u]][b[u]]++
		}
	}
	return t
}

// FleissKappa is Fleiss' (1971) kappa from per-unit category counts. Every
// unit must have the same number m ≥ 2 of ratings (Fleiss' design: m raters
// per subject, not necessarily the same raters); otherwise, or when a single
// category is used throughout, it is undefined.
func FleissKappa(counts [][]int) Value {
	if len(counts) == 0 {
		return Undefined
	}
	k := len(counts[0])
	m := -1
	totals := make([]float64, k)
	var sumP float64
	for _, row := range counts {
		if len(row) != k {
			return Undefined
		}
		mu, sq := 0, 0
		for j, n := range row {
			mu += n
			sq += n * n
			totals[j] += float64(n)
		}
		if m == -1 {
			m = mu
		}
		if mu != m {
			return Undefined
		}
		if m >= 2 {
			sumP += float64(sq-mu) / float64(mu*(mu-1))
		}
	}
	if m < 2 {
		return Undefined
	}
	n := float64(len(counts))
	pBar := sumP / n
	var pe float64
	for _, t := range totals {
		p := t / (n * float64(m))
		pe += p * p
	}
	if pe >= 1 {
		return Undefined
	}
	return Defined((pBar - pe) / (1 - pe))
}

// KrippendorffAlpha is Krippendorff's alpha for nominal data from per-unit
// category counts; units may have different numbers of values (missing
// data), and units with fewer than two values are not pairable and drop
// out, as Krippendorff (2011) prescribes. α = 1 − (n − 1)·Σ_{c≠k} o_ck /
// Σ_{c≠k} n_c·n_k, with the coincidences o_ck = Σ_u n_uc·n_uk / (m_u − 1).
// Undefined when fewer than two pairable values exist or all pairable values
// are in one category.
func KrippendorffAlpha(counts [][]int) Value {
	var nc []float64
	var n, disagree float64
	for _, row := range counts {
		mu, sq := 0, 0
		for _, c := range row {
			mu += c
			sq += c * c
		}
		if mu < 2 {
			continue
		}
		if len(nc) < len(row) {
			nc = append(nc, make([]float64, len(row)-len(nc))...)
		}
		for j, c := range row {
			nc[j] += float64(c)
		}
		n += float64(mu)
		disagree += float64(mu*mu-sq) / float64(mu-1)
	}
	expected := n * n
	for _, c := range nc {
		expected -= c * c
	}
	if n < 2 || expected <= 0 {
		return Undefined
	}
	return Defined(1 - (n-1)*disagree/expected)
}
