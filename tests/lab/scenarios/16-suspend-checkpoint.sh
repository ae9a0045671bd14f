#!/bin/sh
# xl save -c checkpoints: SHUTDOWN_suspend returns 1 (cancelled) and the VM
# carries on in the same domain, still obeying requests.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
dom=$(vm_domid vm)
xl save -c vm vm.save >save.log 2>&1 || { cat save.log; fail "expected xl save -c to succeed, saw it fail"; }
rm -f vm.save
expect_console vm 'test-vm: suspend: cancelled'
vm_wait_key vm data/test-vm/last-suspend cancelled
expect_key vm data/test-vm/resumes 0
[ "$(vm_domid vm)" = "$dom" ] || fail "expected the same domain $dom after a checkpoint, saw $(vm_domid vm)"
expect_running vm
xl reboot vm
vm_wait_shutdown vm
expect_reason vm reboot
pass
