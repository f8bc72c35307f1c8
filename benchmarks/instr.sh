#!/usr/bin/env bash
# instr.sh prints the instructions per op (valgrind's callgrind) of the benchmarks behind the
# project's published ratios, and those ratios: `make bench-instr`, and the end of `make bench`
# when valgrind is installed. Instruction counts are what load on a shared machine cannot move,
# so anyone can check a claim with them in a few minutes.
#
# Method: the test binary is built once; each benchmark runs alone under
# `valgrind --tool=callgrind` with -benchtime N1x and with N2x (GOMAXPROCS 1, asynchronous
# preemption off: callgrind aborts on Go's preemption signals), REPEAT times each, and its
# figure is the difference of the smallest whole-process counts at N2 and at N1 divided by
# N2-N1. Start-up, set-up and the benchmark's first N=1 run cancel out; every goroutine's work
# per op is counted (a network benchmark's sender, receiver and server included), garbage
# collection too. What does not cancel is the runtime's own background work (sysmon and
# timers wake by the wall clock, which valgrind slows down): it adds 0.1-0.2 million
# instructions to a run now and then, hence the repeats and the smallest count.
#
# Environment (defaults in brackets):
#   N1, N2     the two iteration counts                       [1000, 21000]
#   REPEAT     runs at each count                             [2]
#   ROWS       a regexp: measure only the rows it matches     [all]
#   BIN        a test binary of this module already built     [build one]
#   OUT        also write the table (markdown) to this file   [none]
#   FROM       measure nothing: print the table again from the per-benchmark lines of a
#              previous run's output (stderr) saved in this file
set -euo pipefail
cd "$(dirname "$0")"
source ./lib.sh

command -v valgrind >/dev/null || { echo "instr.sh: valgrind is not installed" >&2; exit 1; }
n1=${N1:-1000}
n2=${N2:-21000}
repeat=${REPEAT:-2}
filter=${ROWS:-.}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=${BIN:-}
if [ -n "${FROM:-}" ]; then
	bin=none
fi
if [ -z "$bin" ]; then
	bin=$tmp/benchmarks.test
	go test -c -o "$bin" .
fi

# The benchmarks measured, by name (Benchmark<Area>/<case>/<impl> without "Benchmark"); a
# name may end in :N, an N2 of its own for a row whose op costs tens of thousands.
leaves=(
	Handle/5attrs/slogx-json
	Handle/5attrs/zerolog
	Handle/5attrs/hand-append
	Handle/5attrs/slog-json
	Handle/noattrs/slogx-json
	Handle/5attrs/slogx-text
	Handle/5attrs/slog-text
	Pattern/5attrs/slogx-text
	Pattern/5attrs/slogx-pattern
	Message/16B/slogx-json
	Message/1024B/slogx-json
	Syslog/encode-5attrs/rfc3164
	Syslog/encode-5attrs/rfc5424
	Disabled/debug-5attrs/slogx-json
	Disabled/debug-5attrs/slog-json
	Collector/decode-5attrs/slogx
	Socket/5attrs/raw-conn
	Socket/5attrs/slogx
	Forward/5attrs/slogx
	Forward/5attrs/fluent-logger:6000
	OTLP/5attrs/slogx-otlp
	OTLP/5attrs/otelslog-sdk:6000
	OTLP/5attrs/otelslog-sdk-full:6000
)

# count prints the smallest count of instructions callgrind counted in REPEAT runs of leaf $1
# at $2 iterations; nothing when the benchmark does not exist (it ran no iteration), and
# "failed" (with the benchmark's output on stderr) when a run failed.
count() {
	local log=$tmp/log min= c i
	for ((i = 0; i < repeat; i++)); do
		if ! GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$bin" -test.run '^$' -test.bench "$(anchored "Benchmark$1")" -test.benchtime "$2x" \
			-test.cpu 1 >"$tmp/out" 2>"$log"; then
			grep -v '^==' "$tmp/out" "$log" | tail -20 >&2
			echo failed
			return
		fi
		grep -q '^Benchmark' "$tmp/out" || return 0
		c=$(awk '/Collected :/ { print $NF }' "$log")
		if [ -z "$min" ] || [ "$c" -lt "$min" ]; then min=$c; fi
	done
	echo "$min"
}

declare -A per
failed=()
if [ -n "${FROM:-}" ]; then
	while read -r leaf n unit; do
		if [ "$unit" = instructions/op ] && [[ $leaf =~ $filter ]]; then per[$leaf]=$n; fi
	done <"$FROM"
	leaves=()
else
	echo "instr.sh: callgrind, -benchtime ${n1}x and ${n2}x per benchmark, smallest of $repeat runs each" >&2
