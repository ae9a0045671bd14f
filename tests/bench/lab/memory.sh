#!/bin/sh
# Lab benchmark (a lab scenario that prints figures; it asserts no size): the
# smallest memory= (MiB, xl's unit) at which each guest boots to ready and
# obeys a request, found by creating it with decreasing values until one
# fails.  ours: data/test-vm/state = "ready", then a command accepted
# (test-vm-ctl send); the floor: control/feature-poweroff = "1", then a
# control/sysrq request acked ($LAB_SYSRQ_KEY).  Linux, when the lab has it
# (tools/lab/run --linux-guest): ready as the floor, then a sysrq acked,
# bisected between 32 and 256 MiB to BENCH_LINUX_STEP (16) MiB within
# BENCH_MEMORY_BUDGET_S (150) s of the scenario, with its own longer waits.
# A guest that crashes or shuts down counts as failed at once.
# Prints "bench: smallest_memory_mib GUEST N MiB <label>" per the bench
# contract (n/a if not even the largest value works, or no such guest).
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh

LABEL="smallest memory= that boots to ready and obeys a request"
SMALL_SIZES=${BENCH_MEMORY_SIZES:-"8 4 3 2 1"}
LINUX_STEP=${BENCH_LINUX_STEP:-16}
BUDGET_S=${BENCH_MEMORY_BUDGET_S:-150}

# Internal: ready_or_dead NAME RELPATH VALUE SECONDS: 0 once the key holds
# VALUE; 1 when the domain has shut down, crashed or gone, or time is up.
ready_or_dead() {
    _end=$(lab_deadline "$4")
    lab_key_path "$1" "$2"
    while lab_before "$_end"; do
        [ "$(xenstore-read "$_p" 2>/dev/null)" = "$3" ] && return 0
        case $(vm_state "$1") in '' | *s* | *c*) return 1 ;; esac
        usleep 50000
    done
    return 1
}

# Internal: works KIND MIB: creates a KIND guest with memory=MIB, and says
# whether it got ready and obeyed; destroys it either way.  In a subshell:
# a helper's fail only ends that.
works() {
    _n=mem-$1-$2
    (
        case $1 in
        ours)
            vm_create "$_n" memory="$2"
            ready_or_dead "$_n" data/test-vm/state ready 20 || fail "not ready"
            expect_accepted "$_n" '{"when":"now","action":"ignore"}' ;;
        floor)
            guest_create floor "$_n" memory="$2"
            ready_or_dead "$_n" control/feature-poweroff 1 20 || fail "not ready"
            vm_write_key "$_n" control/sysrq "$LAB_SYSRQ_KEY"
            ready_or_dead "$_n" control/sysrq "" 10 || fail "sysrq not acked" ;;
        linux)
            guest_create linux "$_n" memory="$2"
            ready_or_dead "$_n" control/feature-poweroff 1 90 || fail "not ready"
            vm_write_key "$_n" control/sysrq "$LAB_SYSRQ_KEY"
            ready_or_dead "$_n" control/sysrq "" 20 || fail "sysrq not acked" ;;
        esac
    ) >"$_n.out" 2>&1
    _rc=$?
    vm_destroy "$_n"
    if [ "$_rc" = 0 ]; then
        log "$1 at memory=$2: ready and obeyed"
    else
        log "$1 at memory=$2: failed ($(sed -n 's/^FAIL: //p' "$_n.out" | tail -n 1))"
    fi
    return "$_rc"
}

# smallest_down KIND: the last of SMALL_SIZES (decreasing) that works before one fails.
smallest_down() {
    _best=n/a
    for _m in $SMALL_SIZES; do
        works "$1" "$_m" || break
        _best=$_m
    done
    echo "bench: smallest_memory_mib $1 $_best MiB $LABEL"
}

# smallest_bisect KIND LOW HIGH: bisect, taking LOW as too small and HIGH as
# enough (HIGH is tried only if nothing below it worked), until the gap is at
# most LINUX_STEP MiB or the scenario has run BUDGET_S seconds (a Linux boot
# under TCG takes 20-40 s, a failed one 20 s: libxc decompresses the kernel
# first).
smallest_bisect() {
    _ok=''
    _bad=$2
    while [ $((${_ok:-$3} - _bad)) -gt "$LINUX_STEP" ]; do
        if [ $(($(lab_now_ms) - LAB_T0)) -ge $((BUDGET_S * 1000)) ]; then
            log "$1: stopped after ${BUDGET_S}s (BENCH_MEMORY_BUDGET_S) between $_bad and ${_ok:-$3} MiB"
            break
        fi
        _mid=$(((${_ok:-$3} + _bad) / 2))
        if works "$1" "$_mid"; then _ok=$_mid; else _bad=$_mid; fi
    done
    [ -n "$_ok" ] || ! works "$1" "$3" || _ok=$3
    echo "bench: smallest_memory_mib $1 ${_ok:-n/a} MiB $LABEL"
}

smallest_down ours
if [ -f "$LAB_FLOOR_KERNEL" ]; then
    smallest_down floor
else
    echo "bench: smallest_memory_mib floor n/a MiB $LABEL"
fi
if [ -f "$LAB_LINUX_KERNEL" ]; then
    smallest_bisect linux 32 256
else
    log "linux: no $LAB_LINUX_KERNEL in this lab (tools/lab/run --linux-guest ships it)"
    echo "bench: smallest_memory_mib linux n/a MiB $LABEL"
fi
pass
