package coding

import (
	"reflect"
	"strings"
	"testing"
)

// quoteTexts lists a bank as "code: text (attribution)" lines.
func quoteTexts(b QuoteBank) []string {
	var out []string
	for _, g := range b.Groups {
		for _, q := range g.Quotes {
			star := ""
			if q.Starred {
				star = "*"
			}
			out = append(out, g.Path+": "+star+q.Text+" ("+q.Attribution+")")
		}
	}
	return out
}

func TestQuotes(t *testing.T) {
	s := loadFixture(t).build(t)
	bank, err := s.Quotes(QuoteQuery{Code: "Barriers"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// The theme's own coding first (codebook order), then each code.
		"Barriers: No time: caseloads are too high and there was no backfill. (Social worker, Q2, survey)",
		// Two spans of S2: the starred one first.
		"Barriers/Workload and time: *…caseloads are too high… (Social worker, Q2, survey)",
		"Barriers/Workload and time: No time:… (Social worker, Q2, survey)",
		"Barriers/Workload and time: …workload… (Learning lead, interview)",
		"Barriers/Funding and budget cuts: *Funding was cut so I paid myself. (Q2, survey)",
		"Barriers/Funding and budget cuts: Budget cuts… (Learning lead, interview)",
		"Barriers/Release and backfill: No time: caseloads are too high and there was no backfill. (Social worker, Q2, survey)",
		"Barriers/Travel and distance: Travel to the university took three hours each way. (Senior practitioner, Q2, survey)",
		"Barriers/Manager support and supervision: My manager supported me… (Senior practitioner, Q1, survey)",
	}
	if got := quoteTexts(bank); !reflect.DeepEqual(got, want) {
		t.Errorf("quotes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Travel: bob and consensus coded the same whole segment: one quote
	// standing for both codings; no IDs without ShowIDs.
	for _, g := range bank.Groups {
		if g.Path == "Barriers/Travel and distance" {
			q := g.Quotes[0]
			if len(q.Codings) != 2 || q.Segment != "" || q.Case != "" || g.Theme != "Barriers" || g.Depth != 1 {
				t.Errorf("travel quote %+v in %+v", q, g)
			}
		}
	}

	// Per code, starred only, a coder, a source, IDs.
	bank, err = s.Quotes(QuoteQuery{Code: "Barriers", PerCode: 1, Coders: []string{"alice"}, Source: "survey", ShowIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"Barriers/Workload and time: *…caseloads are too high… (Social worker, Q2, survey)",
		"Barriers/Manager support and supervision: My manager supported me… (Senior practitioner, Q1, survey)",
	}
	if got := quoteTexts(bank); !reflect.DeepEqual(got, want) {
		t.Errorf("alice's survey quotes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if q := bank.Groups[0].Quotes[0]; q.Segment != "S2" || q.Case != "R1" {
		t.Errorf("ShowIDs: segment %q case %q", q.Segment, q.Case)
	}
	bank, err = s.Quotes(QuoteQuery{Starred: true, Attribution: "{role}, {authority}"})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"Motivations/Career progression: *I did the course for career progression and a pay rise. (Social worker, Authority A)",
		"Barriers/Workload and time: *…caseloads are too high… (Social worker, Authority A)",
		// No role or authority: the attribution falls back to the method.
		"Barriers/Funding and budget cuts: *Funding was cut so I paid myself. (Survey)",
		"Kirkpatrick/L1 Reaction: *We use happy sheets after every course. (Learning lead, Authority C)",
	}
	if got := quoteTexts(bank); !reflect.DeepEqual(got, want) {
		t.Errorf("starred quotes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := s.Quotes(QuoteQuery{PerCode: -1}); err == nil {
		t.Error("negative PerCode accepted")
	}
	if _, err := s.Quotes(QuoteQuery{Attribution: "{role"}); err == nil {
		t.Error("bad template accepted")
	}
}

// TestQuotesStarWalk checks that finding stars by walking the codings
// bucket (large projects) gives what per-coding lookups give.
func TestQuotesStarWalk(t *testing.T) {
	s := loadFixture(t).build(t)
	query := []QuoteQuery{{}, {PerCode: 1}, {Starred: true}, {Code: "Kirkpatrick", Coders: []string{"alice"}}}
	var lookups [][]string
	for _, q := range query {
		b, err := s.Quotes(q)
		if err != nil {
			t.Fatal(err)
		}
		lookups = append(lookups, quoteTexts(b))
	}
	rep, _ := s.Report(ReportQuery{Examples: true})
	old := starWalkThreshold
	starWalkThreshold = 0
	defer func() { starWalkThreshold = old }()
	for i, q := range query {
		b, err := s.Quotes(q)
		if err != nil {
			t.Fatal(err)
		}
		if got := quoteTexts(b); !reflect.DeepEqual(got, lookups[i]) {
			t.Errorf("%+v with a star walk:\n%s\nwith lookups:\n%s", q, strings.Join(got, "\n"), strings.Join(lookups[i], "\n"))
		}
	}
	walked, _ := s.Report(ReportQuery{Examples: true})
	if !reflect.DeepEqual(walked.Codes, rep.Codes) {
		t.Errorf("examples differ between a star walk and lookups")
	}
}

func TestQuotesPII(t *testing.T) {
	s := loadFixture(t).build(t)
	// I3 ("…call me on 07700 900123.") is coded only up to before the
	// number: the quote is the span, so there is nothing to report.
	bank, err := s.Quotes(QuoteQuery{Code: "Kirkpatrick/L4 Results"})
	if err != nil {
		t.Fatal(err)
	}
	if len(bank.Warnings) != 0 {
		t.Errorf("span without the number: %v", bank.Warnings)
	}
	// A name in the attribution is found too, and redacted there.
	for _, redact := range []bool{false, true} {
		bank, err = s.Quotes(QuoteQuery{Code: "Kirkpatrick/L1 Reaction", Attribution: "{role}, told by Jane Smith", Redact: redact})
		if err != nil {
			t.Fatal(err)
		}
		want := []PIIHit{
			{Segment: "S8", Code: "Kirkpatrick/L1 Reaction", Where: "attribution", Kind: PIIName, Text: "Jane Smith"},
			{Segment: "I1", Code: "Kirkpatrick/L1 Reaction", Where: "attribution", Kind: PIIName, Text: "Jane Smith"},
		}
		// I1 is starred, so it comes first.
		want[0], want[1] = want[1], want[0]
		if !reflect.DeepEqual(bank.Warnings, want) {
			t.Errorf("redact %v: warnings %+v, want %+v", redact, bank.Warnings, want)
		}
		got := bank.Groups[0].Quotes[0].Attribution
		if redact && got != "Learning lead, told by [name]" || !redact && got != "Learning lead, told by Jane Smith" {
			t.Errorf("redact %v: attribution %q", redact, got)
		}
	}
}
