#!/bin/sh
# onshutdown with "ack":"none": the request stays unacked in control/shutdown
# (what makes xenopsd fail with VM_FAILED_SHUTDOWN_ACK) and the VM crashes.
# The request is written directly, as a toolstack does: `xl shutdown` would
# block for 60 s waiting for the ack that never comes.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
expect_accepted vm '{"when":"onshutdown","ack":"none","action":"crash"}'
vm_request vm poweroff
vm_wait_shutdown vm
expect_reason vm crash
expect_key vm control/shutdown poweroff
expect_console vm 'test-vm: control/shutdown: left "poweroff" unacked (ack "none")'
pass
