package api

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/roundsdev/rounds"
)

// metrics are the server's Prometheus collectors.
type metrics struct {
	requests *prometheus.HistogramVec
	solves   *prometheus.HistogramVec
	handler  echo.HandlerFunc
}

func newMetrics(reg *prometheus.Registry, st rounds.Store) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "rounds_http_request_duration_seconds", Help: "HTTP request latency by method, route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "status"}),
		solves: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "rounds_solve_duration_seconds", Help: "Solve latency by kind (sync for POST /v1/solve, job for plan jobs).",
			Buckets: []float64{.01, .05, .1, .5, 1, 2, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"kind"}),
	}
	depth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "rounds_job_queue_depth", Help: "Plan and simulation jobs queued or running.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := st.QueueDepth(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	for _, c := range []prometheus.Collector{m.requests, m.solves, depth} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m.handler = echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return m, nil
}

// timedPlanner observes each plan in the solve latency histogram.
type timedPlanner struct {
	p rounds.Planner
	m *metrics
}

// Plan plans and records how long it took.
func (t timedPlanner) Plan(ctx context.Context, req *rounds.Request) (*rounds.Roster, error) {
	defer t.observe(time.Now())
	return t.p.Plan(ctx, req)
}

// PlanProgress plans with progress if the planner reports it, and records
// how long it took.
func (t timedPlanner) PlanProgress(ctx context.Context, req *rounds.Request, progress func(rounds.Progress)) (*rounds.Roster, error) {
	defer t.observe(time.Now())
	if pp, ok := t.p.(rounds.ProgressPlanner); ok {
		return pp.PlanProgress(ctx, req, progress)
	}
	r, err := t.p.Plan(ctx, req)
	if err == nil {
		progress(rounds.Progress{BestCost: r.Totals.Cost, Assigned: r.Totals.Assigned, Unassigned: r.Totals.Unassigned})
	}
	return r, err
}

// Repair repairs if the planner can (see JobPlanner), and records how
// long it took.
func (t timedPlanner) Repair(ctx context.Context, req *rounds.Request, rj *rounds.RepairJob) (*rounds.Roster, *rounds.RepairReport, error) {
	rp, ok := t.p.(rounds.Repairer)
	if !ok {
		return nil, nil, rounds.Errorf(rounds.EINTERNAL, "the job runner's planner cannot repair a live day: give it api.JobPlanner")
	}
	defer t.observe(time.Now())
	return rp.Repair(ctx, req, rj)
}

func (t timedPlanner) observe(start time.Time) {
	t.m.solves.WithLabelValues("job").Observe(time.Since(start).Seconds())
}
