package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// runImport stores a request file's workers, clients, episodes and visits
// in a team of the PostgreSQL store at DATABASE_URL, in one transaction,
// as POST /v1/teams/:team/import does.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", "import -team TEAM REQUEST.json", stderr)
	team := fs.String("team", "", "the team to import into (it must exist)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *team == "" {
		return usagef("-team is required")
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return usagef("DATABASE_URL is required: import writes to the service's PostgreSQL store")
	}
	req, err := readRequest(pos[0])
	if err != nil {
		return err
	}
	pg, err := openPostgres(ctx, url, false)
	if err != nil {
		return err
	}
	defer pg.Close()
	t, err := pg.Team(ctx, *team)
	if err != nil {
		return err
	}
	if err := req.CheckImport(t); err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if err := pg.Import(ctx, t.ID, req); err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	fmt.Fprintf(stdout, "imported %d workers, %d clients, %d episodes, %d visits into team %s\n",
		len(req.Workers), len(req.Clients), len(req.Episodes), len(req.Visits), t.ID)
	return nil
}
