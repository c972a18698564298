package agreement

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// near checks a defined value against a published figure given to places
// decimals.
func near(t *testing.T, what string, got Value, want float64, places int) {
	t.Helper()
	v, ok := got.Float()
	if !ok {
		t.Fatalf("%s: undefined, want %.*f", what, places, want)
	}
	if math.Abs(v-want) > 0.5*math.Pow(10, -float64(places)) {
		t.Errorf("%s = %.6f, want %.*f", what, v, places, want)
	}
}

// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
// Annenberg School for Communication, University of Pennsylvania,
// Departmental Papers (ASC) 43. Section A, "Binary or dichotomous data, two
// observers, no missing data": Mary and Dave code ten units; α = 0.095.
var krippendorffA = [2][]int{
	{0, 1, 0, 0, 0, 0, 0, 0, 1, 0}, // Mary
	{1, 1, 1, 0, 0, 1, 0, 0, 0, 0}, // Dave
}

func TestKrippendorff2011BinaryTwoObservers(t *testing.T) {
	data := make([][]int, 10)
	for u := range data {
		data[u] = []int{krippendorffA[0][u], krippendorffA[1][u]}
	}
	near(t, "alpha (general form)", KrippendorffAlpha(Counts(data, 2)), 0.095, 3)

	// The same data through the bitset path the store uses.
	mask := NewBitset(10)
	coders := []Bitset{NewBitset(10), NewBitset(10)}
	for u := range 10 {
		mask.Set(u)
		for c := range 2 {
			if krippendorffA[c][u] == 1 {
				coders[c].Set(u)
			}
		}
	}
	b := Tally(mask, coders)
	near(t, "alpha (binary form)", b.KrippendorffAlpha(), 0.095, 3)
	// Six of ten units agree (units 2, 4, 5, 7, 8, 10).
	near(t, "percent agreement", b.PercentAgreement(), 60, 9)
}

// Krippendorff (2011), section C, "Nominal data, any number of observers,
// missing data": four observers, twelve units, values 1–5 with gaps;
// α = 0.743.
func TestKrippendorff2011NominalMissingData(t *testing.T) {
	const x = Missing
	obs := [4][12]int{
		{1, 2, 3, 3, 2, 1, 4, 1, 2, x, x, x}, // A
		{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, x, 3}, // B
		{x, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, x}, // C
		{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, x}, // D
	}
	data := make([][]int, 12)
	for u := range data {
		for c := range obs {
			data[u] = append(data[u], obs[c][u])
		}
	}
	near(t, "alpha", KrippendorffAlpha(Counts(data, 6)), 0.743, 3)
}

// Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
// Psychological Bulletin 76(5), 378–382. Table 1: 30 patients, each
// diagnosed by 6 psychiatrists into 5 categories (depression, personality
// disorder, schizophrenia, neurosis, other); the paper's κ = .430.
var fleiss1971 = [30][5]int{
	{0, 0, 0, 6, 0}, {0, 3, 0, 0, 3}, {0, 1, 4, 0, 1}, {0, 0, 0, 0, 6}, {0, 3, 0, 3, 0},
	{2, 0, 4, 0, 0}, {0, 0, 4, 0, 2}, {2, 0, 3, 1, 0}, {2, 0, 0, 4, 0}, {0, 0, 0, 0, 6},
	{1, 0, 0, 5, 0}, {1, 1, 0, 4, 0}, {0, 3, 3, 0, 0}, {1, 0, 0, 5, 0}, {0, 2, 0, 3, 1},
	{0, 0, 5, 0, 1}, {3, 0, 0, 1, 2}, {5, 1, 0, 0, 0}, {0, 2, 0, 4, 0}, {1, 0, 2, 0, 3},
	{0, 0, 0, 0, 6}, {0, 1, 0, 5, 0}, {0, 2, 0, 1, 3}, {2, 0, 0, 4, 0}, {1, 0, 0, 4, 1},
	{0, 5, 0, 1, 0}, {4, 0, 0, 0, 2}, {0, 2, 0, 4, 0}, {1, 0, 5, 0, 0}, {0, 0, 0, 0, 6},
}

func TestFleiss1971Table1(t *testing.T) {
	counts := make([][]int, len(fleiss1971))
	for i, row := range fleiss1971 {
		counts[i] = row[:]
	}
	near(t, "Fleiss kappa", FleissKappa(counts), 0.430, 3)
	// With every unit rated by m coders, alpha differs from Fleiss' kappa
	// only by the small-sample correction of the expected disagreement
	// (n(n−1) pairs instead of n²): 1 − α = (1 − κ)·(n − 1)/n, n = 30 × 6.
	k, _ := FleissKappa(counts).Float()
	a, _ := KrippendorffAlpha(counts).Float()
	if want := 1 - (1-k)*179/180; math.Abs(a-want) > 1e-12 {
		t.Errorf("alpha %.6f, want %.6f from kappa %.6f", a, want, k)
	}
}

