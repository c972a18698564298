package coding

import (
	"bytes"
	"testing"
)

func TestMarkdownEscaping(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text, fine.", "plain text, fine."},
		{"a *b* _c_ `d` [e](f) <g> h|i ~j~", `a \*b\* \_c\_ \` + "`" + `d\` + "`" + ` \[e\](f) \<g\> h\|i \~j\~`},
		{"AT&T &amp; & co", `AT&T \&amp; & co`},
		{"[name] and [email](x), [phone] [name 2]; [names] [redacted]", `[name] and \[email\](x), [phone] [name 2]; \[names\] \[redacted\]`},
	}
	for _, c := range cases {
		if got := mdEscape(c.in); got != c.want {
			t.Errorf("mdEscape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	lines := []struct{ in, want string }{
		{"# not a heading", `\# not a heading`},
		{"- not a list", `\- not a list`},
		{"1. not a list", `1\. not a list`},
		{"2019) also not", `2019\) also not`},
		{"2019 was a year", "2019 was a year"},
	}
	for _, c := range lines {
		if got := mdEscapeLine(c.in); got != c.want {
			t.Errorf("mdEscapeLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQuoteMarkdown(t *testing.T) {
	bank := QuoteBank{Groups: []QuoteGroup{
		{Theme: "Barriers", Path: "Barriers", Depth: 0, Quotes: []Quote{{Text: "All of it.", Attribution: "Social worker, survey"}}},
		{Theme: "Barriers", Path: "Barriers/Workload and time", Depth: 1, Quotes: []Quote{
			{Text: "# No time\n\n- at all", Attribution: ""},
			{Text: "Too much", Attribution: "PQ lead", Segment: "R9", Case: "P2"},
		}},
		{Theme: "Benefits", Path: "Benefits/For the practitioner/Confidence", Depth: 2, Quotes: []Quote{{Text: "More sure."}}},
	}}
	var b bytes.Buffer
	if err := WriteQuotesMarkdown(&b, bank, 2); err != nil {
		t.Fatal(err)
	}
	want := `## Barriers

> All of it.

(Social worker, survey)

### Workload and time

> \# No time
>
> \- at all

> Too much

(PQ lead) — segment R9, case P2

## Benefits

### For the practitioner › Confidence

> More sure.

`
	if got := b.String(); got != want {
		t.Errorf("quote Markdown:\n%s\nwant\n%s", got, want)
	}
}

func TestPassageText(t *testing.T) {
	text := "  Career progression and a pay rise  "
	for _, c := range []struct {
		span Span
		want string
	}{
		{Span{}, "Career progression and a pay rise"},
		{Span{2, 20}, "Career progression…"},
		{Span{25, 37}, "…a pay rise"},
		{Span{0, 37}, "Career progression and a pay rise"},
		{Span{9, 20}, "…progression…"},
		{Span{40, 50}, "Career progression and a pay rise"},
	} {
		if got := passageText(text, c.span); got != c.want {
			t.Errorf("passageText(%v) = %q, want %q", c.span, got, c.want)
		}
	}
	if got := passageText("Zoë said ünïcode", Span{4, 8}); got != "…said…" {
		t.Errorf("rune offsets: %q", got)
	}
}

func TestPercent(t *testing.T) {
	for p, want := range map[float64]string{0: "0%", 0.3: "<1%", 0.5: "1%", 12.5: "13%", 33.333: "33%", 100: "100%"} {
		if got := Percent(p); got != want {
			t.Errorf("Percent(%v) = %q, want %q", p, got, want)
		}
	}
}
