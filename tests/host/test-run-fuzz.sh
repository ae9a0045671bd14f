#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2012 # check conditions are eval'd strings; ls for messages
# tests/run-fuzz: two runs at once keep their own logs (each failing target's
# log holds only that run's output), and a run leaves no temporary folder.
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
check fuzz-tmp-no-leak "expected no temporary folder left, saw $(ls -A "$TMPDIR")" test -z "$(ls -A "$TMPDIR")"
exit 0
