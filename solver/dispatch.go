package solver

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// Live is a published roster's live day at one time, made ready to
// answer referrals: the rest of the day (LiveState.Residual) built once
// as a Problem, its free rounds loaded, and the whole day as it stands
// costed. Build one per roster version and time with NewLive and ask it
// for options as often as needed; it is not modified by Options and is
// safe for concurrent use.
type Live struct {
	req    *rounds.Request
	roster *rounds.Roster
	state  *rounds.LiveState
	src    geo.Source
	p      *Problem
	b      *builder
	sol    *Solution
	// day is the whole day as it stands (LiveRoster of the free rounds).
	day *rounds.Roster
	// seen counts, per client and worker, the stops of day: the whole
	// day's continuity of care.
	seen map[string]map[string]int
	// home is the journey home and overtime cost of each worker who
	// makes nothing after their frozen stops, as day has them.
	home map[string]homeLeg
	// knows holds the client and worker pairs of the roster's stops.
	knows map[[2]string]bool
	// route indexes day.Routes by worker.
	route map[string]int
	// matrices holds *matrixBufs, the travel matrices grown problems reuse
	// once their call is over.
	matrices sync.Pool
}

// homeLeg is the journey home of a round whose worker makes nothing after
// their frozen stops: travel seconds and overtime cost.
type homeLeg struct {
	travel   int64
	overtime int64
}

// NewLive builds the live day of roster (planned for req) at state.At:
// the residual request's Problem, the free rounds on it and the whole day
// as it stands, costed as LiveRoster costs it. Free rounds that events
// have made impossible (a late finish, a worker gone) lose the visits
// that no longer fit, which the day as it stands (Day) leaves unassigned
// and every option with them. It returns the errors of Build and
// LiveRoster. It takes about a Build and a LiveRoster.
func NewLive(ctx context.Context, req *rounds.Request, roster *rounds.Roster, state *rounds.LiveState, src geo.Source) (*Live, error) {
	p, b, err := liveProblem(ctx, req, state, src)
	if err != nil {
		return nil, err
	}
	sol, err := p.fitted(p.freeRounds(state))
	if err != nil {
		return nil, err
	}
	s := newState(p)
	s.load(sol)
	s.snapshot(sol)
	rest, err := Roster(p, sol)
	if err != nil {
		return nil, err
	}
	day, err := liveMerge(ctx, req, roster, state, src, rest)
	if err != nil {
		return nil, err
	}
	l := &Live{req: req, roster: roster, state: state, src: src, p: p, b: b, sol: sol, day: day,
		seen: map[string]map[string]int{}, home: map[string]homeLeg{}, knows: map[[2]string]bool{}, route: map[string]int{}}
	for i, rt := range day.Routes {
		l.route[rt.WorkerID] = i
		for _, st := range rt.Stops {
			if l.seen[st.ClientID] == nil {
				l.seen[st.ClientID] = map[string]int{}
			}
			l.seen[st.ClientID][rt.WorkerID]++
		}
	}
	for _, rt := range roster.Routes {
		for _, st := range rt.Stops {
			l.knows[[2]string{st.ClientID, rt.WorkerID}] = true
		}
	}
	rate := req.Options.OvertimeCost()
	for i, lr := range state.Rounds {
		if len(lr.Frozen) == 0 || len(lr.Free) > 0 {
			continue
		}
		rt := &day.Routes[i]
		travel := rt.TravelSeconds
		for _, f := range lr.Frozen {
			travel -= f.TravelSeconds
		}
		l.home[lr.WorkerID] = homeLeg{travel: int64(travel), overtime: int64(rt.OvertimeSeconds) * rate / 60}
	}
	return l, nil
}

// Dispatch answers one referral on the live day of roster at state.At:
// NewLive, then Live.Options. A caller answering several referrals on one
// roster version and time keeps the Live instead: building it is most of
// the work (on the borough day about 50 ms against 2 ms per referral).
func Dispatch(ctx context.Context, req *rounds.Request, roster *rounds.Roster, state *rounds.LiveState, ref *rounds.Referral, src geo.Source) (*rounds.Dispatch, error) {
	l, err := NewLive(ctx, req, roster, state, src)
	if err != nil {
		return nil, err
	}
	return l.Options(ctx, ref)
}

// Day returns the whole day as it stands at the live time, costed as
// LiveRoster costs it. It must not be modified.
func (l *Live) Day() *rounds.Roster { return l.day }

// candidate is one way to place the referral: each half at a 1-based
// position of a vehicle's route (kb < 0 for a visit made by one worker),
// after a short chain if u >= 0: visit u comes off the referral's round
// first (pa is then a position of the round without it) and goes to
// position pu of vehicle ku's round (if w >= 0, once visit w comes off
// it and is dropped), or is dropped if ku < 0; for a double-handed
// referral, ub >= 0 is a visit dropped from the second half's round (pb
// is then a position of the round without it). bound is
// the change in the residual cost as the rounds alone judge it; cost the
// exact change in the whole day's cost once evaluated.
type candidate struct {
	ka, kb   int32
	pa, pb   int
	u, ku, w int32
	ub       int32
	pu       int
	bound    int64
	cost     int64
	start    int32
	feasible bool
}

