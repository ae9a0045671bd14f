#!/bin/sh
# xenconsoled stops and resumes (SIGSTOP/SIGCONT every 300 ms) while bad
# commands fill the console ring and NMIs arrive (xl trigger DOM nmi) right
# after each: every command is still taken within 10 s, and the VM obeys
# `xl shutdown` at the end.  Before the fix, an NMI reported while the ring was
# full recursed in the console wait: on Xen 4.17 a VM printed "nmi: received
# (5 so far)" six times and triple-faulted.
# lab-alone: it stops and starts xenconsoled, which every guest's console needs
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
pid=$(pidof xenconsoled) || fail "expected xenconsoled to run in dom0, saw none"

# The flapping: stopped 300 ms, running 300 ms, until the flag file goes.
flag=/tmp/52-flap.$$
: >"$flag"
(
    while [ -e "$flag" ]; do
        kill -STOP "$pid" 2>/dev/null
        sleep 0.3
        kill -CONT "$pid" 2>/dev/null
        sleep 0.3
    done
    kill -CONT "$pid" 2>/dev/null
) &
flapper=$!
stop_flapping() {
    rm -f "$flag"
    wait "$flapper" 2>/dev/null
    kill -CONT "$pid" 2>/dev/null
}
trap stop_flapping EXIT

start=$(lab_now_ms)
i=0
while [ "$i" -lt 6 ]; do
    # Each rejection logs about 280 bytes: a few of them fill the 2 KiB ring.
    expect_rejected vm '{"when":"now","action":"explode"}' 'field "action" must be' 10
    xl trigger vm nmi || fail "expected xl trigger vm nmi to succeed, saw status $?"
    expect_accepted vm '{"when":"now","action":"ignore"}' 10
    xl trigger vm nmi || fail "expected xl trigger vm nmi to succeed, saw status $?"
    i=$((i + 1))
done
log "6 rounds (12 commands, 12 NMIs) with xenconsoled flapping in $(($(lab_now_ms) - start)) ms"
stop_flapping
trap - EXIT
expect_running vm
vm_wait_key vm data/test-vm/commands 6
vm_wait_key vm data/test-vm/errors 6
# With the console running again, one more NMI is said, counting all of them
# (lines said while the ring was full may have been dropped).
xl trigger vm nmi || fail "expected xl trigger vm nmi to succeed, saw status $?"
expect_console_re vm '^test-vm: nmi: received \(([89]|1[0-3]) so far\)'
xl shutdown vm
vm_wait_shutdown vm
expect_reason vm poweroff
pass
