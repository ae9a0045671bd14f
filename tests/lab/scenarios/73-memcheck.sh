#!/bin/sh
# memcheck=8: 8 MiB of free RAM filled at boot with a pattern from the
# boot-id and each page's frame; checked on command, after xl save -c (a
# checkpoint) and after xl save + xl restore (a new domain): "ok 2048" each
# time.  Prints how long each check took on this Xen under QEMU TCG.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm memory=16 cmdline="memcheck=8"
vm_wait_ready vm
expect_key vm data/test-vm/memcheck "filled 2048"
expect_console_re vm 'test-vm: memcheck: filled 2048 pages \(8192 KiB\) from pfn 0x[0-9a-f]+ in [0-9.]+ ms'

# How long the check took, from its console line (the last one).
check_time() {
    grep -o 'memcheck: ok 2048 pages (8192 KiB) in [0-9.]* ms' "$(console_log vm)" | tail -n 1 | sed 's/.* in //'
}

expect_accepted vm '{"when":"now","action":"memcheck"}'
vm_wait_key vm data/test-vm/memcheck "ok 2048"
log "check on command: $(check_time)"

# dom0 clears the key, so that the value read next is the new check's.
vm_write_key vm data/test-vm/memcheck ""
xl save -c vm vm.save >save.log 2>&1 || { cat save.log; fail "expected xl save -c to succeed, saw it fail"; }
rm -f vm.save
vm_wait_key vm data/test-vm/last-suspend cancelled
vm_wait_key vm data/test-vm/memcheck "ok 2048" 30
log "check after the checkpoint: $(check_time)"

xl save vm vm.save >save.log 2>&1 || { cat save.log; fail "expected xl save to succeed, saw it fail"; }
xl restore vm.save >restore.log 2>&1 || { cat restore.log; fail "expected xl restore to succeed, saw it fail"; }
rm -f vm.save
vm_wait_key vm data/test-vm/memcheck "ok 2048" 30
vm_wait_ready vm
log "check after save and restore: $(check_time)"
# No check found a corrupt page, whatever else a loaded xenstored made the VM
# count as an error (a read that timed out counts too: docs/protocol.md, "Status keys").
if grep -q 'test-vm: memcheck: error' "$(console_log vm)"; then
    fail "expected no memcheck error on the console, saw: $(grep 'test-vm: memcheck: error' "$(console_log vm)" | tail -n 1)"
fi
case $(vm_read_key vm data/test-vm/last-error) in
memcheck:*) fail "expected no memcheck error in last-error, saw \"$(vm_read_key vm data/test-vm/last-error)\"" ;;
esac
log "errors $(vm_read_key vm data/test-vm/errors), none from memcheck"
pass
