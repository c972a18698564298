package agreement

// Band is a Landis & Koch (1977) strength-of-agreement band for a kappa, as
// tables label and the TUI colours them.
type Band int

// The bands of Landis, J. R. & Koch, G. G. (1977), "The measurement of
// observer agreement for categorical data", Biometrics 33(1), p. 165.
const (
	Poor          Band = iota // κ < 0
	Slight                    // 0.00–0.20
	Fair                      // 0.21–0.40
	Moderate                  // 0.41–0.60
	Substantial               // 0.61–0.80
	AlmostPerfect             // 0.81–1.00
)

// Bands lists every band from Poor to AlmostPerfect, for legends.
var Bands = []Band{Poor, Slight, Fair, Moderate, Substantial, AlmostPerfect}

var bandNames = [...]string{"poor", "slight", "fair", "moderate", "substantial", "almost perfect"}

// String is the band's label, e.g. "substantial".
func (b Band) String() string {
	if b < 0 || int(b) >= len(bandNames) {
		return "?"
	}
	return bandNames[b]
}

// Range describes the band's kappa range, e.g. "0.61–0.80".
func (b Band) Range() string {
	return [...]string{"< 0", "0.00–0.20", "0.21–0.40", "0.41–0.60", "0.61–0.80", "0.81–1.00"}[b]
}

// LandisKoch returns the band of a kappa; ok is false when k is undefined.
// Boundaries belong to the lower band (0.20 is slight, 0.40 fair), as in
// Landis & Koch's table.
func LandisKoch(k Value) (b Band, ok bool) {
	v, ok := k.Float()
	if !ok {
		return 0, false
	}
	switch {
	case v < 0:
		return Poor, true
	case v <= 0.20:
		return Slight, true
	case v <= 0.40:
		return Fair, true
	case v <= 0.60:
		return Moderate, true
	case v <= 0.80:
		return Substantial, true
	default:
		return AlmostPerfect, true
	}
}
