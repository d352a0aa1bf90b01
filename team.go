package rounds

import (
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

// CheckSkills returns EINVALID naming field[i] for the first of skills
// not in the team's catalogue (a team without one knows every skill).
func (t *Team) CheckSkills(field string, skills []Skill) error {
	for i, s := range skills {
		if !t.HasSkill(s) {
			return Invalid(fmt.Sprintf("%s[%d]", field, i), s, "unknown skill; team %s knows %v", t.ID, t.Skills)
		}
	}
	return nil
}

// CheckPatternSkills is CheckSkills for every call of e's pattern; the
// field it names is prefix + "pattern[i].calls[j].skills[k]".
func (t *Team) CheckPatternSkills(prefix string, e *Episode) error {
	for i, st := range e.Pattern {
		for j, call := range st.Calls {
			if err := t.CheckSkills(fmt.Sprintf("%spattern[%d].calls[%d].skills", prefix, i, j), call.Skills); err != nil {
				return err
			}
		}
	}
	return nil
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