fi
for entry in "${leaves[@]}"; do
	leaf=${entry%%:*} m2=$n2
	[ "$leaf" = "$entry" ] || [ -n "${N2:-}" ] || m2=${entry#*:}
	[[ $leaf =~ $filter ]] || continue
	a=$(count "$leaf" "$n1")
	b=$(count "$leaf" "$m2")
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "instr.sh: $leaf: no such benchmark, skipped" >&2
		continue
	fi
	if [ "$a" = failed ] || [ "$b" = failed ]; then
		echo "instr.sh: $leaf failed (above), left out of the table" >&2
		failed+=("$leaf")
		continue
	fi
	per[$leaf]=$(((b - a + (m2 - n1) / 2) / (m2 - n1)))
	printf '%-40s %8d instructions/op\n' "$leaf" "${per[$leaf]}" >&2
done

# The table: each measure, its figure and the target it is held to (issue 27).
ratio() { [ -n "${per[$1]:-}" ] && [ -n "${per[$2]:-}" ] && awk -v a="${per[$1]}" -v b="${per[$2]}" 'BEGIN { printf "%.3fx", a / b }'; }
row() { # measure, figure, target
	if [ -n "$2" ]; then printf '| %s | %s | %s |\n' "$1" "$2" "$3"; fi
}
pair() { # measure, leaf, baseline leaf, target
	local r
	r=$(ratio "$2" "$3") || return 0
	row "$1" "${per[$2]} vs ${per[$3]}: $r" "$4"
}
{
	echo "| measure | instructions per op (callgrind) | target |"
	echo "|---|---|---|"
	pair "JSON \`Handle\`, 5 attrs, vs zerolog" Handle/5attrs/slogx-json Handle/5attrs/zerolog "≤ 0.70x"
	pair "JSON \`Handle\` vs the same line appended by hand" Handle/5attrs/slogx-json Handle/5attrs/hand-append "≤ 1.2x"
	pair "JSON \`Handle\` vs slog.JSONHandler" Handle/5attrs/slogx-json Handle/5attrs/slog-json ""
	pair "Text \`Handle\` vs slog.TextHandler" Handle/5attrs/slogx-text Handle/5attrs/slog-text "≤ 0.45x"
	pair "Pattern vs Text" Pattern/5attrs/slogx-pattern Pattern/5attrs/slogx-text "≤ 1.05x"
	if [ -n "${per[Handle/5attrs/slogx-json]:-}" ] && [ -n "${per[Handle/noattrs/slogx-json]:-}" ]; then
		row "JSON, per added attribute ((5attrs - noattrs) / 5)" \
			"$(awk -v a="${per[Handle/5attrs/slogx-json]}" -v b="${per[Handle/noattrs/slogx-json]}" 'BEGIN { printf "%.0f", (a - b) / 5 }')" "≤ 280"
	fi
	if [ -n "${per[Message/1024B/slogx-json]:-}" ] && [ -n "${per[Message/16B/slogx-json]:-}" ]; then
		row "JSON, per message byte, plain ASCII ((1024B - 16B) / 1008)" \
			"$(awk -v a="${per[Message/1024B/slogx-json]}" -v b="${per[Message/16B/slogx-json]}" 'BEGIN { printf "%.2f", (a - b) / 1008 }')" "≤ 2"
	fi
	pair "Syslog RFC 5424 encode vs RFC 3164" Syslog/encode-5attrs/rfc5424 Syslog/encode-5attrs/rfc3164 "≤ 1.2x"
	pair "disabled debug line vs slog.JSONHandler" Disabled/debug-5attrs/slogx-json Disabled/debug-5attrs/slog-json "level"
	row "collector \`DecodeRecord\`, 5 attrs" "${per[Collector/decode-5attrs/slogx]:-}" "≤ 1,800"
	if [ -n "${per[Socket/5attrs/slogx]:-}" ]; then
		row "Socket → Server, per acknowledged record, both ends" \
			"${per[Socket/5attrs/slogx]} (the raw transport batched alike: ${per[Socket/5attrs/raw-conn]:-?})" "≤ 4,500"
	fi
	pair "Forward \`Handle\` (whole process) vs JSON \`Handle\`" Forward/5attrs/slogx Handle/5attrs/slogx-json "≤ 1.10x"
	pair "Forward vs fluent-logger-golang" Forward/5attrs/slogx Forward/5attrs/fluent-logger ""
	pair "OTLP \`Handle\` (whole process) vs JSON \`Handle\`" OTLP/5attrs/slogx-otlp Handle/5attrs/slogx-json "≤ 1.10x"
	pair "OTLP vs otelslog + SDK, every record delivered (\`otelslog-sdk-full\`)" OTLP/5attrs/slogx-otlp OTLP/5attrs/otelslog-sdk-full ""
	pair "OTLP vs otelslog + SDK defaults (drops records when outrun: see README)" OTLP/5attrs/slogx-otlp OTLP/5attrs/otelslog-sdk ""
} >"$tmp/table"
if [ ${#failed[@]} -gt 0 ]; then
	echo
	echo "Failed, not in the table: ${failed[*]}"
fi >>"$tmp/table"
echo
cat "$tmp/table"
if [ -n "${OUT:-}" ]; then
	cp "$tmp/table" "$OUT"
fi
[ ${#failed[@]} -eq 0 ]
