package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/api"
	"github.com/roundsdev/rounds/memory"
	"github.com/roundsdev/rounds/postgres"
	"github.com/roundsdev/rounds/simulation"
	"github.com/roundsdev/rounds/solver"
)

// shutdownGrace is how long a stopping process waits for requests and
// running jobs before it hands the jobs back to the queue.
const shutdownGrace = 30 * time.Second

// jobRunner is what both stores' job runners do.
type jobRunner interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlags("serve", "serve [flags]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "HOST:PORT to listen on")
	migrate := fs.Bool("migrate", false, "apply the database migrations at start-up")
	workers := fs.Int("workers", 1, "solve jobs this process runs at once (0: none, leave them to 'rounds worker')")
	travel := travelFlags(fs)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	src, err := travel.source()
	if err != nil {
		return err
	}
	planner := &solver.Planner{Source: src}

	var st rounds.Store
	var pg *postgres.Store
	if url := os.Getenv("DATABASE_URL"); url != "" {
		if pg, err = openPostgres(ctx, url, *migrate); err != nil {
			return err
		}
		defer pg.Close()
		st = pg
	} else {
		st = memory.NewStore()
		log.Warn("no DATABASE_URL: data is kept in memory and lost when rounds stops")
	}
	srv, err := api.New(api.Config{Store: st, Planner: planner, Source: src, Logger: log})
	if err != nil {
		return err
	}
	if err := bootstrapKey(ctx, st, pg == nil, stderr); err != nil {
		return err
	}
	var runner jobRunner
	if *workers > 0 {
		timed := srv.InstrumentPlanner(api.JobPlanner(planner, src))
		if pg != nil {
			runner, err = postgres.NewRunner(pg, postgres.RunnerConfig{Planner: timed, Replicator: simulation.Replicator{Source: src}, Logger: log, Workers: *workers})
		} else {
			runner = memory.NewRunner(st.(*memory.Store), timed, simulation.Replicator{Source: src}, *workers, log)
		}
		if err != nil {
			return err
		}
		if err := runner.Start(context.WithoutCancel(ctx)); err != nil {
			return err
		}
	}
	served := make(chan error, 1)
	go func() { served <- srv.Start(*addr) }()
	log.Info("rounds serving", "addr", *addr, "store", storeName(pg), "workers", *workers)
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests and running jobs")
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(stopCtx)
	if runner != nil {
		err = errors.Join(err, runner.Stop(stopCtx))
	}
	return err
}

func runWorker(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlags("worker", "worker [flags]", stderr)
	workers := fs.Int("workers", 1, "solve jobs this process runs at once")
	travel := travelFlags(fs)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return usagef("DATABASE_URL is required: workers share their jobs through PostgreSQL")
	}
	src, err := travel.source()
	if err != nil {
		return err
	}
	pg, err := openPostgres(ctx, url, false)
	if err != nil {
		return err
	}
	defer pg.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	runner, err := postgres.NewRunner(pg, postgres.RunnerConfig{Planner: api.JobPlanner(&solver.Planner{Source: src}, src), Replicator: simulation.Replicator{Source: src}, Logger: log, Workers: *workers})
	if err != nil {
		return err
	}
	if err := runner.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	log.Info("rounds worker running", "workers", *workers)
	<-ctx.Done()
	log.Info("stopping: finishing running jobs")
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return runner.Stop(stopCtx)
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", "migrate", stderr)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return usagef("DATABASE_URL is required")
	}
	pg, err := openPostgres(ctx, url, true)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrations applied")
	return pg.Close()
}

func openPostgres(ctx context.Context, url string, migrate bool) (*postgres.Store, error) {
	pg, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := postgres.Migrate(ctx, pg.DB()); err != nil {
			pg.Close()
			return nil, err
		}
	}
	return pg, nil
}

// bootstrapKey makes sure an admin can reach a fresh deployment: with
// ROUNDS_ADMIN_TOKEN set, its key is stored if missing; with neither that
// nor a database, a new admin token is made and printed.
func bootstrapKey(ctx context.Context, st rounds.Store, inMemory bool, stderr io.Writer) error {
	token := os.Getenv("ROUNDS_ADMIN_TOKEN")
	if token == "" {
		if !inMemory {
			return nil
		}
		_, t, err := rounds.NewAPIKey("bootstrap", rounds.AccessAdmin, nil)
		if err != nil {
			return err
		}
		token = t
		fmt.Fprintf(stderr, "admin token for this in-memory session: %s\n", token)
	}
	return api.EnsureAdminKey(ctx, st, "bootstrap", token)
}

func storeName(pg *postgres.Store) string {
	if pg == nil {
		return "memory"
	}
	return "postgres"
}
