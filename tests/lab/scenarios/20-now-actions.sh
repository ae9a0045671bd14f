#!/bin/sh
# {"when":"now"}: each action carried out at once, control/shutdown untouched.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

for action in poweroff reboot crash halt suspend ignore; do
    vm_create $action
done
for action in poweroff reboot crash halt suspend ignore; do
    vm_wait_ready $action
    expect_accepted $action "{\"when\":\"now\",\"action\":\"$action\"}"
done
for pair in poweroff:poweroff reboot:reboot crash:crash halt:poweroff suspend:suspend; do
    vm_wait_shutdown ${pair%%:*}
    expect_reason ${pair%%:*} ${pair#*:}
    expect_console ${pair%%:*} "test-vm: action: ${pair%%:*}"
done
expect_console ignore 'test-vm: action: ignore'
vm_wait_key ignore data/test-vm/last-action ignore
expect_running ignore
expect_key ignore data/test-vm/state ready
pass
