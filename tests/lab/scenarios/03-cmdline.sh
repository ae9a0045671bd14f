#!/bin/sh
# The kernel command line is text from outside: the VM shows it quoted (a "
# or \ in it cannot end the quotes early), and says so when it is longer than
# the 1023 bytes it reads; what it read still takes effect.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create q cmdline='feature-suspend=0 say="hi"\there'
expect_console q 'test-vm: start_info version 1, flags 0x0, command line "feature-suspend=0 say=\"hi\"\\there"'
vm_wait_ready q
expect_key q control/feature-suspend 0

long=feature-reboot=0
while [ ${#long} -lt 1100 ]; do long="$long padding-word"; done
vm_create long cmdline="$long"
expect_console long 'test-vm: cmdline: error: longer than 1023 bytes: only the first 1023 are used'
expect_console long '"... (1023 bytes)'
vm_wait_ready long
expect_key long control/feature-reboot 0
pass
