#!/bin/sh
# An unknown request ("s3") is logged and neither acked nor carried out; the VM
# keeps running and still obeys the next real request.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
vm_request vm s3
expect_console vm 'test-vm: control/shutdown: error: unknown request "s3", not acked'
expect_key vm control/shutdown s3
expect_running vm
vm_wait_key vm data/test-vm/errors 1
vm_request vm poweroff
vm_wait_shutdown vm
expect_reason vm poweroff
pass
