package tui

import (
	"sort"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"qcode/coding"
	"qcode/coding/codingtest"
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
// (segments, codebook with counts, status): budget ≤ 300 ms.
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
		d.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		d.run(d.m.Init())
		_ = d.m.View()
		times = append(times, time.Since(start))
		if d.m.current() == nil {
			b.Fatal("first frame has no segment")
		}
		s.Close()
	}
	codingtest.Budget(b, "open to first frame, 1,000,000 segments (median)", pct(times, 50), 300*time.Millisecond)
	b.Logf("open to first frame, worst of %d: %s", len(times), pct(times, 100))
}

// BenchmarkKeyToFrame presses j, a digit and / search: budget p99 ≤ 16 ms.
func BenchmarkKeyToFrame(b *testing.B) {
	s := openFull(b, true)
	d := newBenchDriver(s)
	d.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.run(d.m.Init())
	const n = 1000
	key := func(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

	var js []time.Duration
	for i := 0; i < n; i++ {
		t, cmd := d.press(key('j'))
		js = append(js, t)
		d.run(cmd)
	}
	var digits []time.Duration
	for i := 0; i < n/2; i++ {
		t, cmd := d.press(key('2'))
		digits = append(digits, t)
		d.run(cmd) // the durable write, in the background in the program
		t, cmd = d.press(key('j'))
		d.run(cmd)
		_ = t
	}
	var search []time.Duration
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
	codingtest.Budget(b, "key j to frame (p99)", pct(js, 99), 16*time.Millisecond)
	codingtest.Budget(b, "digit (apply) to frame (p99)", pct(digits, 99), 16*time.Millisecond)
	codingtest.Budget(b, "/ search keys to frame (p99)", pct(search, 99), 16*time.Millisecond)
	b.Logf("medians: j %s, digit %s, search keys %s", pct(js, 50), pct(digits, 50), pct(search, 50))
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}
