#!/bin/sh
# onshutdown, ack absent (= "ok"): the command waits (state "pending"); the
# next request is acked with "" and the command's action replaces it: xl
# shutdown ends in a reboot.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
expect_accepted vm '{"when":"onshutdown","action":"reboot"}'
expect_key vm data/test-vm/state pending
expect_key vm data/test-vm/pending '{"when":"onshutdown","ack":"ok","action":"reboot"}'
expect_running vm
xl shutdown vm
vm_wait_shutdown vm
expect_reason vm reboot
expect_key vm control/shutdown ""
expect_key vm data/test-vm/pending ""
expect_console vm 'test-vm: control/shutdown: carrying out the pending command {"when":"onshutdown","ack":"ok","action":"reboot"} instead'
expect_console vm 'test-vm: control/shutdown: acked "poweroff" (wrote "")'
pass
