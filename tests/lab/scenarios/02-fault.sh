#!/bin/sh
# Fault: with cmdline "debug=fault" the kernel takes an exception, prints a
# register dump on its console and asks Xen to crash the domain: with
# on_crash="preserve" the domain stays, with Reason-Code 3 (crash).
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create fault cmdline="debug=fault"
vm_wait_shutdown fault
expect_reason fault crash
expect_console fault "FATAL: exception"
expect_console_re fault 'rip +(0x)?[0-9a-f]{16}'
pass