// maxDispatchPairs, exactPerOption and exactPerWorker bound the work of
// one call of Options: the joint schedules tried for the halves of a
// double-handed referral, and the candidates applied and costed exactly
// per option asked for and per worker.
const (
	maxDispatchPairs = 4000
	exactPerOption   = 4
	exactPerWorker   = 2
)

// chainReach is how far, before the referral's window opens or after it
// closes, a visit may start and still be handed over or dropped to make
// room; chainSpan how many stops either side of it the referral may go.
const (
	chainReach = 90 * 60
	chainSpan  = 3
)

// Options answers a referral on the live day: the visit it makes (its
// window from the referral to the deadline, within the service hours)
// placed at every position of every round of a worker with a shift left
// who may make it (skills, declined workers, gender), or for a
// double-handed referral at every pair of positions on two rounds, in
// three stages. First each position is checked on its round alone in
// O(1) from the route's cached earliest and latest starts, breaks and
// working time (the search's insertion test), and the joint schedule of
// linked and double-handed visits is propagated from it (trialInsert);
// for a referral made by one worker, short chains make room as well: one
// not-yet-started visit of the chosen worker near the referral's window
// goes to another worker's round, or, if its priority is lower, is
// dropped (chains); when only a drop makes room, the visit handed over
// may in turn take the place of one of lower priority than the referral
// on the other round, which is dropped; and a double-handed referral no
// two rounds can take as they are may drop a visit of lower priority
// from one of its two rounds or from both (pairChains). Then the
// cheapest of those (exactPerWorker per worker, exactPerOption × k in
// all) are applied to the loaded rounds and costed exactly by the
// solver's objective; the best of each of the k best workers are
// written out with every visit whose start moves, by the same schedule
// LiveRoster uses (Problem.Schedule), so that accepting one (Accept)
// gives the roster the option describes. No option breaks a hard rule.
//
// The options are ranked by CostChange, the change in the whole day's
// cost under the team's options (travel, lateness, overtime, preference
// and network misses, continuity of care, balance), as validate.Score
// costs the roster Accept returns: the cheapest first, ties broken by
// the earlier start, then by worker. When no worker can make it by the
// deadline, the answer has no options but the visit's unassigned reason,
// its detail and suggestion (the smallest change to the request, as a
// roster's unassigned visits have), and the earliest start any worker
// could make and who, found the same way with the deadline lifted.
//
// It returns the EINVALID errors of Referral.WithReferral and of the
// request's Validate for the referral's visit and client, and one naming
// referral.at or referral.date if the referral gives another time or
// date than the live day's. It does not modify l.
func (l *Live) Options(ctx context.Context, ref *rounds.Referral) (*rounds.Dispatch, error) {
	req1, visit, err := l.withReferral(ref)
	if err != nil {
		return nil, err
	}
	out := &rounds.Dispatch{Date: l.state.Date, At: l.state.At, Visit: visit, Options: []rounds.DispatchOption{}}
	ev, err := l.evaluator(ctx, req1)
	if err != nil {
		return nil, err
	}
	defer ev.release()
	k := ref.Count()
	best := ev.best(k)
	for i, c := range best {
		o := ev.option(c)
		o.Rank = i + 1
		out.Options = append(out.Options, o)
	}
	if len(out.Options) > 0 {
		return out, nil
	}
	ex := newExplainer(ev.p, ev.sol)
	u := ex.explain(int(ev.va))
	out.Reasons, out.Detail, out.Suggestion = []string{u.Reason}, u.Detail, u.Suggestion
	open := *ref
	end := rounds.ServiceHours.End
	open.Deadline = &end
	open.ReferredAt = visit.ReferredAt
	reqOpen, _, err := open.WithReferral(l.req, l.state.Date, l.state.At)
	if err != nil {
		return nil, err
	}
	late, err := l.evaluator(ctx, reqOpen)
	if err != nil {
		return nil, err
	}
	defer late.release()
	if c, ok := late.earliest(); ok {
		t := rounds.Clock(c.start - int32(ev.offset()))
		out.EarliestStart, out.EarliestWorker = &t, ev.p.workerID(int(c.ka))
	}
	return out, nil
}

