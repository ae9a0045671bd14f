#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2012,SC2034 # eval'd check conditions (they use $contract); ls for messages
# tests/bench/lab's density scenario against the fake dom0 tools: it stops at
# its cap and says so, counts the guests that ack a sysrq, destroys them all,
# and prints figure lines as the contract has them (docs/bench.md, "Size and
# speed"), n/a with the same labels for a kind dom0 lacks.
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"
# lib.sh sources its parts from here (in dom0, /lab/lib).
export LAB_LIB_DIR=$repo/tests/lab/lib

# The bench figure-line contract: FIGURE GUEST VALUE UNIT LABEL.
contract='^bench: [a-z0-9_]+ (ours|linux|floor|dom0) ([0-9]+(\.[0-9]+)?|n/a) [^ ]+ .+$'
sed "s#/lab/lib.sh#$repo/tests/lab/lib.sh#" "$repo/tests/bench/lab/density" >"$work/density"
density() { # KIND [VAR=value ...]
    local kind=$1
    shift
    rm -rf "$work/dom0" "$FAKE_XL" "$FAKE_XS"
    mkdir -p "$work/dom0"
    (cd "$work/dom0" && env PATH="$fakes:$PATH" LAB_WAIT=1 LAB_SCENARIO="density-$kind" LAB_KERNEL="$work/kernel" \
        LAB_FLOOR_KERNEL="$work/no-floor.xen" BENCH_DENSITY_ACK_WAIT=1 "$@" timeout 60 sh "$work/density") >"$work/density.log" 2>&1
    status=$?
}
: >"$work/kernel"

density ours BENCH_DENSITY_MAX=3 FAKE_SYSRQ_ACK=1
check density-cap "expected PASS, 3 guests stopped by the cap (said so), count 3, saw status $status: $(grep -E 'stopped|density_count|FAIL' "$work/density.log" | tr '\n' '|')" \
    eval '[ "$status" = 0 ] && grep -q "density ours: 3 guests up; stopped by the cap BENCH_DENSITY_MAX=3, not memory" "$work/density.log" &&
          grep -qx "bench: density_count ours 3 count .*" "$work/density.log" && grep -qx "bench: density_free_mib ours 498 MiB .*" "$work/density.log"'
check density-contract "expected 3 figure lines, each FIGURE GUEST VALUE UNIT LABEL, saw $(grep '^bench:' "$work/density.log" | tr '\n' '|')" \
    eval '[ "$(grep -c "^bench:" "$work/density.log")" = 3 ] && ! grep "^bench:" "$work/density.log" | grep -qvE "$contract"'
check density-destroys "expected no guest left, saw $(ls "$FAKE_XL/domains" 2>&1 | tr '\n' ' ')" \
    eval '[ -z "$(ls -A "$FAKE_XL/domains")" ]'
grep '^bench:' "$work/density.log" | cut -d' ' -f2,6- | sort >"$work/ours-labels"

density ours BENCH_DENSITY_MAX=2
check density-counts-acks "expected density_count ours 0 when no guest acks, saw $(grep density_count "$work/density.log")" \
    eval 'grep -qx "bench: density_count ours 0 count .*" "$work/density.log" && grep -q "only 0 of 2 acked" "$work/density.log"'

density floor
check density-na "expected three n/a lines with ours' labels, saw status $status: $(grep '^bench:' "$work/density.log" | tr '\n' '|')" \
    eval '[ "$status" = 0 ] && [ "$(grep -c "^bench: [a-z_]* floor n/a " "$work/density.log")" = 3 ] &&
          [ "$(grep "^bench:" "$work/density.log" | cut -d" " -f2,6- | sort)" = "$(cat "$work/ours-labels")" ] &&
          ! grep "^bench:" "$work/density.log" | grep -qvE "$contract"'
exit 0
