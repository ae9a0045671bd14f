#!/bin/sh
# The floor guest (build/floor.xen; docs/lab.md, "The floor guest"): created as
# a PVH guest with the smallest memory xl takes, it says ready by writing
# control/feature-poweroff = "1" (xl makes the key empty first), acks a
# control/sysrq request (writes ""), and `xl shutdown -w` ends it with
# Reason-Code 0 (poweroff), the request acked.  Timings are printed, not judged.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

t0=$(lab_now_ms)
guest_create floor floor memory=2
guest_wait_ready floor floor
log "floor: xl create -> control/feature-poweroff = 1 in $(($(lab_now_ms) - t0)) ms"

vm_write_key floor control/sysrq b
vm_wait_key floor control/sysrq ""
expect_running floor

t0=$(lab_now_ms)
xl shutdown -w floor >floor.xl-shutdown.log 2>&1 ||
    fail "expected xl shutdown -w floor to succeed, saw: $(tail -n 1 floor.xl-shutdown.log)"
log "floor: xl shutdown -w took $(($(lab_now_ms) - t0)) ms"
vm_wait_shutdown floor
expect_reason floor poweroff
expect_key floor control/shutdown ""
pass
