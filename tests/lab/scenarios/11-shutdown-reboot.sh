#!/bin/sh
# xl reboot: acked with "", then SHUTDOWN_reboot (Reason-Code 1; on_reboot is
# "preserve", so the domain stays to be looked at).
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
xl reboot vm
vm_wait_shutdown vm
expect_reason vm reboot
expect_key vm control/shutdown ""
expect_console vm 'test-vm: control/shutdown: acked "reboot" (wrote "")'
expect_console vm 'test-vm: action: reboot'
pass
