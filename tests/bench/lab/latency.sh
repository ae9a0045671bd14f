#!/bin/sh
# Lab benchmark (prints figures, asserts nothing about time): how long a guest
# takes to ack what dom0 writes into its xenstore, measured in dom0 by xsbench
# (tests/bench/tools/: libxenstore, a watch, CLOCK_MONOTONIC), BENCH_ROUNDS
# rounds (default 1000) per figure:
#   ours   command (control/testing), shutdown request (control/shutdown, taken
#          over by an onshutdown ignore command) and sysrq (control/sysrq)
#   floor, linux   sysrq (they have no control/testing; a request would stop them)
#   dom0   the helper alone (its own write seen through its own watch), and
#          the shell's xenstore-write + xenstore-read, the bound of the old
#          figures (BENCH_TOOLS_ROUNDS, default 40)
# Prints "bench: FIGURE GUEST VALUE UNIT LABEL" and "bench-series:" lines
# (docs/bench.md, "Size and speed").  A kind whose kernel the lab lacks is skipped.
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh

ROUNDS=${BENCH_ROUNDS:-1000}
TOOLS_ROUNDS=${BENCH_TOOLS_ROUNDS:-40}
READY_S=${BENCH_LINUX_WAIT:-90} # Linux boots in seconds here, slower on a busy host


# The old bound: dom0's shell tools, one fork+exec each (/proc/uptime's 10 ms
# steps, hence a mean over many rounds).
t0=$(lab_now_ms)
i=0
while [ "$i" -lt "$TOOLS_ROUNDS" ]; do
    xenstore-write /bench/scratch "$i"
    xenstore-read /bench/scratch >/dev/null
    i=$((i + 1))
done
us=$((($(lab_now_ms) - t0) * 1000 / TOOLS_ROUNDS))
echo "bench: dom0_tools_rw_us dom0 $us us dom0's shell: one xenstore-write + one xenstore-read (mean of $TOOLS_ROUNDS; the bound of the old figures)"
xenstore-rm /bench >/dev/null 2>&1

failed=
xsbench -n "$ROUNDS" latency self dom0 0 || failed="$failed dom0/self"

for kind in $(guest_kinds); do
    name=lat-$kind
    guest_create "$kind" "$name" on_poweroff=destroy
    guest_wait_ready "$kind" "$name" "$READY_S"
    case $kind in
    ours) modes="command shutdown sysrq" ;;
    *) modes=sysrq ;;
    esac
    dom=$(vm_domid "$name")
    for mode in $modes; do
        log "$kind: $ROUNDS rounds of $mode"
        xsbench -n "$ROUNDS" -k "$LAB_SYSRQ_KEY" -t 30 latency "$mode" "$kind" "$dom" || {
            failed="$failed $kind/$mode"
            guest_diagnose "$name"
        }
    done
    vm_destroy "$name"
    # Thousands of "acked" lines: keep the end of the console log only (the lab
    # sends every guest log back over the serial line), unless this guest failed.
    f=$(console_log "$name")
    case "$failed " in
    *" $kind/"*) ;;
    *) [ ! -f "$f" ] || { tail -n 40 "$f" >"$f.tail" && mv "$f.tail" "$f"; } ;;
    esac
done

[ -z "$failed" ] || fail "expected every latency run to finish, saw xsbench fail for:$failed (see above)"
pass
