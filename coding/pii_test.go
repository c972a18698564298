package coding

import (
	"reflect"
	"strings"
	"testing"
)

// TestPIIScan is the scanner's table: real-looking text for every class
// it must find, and for every class it must leave alone.
func TestPIIScan(t *testing.T) {
	names := []string{"Jane Smith", "Siobhán O'Brien", "Will", "Hope Green", "R017", "P3", "Facilitator",
		"Team manager", "Al", "Jo Baker", "Dr Ahmed Khan", "Mary-Jane Ellis", "Learning lead", "Social worker",
		"Zoë", "Zoe Price", "Jan", "June", "JB", "In"}
	p := NewPIIScanner(names)
	type hit struct{ kind, text string }
	cases := []struct {
		text string
		want []hit
	}{
		// E-mail addresses.
		{"Email me at jane.smith@council.gov.uk please", []hit{{PIIEmail, "jane.smith@council.gov.uk"}}},
		{"write to j_o'neil+pq@example.co.uk.", []hit{{PIIEmail, "j_o'neil+pq@example.co.uk"}}},
		{"jane@smith.org", []hit{{PIIEmail, "jane@smith.org"}}}, // a name inside an address is the address

		// Phones: UK, international, North American.
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
		// Written with non-breaking, narrow or thin spaces, or dashes.
		{"call 020\u00a07946\u00a00958 now", []hit{{PIIPhone, "020\u00a07946\u00a00958"}}},
		{"mobile 07700\u202f900\u202f123", []hit{{PIIPhone, "07700\u202f900\u202f123"}}},
		{"ring +44\u2009161\u2009496\u20090000", []hit{{PIIPhone, "+44\u2009161\u2009496\u20090000"}}},
		{"on 0161–496–0000 (en dashes)", []hit{{PIIPhone, "0161–496–0000"}}},
		{"on 0161‑496‑0000 (non-breaking hyphens)", []hit{{PIIPhone, "0161‑496‑0000"}}},
		{"on 020 7946 — 0958?", nil}, // a spaced dash is a pause, not a group separator
		// The international prefix written out, read whole.
		{"from abroad 0044 20 7946 0958", []hit{{PIIPhone, "0044 20 7946 0958"}}},
		{"from abroad 00 44 20 7946 0958", []hit{{PIIPhone, "00 44 20 7946 0958"}}},
		{"or 00441619460000.", []hit{{PIIPhone, "00441619460000"}}},
		// Extensions belong to the number.
		{"020 7946 0958 ext. 123 for the team", []hit{{PIIPhone, "020 7946 0958 ext. 123"}}},
		{"020 7946 0958, extension 4", []hit{{PIIPhone, "020 7946 0958, extension 4"}}},
		{"0161 496 0000 x123 or (415) 555-2671 x 42", []hit{{PIIPhone, "0161 496 0000 x123"}, {PIIPhone, "(415) 555-2671 x 42"}}},
		{"0161 496 0000 Ext 7, ask for Sam", []hit{{PIIPhone, "0161 496 0000 Ext 7"}}},
		// Irish numbers.
		{"Dublin office +353 1 234 5678", []hit{{PIIPhone, "+353 1 234 5678"}}},
		{"or 01 234 5678 from Ireland", []hit{{PIIPhone, "01 234 5678"}}},
		{"mobile 087 123 4567, Cork 021 123 4567", []hit{{PIIPhone, "087 123 4567"}, {PIIPhone, "021 123 4567"}}},
		{"from the UK 00 353 87 123 4567", []hit{{PIIPhone, "00 353 87 123 4567"}}},
		{"Galway 091-123456", []hit{{PIIPhone, "091-123456"}}},

		// Not phones: years, amounts, dates and times, counts, ISBNs, rooms.
		{"Between 2010 and 2012 we had 3 cohorts of 15, costing £1,200 on 04/05/2019", nil},
		{"It took 0.5 days, 10 20 30 40 times; ref 12345678", nil},
		{"Q9 answers: 43 social workers and 10 PQ leads", nil},
		{"scores were 0 10 20 30 40 50 across the cohort", nil},
		{"met on 03.04.2019 10.30 and again 2019-03-04 10:30:15", nil},
		{"session 04/05/2019 14:00, then 2019-05-04T09:30", nil},
		{"see ISBN 0-306-40615-2 and ISBN 978-0-306-40615-7", nil},
		{"ISBN: 0306406152; ISBN-10 0306406152", nil},
		{"teaching in room 0.12, Room 0123 4567 and rm 014", nil},
		{"Flat 0203 45678", nil},
		{"grades 05.5, 0.75 and 012", nil},

		// Names of cases: whole words, any case, parts of longer names.
		{"I spoke to jane smith and then Jane.", []hit{{PIIName, "jane smith"}, {PIIName, "Jane"}}},
		{"Smith's team was great", []hit{{PIIName, "Smith"}}},
		{"Siobhán O'Brien said", []hit{{PIIName, "Siobhán O'Brien"}}},
		{"O'Brien agreed", []hit{{PIIName, "Brien"}}},
		{"Ask Mary-Jane Ellis or Ellis", []hit{{PIIName, "Mary-Jane Ellis"}, {PIIName, "Ellis"}}},
		{"Dr Ahmed Khan and Khan", []hit{{PIIName, "Dr Ahmed Khan"}, {PIIName, "Khan"}}},
		{"Ahmed said", []hit{{PIIName, "Ahmed"}}},
		// Accent variants, both ways.
		{"Zoe said, and so did ZOË", []hit{{PIIName, "Zoe"}, {PIIName, "ZOË"}}},
		{"Siobhan OBrien and siobhan o'brien", []hit{{PIIName, "Siobhan"}, {PIIName, "siobhan o'brien"}}},
		{"Zoé Price came", []hit{{PIIName, "Zoé Price"}}},
		// Two-letter first names, as written.
		{"Al and Alan; Jo said so", []hit{{PIIName, "Al"}, {PIIName, "Jo"}}},
		// Surnames that are everyday words, after a title (with or without
		// a dot), whoever they are.
		{"Mrs Baker and Dr Wood helped", []hit{{PIIName, "Mrs Baker"}, {PIIName, "Dr Wood"}}},
		{"ask Mr. Green, Ms Young or Miss Hope", []hit{{PIIName, "Mr. Green"}, {PIIName, "Ms Young"}, {PIIName, "Miss Hope"}}},
		{"Prof Mary-Jane Okafor-Hill retired", []hit{{PIIName, "Prof Mary-Jane Okafor-Hill"}}},
		{"Dr Wood I think was right", []hit{{PIIName, "Dr Wood"}}},
		{"Will said so; Hope Green came", []hit{{PIIName, "Will"}, {PIIName, "Hope Green"}}},
		{"Jo Baker and Baker", []hit{{PIIName, "Jo Baker"}}},

		// Not names: inside other words, ids, roles, initials, everyday words.
		{"Janet Smithson and smithy", nil},
		{"R017 and P3 said the facilitator and the team manager agreed; JB too", nil},
		{"Post-qualifying learning for the social worker; Learning is key", nil},
		{"We will hope for green shoots; it will grow", nil},
		{"the baker in the wood, as Smith et al. show", []hit{{PIIName, "Smith"}}},
		{"In the end, al fresco", nil},
		{"I miss the team; Dr said no", nil},
		// Months: a case named Jan or June is not the month.
		{"Started in Jan 2020, ended 10 Jan, renewed Jan-2021 and since June", nil},
		{"by 3rd June, and every June", nil},
		{"Jan said the course was hard; June agreed", []hit{{PIIName, "Jan"}, {PIIName, "June"}}},
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
			t.Errorf("Scan(%q)\n got %v\nwant %v", c.text, got, c.want)
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
	want := "[name] ([email], [phone]) told [name]; call [phone] or [phone].\n[name] agreed."
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
