#!/bin/sh
# A newer command replaces the pending one; {"when":"now","action":"ignore"}
# cancels it, after which requests are obeyed as asked.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create a
vm_create b
vm_wait_ready a
expect_accepted a '{"when":"onshutdown","action":"reboot"}'
expect_accepted a '{"when":"onshutdown","ack":"none","action":"crash"}'
expect_console a 'test-vm: control/testing: replaces the pending command {"when":"onshutdown","ack":"ok","action":"reboot"}'
expect_key a data/test-vm/pending '{"when":"onshutdown","ack":"none","action":"crash"}'
vm_request a poweroff
vm_wait_shutdown a
expect_reason a crash
vm_wait_ready b
expect_accepted b '{"when":"onshutdown","action":"crash"}'
expect_accepted b '{"when":"now","action":"ignore"}'
expect_key b data/test-vm/pending ""
expect_key b data/test-vm/state ready
xl reboot b
vm_wait_shutdown b
expect_reason b reboot
pass
