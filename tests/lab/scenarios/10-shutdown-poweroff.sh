#!/bin/sh
# xl shutdown: the VM acks control/shutdown by writing "" and powers off
# (Reason-Code 0).
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
xl shutdown vm
vm_wait_shutdown vm
expect_reason vm poweroff
expect_key vm control/shutdown ""
expect_key vm data/test-vm/last-action poweroff
expect_console vm 'test-vm: control/shutdown: received "poweroff"'
expect_console vm 'test-vm: control/shutdown: acked "poweroff" (wrote "")'
expect_console vm 'test-vm: action: poweroff'
pass
