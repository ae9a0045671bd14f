#!/bin/sh
# hang, watchdog, and watchdog=N + hang.  A hung VM stays running and answers
# nothing (a request stays unacked, a command unread) until xl destroy.  The
# watchdog action arms Xen's watchdog and never pets it: reason 4 (watchdog),
# kept by on_watchdog="preserve".  With watchdog=4 on its command line the
# VM pets its watchdog every 2 s and lives past 4 s; told to hang, it is shut
# down by Xen with reason 4, as a hung guest running a watchdog would be;
# restored into a new domain (xl save, xl restore), it arms a new one.
# Times are printed, not asserted.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create hung
vm_create wd on_watchdog=preserve
vm_create petted cmdline="watchdog=4" on_watchdog=preserve
vm_wait_ready hung
vm_wait_ready wd
vm_wait_ready petted
expect_console petted "test-vm: watchdog: armed for 4 s (Xen's watchdog 1), petted every 2000 ms"
petted_since=$(lab_now_ms)

# First the watchdog action: a hung VM spins, and under QEMU's emulation it
# slows dom0 down (so timings measured meanwhile would be dom0's).
t0=$(lab_now_ms)
expect_accepted wd '{"when":"now","action":"watchdog","timeout_s":2}'
expect_console wd 'test-vm: action: watchdog (armed for 2 s and never petted: Xen then shuts the domain down)'
vm_wait_shutdown wd 30
log "watchdog timeout_s 2: shut down $(($(lab_now_ms) - t0)) ms after the command was written"
expect_reason wd watchdog

expect_accepted hung '{"when":"now","action":"hang"}'
vm_wait_key hung data/test-vm/state hung
expect_console hung 'test-vm: action: hang (from now on this VM does nothing a toolstack can see)'
vm_write_key hung control/shutdown poweroff
lab_testing_key hung
xenstore-write "$_p" '{"when":"now","action":"poweroff"}'

sleep 5
expect_running hung
expect_key hung control/shutdown poweroff
expect_key hung control/testing '{"when":"now","action":"poweroff"}'
log "hung: still running, request and command unanswered after 5 s"
xl destroy hung
vm_domid hung >/dev/null && fail "expected xl destroy to end hung, saw it still there"
log "hung: gone after xl destroy"

expect_running petted
alive=$(($(lab_now_ms) - petted_since))
[ "$alive" -gt 4000 ] || fail "expected petted to have lived past its 4 s watchdog, saw $alive ms"
log "petted (watchdog=4): running $alive ms after ready"
# Restored into a new domain, which Xen gave no watchdog: the next pet arms one.
xl save petted petted.save >save.log 2>&1 || { cat save.log; fail "expected xl save to succeed, saw it fail"; }
xl restore petted.save >restore.log 2>&1 || { cat restore.log; fail "expected xl restore to succeed, saw it fail"; }
rm -f petted.save
expect_console petted 'test-vm: watchdog: Xen no longer knows watchdog 1 (EINVAL: a new domain); arming another'
expect_console petted "test-vm: watchdog: armed for 4 s (Xen's watchdog 1)"
restored=$(lab_now_ms)
sleep 5
expect_running petted
log "petted: restored, running $(($(lab_now_ms) - restored)) ms with its new watchdog"
t0=$(lab_now_ms)
expect_accepted petted '{"when":"now","action":"hang"}'
vm_wait_shutdown petted 30
log "watchdog=4: shut down $(($(lab_now_ms) - t0)) ms after the hang was written"
expect_reason petted watchdog
log "Xen: $(xl dmesg | grep -i 'watchdog timer' | tail -n 2 | tr '\n' ' ')"
pass
