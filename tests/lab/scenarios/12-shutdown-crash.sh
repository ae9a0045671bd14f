#!/bin/sh
# control/shutdown = "crash": acked, then SHUTDOWN_crash (Reason-Code 3).
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
vm_request vm crash
vm_wait_shutdown vm
expect_reason vm crash
expect_key vm control/shutdown ""
expect_console vm 'test-vm: action: crash'
pass
