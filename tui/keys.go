package tui

import "charm.land/bubbles/v2/key"

// Every component declares its keys once, in a key map with their help
// text, and matches key presses against it (key.Matches): the footer and
// the ? screen are generated from the same maps, so help never drifts from
// behaviour. These are the keys the router itself answers.

// globalKeys work over every component.
type globalKeys struct {
	Interrupt key.Binding // ctrl+c: quit (a second one without the queue)
	Help      key.Binding // ?: the keys of what is on screen
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit (twice: without saving)")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
	}
}

// bind is a binding with its help.
func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// brief is a binding with a shorter description, for a footer.
func brief(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// digitKeys are 1–9 and 0 (the tenth).
var digitKeys = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"}

// digit is the number a digit key stands for (0 is 10), or 0.
func digit(s string) int {
	if len(s) != 1 || s[0] < '0' || s[0] > '9' {
		return 0
	}
	if s[0] == '0' {
		return 10
	}
	return int(s[0] - '0')
}
