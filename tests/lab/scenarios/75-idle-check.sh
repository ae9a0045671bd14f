#!/bin/sh
# The idle check: after xenstore-unwatch, xenstored no longer tells the VM of
# a write (what a xenstored that lost the guest's watches looks like). A
# control/testing command and then an `xl shutdown` get no watch event; the
# VM's own look at its keys finds each, logs the miss, counts it in
# data/test-vm/missed-watch-events, registers its watches again and obeys.
# Prints how long each took (the first check comes 5 s after the last event;
# not asserted tightly: TCG is slow).
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
expect_key vm data/test-vm/missed-watch-events 0

unwatch() {
    _before=$(lab_counter vm commands)
    expect_accepted vm '{"when":"now","action":"xenstore-unwatch"}'
    vm_wait_key vm data/test-vm/last-action xenstore-unwatch
    expect_key vm data/test-vm/last-result ok
    expect_key vm data/test-vm/state ready
    [ "$(lab_counter vm commands)" -gt "$_before" ] || fail "expected the unwatch command counted"
}

# A command with no event: test-vm-ctl waits for its verdict (the ack).
unwatch
expect_console vm 'test-vm: xenstore-unwatch: control/shutdown, control/testing and control/sysrq (the VM still counts on them): ok'
_t=$(lab_now_ms)
expect_accepted vm '{"when":"now","action":"xenstore-write","path":"data/idle-found","value":"1"}' 120
ms=$(($(lab_now_ms) - _t))
vm_wait_key vm data/idle-found 1
expect_console vm 'test-vm: control/testing: a value came with no watch event (found by the idle check '
expect_key vm data/test-vm/missed-watch-events 1
log "idle check: a control/testing command with no watch event acked $ms ms after it was written"

# Watched again for real: the next command comes by its event.
_t=$(lab_now_ms)
expect_accepted vm '{"when":"now","action":"ignore"}'
log "after the miss: a command acked in $(($(lab_now_ms) - _t)) ms (by its watch event)"
expect_key vm data/test-vm/missed-watch-events 1

# xl shutdown with no event: found, obeyed.
unwatch
_t=$(lab_now_ms)
xl shutdown vm
vm_wait_shutdown vm 120
ms=$(($(lab_now_ms) - _t))
expect_reason vm poweroff
expect_console vm 'test-vm: control/shutdown: a value came with no watch event (found by the idle check '
expect_console vm 'test-vm: control/shutdown: acked "poweroff" (wrote "")'
expect_key vm data/test-vm/missed-watch-events 2
log "idle check: xl shutdown with no watch event obeyed (domain shut down) $ms ms after xl shutdown"
pass