// withReferral returns the request with the referral's visit, checked
// as the request's Validate would check it.
func (l *Live) withReferral(ref *rounds.Referral) (*rounds.Request, rounds.Visit, error) {
	req1, visit, err := ref.WithReferral(l.req, l.state.Date, l.state.At)
	if err != nil {
		return nil, visit, err
	}
	if ref.At != nil && *ref.At != l.state.At {
		return nil, visit, rounds.Invalid("referral.at", *ref.At, "the live day is at %s", l.state.At)
	}
	if ref.Date != "" && ref.Date != l.state.Date {
		return nil, visit, rounds.Invalid("referral.date", ref.Date, "the live day is %s", l.state.Date)
	}
	// the request was valid: the new visit and client are checked with
	// every worker, as Validate checks them
	one := rounds.Request{Team: req1.Team, Workers: req1.Workers, Options: req1.Options,
		Visits: []rounds.Visit{visit}}
	ci := slices.IndexFunc(req1.Clients, func(c rounds.Client) bool { return c.ID == visit.ClientID })
	one.Clients = []rounds.Client{req1.Clients[ci]}
	if err := one.Validate(); err != nil {
		if e, ok := err.(*rounds.Error); ok {
			e.Field = strings.Replace(strings.Replace(e.Field, "visits[0]", "referral", 1), "clients[0]", "referral.client", 1)
		}
		return nil, visit, err
	}
	return req1, visit, nil
}

// evaluator holds one referral's residual problem, with the free rounds
// loaded: the referral's visit is problem visit va (and vb, its second
// half, or -1).
type evaluator struct {
	ctx     context.Context
	req     *rounds.Request // the live request with the referral
	l       *Live
	p       *Problem
	s       *state
	sol     *Solution // the free rounds on p
	va, vb  int32
	base    int64            // s.cost() with the free rounds
	cont    int64            // s.cn.cost with the free rounds
	score   map[string]int64 // score(p, sol)
	starts  []int32          // the schedule of the free rounds
	penalty int64            // the referral's penalties (both halves)
	client  string
	cands   []candidate
	lifts   []lift
	scratch Solution
	bufs    *matrixBufs
}

// evaluator builds the residual problem of req1, the live request with a
// referral's visit added, by growing l's (grow), and loads the free
// rounds on it.
func (l *Live) evaluator(ctx context.Context, req1 *rounds.Request) (*evaluator, error) {
	res := l.state.Residual(req1)
	bufs, _ := l.matrices.Get().(*matrixBufs)
	if bufs == nil {
		bufs = &matrixBufs{}
	}
	p, err := grow(ctx, l.p, l.b, res, l.src, bufs)
	if err != nil {
		l.matrices.Put(bufs)
		return nil, err
	}
	n := int32(l.b.meta.visits)
	ev := &evaluator{ctx: ctx, req: req1, l: l, p: p, va: n, vb: -1, bufs: bufs}
	if len(p.Visits) > len(l.p.Visits)+1 {
		ev.vb = int32(len(p.Visits) - 1)
	}
	ev.sol = &Solution{Routes: make([][]int, len(l.sol.Routes))}
	for k, r := range l.sol.Routes {
		rr := make([]int, len(r))
		for i, v := range r {
			if v >= int(n) {
				v++
			}
			rr[i] = v
		}
		ev.sol.Routes[k] = rr
	}
	ev.s = newState(p)
	ev.s.load(ev.sol)
	ev.s.snapshot(ev.sol)
	ev.base, ev.cont = ev.s.cost(), ev.s.cn.cost
	ev.score = score(p, ev.sol)
	if ev.starts, err = p.Schedule(ev.sol.Routes); err != nil {
		return nil, rounds.Errorf(rounds.EINTERNAL, "schedule the free rounds: %v", err)
	}
	ev.penalty = p.penalty[ev.va]
	if ev.vb >= 0 {
		ev.penalty += p.penalty[ev.vb]
	}
	ev.client = res.Visits[n].ClientID
	return ev, nil
}

// release gives the evaluator's travel matrices back for the next call;
// the evaluator is not used again.
func (ev *evaluator) release() { ev.l.matrices.Put(ev.bufs) }

// offset returns the time axis offset of the live date.
func (ev *evaluator) offset() int { return ev.p.meta.vehDay[0] * day }

