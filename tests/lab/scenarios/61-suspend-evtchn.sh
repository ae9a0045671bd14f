#!/bin/sh
# suspend-evtchn=1: the VM offers an event channel in
# device/suspend/event-channel, and libxl suspends it by notifying that port
# instead of writing control/shutdown.  xl save / xl restore work through it
# (the new domain offers a new port); with a pending "ignore" command that
# takes suspend over, the VM does not suspend and libxl reports its failure.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create ev cmdline="suspend-evtchn=1"
vm_wait_ready ev
port=$(vm_read_key ev device/suspend/event-channel) || fail "expected device/suspend/event-channel, saw no key"
case $port in ''|*[!0-9]*) fail "expected a port number in device/suspend/event-channel, saw \"$port\"" ;; esac
log "port $port"
expect_console ev "test-vm: suspend-evtchn: port $port in device/suspend/event-channel"

xl save ev ev.save >save.log 2>&1 || { cat save.log; fail "expected xl save to succeed, saw it fail"; }

log "saved ($(wc -c <ev.save) bytes)"
xl restore ev.save >restore.log 2>&1 || { cat restore.log; fail "expected xl restore to succeed, saw it fail"; }
rm -f ev.save
expect_console ev 'test-vm: suspend-evtchn: notified: a suspend request (no ack on this path)'
new=$(vm_domid ev)
expect_console ev "test-vm: suspend: resumed in a new domain (domid $new)"
vm_wait_key ev data/test-vm/last-suspend resumed
newport=$(vm_read_key ev device/suspend/event-channel) || fail "expected device/suspend/event-channel in the new domain, saw no key"
log "new domain $new, port $newport"

# Refuse the next suspend: libxl notifies, waits for the domain to suspend, and gives up.
expect_accepted ev '{"when":"onshutdown","action":"ignore","on":["suspend"]}'
start=$(lab_now_ms)
if xl save ev ev2.save >save2.log 2>&1; then
    rm -f ev2.save
    fail "expected xl save to fail while the VM refuses to suspend, saw it succeed"
fi
rm -f ev2.save
log "xl save failed after $(( ($(lab_now_ms) - start) / 1000 )) s: $(tail -n 3 save2.log | tr '\n' ' ')"
expect_console ev 'test-vm: suspend-evtchn: carrying out the pending command'
expect_running ev
xl shutdown ev
vm_wait_shutdown ev
expect_reason ev poweroff
pass
