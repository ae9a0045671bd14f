#!/bin/sh
# ack_delay_ms and action_delay_ms.  An onshutdown command with both: the VM
# leaves the request unacked for ack_delay_ms (state "acking", due-ms set),
# acks it, waits action_delay_ms (state "acting"), then acts.  A "now"
# command with action_delay_ms: a reboot the guest starts by itself later.
# dom0 measures each delay and prints it; under QEMU's emulation only "not
# early" and "within 30 s" are asserted.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

# ms_until NAME RELPATH VALUE: poll as fast as dom0 can until the key holds
# VALUE (30 s at most); sets _at to the time it was seen (lab_now_ms).
ms_until() {
    lab_key_path "$1" "$2"
    _end=$(lab_deadline 30)
    while lab_before "$_end"; do
        if [ "$(xenstore-read "$_p" 2>/dev/null)" = "$3" ]; then
            _at=$(lab_now_ms)
            return 0
        fi
    done
    fail "expected $_p = \"$3\" within 30 s, saw \"$(xenstore-read "$_p" 2>/dev/null)\""
}

# ms_until_shutdown NAME: the same for the domain shutting down.
ms_until_shutdown() {
    _end=$(lab_deadline 30)
    while lab_before "$_end"; do
        case $(vm_state "$1") in *s*) _at=$(lab_now_ms); return 0 ;; esac
    done
    fail "expected $1 to shut down within 30 s, saw state $(vm_state "$1")"
}

# expect_between WHAT MS MIN: MIN <= MS <= 30000
expect_between() {
    log "$1: $2 ms (at least $3 ms expected)"
    [ "$2" -ge "$3" ] || fail "expected $1 to take at least $3 ms, saw $2 ms"
    [ "$2" -le 30000 ] || fail "expected $1 within 30000 ms, saw $2 ms"
}

vm_create vm
vm_create later
vm_wait_ready vm
vm_wait_ready later

cmd='{"when":"onshutdown","ack_delay_ms":2000,"action_delay_ms":2000,"action":"reboot"}'
expect_accepted vm "$cmd"
t0=$(lab_now_ms)
vm_write_key vm control/shutdown poweroff # as a toolstack does: at once
vm_wait_key vm data/test-vm/state acking
due=$(vm_read_key vm data/test-vm/due-ms)
case $due in '' | *[!0-9]*) fail "expected data/test-vm/due-ms to be a number while acking, saw \"$due\"" ;; esac
ms_until vm control/shutdown ""
acked=$_at
expect_between "request -> ack (ack_delay_ms 2000)" $((acked - t0)) 2000
ms_until_shutdown vm
expect_between "request -> shutdown (2000 + 2000 ms)" $((_at - t0)) 4000
log "ack seen -> shutdown (action_delay_ms 2000): $((_at - acked)) ms"
expect_reason vm reboot
expect_console vm 'test-vm: control/shutdown: acking "poweroff" in 2000 ms (ack_delay_ms)'
expect_console vm 'test-vm: control/shutdown: acked "poweroff" (wrote "")'
expect_console vm 'test-vm: action: reboot in 2000 ms (action_delay_ms)'
expect_console vm 'test-vm: action: reboot'

# While an action waits, state is "acting": seen with a delay no load can
# outlast (a 2 s one was over before a loaded dom0 read the state), then cancelled.
expect_accepted later '{"when":"now","action":"reboot","action_delay_ms":600000}'
expect_key later data/test-vm/state acting
expect_accepted later '{"when":"now","action":"ignore"}'
vm_wait_key later data/test-vm/state ready
# From before the write: the delay starts at acceptance, later still, so
# dom0 seeing the verdict late (test-vm-ctl under load) cannot shorten it.
# 10 ms less for /proc/uptime's steps.
t0=$(lab_now_ms)
expect_accepted later '{"when":"now","action":"reboot","action_delay_ms":2000}'
ms_until_shutdown later
expect_between "written -> reboot (action_delay_ms 2000)" $((_at - t0)) 1990
expect_reason later reboot
expect_console later 'test-vm: action: reboot in 2000 ms (action_delay_ms)'
pass
