#!/usr/bin/env bash
# run.sh runs every benchmark of this module, saves the raw `go test -bench` output to
# results/latest.txt, summarizes it with benchstat when installed (results/latest.benchstat.txt)
# and prints the markdown table of cmd/benchtable (results/latest.md).
#
# Environment (defaults in brackets):
#   BENCH      -bench regexp                          [.]
#   COUNT      -count, runs per benchmark             [6]
#   BENCHTIME  -benchtime per run                     [100ms]
#   CPU        -cpu list of GOMAXPROCS values         [1,2]
# Arguments are passed to benchtable, e.g. ./run.sh -baseline 'Queue=chan'.
#
# The defaults keep the whole run under 5 minutes on 2 cores (79 sub-benchmarks x 2 CPU
# settings x 6 runs x 100ms, plus calibration; see README.md for measured times). benchstat: go install golang.org/x/perf/cmd/benchstat@latest
set -euo pipefail
cd "$(dirname "$0")"

bench=${BENCH:-.}
count=${COUNT:-6}
benchtime=${BENCHTIME:-100ms}
cpu=${CPU:-1,2}

mkdir -p results
raw=results/latest.txt
echo "go test -run '^\$' -bench '$bench' -benchmem -count $count -benchtime $benchtime -cpu $cpu ./..." >&2
go test -run '^$' -bench "$bench" -benchmem -count "$count" -benchtime "$benchtime" -cpu "$cpu" ./... | tee "$raw" >&2

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
go run ./cmd/benchtable "$@" "$raw" | tee results/latest.md
