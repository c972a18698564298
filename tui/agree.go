package tui

import (
	tea "charm.land/bubbletea/v2"
)

// TODO(lead): the agreement view (`a`) lands with issue 6's Store.Agreement.
type agreeView struct{}

func newAgreeView(m *Model) overlay { return &agreeView{} }

func (*agreeView) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) { return true, nil }
func (*agreeView) view(m *Model) string                                 { return m.st.Overlay.Render("agreement") }
