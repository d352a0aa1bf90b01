package solver

import "fmt"

// Link couples the start times of two visits: when both are served,
// start(To) - start(From) lies in [MinGap, MaxGap]. A synchronisation is
// a link with MinGap = -tolerance and MaxGap = +tolerance.
type Link struct {
	From, To       int
	MinGap, MaxGap int32
	// Pair makes From and To the two halves of one job (a double-handed
	// visit, a double service): both are served or neither, by different
	// vehicles. A visit is in at most one pair.
	Pair bool
}

func checkLink(i int, l Link, visits int, paired []bool) error {
	f := fmt.Sprintf("links[%d]", i)
	switch {
	case l.From < 0 || l.From >= visits:
		return fmt.Errorf("%s.from = %d: no such visit", f, l.From)
	case l.To < 0 || l.To >= visits:
		return fmt.Errorf("%s.to = %d: no such visit", f, l.To)
	case l.From == l.To:
		return fmt.Errorf("%s.to = %d: a visit cannot be linked to itself", f, l.To)
	case l.MaxGap < l.MinGap:
		return fmt.Errorf("%s.maxGap = %d: below minGap %d", f, l.MaxGap, l.MinGap)
	}
	if l.Pair {
		for _, v := range [2]int{l.From, l.To} {
			if paired[v] {
				return fmt.Errorf("%s: visit %d is already in a pair", f, v)
			}
			paired[v] = true
		}
	}
	return nil
}

// freezeLinks fills the per-visit link lists and the pair partners, and
// decides whether the problem needs cross-route scheduling.
func (p *Problem) freezeLinks() {
	nv := len(p.Visits)
	p.pairOf = make([]int32, nv)
	for v := range p.pairOf {
		p.pairOf[v] = -1
	}
	count := make([]int32, nv+1)
	for _, l := range p.Links {
		count[l.From+1]++
		count[l.To+1]++
		if l.Pair {
			p.pairOf[l.From], p.pairOf[l.To] = int32(l.To), int32(l.From)
		}
	}
	for v := 0; v < nv; v++ {
		count[v+1] += count[v]
	}
	p.linkOff = count
	p.linkAt = make([]int32, 2*len(p.Links))
	fill := append([]int32(nil), count[:nv]...)
	for i, l := range p.Links {
		for _, v := range [2]int{l.From, l.To} {
			p.linkAt[fill[v]] = int32(i)
			fill[v]++
		}
	}
	p.soft = make([]int32, nv)
	p.lateCost = make([]int64, nv)
	p.rich = len(p.Links) > 0 || p.MaxLateness > 0
	for v, vis := range p.Visits {
		p.soft[v], p.lateCost[v] = vis.SoftEnd, vis.Lateness
		p.rich = p.rich || vis.Lateness > 0
	}
}

// links returns the indices of the links of visit v.
func (p *Problem) links(v int32) []int32 { return p.linkAt[p.linkOff[v]:p.linkOff[v+1]] }

// lateness returns how late a start s of v is past its soft end (0 if v
// has no soft end, that is no lateness cost).
func (p *Problem) lateness(v int32, s int32) int32 {
	if p.lateCost[v] == 0 || s <= p.soft[v] {
		return 0
	}
	return s - p.soft[v]
}
