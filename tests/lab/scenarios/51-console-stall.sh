#!/bin/sh
# xenconsoled stops reading the console ring (SIGSTOP): the VM waits for it
# once (200 ms), then drops what does not fit rather than stall, and keeps
# obeying.  Once xenconsoled reads again, the VM's next console write says
# how many bytes were lost.
# lab-alone: it stops xenconsoled, which every guest's console needs
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
pid=$(pidof xenconsoled) || fail "expected xenconsoled to run in dom0, saw none"
kill -STOP "$pid"
# Each rejected command logs 3 lines (about 280 bytes): 12 overfill the 2 KiB ring.
i=0
while [ "$i" -lt 12 ]; do
    expect_rejected vm '{"when":"now","action":"explode"}' 'field "action" must be'
    i=$((i + 1))
done
log "12 commands rejected with xenconsoled stopped"
kill -CONT "$pid"
vm_wait_key vm data/test-vm/errors 12
expect_accepted vm '{"when":"now","action":"ignore"}'
expect_console_re vm '^test-vm: console: [0-9]+ bytes were dropped while the ring was full'
expect_console vm 'test-vm: control/testing: accepted {"when":"now","ack":"ok","action":"ignore"}'
xl shutdown vm
vm_wait_shutdown vm
expect_reason vm poweroff
pass
