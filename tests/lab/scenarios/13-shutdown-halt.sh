#!/bin/sh
# control/shutdown = "halt" (xenopsd sends it): Xen has no halt code, so the VM
# acks it and powers off, as Linux does (Reason-Code 0).
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
vm_request vm halt
vm_wait_shutdown vm
expect_reason vm poweroff
expect_key vm control/shutdown ""
expect_key vm data/test-vm/last-action halt
expect_console vm 'test-vm: action: halt (as poweroff: Xen has no halt)'
pass
