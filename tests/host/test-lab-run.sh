#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2012 # check conditions are eval'd strings; ls for messages
# tools/lab/run's output folder and scenario names against hostile input,
# run against the fake QEMU (fake-dom0/), which runs the real dom0-main and
# so the real serial markers and splitter.
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"

# --out must be a folder the lab marked: one that merely holds a serial.log
# is somebody's data, not ours.
mkdir -p "$work/mine"
echo log >"$work/mine/serial.log"
echo keep >"$work/mine/precious"
scenario "$work/s/ok.sh" 0
lab_run --out "$work/mine" "$work/s/ok.sh"
check out-unmarked-refused "expected an unmarked folder with a serial.log refused and kept, saw status $run_status and precious $(cat "$work/mine/precious" 2>/dev/null || echo gone)" \
    test "$run_status" != 0 -a -f "$work/mine/precious" -a ! -e "$work/mine/.lab-out"

# A $(...) in --out is a folder name, never a command.
scenario "$work/s/ok.sh" 0
(cd "$work" && lab_run --out "$work/o \$(touch PWNED)" "$work/s/ok.sh")
check out-nothing-ran "expected no PWNED file, saw $(find "$work" "$repo" -name PWNED 2>/dev/null)" nothing_ran
rm -f "$work/PWNED"

# Hostile scenario names: each stays one scenario with its own verdict and
# folder, and nothing in a name runs.
s=$work/hostile
scenario "$s/a b.sh" 0
scenario "$s/\$(touch PWNED).sh" 1 'FAIL: expected a failure, saw one'
scenario "$s/x[1]*?.sh" 0
scenario "$s/q\"uo'te\`touch PWNED\`.sh" 0
scenario "$s/z-last.sh" 0
out="$work/out \$(touch PWNED) [x]*?"
cd "$work" || exit 1
lab_run --out "$out" "$s/a b.sh" "$s/\$(touch PWNED).sh" "$s/x[1]*?.sh" "$s/q\"uo'te\`touch PWNED\`.sh" "$s/z-last.sh"
check names-status "expected tools/lab/run to fail (one scenario fails), saw status $run_status" test "$run_status" = 1
check names-summary "expected \"lab: 4 passed, 1 failed\", saw $(grep '^lab: [0-9]* passed' "$work/run.log")" \
    grep -qx 'lab: 4 passed, 1 failed' "$work/run.log"
for n in "a b" "x[1]*?" "q\"uo'te\`touch PWNED\`" z-last; do
    check "names-verdict-$n" "expected \"PASS [4.17] $n\" and $n/verdict PASS, saw $(grep -F "$n" "$work/run.log" | head -n 1), verdict $(cat "$out/$n/verdict" 2>/dev/null)" \
        eval 'has_line "$work/run.log" "PASS [4.17] $n" && [ "$(cat "$out/$n/verdict")" = PASS ]'
done
n="\$(touch PWNED)"
check names-verdict-fail "expected \"FAIL [4.17] $n: expected a failure, saw one\", saw $(grep -F "$n" "$work/run.log" | head -n 1)" \
    has_line "$work/run.log" "FAIL [4.17] $n: expected a failure, saw one"
check names-output "expected each scenario's output.log in its own folder, saw $(cd "$out" && ls)" \
    eval 'grep -qx ran "$out/a b/output.log" && grep -qx ran "$out/z-last/output.log"'
check names-nothing-ran "expected no PWNED file, saw $(find "$work" "$repo" -name PWNED 2>/dev/null)" nothing_ran

# A guest whose name has a space still gets its console log back.
cat >"$s/console.sh" <<'SCENARIO'
#!/bin/sh
printf 'hello\n' >"$LAB_ROOT/var/log/xen/console/guest-g \$(x) h.log"
SCENARIO
lab_run --out "$work/console" "$s/console.sh"
check guest-log-odd-name "expected console/guest-g___x__h.log holding hello, saw $(ls "$work/console/console" 2>&1 | tr '\n' ' ')" \
    grep -qx hello "$work/console/console/guest-g___x__h.log"

