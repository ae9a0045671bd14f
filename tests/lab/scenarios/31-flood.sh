#!/bin/sh
# A flood of writes to control/testing, junk and commands mixed, with no
# waiting in between: the VM survives, and the last command written is the one
# that holds (it reads the current value on every watch event).
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
vm_testing_key vm >/dev/null
p=$_p
i=0
while [ $i -lt 25 ]; do
    xenstore-write "$p" '{"when":"onshutdown","action":"reboot"}'
    xenstore-write "$p" "junk $i"
    i=$((i + 1))
done
xenstore-write "$p" '{"when":"onshutdown","ack":"none","action":"crash"}'
vm_wait_key vm control/testing ""
vm_wait_key vm data/test-vm/pending '{"when":"onshutdown","ack":"none","action":"crash"}'
log "commands $(vm_read_key vm data/test-vm/commands), errors $(vm_read_key vm data/test-vm/errors)"
expect_running vm
vm_request vm poweroff
vm_wait_shutdown vm
expect_reason vm crash
pass
