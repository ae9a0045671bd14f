#!/bin/sh
# Command line options set the control/feature-* keys: "0", or left out (xl
# itself creates them empty before the guest runs).  The VM obeys regardless.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm cmdline="feature-suspend=0 feature-reboot=omit"
vm_wait_ready vm
expect_key vm control/feature-poweroff 1
expect_key vm control/feature-suspend 0
expect_console vm 'test-vm: features: poweroff=1 reboot=omitted suspend=0'
case $(vm_read_key vm control/feature-reboot) in
1 | 0) fail "expected control/feature-reboot left out, saw \"$(vm_read_key vm control/feature-reboot)\"" ;;
esac
xl reboot vm
vm_wait_shutdown vm
expect_reason vm reboot
pass
