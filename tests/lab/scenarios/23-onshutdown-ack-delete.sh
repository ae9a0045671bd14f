#!/bin/sh
# onshutdown with "ack":"delete": the VM removes control/shutdown (an ack for
# xenopsd) and powers off although xl asked for a reboot.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
expect_accepted vm '{"when":"onshutdown","ack":"delete","action":"poweroff"}'
xl reboot vm
vm_wait_shutdown vm
expect_reason vm poweroff
expect_no_key vm control/shutdown
expect_console vm 'test-vm: control/shutdown: acked "reboot" (removed the key)'
pass
