#!/bin/sh
# Lab benchmark (prints figures, asserts nothing about time): xl create ->
# ready, split into the toolstack's part (xl create's start -> its exit) and
# the guest's (-> its ready key: ours data/test-vm/state = "ready", linux and
# floor control/feature-poweroff = "1"), and ours' own boot time (entry ->
# ready from its TSC, data/test-vm/boot-us and boot-stages).  xsbench
# (tests/bench/tools/) runs each xl create itself and sees the ready key
# through a watch; the guests are created one at a time and destroyed once
# ready, BENCH_CREATE_N (default 5) of each kind.  Mean, min and max per kind.
# A kind whose kernel the lab lacks is skipped.
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh

N=${BENCH_CREATE_N:-5}


failed=
for kind in $(guest_kinds); do
    guest_cfgs "$kind" "create-$kind" "$N"
    log "$kind: $N guests, one at a time"
    # shellcheck disable=SC2086 # one word per config
    xsbench -t 120 create "$kind" $_cfgs || failed="$failed $kind"
done

[ -z "$failed" ] || fail "expected every guest created and ready, saw xsbench fail for:$failed (see above)"
pass
