#!/bin/sh
# Boot: `xl create` of the kernel as a PVH guest; its banner (with the Xen
# version) reaches xenconsoled's log of the guest's PV console.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create boot
expect_console_re boot '^xen-test-vm [^ ]+ on Xen 4\.17'
pass
