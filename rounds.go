// Package rounds is the domain of a community independence service: the
// workers who visit, the clients they visit, the visits to plan and the
// roster that plans them. It holds the one wire format shared by the CLI,
// the API and the fixtures, and the interfaces the adapters implement.
// It does no I/O.
package rounds

import (
	"context"
	"time"
)

// RapidResponseTarget is how soon a rapid-response referral must be seen.
const RapidResponseTarget = 2 * time.Hour

// ServiceHours are the hours visits happen in, 08:00-20:00.
var ServiceHours = Window{Start: At(8, 0), End: At(20, 0)}

// Planner turns a request into a roster.
type Planner interface {
	// Plan solves req within ctx. It returns an EINVALID *Error naming the
	// field and value if req is malformed or uses a rule the planner cannot
	// honour, and the best roster found so far if ctx is cancelled after a
	// first roster exists.
	Plan(ctx context.Context, req *Request) (*Roster, error)
}
