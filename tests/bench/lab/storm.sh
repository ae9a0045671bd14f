#!/bin/sh
# Lab benchmark (prints figures, asserts nothing about time): a boot storm, N
# guests of a kind xl-created back to back (each xl create as soon as the one
# before exits), and the time until all are ready, with the curve of guests
# ready (and xl creates done) over time as bench-series lines for the plot.
# xsbench (tests/bench/tools/) runs the xl creates and sees each ready key
# through a watch.  N: BENCH_STORM_OURS (default 20), BENCH_STORM_FLOOR (20),
# BENCH_STORM_LINUX (3).  A kind whose kernel the lab lacks is skipped.
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh


failed=
for kind in $(guest_kinds); do
    case $kind in
    ours) n=${BENCH_STORM_OURS:-20} ;;
    floor) n=${BENCH_STORM_FLOOR:-20} ;;
    linux) n=${BENCH_STORM_LINUX:-3} ;;
    esac
    guest_cfgs "$kind" "storm-$kind" "$n"
    log "$kind: a storm of $n"
    # shellcheck disable=SC2086 # one word per config
    xsbench -t 120 storm "$kind" $_cfgs || failed="$failed $kind"
    # The next kind's storm starts from an empty host.
    i=1
    while [ "$i" -le "$n" ]; do
        vm_destroy "storm-$kind-$i"
        i=$((i + 1))
    done
done

[ -z "$failed" ] || fail "expected every guest of each storm ready, saw xsbench fail for:$failed (see above)"
pass
