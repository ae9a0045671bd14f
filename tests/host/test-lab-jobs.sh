#!/usr/bin/env bash
# shellcheck disable=SC2016 # check conditions are eval'd strings
# Scenarios side by side in one dom0 (tools/lab/dom0-main, LAB_JOBS): they do
# run at once; "# lab-alone" runs with no other; two that name one guest
# ("# lab-guests") never meet; each one's guests are its own (lib/names.sh);
# and the dumps of one that ends while others run are made with the guests'
# serial lines silenced.  Against the fake QEMU (fake-dom0/), which runs the
# real dom0-main.  No check times anything: scenarios wait for each other.
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"

s=$work/s
mkdir -p "$s"

# meet FILE ME OTHER: a scenario that marks ME running and waits (20 s
# at most) until OTHER is, or has been, running: the two ran at once.
meet() {
    cat >"$1" <<SCENARIO
#!/bin/sh
: >"\$LAB_ROOT/tmp/ran.$2"
i=0
until [ -f "\$LAB_ROOT/tmp/ran.$3" ]; do
    i=\$((i + 1))
    [ "\$i" -lt 200 ] || { echo "FAIL: expected $3 running beside $2, saw it not start"; exit 1; }
    sleep 0.1
done
echo "$2 met $3"
SCENARIO
}
meet "$s/a.sh" a b
meet "$s/b.sh" b a
LAB_JOBS=2 lab_run --out "$work/meet" "$s/a.sh" "$s/b.sh"
check jobs-run-at-once "expected a and b to pass, each having seen the other run, saw status $run_status: $(grep -E '^(PASS|FAIL)' "$work/run.log" | tr '\n' '|')" \
    eval '[ "$run_status" = 0 ] && grep -qx "a met b" "$work/meet/a/output.log" && grep -qx "b met a" "$work/meet/b/output.log"'
check jobs-time-printed "expected each verdict line with its time, \"PASS [4.17] a (S s)\", saw $(grep -E '^PASS' "$work/run.log" | tr '\n' '|')" \
    eval 'grep -qE "^PASS \[4\.17\] a \([0-9]+\.[0-9]{3} s\)$" "$work/run.log" && grep -qE "^PASS \[4\.17\] b \([0-9]+\.[0-9]{3} s\)$" "$work/run.log"'
# The one that ended first was dumped while the other ran: guests' lines
# silenced around it, and back on after.
check jobs-dump-silenced "expected guest_loglvl=none before the first dump and =all after it, saw $(grep -E 'set-parameters|@@LAB (verdict|file .* begin)' "$work/meet/serial.log" | tr '\n' '|')" \
    eval 'awk '"'"'/set-parameters guest_loglvl=none/ { q = 1; next } /set-parameters guest_loglvl=all/ { if (q && dumped) ok = 1; q = 0; next }
        /^@@LAB file / && q { dumped = 1 } END { exit !(ok && !q) }'"'"' "$work/meet/serial.log"'

# alone-marked: with nothing else running, at its start and its end; and
# after it, x2 and x3 still run at once (they meet).
busy() {
    cat >"$1" <<SCENARIO
#!/bin/sh
: >"\$LAB_ROOT/tmp/busy.$2"
sleep 1
[ ! -f "\$LAB_ROOT/tmp/alone.now" ] || { echo "FAIL: expected nothing beside the alone one, saw $2 run with it"; exit 1; }
rm -f "\$LAB_ROOT/tmp/busy.$2"
SCENARIO
}
busy "$s/x1.sh" x1
cat >"$s/c.sh" <<'SCENARIO'
#!/bin/sh
# lab-alone: the test says so
check() { ! ls "$LAB_ROOT"/tmp/busy.* >/dev/null 2>&1 || { echo "FAIL: expected c alone, saw $(ls "$LAB_ROOT"/tmp/busy.*) running"; exit 1; }; }
check
: >"$LAB_ROOT/tmp/alone.now"
sleep 1
check
rm -f "$LAB_ROOT/tmp/alone.now"
SCENARIO
meet "$s/x2.sh" x2 x3
meet "$s/x3.sh" x3 x2
LAB_JOBS=3 lab_run --out "$work/alone" "$s/x1.sh" "$s/c.sh" "$s/x2.sh" "$s/x3.sh"
check jobs-alone "expected x1, c (alone), x2 and x3 to pass, saw status $run_status: $(grep -E '^(PASS|FAIL)' "$work/run.log" | tr '\n' '|')" \
    eval '[ "$run_status" = 0 ] && [ "$(grep -c "^PASS" "$work/run.log")" = 4 ]'

# Two scenarios that name README's guest never meet, a third runs beside
# either.
same_guest() {
    cat >"$1" <<SCENARIO
#!/bin/sh
# lab-guests: other test-vm
[ ! -f "\$LAB_ROOT/tmp/test-vm.user" ] || { echo "FAIL: expected test-vm to be mine alone, saw \$(cat "\$LAB_ROOT/tmp/test-vm.user") use it"; exit 1; }
echo $2 >"\$LAB_ROOT/tmp/test-vm.user"
sleep 1
rm -f "\$LAB_ROOT/tmp/test-vm.user"
SCENARIO
}
same_guest "$s/g1.sh" g1
same_guest "$s/g2.sh" g2
LAB_JOBS=3 lab_run --out "$work/guests" "$s/g1.sh" "$s/g2.sh"
check jobs-guests-apart "expected g1 and g2 (both name test-vm) to pass, one after the other, saw status $run_status: $(grep -E '^(PASS|FAIL)' "$work/run.log" | tr '\n' '|')" \
    eval '[ "$run_status" = 0 ] && [ "$(grep -c "^PASS" "$work/run.log")" = 2 ]'

# Each scenario's "vm" is its own: xl maps it to its name in Xen, its console
# comes back as guest-vm.log in its own folder.
for n in 1 2; do
    cat >"$s/ns$n.sh" <<SCENARIO
#!/bin/sh
. "\$LAB_ROOT/lab/lib.sh"
vm_create vm
[ "\$(lab_guest vm)" = "\${LAB_NS}vm" ] && [ -n "\$LAB_NS" ] || fail "expected vm named \${LAB_NS}vm in Xen, saw \$(lab_guest vm)"
xl list | grep -q "^\${LAB_NS}vm " || fail "expected \${LAB_NS}vm in xl list, saw \$(xl list | tr '\n' '|')"
echo "console of ns$n" >"\$(console_log vm)"
[ -n "\$(vm_domid vm)" ] || fail "expected vm_domid vm to find it"
: >"\$LAB_ROOT/tmp/ran.ns$n"
i=0
until [ -f "\$LAB_ROOT/tmp/ran.ns$((3 - n))" ]; do
    i=\$((i + 1)); [ "\$i" -lt 200 ] || fail "expected ns$((3 - n)) beside ns$n"; sleep 0.1
done
pass
SCENARIO
done
LAB_JOBS=2 lab_run --out "$work/ns" "$s/ns1.sh" "$s/ns2.sh"
check jobs-namespaced-guests "expected ns1 and ns2 (both create vm) to pass, each with its own guest-vm.log, saw status $run_status: $(grep -E '^(PASS|FAIL)' "$work/run.log" | tr '\n' '|') $(tail -n 2 "$work/ns/ns1/output.log" | tr '\n' '|')" \
    eval '[ "$run_status" = 0 ] && grep -qx "console of ns1" "$work/ns/ns1/guest-vm.log" && grep -qx "console of ns2" "$work/ns/ns2/guest-vm.log"'
exit 0
