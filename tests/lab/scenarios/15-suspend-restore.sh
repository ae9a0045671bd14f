#!/bin/sh
# xl save then xl restore: the VM acks "suspend", suspends, and resumes in a
# new domain (SHUTDOWN_suspend returns 0).  It sets up its devices again, reads
# its new domid, republishes its keys and still obeys a later command.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
old=$(vm_domid vm)
xl save vm vm.save >save.log 2>&1 || { cat save.log; fail "expected xl save to succeed, saw it fail"; }
log "saved ($(wc -c <vm.save) bytes)"
xl restore vm.save >restore.log 2>&1 || { cat restore.log; fail "expected xl restore to succeed, saw it fail"; }
rm -f vm.save
new=$(vm_domid vm)
[ "$new" != "$old" ] || fail "expected a new domid after restore, saw $new again"
expect_console vm "test-vm: suspend: resumed in a new domain (domid $new)"
vm_wait_key vm data/test-vm/resumes 1
vm_wait_key vm data/test-vm/last-suspend resumed
expect_key vm data/test-vm/state ready
expect_key vm control/feature-poweroff 1
expect_accepted vm '{"when":"onshutdown","action":"crash"}'
xl shutdown vm
vm_wait_shutdown vm
expect_reason vm crash
pass