# Late xenstore replies and status retries in a passing scenario's guest
# consoles are counted in the output (console lines end in CR LF).
cat >"$s/slow.sh" <<'SCENARIO'
#!/bin/sh
printf 'test-vm: xenstore: request type 11 req_id 80: ETIMEDOUT\r\ntest-vm: status: a key was not written; writing its keys again in 100 ms\r\n' >"$LAB_ROOT/var/log/xen/console/guest-s1.log"
printf 'test-vm: xenstore: request type 2 req_id 9: ETIMEDOUT\r\n' >"$LAB_ROOT/var/log/xen/console/guest-s2.log"
SCENARIO
lab_run --out "$work/slow" "$s/slow.sh" "$s/console.sh"
check slow-guests-counted "expected one line counting 2 timed-out requests and 1 status retry in slow, none for console, saw: $(grep 'not a failure' "$work/run.log" | tr '\n' '|')" \
    eval '[ "$run_status" = 0 ] && grep -qxF "lab: [4.17] slow (not a failure): its guests'"'"' consoles show 2 xenstore requests timed out, 1 status writes retried" "$work/run.log" &&
          [ "$(grep -c "not a failure" "$work/run.log")" = 1 ]'

# A failed scenario's log and guest consoles are printed (CI keeps only the
# output); a passing one's are not.
cat >"$s/fails-loud.sh" <<'SCENARIO'
#!/bin/sh
printf 'booting\nstuck at stage 2\n' >"$LAB_ROOT/var/log/xen/console/guest-slow.log"
echo "diagnose: state never written"
echo "FAIL: expected ready, saw none"
exit 1
SCENARIO
lab_run --out "$work/loud" "$s/fails-loud.sh" "$s/console.sh"
check failure-printed "expected the failed scenario's output.log and guest-slow.log printed, saw: $(grep -E '^(lab: \[4.17\] fails-loud|  \| )' "$work/run.log" | tr '\n' '|')" \
    eval 'grep -qxF "lab: [4.17] fails-loud: output.log, last 150 of 2 lines:" "$work/run.log" &&
          grep -qxF "  | diagnose: state never written" "$work/run.log" &&
          grep -qxF "lab: [4.17] fails-loud: guest-slow.log, last 25 of 2 lines:" "$work/run.log" &&
          grep -qxF "  | stuck at stage 2" "$work/run.log" && ! grep -qxF "  | hello" "$work/run.log"'

# The scenario library reaches dom0 whole: lib.sh and every part it sources
# (tests/lab/lib/), found where dom0 has them ($LAB_ROOT/lab/ here, /lab/ in
# the real lab), with a helper from each part defined.
cat >"$s/uses-lib.sh" <<'SCENARIO'
#!/bin/sh
. "$LAB_ROOT/lab/lib.sh"
for f in log lab_deadline vm_create guest_create vm_domid expect_reason vm_wait_key expect_console guest_diagnose vm_request expect_accepted; do
    command -v "$f" >/dev/null || fail "expected lib.sh to define $f, saw it missing"
done
log "lib.sh from $LAB_LIB_DIR"
pass
SCENARIO
lab_run --out "$work/libout" "$s/uses-lib.sh"
check lib-shipped "expected PASS [4.17] uses-lib with lib.sh's parts from lab/lib, saw status $run_status: $(grep -E '^(PASS|FAIL)' "$work/run.log" | tr '\n' '|') $(tail -n 2 "$work/libout/uses-lib/output.log" 2>&1 | tr '\n' '|')" \
    eval '[ "$run_status" = 0 ] && has_line "$work/run.log" "PASS [4.17] uses-lib" && grep -q "lib.sh from .*/lab/lib$" "$work/libout/uses-lib/output.log"'

