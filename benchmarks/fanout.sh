#!/bin/sh
# fanout.sh N: the wall time of one simulation run through the API with N
# `rounds worker` processes (one job at a time each) on this machine: the
# borough team, 1 week, 4 replications, 2 scenarios, plans bounded by
# iterations. Needs a built binary ($ROUNDS, default ./rounds) and a
# migrated database ($DATABASE_URL). It prints the wall time from submit
# to completion, and each worker's CPU seconds (user + system, from
# /proc): on a machine shared with other work, CPU over wall time shows
# how much of the run the workers ran side by side.
set -eu
n=${1:?usage: fanout.sh WORKERS}
rounds=${ROUNDS:-./rounds}
: "${DATABASE_URL:?set DATABASE_URL to a migrated database}"
export DATABASE_URL
export ROUNDS_ADMIN_TOKEN=rk_fanout$$_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
port=${PORT:-18089}
url=http://127.0.0.1:$port
auth="Authorization: Bearer $ROUNDS_ADMIN_TOKEN"
logs=$(mktemp -d)
pids=
workers=
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
"$rounds" serve -addr 127.0.0.1:$port -workers 0 2>"$logs/serve.log" &
pids="$pids $!"
until curl -fs $url/healthz >/dev/null; do sleep 0.2; done
for i in $(seq "$n"); do
	"$rounds" worker -workers 1 2>"$logs/worker$i.log" &
	pids="$pids $!"
	workers="$workers $!"
done
team=fanout$$
curl -fs -H "$auth" -d "{\"id\":\"$team\",\"name\":\"fan-out\"}" $url/v1/teams >/dev/null
file='{"team":{"size":"borough","seed":1},"horizonDays":7,"replications":4,"seed":1,"solve":{"iterations":20000},
	"scenarios":[{"name":"winter","demand":{"multiplier":1.2}}]}'
start=$(date +%s.%N)
id=$(curl -fs -H "$auth" -d "{\"team\":\"$team\",\"file\":$file}" $url/v1/simulations | sed 's/.*"id":"\([^"]*\)".*/\1/;q')
while :; do
	state=$(curl -fs -H "$auth" $url/v1/simulations/$id | sed 's/.*"state":"\([a-z]*\)".*/\1/;q')
	case $state in completed|failed|cancelled) break ;; esac
	sleep 0.5
done
end=$(date +%s.%N)
wall=$(echo "$end - $start" | bc)
cpu=
for p in $workers; do
	# utime and stime are fields 14 and 15 of /proc/PID/stat, in ticks.
	cpu="$cpu $(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' /proc/$p/stat)"
done
echo "workers $n: $wall seconds ($state, simulation $id); worker CPU seconds:$cpu"
