package solver

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// grow returns the Problem that Build makes of req, a request equal to
// the one base was built from (by build, with builder bb) but for one
// more visit, the last of req's own visits, and perhaps one more client,
// the last: the same vehicles, the same visits at the same indices (the
// second halves of double-handed visits one further on, after the new
// visit) and the same travel times, so that a roster of its solutions is
// the roster Retime gives of req. It does not build again what it
// keeps: the vehicles, the converted visits and the travel matrices are
// base's; the new visit (and its second half) is converted as Build
// converts it, and a new location gets one row and one column of travel
// times (growMatrix, in bufs if not nil: the problem's matrices are then
// bufs' until their next use). The problem is lean: no neighbour lists and every
// vehicle a class of its own (it evaluates moves, it is not searched). req must have passed Validate; grow
// returns an EINTERNAL error if it is not base's request and one visit.
// O(V + K + L + N·modes) for V visits, K vehicles, L links and N
// locations, plus V·K/64 to freeze the problem.
func grow(ctx context.Context, base *Problem, bb *builder, req *rounds.Request, src geo.Source, bufs *matrixBufs) (*Problem, error) {
	n := bb.meta.visits
	if len(req.Visits) != n+1 || len(req.Workers) != len(bb.req.Workers) {
		return nil, rounds.Errorf(rounds.EINTERNAL, "grow: %d visits and %d workers, want %d and %d", len(req.Visits), len(req.Workers), n+1, len(bb.req.Workers))
	}
	hreq := halves(req)
	b := &builder{req: hreq, locIndex: maps.Clone(bb.locIndex), skillBit: maps.Clone(bb.skillBit),
		netIndex: maps.Clone(bb.netIndex), modes: bb.modes, meta: bb.meta}
	b.meta.req, b.meta.visits = hreq, n+1
	b.meta.points = slices.Clip(bb.meta.points)
	b.vehs = slices.Clone(base.Vehicles)
	total := len(hreq.Visits)
	second := total > len(base.Visits)+1 // the new visit is double-handed
	b.meta.reason = make([]string, 0, total)
	b.meta.detail = make([]string, 0, total)
	b.meta.reason = append(append(append(b.meta.reason, bb.meta.reason[:n]...), ""), bb.meta.reason[n:]...)
	b.meta.detail = append(append(append(b.meta.detail, bb.meta.detail[:n]...), ""), bb.meta.detail[n:]...)
	if second {
		b.meta.reason, b.meta.detail = append(b.meta.reason, ""), append(b.meta.detail, "")
	}
	ci := slices.IndexFunc(req.Clients, func(c rounds.Client) bool { return c.ID == req.Visits[n].ClientID })
	if ci < 0 {
		return nil, rounds.Errorf(rounds.EINTERNAL, "grow: visit %s names no client", req.Visits[n].ID)
	}
	b.viss = make([]Visit, 0, total)
	b.viss = append(b.viss, base.Visits[:n]...)
	vis, err := b.visit(n, ci)
	if err != nil {
		return nil, err
	}
	b.viss = append(b.viss, vis)
	b.viss = append(b.viss, base.Visits[n:]...)
	if second {
		half, err := b.visit(total-1, ci)
		if err != nil {
			return nil, err
		}
		b.viss = append(b.viss, half)
	}
	travel := base.Travel
	if len(b.meta.points) > len(bb.meta.points) {
		travel = make([]geo.Matrix, len(base.Travel))
		if bufs != nil && len(bufs.values) != len(base.Travel) {
			bufs.values, bufs.n = make([][]int32, len(base.Travel)), 0
		}
		for i, m := range base.Travel {
			if travel[i], err = growMatrix(ctx, src, m, b.meta.points, b.modes[i], bufs, i); err != nil {
				return nil, err
			}
		}
		if bufs != nil {
			bufs.n = len(b.meta.points)
		}
	}
	b.balance()
	// base's inputs were checked by NewProblem, and the new visit is
	// Build's: the problem is frozen unchecked
	p := &Problem{Travel: travel, Vehicles: b.vehs, Visits: b.viss, lean: true}
	WithLinks(b.links())(p)
	WithContinuity(hreq.Options.ContinuityCost())(p)
	p.freeze()
	p.meta = &b.meta
	return p, nil
}

// rowSource is a geo.Source that gives the times to and from one more
// point alone (geo.Haversine).
type rowSource interface {
	Row(ctx context.Context, points []geo.Point, p geo.Point, mode geo.Mode) (to, from []int32, err error)
}

// matrixBufs are the travel matrices of grown problems, one per profile,
// kept between calls: each holds the base problem's matrix grown by one
// location, of which a call rewrites only the last row and column.
type matrixBufs struct {
	values [][]int32
	n      int // the size they hold the base matrix at; 0 for none yet
}

// growMatrix returns m, the travel matrix of profile i over the first m.N
// of locs, grown to all of them. With one new location and a rowSource it
// writes into bufs (which then holds the result until the next call) and
// fetches one row and column, O(N), copying m only the first time; else
// it fetches the whole matrix again.
func growMatrix(ctx context.Context, src geo.Source, m geo.Matrix, locs []rounds.Location, mode geo.Mode, bufs *matrixBufs, i int) (geo.Matrix, error) {
	n := len(locs)
	points := make([]geo.Point, n)
	for j, l := range locs {
		points[j] = l.Point()
	}
	if rs, ok := src.(rowSource); ok && n == m.N+1 && bufs != nil {
		to, from, err := rs.Row(ctx, points[:m.N], points[m.N], mode)
		if err != nil {
			return geo.Matrix{}, fmt.Errorf("travel times for %s: %w", mode, err)
		}
		out := geo.Matrix{N: n, Values: bufs.values[i]}
		if bufs.n != n || len(out.Values) != n*n {
			out.Values = make([]int32, n*n)
			for r := range m.N {
				copy(out.Values[r*n:r*n+m.N], m.Values[r*m.N:(r+1)*m.N])
			}
			bufs.values[i] = out.Values
		}
		for r := range m.N {
			out.Values[r*n+m.N] = to[r]
		}
		copy(out.Values[m.N*n:m.N*n+m.N], from)
		out.Values[n*n-1] = 0
		return out, nil
	}
	out, err := src.Matrix(ctx, points, mode)
	if err != nil {
		return geo.Matrix{}, fmt.Errorf("travel matrix for %s: %w", mode, err)
	}
	if err := out.Check(n); err != nil {
		return geo.Matrix{}, fmt.Errorf("travel matrix for %s: %w", mode, err)
	}
	return out, nil
}