# make bench's BENCH_* settings reach the scenarios; a value dom0's shell
# would read as code is refused before QEMU starts.
cat >"$s/env.sh" <<'SCENARIO'
#!/bin/sh
echo "rounds=$BENCH_ROUNDS storm=$BENCH_STORM_OURS"
SCENARIO
BENCH_ROUNDS=12 BENCH_STORM_OURS=3 lab_run --out "$work/env" "$s/env.sh"
check bench-env-reaches-scenarios "expected env/output.log holding rounds=12 storm=3, saw $(cat "$work/env/env/output.log" 2>&1)" \
    grep -qx 'rounds=12 storm=3' "$work/env/env/output.log"
BENCH_ROUNDS='1; touch PWNED' lab_run --out "$work/env2" "$s/env.sh"
check bench-env-refuses-code "expected status 2 and a message naming BENCH_ROUNDS, nothing run, saw status $run_status: $(tail -n 1 "$work/run.log")" \
    eval '[ "$run_status" = 2 ] && grep -q "BENCH_ROUNDS=1; touch PWNED: a BENCH_ setting must be" "$work/run.log" && nothing_ran'

# A lab that goes quiet is stopped after LAB_IDLE_TIMEOUT, not after the
# whole run's timeout (60 s here), and its scenarios fail.
t0=$SECONDS
FAKE_QEMU=hang LAB_IDLE_TIMEOUT=2 lab_run --out "$work/hang" "$s/z-last.sh"
check idle-timeout "expected the quiet lab stopped within ~2 s and z-last failed, saw status $run_status after $((SECONDS - t0)) s: $(grep -E '^(FAIL|lab: .*(serial|QEMU))' "$work/run.log" | tr '\n' '|')" \
    eval '[ "$run_status" = 1 ] && [ $((SECONDS - t0)) -lt 20 ] && grep -q "no serial output for 2s" "$work/run.log" &&
          grep -q "^FAIL \[4.17\] z-last: expected a verdict" "$work/run.log"'

# A run killed while QEMU runs stops QEMU and leaves no temporary folder.
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
PATH=$fakes:$PATH LAB_SKIP_SETUP=1 LAB_CACHE=$work/cache FAKE_QEMU=hang FAKE_QEMU_PID_FILE=$work/qemu.pid \
    "$repo/tools/lab/run" --kernel "$work/kernel" --out "$work/killed" "$s/z-last.sh" >"$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q "dom0 up" "$work/run.log" && break; sleep 0.1; done
kill "$pid"
wait "$pid"
# However loaded the machine: QEMU stopped and the folder gone, within 20 s.
for _ in $(seq 200); do
    ! kill -0 "$(cat "$work/qemu.pid")" 2>/dev/null && [ -z "$(ls -A "$TMPDIR")" ] && break
    sleep 0.1
done
check killed-run-cleans-up "expected the fake QEMU stopped and no temporary folder left, saw QEMU $(kill -0 "$(cat "$work/qemu.pid")" 2>/dev/null && echo running || echo stopped) and $(ls -A "$TMPDIR") (holding: $(ls -A "$TMPDIR"/* 2>/dev/null | tr '\n' ' '))" \
    eval '[ -s "$work/qemu.pid" ] && ! kill -0 "$(cat "$work/qemu.pid")" 2>/dev/null && [ -z "$(ls -A "$TMPDIR")" ]'

# The marker is the lock: an --out with glob characters must keep it.
check out-glob-keeps-lock "expected $out/.lab-out to stay, saw it gone" test -f "$out/.lab-out"
# A marked folder is emptied by the next run, marker and all kept.
lab_run --out "$out" "$s/z-last.sh"
check out-marked-emptied "expected the second run to empty the folder but keep the marker, saw $(cd "$out" && ls -A | tr '\n' ' ')" \
    eval '[ "$run_status" = 0 ] && [ -f "$out/.lab-out" ] && [ ! -e "$out/a b" ] && [ -d "$out/z-last" ]'

# Two names that make one token are refused, before anything is written.
scenario "$s/a_b.sh" 0
lab_run --out "$work/clash" "$s/a b.sh" "$s/a_b.sh"
check names-clash "expected a_b and \"a b\" refused, saw status $run_status: $(tail -n 1 "$work/run.log")" \
    eval '[ "$run_status" = 2 ] && grep -q "would share the token" "$work/run.log"'

