package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"qcode/corpus/printable"
)

// progress draws a one-line bar on a terminal's stderr for work that takes
// more than a couple of seconds; quick work shows nothing.
type progress struct {
	w     io.Writer
	label string
	start time.Time

	mu          sync.Mutex
	done, total int
	shown       bool
	stop        chan struct{}
	stopped     chan struct{}
}

// progressDelay is how long work runs before the bar appears.
const progressDelay = 2 * time.Second

// startProgress starts a bar on w (nothing when w is not a terminal).
func startProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label, start: time.Now(), stop: make(chan struct{}), stopped: make(chan struct{})}
	if !isTerminal(w) {
		close(p.stopped)
		return p
	}
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer close(p.stopped)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			p.mu.Lock()
			if p.shown {
				fmt.Fprint(p.w, "\r\x1b[K")
			}
			p.mu.Unlock()
			return
		case <-tick.C:
			if time.Since(p.start) >= progressDelay {
				p.draw()
			}
		}
	}
}

// set records how far the work is (safe from any goroutine).
func (p *progress) set(label string, done, total int) {
	p.mu.Lock()
	p.label, p.done, p.total = label, done, total
	p.mu.Unlock()
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shown = true
	label := strings.Join(strings.Fields(printable.String(p.label)), " ") // a file name may hold anything
	const width = 30
	if p.total <= 0 {
		fmt.Fprintf(p.w, "\r\x1b[K%s… %s", label, time.Since(p.start).Round(time.Second))
		return
	}
	filled := width * p.done / p.total
	fmt.Fprintf(p.w, "\r\x1b[K%s [%s%s] %d/%d", label, strings.Repeat("█", filled), strings.Repeat("░", width-filled), p.done, p.total)
}

// end clears the bar.
func (p *progress) end() {
	select {
	case <-p.stopped:
	default:
		close(p.stop)
		<-p.stopped
	}
}
