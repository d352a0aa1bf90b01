package rounds

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

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
