package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// styles are built once per terminal background (light or dark), never per
// frame.
type styles struct {
	isDark bool

	App, Dim, Bold, Faint lipgloss.Style
	Title, Subtle         lipgloss.Style

	// Segment list.
	Row, RowCoded, RowID, Cursor lipgloss.Style
	Current                      lipgloss.Style // the box round the current segment
	CurrentFocused               lipgloss.Style
	AttrName, AttrValue          lipgloss.Style
	Match, SpanMark, Selection   lipgloss.Style

	// Codebook panel.
	Panel, PanelFocused lipgloss.Style
	Number, Count       lipgloss.Style
	CodeRow, CodeCursor lipgloss.Style
	Crumb               lipgloss.Style

	// Status line.
	Status, StatusErr, StatusOK, StatusKey lipgloss.Style

	// Views that take the body (report, agreement, editor, help) and
	// dialogs drawn over them (picker, chooser, filter, memo).
	Page, Overlay, OverlayTitle lipgloss.Style
	Item, ItemSelected          lipgloss.Style

	Help help.Styles

	accent, faint, errColor, okColor color.Color
}

func newStyles(isDark bool) styles {
	ld := lipgloss.LightDark(isDark)
	fg := ld(lipgloss.Color("#1f2328"), lipgloss.Color("#e6edf3"))
	dim := ld(lipgloss.Color("#6e7781"), lipgloss.Color("#8b949e"))
	faint := ld(lipgloss.Color("#d0d7de"), lipgloss.Color("#30363d"))
	accent := ld(lipgloss.Color("#0969da"), lipgloss.Color("#58a6ff"))
	sel := ld(lipgloss.Color("#ddf4ff"), lipgloss.Color("#1f2a3a"))
	errc := ld(lipgloss.Color("#cf222e"), lipgloss.Color("#ff7b72"))
	okc := ld(lipgloss.Color("#1a7f37"), lipgloss.Color("#3fb950"))
	match := ld(lipgloss.Color("#fff8c5"), lipgloss.Color("#bb8009"))

	s := styles{isDark: isDark, accent: accent, faint: faint, errColor: errc, okColor: okc}
	s.App = lipgloss.NewStyle().Foreground(fg)
	s.Dim = lipgloss.NewStyle().Foreground(dim)
	s.Faint = lipgloss.NewStyle().Foreground(faint)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Subtle = lipgloss.NewStyle().Foreground(dim).Italic(true)

	s.Row = lipgloss.NewStyle().Foreground(dim)
	s.RowCoded = lipgloss.NewStyle().Foreground(fg)
	s.RowID = lipgloss.NewStyle().Foreground(dim)
	s.Cursor = lipgloss.NewStyle().Foreground(accent).Bold(true)
	border := lipgloss.RoundedBorder()
	s.Current = lipgloss.NewStyle().Border(border).BorderForeground(faint).Padding(0, 1)
	s.CurrentFocused = s.Current.BorderForeground(accent)
	s.AttrName = lipgloss.NewStyle().Foreground(dim)
	s.AttrValue = lipgloss.NewStyle().Foreground(fg)
	s.Match = lipgloss.NewStyle().Background(match).Foreground(lipgloss.Color("#000000"))
	s.SpanMark = lipgloss.NewStyle().Underline(true)
	s.Selection = lipgloss.NewStyle().Reverse(true)

	s.Panel = lipgloss.NewStyle().Border(border).BorderForeground(faint).Padding(0, 1)
	s.PanelFocused = s.Panel.BorderForeground(accent)
	s.Number = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Count = lipgloss.NewStyle().Foreground(dim)
	s.CodeRow = lipgloss.NewStyle().Foreground(fg)
	s.CodeCursor = lipgloss.NewStyle().Background(sel).Foreground(fg)
	s.Crumb = lipgloss.NewStyle().Foreground(accent)

	s.Status = lipgloss.NewStyle().Foreground(dim)
	s.StatusErr = lipgloss.NewStyle().Foreground(errc).Bold(true)
	s.StatusOK = lipgloss.NewStyle().Foreground(okc)
	s.StatusKey = lipgloss.NewStyle().Foreground(fg).Bold(true)

	s.Overlay = lipgloss.NewStyle().Border(border).BorderForeground(accent).Padding(0, 1)
	s.Page = lipgloss.NewStyle().Border(border).BorderForeground(faint).Padding(0, 1)
	s.OverlayTitle = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Item = lipgloss.NewStyle().Foreground(fg)
	s.ItemSelected = lipgloss.NewStyle().Background(sel).Foreground(fg).Bold(true)

	s.Help = help.DefaultStyles(isDark)
	return s
}

// chip renders a code as a coloured label.
func (s styles) chip(label, hex string) string {
	bg := lipgloss.Color("#6e7781")
	if hex != "" {
		bg = lipgloss.Color(hex)
	}
	return lipgloss.NewStyle().Background(bg).Foreground(contrast(bg)).Padding(0, 1).Render(label)
}

// chipQueued renders a coding the store does not hold yet: the code's
// colour as text on no background, a chip not yet filled in.
func (s styles) chipQueued(label, hex string) string {
	fg := s.accent
	if hex != "" {
		fg = lipgloss.Color(hex)
	}
	return lipgloss.NewStyle().Foreground(fg).Padding(0, 1).Render(label)
}

// contrast picks black or white text for a background.
func contrast(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	lum := (299*r + 587*g + 114*b) / 1000
	if lum > 0x8000 {
		return lipgloss.Color("#000000")
	}
	return lipgloss.Color("#ffffff")
}