// The worked example of Wikipedia's "Fleiss' kappa" article (10 subjects,
// 14 raters, 5 categories): κ = 0.210.
func TestFleissWikipediaExample(t *testing.T) {
	counts := [][]int{
		{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
		{7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
	}
	near(t, "Fleiss kappa", FleissKappa(counts), 0.210, 3)
}

// Cohen, J. (1960). A coefficient of agreement for nominal scales.
// Educational and Psychological Measurement 20(1), 37–46: the example of
// two judges sorting 200 units into three categories (Table 2b), with
// p_o = .70, p_c = .41 and κ = .492.
func TestCohen1960Example(t *testing.T) {
	table := [][]int{{88, 14, 18}, {10, 40, 10}, {2, 6, 12}}
	near(t, "Cohen kappa", CohenKappa(table), 0.492, 3)
}

// A binary textbook example: Smeeton, Spencer & Sprent, Applied
// Nonparametric Statistical Methods (5th ed.), Example 10.11 — two dentists
// judge whether 100 patients need treatment; both "needed" 40, A only 5, B
// only 25, neither 30; κ = 0.4175.
func TestCohenTextbookDentists(t *testing.T) {
	near(t, "Cohen kappa (table)", CohenKappa([][]int{{40, 5}, {25, 30}}), 0.4175, 4)

	mask, a, b := NewBitset(100), NewBitset(100), NewBitset(100)
	for u := range 100 {
		mask.Set(u)
		switch {
		case u < 40:
			a.Set(u)
			b.Set(u)
		case u < 45:
			a.Set(u)
		case u < 70:
			b.Set(u)
		}
	}
	bin := Tally(mask, []Bitset{a, b})
	near(t, "Cohen kappa (binary)", bin.CohenKappa(), 0.4175, 4)
	near(t, "percent agreement", bin.PercentAgreement(), 70, 9)
}

func TestUndefinedNeverNaN(t *testing.T) {
	all := func(b Binary) Metrics { return b.Metrics() }
	mask := NewBitset(5)
	for u := range 5 {
		mask.Set(u)
	}
	// Nobody applied the code: agreement is total but no kappa or alpha.
	m := all(Tally(mask, []Bitset{NewBitset(5), NewBitset(5)}))
	if v, _ := m.PercentAgreement.Float(); v != 100 {
		t.Errorf("percent %v", m.PercentAgreement)
	}
	for name, v := range map[string]Value{"cohen": m.CohenKappa, "fleiss": m.FleissKappa, "alpha": m.KrippendorffAlpha} {
		if v.OK() {
			t.Errorf("%s defined on no variation: %v", name, v)
		}
	}
	// Everyone applied it everywhere: the same.
	full := NewBitset(5)
	full.Or(mask)
	m = all(Tally(mask, []Bitset{full, full, full}))
	if m.FleissKappa.OK() || m.KrippendorffAlpha.OK() || m.CohenKappa.OK() {
		t.Errorf("defined on no variation: %+v", m)
	}
	// No units at all.
	m = all(Tally(NewBitset(5), []Bitset{full, full}))
	if m.PercentAgreement.OK() || m.CohenKappa.OK() {
		t.Errorf("defined without units: %+v", m)
	}
	// Three coders: Cohen is for two.
	one := NewBitset(5)
	one.Set(2)
	m = all(Tally(mask, []Bitset{one, nil, full}))
	if m.CohenKappa.OK() || !m.FleissKappa.OK() {
		t.Errorf("three coders: %+v", m)
	}
	// Opposite constant coders: Cohen is defined (p_e = 0) and 0... or
	// rather −0: p_o = 0 too.
	m = all(Tally(mask, []Bitset{full, nil}))
	if v, ok := m.CohenKappa.Float(); !ok || v != 0 {
		t.Errorf("opposite coders: kappa %v", m.CohenKappa)
	}
	b, _ := json.Marshal(Metrics{PercentAgreement: Defined(math.NaN()), CohenKappa: Defined(0.5)})
	if string(b) != `{"percent_agreement":null,"cohen_kappa":0.5,"fleiss_kappa":null,"krippendorff_alpha":null}` {
		t.Errorf("json %s", b)
	}
	for _, v := range []Value{FleissKappa(nil), KrippendorffAlpha(nil), CohenKappa(nil), PercentAgreement(nil),
		FleissKappa([][]int{{1, 1}, {2, 0}, {1}}), KrippendorffAlpha([][]int{{1, 0}, {0, 1}})} {
		if v.OK() {
			t.Errorf("defined on degenerate input: %v", v)
		}
	}
}

func TestLandisKoch(t *testing.T) {
	for _, c := range []struct {
		k    float64
		want string
	}{{-0.1, "poor"}, {0, "slight"}, {0.2, "slight"}, {0.21, "fair"}, {0.4, "fair"}, {0.5, "moderate"},
		{0.61, "substantial"}, {0.8, "substantial"}, {0.81, "almost perfect"}, {1, "almost perfect"}} {
		b, ok := LandisKoch(Defined(c.k))
		if !ok || b.String() != c.want {
			t.Errorf("LandisKoch(%v) = %v, want %s", c.k, b, c.want)
		}
	}
	if _, ok := LandisKoch(Undefined); ok {
		t.Error("undefined kappa has a band")
	}
}

// Brute force: the textbook definitions, written as directly as possible
// (explicit pairs of values, explicit loops), to check the fast forms on
// random data.

func bruteAgreement(data [][]int) Value {
	units, agree := 0, 0
	for _, row := range data {
		var vals []int
		for _, v := range row {
			if v != Missing {
				vals = append(vals, v)
			}
		}
		if len(vals) < 2 {
			continue
		}
		units++
		same := true
		for _, v := range vals {
			same = same && v == vals[0]
		}
		if same {
			agree++
		}
	}
	if units == 0 {
		return Undefined
	}
	return Defined(100 * float64(agree) / float64(units))
}

func bruteCohen(data [][]int, k int) Value {
	n := float64(len(data))
	if n == 0 {
		return Undefined
	}
	var po float64
	pa, pb := make([]float64, k), make([]float64, k)
	for _, row := range data {
		if row[0] == row[1] {
			po++
		}
		pa[row[0]]++
		pb[row[1]]++
	}
	po /= n
	var pe float64
	for c := range k {
		pe += pa[c] / n * pb[c] / n
	}
	if pe == 1 {
		return Undefined
	}
	return Defined((po - pe) / (1 - pe))
}

func bruteFleiss(data [][]int, k int) Value {
	n, m := len(data), len(data[0])
	var pBar float64
	pj := make([]float64, k)
	for _, row := range data {
		nij := make([]int, k)
		for _, v := range row {
			nij[v]++
		}
		var s float64
		for j := range k {
			s += float64(nij[j] * (nij[j] - 1))
			pj[j] += float64(nij[j])
		}
		pBar += s / float64(m*(m-1))
	}
	pBar /= float64(n)
	var pe float64
	for j := range k {
		p := pj[j] / float64(n*m)
		pe += p * p
	}
	if pe == 1 {
		return Undefined
	}
	return Defined((pBar - pe) / (1 - pe))
}

func bruteAlpha(data [][]int, k int) Value {
	o := make([][]float64, k)
	for i := range o {
		o[i] = make([]float64, k)
	}
	for _, row := range data {
		var vals []int
		for _, v := range row {
			if v != Missing {
				vals = append(vals, v)
			}
		}
		mu := len(vals)
		if mu < 2 {
			continue
		}
		for i := range vals {
			for j := range vals {
				if i != j {
					o[vals[i]][vals[j]] += 1 / float64(mu-1)
				}
			}
		}
	}
	nc := make([]float64, k)
	var n float64
	for c := range k {
		for d := range k {
			nc[c] += o[c][d]
		}
		n += nc[c]
	}
	var do, de float64
	for c := range k {
		for d := range k {
			if c != d {
				do += o[c][d]
				de += nc[c] * nc[d]
			}
		}
	}
	if n < 2 || de == 0 {
		return Undefined
	}
	do /= n
	de /= n * (n - 1)
	return Defined(1 - do/de)
}

func same(t *testing.T, what string, got, want Value) {
	t.Helper()
	g, gok := got.Float()
	w, wok := want.Float()
	if gok != wok || (gok && math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w))) {
		t.Fatalf("%s: got %v (%v), brute force %v (%v)", what, g, gok, w, wok)
	}
}

func TestBinaryMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		m := 2 + rng.IntN(9)
		units := 1 + rng.IntN(300)
		// Densities from "nobody codes" to "everybody codes", with some
		// coders constant, so that the degenerate cases come up.
		density := []float64{0, 0.01, 0.1, 0.5, 0.9, 1}[rng.IntN(6)]
		mask := NewBitset(units + 70)
		sets := make([]Bitset, m)
		for c := range sets {
			sets[c] = NewBitset(units + 70)
		}
		var data [][]int
		for u := range units + 70 {
			inUnits := u < units && rng.Float64() < 0.9
			if inUnits {
				mask.Set(u)
			}
			row := make([]int, m)
			for c := range m {
				d := density
				if c == 0 && trial%3 == 0 {
					d = rng.Float64()
				}
				if rng.Float64() < d {
					sets[c].Set(u) // coded outside the mask too: must not count
					row[c] = 1
				}
			}
			if inUnits {
				data = append(data, row)
			}
		}
		b := Tally(mask, sets)
		if got := b.Units(); got != int64(len(data)) {
			t.Fatalf("trial %d: %d units, want %d", trial, got, len(data))
		}
		if len(data) == 0 {
			continue
		}
		same(t, "percent", b.PercentAgreement(), bruteAgreement(data))
		same(t, "fleiss", b.FleissKappa(), bruteFleiss(data, 2))
		same(t, "alpha", b.KrippendorffAlpha(), bruteAlpha(data, 2))
		if m == 2 {
			same(t, "cohen", b.CohenKappa(), bruteCohen(data, 2))
		} else if b.CohenKappa().OK() {
			t.Fatalf("cohen defined for %d coders", m)
		}
		// The general forms agree with the binary one.
		counts := Counts(data, 2)
		same(t, "general percent", PercentAgreement(counts), b.PercentAgreement())
		same(t, "general fleiss", FleissKappa(counts), b.FleissKappa())
		same(t, "general alpha", KrippendorffAlpha(counts), b.KrippendorffAlpha())
	}
}