# A run that fails early (here: no dom0 initramfs in the cache) leaves no
# temporary file, in TMPDIR or in --out.
rm -f "$work/cache/xen-4.17/dom0-initrd.cpio.gz"
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
lab_run --out "$work/early" "$s/z-last.sh"
check tmp-no-leak "expected a failed run to leave nothing, saw status $run_status and $(ls -A "$TMPDIR" "$work/early" | tr '\n' ' ')" \
    eval '[ "$run_status" != 0 ] && [ -z "$(ls -A "$TMPDIR")" ] && [ "$(ls -A "$work/early")" = .lab-out ]'
fake_cache "$work/cache/xen-4.17"

# dom0 never comes up: every scenario fails with that reason.
FAKE_QEMU=nodom0 lab_run --out "$work/nodom0" "$s/a b.sh"
check nodom0-verdict "expected \"FAIL a b: expected dom0 to come up...\", saw $(grep '^FAIL' "$work/run.log" | head -n 1)" \
    eval '[ "$run_status" = 1 ] && grep -q "^FAIL \[4.17\] a b: expected dom0 to come up" "$work/run.log"'

# tests/run-lab keeps its whole folder locked while the host checks write to
# it: a host check that tries the lock must find it taken.
mkdir -p "$work/checks/lab/host"
cat >"$work/checks/lab/host/lockcheck.sh" <<'CHECK'
#!/bin/sh
if flock -n "$(dirname "$LAB_OUT")/.lab-out" true; then echo "FAIL: expected the lock held, saw it free"; exit 1; fi
echo "lock held"
CHECK
chmod +x "$work/checks/lab/host/lockcheck.sh"
# By default every scenario runs on both labs, each line saying which.
fake_cache "$work/cache/xen-4.20"
PATH=$fakes:$PATH LAB_SKIP_SETUP=1 LAB_CACHE=$work/cache LAB_KERNEL=$work/kernel LAB_OUT="$work/rl [*]" \
    "$repo/tests/run-lab" "$s/a b.sh" "$work/checks/lab/host/lockcheck.sh" >"$work/run-lab.log" 2>&1
status=$?
check run-lab-host-check-locked "expected PASS host-lockcheck and \"lab: 3 passed, 0 failed\", saw status $status: $(grep -E '^(PASS|FAIL|lab:)' "$work/run-lab.log" | tr '\n' '|')" \
    eval '[ "$status" = 0 ] && grep -qx "PASS host-lockcheck" "$work/run-lab.log" && grep -qx "lab: 3 passed, 0 failed" "$work/run-lab.log"'
check run-lab-both-labs "expected \"PASS [4.17] a b\", \"PASS [4.20] a b\" and a wall time per lab, saw $(grep -E '^(PASS|lab: \[)' "$work/run-lab.log" | tr '\n' '|')" \
    eval 'has_line "$work/run-lab.log" "PASS [4.17] a b" && has_line "$work/run-lab.log" "PASS [4.20] a b" &&
          [ "$(grep -c "^lab: \[4.[12][07]\] 1 passed, 0 failed; wall time [0-9.]* s" "$work/run-lab.log")" = 2 ] &&
          [ -f "$work/rl [*]/xen-4.20/a b/verdict" ]'
PATH=$fakes:$PATH LAB_SKIP_SETUP=1 LAB_CACHE=$work/cache LAB_KERNEL=$work/kernel LAB_OUT="$work/rl [*]" LAB_XEN=4.20 \
    "$repo/tests/run-lab" "$s/a b.sh" >"$work/run-lab.log" 2>&1
check run-lab-one-lab "expected LAB_XEN=4.20 to run on 4.20 alone, saw $(grep -E '^(PASS|FAIL)' "$work/run-lab.log" | tr '\n' '|')" \
    eval 'has_line "$work/run-lab.log" "PASS [4.20] a b" && ! grep -qF "[4.17]" "$work/run-lab.log"'
exit 0
