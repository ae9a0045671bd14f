#!/bin/sh
# The guest's own xenstore operations on command: a write into its home is
# ok, one into dom0's tree is refused (EACCES), rm removes; a flood stops at
# xenstored's quota with its error, and what went in is removable.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm

expect_accepted vm '{"when":"now","action":"xenstore-write","path":"data/lab-note","value":"written by the guest"}'
vm_wait_key vm data/lab-note "written by the guest"
expect_key vm data/test-vm/last-result ok
expect_console vm 'test-vm: xenstore-write: "data/lab-note" (20 bytes): ok'

expect_accepted vm '{"when":"now","action":"xenstore-write","path":"/local/domain/0/lab-note","value":"x"}'
vm_wait_key vm data/test-vm/last-result EACCES
expect_console vm 'test-vm: xenstore-write: "/local/domain/0/lab-note" (1 bytes): EACCES'
if xenstore-read /local/domain/0/lab-note >/dev/null 2>&1; then
    fail "expected no /local/domain/0/lab-note (the guest's write refused), saw one"
fi

expect_accepted vm '{"when":"now","action":"xenstore-rm","path":"data/lab-note"}'
vm_wait_key vm data/test-vm/last-result ok
expect_console vm 'test-vm: xenstore-rm: "data/lab-note": ok'
expect_no_key vm data/lab-note

# xenstored bounds what a domain may store (C xenstored answers ENOSPC past
# its quota, oxenstored EQUOTA): a flood of 5000 keys stops there.
_t=$(lab_now_ms)
expect_accepted vm '{"when":"now","action":"xenstore-flood","path":"data/flood","count":5000,"size":100}'
expect_console vm 'test-vm: xenstore-flood: wrote ' 120
ms=$(($(lab_now_ms) - _t))
written=$(vm_read_key vm data/test-vm/flood-written)
result=$(vm_read_key vm data/test-vm/last-result)
log "flood: $written of 5000 keys of 100 bytes in $ms ms, then $result"
[ "$result" != ok ] || fail "expected the flood to stop at a quota with an error, saw all 5000 written"
if [ "$written" -lt 1 ] || [ "$written" -ge 5000 ]; then
    fail "expected between 1 and 4999 keys written, saw $written"
fi
expect_key vm "data/flood/$((written - 1))" "$(vm_read_key vm "data/flood/$((written - 1))")"
expect_no_key vm "data/flood/$written"

expect_accepted vm '{"when":"now","action":"xenstore-rm","path":"data/flood"}'
vm_wait_key vm data/test-vm/last-result ok 30
expect_no_key vm data/flood
# Still answering, with room again.
expect_accepted vm '{"when":"now","action":"xenstore-write","path":"data/after-flood","value":"1"}'
vm_wait_key vm data/after-flood 1
pass
