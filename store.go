package rounds

import (
	"context"
)

// Filter narrows and pages a list. Each collection documents the fields it
// honours; the others are ignored.
type Filter struct {
	// ClientID keeps the visits or episodes of one client.
	ClientID string
	// Episode keeps the visits of one episode.
	Episode string
	// From and To keep visits dated in [From, To], workers with a shift in
	// it and episodes that overlap it.
	From, To Date
	// Role keeps workers of one role.
	Role Role
	// Network keeps workers or clients of one network.
	Network string
	// Priority keeps visits of one priority.
	Priority Priority
	// Consent, if not nil, keeps the clients whose Consent is *Consent,
	// and the visits and episodes of those clients.
	Consent *bool
	// Offset skips that many records of the ordered list.
	Offset int
	// Limit caps the page; 0 means DefaultPageSize.
	Limit int
}

// Page sizes.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// PageLimit returns the filter's limit with the default applied.
func (f Filter) PageLimit() int {
	if f.Limit <= 0 {
		return DefaultPageSize
	}
	return min(f.Limit, MaxPageSize)
}

// Page is one page of a list ordered by id, and the size of the whole list.
type Page[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// Collection is the stored records of one kind (workers, clients, episodes,
// visits), each owned by a team and keyed by its ID within the team.
// Create, Update and Delete append an entry to the audit log in the same
// transaction, naming the key in the context (see NewContextWithKey).
type Collection[T any] interface {
	// Create stores a new record. It returns ECONFLICT if the team already
	// has a record with its ID or a record it refers to (a visit's client or
	// episode, an episode's client) does not exist, and ENOTFOUND if the
	// team does not exist.
	Create(ctx context.Context, team string, v *T) error
	// CreateAll stores new records in one transaction, each audited as by
	// Create: all of them, or none if any fails. Its errors are Create's;
	// ECONFLICT also if two of the records share an ID.
	CreateAll(ctx context.Context, team string, vs []T) error
	// Get returns one record; ENOTFOUND if there is none.
	Get(ctx context.Context, team, id string) (*T, error)
	// List returns a page of the team's records ordered by ID.
	List(ctx context.Context, team string, f Filter) (*Page[T], error)
	// Update replaces a record; ENOTFOUND if there is none, ECONFLICT if a
	// record it now refers to does not exist.
	Update(ctx context.Context, team string, v *T) error
	// Delete removes a record; ENOTFOUND if there is none, ECONFLICT if
	// other records (a client's visits or episodes; a worker's clients who
	// prefer or decline them, episodes they manage, visits pinned to them)
	// still refer to it. For a worker the error names those records.
	Delete(ctx context.Context, team, id string) error
}

// TeamStore keeps teams.
type TeamStore interface {
	// CreateTeam stores a new team and sets its CreatedAt; ECONFLICT if the
	// ID is taken.
	CreateTeam(ctx context.Context, t *Team) error
	// Team returns a team; ENOTFOUND if there is none.
	Team(ctx context.Context, id string) (*Team, error)
	// Teams returns a page of teams ordered by ID.
	Teams(ctx context.Context, f Filter) (*Page[Team], error)
	// UpdateTeam replaces a team's name and skills; ENOTFOUND if there is none.
	UpdateTeam(ctx context.Context, t *Team) error
	// DeleteTeam removes a team and everything it owns; ENOTFOUND if there
	// is none.
	DeleteTeam(ctx context.Context, id string) error
}

// RosterStore keeps roster versions.
type RosterStore interface {
	// CreateRoster stores version 1 of a new roster as a draft and sets
	// RosterID, Version, Status and CreatedAt. It returns ECONFLICT if a
	// roster already exists for v.JobID (a job's result is written once),
	// ENOTFOUND if the team does not exist.
	CreateRoster(ctx context.Context, v *RosterVersion) error
	// AddRosterVersion stores the next version of an existing roster as a
	// draft or, if v.Status is RosterPublished, as the published version,
	// superseding the one published before (a dispatcher's accepted
	// option), in one transaction. v.Version must be one more than the
	// latest version, else it returns ECONFLICT (someone else edited
	// first); ENOTFOUND if the roster does not exist.
	AddRosterVersion(ctx context.Context, v *RosterVersion) error
	// LiveVersion returns the latest version of a roster that has been
	// published: the version its live day follows (see EventStore). It
	// returns ENOTFOUND if there is no such roster, and an EINVALID error
	// naming "roster" if none of its versions is published.
	LiveVersion(ctx context.Context, team, rosterID string) (*RosterVersion, error)
	// LiveHead returns the number of the version LiveVersion would return
	// and how many events the roster holds, cheaply: enough to tell
	// whether a live day read before is still current. Its errors are
	// LiveVersion's.
	LiveHead(ctx context.Context, team, rosterID string) (version, events int, err error)
	// RosterVersion returns one version, or the latest if version is 0;
	// ENOTFOUND if there is none.
	RosterVersion(ctx context.Context, team, rosterID string, version int) (*RosterVersion, error)
	// Rosters returns a page of the team's rosters (their latest versions,
	// without Request and Roster), newest first; From and To keep rosters
	// that overlap the range.
	Rosters(ctx context.Context, team string, f Filter) (*Page[RosterVersion], error)
	// PublishRoster marks a version published and the version published
	// before it, if any, superseded. ENOTFOUND if there is no such version.
	PublishRoster(ctx context.Context, team, rosterID string, version int) (*RosterVersion, error)
}

// EventStore keeps the events of rosters' live days (see Event), in the
// order they were stored. Events belong to a roster, not to one version:
// they are checked against its live version.
type EventStore interface {
	// Events returns a roster's events, oldest first; ENOTFOUND if the
	// roster does not exist.
	Events(ctx context.Context, team, rosterID string) ([]Event, error)
	// AddEvents appends events to a roster's history in one transaction,
	// each audited (entity "event", id "ROSTER/EVENT"): all of them, or
	// none. seen is the number of events the caller read, and checked the
	// new ones after: if the roster holds more by now, it returns
	// ECONFLICT and stores nothing, so that a history is only ever
	// extended by events checked against all of it. It returns ECONFLICT
	// too if an event's ID is already stored, ENOTFOUND if the roster does
	// not exist.
	AddEvents(ctx context.Context, team, rosterID string, seen int, events []Event) error
}

// JobStore keeps solve and simulation jobs and queues them durably.
type JobStore interface {
	// SubmitJob stores a new job and queues it in one transaction; it sets
	// ID, State (JobQueued) and CreatedAt. ENOTFOUND if the team does not
	// exist.
	SubmitJob(ctx context.Context, j *Job) error
	// Job returns a job without its request; ENOTFOUND if there is none.
	// Job IDs are unique across teams: team "" finds the job in any team.
	Job(ctx context.Context, team, id string) (*Job, error)
	// CancelJob cancels a queued job at once and asks a running one to stop;
	// ENOTFOUND if there is none, ECONFLICT if it has already finished.
	CancelJob(ctx context.Context, team, id string) (*Job, error)
	// QueueDepth returns how many jobs are queued or running.
	QueueDepth(ctx context.Context) (int, error)
}

// KeyStore keeps API keys.
type KeyStore interface {
	// CreateKey stores a key and sets its CreatedAt; ECONFLICT if the ID is
	// taken.
	CreateKey(ctx context.Context, k *APIKey) error
	// Key returns a key with its hash; ENOTFOUND if there is none.
	Key(ctx context.Context, id string) (*APIKey, error)
	// Keys returns every key, without hashes, ordered by ID.
	Keys(ctx context.Context) ([]APIKey, error)
	// DeleteKey revokes a key; ENOTFOUND if there is none.
	DeleteKey(ctx context.Context, id string) error
}

// AuditStore reads the audit log; the other stores write it.
type AuditStore interface {
	// Audit returns a page of the entries in scope, newest first.
	Audit(ctx context.Context, scope AuditScope, f Filter) (*Page[AuditEntry], error)
}

// Store is everything the service keeps. Implementations are safe for
// concurrent use.
type Store interface {
	TeamStore
	RosterStore
	EventStore
	JobStore
	SimulationStore
	KeyStore
	AuditStore
	// Workers, Clients, Episodes and Visits return the team-owned records.
	Workers() Collection[Worker]
	Clients() Collection[Client]
	Episodes() Collection[Episode]
	Visits() Collection[Visit]
	// Import stores the workers, clients, episodes and visits of req in
	// team in one transaction, each audited as by Collection.Create: all
	// of them, or none if any fails. It returns ECONFLICT naming the field
	// of the first record whose ID the team already holds (as
	// "visits[3].id"), or that refers to a record neither req nor the team
	// holds; ENOTFOUND if the team does not exist. It does not check req
	// otherwise (see Request.CheckImport) and ignores its Team and Options.
	Import(ctx context.Context, team string, req *Request) error
	// Ping returns an error if the store cannot serve requests.
	Ping(ctx context.Context) error
}
