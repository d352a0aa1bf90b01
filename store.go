package rounds

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Team is a care team: the unit that owns workers, clients, visits and
// rosters. Every stored record carries its team.
type Team struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Skills is the team's skill catalogue: when it is not empty, workers
	// and visits may only name skills it lists.
	Skills    []Skill   `json:"skills,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// Validate checks the team's id, name and skill catalogue.
func (t *Team) Validate() error {
	if err := ValidID("id", t.ID); err != nil {
		return err
	}
	if strings.TrimSpace(t.Name) == "" || len(t.Name) > 200 {
		return Invalid("name", t.Name, "a team name of 1 to 200 characters is required")
	}
	if len(t.Skills) > MaxSkills {
		return Invalid("skills", len(t.Skills), "a team may list at most %d skills", MaxSkills)
	}
	for i, s := range t.Skills {
		if err := ValidID(fmt.Sprintf("skills[%d]", i), string(s)); err != nil {
			return err
		}
	}
	return nil
}

// HasSkill reports whether s is in the team's catalogue, or the catalogue
// is empty.
func (t *Team) HasSkill(s Skill) bool {
	return len(t.Skills) == 0 || slices.Contains(t.Skills, s)
}

// ValidID checks an identifier: 1 to 64 letters, digits, '-', '_' or '.',
// but not "." or "..", which clients that normalise URLs cannot reach. It
// returns an EINVALID *Error naming field otherwise.
func ValidID(field, id string) error {
	if id == "" || len(id) > 64 {
		return Invalid(field, id, "an id of 1 to 64 characters is required")
	}
	if id == "." || id == ".." {
		return Invalid(field, id, "an id may not be . or .., which URLs cannot carry")
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return Invalid(field, id, "ids hold only letters, digits, '-', '_' and '.'")
		}
	}
	return nil
}

// Episode is a spell of care for one client: a rapid-response episode of
// up to 5 days or a reablement episode of up to 6 weeks.
type Episode struct {
	ID       string `json:"id"`
	ClientID string `json:"clientId"`
	// Pathway is RapidResponse or Reablement.
	Pathway Priority `json:"pathway"`
	Start   Date     `json:"start"`
	End     Date     `json:"end"`
	// CaseManager is the ID of the worker responsible for the client.
	CaseManager string   `json:"caseManager,omitempty"`
	Goals       []string `json:"goals,omitempty"`
	// Pattern says which visits the episode needs on each of its days;
	// Visits expands it.
	Pattern []PatternStep `json:"pattern,omitempty"`
}

// The longest episode of each pathway, in days including both ends.
const (
	MaxRapidResponseDays = 5
	MaxReablementDays    = 42
)

// Validate checks the episode's own fields, its pattern included; it does
// not look up its client or case manager.
func (e *Episode) Validate() error {
	if err := ValidID("id", e.ID); err != nil {
		return err
	}
	if err := ValidID("clientId", e.ClientID); err != nil {
		return err
	}
	limit := map[Priority]int{RapidResponse: MaxRapidResponseDays, Reablement: MaxReablementDays}[e.Pathway]
	if limit == 0 {
		return Invalid("pathway", e.Pathway, "want rapid_response or reablement")
	}
	start, err := e.Start.Time()
	if err != nil {
		return Invalid("start", e.Start, "date must be YYYY-MM-DD")
	}
	end, err := e.End.Time()
	if err != nil {
		return Invalid("end", e.End, "date must be YYYY-MM-DD")
	}
	if end.Before(start) {
		return Invalid("end", e.End, "episode ends before it starts (%s)", e.Start)
	}
	if days := e.End.DaysSince(e.Start) + 1; days > limit {
		return Invalid("end", e.End, "a %s episode lasts at most %d days, this one %d", e.Pathway, limit, days)
	}
	if len(e.Goals) > 50 {
		return Invalid("goals", len(e.Goals), "at most 50 goals")
	}
	return e.validatePattern()
}

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

// RosterStatus is where a roster version is in its life.
type RosterStatus string

// The statuses of a roster version.
const (
	// RosterDraft is a version nobody has published.
	RosterDraft RosterStatus = "draft"
	// RosterPublished is the version workers follow.
	RosterPublished RosterStatus = "published"
	// RosterSuperseded was published until a later version was.
	RosterSuperseded RosterStatus = "superseded"
)

// RosterVersion is one version of a team's roster for a date range. A plan
// creates version 1; each accepted manual edit adds the next version.
type RosterVersion struct {
	RosterID string       `json:"rosterId"`
	Team     string       `json:"team"`
	Version  int          `json:"version"`
	Status   RosterStatus `json:"status"`
	From     Date         `json:"from"`
	To       Date         `json:"to"`
	// JobID is the plan job that produced version 1.
	JobID string `json:"jobId,omitempty"`
	// Note says what made this version ("planned", "move v12 to w3").
	Note      string    `json:"note,omitempty"`
	CreatedBy string    `json:"createdBy,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	// Request is what was planned, pins included; edits are checked
	// against it.
	Request *Request `json:"request,omitempty"`
	Roster  *Roster  `json:"roster,omitempty"`
}

