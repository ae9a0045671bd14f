#!/bin/sh
# A reboot in place (on_reboot = "restart": xl builds the domain again) is a
# new boot: a new boot-id, while save/restore keeps it (70-agent-keys.sh).
# agent=off: a bare guest, no guest-agent keys.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm on_reboot=restart cmdline="agent=off"
vm_wait_ready vm
old=$(vm_domid vm)
id=$(vm_read_key vm data/test-vm/boot-id) || fail "expected data/test-vm/boot-id, saw none"
expect_no_key vm attr/PVAddons/MajorVersion
expect_no_key vm data/updated
_t=$(lab_now_ms)
xl reboot vm
_end=$(lab_deadline)
while lab_before "$_end"; do
    new=$(vm_domid vm) && [ "$new" != "$old" ] && break
    usleep 50000
done
[ "${new:-}" != "$old" ] || fail "expected a new domain after xl reboot with on_reboot = \"restart\", saw domid ${new:-none}"
vm_wait_ready vm
log "rebooted in place (domid $old -> $new) in $(($(lab_now_ms) - _t)) ms"
id2=$(vm_read_key vm data/test-vm/boot-id) || fail "expected data/test-vm/boot-id after the reboot, saw none"
[ "$id2" != "$id" ] || fail "expected a new boot-id after a reboot, saw $id again"
log "boot-id $id -> $id2"
expect_key vm data/test-vm/boots 1
pass
