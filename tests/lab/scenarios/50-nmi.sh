#!/bin/sh
# xl trigger DOM nmi: the VM logs the NMI and carries on, as Linux does (an
# NMI used to be treated as a fatal exception, crashing the domain).  It
# still takes a command and then a shutdown request.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
xl trigger vm nmi || fail "expected xl trigger vm nmi to succeed, saw status $?"
expect_console vm 'test-vm: nmi: received (1 so far)'
expect_running vm
xl trigger vm nmi || fail "expected xl trigger vm nmi to succeed, saw status $?"
expect_console vm 'test-vm: nmi: received (2 so far)'
expect_accepted vm '{"when":"onshutdown","action":"reboot"}'
xl shutdown vm
vm_wait_shutdown vm
expect_reason vm reboot
expect_key vm control/shutdown ""
pass