// RosterStore keeps roster versions.
type RosterStore interface {
	// CreateRoster stores version 1 of a new roster as a draft and sets
	// RosterID, Version, Status and CreatedAt. It returns ECONFLICT if a
	// roster already exists for v.JobID (a job's result is written once),
	// ENOTFOUND if the team does not exist.
	CreateRoster(ctx context.Context, v *RosterVersion) error
	// AddRosterVersion stores the next version of an existing roster as a
	// draft. v.Version must be one more than the latest version, else it
	// returns ECONFLICT (someone else edited first); ENOTFOUND if the roster
	// does not exist.
	AddRosterVersion(ctx context.Context, v *RosterVersion) error
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

// AccessRole is what the holder of an API key may do.
type AccessRole string

// The access roles, from the most to the least powerful.
const (
	// AccessAdmin may do anything within its teams: manage keys, read the
	// audit log and see clients who have not consented to share their
	// details. Only an admin key with no teams is global (see
	// APIKey.Global).
	AccessAdmin AccessRole = "admin"
	// AccessCoordinator manages a team's workers, clients, episodes and
	// visits, plans, edits and publishes rosters.
	AccessCoordinator AccessRole = "coordinator"
	// AccessDispatcher adds and changes visits, edits rosters and solves.
	AccessDispatcher AccessRole = "dispatcher"
	// AccessPlanner runs plans, simulations and solves.
	AccessPlanner AccessRole = "planner"
	// AccessViewer reads.
	AccessViewer AccessRole = "viewer"
)

// AccessRoles lists every access role, most powerful first.
var AccessRoles = []AccessRole{AccessAdmin, AccessCoordinator, AccessDispatcher, AccessPlanner, AccessViewer}

// APIKey is a bearer credential. Only a hash of its secret is stored.
type APIKey struct {
	ID   string     `json:"id"`
	Name string     `json:"name"`
	Role AccessRole `json:"role"`
	// Teams are the teams the key may touch; an admin key with no teams
	// touches every team. A key grants, sees and revokes only keys within
	// its teams.
	Teams []string `json:"teams"`
	// Hash is the hex SHA-256 of the secret.
	Hash      string    `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
}

// TokenPrefix starts every API token: "rk_<id>_<secret>".
const TokenPrefix = "rk_"

// NewAPIKey returns a key with a random ID and secret, and the bearer token
// that carries them. The token is shown once; only its hash is kept.
func NewAPIKey(name string, role AccessRole, teams []string) (*APIKey, string, error) {
	if !slices.Contains(AccessRoles, role) {
		return nil, "", Invalid("role", role, "unknown role; want one of %v", AccessRoles)
	}
	if strings.TrimSpace(name) == "" || len(name) > 200 {
		return nil, "", Invalid("name", name, "a key name of 1 to 200 characters is required")
	}
	if role != AccessAdmin && len(teams) == 0 {
		return nil, "", Invalid("teams", "[]", "a %s key must name the teams it may touch", role)
	}
	for i, t := range teams {
		if err := ValidID(fmt.Sprintf("teams[%d]", i), t); err != nil {
			return nil, "", err
		}
	}
	var id [8]byte
	var secret [24]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, "", err
	}
	if _, err := rand.Read(secret[:]); err != nil {
		return nil, "", err
	}
	k := &APIKey{ID: hex.EncodeToString(id[:]), Name: name, Role: role, Teams: append([]string{}, teams...)}
	s := hex.EncodeToString(secret[:])
	k.Hash = HashSecret(s)
	return k, TokenPrefix + k.ID + "_" + s, nil
}

// HashSecret returns the hex SHA-256 of a token's secret. Secrets are 192
// random bits, so a fast hash is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// ParseToken splits a bearer token into key ID and secret; ok is false if
// it is not shaped like one.
func ParseToken(token string) (id, secret string, ok bool) {
	rest, found := strings.CutPrefix(token, TokenPrefix)
	if !found {
		return "", "", false
	}
	id, secret, found = strings.Cut(rest, "_")
	return id, secret, found && ValidID("id", id) == nil && secret != ""
}

// Verify reports whether secret matches the key, in constant time.
func (k *APIKey) Verify(secret string) bool {
	return subtle.ConstantTimeCompare([]byte(HashSecret(secret)), []byte(k.Hash)) == 1
}

// Global reports whether the key touches every team: an admin key with no
// teams. Only a global key makes or deletes teams and reads what belongs
// to no team, such as the audit entries of API keys.
func (k *APIKey) Global() bool {
	return k.Role == AccessAdmin && len(k.Teams) == 0
}

// CanTouch reports whether the key may act on team.
func (k *APIKey) CanTouch(team string) bool {
	return k.Global() || slices.Contains(k.Teams, team)
}

// Covers reports whether the key may act on every team of o, and so may
// see or revoke o: a global key covers every key, another covers keys with
// at least one team, all of them its own.
func (k *APIKey) Covers(o *APIKey) bool {
	if k.Global() {
		return true
	}
	if len(o.Teams) == 0 {
		return false
	}
	for _, t := range o.Teams {
		if !k.CanTouch(t) {
			return false
		}
	}
	return true
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

type keyContextKey struct{}

// NewContextWithKey returns a context carrying the API key acting in it.
// Stores name it in the audit log.
func NewContextWithKey(ctx context.Context, k *APIKey) context.Context {
	return context.WithValue(ctx, keyContextKey{}, k)
}

// KeyFromContext returns the API key acting in ctx, or nil.
func KeyFromContext(ctx context.Context) *APIKey {
	k, _ := ctx.Value(keyContextKey{}).(*APIKey)
	return k
}

// ActorFromContext returns the ID of the key acting in ctx, or "system".
func ActorFromContext(ctx context.Context) string {
	if k := KeyFromContext(ctx); k != nil {
		return k.ID
	}
	return "system"
}

// AuditEntry is one change in the append-only audit log: who made it, when,
// to what, and the record before and after (null when it did not exist).
type AuditEntry struct {
	ID int64 `json:"id"`
	// Team is the team the change belongs to; empty for API keys.
	Team string `json:"team,omitempty"`
	// Actor is the ID of the API key, or "system" for jobs.
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entityId"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
	At       time.Time       `json:"at"`
}

// The audit actions.
const (
	AuditCreate  = "create"
	AuditUpdate  = "update"
	AuditDelete  = "delete"
	AuditPublish = "publish"
	AuditSubmit  = "submit"
	AuditCancel  = "cancel"
)

// NewAuditEntry returns an entry for a change by the key in ctx, with the
// before and after records encoded as JSON (nil encodes as null).
func NewAuditEntry(ctx context.Context, team, action, entity, entityID string, before, after any) (*AuditEntry, error) {
	b, err := json.Marshal(before)
	if err != nil {
		return nil, fmt.Errorf("audit %s %s: %w", entity, entityID, err)
	}
	a, err := json.Marshal(after)
	if err != nil {
		return nil, fmt.Errorf("audit %s %s: %w", entity, entityID, err)
	}
	return &AuditEntry{Team: team, Actor: ActorFromContext(ctx), Action: action, Entity: entity, EntityID: entityID, Before: b, After: a}, nil
}

// AuditScope says whose audit entries a read returns. The zero scope
// returns none.
type AuditScope struct {
	// All returns every entry, those of no team (API keys) included, and
	// ignores Teams.
	All bool
	// Teams are the teams whose entries are returned.
	Teams []string
}

// AuditScopeOf returns the scope of the audit entries key k may read: all
// for a global key, else its own teams' entries.
func AuditScopeOf(k *APIKey) AuditScope {
	if k.Global() {
		return AuditScope{All: true}
	}
	return AuditScope{Teams: slices.Clone(k.Teams)}
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
	JobStore
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