// scan lists every position (or pair of positions) of the referral that
// its rounds alone allow, with the change in the residual cost the
// propagation of the joint schedule gives. O(K·m) positions for K
// rounds of m visits, each O(1) plus the propagation.
func (ev *evaluator) scan() {
	s, p := ev.s, ev.p
	ev.cands = ev.cands[:0]
	if ev.vb < 0 {
		v := ev.va
		for k := range s.routes {
			if !p.Allowed(int(v), k) || p.winOff[v] == p.winOff[v+1] {
				continue
			}
			r := &s.routes[k]
			for pos := r.firstFit(p.win[p.winOff[v]].Start + p.dur[v]); pos <= r.size(); pos++ {
				if r.es[pos]+r.du[pos] > p.lastEnd(v) {
					break
				}
				c, ok := r.insertCost(p, v, pos)
				if !ok {
					continue
				}
				c += s.contInsert(v, int32(k))
				if p.rich {
					late, ok := s.trialInsert(math.MaxInt64, slot{k: int32(k), v: v, at: pos})
					if !ok {
						continue
					}
					c += late
				}
				ev.cands = append(ev.cands, candidate{ka: int32(k), pa: pos + 1, kb: -1, u: -1, ku: -1, w: -1, ub: -1, bound: c})
			}
			ev.chains(int32(k), false)
		}
		// when only dropping one of the referral's round makes room, the
		// visit that comes off may displace one of lower priority instead:
		// the deepLifts cheapest such visits are tried
		if !slices.ContainsFunc(ev.cands, func(c candidate) bool { return c.u < 0 || c.ku >= 0 }) {
			ev.lifts = ev.lifts[:0]
			for k := range s.routes {
				if p.Allowed(int(v), k) && p.winOff[v] < p.winOff[v+1] {
					ev.chains(int32(k), true)
				}
			}
			slices.SortStableFunc(ev.lifts, func(a, b lift) int { return cmp.Compare(a.d, b.d) })
			for _, x := range ev.lifts[:min(len(ev.lifts), deepLifts)] {
				ev.displace(x.k, x.at, x.d, x.u)
			}
		}
		return
	}
	a, b := ev.va, ev.vb
	w := newScratch(p)
	w.candA = ev.allCands(w, w.candA[:0], a)
	w.candB = ev.allCands(w, w.candB[:0], b)
	sortCands(w.candA)
	sortCands(w.candB)
	l := &p.Links[p.pairLink(a)]
	trials := 0
pairs:
	for i := range w.candA {
		for j := range w.candB {
			ca, cb := &w.candA[i], &w.candB[j]
			if trials >= maxDispatchPairs {
				break pairs
			}
			if ca.k == cb.k || !gapFits(l, a, ca, cb) {
				continue
			}
			trials++
			late, ok := s.trialInsert(math.MaxInt64, slot{k: ca.k, v: a, at: ca.pos - 1}, slot{k: cb.k, v: b, at: cb.pos - 1})
			if !ok {
				continue
			}
			ev.cands = append(ev.cands, candidate{ka: ca.k, pa: ca.pos, kb: cb.k, pb: cb.pos, u: -1, ku: -1, w: -1, ub: -1,
				bound: ca.d + cb.d + late}) // d holds each half's continuity already
		}
	}
	if len(ev.cands) == 0 {
		ev.pairChains(l, w.candB)
	}
}

// pairPlaces is how many of the cheapest chain places of each half
// pairChains pairs up.
const pairPlaces = 30

// place is a chain place of one half of a double-handed referral: at
// position at of vehicle k's round once visit u comes off it and is
// dropped, for a change d in the round's cost and the penalty of u,
// starting between lo and hi as the round was (removing u only widens
// the range).
type place struct {
	k, u   int32
	at     int
	d      int64
	lo, hi int32
}

// pairChains lists, for a double-handed referral no two rounds can take
// as they are, the chains that drop a visit of lower priority near its
// window from one round or from both to make room for its halves: each
// half's chain places (places) paired with the other's, or with the
// other half's places on the rounds as they are (cands), where their
// time ranges can meet (gapFits, judged from the rounds as they were).
func (ev *evaluator) pairChains(l *Link, cands []pairCand) {
	a, b := ev.va, ev.vb
	pa, pb := ev.places(a), ev.places(b)
	for _, x := range pa {
		ha := pairCand{k: x.k, lo: x.lo, hi: x.hi}
		n := 0
		for i := range cands {
			cb := &cands[i]
			if cb.k == x.k || !gapFits(l, a, &ha, cb) {
				continue
			}
			ev.cands = append(ev.cands, candidate{ka: x.k, pa: x.at, kb: cb.k, pb: cb.pos, u: x.u, ku: -1, w: -1, ub: -1, bound: x.d + cb.d})
			if n++; n == pairPartners {
				break
			}
		}
		for _, y := range pb {
			hb := pairCand{k: y.k, lo: y.lo, hi: y.hi}
			if y.k == x.k || !gapFits(l, a, &ha, &hb) {
				continue
			}
			ev.cands = append(ev.cands, candidate{ka: x.k, pa: x.at, kb: y.k, pb: y.at, u: x.u, ku: -1, w: -1, ub: y.u, bound: x.d + y.d})
		}
	}
}

// pairPartners is how many of the second half's places on the rounds as
// they are a chain place of the first half is paired with.
const pairPartners = 8

