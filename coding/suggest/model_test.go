package suggest

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestStem(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"managers", "manager"}, {"studies", "study"}, {"developing", "develop"}, {"developed", "develop"},
		{"development", "develop"}, {"developments", "develop"}, {"career", "career"}, {"careers", "career"},
		{"classes", "class"}, {"class", "class"}, {"focus", "focus"}, {"analysis", "analysis"},
		{"studied", "study"}, {"hopped", "hop"}, {"called", "call"}, {"sing", "sing"}, {"red", "red"},
		{"only", "only"}, {"really", "real"}, {"bed", "bed"}, {"confidently", "confident"}, {"cut", "cut"},
	} {
		if got := stem(c.in); got != c.want {
			t.Errorf("stem(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFeatures(t *testing.T) {
	var keys, words []string
	for _, f := range Features("No backfill: I didn't get my study days! Studying at night.", "What got in the way?", "Interviewer's turn: the barriers") {
		keys = append(keys, f.Key)
		words = append(words, f.Word)
	}
	want := []string{"no", "backfill", "get", "study", "day", "study", "night", "q:what got in the way?", "p:interviewer", "p:turn", "p:barrier"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q\nwant %q", keys, want)
	}
	// "didn't" is a stop word once its apostrophe goes; "I" is too short.
	if words[3] != "study" || words[5] != "studying" || words[7] != "question: What got in the way?" || words[10] != "prompt: barriers" {
		t.Errorf("words %q", words)
	}
}

// TestModelByHand works naive Bayes through two one-word documents:
// A = "backfill time", B = "funding cut"; asking about "backfill".
//
// Vocabulary: backfill, time, fund, cut (4) + 1 for unseen → v = 5;
// alpha 0.5. For A: prior odds (1+1)/(1+1) → 0. P(backfill|A) =
// (1+0.5)/(2+2.5) = 1/3, P(backfill|not A) = (0+0.5)/(2+2.5) = 1/9:
// log-odds log 3, probability 3/4. For B the reverse: 1/4.
func TestModelByHand(t *testing.T) {
	m := New()
	m.Learn(Features("backfill time", "", ""), []Label{1})
	m.Learn(Features("funding cut", "", ""), []Label{2})
	got := m.Suggest(Features("backfill", "", ""), 0)
	if len(got) != 2 || got[0].Label != 1 || math.Abs(got[0].Score-0.75) > 1e-12 || math.Abs(got[1].Score-0.25) > 1e-12 {
		t.Fatalf("suggestions %+v", got)
	}
	if !reflect.DeepEqual(got[0].Because, []string{"backfill"}) || got[1].Because != nil {
		t.Errorf("because %q, %q", got[0].Because, got[1].Because)
	}
	// An unseen word says nothing: both back to even odds.
	even := m.Suggest(Features("holiday", "", ""), 0)
	if even[0].Score != 0.5 || even[1].Score != 0.5 || even[0].Label != 1 {
		t.Errorf("unseen word: %+v", even)
	}
}

// Forgetting a segment takes back exactly what learning it added, and
// the order of learning does not change a score.
func TestLearnForget(t *testing.T) {
	docs := []struct {
		text   string
		labels []Label
	}{
		{"no backfill and no time", []Label{1, 2}}, {"the budget was cut", []Label{3}},
		{"time for study", []Label{2}}, {"nothing", nil}, {"backfill never came", []Label{1}},
	}
	query := Features("no time for backfill", "", "")
	forward := New()
	for _, d := range docs {
		forward.Learn(Features(d.text, "", ""), d.labels)
	}
	backward := New()
	var last Doc
	for i := len(docs) - 1; i >= 0; i-- {
		last = backward.Learn(Features(docs[i].text, "", ""), docs[i].labels)
	}
	a, b := forward.Suggest(query, 0), backward.Suggest(query, 0)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("order of learning changed the suggestions:\n%+v\n%+v", a, b)
	}
	backward.Forget(last, docs[0].labels)
	backward.Learn(Features(docs[0].text, "", ""), docs[0].labels)
	if c := backward.Suggest(query, 0); !reflect.DeepEqual(a, c) {
		t.Errorf("forget then learn changed the suggestions:\n%+v\n%+v", a, c)
	}
	// A segment learnt and forgotten leaves no trace, its words included.
	extra := forward.Learn(Features("holiday allowance overtime", "", ""), []Label{4})
	forward.Forget(extra, []Label{4})
	if c := forward.Suggest(query, 0); !reflect.DeepEqual(a, c) {
		t.Errorf("learn then forget changed the suggestions:\n%+v\n%+v", a, c)
	}
	if strings.Join(a[0].Because, ",") == "" {
		t.Errorf("no because for the top code: %+v", a[0])
	}
}
