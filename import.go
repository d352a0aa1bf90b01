package rounds

import "fmt"

// CheckImport checks a request to import into team (see Store.Import):
// Validate, then what the service asks of stored records and Validate
// does not: IDs of 1 to 64 letters, digits, '-', '_' or '.'; skills from
// the team's catalogue; and every episode a visit names listed in the
// request. It returns the first problem as an EINVALID *Error naming the
// record and field ("visits[3].episode"). The request's Team and Options
// are not stored, and not checked beyond Validate.
func (r *Request) CheckImport(team *Team) error {
	if err := r.Validate(); err != nil {
		return err
	}
	for i, w := range r.Workers {
		f := fmt.Sprintf("workers[%d]", i)
		if err := ValidID(f+".id", w.ID); err != nil {
			return err
		}
		if err := skillsKnown(team, f+".skills", w.Skills); err != nil {
			return err
		}
	}
	for i, c := range r.Clients {
		if err := ValidID(fmt.Sprintf("clients[%d].id", i), c.ID); err != nil {
			return err
		}
	}
	listed := make(map[string]bool, len(r.Episodes))
	for i, e := range r.Episodes {
		listed[e.ID] = true
		for j, st := range e.Pattern {
			for k, call := range st.Calls {
				if err := skillsKnown(team, fmt.Sprintf("episodes[%d].pattern[%d].calls[%d].skills", i, j, k), call.Skills); err != nil {
					return err
				}
			}
		}
	}
	for i, v := range r.Visits {
		f := fmt.Sprintf("visits[%d]", i)
		if err := ValidID(f+".id", v.ID); err != nil {
			return err
		}
		if v.Episode != "" && !listed[v.Episode] {
			return Invalid(f+".episode", v.Episode, "no episode of the request has this id; list it under episodes")
		}
		if err := skillsKnown(team, f+".skills", v.Skills); err != nil {
			return err
		}
	}
	return nil
}

// skillsKnown returns EINVALID naming field[i] for the first of skills
// not in the team's catalogue.
func skillsKnown(team *Team, field string, skills []Skill) error {
	for i, s := range skills {
		if !team.HasSkill(s) {
			return Invalid(fmt.Sprintf("%s[%d]", field, i), s, "unknown skill; team %s knows %v", team.ID, team.Skills)
		}
	}
	return nil
}
