#!/usr/bin/env bash
# Runs the sinks package's event log tests as a real windows/amd64 test binary under
# Debian's wine, and checks that the events reached ReportEventW with the right types.
#
# wine does not store events (its wevtutil returns nothing), but its ReportEventW prints
# every string on the "eventlog" debug channel with a class that follows the event type:
# err = error, warn = warning, trace = information. That is what this script reads back.
#
# Debian bookworm's wine 8.0 lacks bcryptprimitives.dll, which every Go >= 1.22 windows
# binary loads at start-up (ProcessPrng). The script builds a one-function stand-in with
# mingw-w64 (ProcessPrng over RtlGenRandom) into the throwaway wine prefix.
#
# Usage: .ci/wine.sh [go test -run regexp]   (default: EventLog|EventType; "." runs every
# sinks test). Measured here: apt install ~30-60s, wine prefix ~20s, build 1s warm (~100s
# with an empty Go build cache), run 1s.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-'EventLog|EventType'}

t0=$(date +%s)
if ! [ -x /usr/lib/wine/wine64 ] || ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends wine64 gcc-mingw-w64-x86-64-win32 >/dev/null
fi
t1=$(date +%s)
echo "wine: install took $((t1 - t0))s"

wine=/usr/lib/wine/wine64
work=$(mktemp -d)
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
	# Stop only the wineserver of our own prefix, then drop the prefix.
	/usr/lib/wine/wineserver -k 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

timeout 300 "$wine" wineboot --init >"$work/wineboot.log" 2>&1 || { cat "$work/wineboot.log"; exit 1; }

cat >"$work/bcryptprimitives.c" <<'C'
#include <windows.h>
#include <ntsecapi.h>
/* ProcessPrng as Windows 10's bcryptprimitives.dll exports it; the Go runtime needs it. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!RtlGenRandom(data, n)) return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
C
sys32=$WINEPREFIX/drive_c/windows/system32
if ! [ -e "$sys32/bcryptprimitives.dll" ]; then
	x86_64-w64-mingw32-gcc -O2 -shared -s -o "$sys32/bcryptprimitives.dll" "$work/bcryptprimitives.c" -ladvapi32
fi

GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/sinks.test.exe" ./sinks/
t2=$(date +%s)
echo "wine: prefix + build took $((t2 - t1))s"

out=$work/out.txt
status=0
WINEDEBUG=-all,err+eventlog,warn+eventlog,trace+eventlog \
	timeout 300 "$wine" "$work/sinks.test.exe" -test.run "$run" -test.v -test.count=1 >"$out" 2>&1 || status=$?
grep -v ':eventlog:' "$out" || true
echo "wine: test run took $(($(date +%s) - t2))s, exit $status"
[ "$status" -eq 0 ] || exit "$status"

# The events TestEventLogWindowsWrite wrote, each with the type its level maps to.
missing=0
check() { # class text
	if grep -q "^[0-9a-f]*:$1:eventlog:ReportEventW .*$2" "$out"; then
		echo "wine: ReportEventW got $2 as $1"
	else
		echo "wine: MISSING: $2 as $1" >&2
		missing=1
	fi
}
if grep -q -- '--- PASS: TestEventLogWindowsWrite' "$out"; then
	check trace 'slogx info event'
	check warn 'slogx warning event'
	check err 'slogx error event'
	check err 'slogx critical event'
	if grep -q 'below the level' "$out"; then
		echo "wine: a record below the level reached ReportEventW" >&2
		missing=1
	fi
fi
exit "$missing"
