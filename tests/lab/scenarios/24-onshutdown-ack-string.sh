#!/bin/sh
# onshutdown with a custom ack string and "action":"ignore": the VM writes the
# string into control/shutdown, does not react to its own write, and stays up.
# The command fired once: the next request is obeyed normally.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
expect_accepted vm '{"when":"onshutdown","ack":"reboot","action":"ignore"}'
vm_request vm poweroff
expect_console vm 'test-vm: control/shutdown: acked "poweroff" (wrote "reboot")'
expect_console vm 'test-vm: action: ignore'
expect_console vm 'test-vm: control/shutdown: ignored "reboot" (our own ack)'
expect_key vm control/shutdown reboot
vm_wait_key vm data/test-vm/state ready
expect_running vm
vm_request vm ""
vm_request vm crash
vm_wait_shutdown vm
expect_reason vm crash
pass
