#!/usr/bin/env bash
# run.sh runs every benchmark of this module in interleaved rounds, saves the raw output to
# results/latest.txt, summarizes it with benchstat when installed (results/latest.benchstat.txt)
# and prints the markdown table of cmd/benchtable (results/latest.md), whose primary figure is
# the median CPU time per op and its spread.
#
# Why rounds: `-count N` runs one implementation N times back to back, so a burst of load on a
# shared machine lands on one row and skews its ratio. Here the test binary is built once, the
# benchmarks (every leaf sub-benchmark, one process each, all CPU settings) are listed, and
# each round runs every one of them once; odd rounds go through the list forwards, even rounds
# backwards, so neither end of a group always runs first. A burst then hits one round of every
# row alike, and the median over rounds discards it.
#
# Environment (defaults in brackets):
#   BENCH      -bench regexp selecting the benchmarks      [.]
#   ROUNDS     rounds (samples per benchmark)               [6]  (COUNT is accepted too)
#   BENCHTIME  -benchtime per run                           [100ms]
#   CPU        -cpu list of GOMAXPROCS values               [1,2]
#   INSTR      1: end with instr.sh's instruction table when valgrind is installed [1]
# Arguments are passed to benchtable, e.g. ./run.sh -baseline 'Queue=chan'.
# benchstat: go install golang.org/x/perf/cmd/benchstat@latest
set -euo pipefail
cd "$(dirname "$0")"
source ./lib.sh

bench=${BENCH:-.}
rounds=${ROUNDS:-${COUNT:-6}}
benchtime=${BENCHTIME:-100ms}
cpu=${CPU:-1,2}

mkdir -p results
raw=results/latest.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/benchmarks.test
go test -c -o "$bin" .

# The leaves: run each benchmark once with N=1 and keep the names it printed (without the
# -N GOMAXPROCS suffix), in order.
"$bin" -test.run '^$' -test.bench "$bench" -test.benchtime 1x -test.cpu 1 >"$tmp/list"
awk '/^Benchmark[^ \t]*[ \t]+[0-9]+[ \t]/ { print $1 }' "$tmp/list" | awk '!seen[$0]++' >"$tmp/leaves"
n=$(wc -l <"$tmp/leaves")
[ "$n" -gt 0 ] || { echo "run.sh: no benchmark matches $bench" >&2; exit 1; }
echo "run.sh: $n benchmarks x $rounds rounds x -cpu $cpu, -benchtime $benchtime" >&2

grep -E '^(goos|goarch|pkg|cpu):' "$tmp/list" >"$raw" || true
for ((i = 1; i <= rounds; i++)); do
	if ((i % 2)); then order=(cat); else order=(tac); fi
	echo "run.sh: round $i of $rounds" >&2
	while read -r leaf; do
		"$bin" -test.run '^$' -test.bench "$(anchored "$leaf")" -test.benchmem -test.count 1 \
			-test.benchtime "$benchtime" -test.cpu "$cpu" >"$tmp/out" || {
			cat "$tmp/out" >&2
			echo "run.sh: $leaf failed" >&2
			exit 1
		}
		grep -E '^Benchmark' "$tmp/out" >>"$raw" || true
	done < <("${order[@]}" "$tmp/leaves")
done

benchstat=$(command -v benchstat || true)
if [ -z "$benchstat" ] && [ -x "$(go env GOPATH)/bin/benchstat" ]; then
	benchstat=$(go env GOPATH)/bin/benchstat
fi
if [ -n "$benchstat" ]; then
	"$benchstat" "$raw" | tee results/latest.benchstat.txt
else
	echo "benchstat not installed (go install golang.org/x/perf/cmd/benchstat@latest); skipping it" >&2
fi

echo
go run ./cmd/benchtable -primary cpu-ns/op "$@" "$raw" | tee results/latest.md

# The instruction counts, which load does not move, with the same binary.
if [ "${INSTR:-1}" = 1 ]; then
	if command -v valgrind >/dev/null; then
		echo
		BIN=$bin OUT=results/latest.instr.md bash instr.sh
	else
		echo "valgrind not installed: no instruction table (make bench-instr)" >&2
	fi
fi
