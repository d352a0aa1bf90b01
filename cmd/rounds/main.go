// Command rounds plans home visits for community health and social care
// teams: it generates realistic days, solves planning requests, validates
// rosters, runs the public benchmarks and serves the HTTP API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `rounds plans home visits for community health and social care teams.

Usage:
  rounds solve [flags] REQUEST.json        plan a request and print or write the roster
  rounds generate [flags]                  write a realistic generated day as a request
  rounds validate REQUEST.json ROSTER.json check a roster against every hard rule
  rounds dispatch REQUEST.json ROSTER.json REFERRAL.json [-at 11:40] [-events EVENTS.json] [-k 5] [-accept N -out NEW.json]
                                           rank the ways to fit an urgent referral into the live day's rounds
  rounds repair REQUEST.json ROSTER.json EVENTS.json [-time 2s] -out NEW.json
                                           re-plan the rest of the live day after its events
  rounds bench solomon DIR [flags]         solve the Solomon VRPTW benchmark
  rounds bench mankowska DIR [flags]       solve the Mankowska et al. home health care benchmark
  rounds bench care [flags]                plan a generated day once per solver seed and check each roster
  rounds bench dispatch [flags]            time dispatch options and repair on a generated live day
  rounds serve [-addr HOST:PORT]           serve the HTTP API (PostgreSQL with DATABASE_URL, else memory)
  rounds worker                            run queued solve jobs from PostgreSQL (DATABASE_URL)
  rounds migrate                           apply the database migrations (DATABASE_URL)
  rounds import -team TEAM REQUEST.json    store a request's records in a team, all or nothing (DATABASE_URL)
  rounds simulate SCENARIOS.json [flags]   simulate weeks of referrals and compare staffing scenarios

Run "rounds COMMAND -h" for the flags of a command.
`

// command is one subcommand: it parses its own flags from args.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

var commands = map[string]command{
	"solve":    runSolve,
	"generate": runGenerate,
	"validate": runValidate,
	"dispatch": runDispatch,
	"repair":   runRepair,
	"bench":    runBench,
	"serve":    runServe,
	"worker":   runWorker,
	"migrate":  runMigrate,
	"import":   runImport,
	"simulate": runSimulate,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code: 0 on
// success, 1 when the work failed (or a roster broke a rule), 2 on a usage
// error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "rounds: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "rounds %s: %v\n", args[0], err)
		return 2
	}
	fmt.Fprintf(stderr, "rounds %s: %v\n", args[0], err)
	return 1
}

// usageError is a command line the command cannot make sense of.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: rounds %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags that may come before or after the positional
// arguments, and checks the number of positional arguments.
func parse(fs *flag.FlagSet, args []string, want int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if want >= 0 && len(pos) != want {
		fs.Usage()
		return nil, usagef("want %d argument(s), got %d", want, len(pos))
	}
	return pos, nil
}