func TestPoolingAddsUnits(t *testing.T) {
	// Pooling two codes' statistics equals tallying their (unit, code)
	// pairs as units of one long variable.
	rng := rand.New(rand.NewPCG(3, 4))
	const units, m = 100, 3
	mask := NewBitset(units)
	longMask := NewBitset(2 * units)
	a, b := make([]Bitset, m), make([]Bitset, m)
	la := make([]Bitset, m)
	for c := range m {
		a[c], b[c], la[c] = NewBitset(units), NewBitset(units), NewBitset(2*units)
	}
	for u := range units {
		mask.Set(u)
		longMask.Set(u)
		longMask.Set(units + u)
		for c := range m {
			if rng.IntN(3) == 0 {
				a[c].Set(u)
				la[c].Set(u)
			}
			if rng.IntN(4) == 0 {
				b[c].Set(u)
				la[c].Set(units + u)
			}
		}
	}
	pooled := Tally(mask, a)
	pooled.Add(Tally(mask, b))
	want := Tally(longMask, la)
	same(t, "pooled fleiss", pooled.FleissKappa(), want.FleissKappa())
	same(t, "pooled alpha", pooled.KrippendorffAlpha(), want.KrippendorffAlpha())
	same(t, "pooled percent", pooled.PercentAgreement(), want.PercentAgreement())
}

func TestNominalMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		k := 2 + rng.IntN(4)
		m := 2 + rng.IntN(6)
		units := 1 + rng.IntN(60)
		skew := rng.IntN(3) // 0: uniform; 1: mostly one category; 2: a single category
		complete := make([][]int, units)
		missing := make([][]int, units)
		for u := range complete {
			complete[u] = make([]int, m)
			missing[u] = make([]int, m)
			for c := range m {
				v := rng.IntN(k)
				switch {
				case skew == 1 && rng.IntN(5) > 0:
					v = 0
				case skew == 2:
					v = 1
				}
				complete[u][c] = v
				missing[u][c] = v
				if rng.IntN(4) == 0 {
					missing[u][c] = Missing
				}
			}
		}
		counts := Counts(complete, k)
		same(t, "percent", PercentAgreement(counts), bruteAgreement(complete))
		same(t, "fleiss", FleissKappa(counts), bruteFleiss(complete, k))
		same(t, "alpha", KrippendorffAlpha(counts), bruteAlpha(complete, k))
		same(t, "alpha with missing data", KrippendorffAlpha(Counts(missing, k)), bruteAlpha(missing, k))
		same(t, "percent with missing data", PercentAgreement(Counts(missing, k)), bruteAgreement(missing))
		two := make([][]int, units)
		a, b := make([]int, units), make([]int, units)
		for u := range two {
			two[u] = complete[u][:2]
			a[u], b[u] = complete[u][0], complete[u][1]
		}
		same(t, "cohen", CohenKappa(Contingency(a, b, k)), bruteCohen(two, k))
	}
}
