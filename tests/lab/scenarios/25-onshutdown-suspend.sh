#!/bin/sh
# onshutdown with "action":"suspend": xl reboot ends with the domain suspended
# (Reason-Code 2), the request acked with "".
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
expect_accepted vm '{"when":"onshutdown","ack":"ok","action":"suspend"}'
xl reboot vm
vm_wait_shutdown vm
expect_reason vm suspend
expect_key vm control/shutdown ""
expect_console vm 'test-vm: action: suspend'
pass