// places returns the pairPlaces cheapest chain places of half v: a visit
// of lower priority near its window comes off a round that may take v,
// and v goes within chainSpan stops of its place (room).
func (ev *evaluator) places(v int32) []place {
	s, p := ev.s, ev.p
	var out []place
	for k := range s.routes {
		if !p.Allowed(int(v), k) || p.winOff[v] == p.winOff[v+1] {
			continue
		}
		r := &s.routes[k]
		for j := 1; j <= r.size(); j++ {
			u := r.visits[j-1]
			if p.penalty[u] >= p.penalty[v] || p.pairOf[u] >= 0 || !ev.near(r, j, v) {
				continue
			}
			at, d, ok := ev.room(r, j, v)
			if !ok {
				continue
			}
			prev := at - 1 // the stop before v, on the round with u
			if prev >= j {
				prev++
			}
			next := prev + 1 // the stop after v
			if next == j {
				next++
			}
			lo, ok := p.earliestStart(v, r.es[prev]+r.du[prev]+p.travel(k, r.lc[prev], p.loc[v]))
			if !ok {
				continue
			}
			hi, ok := p.latestStart(v, r.ls[next]-p.travel(k, p.loc[v], r.lc[next])-p.dur[v])
			if ok && lo <= hi {
				out = append(out, place{k: int32(k), u: u, at: at, d: d + p.penalty[u], lo: lo, hi: hi})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y place) int { return cmp.Compare(x.d, y.d) })
	return out[:min(len(out), pairPlaces)]
}

// allCands appends the positions of v on every round that may take it
// (routeCands over all vehicles).
func (ev *evaluator) allCands(w *scratch, out []pairCand, v int32) []pairCand {
	w.stamp++
	for k := range ev.s.routes {
		out = ev.s.routeCands(w, out, v, int32(k))
	}
	return out
}

// chains lists the short chains that make room for the referral on
// vehicle k's round: each of its visits that starts within chainReach of
// the referral's window and is not half of a double-handed visit comes
// off, the referral goes within chainSpan stops of its place (room), and
// the visit either goes to its cheapest places on two other rounds that
// may take it (insertCost) or, if it has a lower priority than the
// referral, is dropped. With deep set, it lists the visits that may come
// off (lifts) instead, for displace. O(m·(span + K·m')) for a round of m
// visits and rounds of m'; O(m·span) with deep.
func (ev *evaluator) chains(k int32, deep bool) {
	s, p := ev.s, ev.p
	v := ev.va
	r := &s.routes[k]
	for j := 1; j <= r.size(); j++ {
		u := r.visits[j-1]
		if !ev.near(r, j, v) || p.pairOf[u] >= 0 {
			continue
		}
		at, d, ok := ev.room(r, j, v)
		if !ok {
			continue
		}
		if deep {
			ev.lifts = append(ev.lifts, lift{k: k, at: at, d: d, u: u})
			continue
		}
		if p.penalty[u] < p.penalty[v] {
			ev.cands = append(ev.cands, candidate{ka: k, pa: at, kb: -1, u: u, ku: -1, w: -1, ub: -1, bound: d + p.penalty[u]})
		}
		var to [2]candidate
		n := 0
		for k2 := range s.routes {
			if int32(k2) == k || !p.Allowed(int(u), k2) {
				continue
			}
			r2 := &s.routes[k2]
			for pos := r2.firstFit(p.win[p.winOff[u]].Start + p.dur[u]); pos <= r2.size(); pos++ {
				if r2.es[pos]+r2.du[pos] > p.lastEnd(u) {
					break
				}
				c, ok := r2.insertCost(p, u, pos)
				if !ok {
					continue
				}
				cand := candidate{ka: k, pa: at, kb: -1, u: u, ku: int32(k2), pu: pos + 1, w: -1, ub: -1, bound: d + c}
				switch {
				case n < 2:
					to[n] = cand
					n++
				case c < to[1].bound-d:
					to[1] = cand
				default:
					continue
				}
				if n == 2 && to[1].bound < to[0].bound {
					to[0], to[1] = to[1], to[0]
				}
			}
		}
		ev.cands = append(ev.cands, to[:n]...)
	}
}

// lift is a visit u that may come off vehicle k's round to make room
// for the referral at position at, for a change d in the round's cost.
type lift struct {
	k, u int32
	at   int
	d    int64
}

// deepLifts is how many of the cheapest lifts displace tries: each scans
// every round, O(K·m·span).
const deepLifts = 8

// displace lists the chains where visit u, taken off vehicle k's round
// to make room for the referral (at position at, for a change d in k's
// cost), takes the place of a visit w of lower priority than the
// referral on another round that may take u, and w is dropped.
func (ev *evaluator) displace(k int32, at int, d int64, u int32) {
	s, p := ev.s, ev.p
	for k2 := range s.routes {
		if int32(k2) == k || !p.Allowed(int(u), k2) {
			continue
		}
		r2 := &s.routes[k2]
		for j := 1; j <= r2.size(); j++ {
			w := r2.visits[j-1]
			if p.penalty[w] >= p.penalty[ev.va] || p.pairOf[w] >= 0 || !ev.near(r2, j, u) {
				continue
			}
			if pu, d2, ok := ev.room(r2, j, u); ok {
				ev.cands = append(ev.cands, candidate{ka: k, pa: at, kb: -1, u: u, ku: int32(k2), pu: pu, w: w, ub: -1,
					bound: d + d2 + p.penalty[w]})
			}
		}
	}
}

// near reports whether the visit at position j of r starts within
// chainReach of visit v's windows.
func (ev *evaluator) near(r *route, j int, v int32) bool {
	p := ev.p
	u := r.visits[j-1]
	return r.es[j]+p.dur[u] >= p.win[p.winOff[v]].Start-chainReach && r.es[j] <= p.lastEnd(v)+chainReach
}

// room returns where visit v goes, within chainSpan stops, on round r
// once the visit at position j comes off (a position of the round
// without it), and the change in the round's cost, judged on the round
// alone by Problem.chain; false if nowhere.
func (ev *evaluator) room(r *route, j int, v int32) (int, int64, bool) {
	p := ev.p
	m := r.size()
	var mid [chainSpan + 1]int32
	best, at := int64(math.MaxInt64), 0
	for i := max(0, j-chainSpan); i < j; i++ { // v after stop i, before j's place
		buf := append(append(mid[:0], v), r.visits[i:j-1]...)
		if c, ok := p.chain(r, i, buf, r, j+1); ok && c < best {
			best, at = c, i+1
		}
	}
	for q := j + 1; q <= min(m, j+chainSpan); q++ { // v after stop q, past j's place
		buf := append(append(mid[:0], r.visits[j:q]...), v)
		if c, ok := p.chain(r, j-1, buf, r, q+1); ok && c < best {
			best, at = c, q
		}
	}
	return at, best - r.cost, at > 0
}

// apply puts the candidate on the rounds in a journaled step of the
// state: its chain first, then the referral's halves. It reports whether
// the joint schedule holds; the caller rolls it back.
func (ev *evaluator) apply(c *candidate) bool {
	s := ev.s
	s.begin()
	if c.u >= 0 {
		s.detach(c.u)
		if c.w >= 0 {
			s.detach(c.w)
		}
		if c.ub >= 0 {
			s.detach(c.ub)
		}
		s.settle()
		if c.ku >= 0 {
			s.insert(c.u, c.ku, c.pu)
		}
	}
	s.insert(ev.va, c.ka, c.pa)
	if c.kb >= 0 {
		s.insert(ev.vb, c.kb, c.pb)
	}
	return !(ev.p.rich && s.broken)
}

// exact costs the candidate, applied: the change in the whole day's cost.
// The residual's objective misses three things the whole day has: the
// referral was not in the day (its penalty goes), a worker who made
// nothing after their frozen stops had a journey home (and perhaps
// overtime) that the round now replaces, and the client's frozen visits
// count for continuity of care. With a balance cost, whose fair shares
// the referral changes for every worker, the day is merged and costed
// whole instead.
func (ev *evaluator) exact(c *candidate) (int64, bool) {
	s := ev.s
	if ev.p.balance {
		day, err := ev.merged()
		if err != nil {
			return 0, false
		}
		return day.Totals.Cost - ev.l.day.Totals.Cost, true
	}
	travel, overtime, cont := ev.corrections(c)
	return s.cost() - ev.base + ev.penalty - travel - overtime + cont, true
}

// corrections returns, for candidate c applied to the state, what the
// residual cost misses of the whole day's: the journeys home (travel) and
// overtime of workers who made nothing after their frozen stops and now
// do, and the change in continuity cost over the whole day less the
// residual's.
func (ev *evaluator) corrections(c *candidate) (travel, overtime, cont int64) {
	s := ev.s
	for _, k := range []int32{c.ka, c.kb, c.ku} {
		if k >= 0 && s.routes[k].size() > 0 {
			if h, ok := ev.l.home[ev.p.workerID(int(k))]; ok {
				travel += h.travel
				overtime += h.overtime
			}
		}
	}
	return travel, overtime, ev.continuity(c) - (s.cn.cost - ev.cont)
}

// merged returns the whole day with the state's rounds (LiveRoster's
// merge and cost).
func (ev *evaluator) merged() (*rounds.Roster, error) {
	var sol Solution
	ev.s.snapshot(&sol)
	rest, err := Roster(ev.p, &sol)
	if err != nil {
		return nil, err
	}
	return liveMerge(ev.ctx, ev.req, ev.l.roster, ev.l.state, ev.l.src, rest)
}

// continuity returns the change in the whole day's continuity cost from
// the candidate: its worker (and partner) visit the referral's client,
// and a visit handed over or dropped (and one it displaces) changes who
// visits its client.
func (ev *evaluator) continuity(c *candidate) int64 {
	cost := ev.l.req.Options.ContinuityCost()
	if cost == 0 {
		return 0
	}
	type change struct {
		client, worker string
		n              int
	}
	var changes [6]change
	n := 0
	for _, k := range []int32{c.ka, c.kb} {
		if k >= 0 {
			changes[n] = change{ev.client, ev.p.workerID(int(k)), 1}
			n++
		}
	}
	if c.u >= 0 {
		cu := ev.p.meta.req.Clients[ev.p.Visits[c.u].Client-1].ID
		changes[n] = change{cu, ev.p.workerID(int(c.ka)), -1}
		n++
		if c.ku >= 0 {
			changes[n] = change{cu, ev.p.workerID(int(c.ku)), 1}
			n++
		}
		if c.w >= 0 {
			changes[n] = change{ev.p.meta.req.Clients[ev.p.Visits[c.w].Client-1].ID, ev.p.workerID(int(c.ku)), -1}
			n++
		}
	}
	if c.ub >= 0 {
		changes[n] = change{ev.p.meta.req.Clients[ev.p.Visits[c.ub].Client-1].ID, ev.p.workerID(int(c.kb)), -1}
		n++
	}
	var d int64
	done := map[string]bool{}
	for _, ch := range changes[:n] {
		if done[ch.client] {
			continue
		}
		done[ch.client] = true
		seen := ev.l.seen[ch.client]
		after := map[string]int{}
		for w, x := range seen {
			after[w] = x
		}
		for _, o := range changes[:n] {
			if o.client == ch.client {
				after[o.worker] += o.n
			}
		}
		distinct := 0
		for _, x := range after {
			if x > 0 {
				distinct++
			}
		}
		d += int64(max(distinct-1, 0) - max(len(seen)-1, 0))
	}
	return d * cost
}

// best returns the cheapest candidate of each of the k cheapest workers
// (or pairs), costed exactly, in rank order. Of the candidates the
// rounds alone judge cheapest, at most exactPerWorker per worker and
// exactPerOption × k in all are costed exactly.
func (ev *evaluator) best(k int) []candidate {
	ev.scan()
	slices.SortStableFunc(ev.cands, func(a, b candidate) int { return cmp.Compare(a.bound, b.bound) })
	type key struct{ ka, kb int32 }
	tried := map[key]int{}
	cands := ev.cands[:0]
	for _, c := range ev.cands {
		if len(cands) == exactPerOption*k {
			break
		}
		if kk := (key{c.ka, c.kb}); tried[kk] < exactPerWorker {
			tried[kk]++
			cands = append(cands, c)
		}
	}
	for i := range cands {
		c := &cands[i]
		c.feasible = ev.apply(c)
		if c.feasible {
			c.cost, c.feasible = ev.exact(c)
			c.start = ev.s.startOf(ev.va)
		}
		ev.s.rollback()
	}
	cands = slices.DeleteFunc(cands, func(c candidate) bool { return !c.feasible })
	slices.SortStableFunc(cands, func(a, b candidate) int {
		if a.cost != b.cost {
			return cmp.Compare(a.cost, b.cost)
		}
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		return cmp.Compare(a.ka, b.ka)
	})
	// one option per worker (and partner): their cheapest way
	seen := map[key]bool{}
	cands = slices.DeleteFunc(cands, func(c candidate) bool {
		kk := key{c.ka, c.kb}
		if seen[kk] {
			return true
		}
		seen[kk] = true
		return false
	})
	return cands[:min(len(cands), k)]
}

// earliest returns the candidate that starts the referral first, over
// every position the scan finds.
func (ev *evaluator) earliest() (candidate, bool) {
	ev.scan()
	var best candidate
	found := false
	for i := range ev.cands {
		c := &ev.cands[i]
		if ev.apply(c) {
			c.start = ev.s.startOf(ev.va)
			if !found || c.start < best.start {
				best, found = *c, true
			}
		}
		ev.s.rollback()
	}
	return best, found
}

// startOf returns the start of served visit v in the state's schedule:
// the propagated one in a rich problem, else its route's earliest start.
func (s *state) startOf(v int32) int32 {
	if s.p.rich {
		return s.start[v]
	}
	return s.routes[s.routeOf[v]].es[s.posOf[v]]
}

// option writes candidate c out: it is applied, the schedule of the new
// rounds worked out (Problem.Schedule, as Roster and so LiveRoster time
// them), and rolled back.
func (ev *evaluator) option(c candidate) rounds.DispatchOption {
	p, s, l := ev.p, ev.s, ev.l
	ev.apply(&c)
	sol := &ev.scratch
	s.snapshot(sol)
	travel, overtime, cont := ev.corrections(&c)
	s.rollback()
	starts, err := p.Schedule(sol.Routes)
	if err != nil {
		panic(fmt.Sprintf("solver: an applied dispatch option has no schedule: %v", err))
	}
	off := int32(ev.offset())
	meta := p.meta
	visit := &meta.req.Visits[ev.va]
	o := rounds.DispatchOption{WorkerID: p.workerID(int(c.ka)), Start: rounds.Clock(starts[ev.va] - off),
		Moved: []rounds.MovedVisit{}, Dropped: []rounds.DroppedVisit{}, CostChange: c.cost}
	if dl, ok := visit.LatestStart(); ok {
		o.SlackSeconds = int(dl - o.Start)
	}
	if c.pa > 1 {
		o.After = meta.req.Visits[sol.Routes[c.ka][c.pa-2]].ID
	}
	if c.kb >= 0 {
		o.PartnerID = p.workerID(int(c.kb))
	}
	client := &meta.req.Clients[p.Visits[ev.va].Client-1]
	for _, k := range []int32{c.ka, c.kb} {
		if k < 0 {
			continue
		}
		w := &meta.req.Workers[meta.vehWorker[k]]
		o.KnowsClient = o.KnowsClient || l.knows[[2]string{client.ID, w.ID}]
		o.CrossesNetwork = o.CrossesNetwork || client.Network != "" && w.Network != "" && client.Network != w.Network
	}
	// every other visit whose start changes, and the rounds that changed
	changed := map[int]bool{int(c.ka): true}
	if c.kb >= 0 {
		changed[int(c.kb)] = true
	}
	for k, r := range sol.Routes {
		for _, v := range r {
			if int32(v) == ev.va || int32(v) == ev.vb || starts[v] == ev.starts[v] {
				continue
			}
			changed[k] = true
			rv := &meta.req.Visits[v]
			st := rounds.Clock(starts[v] - off)
			o.Moved = append(o.Moved, rounds.MovedVisit{VisitID: rv.ID, WorkerID: p.workerID(k),
				OldStart: rounds.Clock(ev.starts[v] - off), NewStart: st, Late: rv.SoftEnd != nil && st > *rv.SoftEnd})
		}
	}
	slices.SortFunc(o.Moved, func(a, b rounds.MovedVisit) int { return cmp.Compare(a.OldStart, b.OldStart) })
	// the score, by key, of the whole day: the residual's change, with
	// the corrections exact names
	after := score(p, sol)
	o.ScoreChange = map[string]int64{}
	for key, x := range after {
		if d := x - ev.score[key]; d != 0 {
			o.ScoreChange[key] = d
		}
	}
	o.ScoreChange[rounds.UnassignedScoreKey(visit.Priority)] += ev.penalty
	o.ScoreChange[rounds.ScoreTravel] -= travel
	o.ScoreChange[rounds.ScoreOvertime] -= overtime
	if p.Continuity > 0 {
		o.ScoreChange[rounds.ScoreContinuity] += cont
	}
	if c.u >= 0 {
		rv := &meta.req.Visits[c.u]
		if c.ku >= 0 {
			o.Handover = &rounds.Handover{VisitID: rv.ID, FromWorkerID: o.WorkerID, ToWorkerID: p.workerID(int(c.ku))}
			changed[int(c.ku)] = true
			if c.w >= 0 {
				rw := &meta.req.Visits[c.w]
				o.Dropped = append(o.Dropped, rounds.DroppedVisit{VisitID: rw.ID, WorkerID: o.Handover.ToWorkerID, Priority: rw.Priority})
			}
		} else {
			o.Dropped = append(o.Dropped, rounds.DroppedVisit{VisitID: rv.ID, WorkerID: o.WorkerID, Priority: rv.Priority})
		}
	}
	if c.ub >= 0 {
		rv := &meta.req.Visits[c.ub]
		o.Dropped = append(o.Dropped, rounds.DroppedVisit{VisitID: rv.ID, WorkerID: o.PartnerID, Priority: rv.Priority})
	}
	maps := o.ScoreChange
	for key, d := range maps {
		if d == 0 {
			delete(maps, key)
		}
	}
	if p.balance {
		ev.apply(&c)
		day, err := ev.merged()
		s.rollback()
		if err == nil {
			clear(maps)
			for key, x := range day.Totals.Score {
				if d := x - l.day.Totals.Score[key]; d != 0 {
					maps[key] = d
				}
			}
		}
	}
	o.ExtraTravelSeconds = int(maps[rounds.ScoreTravel])
	for k := range changed {
		before := l.day.Routes[l.route[p.workerID(k)]].OvertimeSeconds
		o.ExtraOvertimeSeconds += p.route(k, sol.Routes[k], starts).OvertimeSeconds - before
	}
	o.Rounds = make([]rounds.LiveRoundOrder, len(sol.Routes))
	for k, r := range sol.Routes {
		ids := make([]string, len(r))
		for i, v := range r {
			ids[i] = meta.req.Visits[v].ID
		}
		o.Rounds[k] = rounds.LiveRoundOrder{WorkerID: p.workerID(k), VisitIDs: ids}
	}
	return o
}

// Accept applies a dispatch option of the referral: the whole day's
// roster whose free rounds are the option's (LiveRoster on the request
// with the referral's visit), and that request, which the roster is
// for. ref, state and the roster must be those the option was given for
// (Live.Options); the referral's visit is made at state.At as there. It
// returns the errors of Referral.WithReferral and LiveRoster (an
// EINFEASIBLE one if the rounds no longer fit, as when the option came
// from another state). Nothing is modified.
func Accept(ctx context.Context, req *rounds.Request, roster *rounds.Roster, state *rounds.LiveState, ref *rounds.Referral,
	option *rounds.DispatchOption, src geo.Source) (*rounds.Roster, *rounds.Request, error) {
	req1, _, err := ref.WithReferral(req, state.Date, state.At)
	if err != nil {
		return nil, nil, err
	}
	out, err := LiveRoster(ctx, req1, roster, state, src, LiveOrder(state.Date, option.Rounds))
	if err != nil {
		return nil, nil, err
	}
	return out, req1, nil
}

// LiveOrder returns the free rounds of a dispatch option (or a repair)
// as the rounds LiveRoster takes.
func LiveOrder(date rounds.Date, order []rounds.LiveRoundOrder) []Round {
	out := make([]Round, len(order))
	for i, r := range order {
		out[i] = Round{WorkerID: r.WorkerID, Date: date, VisitIDs: r.VisitIDs}
	}
	return out
}
