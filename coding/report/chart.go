package report

import (
	"slices"

	"github.com/go-analyze/charts"
)

// Chart images are drawn with github.com/go-analyze/charts (MIT, pure Go,
// maintained): the same horizontal bar chart as a PNG for Word and as an
// SVG for HTML. The library escapes text in SVG, embeds its own font for
// PNG, and draws the same bytes for the same chart (golden tests).

// chartWidth and chartHeight size a chart: a bar each 36 pixels, a title
// and an axis.
const chartWidth = 720

func chartHeight(bars int) int { return 90 + 36*bars }

// renderChart draws c as "png" or "svg".
func renderChart(c *Chart, format string) ([]byte, error) {
	// The library draws horizontal bars from the bottom up; a report reads
	// them top down in codebook order.
	labels := slices.Clone(c.Labels)
	values := make([]float64, len(c.Values))
	top := 1
	for i, v := range c.Values {
		values[i] = float64(v)
		top = max(top, v)
	}
	slices.Reverse(labels)
	slices.Reverse(values)
	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.Title.Text = c.Title
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: labels}
	opt.ValueAxis = []charts.ValueAxisOption{{Min: charts.Ptr(0.0), Max: charts.Ptr(float64(top)), Unit: unitFor(top)}}
	opt.SeriesList[0].Label.Show = charts.Ptr(true)
	opt.Padding = charts.Box{Top: 16, Right: 40, Bottom: 16, Left: 16}
	out := charts.ChartOutputPNG
	if format == "svg" {
		out = charts.ChartOutputSVG
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: out, Width: chartWidth, Height: chartHeight(len(labels))})
	if err := p.BarChart(opt); err != nil {
		return nil, err
	}
	return p.Bytes()
}

// unitFor picks whole-number axis steps: counts are people.
func unitFor(top int) float64 {
	switch {
	case top <= 10:
		return 1
	case top <= 20:
		return 2
	case top <= 50:
		return 5
	}
	return 0 // the library's choice
}
