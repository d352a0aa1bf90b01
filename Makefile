# rounds: plans home visits for community health and social care teams.
GO ?= go
BIN := bin/rounds
SEED ?= 1
TIME ?= 5s

.PHONY: build run stress test bench digests lint db

build:
	$(GO) build -o $(BIN) ./cmd/rounds

# run plans a typical day of a borough team in Hammersmith and Fulham (80
# workers; double-handed and linked visits, preferred workers, lunch
# breaks) whose visits fill LOAD of the team's working minutes: a day the
# team nearly covers (on SEED 1 nothing is left out at the default TIME,
# on other seeds a few visits). It prints the roster summary.
LOAD ?= 0.6
run: build
	$(BIN) generate -size borough -seed $(SEED) -load $(LOAD) -double-handed 0.1 -linked-medication -preferences -breaks -out bin/demo-request.json
	$(BIN) solve -time $(TIME) -seed $(SEED) -format table -out bin/demo-roster.json bin/demo-request.json

# stress plans the stress benchmark day instead: the borough size's own 900
# visits (the day bench care -size borough and the README's figures plan),
# here with the same care rules, a load of about 0.86 that over-subscribes
# the team, so that 70-80 visits stay unassigned.
stress: build
	$(BIN) generate -size borough -seed $(SEED) -double-handed 0.1 -linked-medication -preferences -breaks -out bin/stress-request.json
	$(BIN) solve -time $(TIME) -seed $(SEED) -format table -out bin/stress-roster.json bin/stress-request.json

# test runs every test (the fuzz targets on their seed corpora), then fuzzes
# the HTTP API for FUZZTIME; the PostgreSQL tests need the local server (db
# starts it), the page's browser tests Chromium (they write their
# screenshots to bin/screenshots).
FUZZTIME ?= 15s
test: db
	ROUNDS_SCREENSHOTS=$(CURDIR)/bin/screenshots $(GO) test -count=1 -timeout 8m ./...
	$(GO) test -count=1 -run '^$$' -fuzz '^FuzzAPI$$' -fuzztime $(FUZZTIME) ./api

# bench prints the benchmark tables: Solomon at 1 s per instance (gap to
# the best known per family), the borough fixture over 5 solver seeds, the
# Go benchmarks (per-size time per iteration), and the coordinator's page
# on a merged area day in Chromium (render and redraw times).
bench: build
	$(BIN) bench solomon ../shared/benchdata/solomon -time 1s -out bin/bench/solomon
	$(BIN) bench care -size borough -seeds 1,2,3,4,5 -time 10s
	$(GO) test -run '^$$' -bench . -benchtime 1x ./benchmarks/
	$(GO) test -run '^$$' -bench PageArea -benchtime 3x ./web/

# digests checks that iteration-bounded runs (Solomon r101, c201, rc105;
# Mankowska B6, E9; the borough day) give the recorded rosters: run it after
# any refactor that should not change behaviour.
digests:
	bash benchmarks/digests.sh -check

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	@test -z "$$(gofmt -l .)" || (gofmt -l .; exit 1)

# db makes sure a PostgreSQL server answers on TEST_DATABASE_URL (the local
# cluster by default), starting the local cluster if it is down.
db:
	@bash .ci/postgres
