#!/usr/bin/env bash
# digests.sh: the behaviour-preservation check for refactors (issue 17).
#
# It builds cmd/rounds, makes iteration-bounded runs at a fixed seed (no
# time limit, so each is reproducible) and prints one sha256 per run:
#   - Solomon r101, c201, rc105: the .sol file of `rounds bench solomon`
#   - Mankowska B6, E9: the hhcrsp JSON of `rounds bench mankowska`
#   - the borough day: the request `rounds generate` writes, then the JSON
#     roster of `rounds solve` at 50,000 iterations on 1 thread and on the
#     default threads (one per core, so that line's label names the core
#     count: compare it only on a machine with as many cores).
# None of the digested files holds a wall-clock field (the roster JSON, the
# .sol and the hhcrsp JSON have none; the seconds each run took are only in
# results.csv and on stderr, which are not digested). If a field like that
# is ever added to the roster, drop it in digest() below.
#
# Usage:
#   benchmarks/digests.sh           print the digests
#   benchmarks/digests.sh -check    compare them with benchmarks/testdata/digests.txt
#   benchmarks/digests.sh -update   rewrite benchmarks/testdata/digests.txt
# A refactor that changes no behaviour gives identical digests. The data is
# read in place from BENCHDATA (default: shared/benchdata one or two folders
# above the repository). About 20 s on one core.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
golden=$root/benchmarks/testdata/digests.txt
mode=${1:-print}
case $mode in
print | -check | -update) ;;
*) echo "usage: $0 [-check | -update]" >&2; exit 2 ;;
esac

if [ -z "${BENCHDATA:-}" ]; then
	for d in "$root/../shared/benchdata" "$root/../../shared/benchdata"; do
		if [ -d "$d" ]; then BENCHDATA=$(cd "$d" && pwd); break; fi
	done
fi
if [ ! -d "${BENCHDATA:-}/solomon" ] || [ ! -d "${BENCHDATA:-}/hhcrsp/mankowska/instances" ]; then
	echo "digests.sh: no benchmark data at '${BENCHDATA:-}': set BENCHDATA to the folder holding solomon/ and hhcrsp/" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/rounds" ./cmd/rounds)
rounds=$tmp/rounds

seed=1
solomonIterations=50000
mankowskaIterations=20000
boroughIterations=50000

# digest prints "LABEL SHA256" for a file.
digest() {
	printf '%-58s %s\n' "$1" "$(sha256sum <"$2" | cut -d' ' -f1)"
}

run() {
	"$rounds" bench solomon "$BENCHDATA/solomon" -instances r101,c201,rc105 \
		-iterations $solomonIterations -seed $seed -threads 1 -out "$tmp/solomon" >/dev/null 2>&1
	for name in r101 c201 rc105; do
		digest "solomon $name iterations=$solomonIterations seed=$seed" "$tmp/solomon/$name.sol"
	done

	"$rounds" bench mankowska "$BENCHDATA/hhcrsp/mankowska/instances" -instances B6,E9 \
		-iterations $mankowskaIterations -seed $seed -threads 1 -out "$tmp/mankowska" >/dev/null 2>&1
	for pair in B6:InstanzCPLEX_HCSRP_25_6 E9:InstanzVNS_HCSRP_100_9; do
		digest "mankowska ${pair%%:*} iterations=$mankowskaIterations seed=$seed" "$tmp/mankowska/${pair#*:}.json"
	done

	"$rounds" generate -size borough -seed 1 -double-handed 0.1 -linked-medication -preferences -breaks \
		-out "$tmp/borough.json" 2>/dev/null
	digest "borough request (generate -seed 1)" "$tmp/borough.json"
	"$rounds" solve -iterations $boroughIterations -seed $seed -threads 1 \
		-out "$tmp/borough-1.json" "$tmp/borough.json" >/dev/null 2>&1
	digest "borough iterations=$boroughIterations seed=$seed threads=1" "$tmp/borough-1.json"
	"$rounds" solve -iterations $boroughIterations -seed $seed \
		-out "$tmp/borough-n.json" "$tmp/borough.json" >/dev/null 2>&1
	digest "borough iterations=$boroughIterations seed=$seed threads=default($(nproc) cores)" "$tmp/borough-n.json"
}

case $mode in
print) run ;;
-update)
	mkdir -p "$(dirname "$golden")"
	run >"$golden"
	cat "$golden"
	;;
-check)
	run >"$tmp/digests.txt"
	if diff -u "$golden" "$tmp/digests.txt"; then
		echo "digests.sh: identical to $golden"
	else
		echo "digests.sh: the rosters differ from $golden (lines - before, + now)" >&2
		exit 1
	fi
	;;
esac
