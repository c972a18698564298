package tui

import (
	tea "charm.land/bubbletea/v2"
)

// TODO(lead): the report view (`r`) lands with issue 5's Store.Report.
type reportView struct{}

func newReportView(m *Model) overlay { return &reportView{} }

func (*reportView) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) { return true, nil }
func (*reportView) view(m *Model) string                                 { return m.st.Overlay.Render("report") }
