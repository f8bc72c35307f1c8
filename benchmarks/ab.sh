#!/usr/bin/env bash
# ab.sh compares one package's benchmarks at two revisions of this repository with interleaved
# rounds: both test binaries are built once, then each round runs every benchmark once with the
# old binary and once with the new one (the order alternating between rounds), so a burst of
# load on a shared machine hits both sides alike. It prints benchstat's comparison and keeps the
# raw outputs.
#
#   benchmarks/ab.sh OLD NEW PKG BENCH [ROUNDS] [BENCHTIME]
#
# OLD and NEW are git revisions; NEW may be "." for the working tree as it is. PKG is a package
# directory of the main module (./slogx, ./rotate, ./netsink) or ./benchmarks, the comparison
# module (built in its own directory at each revision). ROUNDS defaults to 8, BENCHTIME
# to 200ms. Example: benchmarks/ab.sh 48b874f . ./slogx 'Handle' 10
set -euo pipefail
old=$1 new=$2 pkg=$3 bench=$4 rounds=${5:-8} benchtime=${6:-200ms}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
cleanup() {
	for side in a b; do
		[ -d "$tmp/$side" ] && git -C "$root" worktree remove --force "$tmp/$side" >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT
build() { # side rev
	local dir=$root
	if [ "$2" != "." ]; then
		git -C "$root" worktree add -q --detach "$tmp/$1" "$2"
		dir=$tmp/$1
	fi
	if [ -f "$dir/$pkg/go.mod" ]; then # a module of its own (./benchmarks)
		(cd "$dir/$pkg" && go test -c -o "$tmp/$1.test" .)
	else
		(cd "$dir" && go test -c -o "$tmp/$1.test" "$pkg")
	fi
}
build a "$old"
build b "$new"
out=${AB_OUT:-$tmp}
: >"$out/old.txt"
: >"$out/new.txt"
for i in $(seq "$rounds"); do
	order="a b"
	((i % 2)) || order="b a"
	for side in $order; do
		name=old
		[ "$side" = b ] && name=new
		(cd "$root/$pkg" && "$tmp/$side.test" -test.run '^$' -test.bench "$bench" -test.benchmem \
			-test.count 1 -test.benchtime "$benchtime") | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$out/$name.txt"
	done
done
benchstat=$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")
"$benchstat" "$out/old.txt" "$out/new.txt"
echo "raw: $out/old.txt $out/new.txt" >&2
