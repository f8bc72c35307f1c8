#!/usr/bin/env bash
# Vets every package of the main module (and of benchmarks/, when it exists) for each
# supported GOOS/GOARCH pair, so that code behind build tags (eventlog on windows, flock,
# inode checks, unix sockets) type-checks everywhere. Vet includes the test files.
# Exits non-zero if any combination fails; prints every failure, not just the first.
set -u
cd "$(dirname "$0")/.."

oses=(linux darwin windows freebsd)
arches=(amd64 arm64)
modules=(.)
[ -f benchmarks/go.mod ] && modules+=(benchmarks)

export CGO_ENABLED=0
failed=()
for mod in "${modules[@]}"; do
	for os in "${oses[@]}"; do
		for arch in "${arches[@]}"; do
			if out=$(cd "$mod" && GOOS=$os GOARCH=$arch go vet ./... 2>&1); then
				echo "cross: ok   $mod $os/$arch"
			else
				echo "cross: FAIL $mod $os/$arch"
				printf '%s\n' "$out" | sed 's/^/    /'
				failed+=("$mod:$os/$arch")
			fi
		done
	done
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "cross: ${#failed[@]} failed: ${failed[*]}" >&2
	exit 1
fi
echo "cross: all $(( ${#modules[@]} * ${#oses[@]} * ${#arches[@]} )) combinations vet clean"
