package tui

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
	"qcode/coding/codingtest"
	"qcode/corpus"
)

// Benchmarks of the coding screen on the full project (1,000,000 segments,
// 5,000,000 codings, 8 coders), printed beside DESIGN.md's budgets. They run
// under `make bench`.

// benchDriver runs a Model the way the program does, timing only what a key
// press costs before its frame is drawn: Update and the render. Commands
// (the store's work) run afterwards, untimed, as they run in the background.
type benchDriver struct {
	m *Model
}

// newBenchDriver starts a screen whose timers never fire: the driver runs
// commands at once, and a timer's command would sleep.
func newBenchDriver(s *coding.Store) *benchDriver {
	m := New(s, Options{Coder: codingtest.Coder(0)})
	m.after = func(time.Duration, tea.Msg) tea.Cmd { return nil }
	return &benchDriver{m}
}

func (d *benchDriver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	default:
		_, next := d.m.Update(msg)
		d.run(next)
	}
}

// press times one key press to its rendered frame.
func (d *benchDriver) press(k tea.KeyPressMsg) (time.Duration, tea.Cmd) {
	start := time.Now()
	_, cmd := d.m.Update(k)
	_ = d.m.View()
	return time.Since(start), cmd
}

func openFull(b *testing.B, write bool) *coding.Store {
	path := codingtest.Project(b, codingtest.Full)
	if write {
		path = codingtest.CopyProject(b, path, b.TempDir())
	}
	s, err := coding.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkOpenToFirstFrame opens the project and draws the first full frame
// (segments, codebook with counts, status), while the suggester trains
// beside it: budget ≤ 300 ms.
func BenchmarkOpenToFirstFrame(b *testing.B) {
	path := codingtest.Project(b, codingtest.Full)
	var times []time.Duration
	for i := 0; i < max(5, b.N); i++ {
		start := time.Now()
		s, err := coding.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		d := newBenchDriver(s)
		// The program trains the suggester in a command of Init, beside the
		// first frame, which does not wait for it: the driver runs commands
		// one after another, so the training runs here in a goroutine of
		// its own, as bubbletea would run it, and the frame is timed
		// beside it, not after it.
		d.m.screen.sugg.off = true
		trained := make(chan error, 1)
		go func() {
			_, err := s.TrainSuggester(d.m.c.proj.who)
			trained <- err
		}()
		d.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		d.run(d.m.Init())
		_ = d.m.View()
		times = append(times, time.Since(start))
		if d.m.current() == nil {
			b.Fatal("first frame has no segment")
		}
		if err := <-trained; err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	codingtest.Budget(b, "open to first frame, 1,000,000 segments (median)", pct(times, 50), 300*time.Millisecond)
	b.Logf("open to first frame, worst of %d: %s", len(times), pct(times, 100))
}

// BenchmarkKeyToFrame presses j, a digit and / search: budget p99 ≤ 16 ms.
// Suggestions are on, as in the program: the suggester is trained by a
// command of Init (timed apart: the first frame does not wait for it), each
// j asks the new segment's suggestions in a command and each digit's saved
// action is learnt in one (run untimed, after the frame, as the program
// runs them in the background); what the key costs is drawing them, and
// the heap the model keeps. The same keys are first pressed with
// suggestions off, in the same process, to show what they add.
func BenchmarkKeyToFrame(b *testing.B) {
	s := openFull(b, true)
	off := newBenchDriver(s)
	off.m.screen.sugg.off = true
	off.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	off.run(off.m.Init())
	heapOff := liveHeap()
	offJ, offDigits, offSearch, _ := pressKeys(off)

	d := newBenchDriver(s)
	d.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	start := time.Now()
	d.run(d.m.Init())
	g := d.m.screen.sugg.g
	if g == nil {
		b.Fatal("the suggester was not trained")
	}
	b.Logf("open, with the suggester trained on %d codings of %s in its command: %s", g.Codings(), g.Coder(), time.Since(start).Round(time.Millisecond))
	b.Logf("live heap: %d MB with suggestions off, %d MB with the model of both screens' (the off screen's is gone)", heapOff>>20, liveHeap()>>20)
	js, digits, search, hinted := pressKeys(d)
	b.Logf("j: %d of %d segments showed suggestions (the others the coder had reviewed)", hinted, len(js))
	codingtest.Budget(b, "key j to frame, suggestions on (p99)", pct(js, 99), 16*time.Millisecond)
	codingtest.Budget(b, "digit (apply) to frame, suggestions on (p99)", pct(digits, 99), 16*time.Millisecond)
	codingtest.Budget(b, "/ search keys to frame, suggestions on (p99)", pct(search, 99), 16*time.Millisecond)
	b.Logf("medians: j %s, digit %s, search keys %s", pct(js, 50), pct(digits, 50), pct(search, 50))
	b.Logf("suggestions off, same keys first: p99 j %s, digit %s, search keys %s (medians %s, %s, %s)",
		pct(offJ, 99), pct(offDigits, 99), pct(offSearch, 99), pct(offJ, 50), pct(offDigits, 50), pct(offSearch, 50))

	benchDocument(b, s, d)
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// pressKeys presses j a thousand times, then a digit and j five hundred
// times, then fifty searches, and returns the times of j, the digits and
// the search keys, and how many j's segments showed suggestions.
func pressKeys(d *benchDriver) (js, digits, search []time.Duration, hinted int) {
	const n = 1000
	key := func(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }
	for i := 0; i < n; i++ {
		t, cmd := d.press(key('j'))
		js = append(js, t)
		d.run(cmd)
		if d.m.screen.list.cur.hint != "" {
			hinted++
		}
	}
	for i := 0; i < n/2; i++ {
		t, cmd := d.press(key('2'))
		digits = append(digits, t)
		d.run(cmd) // the durable write, in the background in the program
		_, cmd = d.press(key('j'))
		d.run(cmd)
	}
	for i := 0; i < 50; i++ {
		for _, k := range []tea.KeyPressMsg{key('/'), key('h'), key('o'), key('u'), key('r'), {Code: tea.KeyEnter}} {
			t, cmd := d.press(k)
			search = append(search, t)
			d.run(cmd) // the search itself runs in the background
		}
		t, cmd := d.press(key('n'))
		search = append(search, t)
		d.run(cmd)
	}
	return js, digits, search, hinted
}

// benchDocument adds a focus group of 10,000 turns to the project (the
// generated project has no transcript) and reads it in the document view:
// scrolling by line, by page and by turn must stay within the key budget,
// however long the source, because only the lines on screen are drawn.
func benchDocument(b *testing.B, s *coding.Store, d *benchDriver) {
	key := func(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }
	// A survey source of 100,000 answers, read whole when the view opens.
	if seg := d.m.current(); seg != nil {
		start := time.Now()
		_, cmd := d.m.Update(key('d'))
		d.run(cmd)
		_ = d.m.View()
		b.Logf("document view of %s (%d answers): open to first frame %s", seg.Source, len(d.m.stack[0].(*documentView).turns),
			time.Since(start).Round(time.Millisecond))
		_, cmd = d.m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
		d.run(cmd)
	}

	const turns = 10_000
	src, err := longTranscript(turns)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportSource("builder", src, coding.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportCodings("builder", "transcript.csv", transcriptCodings(s, src)); err != nil {
		b.Fatal(err)
	}
	d.run(d.m.load(0)) // the list with the transcript's turns, the last of all
	_, cmd := d.press(key('G'))
	d.run(cmd)
	if seg := d.m.current(); seg == nil || seg.Source != src.Name {
		b.Fatalf("the list should end with the transcript: %+v", seg)
	}

	// Open: the source read (in the background in the program) and the
	// first frame.
	start := time.Now()
	_, cmd = d.m.Update(key('d'))
	d.run(cmd)
	_ = d.m.View()
	open := time.Since(start)

	var scroll, byTurn, digits []time.Duration
	timed := func(out *[]time.Duration, k tea.KeyPressMsg, n int) {
		for range n {
			t, cmd := d.press(k)
			*out = append(*out, t)
			d.run(cmd)
		}
	}
	timed(&scroll, key('g'), 1)
	timed(&scroll, key('j'), 2000)
	timed(&scroll, tea.KeyPressMsg{Code: tea.KeyPgDown}, 500)
	timed(&scroll, key('k'), 1000)
	timed(&scroll, tea.KeyPressMsg{Code: tea.KeyPgUp}, 200)
	timed(&scroll, key('G'), 1)
	timed(&scroll, tea.KeyPressMsg{Code: tea.KeyPgUp}, 300)
	timed(&byTurn, key('J'), 1000)
	timed(&byTurn, key('K'), 500)
	for range 500 {
		timed(&digits, key('2'), 1)
		timed(&byTurn, key('J'), 1)
	}
	b.Logf("document view of %d turns: open to first frame %s (the read of the source: in the background)", turns, open.Round(time.Millisecond))
	codingtest.Budget(b, "document view, 10,000 turns: j k pgdn pgup g G to frame (p99)", pct(scroll, 99), 16*time.Millisecond)
	codingtest.Budget(b, "document view, 10,000 turns: J K (turn) to frame (p99)", pct(byTurn, 99), 16*time.Millisecond)
	codingtest.Budget(b, "document view, 10,000 turns: digit to frame (p99)", pct(digits, 99), 16*time.Millisecond)
	b.Logf("document view medians: scroll %s, turn %s, digit %s", pct(scroll, 50), pct(byTurn, 50), pct(digits, 50))
}

// longTranscript is a focus group of n participants' turns, as notes: a
// title and a preamble, a heading every 100 turns, the facilitator's
// prompt every 5, turns of one to six generated answers.
func longTranscript(n int) (*corpus.Source, error) {
	rng := rand.New(rand.NewPCG(12, 0))
	var b strings.Builder
	b.WriteString("# Focus group: newly qualified social workers\n\nNotes typed up after the sessions, twelve participants\n\n")
	for i := range n {
		if i%100 == 0 {
			fmt.Fprintf(&b, "## Topic %d\n\n", i/100+1)
		}
		if i%5 == 0 {
			b.WriteString("Facilitator: And what got in the way of your learning this year, if anything?\n\n")
		}
		fmt.Fprintf(&b, "P%d:", i%12+1)
		for range 1 + rng.IntN(6) {
			b.WriteString(" " + codingtest.Answer(rng) + ".")
		}
		b.WriteString("\n\n")
	}
	return corpus.Parse("focus-group-long.md", []byte(b.String()), corpus.Options{})
}

// transcriptCodings codes a third of the turns whole and a fifth in part,
// as the benchmark's coder: stripes and chips to draw.
func transcriptCodings(s *coding.Store, src *corpus.Source) io.Reader {
	var leaves []string
	book := s.Codebook()
	for _, c := range book.Codes() {
		if book.IsLeaf(c.ID) {
			leaves = append(leaves, c.Path)
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"segment", "code", "coder", "start", "end"})
	for i, seg := range src.Segments {
		if i%3 == 0 {
			w.Write([]string{seg.ID, leaves[i%len(leaves)], codingtest.Coder(0), "", ""})
		}
		if i%5 == 0 && utf8.RuneCountInString(seg.Text) > 40 {
			w.Write([]string{seg.ID, leaves[(i+7)%len(leaves)], codingtest.Coder(0), "10", "40"})
		}
	}
	w.Flush()
	return strings.NewReader(b.String())
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}
