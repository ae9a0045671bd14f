#!/bin/sh
# "times" and "on".  A command with times 2 takes over two requests (pending
# shows what is left), then a third is obeyed.  A command with
# on ["suspend"] (times "always") refuses every suspend request (what xl
# save writes), left unacked, while a poweroff (xl shutdown) is obeyed.  The
# suspend requests are written directly, as a toolstack does: xl save itself
# would wait 60 s for the ack (docs/protocol.md, "Recipes: what xl does").
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create twice
vm_create onsuspend
vm_wait_ready twice
vm_wait_ready onsuspend

expect_accepted twice '{"when":"onshutdown","action":"ignore","times":2}'
expect_key twice data/test-vm/pending '{"when":"onshutdown","ack":"ok","action":"ignore","times":2}'
vm_write_key twice control/shutdown reboot
vm_wait_key twice control/shutdown ""
vm_wait_key twice data/test-vm/pending '{"when":"onshutdown","ack":"ok","action":"ignore"}'
vm_write_key twice control/shutdown reboot
vm_wait_key twice control/shutdown ""
vm_wait_key twice data/test-vm/pending ""
expect_running twice
n=$(grep -c 'carrying out the pending command' "$(console_log twice)")
[ "$n" = 2 ] || fail "expected 2 requests taken over, saw $n"
xl shutdown twice >shutdown.log 2>&1 || { cat shutdown.log; fail "expected xl shutdown to succeed, saw it fail"; }
vm_wait_shutdown twice
expect_reason twice poweroff

cmd='{"when":"onshutdown","ack":"none","action":"ignore","times":"always","on":["suspend"]}'
expect_accepted onsuspend "$cmd"
expect_key onsuspend data/test-vm/pending "$cmd"
vm_write_key onsuspend control/shutdown suspend
expect_console onsuspend 'test-vm: control/shutdown: left "suspend" unacked (ack "none")'
expect_key onsuspend control/shutdown suspend
expect_running onsuspend
expect_key onsuspend data/test-vm/pending "$cmd"
xl shutdown onsuspend >shutdown.log 2>&1 || { cat shutdown.log; fail "expected xl shutdown to succeed, saw it fail"; }
vm_wait_shutdown onsuspend
expect_reason onsuspend poweroff
expect_console onsuspend 'test-vm: control/shutdown: acked "poweroff" (wrote "")'
pass
