#!/bin/sh
# A status key that xenstored refuses at boot.  Before the guest runs, dom0
# makes data/test-vm/state its own (the guest may not write it: EACCES).  The
# VM boots, says so, answers commands, and writes its data/test-vm/ keys again
# after a back-off (100 ms doubling to 10 s); once dom0 removes its key, the next try
# writes state "ready".  A status write lost once (CI saw a guest that never
# wrote "ready" within 10 s on 4.20) must not leave a toolstack waiting for
# ever.  Times are printed, not asserted.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create_paused refused
lab_key_path refused data/test-vm
dir=$_p
xenstore-write "$dir/state" dom0s || fail "expected dom0 to write $dir/state, saw xenstore-write fail"
# The folder the guest's own (every other key lands), the key dom0's alone.
if ! xenstore-chmod "$dir" "n$_d" || ! xenstore-chmod "$dir/state" n0; then
    fail "expected dom0 to set the permissions of $dir, saw xenstore-chmod fail"
fi
t0=$(lab_now_ms)
xl unpause refused || fail "expected xl unpause refused to succeed, saw it fail"

expect_console refused 'test-vm: xenstore: error: writing data/test-vm/state failed (EACCES)'
expect_console refused 'test-vm: status: a key was not written; writing its keys again in 100 ms'
expect_key refused data/test-vm/boots 1
expect_key refused control/feature-poweroff 1
expect_accepted refused '{"when":"now","action":"xenstore-write","path":"data/mark","value":"1"}'
expect_key refused data/mark 1
# Still trying, backing off: 100 + 200 + ... + 800 ms in, the 5th try is 1.6 s away.
expect_console refused 'test-vm: status: a key was not written; writing its keys again in 1600 ms'
expect_key refused data/test-vm/state dom0s
log "refused: still retrying $(($(lab_now_ms) - t0)) ms after unpause"

xenstore-rm "$dir/state" || fail "expected dom0 to remove $dir/state, saw xenstore-rm fail"
t1=$(lab_now_ms)
vm_wait_ready refused 30
expect_console refused 'test-vm: status: keys written again (try '
log "refused: ready $(($(lab_now_ms) - t1)) ms after dom0 removed its key; $(grep -c 'writing its keys again' "$(console_log refused)") tries logged"
vm_request refused poweroff
vm_wait_shutdown refused
expect_reason refused poweroff
pass
