#!/bin/sh
# xl sysrq: the VM reads control/sysrq and acks it with "" (as Linux does),
# ignores keys other than b, o and c, and powers off on o and reboots on b.
# A pending onshutdown command does not take a key over.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create off
vm_wait_ready off
xl sysrq off h || fail "expected xl sysrq off h to succeed"
expect_console off 'test-vm: control/sysrq: key "h" ignored (only b, o and c do anything)'
vm_wait_key off control/sysrq ""
expect_running off
expect_accepted off '{"when":"onshutdown","action":"crash"}'
xl sysrq off o || fail "expected xl sysrq off o to succeed"
expect_console off 'test-vm: control/sysrq: received "o", acked (wrote "")'
vm_wait_shutdown off
expect_reason off poweroff

vm_create boot
vm_wait_ready boot
xl sysrq boot b || fail "expected xl sysrq boot b to succeed"
expect_console boot 'test-vm: control/sysrq: key b: reboot'
vm_wait_shutdown boot
expect_reason boot reboot
pass
