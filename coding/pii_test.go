package coding

import (
	"reflect"
	"strings"
	"testing"
)

func TestPIIScan(t *testing.T) {
	names := []string{"Jane Smith", "Siobhán O'Brien", "Will", "Hope Green", "R017", "P3", "Facilitator",
		"Team manager", "Al", "Dr Ahmed Khan", "Mary-Jane Ellis", "Learning lead", "Social worker"}
	p := NewPIIScanner(names)
	type hit struct{ kind, text string }
	cases := []struct {
		text string
		want []hit
	}{
		{"Email me at jane.smith@council.gov.uk please", []hit{{PIIEmail, "jane.smith@council.gov.uk"}}},
		{"write to j_o'neil+pq@example.co.uk.", []hit{{PIIEmail, "j_o'neil+pq@example.co.uk"}}},
		{"call 020 7946 0958 today", []hit{{PIIPhone, "020 7946 0958"}}},
		{"mobile 07700 900123", []hit{{PIIPhone, "07700 900123"}}},
		{"or 07700900123", []hit{{PIIPhone, "07700900123"}}},
		{"ring +44 20 7946 0958.", []hit{{PIIPhone, "+44 20 7946 0958"}}},
		{"ring +44 (0)20 7946 0958", []hit{{PIIPhone, "+44 (0)20 7946 0958"}}},
		{"US office +1 415 555 2671", []hit{{PIIPhone, "+1 415 555 2671"}}},
		{"Berlin +49 30 123456", []hit{{PIIPhone, "+49 30 123456"}}},
		{"(415) 555-2671 or 415.555.2671", []hit{{PIIPhone, "(415) 555-2671"}, {PIIPhone, "415.555.2671"}}},
		{"tel: 0161-496-0000, fax 0161 496 0001", []hit{{PIIPhone, "0161-496-0000"}, {PIIPhone, "0161 496 0001"}}},
		{"call 07700 900123 2019 intake", []hit{{PIIPhone, "07700 900123"}}},
		// Not phones: years, amounts, dates, short numbers, counts.
		{"Between 2010 and 2012 we had 3 cohorts of 15, costing £1,200 on 04/05/2019", nil},
		{"It took 0.5 days, 10 20 30 40 times; ref 12345678", nil},
		{"Q9 answers: 43 social workers and 10 PQ leads", nil},
		// Names: whole words, any case, parts of longer names.
		{"I spoke to jane smith and then Jane.", []hit{{PIIName, "jane smith"}, {PIIName, "Jane"}}},
		{"Smith's team was great", []hit{{PIIName, "Smith"}}},
		{"Siobhán O'Brien said", []hit{{PIIName, "Siobhán O'Brien"}}},
		{"O'Brien agreed", []hit{{PIIName, "Brien"}}},
		{"Ask Mary-Jane Ellis or Ellis", []hit{{PIIName, "Mary-Jane Ellis"}, {PIIName, "Ellis"}}},
		{"Dr Ahmed Khan and Khan", []hit{{PIIName, "Dr Ahmed Khan"}, {PIIName, "Khan"}}},
		{"Ahmed said", []hit{{PIIName, "Ahmed"}}},
		// Not names: inside other words, ids, roles, everyday words.
		{"Janet Smithson and smithy", nil},
		{"R017 and P3 said the facilitator and the team manager agreed", nil},
		// Speakers named by their role, in lower case, are descriptions.
		{"Post-qualifying learning for the social worker; Learning is key", nil},
		{"We will hope for green shoots; it will grow", nil},
		{"Will said so", []hit{{PIIName, "Will"}}},
		{"Hope Green came", []hit{{PIIName, "Hope Green"}}},
		{"Al and Alan", nil},
		// A name inside an e-mail address is reported as the address.
		{"jane@smith.org", []hit{{PIIEmail, "jane@smith.org"}}},
	}
	for _, c := range cases {
		var got []hit
		for _, m := range p.Scan(c.text) {
			got = append(got, hit{m.Kind, m.Text})
			if c.text[m.Start:m.End] != m.Text {
				t.Errorf("%q: offsets %d–%d do not give %q", c.text, m.Start, m.End, m.Text)
			}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Scan(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestPIIRedactRemovesEveryHit(t *testing.T) {
	p := NewPIIScanner([]string{"Jane Smith", "Priya Patel"})
	text := "Jane Smith (jane.smith@council.gov.uk, 020 7946 0958) told Priya; call +1 415 555 2671 or 07700 900123.\nPATEL agreed."
	found := p.Scan(text)
	if len(found) != 7 {
		t.Fatalf("found %d hits, want 7: %v", len(found), found)
	}
	red := Redact(text, found)
	for _, f := range found {
		if strings.Contains(red, f.Text) {
			t.Errorf("redacted text still holds %q: %s", f.Text, red)
		}
	}
	if again := p.Scan(red); len(again) != 0 {
		t.Errorf("redacted text still has hits %v: %s", again, red)
	}
	want := "[redacted] ([redacted], [redacted]) told [redacted]; call [redacted] or [redacted].\n[redacted] agreed."
	if red != want {
		t.Errorf("Redact:\n got %s\nwant %s", red, want)
	}
}

func TestPIINoNames(t *testing.T) {
	var p *PIIScanner
	if got := p.Scan("mail a@b.org"); len(got) != 1 {
		t.Errorf("nil scanner: %v", got)
	}
	if got := NewPIIScanner(nil).Scan("Jane Smith"); got != nil && len(got) != 0 {
		t.Errorf("no names: %v", got)
	}
}
