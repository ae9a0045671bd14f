#!/bin/sh
# Boot: `xl create` of the kernel as a PVH guest.  Its banner, with the Xen
# version, reaches xenconsoled's log of the guest's PV console (guest-boot.log),
# and the guest says it is ready in xenstore (data/test-vm/state = "ready").
# The PV console is a terminal: every line ends in CR LF, as Linux and Mini-OS
# send it, so `xl console` shows no staircase.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create boot
expect_console_re boot "^xen-test-vm [^ ]+ on Xen $(echo "$LAB_XEN" | sed 's/\./\\./')([^0-9]|\$)"
vm_wait_ready boot
cr=$(printf '\r')
bare=$(grep -c -v "$cr\$" "$(console_log boot)")
[ "$bare" = 0 ] || fail "expected every console line to end in CR LF, saw $bare ending in a bare LF"
pass
