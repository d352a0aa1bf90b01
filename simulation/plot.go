package simulation

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot files: PlotKPIs holds the shares (coverage, rapid response
// within 2 h, travel share, utilisation by role) per scenario with their
// 95% intervals, PlotHours the hours (overtime, unmet hours by skill)
// likewise, and PlotCoverage each scenario's coverage day by day (the
// mean over the replications). WritePlots writes each as NAME.svg and
// NAME.png.
const (
	PlotKPIs     = "kpis"
	PlotHours    = "hours"
	PlotCoverage = "coverage"
)

// plotWidth and plotHeight are the size of every plot.
const (
	plotWidth  = 10 * vg.Inch
	plotHeight = 5 * vg.Inch
)

// WritePlots draws the plots of a run (sum is Summarise(res)) with
// gonum/plot and writes each, as SVG and PNG, to dir, which must exist.
// It returns the paths written, in order.
func WritePlots(dir string, res *Result, sum []Summary) ([]string, error) {
	plots := []struct {
		name string
		p    *plot.Plot
	}{
		{PlotKPIs, kpiBars(sum, "Shares by scenario (means with 95% intervals)", "%", 100, func(k string) bool {
			return k == Coverage || k == RapidResponseWithin2h || k == TravelShare || strings.HasPrefix(k, UtilisationPrefix)
		})},
		{PlotHours, kpiBars(sum, "Hours over the horizon by scenario (means with 95% intervals)", "hours", 1, func(k string) bool {
			return k == OvertimeHours || strings.HasPrefix(k, UnmetHoursPrefix)
		})},
		{PlotCoverage, dailyCoverage(res)},
	}
	var paths []string
	for _, pl := range plots {
		for _, ext := range []string{"svg", "png"} {
			path := filepath.Join(dir, pl.name+"."+ext)
			if err := save(pl.p, path, ext); err != nil {
				return paths, fmt.Errorf("plot %s: %w", path, err)
			}
			paths = append(paths, path)
		}
	}
	return paths, nil
}

// save writes p to path in format ext.
func save(p *plot.Plot, path, ext string) error {
	wt, err := p.WriterTo(plotWidth, plotHeight, ext)
	if err != nil {
		return err
	}
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := wt.WriteTo(fh); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// kpiBars draws the KPIs keep selects, with a mean other than 0 in some
// scenario, as groups of bars, one bar per scenario, each with its 95%
// interval, scaled by scale (100 for a share in percent).
func kpiBars(sum []Summary, title, unit string, scale float64, keep func(string) bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = unit
	p.Legend.Top = true
	var idx []int
	var names []string
	for k, e := range sum[0].Estimates {
		if !keep(e.KPI) {
			continue
		}
		for _, s := range sum {
			if s.Estimates[k].Value.Mean != 0 {
				idx = append(idx, k)
				names = append(names, label(e.KPI))
				break
			}
		}
	}
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 8
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	n := float64(len(sum))
	width := 0.8 / n
	top := 0.0
	for _, s := range sum {
		for _, k := range idx {
			top = max(top, s.Estimates[k].Value.High*scale, s.Estimates[k].Value.Mean*scale)
		}
	}
	// room above the tallest interval for the legend
	p.X.Min, p.X.Max = -0.5, float64(len(idx))-0.5
	p.Y.Min, p.Y.Max = 0, max(1, top*(1.1+0.06*n))
	for si, s := range sum {
		c := scenarioColor(si)
		var bars []plotter.XYs
		errs := intervals{}
		for i, k := range idx {
			iv := s.Estimates[k].Value
			x := float64(i) - 0.4 + width*(float64(si)+0.5)
			y := iv.Mean * scale
			bars = append(bars, plotter.XYs{{X: x - width/2, Y: 0}, {X: x - width/2, Y: y}, {X: x + width/2, Y: y}, {X: x + width/2, Y: 0}})
			errs = append(errs, interval{x: x, y: y, low: (iv.Mean - iv.Low) * scale, high: (iv.High - iv.Mean) * scale})
		}
		if len(bars) == 0 {
			continue
		}
		xys := make([]plotter.XYer, len(bars))
		for i := range bars {
			xys[i] = bars[i]
		}
		poly, err := plotter.NewPolygon(xys...)
		if err != nil {
			continue // a bar of NaN: nothing to draw
		}
		poly.Color = c
		poly.LineStyle.Width = 0
		p.Add(poly)
		p.Legend.Add(s.Scenario, poly)
		if eb, err := plotter.NewYErrorBars(errs); err == nil {
			eb.CapWidth = vg.Points(4)
			p.Add(eb)
		}
	}
	p.Add(plotter.NewGrid())
	return p
}

// interval is one bar's mean and the distances to its interval's ends.
type interval struct{ x, y, low, high float64 }

// intervals are the error bars of a row of bars (plotter.XYer and
// plotter.YErrorer).
type intervals []interval

func (e intervals) Len() int                        { return len(e) }
func (e intervals) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e intervals) YError(i int) (float64, float64) { return e[i].low, e[i].high }

// label is a KPI's name on a plot.
func label(kpi string) string {
	switch {
	case kpi == RapidResponseWithin2h:
		return "rapid response ≤ 2 h"
	case strings.HasPrefix(kpi, UtilisationPrefix):
		return "utilisation: " + strings.ReplaceAll(strings.TrimPrefix(kpi, UtilisationPrefix), "_", " ")
	case strings.HasPrefix(kpi, UnmetHoursPrefix):
		return "unmet: " + strings.ReplaceAll(strings.TrimPrefix(kpi, UnmetHoursPrefix), "_", " ")
	}
	return strings.ReplaceAll(kpi, "_", " ")
}

// dailyCoverage draws each scenario's coverage day by day: the visits
// made over those due less the cancelled, the mean over the
// replications.
func dailyCoverage(res *Result) *plot.Plot {
	p := plot.New()
	p.Title.Text = "Coverage day by day (mean over the replications)"
	p.X.Label.Text = fmt.Sprintf("day of the horizon (day 1 is %s)", res.Start)
	p.Y.Label.Text = "% of the visits due made"
	p.Legend.Left = true
	low := 100.0
	for si, sc := range res.Scenarios {
		xys := make(plotter.XYs, res.HorizonDays)
		for d := range xys {
			sum, n := 0.0, 0
			for _, rep := range sc.Replications {
				if d < len(rep.Days) {
					l := rep.Days[d].Ledger
					if due := l.Due - l.Cancelled; due > 0 {
						sum += float64(l.Made) / float64(due)
						n++
					}
				}
			}
			xys[d].X = float64(d + 1)
			if n > 0 {
				xys[d].Y = 100 * sum / float64(n)
			}
			low = min(low, xys[d].Y)
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			continue
		}
		c := scenarioColor(si)
		line.Color, points.Color = c, c
		line.Width = vg.Points(1.5)
		points.Shape = plotutil.Shape(si)
		p.Add(line, points)
		p.Legend.Add(sc.Name, line, points)
	}
	// room below the lowest day for the legend
	p.Y.Min, p.Y.Max = max(0, low-(100-low)*0.1*float64(1+len(res.Scenarios))), 100
	p.X.Min, p.X.Max = 0.5, float64(res.HorizonDays)+0.5
	p.Add(plotter.NewGrid())
	return p
}

// okabeIto is the Okabe-Ito palette, whose colours stay apart for
// readers with any common colour blindness (no red against green).
var okabeIto = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermilion
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// scenarioColor returns the colour of scenario i in every plot.
func scenarioColor(i int) color.RGBA { return okabeIto[i%len(okabeIto)] }
