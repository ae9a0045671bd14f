# shellcheck shell=bash
# tests/host/lib.bash: sourced by the host tests (tests/host/test-*.sh).  Each
# case prints "PASS host NAME" or "FAIL host NAME: expected ..., saw ...";
# tests/run-host counts them.  Every test works in its own temporary folder
# ($work, removed at exit, also TMPDIR) with the fake dom0 tools (fake-dom0/:
# QEMU, xl, xenstore-*) on PATH, so nothing here needs root, QEMU or Xen.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fakes=$repo/tests/host/fake-dom0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp FAKE_XL=$work/xl FAKE_XS=$work/xs
mkdir -p "$TMPDIR"

pass() { echo "PASS host $1"; }
fail() { echo "FAIL host $1: $2"; }
# check NAME REASON CMD...: PASS if CMD succeeds, else FAIL with REASON.
check() {
    local name=$1 reason=$2
    shift 2
    if "$@"; then pass "$name"; else fail "$name" "$reason"; fi
}

# A lab cache that the fake QEMU accepts (tools/lab/run only cats and links it).
fake_cache() {
    mkdir -p "$1"
    : >"$1/dom0-initrd.cpio.gz"
    echo fake >"$1/vmlinuz"
    echo fake >"$1/xen.elf"
}

# lab_run ARGS...: tools/lab/run against the fake QEMU and $work/cache;
# output in $work/run.log, status in $run_status.
lab_run() {
    [ -d "$work/cache" ] || fake_cache "$work/cache/xen-4.17"
    [ -f "$work/kernel" ] || echo fake >"$work/kernel"
    PATH=$fakes:$PATH LAB_SKIP_SETUP=1 LAB_CACHE=$work/cache LAB_TIMEOUT=60 \
        "$repo/tools/lab/run" --kernel "$work/kernel" "$@" >"$work/run.log" 2>&1 </dev/null
    # shellcheck disable=SC2034 # read by the tests
    run_status=$?
}

# has_line FILE LINE: FILE holds LINE, once each scenario's time is taken out
# of tools/lab/run's verdict lines ("PASS [4.17] a (1.234 s)" reads
# "PASS [4.17] a"; "FAIL [4.17] a (1.2 s): why", "FAIL [4.17] a: why").
has_line() {
    sed -E 's/^((PASS|FAIL) \[[0-9.]+\] .*) \([0-9]+\.[0-9]{3} s\)(: |$)/\1\3/' "$1" | grep -qxF -- "$2"
}

# scenario FILE STATUS [LINE]: a lab scenario that prints LINE and exits STATUS.
scenario() {
    mkdir -p "$(dirname -- "$1")"
    printf '#!/bin/sh\necho %q\nexit %d\n' "${3:-ran}" "$2" >"$1"
}

# nothing_ran: no file named PWNED anywhere a hostile name could have made one.
nothing_ran() {
    [ -z "$(find "$work" "$repo" -name PWNED -print -quit 2>/dev/null)" ]
}
