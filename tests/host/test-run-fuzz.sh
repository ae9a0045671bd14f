#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2012 # check conditions are eval'd strings; ls for messages
# tests/run-fuzz: two runs at once keep their own logs (each failing target's
# log holds only that run's output), a run leaves no temporary folder, and a
# passing target's line and the total line give libFuzzer's final figures.
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"

# A fake libFuzzer target: prints its run's id over a second, then fails.
mkdir -p "$work/bin"
cat >"$work/bin/fuzz_fake" <<'FAKE'
#!/bin/sh
for i in 1 2 3 4 5; do echo "run $FAKE_ID line $i"; sleep 0.2; done
exit 1
FAKE
chmod +x "$work/bin/fuzz_fake"

FUZZ_OUT=$work/fuzz FAKE_ID=a "$repo/tests/run-fuzz" 1 "$work/bin/fuzz_fake" >"$work/a.log" 2>&1 &
sleep 0.5
FUZZ_OUT=$work/fuzz FAKE_ID=b "$repo/tests/run-fuzz" 1 "$work/bin/fuzz_fake" >"$work/b.log" 2>&1
wait
for id in a b; do
    log=$(sed -n 's/.*log in \(.*\)$/\1/p' "$work/$id.log")
    check "fuzz-own-log-$id" "expected run $id's log to hold only run $id's lines, saw $log: $(sort -u "$log" 2>/dev/null | cut -c1-5 | sort -u | tr '\n' ' ')" \
        eval '[ -f "$log" ] && [ "$(grep -c "^run $id " "$log")" = 5 ] && ! grep -qv "^run $id " "$log"'
done
# Fake passing targets that end as libFuzzer does (a last status line, then
# -print_final_stats=1's lines), with figures of their own.
for t in one:300:3000:850:4100:12/3Kb two:100:500:120:200:4/100b; do
    IFS=: read -r n execs rate cov ft corp <<<"$t"
    cat >"$work/bin/fuzz_$n" <<FAKE
#!/bin/sh
echo "#1	INITED cov: 1 ft: 1 corp: 1/1b exec/s: 0 rss: 30Mb"
echo "#$execs	DONE   cov: $cov ft: $ft corp: $corp lim: 4096 exec/s: $rate rss: 99Mb"
echo "Done $execs runs in 1 second(s)"
echo "stat::number_of_executed_units: $execs"
echo "stat::average_exec_per_sec:     $rate"
echo "stat::new_units_added:          3"
FAKE
    chmod +x "$work/bin/fuzz_$n"
done
FUZZ_OUT=$work/fuzz "$repo/tests/run-fuzz" 1 "$work/bin/fuzz_one" "$work/bin/fuzz_two" >"$work/pass.log" 2>&1
check fuzz-target-figures "expected each target's inputs, rate, corpus and coverage, saw: $(cat "$work/pass.log")" \
    eval 'grep -qxF "PASS fuzz fuzz_one: 300 inputs in 1s, 3000 a second; corpus 12 inputs (3Kb); coverage cov 850 ft 4100" "$work/pass.log" &&
        grep -qxF "PASS fuzz fuzz_two: 100 inputs in 1s, 500 a second; corpus 4 inputs (100b); coverage cov 120 ft 200" "$work/pass.log"'
check fuzz-total-line "expected a total of 400 inputs over 2 targets before the summary, saw: $(cat "$work/pass.log")" \
    eval 'grep -qE "^fuzz total: 400 inputs in [0-9]+\.[0-9] s over 2 targets that passed, [0-9]+ a second$" "$work/pass.log" &&
        [ "$(tail -n 1 "$work/pass.log")" = "fuzz: 2 passed, 0 failed" ]'
check fuzz-tmp-no-leak "expected no temporary folder left, saw $(ls -A "$TMPDIR")" test -z "$(ls -A "$TMPDIR")"
exit 0
