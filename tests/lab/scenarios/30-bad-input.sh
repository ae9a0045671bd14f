#!/bin/sh
# Bad input is normal input: each bad command is acked, logged, counted in
# data/test-vm/errors with a reason in last-error, and the pending command
# survives every one of them: xl shutdown still ends in the pending reboot.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm
vm_wait_ready vm
good='{"when":"onshutdown","ack":"ok","action":"reboot"}'
expect_accepted vm "$good"

expect_rejected vm 'not json at all' 'not valid JSON'
expect_rejected vm '{"when":"now","action":"poweroff",}' 'not valid JSON'
expect_rejected vm '["when","now"]' 'not a JSON object'
expect_rejected vm '{"when":"now"}' 'missing field "action"'
expect_rejected vm '{"action":"poweroff"}' 'missing field "when"'
expect_rejected vm '{"when":1,"action":"poweroff"}' 'field "when" must be a string, not a number'
expect_rejected vm '{"when":"now","action":true}' 'field "action" must be a string, not a boolean'
expect_rejected vm '{"when":"later","action":"poweroff"}' 'field "when" must be "now" or "onshutdown"'
expect_rejected vm '{"when":"now","action":"explode"}' 'field "action" must be'
expect_rejected vm '{"when":"now","acton":"poweroff"}' 'unknown field "acton"'
expect_rejected vm '{"when":"now","when":"now","action":"poweroff"}' 'duplicate field "when"'
expect_rejected vm "$(printf '\001\002\003\377\376junk\033[0m')" 'not valid JSON'
# A value of 4000 bytes, near xenstore's 4096-byte payload limit.
big=$(head -c 3960 /dev/zero | tr '\0' 'x')
expect_rejected vm "{\"when\":\"now\",\"action\":\"$big\"}" 'field "action" must be'
expect_rejected vm "{\"when\":\"onshutdown\",\"ack\":\"$big\",\"action\":\"crash\"}" 'longer than 255 bytes'

vm_wait_key vm data/test-vm/errors 14
expect_key vm data/test-vm/commands 1
expect_key vm data/test-vm/state pending
expect_key vm data/test-vm/pending "$good"
expect_console vm 'test-vm: control/testing: error: unknown field "acton"'
expect_running vm
xl shutdown vm
vm_wait_shutdown vm
expect_reason vm reboot
pass
